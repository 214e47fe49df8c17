//! Selection: `generate_client!("api.json", tags = ["repos", "issues"])` or
//! `operations = ["repos/get", "issues/create"]` generates part of a big client, the
//! listed tags' operations or the listed operations, and what they need.
//!
//! The pass runs on the normalized document, before the model, and removes what is not
//! selected, so that the model and everything after it work as on a document that never
//! had it:
//!
//! 1. An operation is kept when its **first** tag, the one that decides its sub-client, is
//!    listed in `tags`, or its `operationId` in `operations` (both may be given: either
//!    keeps). Under `tags` alone, untagged operations, which live on `Client` itself, are
//!    dropped; so are webhook events, unless their `post` operation is kept.
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
//! Tags and operation ids are matched exactly, as the document spells them. A listed one
//! that selects nothing is an error at its literal that says what can (the tags, or the
//! operation id it was near); the others still select. Listing one twice is the same as
//! listing it once.

mod reach;
// Reads `../spec/`: compiled in the repository only (see build.rs).
#[cfg(all(test, workspace_fixtures))]
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

/// Applies `tags = [...]` and `operations = [...]` to `doc`; returns the errors for
/// listed entries that select nothing.
pub fn select(doc: &mut Document, tags: &[LitStr], operations: &[LitStr]) -> Option<syn::Error> {
    let census = Census::of(&doc.root);
    let unknown_tags = unknown(tags, |tag| census.first.contains_key(tag))
        .map(|lit| (lit, census.unknown_tag(&lit.value())));
    let unknown_ids = unknown(operations, |id| census.ids.contains(id))
        .map(|lit| (lit, census.unknown_id(&lit.value())));
    let error = unknown_tags
        .chain(unknown_ids)
        .map(|(lit, msg)| syn::Error::new(lit.span(), format!("{}: {msg}", doc.display)))
        .reduce(|mut all, e| {
            all.combine(e);
            all
        });
    let wanted = Wanted {
        tags: tags.iter().map(LitStr::value).collect(),
        ids: operations.iter().map(LitStr::value).collect(),
    };
    let group_tags = model::group_tags(&doc.root, &Omitted::default());
    doc.omitted = reach::prune(&mut doc.root, &|op| wanted.keeps(op));
    doc.omitted.tags = group_tags;
    error
}

// ===== internal =====

/// The listed entries that `exists` says nothing has, each once.
fn unknown<'l>(
    listed: &'l [LitStr],
    exists: impl Fn(&str) -> bool + 'l,
) -> impl Iterator<Item = &'l LitStr> + 'l {
    let mut seen = HashSet::new();
    listed
        .iter()
        .filter(move |lit| seen.insert(lit.value()) && !exists(&lit.value()))
}

/// What a selection lists.
struct Wanted {
    tags: BTreeSet<String>,
    ids: BTreeSet<String>,
}

impl Wanted {
    /// Whether the operation `op` is selected: its first tag or its operation id is listed.
    fn keeps(&self, op: &Value) -> bool {
        first_tag(op).is_some_and(|tag| self.tags.contains(tag))
            || operation_id(op).is_some_and(|id| self.ids.contains(id))
    }
}

fn first_tag(op: &Value) -> Option<&str> {
    op.get("tags")?.as_array()?.first()?.as_str()
}

fn operation_id(op: &Value) -> Option<&str> {
    op.get("operationId")?.as_str()
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
    /// The operation ids: the ones `operations` can name.
    ids: BTreeSet<String>,
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
        if let Some(id) = operation_id(op) {
            self.ids.insert(id.to_owned());
        }
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

    /// The message for a listed operation `id` that no operation has.
    fn unknown_id(&self, id: &str) -> String {
        let mut msg = format!("`operations`: no operation has the operationId `{id}`");
        let folded = names::value_name(id, "operation");
        let near = self
            .ids
            .iter()
            .find(|known| names::value_name(known, "operation") == folded);
        if let Some(near) = near {
            let _ = write!(msg, "; did you mean `{near}`?");
        } else if self.first.contains_key(id) {
            let _ = write!(msg, "; `{id}` is a tag: list it in `tags = [...]`");
        } else if self.ids.is_empty() {
            msg.push_str(": no operation in this document has an operationId");
        } else {
            msg.push_str(" (operation ids match as the document spells them)");
        }
        msg
    }

    /// The message for a listed `tag` that is no operation's first tag.
    fn unknown_tag(&self, tag: &str) -> String {
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
