//! The structure rules of both crates, read from their source:
//!
//! * no import circle between modules (a `use crate::…`, `super::…` or
//!   relative path from one module to another, or a `crate::…` path written
//!   inline, is an edge; a re-export is followed to the module that defines
//!   the item; test modules are left out);
//! * in `sdk-runtime`, no module imports from a layer above its own, and no
//!   module imports `__private`.
//!
//! The graph is built per module (a file, or an inline module that is not a
//! test module), so a parent and its child importing each other is a circle
//! too.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// A module by its path from the crate root (`["pipeline", "stage"]`).
type ModPath = Vec<String>;

#[derive(Default)]
struct Crate {
    /// Every module, with its child modules' names.
    modules: BTreeMap<ModPath, BTreeSet<String>>,
    /// `pub use` re-exports: (module, name) → the path it points at.
    reexports: BTreeMap<(ModPath, String), Vec<String>>,
    /// Raw references per module, resolved once every module is known.
    references: Vec<(ModPath, Vec<String>)>,
}

impl Crate {
    fn read(src: &Path) -> Crate {
        let mut krate = Crate::default();
        krate.read_file(&src.join("lib.rs"), src, Vec::new());
        krate
    }

    /// Reads the module at `file`; its children live in `dir`.
    fn read_file(&mut self, file: &Path, dir: &Path, path: ModPath) {
        let text = fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let parsed = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        self.read_items(&parsed.items, dir, path);
    }

    fn read_items(&mut self, items: &[syn::Item], dir: &Path, path: ModPath) {
        self.modules.entry(path.clone()).or_default();
        for item in items {
            if is_test_only(item) {
                continue;
            }
            match item {
                syn::Item::Mod(m) => {
                    let name = m.ident.to_string();
                    self.modules.get_mut(&path).unwrap().insert(name.clone());
                    let mut child = path.clone();
                    child.push(name.clone());
                    match &m.content {
                        Some((_, inner)) => self.read_items(inner, &dir.join(&name), child),
                        None => {
                            let flat = dir.join(format!("{name}.rs"));
                            let nested = dir.join(&name).join("mod.rs");
                            let file = if flat.exists() { flat } else { nested };
                            self.read_file(&file, &dir.join(&name), child);
                        }
                    }
                }
                syn::Item::Use(u) => {
                    let public = matches!(u.vis, syn::Visibility::Public(_));
                    let mut flat = Vec::new();
                    flatten(&u.tree, Vec::new(), &mut flat);
                    for (target, name) in flat {
                        if public && let Some(name) = name {
                            self.reexports.insert((path.clone(), name), target.clone());
                        }
                        self.references.push((path.clone(), target));
                    }
                }
                other => {
                    let mut paths = InlinePaths::default();
                    paths.visit_item(other);
                    for target in paths.0 {
                        self.references.push((path.clone(), target));
                    }
                }
            }
        }
    }

    /// The module a reference from `from` lands in, if it is in this crate.
    fn resolve(&self, from: &ModPath, target: &[String]) -> Option<ModPath> {
        let (mut at, rest): (ModPath, &[String]) = match target.first()?.as_str() {
            "crate" => (Vec::new(), &target[1..]),
            "self" => (from.clone(), &target[1..]),
            "super" => {
                let mut at = from.clone();
                let mut rest = target;
                while rest.first().is_some_and(|s| s == "super") {
                    at.pop()?;
                    rest = &rest[1..];
                }
                (at, rest)
            }
            first if self.modules.get(from)?.contains(first) => (from.clone(), target),
            _ => return None, // another crate
        };
        for (i, segment) in rest.iter().enumerate() {
            if self.modules.get(&at).is_some_and(|c| c.contains(segment)) {
                at.push(segment.clone());
                continue;
            }
            // An item: follow a re-export to where it is defined.
            if let Some(source) = self.reexports.get(&(at.clone(), segment.clone())) {
                let mut followed = source.clone();
                followed.extend(rest[i + 1..].iter().cloned());
                if followed.as_slice() != target {
                    return self.resolve(&at, &followed).or(Some(at));
                }
            }
            break;
        }
        Some(at)
    }

    /// Module-to-module edges, without self-edges.
    fn edges(&self) -> BTreeSet<(ModPath, ModPath)> {
        let mut edges = BTreeSet::new();
        for (from, target) in &self.references {
            if let Some(to) = self.resolve(from, target)
                && &to != from
            {
                edges.insert((from.clone(), to));
            }
        }
        edges
    }
}

fn is_test_only(item: &syn::Item) -> bool {
    let attrs = match item {
        syn::Item::Mod(m) => &m.attrs,
        syn::Item::Use(u) => &u.attrs,
        syn::Item::Fn(f) => &f.attrs,
        syn::Item::Impl(i) => &i.attrs,
        _ => return false,
    };
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && a.meta
                .require_list()
                .is_ok_and(|l| l.tokens.to_string().contains("test"))
    })
}

/// Every path a `use` tree names, with the name it binds (for re-exports).
fn flatten(tree: &syn::UseTree, prefix: Vec<String>, out: &mut Vec<(Vec<String>, Option<String>)>) {
    let with = |s: &syn::Ident| {
        let mut p = prefix.clone();
        p.push(s.to_string());
        p
    };
    match tree {
        syn::UseTree::Path(p) => flatten(&p.tree, with(&p.ident), out),
        syn::UseTree::Name(n) if n.ident == "self" => {
            let name = prefix.last().cloned();
            out.push((prefix.clone(), name));
        }
        syn::UseTree::Name(n) => out.push((with(&n.ident), Some(n.ident.to_string()))),
        syn::UseTree::Rename(r) => out.push((with(&r.ident), Some(r.rename.to_string()))),
        syn::UseTree::Glob(_) => out.push((prefix, None)),
        syn::UseTree::Group(g) => {
            for tree in &g.items {
                flatten(tree, prefix.clone(), out);
            }
        }
    }
}

/// Paths written in code that start at `crate` or `super`.
#[derive(Default)]
struct InlinePaths(Vec<Vec<String>>);

impl<'ast> Visit<'ast> for InlinePaths {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        if segments.len() > 1 && matches!(segments[0].as_str(), "crate" | "super") {
            self.0.push(segments);
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_item_mod(&mut self, _: &'ast syn::ItemMod) {}
}

/// Strongly connected components of more than one module (Tarjan).
fn circles(edges: &BTreeSet<(ModPath, ModPath)>) -> Vec<Vec<ModPath>> {
    struct Tarjan<'a> {
        next: BTreeMap<&'a ModPath, Vec<&'a ModPath>>,
        index: BTreeMap<&'a ModPath, usize>,
        low: BTreeMap<&'a ModPath, usize>,
        stack: Vec<&'a ModPath>,
        on_stack: BTreeSet<&'a ModPath>,
        found: Vec<Vec<ModPath>>,
    }
    impl<'a> Tarjan<'a> {
        fn visit(&mut self, v: &'a ModPath) {
            let i = self.index.len();
            self.index.insert(v, i);
            self.low.insert(v, i);
            self.stack.push(v);
            self.on_stack.insert(v);
            for w in self.next.get(v).cloned().unwrap_or_default() {
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w]);
                    self.low.insert(v, low);
                } else if self.on_stack.contains(w) {
                    let low = self.low[v].min(self.index[w]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack.remove(w);
                    component.push(w.clone());
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    self.found.push(component);
                }
            }
        }
    }
    let mut t = Tarjan {
        next: BTreeMap::new(),
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for (from, to) in edges {
        t.next.entry(from).or_default().push(to);
    }
    let nodes: Vec<&ModPath> = t.next.keys().copied().collect();
    for v in nodes {
        if !t.index.contains_key(v) {
            t.visit(v);
        }
    }
    t.found
}

fn show(path: &ModPath) -> String {
    if path.is_empty() {
        "crate".to_owned()
    } else {
        path.join("::")
    }
}

fn crate_src(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(name)
        .join("src")
}

fn assert_no_circles(name: &str) -> (Crate, BTreeSet<(ModPath, ModPath)>) {
    let krate = Crate::read(&crate_src(name));
    let edges = krate.edges();
    assert!(
        edges.len() > 20,
        "{name}: only {} import edges found",
        edges.len()
    );
    let found = circles(&edges);
    let described: Vec<String> = found
        .iter()
        .map(|c| c.iter().map(show).collect::<Vec<_>>().join(" <-> "))
        .collect();
    assert!(
        described.is_empty(),
        "{name}: import circles:\n{}",
        described.join("\n")
    );
    (krate, edges)
}

#[test]
fn sdk_macros_has_no_import_circles() {
    assert_no_circles("sdk-macros");
}

/// The runtime's layers, bottom to top (see `sdk-runtime/src/lib.rs`).
fn runtime_layer(module: &ModPath) -> Option<u8> {
    Some(match module.first()?.as_str() {
        "contract" | "error" | "types" | "redact" | "codec" => 1,
        "pipeline" => 2,
        "policy" => 3,
        "client" => 4,
        "call" | "pagination" | "batch" | "streaming" | "webhooks" | "mock" => 5,
        "__private" => 6,
        other => panic!("module `{other}` is in no layer: add it to `runtime_layer`"),
    })
}

#[test]
fn sdk_runtime_has_no_import_circles_and_keeps_its_layers() {
    let (krate, edges) = assert_no_circles("sdk-runtime");
    assert!(krate.modules.len() > 30, "{} modules", krate.modules.len());
    let mut wrong = Vec::new();
    for (from, to) in &edges {
        let (Some(a), Some(b)) = (runtime_layer(from), runtime_layer(to)) else {
            continue; // the crate root re-exports from every layer
        };
        if b > a {
            wrong.push(format!(
                "{} (layer {a}) imports {} (layer {b})",
                show(from),
                show(to)
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "imports from a higher layer:\n{}",
        wrong.join("\n")
    );
}

/// The checker itself finds what it must: a circle through a re-export,
/// a parent and child importing each other.
#[test]
fn the_checker_sees_circles() {
    let mut krate = Crate::default();
    for (path, children) in [
        (vec![], vec!["a", "b"]),
        (vec!["a"], vec!["child"]),
        (vec!["a", "child"], vec![]),
        (vec!["b"], vec![]),
    ] {
        let path: ModPath = path.into_iter().map(String::from).collect();
        let children = children.into_iter().map(String::from).collect();
        krate.modules.insert(path, children);
    }
    let p = |s: &str| s.split("::").map(String::from).collect::<Vec<_>>();
    krate
        .reexports
        .insert((vec![], "Thing".into()), p("b::Thing"));
    krate.references.push((p("a"), p("crate::Thing")));
    krate.references.push((p("b"), p("crate::a::f")));
    krate.references.push((p("a"), p("child::g")));
    krate.references.push((p("a::child"), p("super::h")));
    // Both circles go through `a`, so they are one component.
    assert_eq!(
        circles(&krate.edges()),
        [vec![p("a"), p("a::child"), p("b")]]
    );
    // Without the re-exported item and the child's import, none is left.
    krate
        .references
        .retain(|(from, _)| from != &p("b") && from != &p("a::child"));
    assert!(circles(&krate.edges()).is_empty());
}
