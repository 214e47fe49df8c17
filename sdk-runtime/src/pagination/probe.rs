//! Reads the paging fields of a page body without building a JSON tree.
//!
//! The page is decoded into its generated type by the operation's decoder;
//! the cursor, `has_more`, `total` and the item count live at paths that the
//! generated type may spell differently (renamed fields, nested options), so
//! they are read here from the raw body instead. One pass with serde skips
//! everything but the few wanted paths (`IgnoredAny`), so the probe allocates
//! only the values it returns, whatever the size of the page.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::Paging;

/// What a page body says about the next page.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Found {
    /// The number of items in the page.
    pub(super) count: usize,
    /// The next cursor or next-page URL, as text.
    pub(super) next: Option<String>,
    pub(super) has_more: Option<bool>,
    pub(super) total: Option<u64>,
    /// `cursor_item_field` of the last item, as text.
    pub(super) last_item_field: Option<String>,
}

/// Probes `body`; a body that is not JSON yields whatever was read before the
/// error (the decoder reports the error itself).
pub(super) fn read(body: &[u8], paging: &Paging) -> Found {
    let mut found = Found::default();
    let mut wants = vec![Want {
        slot: Slot::Items,
        path: paging.items,
    }];
    for (slot, path) in [
        (Slot::Next, paging.next),
        (Slot::HasMore, paging.has_more),
        (Slot::Total, paging.total),
    ] {
        if !path.is_empty() {
            wants.push(Want { slot, path });
        }
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let seek = Seek {
        found: &mut found,
        wants,
        item_field: paging.cursor_item_field,
    };
    // Errors are the decoder's to report; what was found so far is kept.
    let _ = seek.deserialize(&mut de);
    found
}

// ===== internal =====

#[derive(Clone, Copy, PartialEq, Debug)]
enum Slot {
    Items,
    Next,
    HasMore,
    Total,
    ItemField,
}

#[derive(Clone, Copy, Debug)]
struct Want<'p> {
    slot: Slot,
    path: &'p [&'p str],
}

/// Visits one JSON value, looking for the wanted paths below it.
struct Seek<'f, 'p> {
    found: &'f mut Found,
    wants: Vec<Want<'p>>,
    item_field: Option<&'p str>,
}

impl<'de> DeserializeSeed<'de> for Seek<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        if let Some(want) = self.wants.iter().find(|w| w.path.is_empty()).copied() {
            return match want.slot {
                Slot::Items => de.deserialize_any(Items {
                    found: self.found,
                    item_field: self.item_field,
                }),
                slot => {
                    let scalar = de.deserialize_any(ScalarVisitor)?;
                    store(self.found, slot, scalar);
                    Ok(())
                }
            };
        }
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seek<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            let below: Vec<Want<'_>> = self
                .wants
                .iter()
                .filter(|w| w.path.first() == Some(&key.as_ref()))
                .map(|w| Want {
                    slot: w.slot,
                    path: &w.path[1..],
                })
                .collect();
            if below.is_empty() {
                map.next_value::<IgnoredAny>()?;
            } else {
                map.next_value_seed(Seek {
                    found: self.found,
                    wants: below,
                    item_field: self.item_field,
                })?;
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

/// Counts the items of the array and reads the wanted field of the last one.
struct Items<'f, 'p> {
    found: &'f mut Found,
    item_field: Option<&'p str>,
}

impl<'de> Visitor<'de> for Items<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of items")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut count = 0;
        match self.item_field {
            Some(field) => {
                let path = [field];
                loop {
                    let mut item = Found::default();
                    let seek = Seek {
                        found: &mut item,
                        wants: vec![Want {
                            slot: Slot::ItemField,
                            path: &path,
                        }],
                        item_field: None,
                    };
                    if seq.next_element_seed(seek)?.is_none() {
                        break;
                    }
                    count += 1;
                    self.found.last_item_field = item.last_item_field;
                }
            }
            None => {
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    count += 1;
                }
            }
        }
        self.found.count = count;
        Ok(())
    }

    // A missing or null array is an empty page.
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

/// A scalar value rendered as text; objects and arrays are skipped.
struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a scalar")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(v.to_owned()))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

fn store(found: &mut Found, slot: Slot, value: Option<String>) {
    match slot {
        Slot::Next => found.next = value,
        Slot::HasMore => {
            found.has_more = value.and_then(|v| match v.as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            });
        }
        // Some APIs send counts as strings ("totalSetSize": "120").
        Slot::Total => found.total = value.and_then(|v| v.trim().parse().ok()),
        Slot::ItemField => found.last_item_field = value,
        Slot::Items => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pagination::PagingStyle;

    static NESTED: Paging = Paging {
        style: PagingStyle::Cursor {
            param: Some("cursor"),
        },
        items: &["data"],
        next: &["meta", "cursors", "next"],
        cursor_item_field: None,
        has_more: &["has_more"],
        total: &["total"],
        limit_param: None,
        max_limit: None,
    };

    static LAST_ID: Paging = Paging {
        style: PagingStyle::Cursor {
            param: Some("starting_after"),
        },
        items: &[],
        next: &[],
        cursor_item_field: Some("id"),
        has_more: &[],
        total: &[],
        limit_param: None,
        max_limit: None,
    };

    #[test]
    fn reads_nested_paths_and_skips_the_rest() {
        let body = br#"{"data":[{"id":1,"meta":{"cursors":{"next":"no"}}},{"id":2}],
            "other":{"next":"x"},"meta":{"cursors":{"next":"c2","prev":null}},
            "has_more":true,"total":"120"}"#;
        let found = read(body, &NESTED);
        assert_eq!(
            found,
            Found {
                count: 2,
                next: Some("c2".into()),
                has_more: Some(true),
                total: Some(120),
                last_item_field: None,
            }
        );
    }

    #[test]
    fn reads_the_last_item_field_of_a_top_level_array() {
        let found = read(
            br#"[{"id":"a"},{"name":"x","id":"b","tags":[1]}]"#,
            &LAST_ID,
        );
        assert_eq!(
            (found.count, found.last_item_field.as_deref()),
            (2, Some("b"))
        );
        let found = read(br#"{"data":null,"meta":7}"#, &NESTED);
        assert_eq!(found, Found::default());
        let found = read(b"not json", &NESTED);
        assert_eq!(found, Found::default());
    }
}
