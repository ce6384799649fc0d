//! A JSON document with a key twice in one object is refused, wherever it is: serde keeps the
//! last of them in a map (`ratings`), so `{"A01":"satisfied","A01":"dissatisfied"}` would be
//! read as whichever came last, and two readers of one body could disagree on what it said.
//! This walks the whole document once, before it is read into its type.

use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// The path of the first key found twice (`ratings.A01`), if any; `Err` for JSON that does
/// not parse (the caller reports that as it always has).
pub fn first_duplicate(bytes: &[u8]) -> Result<Option<String>, serde_json::Error> {
    let found = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match (Walk { path: String::new(), found: &found }).deserialize(&mut de) {
        Ok(()) => Ok(None),
        Err(_) if found.borrow().is_some() => Ok(found.into_inner()),
        Err(e) => Err(e),
    }
}

struct Walk<'f> {
    path: String,
    found: &'f RefCell<Option<String>>,
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let path = if self.path.is_empty() { key.clone() } else { format!("{}.{key}", self.path) };
            if !seen.insert(key) {
                *self.found.borrow_mut() = Some(path);
                return Err(de::Error::custom("duplicate key"));
            }
            map.next_value_seed(Walk { path, found: self.found })?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        while seq
            .next_element_seed(Walk { path: format!("{}[{i}]", self.path), found: self.found })?
            .is_some()
        {
            i += 1;
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_twice_is_named_wherever_it_is() {
        let cases = [
            (r#"{"a":1,"b":2}"#, None),
            (r#"{"a":1,"a":2}"#, Some("a")),
            (r#"{"ratings":{"A01":"x","A02":"y","A01":"z"}}"#, Some("ratings.A01")),
            (r#"{"ratings":{"A01":"x","\u0041\u0030\u0031":"z"}}"#, Some("ratings.A01")),
            (r#"{"list":[{"k":1},{"k":1,"k":2}]}"#, Some("list[1].k")),
            (r#"{"a":{"a":{"a":1}}}"#, None),
            (r#"[1,2,3]"#, None),
        ];
        for (json, duplicate) in cases {
            assert_eq!(first_duplicate(json.as_bytes()).unwrap().as_deref(), duplicate, "{json}");
        }
        assert!(first_duplicate(b"{\"a\":").is_err());
    }
}
