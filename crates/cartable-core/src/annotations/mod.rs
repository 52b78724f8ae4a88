//! What pupils write in their books: bookmarks, highlights (and underlines), notes and ink
//! strokes. [`Annotation`] is what the shells see; [`record::Record`] is how it is stored and
//! will sync. Creating or changing an annotation stamps only the fields it changes.

pub mod anchor;
pub mod ink;
pub(crate) mod markdown;
pub mod record;
pub(crate) mod w3c;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

pub use anchor::{Anchor, Quote, Rect};
pub use record::Kind;
use record::{Record, Stamped};

use crate::clock::Hlc;
use crate::{Error, Result};

/// The four highlighter colours.
pub const COLORS: [&str; 4] = ["yellow", "green", "blue", "pink"];

/// Longest note (sync.md §6.6).
pub const MAX_NOTE: usize = 64 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Style {
    Highlight,
    Underline,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tool {
    Pen,
    Highlighter,
}

/// One ink stroke: points in fractions of the page, width in fractions of the page width.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ink {
    pub tool: Tool,
    pub color: String,
    pub width: f32,
    pub points: Vec<[f32; 2]>,
}

/// An ink stroke as it is shown: its points still packed (see [`ink`]), which the window
/// decodes itself: a page of strokes crosses to it as a few short strings rather than
/// thousands of numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InkView {
    pub tool: Tool,
    pub color: String,
    pub width: f32,
    /// The points, packed with [`ink::encode`], in base64.
    #[serde(serialize_with = "as_base64")]
    pub packed: Vec<u8>,
}

impl InkView {
    pub fn points(&self) -> Vec<[f32; 2]> {
        ink::decode(&self.packed).unwrap_or_default()
    }
}

fn as_base64<S: serde::Serializer>(bytes: &[u8], s: S) -> std::result::Result<S::Ok, S::Error> {
    use base64::Engine as _;
    s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// An annotation as shells show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Annotation {
    pub id: uuid::Uuid,
    pub kind: Kind,
    /// The book id (sha256 of the file), or the book key when the book is known another way.
    pub book: String,
    pub anchor: Anchor,
    pub color: Option<String>,
    pub style: Option<Style>,
    pub text: Option<String>,
    pub label: Option<String>,
    /// The highlight a note is written on.
    pub highlight: Option<uuid::Uuid>,
    pub ink: Option<InkView>,
    pub created_at: i64,
    pub modified_at: i64,
}

/// What a shell asks to create.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewAnnotation {
    pub kind: Kind,
    pub anchor: Anchor,
    #[serde(default)]
    pub color: Option<String>,
    #[serde(default)]
    pub style: Option<Style>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub highlight: Option<uuid::Uuid>,
    #[serde(default)]
    pub ink: Option<Ink>,
}

/// What a shell asks to change; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    #[serde(default)]
    pub color: Option<String>,
    #[serde(default)]
    pub style: Option<Style>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub label: Option<String>,
}

fn invalid(why: impl Into<String>) -> Error {
    Error::InvalidAnnotation(why.into())
}

fn is_hex_colour(c: &str) -> bool {
    c.len() == 7 && c.starts_with('#') && c[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

fn check_color(kind: Kind, color: &str) -> Result<()> {
    if COLORS.contains(&color) || (kind != Kind::Highlight && is_hex_colour(color)) {
        Ok(())
    } else {
        Err(invalid(format!("unknown colour {color:?}")))
    }
}

fn check_text(text: &str) -> Result<()> {
    if text.len() > MAX_NOTE { Err(invalid("the note is longer than 64 KB")) } else { Ok(()) }
}

fn check_label(label: &str) -> Result<()> {
    if label.len() > 200 { Err(invalid("the bookmark name is too long")) } else { Ok(()) }
}

/// A new record for `new`, created at `at`. Validates what the pupil's gesture produced.
pub(crate) fn create(id: uuid::Uuid, book_key: &str, new: NewAnnotation, at: Hlc) -> Result<Record> {
    if let Some(why) = new.anchor.problem() {
        return Err(invalid(why));
    }
    let stamp = |v: Value| Stamped { v, t: at };
    let mut init = json!({ "anchor": new.anchor });
    let mut fields = BTreeMap::new();
    let mut blob = None;
    match new.kind {
        Kind::Highlight => {
            if matches!(new.anchor, Anchor::Place { .. }) {
                return Err(invalid("a highlight needs a text range"));
            }
            let color = new.color.unwrap_or_else(|| COLORS[0].to_owned());
            check_color(Kind::Highlight, &color)?;
            let style = new.style.unwrap_or(Style::Highlight);
            fields.insert("style".into(), stamp(json!({ "color": color, "type": style })));
        }
        Kind::Note => {
            let text = new.text.unwrap_or_default();
            check_text(&text)?;
            fields.insert("body".into(), stamp(json!(text)));
            if let Some(color) = new.color {
                check_color(Kind::Note, &color)?;
                fields.insert("color".into(), stamp(json!(color)));
            }
            if let Some(h) = new.highlight {
                init["highlight"] = json!(h);
            }
        }
        Kind::Bookmark => {
            if !matches!(new.anchor, Anchor::Place { .. }) {
                return Err(invalid("a bookmark marks a place"));
            }
            let label = new.label.unwrap_or_default();
            check_label(&label)?;
            fields.insert("label".into(), stamp(json!(label)));
        }
        Kind::Ink => {
            if !matches!(new.anchor, Anchor::Place { .. }) {
                return Err(invalid("ink is drawn on a page"));
            }
            let stroke = new.ink.ok_or_else(|| invalid("an ink stroke needs its points"))?;
            if stroke.points.is_empty() || stroke.points.len() > ink::MAX_POINTS {
                return Err(invalid("an ink stroke has 1 to 20,000 points"));
            }
            if stroke.points.iter().flatten().any(|v| !v.is_finite()) {
                return Err(invalid("an ink point is not a number"));
            }
            if !(stroke.width.is_finite() && stroke.width > 0.0 && stroke.width < 0.2) {
                return Err(invalid("the pen width is not valid"));
            }
            if !is_hex_colour(&stroke.color) {
                return Err(invalid(format!("unknown colour {:?}", stroke.color)));
            }
            init["ink"] = json!({
                "tool": stroke.tool,
                "color": stroke.color,
                "width": stroke.width,
                "bbox": ink::bbox(&stroke.points),
                "n": stroke.points.len(),
                "codec": ink::CODEC,
            });
            blob = Some(ink::encode(&stroke.points));
        }
    }
    Ok(Record { kind: new.kind, id, book_key: book_key.to_owned(), init, created: at, fields, blob, del: None })
}

/// The fields `change` writes, stamped `at`, for a record of `kind` as it is now.
pub(crate) fn change_fields(current: &Record, change: Change, at: Hlc) -> Result<BTreeMap<String, Stamped>> {
    let mut out = BTreeMap::new();
    let stamp = |v: Value| Stamped { v, t: at };
    match current.kind {
        Kind::Highlight => {
            if change.color.is_some() || change.style.is_some() {
                let old = current.fields.get("style").map(|s| s.v.clone()).unwrap_or(Value::Null);
                let color = match change.color {
                    Some(c) => c,
                    None => old["color"].as_str().unwrap_or(COLORS[0]).to_owned(),
                };
                check_color(Kind::Highlight, &color)?;
                let style = change.style.map_or_else(|| old["type"].clone(), |s| json!(s));
                let style = if style.is_null() { json!(Style::Highlight) } else { style };
                out.insert("style".into(), stamp(json!({ "color": color, "type": style })));
            }
        }
        Kind::Note => {
            if let Some(text) = change.text {
                check_text(&text)?;
                out.insert("body".into(), stamp(json!(text)));
            }
            if let Some(color) = change.color {
                check_color(Kind::Note, &color)?;
                out.insert("color".into(), stamp(json!(color)));
            }
        }
        Kind::Bookmark => {
            if let Some(label) = change.label {
                check_label(&label)?;
                out.insert("label".into(), stamp(json!(label)));
            }
        }
        Kind::Ink => {}
    }
    if out.is_empty() {
        return Err(invalid("nothing to change"));
    }
    Ok(out)
}

/// The annotation a live record shows; `None` for a tombstone or a record this version cannot read.
pub(crate) fn view(r: &Record, created_at: i64, modified_at: i64) -> Option<Annotation> {
    if r.del.is_some() {
        return None;
    }
    // Deserialised from the parsed JSON by reference: no copy of the tree per row.
    let anchor = Anchor::deserialize(r.init.get("anchor")?).ok()?;
    let field = |name: &str| r.fields.get(name).map(|s| &s.v);
    let text_field = |name: &str| field(name).and_then(Value::as_str).map(str::to_owned);
    let (mut color, mut style) = (None, None);
    if let Some(s) = field("style") {
        color = s["color"].as_str().map(str::to_owned);
        style = Style::deserialize(&s["type"]).ok();
    }
    if r.kind == Kind::Note {
        color = text_field("color");
    }
    let ink = if r.kind == Kind::Ink {
        let meta = r.init.get("ink")?;
        let packed = r.blob.clone()?;
        Some(InkView {
            tool: Tool::deserialize(&meta["tool"]).ok()?,
            color: meta["color"].as_str()?.to_owned(),
            width: meta["width"].as_f64()? as f32,
            packed,
        })
    } else {
        None
    };
    Some(Annotation {
        id: r.id,
        kind: r.kind,
        book: r.book_key.strip_prefix("sha256:").unwrap_or(&r.book_key).to_owned(),
        anchor,
        color,
        style,
        text: text_field("body"),
        label: text_field("label"),
        highlight: r.init.get("highlight").and_then(|h| uuid::Uuid::deserialize(h).ok()),
        ink,
        created_at,
        modified_at,
    })
}

/// What "My notes" searches in a record: the quoted text, the note, the bookmark's name.
pub(crate) fn search_text(r: &Record) -> String {
    if r.del.is_some() {
        return String::new();
    }
    let quote = r.init.get("anchor").and_then(|a| a.get("quote")).and_then(|q| q.get("exact")).and_then(Value::as_str);
    let own = ["body", "label"].iter().filter_map(|f| r.fields.get(*f).and_then(|s| s.v.as_str()));
    quote.into_iter().chain(own).filter(|s| !s.is_empty()).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: u64) -> Hlc {
        Hlc { ms, counter: 0, node: 9 }
    }

    fn pdf_anchor() -> Anchor {
        Anchor::Pdf {
            page: 4,
            label: Some("1".into()),
            start: 10,
            end: 20,
            quads: vec![[0.1, 0.2, 0.5, 0.22]],
            quote: Quote { prefix: "Le ".into(), exact: "théorème".into(), suffix: " de".into() },
        }
    }

    fn new(kind: Kind, anchor: Anchor) -> NewAnnotation {
        NewAnnotation { kind, anchor, color: None, style: None, text: None, label: None, highlight: None, ink: None }
    }

    #[test]
    fn a_highlight_round_trips_through_its_record() {
        let mut n = new(Kind::Highlight, pdf_anchor());
        n.color = Some("green".into());
        n.style = Some(Style::Underline);
        let r = create(uuid::Uuid::from_u128(1), "sha256:ab", n, at(5)).expect("valid");
        let a = view(&r, 5, 5).expect("live");
        assert_eq!((a.color.as_deref(), a.style, a.book.as_str()), (Some("green"), Some(Style::Underline), "ab"));
        assert_eq!(a.anchor, pdf_anchor());
        assert_eq!(search_text(&r), "théorème");
    }

    #[test]
    fn a_colour_change_keeps_the_style_and_the_reverse() {
        let r = create(uuid::Uuid::from_u128(1), "k", new(Kind::Highlight, pdf_anchor()), at(5)).expect("valid");
        let change = Change { style: Some(Style::Underline), ..Change::default() };
        let fields = change_fields(&r, change, at(6)).expect("valid");
        assert_eq!(fields["style"].v, json!({"color": "yellow", "type": "underline"}));
        assert!(change_fields(&r, Change { color: Some("mauve".into()), ..Change::default() }, at(7)).is_err());
    }

    #[test]
    fn ink_keeps_its_points_and_refuses_nonsense() {
        let place = Anchor::Place { page: 0, loc: "page:0".into(), label: None, x: None, y: None };
        let mut n = new(Kind::Ink, place.clone());
        n.ink =
            Some(Ink { tool: Tool::Pen, color: "#1a2b3c".into(), width: 0.004, points: vec![[0.1, 0.1], [0.2, 0.3]] });
        let r = create(uuid::Uuid::from_u128(2), "k", n.clone(), at(1)).expect("valid");
        let back = view(&r, 1, 1).expect("live").ink.expect("ink").points();
        assert_eq!(back.len(), 2);
        assert!((back[1][1] - 0.3).abs() < 1e-4);
        n.ink = Some(Ink { tool: Tool::Pen, color: "#1a2b3c".into(), width: f32::NAN, points: vec![[0.1, 0.1]] });
        assert!(matches!(create(uuid::Uuid::from_u128(3), "k", n, at(1)), Err(Error::InvalidAnnotation(_))));
        assert!(create(uuid::Uuid::from_u128(4), "k", new(Kind::Highlight, place), at(1)).is_err());
    }
}
