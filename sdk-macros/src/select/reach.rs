//! Reachability: which entries of `components` the kept operations need, and the removal
//! of everything else.
//!
//! The walk starts from the path items and webhook entries that hold a kept operation and
//! from every top-level member but `paths`, the webhooks and `components` (plus the members
//! of `components` that are never removed, such as `securitySchemes`). In a path item it
//! enters the kept operations and the shared members (`parameters`, `servers`), never a
//! dropped operation. Elsewhere it enters everything, examples and extensions included:
//! keeping too much costs a few types, keeping too little a dangling `$ref`. Each `$ref`
//! and each discriminator `mapping` value (a pointer, or a bare schema name) it meets
//! leads to one more node to walk:
//!
//! - into `components/<member>/<name>`: the whole entry, once (the model converts every
//!   component schema whole, so `#/components/schemas/A/properties/b` keeps all of `A`);
//!   an entry of `pathItems` is walked as a path item;
//! - at an entry of `paths` or of the webhooks: that path item, as a path item;
//! - anywhere else (inside an operation, say): that node alone.
//!
//! The walk uses a work list, not recursion, so a document nested thousands of levels
//! deep cannot overflow the compiler's stack; every target is walked once.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::item_ops;
use crate::load::Omitted;
use crate::model::follow_quietly;
use crate::pointer;

/// Top-level maps of path items, selected operation by operation.
pub(super) const ITEM_MAPS: &[&str] = &["paths", "webhooks", "x-webhooks"];

/// Members of `components` whose unreached entries are removed. `securitySchemes` is not
/// one: requirements name schemes, not `$ref`s, and the client offers every scheme.
const PRUNED: &[&str] = &[
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "links",
    "callbacks",
    "pathItems",
    "mediaTypes",
];

/// Removes from `root` the operations `keep` rejects, the path items and webhook entries
/// left with nothing, and the unreached entries of `components`; returns what the model
/// must still leave out.
pub(super) fn prune(root: &mut Value, keep: &dyn Fn(&Value) -> bool) -> Omitted {
    let reached = Reached::walk(root, keep);
    let mut omitted = Omitted::default();
    retain_items(root, &reached);
    omitted.schema_keys = retain_components(root, &reached);
    // What is left of every path item: its dropped operations go, unless something kept
    // refers into them.
    let mut done = HashSet::new();
    for at in remaining_items(root, &reached) {
        if done.insert(at.clone())
            && let Some(item) = lookup_mut(root, &at)
        {
            drop_operations(item, &at, keep, &reached, &mut omitted);
        }
    }
    omitted
}

// ===== internal =====

/// What the walk reached.
#[derive(Default)]
struct Reached {
    /// Entries of `components` reached, as `(member, name)`.
    entries: HashSet<(String, String)>,
    /// Every prefix of every pointer a followed `$ref` named, as tokens: a node is
    /// referenced into when its pointer is one of them.
    referenced: HashSet<Vec<String>>,
    /// Entries of the path-item maps that hold a kept operation, as `[map, name]`.
    selected: HashSet<Vec<String>>,
    /// Path items walked as such because a `$ref` named them, as tokens.
    items: Vec<Vec<String>>,
}

impl Reached {
    fn walk(root: &Value, keep: &dyn Fn(&Value) -> bool) -> Reached {
        let mut walk = Walk {
            root,
            keep,
            reached: Reached::default(),
            seen: HashSet::new(),
            queue: Vec::new(),
        };
        walk.roots();
        while let Some(task) = walk.queue.pop() {
            match task {
                Task::Node(node) => walk.node(node),
                Task::Item(item) => walk.item(item),
            }
        }
        walk.reached
    }

    fn is_referenced(&self, at: &[String]) -> bool {
        self.referenced.contains(at)
    }
}

struct Walk<'a> {
    root: &'a Value,
    keep: &'a dyn Fn(&Value) -> bool,
    reached: Reached,
    /// Canonical pointers of the `$ref` targets already followed.
    seen: HashSet<String>,
    queue: Vec<Task<'a>>,
}

enum Task<'a> {
    /// Walk everything below the node.
    Node(&'a Value),
    /// Walk a path item: its shared members and its kept operations.
    Item(&'a Value),
}

impl<'a> Walk<'a> {
    fn roots(&mut self) {
        let Some(obj) = self.root.as_object() else {
            return;
        };
        for (key, value) in obj {
            if ITEM_MAPS.contains(&key.as_str()) {
                for (name, item) in value.as_object().into_iter().flatten() {
                    let target = follow_quietly(self.root, item);
                    let kept =
                        target.is_some_and(|t| item_ops(t).iter().any(|(_, op)| (self.keep)(op)));
                    if kept {
                        self.reached
                            .selected
                            .insert(vec![key.clone(), name.clone()]);
                        self.queue.push(Task::Item(item));
                    }
                }
            } else if key == "components" {
                for (member, value) in value.as_object().into_iter().flatten() {
                    if !PRUNED.contains(&member.as_str()) {
                        self.queue.push(Task::Node(value));
                    }
                }
            } else {
                self.queue.push(Task::Node(value));
            }
        }
    }

    /// Walks a path item: a `$ref` to another one, its shared members, its kept operations.
    fn item(&mut self, item: &'a Value) {
        let Some(obj) = item.as_object() else {
            return;
        };
        if let Some(reference) = obj.get("$ref").and_then(Value::as_str) {
            self.reference(reference);
        }
        let ops = item_ops(item);
        for (_, op) in &ops {
            if (self.keep)(op) {
                self.queue.push(Task::Node(op));
            }
        }
        let is_op =
            |key: &str| key == "additionalOperations" || ops.iter().any(|(t, _)| t[0] == key);
        for (key, value) in obj {
            if !is_op(key) {
                self.queue.push(Task::Node(value));
            }
        }
    }

    /// Walks everything below `node`.
    fn node(&mut self, node: &'a Value) {
        let mut stack = vec![node];
        while let Some(node) = stack.pop() {
            match node {
                Value::Object(obj) => {
                    if let Some(reference) = obj.get("$ref").and_then(Value::as_str) {
                        self.reference(reference);
                    }
                    if let Some(mapping) = obj
                        .get("discriminator")
                        .and_then(|d| d.get("mapping"))
                        .and_then(Value::as_object)
                    {
                        for target in mapping.values().filter_map(Value::as_str) {
                            self.mapping(target);
                        }
                    }
                    stack.extend(obj.values());
                }
                Value::Array(items) => stack.extend(items),
                _ => {}
            }
        }
    }

    /// A discriminator mapping value: a pointer, or the name of a component schema.
    fn mapping(&mut self, target: &str) {
        if target.starts_with('#') {
            self.reference(target);
        } else if !target.contains(['/', '#']) {
            self.reference(&pointer::push("#/components/schemas", target));
        }
    }

    /// Follows one `$ref`. External and dangling ones lead nowhere (the model reports them).
    fn reference(&mut self, reference: &str) {
        let Some(tokens) = pointer::tokens(reference) else {
            return;
        };
        if !self.seen.insert(pointer::canonical(reference)) {
            return;
        }
        let Some(node) = lookup(self.root, &tokens) else {
            return;
        };
        for len in 0..=tokens.len() {
            self.reached.referenced.insert(tokens[..len].to_vec());
        }
        match tokens.as_slice() {
            [c, member, name, rest @ ..]
                if c == "components" && PRUNED.contains(&member.as_str()) =>
            {
                self.entry(member, name);
                if member == "pathItems" && !rest.is_empty() {
                    self.queue.push(Task::Node(node));
                }
            }
            [c, member] if c == "components" && PRUNED.contains(&member.as_str()) => {
                for name in node.as_object().into_iter().flat_map(Map::keys) {
                    self.entry(member, name);
                }
            }
            [map, _] if ITEM_MAPS.contains(&map.as_str()) => {
                self.reached.items.push(tokens.clone());
                self.queue.push(Task::Item(node));
            }
            _ => self.queue.push(Task::Node(node)),
        }
    }

    /// Keeps the entry `name` of `components/<member>` and walks it, once.
    fn entry(&mut self, member: &str, name: &str) {
        if !self
            .reached
            .entries
            .insert((member.to_owned(), name.to_owned()))
        {
            return;
        }
        let node = self
            .root
            .get("components")
            .and_then(|c| c.get(member))
            .and_then(|m| m.get(name));
        match node {
            Some(node) if member == "pathItems" => self.queue.push(Task::Item(node)),
            Some(node) => self.queue.push(Task::Node(node)),
            None => {}
        }
    }
}

/// Removes the entries of `paths` and the webhooks that hold no kept operation and that
/// nothing kept refers into.
fn retain_items(root: &mut Value, reached: &Reached) {
    for key in ITEM_MAPS {
        if let Some(Value::Object(map)) = root.get_mut(*key) {
            map.retain(|name, _| {
                let at = [(*key).to_owned(), name.clone()];
                reached.selected.contains(at.as_slice()) || reached.is_referenced(&at)
            });
        }
    }
}

/// Removes the unreached entries of the pruned members of `components`; returns the keys
/// `components/schemas` had, when it lost some.
fn retain_components(root: &mut Value, reached: &Reached) -> Vec<String> {
    let mut schema_keys = Vec::new();
    let Some(Value::Object(components)) = root.get_mut("components") else {
        return schema_keys;
    };
    for member in PRUNED {
        let Some(Value::Object(map)) = components.get_mut(*member) else {
            continue;
        };
        let before: Vec<String> = map.keys().cloned().collect();
        let is_reached = |name: &String| {
            let key = ((*member).to_owned(), name.clone());
            reached.entries.contains(&key)
        };
        map.retain(|name, _| is_reached(name));
        if *member == "schemas" && map.len() < before.len() {
            schema_keys = before;
        }
    }
    schema_keys
}

/// The path items left: the entries of `paths`, of the webhooks and of
/// `components/pathItems`, and those a `$ref` named elsewhere.
fn remaining_items(root: &Value, reached: &Reached) -> Vec<Vec<String>> {
    let mut items = reached.items.clone();
    let maps = ITEM_MAPS
        .iter()
        .map(|key| vec![(*key).to_owned()])
        .chain([vec!["components".to_owned(), "pathItems".to_owned()]]);
    for base in maps {
        let map = lookup(root, &base).and_then(Value::as_object);
        let names = map.into_iter().flat_map(Map::keys);
        items.extend(names.map(|name| [base.as_slice(), std::slice::from_ref(name)].concat()));
    }
    items
}

/// Removes from the path item at `at` the operations `keep` rejects; one that something
/// kept refers into stays, marked omitted.
fn drop_operations(
    item: &mut Value,
    at: &[String],
    keep: &dyn Fn(&Value) -> bool,
    reached: &Reached,
    omitted: &mut Omitted,
) {
    let dropped: Vec<Vec<String>> = item_ops(item)
        .into_iter()
        .filter(|(_, op)| !keep(op))
        .map(|(tail, _)| tail)
        .collect();
    for tail in dropped {
        let full = [at, tail.as_slice()].concat();
        if reached.is_referenced(&full) {
            omitted.operations.insert(spell(&full));
            continue;
        }
        let holder = match tail.as_slice() {
            [_] => Some(&mut *item),
            [extra, _] => item.get_mut(extra.as_str()),
            _ => None,
        };
        if let (Some(Value::Object(holder)), Some(key)) = (holder, tail.last()) {
            // `retain` keeps the order, with or without serde_json's `preserve_order`.
            holder.retain(|k, _| k != key);
        }
    }
}

/// The node at `tokens`, through objects and lists.
fn lookup<'v>(root: &'v Value, tokens: &[String]) -> Option<&'v Value> {
    tokens.iter().try_fold(root, |node, token| match node {
        Value::Object(obj) => obj.get(token),
        Value::Array(items) => items.get(token.parse::<usize>().ok()?),
        _ => None,
    })
}

fn lookup_mut<'v>(root: &'v mut Value, tokens: &[String]) -> Option<&'v mut Value> {
    tokens.iter().try_fold(root, |node, token| match node {
        Value::Object(obj) => obj.get_mut(token),
        Value::Array(items) => items.get_mut(token.parse::<usize>().ok()?),
        _ => None,
    })
}

/// The canonical pointer of `tokens`.
fn spell(tokens: &[String]) -> String {
    tokens
        .iter()
        .fold("#".to_owned(), |p, t| pointer::push(&p, t))
}
