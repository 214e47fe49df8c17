//! Security schemes and requirements.
//!
//! Every scheme reduces to one of three ways of sending a credential: a bearer token
//! (`http` bearer, `oauth2`, `openIdConnect`), basic auth, or an API key in a header,
//! query parameter or cookie. An `http` scheme other than `basic` and `bearer` (`digest`,
//! `signature`, `hoba`, …) is kept as [`SchemeKind::Unsupported`]: the client sends no
//! credential for it, the methods that need it say an interceptor must sign the request,
//! and the build warns. Mutual TLS (configured on the HTTP client, not sent per request)
//! is left out, and so are the alternatives that need it. Schemes the client cannot read
//! (an unknown `type`, an `apiKey` with an unknown `in` or no `name`) and requirements
//! naming an undefined scheme are left out the same way, with a warning: the request
//! would otherwise go out without the credential while the build said nothing.

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
    ApiKey {
        location: String,
        name: String,
    },
    /// An `http` scheme the runtime cannot apply; `scheme` as the document spells it.
    Unsupported {
        scheme: String,
    },
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
            if let Some(kind) = kind(cx, node, &ptr, name) {
                schemes.push(Scheme {
                    name: name.clone(),
                    kind,
                });
            }
        }
    }
    let default = root
        .get("security")
        .map(|v| requirements(cx, root, v, &schemes, "#/security"))
        .unwrap_or_default();
    (schemes, default)
}

/// Requirement alternatives as indices into `schemes`; alternatives needing no credential
/// go last, so that a client holding a key sends it. `ptr` points at `value`; a name that
/// `components/securitySchemes` does not define is warned about there.
pub fn requirements(
    cx: &Ctxt,
    root: &Value,
    value: &Value,
    schemes: &[Scheme],
    ptr: &str,
) -> Vec<Vec<usize>> {
    let Some(list) = value.as_array() else {
        return Vec::new();
    };
    let defined = root
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object);
    for (i, req) in list.iter().enumerate() {
        let names = req.as_object().into_iter().flat_map(|req| req.keys());
        for name in names.filter(|name| !defined.is_some_and(|d| d.contains_key(*name))) {
            cx.warn_at(
                &pointer::push(&pointer::push(ptr, &i.to_string()), name),
                format_args!(
                    "security requirement names `{name}`, which `components/securitySchemes` \
                     does not define; this alternative is left out, so requests that need it \
                     go out without its credential"
                ),
            );
        }
    }
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

/// What the scheme `node` (named `name`, at `ptr`) sends; `None`, with a warning unless it
/// is mutual TLS, when a client sends nothing for it.
fn kind(cx: &Ctxt, node: &Value, ptr: &str, name: &str) -> Option<SchemeKind> {
    let text = |key: &str| node.get(key).and_then(Value::as_str).unwrap_or_default();
    let left_out = "it is left out, so requests that need it go out without its credential";
    match text("type") {
        "http" => match text("scheme").to_ascii_lowercase().as_str() {
            "basic" => Some(SchemeKind::Basic),
            // No `scheme` at all: read as bearer, the usual intent, as before.
            "bearer" | "" => Some(SchemeKind::Bearer),
            scheme => {
                cx.warn_at(
                    &pointer::push(ptr, "scheme"),
                    format_args!(
                        "security scheme `{name}` uses the `http` scheme `{scheme}`, which \
                         this client cannot apply (it sends `basic` and `bearer` only): \
                         no credential is sent for it; add an interceptor that signs \
                         the requests that need it"
                    ),
                );
                Some(SchemeKind::Unsupported {
                    scheme: text("scheme").to_owned(),
                })
            }
        },
        "oauth2" | "openIdConnect" => Some(SchemeKind::Bearer),
        // Configured on the HTTP client (its TLS identity), not sent per request.
        "mutualTLS" => None,
        "apiKey" => {
            let location = text("in");
            let key_name = text("name");
            if !["header", "query", "cookie"].contains(&location) {
                let found = if location.is_empty() {
                    "no `in`".to_owned()
                } else {
                    format!("`in: {location}`")
                };
                cx.warn_at(
                    &pointer::push(ptr, "in"),
                    format_args!(
                        "`apiKey` security scheme `{name}` has {found}, not \
                         `header`, `query` or `cookie`; {left_out}"
                    ),
                );
                return None;
            }
            if key_name.is_empty() {
                cx.warn_at(
                    ptr,
                    format_args!("`apiKey` security scheme `{name}` has no `name`; {left_out}"),
                );
                return None;
            }
            Some(SchemeKind::ApiKey {
                location: location.to_owned(),
                name: key_name.to_owned(),
            })
        }
        other => {
            let found = if other.is_empty() {
                "no `type`".to_owned()
            } else {
                format!("`type: {other}`")
            };
            cx.warn_at(
                &pointer::push(ptr, "type"),
                format_args!(
                    "security scheme `{name}` has {found}, not one of `apiKey`, `http`, \
                     `oauth2`, `openIdConnect` or `mutualTLS`; {left_out}"
                ),
            );
            None
        }
    }
}
