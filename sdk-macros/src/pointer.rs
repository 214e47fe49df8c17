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
}
