//! Tag selection: `generate_client!("api.json", tags = ["repos", "issues"])` generates part
//! of a big client, the operations of the listed tags and what they need.
//!
//! The pass runs on the normalized document, before the model, and removes what is not
//! selected, so that the model and everything after it work as on a document that never
//! had it:
//!
//! 1. An operation is kept when its **first** tag, the one that decides its sub-client, is
//!    listed. Untagged operations, which live on `Client` itself, are dropped; so are
//!    webhook events, unless the first tag of their `post` operation is listed.
//! 2. From what is kept (the kept operations, the shared members of their path items, the
//!    kept webhook events, and every top-level member other than `paths`, the webhooks and
//!    `components`) every `$ref` and every discriminator `mapping` value is followed, to a
//!    fixpoint ([`reach`]).
//! 3. The entries of `components` that were not reached are removed (`securitySchemes`
//!    never is); so are the dropped operations, and the path items and webhook entries
//!    left with nothing kept.
//!
//! Keys stay and only entries go, so every JSON pointer in a later error message is the one
//! the whole document gives. What the pass cannot remove, or the model needs to name the
//! rest as the whole client names it, goes to the model in [`Omitted`]: a dropped operation
//! that a kept node refers into (`$ref: '#/paths/~1a/get/responses/404'`, as bundled
//! documents do across tags) stays in the document, marked so that nothing is generated for
//! it; the names of the removed component schemas and of every tag stay taken, so a kept
//! sub-client, method or component type has its name in the whole client. (A name made up
//! for an inline schema or a builder can still lose a numeric suffix.)
//!
//! Tags are matched exactly, as the document spells them. A listed tag that is no
//! operation's first tag is an error at its literal that lists the tags that can be; the
//! others still select. Listing a tag twice is the same as listing it once.

mod reach;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;

use serde_json::Value;
use syn::LitStr;

use crate::load::{Document, Omitted};
use crate::model::{self, follow_quietly, item_operations};
use crate::{names, pointer};

/// How many of the document's tags an error lists.
const MAX_LISTED: usize = 40;

/// Applies `tags = [...]` to `doc`; returns the errors for listed tags that select nothing.
pub fn select(doc: &mut Document, tags: &[LitStr]) -> Option<syn::Error> {
    let census = Census::of(&doc.root);
    let mut seen = HashSet::new();
    let errors = tags
        .iter()
        .filter(|lit| seen.insert(lit.value()) && !census.first.contains_key(&lit.value()))
        .map(|lit| {
            let msg = census.unknown(&lit.value());
            syn::Error::new(lit.span(), format!("{}: {msg}", doc.display))
        });
    let error = errors.reduce(|mut all, e| {
        all.combine(e);
        all
    });
    let wanted: BTreeSet<String> = tags.iter().map(LitStr::value).collect();
    let group_tags = model::group_tags(&doc.root, &Omitted::default());
    doc.omitted = reach::prune(&mut doc.root, &|op| is_kept(op, &wanted));
    doc.omitted.tags = group_tags;
    error
}

// ===== internal =====

/// Whether the operation `op` is selected: its first tag is one of `wanted`.
fn is_kept(op: &Value, wanted: &BTreeSet<String>) -> bool {
    first_tag(op).is_some_and(|tag| wanted.contains(tag))
}

fn first_tag(op: &Value) -> Option<&str> {
    op.get("tags")?.as_array()?.first()?.as_str()
}

/// The operations of a path item, each with its pointer below the item: `["get"]`,
/// `["additionalOperations", "LINK"]`.
fn item_ops(item: &Value) -> Vec<(Vec<String>, &Value)> {
    item_operations(None, item, "#")
        .into_iter()
        .filter_map(|o| Some((pointer::tokens(&o.ptr)?, o.op)))
        .collect()
}

/// The tags of the document's operations and webhook events, counted by position.
#[derive(Default)]
struct Census {
    /// First tags: the ones a selection can name.
    first: BTreeMap<String, usize>,
    /// Tags that some operation lists after its first, with how many do.
    later: BTreeMap<String, usize>,
}

impl Census {
    fn of(root: &Value) -> Census {
        let mut census = Census::default();
        for (key, map) in reach::ITEM_MAPS
            .iter()
            .filter_map(|key| Some((*key, root.get(*key)?.as_object()?)))
        {
            for item in map.values() {
                let Some(item) = follow_quietly(root, item) else {
                    continue;
                };
                let ops = item_ops(item);
                // A webhook event is its `post` operation; nothing else of it is generated.
                let ops = ops
                    .iter()
                    .filter(|(tail, _)| key == "paths" || tail == &["post"]);
                for (_, op) in ops {
                    census.count(op);
                }
            }
        }
        census
    }

    fn count(&mut self, op: &Value) {
        let Some(tags) = op.get("tags").and_then(Value::as_array) else {
            return;
        };
        let mut tags = tags.iter().filter_map(Value::as_str);
        if let Some(first) = tags.next() {
            *self.first.entry(first.to_owned()).or_default() += 1;
        }
        for later in tags {
            *self.later.entry(later.to_owned()).or_default() += 1;
        }
    }

    /// The message for a listed `tag` that is no operation's first tag.
    fn unknown(&self, tag: &str) -> String {
        let mut msg = format!("`tags`: no operation has `{tag}` as its first tag");
        match self.later.get(tag) {
            Some(1) => msg.push_str(" (one lists it after another"),
            Some(n) => {
                let _ = write!(msg, " ({n} list it after another");
            }
            None => {}
        }
        if self.later.contains_key(tag) {
            msg.push_str("; an operation is generated under its first tag only)");
        }
        let folded = names::value_name(tag, "tag");
        if let Some(near) = self
            .first
            .keys()
            .find(|t| names::value_name(t, "tag") == folded)
        {
            let _ = write!(msg, "; did you mean `{near}`?");
        }
        msg.push_str(if msg.ends_with('?') { " " } else { ". " });
        if self.first.is_empty() {
            msg.push_str("No operation in this document has a tag, so `tags` selects nothing");
            return msg;
        }
        let listed: Vec<String> = self
            .first
            .keys()
            .take(MAX_LISTED)
            .map(|t| format!("`{t}`"))
            .collect();
        let _ = write!(msg, "The tags that select are {}", listed.join(", "));
        if self.first.len() > MAX_LISTED {
            let _ = write!(msg, " and {} more", self.first.len() - MAX_LISTED);
        }
        msg
    }
}
