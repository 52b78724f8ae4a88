//! Lenient JSON building blocks shared by the OPDS 2 and authentication parsers.
//!
//! Real catalogues write the same field in several shapes (`"author": "A"`, `{"name": "A"}`,
//! `[…]`; `"title": "T"` or a language map) and now and then a wrong type. These wrappers
//! deserialise straight from the stream, without building a `serde_json::Value`, and never fail
//! on an unexpected shape: they keep what they understand and skip the rest. What serde still
//! reports is JSON that is not JSON (syntax), with its line and column.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::error::Error;

/// A syntax (or structure) error of serde_json as [`Error::Malformed`].
pub(crate) fn syntax_error(error: &serde_json::Error) -> Error {
    let message = error.to_string();
    // serde_json appends " at line L column C"; the position goes to `at`.
    let message = message.rsplit_once(" at line ").map_or(message.as_str(), |(message, _)| message).to_owned();
    Error::malformed(format!("line {}, column {}", error.line(), error.column()), message)
}

/// The document without its UTF-8 byte order mark, which serde_json does not accept.
pub(crate) fn without_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// Replaces each comma that only precedes a closing `}` or `]` with a space: such commas are
/// not JSON but hand-edited documents have them (the Readium test authentication document
/// does). Positions are unchanged, so error lines and columns still match the original.
pub(crate) fn strip_trailing_commas(bytes: &[u8]) -> Cow<'_, [u8]> {
    let mut owned: Option<Vec<u8>> = None;
    let mut in_string = false;
    let mut escaped = false;
    for (index, &byte) in bytes.iter().enumerate() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b',' => {
                let next = bytes[index + 1..].iter().find(|b| !b.is_ascii_whitespace());
                if matches!(next, Some(b'}' | b']')) {
                    owned.get_or_insert_with(|| bytes.to_vec())[index] = b' ';
                }
            }
            _ => {}
        }
    }
    owned.map_or(Cow::Borrowed(bytes), Cow::Owned)
}

/// A string field: a string, a number (written as text), or a language map (its first value
/// in document order). Anything else is absent.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Text(pub(crate) Option<String>);

impl Text {
    /// The text, trimmed; `None` when absent or blank.
    pub(crate) fn get(&self) -> Option<&str> {
        self.0.as_deref().map(str::trim).filter(|text| !text.is_empty())
    }

    pub(crate) fn owned(&self) -> Option<String> {
        self.get().map(str::to_owned)
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Text, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Text, E> {
                Ok(Text(Some(value.to_owned())))
            }
            fn visit_string<E: de::Error>(self, value: String) -> Result<Text, E> {
                Ok(Text(Some(value)))
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Text, E> {
                Ok(Text(Some(value.to_string())))
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Text, E> {
                Ok(Text(Some(value.to_string())))
            }
            fn visit_f64<E: de::Error>(self, value: f64) -> Result<Text, E> {
                Ok(Text(Some(value.to_string())))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Text, E> {
                Ok(Text(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Text, E> {
                Ok(Text(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Text, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Text(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Text, A::Error> {
                // A language map: {"en": "Title", "fr": "Titre"}; the first string wins.
                let mut first = None;
                while map.next_key::<IgnoredAny>()?.is_some() {
                    let value: Text = map.next_value()?;
                    if first.is_none() {
                        first = value.0;
                    }
                }
                Ok(Text(first))
            }
        }
        deserializer.deserialize_any(TextVisitor)
    }
}

/// A collection: an array of `T`, or a single `T` where an array was expected. `null` and
/// other shapes are empty.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct List<T>(pub(crate) Vec<T>);

impl<T> Default for List<T> {
    fn default() -> List<T> {
        List(Vec::new())
    }
}

impl<T> List<T> {
    pub(crate) fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<List<T>, D::Error> {
        struct ListVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for ListVisitor<T> {
            type Value = List<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<List<T>, A::Error> {
                Vec::<T>::deserialize(SeqAccessDeserializer::new(seq)).map(List)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<List<T>, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map)).map(|one| List(vec![one]))
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<List<T>, E> {
                Ok(T::deserialize(de::value::StrDeserializer::<E>::new(value))
                    .map_or_else(|_| List::default(), |one| List(vec![one])))
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<List<T>, E> {
                Ok(T::deserialize(de::value::I64Deserializer::<E>::new(value))
                    .map_or_else(|_| List::default(), |one| List(vec![one])))
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<List<T>, E> {
                Ok(T::deserialize(de::value::U64Deserializer::<E>::new(value))
                    .map_or_else(|_| List::default(), |one| List(vec![one])))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<List<T>, E> {
                Ok(List::default())
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<List<T>, E> {
                Ok(List::default())
            }
            fn visit_unit<E: de::Error>(self) -> Result<List<T>, E> {
                Ok(List::default())
            }
        }
        deserializer.deserialize_any(ListVisitor(PhantomData))
    }
}

/// An object field: `T` from a JSON object; any other shape is absent.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Object<T>(pub(crate) Option<T>);

impl<T> Default for Object<T> {
    fn default() -> Object<T> {
        Object(None)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Object<T>, D::Error> {
        struct ObjectVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
            type Value = Object<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Object<T>, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map)).map(|value| Object(Some(value)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Object<T>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Object(None))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Object<T>, E> {
                Ok(Object(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Object<T>, E> {
                Ok(Object(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Object<T>, E> {
                Ok(Object(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Object<T>, E> {
                Ok(Object(None))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Object<T>, E> {
                Ok(Object(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Object<T>, E> {
                Ok(Object(None))
            }
        }
        deserializer.deserialize_any(ObjectVisitor(PhantomData))
    }
}

/// A non-negative count: an integer, an integral float or a numeric string; else absent.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Count(pub(crate) Option<u64>);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Count, D::Error> {
        let text = Text::deserialize(deserializer)?;
        Ok(Count(text.get().and_then(|text| {
            text.parse::<u64>().ok().or_else(|| {
                text.parse::<f64>()
                    .ok()
                    .filter(|n| n.fract() == 0.0 && *n >= 0.0 && *n < 9.0e15)
                    // Checked just above: integral, non-negative and exactly representable.
                    .map(|n| n as u64)
            })
        })))
    }
}

/// A boolean: `true`, or the string `"true"`; anything else is false.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Flag(pub(crate) bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Flag, D::Error> {
        struct FlagVisitor;
        impl<'de> Visitor<'de> for FlagVisitor {
            type Value = Flag;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a boolean")
            }
            fn visit_bool<E: de::Error>(self, value: bool) -> Result<Flag, E> {
                Ok(Flag(value))
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Flag, E> {
                Ok(Flag(value.trim().eq_ignore_ascii_case("true")))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Flag, E> {
                Ok(Flag(false))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Flag, E> {
                Ok(Flag(false))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Flag, E> {
                Ok(Flag(false))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Flag, E> {
                Ok(Flag(false))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Flag, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Flag(false))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Flag, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Flag(false))
            }
        }
        deserializer.deserialize_any(FlagVisitor)
    }
}

/// A name: a string, or an object with a `name` (a contributor, a subject). Other shapes (a
/// number, an object without a name) have no name and are skipped by the callers.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Name(pub(crate) Option<String>);

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Name, D::Error> {
        struct NameVisitor;
        impl<'de> Visitor<'de> for NameVisitor {
            type Value = Name;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a name or an object with a name")
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Name, E> {
                Ok(Name(Some(value.to_owned())))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Name, E> {
                Ok(Name(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Name, E> {
                Ok(Name(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Name, E> {
                Ok(Name(None))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Name, E> {
                Ok(Name(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Name, E> {
                Ok(Name(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Name, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Name(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Name, A::Error> {
                let mut name = None;
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    if key == "name" {
                        name = map.next_value::<Text>()?.0;
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(Name(name))
            }
        }
        deserializer.deserialize_any(NameVisitor)
    }
}

/// The names of a list of [`Name`]s, trimmed, blanks skipped.
pub(crate) fn names(list: &List<Name>) -> Vec<String> {
    list.iter()
        .filter_map(|name| name.0.as_deref().map(str::trim).filter(|name| !name.is_empty()).map(str::to_owned))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, serde::Deserialize)]
    #[serde(default)]
    struct Sample {
        title: Text,
        author: List<Name>,
        count: Count,
        templated: Flag,
        properties: Object<Inner>,
    }

    #[derive(Debug, Default, serde::Deserialize, PartialEq)]
    #[serde(default)]
    struct Inner {
        x: Text,
    }

    fn sample(json: &str) -> Sample {
        serde_json::from_str(json).expect("the sample parses")
    }

    #[test]
    fn shapes_real_feeds_use_are_accepted() {
        let cases: [(&str, Option<&str>, &[&str]); 7] = [
            (r#"{"title": "T", "author": "A"}"#, Some("T"), &["A"]),
            (
                r#"{"title": {"fr": "Titre", "en": "Title"}, "author": {"name": "A", "sortAs": "a"}}"#,
                Some("Titre"),
                &["A"],
            ),
            (r#"{"title": 1984, "author": ["A", {"name": "B"}]}"#, Some("1984"), &["A", "B"]),
            (r#"{"title": null, "author": null}"#, None, &[]),
            (r#"{"title": ["x"], "author": [5555, {"bad": "data"}, "C", true, null]}"#, None, &["C"]),
            (r#"{"title": true, "author": {"name": {"en": "Anne"}}}"#, None, &["Anne"]),
            (r#"{"author": [{"name": "  "}, " D "]}"#, None, &["D"]),
        ];
        for (json, title, authors) in cases {
            let parsed = sample(json);
            assert_eq!(parsed.title.get(), title, "title of {json}");
            assert_eq!(names(&parsed.author), authors, "authors of {json}");
        }
    }

    #[test]
    fn counts_flags_and_objects_are_lenient() {
        let cases = [
            (r#"{"count": 5, "templated": true, "properties": {"x": "y"}}"#, Some(5), true, true),
            (r#"{"count": "12", "templated": "true", "properties": []}"#, Some(12), true, false),
            (r#"{"count": 3.0, "templated": 1, "properties": "x"}"#, Some(3), false, false),
            (r#"{"count": -1, "templated": null, "properties": null}"#, None, false, false),
            (r#"{"count": 2.5}"#, None, false, false),
        ];
        for (json, count, templated, has_properties) in cases {
            let parsed = sample(json);
            assert_eq!(parsed.count.0, count, "count of {json}");
            assert_eq!(parsed.templated.0, templated, "templated of {json}");
            assert_eq!(parsed.properties.0.is_some(), has_properties, "properties of {json}");
        }
    }

    #[test]
    fn trailing_commas_are_blanked_outside_strings_only() {
        let cases = [
            (r#"{"a": [1, 2,], }"#, r#"{"a": [1, 2 ]  }"#),
            (r#"{"a": ",]", "b": 1}"#, r#"{"a": ",]", "b": 1}"#),
            (
                r#"{"a": "\",}", "b": [1,
]}"#,
                r#"{"a": "\",}", "b": [1 
]}"#,
            ),
            ("[]", "[]"),
        ];
        for (input, expected) in cases {
            let output = strip_trailing_commas(input.as_bytes());
            assert_eq!(String::from_utf8_lossy(&output), expected, "stripping {input}");
        }
    }

    #[test]
    fn syntax_errors_keep_line_and_column() {
        let error = serde_json::from_str::<Sample>("{\n  \"title\": }").expect_err("not JSON");
        assert_eq!(
            syntax_error(&error),
            Error::Malformed { at: "line 2, column 12".to_owned(), message: "expected value".to_owned() },
            "the position moves from the message to `at`"
        );
    }
}
