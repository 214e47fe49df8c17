//! Error collection: every problem found in a document is recorded with its JSON pointer
//! and reported at once, as serde_derive's `Ctxt` does for attributes.

use std::cell::RefCell;

use proc_macro2::Span;

/// Collects errors while the model is built.
pub struct Ctxt {
    /// The document's path as the user wrote it, named in every message.
    file: String,
    span: Span,
    errors: RefCell<Option<Vec<syn::Error>>>,
    warnings: RefCell<Vec<Warning>>,
}

/// A problem that does not stop generation, at a JSON pointer of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Where in the document, e.g. `#/paths/~1pets~1{petid}/get/parameters/0`.
    pub pointer: String,
    /// What is wrong and what the generator did about it.
    pub message: String,
}

impl Ctxt {
    pub fn new(file: String, span: Span) -> Self {
        Ctxt {
            file,
            span,
            errors: RefCell::new(Some(Vec::new())),
            warnings: RefCell::new(Vec::new()),
        }
    }

    /// Records an error at the JSON pointer `pointer` (e.g. `#/paths/~1pets/get`).
    pub fn error_at(&self, pointer: &str, msg: impl std::fmt::Display) {
        let message = format!("{}: {pointer}: {msg}", self.file);
        if let Some(errors) = self.errors.borrow_mut().as_mut() {
            errors.push(syn::Error::new(self.span, message));
        }
    }

    /// Records a warning at the JSON pointer `pointer`: generation goes on.
    pub fn warn_at(&self, pointer: &str, msg: impl std::fmt::Display) {
        self.warnings.borrow_mut().push(Warning {
            pointer: pointer.to_owned(),
            message: msg.to_string(),
        });
    }

    /// The document's path as the user wrote it, which every message starts with.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// Takes the warnings recorded so far.
    pub fn take_warnings(&self) -> Vec<Warning> {
        std::mem::take(&mut self.warnings.borrow_mut())
    }

    /// Returns all collected errors combined into one, or `Ok` when there are none.
    pub fn check(self) -> syn::Result<()> {
        let errors = self.errors.borrow_mut().take().unwrap_or_default();
        let mut iter = errors.into_iter();
        let Some(mut first) = iter.next() else {
            return Ok(());
        };
        for error in iter {
            first.combine(error);
        }
        Err(first)
    }
}
