//! Parameters: which are method arguments and which are setters, their types, and how
//! declared path parameters meet the path template.
//!
//! A declared `in: path` parameter the template does not contain, and a template variable
//! only a near name declares, are likely typos (`petId` declared, `/pets/{petid}` written).
//! Both are reported as warnings naming the near name. When the two differ only in case,
//! the declared, typed and documented parameter is used for the template variable, so the
//! user keeps the type the document gives; otherwise the declaration is dropped and the
//! variable is an untyped `&str`, as before.

use serde_json::Value;

use super::{OpContext, Param, ParamLocation, QueryStyle};
use crate::model::refs;
use crate::model::schema::{Ty, TypeSpace};
use crate::names::{self, Namespace};
use crate::normalize::json_type;
use crate::pointer;

/// How a declared path parameter's name relates to a template variable.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum NearName<'t> {
    /// The same name but for case (`petId`, `{petid}`).
    Case(&'t str),
    /// Within a small edit distance (`pet_id`, `{petid}`).
    Near(&'t str),
}

/// The template variable `name` most likely means, among `vars`.
pub(super) fn near_template_var<'t>(name: &str, vars: &[&'t str]) -> Option<NearName<'t>> {
    if let Some(var) = vars.iter().find(|v| v.eq_ignore_ascii_case(name)) {
        return Some(NearName::Case(var));
    }
    let lower = name.to_ascii_lowercase();
    vars.iter()
        .map(|var| (var, edit_distance(&lower, &var.to_ascii_lowercase())))
        .filter(|(var, distance)| *distance <= allowed_distance(name.len().min(var.len())))
        .min_by_key(|(_, distance)| *distance)
        .map(|(var, _)| NearName::Near(var))
}

impl OpContext<'_> {
    pub(super) fn params(
        &self,
        types: &mut TypeSpace<'_>,
        owner: &str,
        idents: &mut Namespace,
        idempotency_header: &mut Option<String>,
    ) -> (Vec<Param>, Vec<Param>) {
        let nodes = self.parameter_nodes();
        let vars = template_vars(self.path);
        // Template variables some path parameter declares exactly: not free for a near name.
        let declared = |var: &str| {
            nodes.iter().any(|(n, _)| {
                n.get("in").and_then(Value::as_str) == Some("path")
                    && n.get("name").and_then(Value::as_str) == Some(var)
            })
        };
        let mut free_vars: Vec<&str> = vars
            .iter()
            .map(String::as_str)
            .filter(|v| !declared(v))
            .collect();
        let mut required = Vec::new();
        let mut optional = Vec::new();
        for (node, ptr) in &nodes {
            let Some(name) = node.get("name").and_then(Value::as_str) else {
                self.cx.error_at(ptr, "parameter without a `name`");
                continue;
            };
            let Some(location) = self.location(node, name, ptr, idempotency_header) else {
                continue;
            };
            // The name the request uses: the template's, for a path parameter.
            let mut wire_name = name;
            if location == ParamLocation::Path && !vars.iter().any(|v| v == name) {
                match self.unmatched_path_param(name, ptr, &free_vars) {
                    Some(var) => {
                        // One declaration per variable, even if two differ from it in case.
                        free_vars.retain(|v| *v != var);
                        wire_name = var;
                    }
                    None => continue,
                }
            }
            let ty = self.param_type(types, node, ptr, &format!("{owner} {name}"));
            let is_required = location == ParamLocation::Path
                || node
                    .get("required")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
            let param = Param {
                name: wire_name.to_owned(),
                ident: idents.unique(names::value_name(name, "param")),
                location,
                ty,
                doc: node
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            };
            if is_required {
                required.push(param)
            } else {
                optional.push(param)
            }
        }
        self.undeclared_template_vars(&vars, &nodes, &mut required, idents);
        required.sort_by_key(|p| p.location != ParamLocation::Path);
        (required, optional)
    }
}

// ===== internal =====

impl OpContext<'_> {
    /// The path item's parameters, then the operation's, which override those with the same
    /// name and location; each with its pointer.
    fn parameter_nodes(&self) -> Vec<(&Value, String)> {
        let mut nodes: Vec<(&Value, String)> = Vec::new();
        let item_ptr = self.ptr.rsplit_once('/').map_or(self.ptr, |(p, _)| p);
        for (holder, base) in [(self.item, item_ptr), (self.op, self.ptr)] {
            let list = match holder.get("parameters") {
                Some(Value::Array(list)) => list,
                Some(other) => {
                    let at = pointer::push(base, "parameters");
                    self.cx.error_at(
                        &at,
                        format!("`parameters` must be a list, found {}", json_type(other)),
                    );
                    continue;
                }
                None => continue,
            };
            for (i, node) in list.iter().enumerate() {
                let ptr = pointer::push(&pointer::push(base, "parameters"), &i.to_string());
                let Some((node, ptr)) = refs::follow(self.cx, self.root, node, &ptr) else {
                    continue;
                };
                let key = |n: &Value| (n.get("name").cloned(), n.get("in").cloned());
                nodes.retain(|(n, _)| key(n) != key(node));
                nodes.push((node, ptr));
            }
        }
        nodes
    }

    /// Where the parameter goes; `None` for parameters the client sets itself (recording
    /// the idempotency header's name) and for those in error.
    fn location(
        &self,
        node: &Value,
        name: &str,
        ptr: &str,
        idempotency_header: &mut Option<String>,
    ) -> Option<ParamLocation> {
        let location = match node.get("in").and_then(Value::as_str) {
            Some("path") => ParamLocation::Path,
            Some("query") => ParamLocation::Query(query_style(node)),
            Some("header") => {
                let lower = name.to_ascii_lowercase();
                if lower.contains("idempotency") {
                    idempotency_header.get_or_insert_with(|| name.to_owned());
                    return None;
                }
                // OpenAPI: these header parameters are ignored; the client sets them.
                if ["accept", "content-type", "authorization"].contains(&lower.as_str()) {
                    return None;
                }
                ParamLocation::Header
            }
            Some("cookie") => ParamLocation::Cookie,
            // OpenAPI 3.2: the whole query string as one value, described under
            // `content` (form-encoded): an object's properties become `k=v` pairs.
            Some("querystring") => ParamLocation::Query(QueryStyle::Form),
            Some("body" | "formData") => {
                let msg = "`in: body` and `in: formData` are Swagger 2.0; describe the body with a `requestBody`";
                self.cx.error_at(&pointer::push(ptr, "in"), msg);
                return None;
            }
            Some(other) => {
                self.cx.error_at(
                    &pointer::push(ptr, "in"),
                    format!("unknown parameter location `{other}`; expected path, query, querystring, header or cookie"),
                );
                return None;
            }
            None => {
                self.cx.error_at(
                    ptr,
                    format!(
                        "parameter `{name}` has no `in`; expected path, query, header or cookie"
                    ),
                );
                return None;
            }
        };
        Some(location)
    }

    /// A declared path parameter the template does not contain: warns, and returns the
    /// template variable to use it for when the names differ only in case.
    fn unmatched_path_param<'t>(
        &self,
        name: &str,
        ptr: &str,
        free_vars: &[&'t str],
    ) -> Option<&'t str> {
        let at = pointer::push(ptr, "name");
        let path = self.path;
        let msg = format!("path parameter `{name}` is not in the path template `{path}`");
        match near_template_var(name, free_vars) {
            Some(NearName::Case(var)) => {
                self.cx.warn_at(
                    &at,
                    format!(
                        "{msg}; did you mean `{{{var}}}`? The names differ only in case, so this \
                         parameter is used for `{{{var}}}`; make the names match"
                    ),
                );
                Some(var)
            }
            Some(NearName::Near(var)) => {
                self.cx.warn_at(
                    &at,
                    format!(
                        "{msg}; did you mean `{{{var}}}`? This parameter is dropped and \
                         `{{{var}}}` is an untyped `&str`; make the names match"
                    ),
                );
                None
            }
            None => {
                self.cx.warn_at(
                    &at,
                    format!("{msg}, so it is dropped; remove it or add `{{{name}}}` to the path"),
                );
                None
            }
        }
    }

    /// Template variables nobody declared still need a value: an untyped `&str`. One that
    /// only a query, header or cookie parameter nearly names is likely a typo: a warning.
    /// (A near *path* parameter was reported where it is declared.)
    fn undeclared_template_vars(
        &self,
        vars: &[String],
        nodes: &[(&Value, String)],
        required: &mut Vec<Param>,
        idents: &mut Namespace,
    ) {
        for var in vars {
            let taken = required
                .iter()
                .any(|p| p.location == ParamLocation::Path && p.name == *var);
            if taken {
                continue;
            }
            for (node, ptr) in nodes {
                let name = node.get("name").and_then(Value::as_str).unwrap_or_default();
                let place = node.get("in").and_then(Value::as_str).unwrap_or_default();
                if place != "path" && near_template_var(name, &[var]).is_some() {
                    self.cx.warn_at(
                        &pointer::push(ptr, "name"),
                        format!(
                            "path template variable `{{{var}}}` of `{}` is declared by no path \
                             parameter, so it is an untyped `&str`; did you mean the {place} \
                             parameter `{name}`? Declare it `in: path` with the name `{var}`",
                            self.path
                        ),
                    );
                    break;
                }
            }
            required.push(Param {
                ident: idents.unique(names::value_name(var, "param")),
                name: var.clone(),
                location: ParamLocation::Path,
                ty: Ty::String,
                doc: None,
            });
        }
    }

    /// The parameter's type, named after `hint` when it needs a type of its own.
    fn param_type(&self, types: &mut TypeSpace<'_>, node: &Value, ptr: &str, hint: &str) -> Ty {
        let querystring = node.get("in").and_then(Value::as_str) == Some("querystring");
        let schema = match node.get("schema") {
            Some(schema) => Some((schema, pointer::push(ptr, "schema"))),
            None if querystring => content_schema(node, ptr),
            None => None,
        };
        let ty = match schema {
            Some((schema, at)) => types.node(schema, &at, hint),
            None => Ty::String,
        };
        match ty {
            Ty::Option(inner) => *inner,
            other => other,
        }
    }
}

/// The schema of a parameter's first `content` entry, and its pointer.
fn content_schema<'v>(node: &'v Value, ptr: &str) -> Option<(&'v Value, String)> {
    let (media, entry) = node.get("content")?.as_object()?.iter().next()?;
    let schema = entry.get("schema")?;
    let at = pointer::push(
        &pointer::push(&pointer::push(ptr, "content"), media),
        "schema",
    );
    Some((schema, at))
}

fn query_style(node: &Value) -> QueryStyle {
    let explode = node.get("explode").and_then(Value::as_bool);
    match node.get("style").and_then(Value::as_str) {
        Some("deepObject") => QueryStyle::DeepObject,
        Some("spaceDelimited") => QueryStyle::SpaceDelimited,
        Some("pipeDelimited") => QueryStyle::PipeDelimited,
        _ if explode == Some(false) => QueryStyle::FormNoExplode,
        _ => QueryStyle::Form,
    }
}

fn template_vars(path: &str) -> Vec<String> {
    let mut vars = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        let var = &rest[start + 1..start + len];
        if !var.is_empty() && !vars.iter().any(|v| v == var) {
            vars.push(var.to_owned());
        }
        rest = &rest[start + len + 1..];
    }
    vars
}

/// How far apart two names whose shorter has `len` characters may be to count as a typo:
/// names of one or two characters must match but for case (`id` is not a typo of `ip`),
/// then one edit up to five characters, two beyond.
fn allowed_distance(len: usize) -> usize {
    match len {
        0..=2 => 0,
        3..=5 => 1,
        _ => 2,
    }
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != *cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
#[path = "params_tests.rs"]
mod tests;
