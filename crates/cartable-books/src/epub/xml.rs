//! A flat view of an XML document: every element with its attributes and its
//! own text, in document order. Enough to check packages and content documents.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// An element, with attribute names as written (`epub:type`, `xlink:href`).
#[derive(Clone, Debug, Default)]
pub(crate) struct Element {
    pub(crate) name: String,
    pub(crate) attrs: Vec<(String, String)>,
    /// Text directly inside the element, entities resolved.
    pub(crate) text: String,
}

impl Element {
    /// The value of an attribute.
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Whether a space-separated attribute (`properties`, `epub:type`) holds `word`.
    pub(crate) fn has_word(&self, attr: &str, word: &str) -> bool {
        self.attr(attr).is_some_and(|v| v.split_whitespace().any(|w| w == word))
    }
}

/// Parses a document, refusing anything that is not well-formed XML. Only the
/// five predefined entities and character references are allowed: content
/// documents of an EPUB have no DTD, so `&nbsp;` is an error.
pub(crate) fn elements(text: &str) -> Result<Vec<Element>, String> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut out: Vec<Element> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("not well-formed XML near byte {}: {e}", reader.error_position()))?;
        match event {
            Event::Start(start) => {
                open.push(out.len());
                out.push(element(&start)?);
            }
            Event::Empty(start) => out.push(element(&start)?),
            Event::End(_) => {
                open.pop();
            }
            Event::Text(t) => push_text(&mut out, &open, &t.xml10_content()),
            Event::CData(t) => push_text(&mut out, &open, &t.xml10_content()),
            Event::GeneralRef(r) => {
                let resolved = if r.is_char_ref() {
                    r.resolve_char_ref().ok().flatten().map(String::from)
                } else {
                    predefined(&r.xml10_content()).map(str::to_owned)
                };
                let Some(resolved) = resolved else {
                    return Err(format!(
                        "unknown entity &{}; (there is no DTD: write the character itself)",
                        r.xml10_content()
                    ));
                };
                push_text(&mut out, &open, &resolved);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !open.is_empty() {
        return Err("an element is never closed".to_owned());
    }
    Ok(out)
}

fn predefined(name: &str) -> Option<&'static str> {
    match name {
        "amp" => Some("&"),
        "lt" => Some("<"),
        "gt" => Some(">"),
        "quot" => Some("\""),
        "apos" => Some("'"),
        _ => None,
    }
}

fn push_text(out: &mut [Element], open: &[usize], text: &str) {
    if let Some(e) = open.last().and_then(|i| out.get_mut(*i)) {
        e.text.push_str(text);
    }
}

fn element(start: &BytesStart<'_>) -> Result<Element, String> {
    let name = start.name().as_ref().to_owned();
    let mut attrs = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| format!("bad attribute in <{name}>: {e}"))?;
        let key = attr.key.as_ref().to_owned();
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| format!("bad value of {key} in <{name}>: {e}"))?
            .into_owned();
        if attrs.iter().any(|(k, _)| *k == key) {
            return Err(format!("<{name}> has two {key} attributes"));
        }
        attrs.push((key, value));
    }
    Ok(Element { name, attrs, text: String::new() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_keep_their_text_and_attributes() {
        let list = elements(r#"<a x="1 &amp; 2"><b>é&#233;&lt;</b><c/></a>"#).expect("well-formed");
        assert_eq!(list.len(), 3);
        assert_eq!(list[0].attr("x"), Some("1 & 2"));
        assert_eq!(list[1].text, "éé<");
    }

    #[test]
    fn html_entities_and_bad_nesting_are_refused() {
        assert!(elements("<p>a&nbsp;b</p>").is_err(), "no DTD, no &nbsp;");
        assert!(elements("<p><b></p></b>").is_err(), "end tags must match");
        assert!(elements("<p>").is_err(), "elements must be closed");
    }
}
