//! Naming: turning document names into Rust identifiers.
//!
//! Every naming decision is made here, once, while the model is built: case conversion
//! (heck), keywords (raw identifiers, or a `_` suffix for `self`, `Self`, `crate`, `super`
//! and `_`, which cannot be raw), names that start with a digit or hold only symbols, and
//! collisions (resolved deterministically with a numeric suffix, first come first served).

use std::collections::HashSet;

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

/// Words that are keywords in some Rust edition.
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "crate", "super", "_"];

/// A set of names already taken in one namespace.
#[derive(Default)]
pub struct Namespace {
    taken: HashSet<String>,
}

impl Namespace {
    /// A namespace where `reserved` are already taken (e.g. methods of every builder).
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Namespace {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// Takes `name`, or `name2`, `name3`, ... when it is taken already.
    pub fn unique(&mut self, name: String) -> String {
        if self.taken.insert(name.clone()) {
            return name;
        }
        let sep = if name.ends_with(|c: char| c.is_ascii_digit()) {
            "_"
        } else {
            ""
        };
        (2..)
            .map(|n| format!("{name}{sep}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .unwrap_or(name)
    }
}

/// A type or variant name: `UpperCamelCase`, never empty, never starting with a digit.
pub fn type_name(raw: &str, fallback: &str) -> String {
    let camel = words(raw).to_upper_camel_case();
    let name = if camel.is_empty() {
        fallback.to_owned()
    } else if camel.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{fallback}{camel}")
    } else {
        camel
    };
    escape(name)
}

/// A field, method or parameter name: `snake_case`, never empty, never starting with a digit.
pub fn value_name(raw: &str, fallback: &str) -> String {
    let snake = words(raw).to_snake_case();
    let name = if snake.is_empty() {
        fallback.to_owned()
    } else if snake.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{fallback}_{snake}")
    } else {
        snake
    };
    escape(name)
}

/// An environment variable prefix: `SHOUTY_SNAKE_CASE` of ASCII letters and digits.
/// A trailing `API` word is dropped, so that "Example API" reads `EXAMPLE_API_KEY`, not
/// `EXAMPLE_API_API_KEY`.
pub fn env_prefix(title: &str) -> String {
    let prefix = words(title).to_shouty_snake_case();
    let prefix = match prefix.strip_suffix("_API") {
        Some(stem) if !stem.is_empty() => stem.to_owned(),
        _ => prefix,
    };
    if prefix.is_empty() || prefix.starts_with(|c: char| c.is_ascii_digit()) {
        format!("API{}", if prefix.is_empty() { "" } else { "_" }) + &prefix
    } else {
        prefix
    }
}

/// Whether an identifier produced here must be written as a raw identifier.
pub fn is_raw(name: &str) -> bool {
    KEYWORDS.contains(&name) && !NOT_RAW.contains(&name)
}

// ===== internal =====

/// Keeps ASCII letters and digits, turning everything else into word breaks, and spells
/// out a few symbols so that `=` and `!=` stay distinct names.
fn words(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            c if c.is_ascii_alphanumeric() => out.push(c),
            c if c.is_alphanumeric() => out.push('_'),
            _ => match symbol_word(c) {
                Some(word) if raw.chars().all(|c| !c.is_ascii_alphanumeric()) => {
                    out.push(' ');
                    out.push_str(word);
                    out.push(' ');
                }
                _ => out.push(' '),
            },
        }
    }
    out
}

fn symbol_word(c: char) -> Option<&'static str> {
    Some(match c {
        '=' => "eq",
        '!' => "not",
        '<' => "lt",
        '>' => "gt",
        '+' => "plus",
        '-' => "minus",
        '*' => "star",
        '/' => "slash",
        '.' => "dot",
        '@' => "at",
        '#' => "hash",
        '$' => "dollar",
        '%' => "percent",
        '&' => "and",
        '|' => "or",
        '^' => "caret",
        '~' => "tilde",
        '?' => "question",
        ':' => "colon",
        _ => return None,
    })
}

fn escape(name: String) -> String {
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_and_keywords() {
        assert_eq!(type_name("pet-store", "T"), "PetStore");
        assert_eq!(type_name("123abc", "T"), "T123abc");
        assert_eq!(type_name("", "Value"), "Value");
        assert_eq!(type_name("Self", "T"), "Self_");
        assert_eq!(value_name("petId", "f"), "pet_id");
        assert_eq!(value_name("type", "f"), "type");
        assert!(is_raw("type"));
        assert_eq!(value_name("self", "f"), "self_");
        assert_eq!(value_name("2fa", "f"), "f_2fa");
        assert_eq!(value_name("été", "f"), "t");
        assert_eq!(env_prefix("Swagger Petstore"), "SWAGGER_PETSTORE");
        assert_eq!(env_prefix("Example API"), "EXAMPLE");
        assert_eq!(env_prefix("Spotify Web API"), "SPOTIFY_WEB");
        assert_eq!(env_prefix("API"), "API");
        assert_eq!(env_prefix("1Password"), "API_1PASSWORD");
    }

    #[test]
    fn symbols_stay_distinct() {
        assert_eq!(type_name("=", "V"), "Eq");
        assert_eq!(type_name("!=", "V"), "NotEq");
        assert_eq!(type_name(">=", "V"), "GtEq");
    }

    #[test]
    fn collisions_get_suffixes() {
        let mut ns = Namespace::default();
        assert_eq!(ns.unique("Asc".into()), "Asc");
        assert_eq!(ns.unique("Asc".into()), "Asc2");
        assert_eq!(ns.unique("V1".into()), "V1");
        assert_eq!(ns.unique("V1".into()), "V1_2");
    }
}
