//! JSON pointers (RFC 6901) as used in `$ref`s and in every error message.

/// Appends one reference token to a pointer, escaping `~` and `/`.
pub fn push(pointer: &str, token: &str) -> String {
    let escaped = token.replace('~', "~0").replace('/', "~1");
    format!("{pointer}/{escaped}")
}

/// Looks up a `#/...` pointer in a document; `None` when it leads nowhere.
pub fn lookup<'a>(root: &'a serde_json::Value, reference: &str) -> Option<&'a serde_json::Value> {
    let fragment = reference.strip_prefix('#')?;
    let decoded = percent_decode(fragment);
    if decoded.is_empty() {
        return Some(root);
    }
    root.pointer(&decoded)
}

/// The reference tokens of a `#/...` pointer, `%xx`-decoded and unescaped (`~1` is `/`,
/// `~0` is `~`); `None` when it is not a pointer into this document.
pub fn tokens(reference: &str) -> Option<Vec<String>> {
    let decoded = percent_decode(reference.strip_prefix('#')?);
    if decoded.is_empty() {
        return Some(Vec::new());
    }
    let rest = decoded.strip_prefix('/')?;
    Some(
        rest.split('/')
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect(),
    )
}

/// The pointer spelled the one way [`push`] spells it: `%7B` and `{` alike become `{`. A
/// string that is not a pointer into this document is returned as it is.
pub fn canonical(reference: &str) -> String {
    match tokens(reference) {
        Some(tokens) => tokens.iter().fold("#".to_owned(), |p, t| push(&p, t)),
        None => reference.to_owned(),
    }
}

/// The last token of a pointer, unescaped: the name hint of a referenced node.
pub fn last_token(reference: &str) -> &str {
    reference.rsplit('/').next().unwrap_or(reference)
}

/// Decodes `%xx` escapes, which JSON pointers in URI fragments may carry.
fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                // Two hex digits always fit in a byte.
                out.push(u8::try_from(hi * 16 + lo).unwrap_or(b'?'));
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_looks_up() {
        let doc = serde_json::json!({"paths": {"/a/{b}": {"get": 1}}});
        let p = push(&push("#/paths", "/a/{b}"), "get");
        assert_eq!(p, "#/paths/~1a~1{b}/get");
        assert_eq!(lookup(&doc, &p), Some(&serde_json::json!(1)));
        assert_eq!(lookup(&doc, "#/paths/%7Ea"), None);
        assert_eq!(lookup(&doc, "#/nope"), None);
    }

    #[test]
    fn tokens_decode_and_canonical_respells() {
        let tokens = tokens("#/paths/~1a~1%7Bb%7D/get/~0x").expect("a pointer");
        assert_eq!(tokens, ["paths", "/a/{b}", "get", "~x"]);
        assert_eq!(super::tokens("#"), Some(Vec::new()));
        assert_eq!(super::tokens("other.yaml#/a"), None);
        assert_eq!(super::tokens("#a"), None);
        assert_eq!(
            canonical("#/paths/~1a~1%7Bb%7D/get"),
            "#/paths/~1a~1{b}/get"
        );
        assert_eq!(canonical("other.yaml"), "other.yaml");
    }
}
