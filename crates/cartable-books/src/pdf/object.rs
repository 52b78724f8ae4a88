//! The PDF object model, just large enough to write a textbook (ISO 32000-1, 7.3).

/// A reference to an indirect object: its object number (generation is always 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Ref(pub(crate) u32);

/// A direct PDF object.
#[derive(Clone, Debug)]
pub(crate) enum Object {
    Null,
    Bool(bool),
    Int(i64),
    Real(f64),
    Name(&'static str),
    /// A text string, as in the document information or outline titles: written in
    /// PDFDocEncoding when it is plain ASCII, in UTF-16BE with a byte order mark otherwise.
    Text(String),
    /// A byte string written in hexadecimal, such as the file identifier.
    Hex(Vec<u8>),
    Array(Vec<Object>),
    Dict(Dict),
    Ref(Ref),
}

/// A dictionary whose keys keep the order in which they were added, so that the
/// output is the same on every build.
#[derive(Clone, Debug, Default)]
pub(crate) struct Dict(Vec<(&'static str, Object)>);

impl Dict {
    /// An empty dictionary.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// A dictionary with a `/Type` entry.
    pub(crate) fn typed(kind: &'static str) -> Self {
        Self::new().with("Type", Object::Name(kind))
    }

    /// Adds an entry and returns the dictionary, for chaining.
    #[must_use]
    pub(crate) fn with(mut self, key: &'static str, value: impl Into<Object>) -> Self {
        self.set(key, value);
        self
    }

    /// Adds or replaces an entry.
    pub(crate) fn set(&mut self, key: &'static str, value: impl Into<Object>) {
        let value = value.into();
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = value,
            None => self.0.push((key, value)),
        }
    }

    fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"<<");
        for (key, value) in &self.0 {
            out.push(b'/');
            out.extend_from_slice(key.as_bytes());
            out.push(b' ');
            value.write(out);
            out.push(b' ');
        }
        out.extend_from_slice(b">>");
    }
}

impl From<Dict> for Object {
    fn from(dict: Dict) -> Self {
        Object::Dict(dict)
    }
}

impl From<Ref> for Object {
    fn from(r: Ref) -> Self {
        Object::Ref(r)
    }
}

impl From<i64> for Object {
    fn from(n: i64) -> Self {
        Object::Int(n)
    }
}

impl From<usize> for Object {
    fn from(n: usize) -> Self {
        Object::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl From<f64> for Object {
    fn from(x: f64) -> Self {
        Object::Real(x)
    }
}

impl From<bool> for Object {
    fn from(b: bool) -> Self {
        Object::Bool(b)
    }
}

impl From<Vec<Object>> for Object {
    fn from(items: Vec<Object>) -> Self {
        Object::Array(items)
    }
}

impl Object {
    /// A name object, e.g. `/Page`.
    pub(crate) fn name(name: &'static str) -> Self {
        Object::Name(name)
    }

    /// A text string.
    pub(crate) fn text(text: &str) -> Self {
        Object::Text(text.to_owned())
    }

    /// Appends the object's PDF syntax to `out`.
    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        match self {
            Object::Null => out.extend_from_slice(b"null"),
            Object::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
            Object::Int(n) => out.extend_from_slice(n.to_string().as_bytes()),
            Object::Real(x) => out.extend_from_slice(real(*x).as_bytes()),
            Object::Name(name) => {
                out.push(b'/');
                out.extend_from_slice(name.as_bytes());
            }
            Object::Text(text) => write_text_string(text, out),
            Object::Hex(bytes) => {
                out.push(b'<');
                for b in bytes {
                    out.extend_from_slice(format!("{b:02X}").as_bytes());
                }
                out.push(b'>');
            }
            Object::Array(items) => {
                out.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b' ');
                    }
                    item.write(out);
                }
                out.push(b']');
            }
            Object::Dict(dict) => dict.write(out),
            Object::Ref(r) => out.extend_from_slice(format!("{} 0 R", r.0).as_bytes()),
        }
    }
}

/// Formats a number with at most three decimals and no trailing zeros, as PDF
/// producers usually do; `-0` is written `0`.
pub(crate) fn real(x: f64) -> String {
    let rounded = (x * 1000.0).round() / 1000.0;
    if rounded == 0.0 || !rounded.is_finite() {
        return "0".to_owned();
    }
    let text = format!("{rounded:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Writes a literal string for ASCII text, a UTF-16BE hex string otherwise.
fn write_text_string(text: &str, out: &mut Vec<u8>) {
    if text.chars().all(|c| c == ' ' || c.is_ascii_graphic()) {
        out.push(b'(');
        escape_literal(text.as_bytes(), out);
        out.push(b')');
        return;
    }
    out.extend_from_slice(b"<FEFF");
    for unit in text.encode_utf16() {
        out.extend_from_slice(format!("{unit:04X}").as_bytes());
    }
    out.push(b'>');
}

/// Escapes the bytes of a literal string; bytes outside ASCII are written as octal
/// escapes so that content streams stay readable once decompressed.
pub(crate) fn escape_literal(bytes: &[u8], out: &mut Vec<u8>) {
    for &b in bytes {
        match b {
            b'(' | b')' | b'\\' => {
                out.push(b'\\');
                out.push(b);
            }
            0x20..=0x7E => out.push(b),
            _ => out.extend_from_slice(format!("\\{b:03o}").as_bytes()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syntax(object: &Object) -> String {
        let mut out = Vec::new();
        object.write(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn reals_are_short_and_stable() {
        let cases =
            [(0.0, "0"), (-0.0001, "0"), (12.0, "12"), (595.2756, "595.276"), (-3.5, "-3.5"), (0.1 + 0.2, "0.3")];
        for (x, text) in cases {
            assert_eq!(real(x), text, "{x} must be written {text}");
        }
    }

    #[test]
    fn text_strings_escape_parentheses_and_use_utf16_for_accents() {
        assert_eq!(syntax(&Object::text("a (b) \\")), "(a \\(b\\) \\\\)");
        assert_eq!(syntax(&Object::text("é")), "<FEFF00E9>");
    }

    #[test]
    fn dictionaries_keep_insertion_order_and_replace_keys() {
        let mut dict = Dict::typed("Page").with("Count", 2_i64);
        dict.set("Count", 3_i64);
        assert_eq!(syntax(&dict.into()), "<</Type /Page /Count 3 >>");
    }
}
