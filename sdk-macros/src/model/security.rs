//! Security schemes and requirements.
//!
//! Every scheme reduces to one of three ways of sending a credential: a bearer token
//! (`http` bearer, `oauth2`, `openIdConnect`), basic auth, or an API key in a header,
//! query parameter or cookie. Schemes with no credential a client can send (mutual TLS,
//! unknown types) are left out, and so are the alternatives that need them.

use serde_json::Value;

use super::refs;
use crate::ctxt::Ctxt;
use crate::pointer;

pub struct Scheme {
    pub name: String,
    pub kind: SchemeKind,
}

pub enum SchemeKind {
    Bearer,
    Basic,
    ApiKey { location: String, name: String },
}

/// The schemes, and the top-level requirement alternatives.
pub fn from_spec(cx: &Ctxt, root: &Value) -> (Vec<Scheme>, Vec<Vec<usize>>) {
    let mut schemes = Vec::new();
    if let Some(map) = root
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
    {
        for (name, node) in map {
            let ptr = pointer::push("#/components/securitySchemes", name);
            let Some((node, _)) = refs::follow(cx, root, node, &ptr) else {
                continue;
            };
            if let Some(kind) = kind(node) {
                schemes.push(Scheme {
                    name: name.clone(),
                    kind,
                });
            }
        }
    }
    let default = root
        .get("security")
        .map(|v| requirements(v, &schemes))
        .unwrap_or_default();
    (schemes, default)
}

/// Requirement alternatives as indices into `schemes`; alternatives needing no credential
/// go last, so that a client holding a key sends it.
pub fn requirements(value: &Value, schemes: &[Scheme]) -> Vec<Vec<usize>> {
    let Some(list) = value.as_array() else {
        return Vec::new();
    };
    let mut alternatives: Vec<Vec<usize>> = list
        .iter()
        .filter_map(Value::as_object)
        .filter_map(|req| {
            req.keys()
                .map(|name| schemes.iter().position(|s| &s.name == name))
                .collect::<Option<Vec<usize>>>()
        })
        .collect();
    alternatives.sort_by_key(Vec::is_empty);
    alternatives
}

fn kind(node: &Value) -> Option<SchemeKind> {
    let text = |key: &str| node.get(key).and_then(Value::as_str).unwrap_or_default();
    match text("type") {
        "http" => match text("scheme").to_ascii_lowercase().as_str() {
            "basic" => Some(SchemeKind::Basic),
            _ => Some(SchemeKind::Bearer),
        },
        "oauth2" | "openIdConnect" => Some(SchemeKind::Bearer),
        "apiKey" => {
            let location = text("in");
            let name = text("name");
            (["header", "query", "cookie"].contains(&location) && !name.is_empty()).then(|| {
                SchemeKind::ApiKey {
                    location: location.to_owned(),
                    name: name.to_owned(),
                }
            })
        }
        _ => None,
    }
}
