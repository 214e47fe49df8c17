//! Which operation of the document a request is for: its method and path
//! against every path template (`/pets/{petId}`, `/files/{name}.json`).

use http::Method;
use serde_json::Value;

use super::validate::{Document, escape};

/// A path item's fixed operation keys (3.2 added `query`); other methods are under
/// `additionalOperations`.
const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace", "query",
];

/// The document's operations, by path template.
pub(crate) struct Routes {
    routes: Vec<Route>,
}

struct Route {
    method: Method,
    segments: Vec<String>,
    /// `#/paths/~1pets~1{petId}/get`.
    pointer: String,
}

/// A request's operation, and the raw values of its path parameters.
pub(crate) struct Matched<'a> {
    pub(crate) pointer: &'a str,
    pub(crate) path_params: Vec<(String, String)>,
}

impl Routes {
    pub(crate) fn new(document: &Document) -> Routes {
        let mut routes = Vec::new();
        let paths = document.root.get("paths").and_then(Value::as_object);
        for (template, item) in paths.into_iter().flatten() {
            let item_ptr = format!("#/paths/{}", escape(template));
            let (item, _) = document.resolve(item, &item_ptr);
            let fixed = METHODS.iter().map(|m| {
                (
                    m.to_ascii_uppercase(),
                    item.get(*m),
                    format!("{item_ptr}/{m}"),
                )
            });
            let additional = item
                .get("additionalOperations")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(m, op)| {
                    let pointer = format!("{item_ptr}/additionalOperations/{}", escape(m));
                    (m.clone(), Some(op), pointer)
                });
            for (method, op, pointer) in fixed.chain(additional) {
                if !op.is_some_and(Value::is_object) {
                    continue;
                }
                let Ok(parsed) = method.parse::<Method>() else {
                    continue;
                };
                routes.push(Route {
                    method: parsed,
                    segments: template
                        .trim_matches('/')
                        .split('/')
                        .map(str::to_owned)
                        .collect(),
                    pointer,
                });
            }
        }
        Routes { routes }
    }

    /// The operation for `method` and `path`; among several templates that
    /// match, the one with the most literal segments (`/orders/events` over
    /// `/orders/{id}`).
    pub(crate) fn find(&self, method: &Method, path: &str) -> Option<Matched<'_>> {
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        self.routes
            .iter()
            .filter(|r| r.method == method && r.segments.len() == parts.len())
            .filter_map(|r| {
                let mut params = Vec::new();
                let mut literal = 0;
                for (template, part) in r.segments.iter().zip(&parts) {
                    match capture(template, part) {
                        Some(Some(param)) => params.push(param),
                        Some(None) => literal += 1,
                        None => return None,
                    }
                }
                Some((
                    literal,
                    Matched {
                        pointer: &r.pointer,
                        path_params: params,
                    },
                ))
            })
            .max_by_key(|(literal, _)| *literal)
            .map(|(_, matched)| matched)
    }

    /// The operation with this pointer's method and path template.
    pub(crate) fn describe(&self, pointer: &str) -> Option<(Method, String)> {
        let route = self.routes.iter().find(|r| r.pointer == pointer)?;
        Some((
            route.method.clone(),
            format!("/{}", route.segments.join("/")),
        ))
    }
}

/// `Some(None)`: a literal segment that matches; `Some(Some(..))`: a
/// parameter and its raw value; `None`: no match.
fn capture(template: &str, part: &str) -> Option<Option<(String, String)>> {
    let (Some(open), Some(close)) = (template.find('{'), template.rfind('}')) else {
        return (template == part).then_some(None);
    };
    let (prefix, suffix) = (&template[..open], &template[close + 1..]);
    let value = part.strip_prefix(prefix)?.strip_suffix(suffix)?;
    if value.is_empty() {
        return None;
    }
    Some(Some((
        template[open + 1..close].to_owned(),
        value.to_owned(),
    )))
}
