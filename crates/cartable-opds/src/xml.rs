//! XML reading for untrusted catalogue documents (Atom feeds and entries, OpenSearch
//! descriptions), as a stream of simplified events: no tree of the whole document is built.
//!
//! On top of quick-xml this adds: text decoding (UTF-8 with or without BOM, UTF-16 with BOM,
//! ISO-8859-1 when declared), refusal of DOCTYPEs that declare entities, a nesting limit, a check
//! that every element is closed at the end, lenient character references (`&eacute;` without a
//! DTD), and `xml:base` tracking so that every relative URL resolves against the right base.

use std::borrow::Cow;

use quick_xml::events::{BytesStart, Event as XmlEvent};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;
use url::Url;

use crate::entity;
use crate::error::Error;
use crate::media;

/// Deepest element nesting accepted; real feeds nest about 6 levels (feed, entry, link,
/// indirectAcquisition...).
const MAX_DEPTH: usize = 256;

/// The namespaces the parsers look at; everything else is [`Ns::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ns {
    /// No namespace (unprefixed attributes, documents without `xmlns`).
    None,
    Atom,
    Opds,
    /// Dublin Core, terms or elements.
    Dc,
    /// Atom threading (`thr:count`).
    Thr,
    OpenSearch,
    Xhtml,
    /// `xml:base`, `xml:lang`.
    Xml,
    /// The Library Simplified vocabulary (`simplified:sort_name`).
    Simplified,
    Other,
}

impl Ns {
    fn from_uri(uri: &str) -> Ns {
        match uri.trim_end_matches('#') {
            "http://www.w3.org/2005/Atom" => Ns::Atom,
            "http://opds-spec.org/2010/catalog" => Ns::Opds,
            "http://purl.org/dc/terms/" | "http://purl.org/dc/elements/1.1/" => Ns::Dc,
            "http://purl.org/syndication/thread/1.0" => Ns::Thr,
            "http://a9.com/-/spec/opensearch/1.1/" => Ns::OpenSearch,
            "http://www.w3.org/1999/xhtml" => Ns::Xhtml,
            "http://www.w3.org/XML/1998/namespace" => Ns::Xml,
            "http://librarysimplified.org/terms/" => Ns::Simplified,
            _ => Ns::Other,
        }
    }

    /// A prefix used without being declared: trust its conventional meaning.
    fn from_prefix(prefix: &str) -> Ns {
        match prefix {
            "atom" => Ns::Atom,
            "opds" => Ns::Opds,
            "dc" | "dcterms" => Ns::Dc,
            "thr" => Ns::Thr,
            "opensearch" => Ns::OpenSearch,
            "xml" => Ns::Xml,
            "simplified" => Ns::Simplified,
            _ => Ns::Other,
        }
    }

    fn resolve(resolved: ResolveResult<'_>) -> Ns {
        match resolved {
            ResolveResult::Bound(namespace) => Ns::from_uri(namespace.0),
            ResolveResult::Unbound => Ns::None,
            ResolveResult::Unknown(prefix) => Ns::from_prefix(&prefix),
        }
    }
}

/// An attribute, value unescaped.
#[derive(Debug, Clone)]
pub(crate) struct Attr {
    ns: Ns,
    local: String,
    value: String,
}

/// A start tag: namespace, local name, attributes.
#[derive(Debug, Clone)]
pub(crate) struct Tag {
    pub(crate) ns: Ns,
    pub(crate) local: String,
    attrs: Vec<Attr>,
}

impl Tag {
    /// Whether this is the Atom element `local` (an element without namespace counts as Atom:
    /// some feeds forget `xmlns`).
    pub(crate) fn is_atom(&self, local: &str) -> bool {
        matches!(self.ns, Ns::Atom | Ns::None) && self.local == local
    }

    /// An unprefixed attribute (`href`, `rel`...).
    pub(crate) fn attr(&self, local: &str) -> Option<&str> {
        self.attr_ns(Ns::None, local)
    }

    /// A namespaced attribute (`opds:facetGroup`, `thr:count`).
    pub(crate) fn attr_ns(&self, ns: Ns, local: &str) -> Option<&str> {
        self.attrs.iter().find(|a| a.ns == ns && a.local == local).map(|a| a.value.as_str())
    }
}

/// A simplified XML event. Empty elements come as `Start` then `End`.
#[derive(Debug)]
pub(crate) enum Event<'a> {
    Start(Tag),
    End,
    Text(Cow<'a, str>),
    Eof,
}

/// A checked event stream over a decoded document.
pub(crate) struct Reader<'a> {
    inner: NsReader<&'a [u8]>,
    text: &'a str,
    /// How many elements are open.
    depth: usize,
    /// An `End` is owed for an empty element.
    pending_end: bool,
    /// The document's own base (where it was fetched from).
    base: Url,
    /// `(depth, base)` for each open element that sets `xml:base`.
    bases: Vec<(usize, Url)>,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(text: &'a str, base: &Url) -> Reader<'a> {
        let mut inner = NsReader::from_str(text);
        let config = inner.config_mut();
        // A bare "&" ("Barnes & Noble" written by hand) loses nothing when kept literal.
        config.allow_dangling_amp = true;
        config.check_end_names = true;
        Reader { inner, text, depth: 0, pending_end: false, base: base.clone(), bases: Vec::new() }
    }

    /// The base URL in effect for the element last started (its `xml:base` included).
    pub(crate) fn base(&self) -> &Url {
        self.bases.last().map_or(&self.base, |(_, base)| base)
    }

    /// Whether the current base may be used for links: `http(s)` or the document's own scheme
    /// (an `xml:base` cannot move a remote catalogue's links to `file:`).
    pub(crate) fn base_is_allowed(&self) -> bool {
        let scheme = self.base().scheme();
        matches!(scheme, "http" | "https") || scheme == self.base.scheme()
    }

    /// `href` resolved against the current base; `None` when it is empty, not a URL, or of a
    /// scheme the catalogue may not use (see [`media::resolve`]; `image` allows `data:`).
    pub(crate) fn resolve(&self, href: &str, image: bool) -> Option<Url> {
        media::resolve(self.base(), &self.base, href, image)
    }

    /// `line L, column C` of a byte offset, for error messages.
    pub(crate) fn position(&self, offset: u64) -> String {
        line_column(self.text, usize::try_from(offset).unwrap_or(usize::MAX))
    }

    /// An [`Error::Malformed`] at the current position.
    pub(crate) fn malformed(&self, message: impl Into<String>) -> Error {
        Error::malformed(self.position(self.inner.buffer_position()), message)
    }

    /// The next event; errors are [`Error::Malformed`] or [`Error::EntityDeclaration`].
    pub(crate) fn next(&mut self) -> Result<Event<'a>, Error> {
        if self.pending_end {
            self.pending_end = false;
            self.close();
            return Ok(Event::End);
        }
        loop {
            let (resolved, event) = match self.inner.read_resolved_event() {
                Ok((resolved, event)) => (Ns::resolve(resolved), event),
                Err(error) => {
                    let at = self.position(self.inner.error_position());
                    return Err(Error::malformed(at, error.to_string()));
                }
            };
            match event {
                XmlEvent::Start(start) => return self.start(&start, resolved, false),
                XmlEvent::Empty(start) => return self.start(&start, resolved, true),
                XmlEvent::End(_) => {
                    // quick-xml checked that it closes the innermost open element.
                    self.close();
                    return Ok(Event::End);
                }
                XmlEvent::Text(text) => {
                    let text = text.xml10_content();
                    if !text.is_empty() {
                        return Ok(Event::Text(text));
                    }
                }
                XmlEvent::CData(data) => {
                    let data = data.into_inner();
                    if !data.is_empty() {
                        return Ok(Event::Text(data));
                    }
                }
                XmlEvent::GeneralRef(reference) => {
                    let body: &str = &reference;
                    let text = match entity::reference(body) {
                        Some(c) => c.to_string(),
                        None => format!("&{body};"),
                    };
                    return Ok(Event::Text(Cow::Owned(text)));
                }
                XmlEvent::DocType(doctype) => {
                    // `<!DOCTYPE html>` is harmless; an internal subset declaring entities is
                    // the "billion laughs" vector, refused whatever it declares.
                    if doctype.to_ascii_lowercase().contains("<!entity") {
                        return Err(Error::EntityDeclaration);
                    }
                }
                XmlEvent::Decl(_) | XmlEvent::PI(_) | XmlEvent::Comment(_) => {}
                XmlEvent::Eof => {
                    if self.depth > 0 {
                        return Err(self.malformed(
                            "the document ends before its elements are closed (it was probably cut short)",
                        ));
                    }
                    return Ok(Event::Eof);
                }
            }
        }
    }

    fn start(&mut self, start: &BytesStart<'_>, ns: Ns, empty: bool) -> Result<Event<'a>, Error> {
        if self.depth >= MAX_DEPTH {
            return Err(self.malformed(format!("elements are nested more than {MAX_DEPTH} levels deep")));
        }
        let mut attrs = Vec::new();
        for attribute in start.attributes() {
            let attribute = attribute.map_err(|error| self.malformed(format!("bad attribute: {error}")))?;
            let key = attribute.key;
            if key.as_ref() == "xmlns" || key.prefix().is_some_and(|p| p.as_ref() == "xmlns") {
                continue;
            }
            let (resolved, local) = self.inner.resolver().resolve_attribute(key);
            let ns = match (resolved, key.prefix()) {
                // Unprefixed attributes have no namespace, whatever the default namespace is.
                (_, None) => Ns::None,
                (resolved, Some(_)) => Ns::resolve(resolved),
            };
            attrs.push(Attr {
                ns,
                local: local.as_ref().to_owned(),
                value: entity::decode(&attribute.value).into_owned(),
            });
        }
        let tag = Tag { ns, local: start.local_name().as_ref().to_owned(), attrs };
        self.depth += 1;
        if let Some(xml_base) = tag.attr_ns(Ns::Xml, "base") {
            // An unusable xml:base is ignored, as browsers do.
            if let Ok(base) = self.base().join(xml_base.trim()) {
                self.bases.push((self.depth, base));
            }
        }
        self.pending_end = empty;
        Ok(Event::Start(tag))
    }

    fn close(&mut self) {
        if self.bases.last().is_some_and(|(depth, _)| *depth == self.depth) {
            self.bases.pop();
        }
        self.depth = self.depth.saturating_sub(1);
    }

    /// Skips the rest of the element whose `Start` was just returned.
    pub(crate) fn skip(&mut self) -> Result<(), Error> {
        let mut open = 1usize;
        while open > 0 {
            match self.next()? {
                Event::Start(_) => open += 1,
                Event::End => open -= 1,
                Event::Text(_) => {}
                Event::Eof => return Err(self.malformed("the document ends inside an element")),
            }
        }
        Ok(())
    }

    /// The text of the element whose `Start` was just returned, child elements' text included,
    /// as given (not trimmed).
    pub(crate) fn text(&mut self) -> Result<String, Error> {
        let mut text = String::new();
        let mut open = 1usize;
        while open > 0 {
            match self.next()? {
                Event::Start(_) => open += 1,
                Event::End => open -= 1,
                Event::Text(piece) => text.push_str(&piece),
                Event::Eof => return Err(self.malformed("the document ends inside an element")),
            }
        }
        Ok(text)
    }
}

/// `line L, column C` (both from 1; columns count characters) of a byte offset in `text`.
pub(crate) fn line_column(text: &str, offset: usize) -> String {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |last| last.chars().count()) + 1;
    format!("line {line}, column {column}")
}

/// The document as text: UTF-8 (a BOM is dropped), UTF-16 with a BOM, or ISO-8859-1 / ASCII
/// when the XML declaration says so.
pub(crate) fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, Error> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8(rest);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, u16::from_be_bytes);
    }
    match declared_encoding(bytes) {
        None => utf8(bytes),
        Some(encoding) => match encoding.to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" => utf8(bytes),
            // ASCII is a subset of both; a stray byte above 127 is read as Latin-1, not refused.
            "iso-8859-1" | "iso8859-1" | "iso_8859-1" | "latin1" | "latin-1" | "l1" | "us-ascii" | "ascii" => {
                Ok(Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect()))
            }
            _ => Err(Error::UnsupportedEncoding { encoding }),
        },
    }
}

fn utf8(bytes: &[u8]) -> Result<Cow<'_, str>, Error> {
    std::str::from_utf8(bytes).map(Cow::Borrowed).map_err(|error| {
        let valid = &bytes[..error.valid_up_to()];
        // The valid prefix is valid UTF-8 by definition.
        let prefix = std::str::from_utf8(valid).unwrap_or_default();
        Error::malformed(line_column(prefix, prefix.len()), "the text is not valid UTF-8")
    })
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<Cow<'_, str>, Error> {
    let units = bytes.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .map(Cow::Owned)
        .map_err(|_| Error::malformed("the start of the document", "the text is not valid UTF-16"))
}

/// The `encoding` of an XML declaration at the very start, if any.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let head = bytes.get(..bytes.len().min(256))?;
    let head = head.strip_prefix(b"<?xml")?;
    let end = head.windows(2).position(|pair| pair == b"?>")?;
    let declaration = std::str::from_utf8(&head[..end]).ok()?;
    let after = &declaration[declaration.find("encoding")? + "encoding".len()..];
    let after = after.trim_start().strip_prefix('=')?.trim_start();
    let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &after[1..];
    Some(value[..value.find(quote)?].trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://example.org/catalog/root.xml").expect("a valid base")
    }

    /// Every event of a document, as strings: `<ns:local>`, `/`, `"text"`.
    fn events(text: &str) -> Result<Vec<String>, Error> {
        let base = base();
        let mut reader = Reader::new(text, &base);
        let mut out = Vec::new();
        loop {
            match reader.next()? {
                Event::Start(tag) => out.push(format!("<{:?}:{}>", tag.ns, tag.local)),
                Event::End => out.push("/".to_owned()),
                Event::Text(text) => out.push(format!("{text:?}")),
                Event::Eof => return Ok(out),
            }
        }
    }

    #[test]
    fn events_resolve_namespaces_references_and_empty_elements() {
        let document = r#"<feed xmlns="http://www.w3.org/2005/Atom" xmlns:o="http://opds-spec.org/2010/catalog"><o:price/>caf&eacute;&#233;&amp;<![CDATA[<b>]]></feed>"#;
        let expected = ["<Atom:feed>", "<Opds:price>", "/", "\"caf\"", "\"é\"", "\"é\"", "\"&\"", "\"<b>\"", "/"];
        assert_eq!(events(document).expect("well-formed"), expected, "events of a small feed");
    }

    #[test]
    fn broken_documents_are_errors_with_a_position() {
        let cases = [
            ("<feed><entry></feed>", "line 1"),
            ("<feed>\n<entry>", "line 2"),
            ("<feed>\n  <link href='x></feed>", "line 2"),
        ];
        for (document, line) in cases {
            match events(document) {
                Err(Error::Malformed { at, .. }) => assert!(at.starts_with(line), "{document:?}: error at {at}"),
                other => panic!("{document:?} must be malformed, got {other:?}"),
            }
        }
    }

    #[test]
    fn entity_declarations_are_refused() {
        let document = "<!DOCTYPE feed [<!ENTITY a \"aaaa\">]><feed>&a;</feed>";
        assert_eq!(events(document), Err(Error::EntityDeclaration), "a DOCTYPE declaring entities is refused");
        assert!(events("<!DOCTYPE html><html/>").is_ok(), "a DOCTYPE without entities is fine");
    }

    #[test]
    fn nesting_is_capped() {
        let deep = "<a>".repeat(MAX_DEPTH + 1);
        assert!(
            matches!(events(&deep), Err(Error::Malformed { message, .. }) if message.contains("nested")),
            "nesting deeper than the cap must be refused before the document ends"
        );
    }

    #[test]
    fn xml_base_applies_to_the_element_and_its_children_only() {
        let document =
            r#"<feed xml:base="https://cdn.example.org/a/"><entry xml:base="b/"><link/></entry><link/></feed>"#;
        let base = base();
        let mut reader = Reader::new(document, &base);
        let mut seen = Vec::new();
        loop {
            match reader.next().expect("well-formed") {
                Event::Start(tag) => {
                    seen.push(format!("{} {}", tag.local, reader.resolve("x", false).expect("resolves")))
                }
                Event::Eof => break,
                _ => {}
            }
        }
        let expected = [
            "feed https://cdn.example.org/a/x",
            "entry https://cdn.example.org/a/b/x",
            "link https://cdn.example.org/a/b/x",
            "link https://cdn.example.org/a/x",
        ];
        assert_eq!(seen, expected, "xml:base nests and ends with its element");
    }

    #[test]
    fn encodings_are_decoded_or_refused() {
        let latin1 = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><t>caf\xe9</t>";
        assert!(decode(latin1).expect("latin-1 is read").ends_with("<t>café</t>"), "ISO-8859-1 is transcoded");
        let bom = b"\xEF\xBB\xBF<t/>";
        assert_eq!(decode(bom).expect("utf-8 with BOM"), "<t/>", "the UTF-8 BOM is dropped");
        let utf16: Vec<u8> =
            [0xFF, 0xFE].into_iter().chain("<t>é</t>".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        assert_eq!(decode(&utf16).expect("utf-16le"), "<t>é</t>", "UTF-16 with a BOM is decoded");
        let koi8 = b"<?xml version='1.0' encoding='KOI8-R'?><t/>";
        assert_eq!(
            decode(koi8),
            Err(Error::UnsupportedEncoding { encoding: "KOI8-R".to_owned() }),
            "an encoding Cartable cannot read is named in the error"
        );
        assert!(
            matches!(decode(b"<t>\xff</t>"), Err(Error::Malformed { at, .. }) if at == "line 1, column 4"),
            "invalid UTF-8 is reported where it starts"
        );
    }

    #[test]
    fn line_column_counts_characters() {
        let cases =
            [("abc", 0, "line 1, column 1"), ("ab\ncé\nd", 6, "line 2, column 3"), ("é", 1, "line 1, column 1")];
        for (text, offset, expected) in cases {
            assert_eq!(line_column(text, offset), expected, "position of byte {offset} in {text:?}");
        }
    }
}
