//! XML reading for untrusted documents, shared by every parser of the crate.
//!
//! On top of quick-xml this adds what a hostile book needs: text decoding (UTF-8, UTF-16,
//! Latin-1), refusal of DOCTYPEs that declare entities, a nesting limit, a check that every
//! element is closed at the end, and resolution of the HTML named entities EPUB 2 books use
//! without a DTD. Unknown entities stay as literal text.
//!
//! Two ways to read: [`Reader`], a stream of simplified events (for content documents), and
//! [`parse`], a small tree with a node cap (for container, package and navigation documents).

use std::borrow::Cow;

use quick_xml::events::{BytesRef, BytesStart, Event as XmlEvent};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

use crate::entity;
use crate::error::Error;

/// Largest XML document parsed (declared uncompressed size).
pub(crate) const MAX_XML_SIZE: u64 = 32 << 20;
/// Deepest element nesting accepted.
pub(crate) const MAX_DEPTH: usize = 1024;
/// Most nodes a tree built by [`parse`] may hold, so that a 32 MiB document of empty elements
/// cannot turn into gigabytes of tree.
const MAX_NODES: usize = 500_000;

/// The OPS namespace, for `epub:type`.
pub(crate) const OPS_NS: &str = "http://www.idpf.org/2007/ops";

/// An attribute, value unescaped.
#[derive(Debug, Clone)]
pub(crate) struct Attribute {
    pub(crate) local: String,
    pub(crate) namespace: Option<String>,
    pub(crate) prefix: Option<String>,
    pub(crate) value: String,
}

/// A start tag: local name, resolved namespace, attributes.
#[derive(Debug, Clone)]
pub(crate) struct Tag {
    pub(crate) local: String,
    pub(crate) namespace: Option<String>,
    pub(crate) attributes: Vec<Attribute>,
}

impl Tag {
    /// An attribute without prefix (`id`, `href`...).
    pub(crate) fn attr(&self, local: &str) -> Option<&str> {
        self.attributes.iter().find(|a| a.prefix.is_none() && a.local == local).map(|a| a.value.as_str())
    }

    /// A namespaced attribute, found by namespace or, when its prefix is not declared (common in
    /// sloppy books), by its conventional prefix.
    pub(crate) fn attr_ns(&self, namespace: &str, prefix: &str, local: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|a| {
                a.local == local
                    && match &a.namespace {
                        Some(ns) => ns == namespace,
                        None => a.prefix.as_deref() == Some(prefix),
                    }
            })
            .map(|a| a.value.as_str())
    }

    /// The whitespace-separated tokens of `epub:type` (EPUB 3 structural semantics).
    pub(crate) fn epub_types(&self) -> impl Iterator<Item = &str> {
        self.attr_ns(OPS_NS, "epub", "type").unwrap_or("").split_ascii_whitespace()
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
    path: &'a str,
    /// Local names of the open elements, for the depth limit and messages.
    open: Vec<String>,
    /// `End` events owed: an empty element, or (lenient) an end tag closing several elements.
    pending_ends: usize,
    strict: bool,
}

/// HTML elements that never have content: in lenient (`text/html`) reading `<br>` needs no
/// `</br>`.
const VOID_ELEMENTS: [&str; 14] =
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"];

impl<'a> Reader<'a> {
    /// `strict` documents must be well-formed (XHTML, SVG, package files). Non-strict is for
    /// `text/html` spine items, which WebKit parses leniently: void elements need no end tag, an
    /// end tag closes the elements left open inside it, stray end tags and unclosed elements pass.
    pub(crate) fn new(text: &'a str, path: &'a str, strict: bool) -> Reader<'a> {
        let mut inner = NsReader::from_str(text);
        let config = inner.config_mut();
        // A bare "&" (AT&T) is a text-level slip; keeping it literal loses nothing.
        config.allow_dangling_amp = true;
        config.check_end_names = strict;
        config.allow_unmatched_ends = !strict;
        Reader { inner, path, open: Vec::new(), pending_ends: 0, strict }
    }

    /// How many elements are open.
    pub(crate) fn depth(&self) -> usize {
        self.open.len()
    }

    fn malformed(&self, message: impl Into<String>) -> Error {
        Error::MalformedContent { path: self.path.to_owned(), message: message.into() }
    }

    /// The next event; errors are [`Error::MalformedContent`] or [`Error::EntityDeclaration`].
    pub(crate) fn next(&mut self) -> Result<Event<'a>, Error> {
        if self.pending_ends > 0 {
            self.pending_ends -= 1;
            self.open.pop();
            return Ok(Event::End);
        }
        loop {
            let (namespace, event) = match self.inner.read_resolved_event() {
                Ok((resolved, event)) => (owned_namespace(resolved), event),
                Err(error) => {
                    let at = self.inner.error_position();
                    return Err(self.malformed(format!("{error} (at byte {at})")));
                }
            };
            match event {
                XmlEvent::Start(start) => return self.start(&start, namespace, false),
                XmlEvent::Empty(start) => return self.start(&start, namespace, true),
                XmlEvent::End(_) if self.strict => {
                    // quick-xml checked that it matches the innermost open element.
                    self.open.pop();
                    return Ok(Event::End);
                }
                XmlEvent::End(end) => {
                    let name = end.local_name().into_inner();
                    // Close up to the matching open element; a stray end tag closes nothing.
                    if let Some(at) = self.open.iter().rposition(|open| open.eq_ignore_ascii_case(name)) {
                        self.pending_ends = self.open.len() - at - 1;
                        self.open.pop();
                        return Ok(Event::End);
                    }
                }
                XmlEvent::Text(text) => {
                    let text = text.into_inner();
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
                    return Ok(Event::Text(Cow::Owned(resolve_reference(&reference))));
                }
                XmlEvent::DocType(doctype) => {
                    if declares_entities(&doctype) {
                        return Err(Error::EntityDeclaration { path: self.path.to_owned() });
                    }
                }
                XmlEvent::Decl(_) | XmlEvent::PI(_) | XmlEvent::Comment(_) => {}
                XmlEvent::Eof => {
                    if self.strict
                        && let Some(unclosed) = self.open.last()
                    {
                        return Err(self.malformed(format!("the document ends before <{unclosed}> is closed")));
                    }
                    return Ok(Event::Eof);
                }
            }
        }
    }

    fn start(&mut self, start: &BytesStart<'_>, namespace: Option<String>, empty: bool) -> Result<Event<'a>, Error> {
        if self.open.len() >= MAX_DEPTH {
            return Err(self.malformed(format!("elements are nested more than {MAX_DEPTH} levels deep")));
        }
        let mut attributes = Vec::new();
        for attribute in start.attributes() {
            let attribute = match attribute {
                Ok(attribute) => attribute,
                Err(error) if self.strict => {
                    return Err(self.malformed(format!("bad attribute: {error}")));
                }
                Err(_) => break,
            };
            let key = attribute.key;
            let prefix = key.prefix().map(|p| p.into_inner().to_owned());
            if key.as_ref() == "xmlns" || prefix.as_deref() == Some("xmlns") {
                continue;
            }
            let (resolved, local) = self.inner.resolver().resolve_attribute(key);
            attributes.push(Attribute {
                local: local.into_inner().to_owned(),
                namespace: owned_namespace(resolved),
                prefix,
                value: unescape(&attribute.value).into_owned(),
            });
        }
        let tag = Tag { local: start.local_name().into_inner().to_owned(), namespace, attributes };
        let void = !self.strict && VOID_ELEMENTS.iter().any(|void| tag.local.eq_ignore_ascii_case(void));
        self.open.push(tag.local.clone());
        self.pending_ends = usize::from(empty || void);
        Ok(Event::Start(tag))
    }
}

fn owned_namespace(resolved: ResolveResult<'_>) -> Option<String> {
    match resolved {
        ResolveResult::Bound(namespace) => Some(namespace.into_inner().to_owned()),
        ResolveResult::Unbound | ResolveResult::Unknown(_) => None,
    }
}

/// `<!DOCTYPE html PUBLIC ...>` is fine; an internal subset declaring `<!ENTITY` is refused
/// whatever it declares, as recursive entities are the "billion laughs" attack.
fn declares_entities(doctype: &str) -> bool {
    doctype.to_ascii_lowercase().contains("<!entity")
}

/// `&#233;`, `&#xE9;`, `&eacute;` → `é`; an unknown or invalid reference stays literal.
fn resolve_reference(reference: &BytesRef<'_>) -> String {
    let name: &str = reference;
    let resolved =
        if reference.is_char_ref() { reference.resolve_char_ref().ok().flatten() } else { entity::resolve(name) };
    match resolved {
        Some(c) => c.to_string(),
        None => format!("&{name};"),
    }
}

/// Unescapes an attribute value with the same rules as text.
pub(crate) fn unescape(raw: &str) -> Cow<'_, str> {
    if !raw.contains('&') {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        // Entity names are short; do not scan a whole value for a ';'.
        let end = after.char_indices().take(40).find(|&(_, c)| c == ';' || c == '&' || c.is_whitespace());
        match end {
            Some((semicolon, ';')) => {
                let reference = BytesRef::new(&after[..semicolon]);
                out.push_str(&resolve_reference(&reference));
                rest = &after[semicolon + 1..];
            }
            _ => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Collapses runs of XML whitespace into one space and trims.
pub(crate) fn collapse_whitespace(text: &str) -> String {
    text.split_ascii_whitespace().collect::<Vec<_>>().join(" ")
}

/// Decodes a document to text: UTF-8 (with or without BOM), UTF-16 (BOM or `<?` sniffing), and
/// the Latin-1 family when the XML declaration says so.
pub(crate) fn decode<'b>(bytes: &'b [u8], path: &str) -> Result<Cow<'b, str>, Error> {
    let malformed = |message: String| Error::MalformedContent { path: path.to_owned(), message };
    let utf16 = |data: &[u8], little_endian: bool| {
        if !data.len().is_multiple_of(2) {
            return Err(malformed("the UTF-16 text has an odd number of bytes".into()));
        }
        let units: Vec<u16> = data
            .chunks_exact(2)
            .map(|pair| {
                let pair = [pair[0], pair[1]];
                if little_endian { u16::from_le_bytes(pair) } else { u16::from_be_bytes(pair) }
            })
            .collect();
        String::from_utf16(&units).map(Cow::Owned).map_err(|_| malformed("the text is not valid UTF-16".into()))
    };
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .map(Cow::Borrowed)
            .map_err(|error| malformed(format!("the text is not valid UTF-8 ({error})")));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, true);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, false);
    }
    if bytes.starts_with(b"<\0?\0") {
        return utf16(bytes, true);
    }
    if bytes.starts_with(b"\0<\0?") {
        return utf16(bytes, false);
    }
    if declares_latin1(bytes) {
        return Ok(Cow::Owned(bytes.iter().map(|&b| windows_1252(b)).collect()));
    }
    std::str::from_utf8(bytes)
        .map(Cow::Borrowed)
        .map_err(|error| malformed(format!("the text is not valid UTF-8 ({error})")))
}

/// Whether the XML declaration names ISO-8859-1 or windows-1252 (WHATWG treats them alike).
fn declares_latin1(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(256)];
    if !head.starts_with(b"<?xml") {
        return false;
    }
    let Some(end) = head.windows(2).position(|w| w == b"?>") else {
        return false;
    };
    let declaration = String::from_utf8_lossy(&head[..end]).to_ascii_lowercase();
    let Some(at) = declaration.find("encoding") else {
        return false;
    };
    let value = declaration[at + "encoding".len()..]
        .trim_start()
        .trim_start_matches('=')
        .trim_start()
        .trim_start_matches(['"', '\'']);
    let value = value.split(['"', '\'']).next().unwrap_or("");
    matches!(value, "iso-8859-1" | "iso8859-1" | "latin1" | "latin-1" | "l1" | "windows-1252" | "cp1252")
}

fn windows_1252(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '\u{20AC}', '\u{81}', '\u{201A}', '\u{192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}', '\u{2C6}',
        '\u{2030}', '\u{160}', '\u{2039}', '\u{152}', '\u{8D}', '\u{17D}', '\u{8F}', '\u{90}', '\u{2018}', '\u{2019}',
        '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}', '\u{2DC}', '\u{2122}', '\u{161}', '\u{203A}',
        '\u{153}', '\u{9D}', '\u{17E}', '\u{178}',
    ];
    match byte {
        0x80..=0x9F => HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

/// A node of a parsed tree.
#[derive(Debug)]
pub(crate) enum Node {
    Element(Element),
    Text(String),
}

/// An element of a parsed tree.
#[derive(Debug)]
pub(crate) struct Element {
    pub(crate) tag: Tag,
    pub(crate) children: Vec<Node>,
}

impl Element {
    /// The local name.
    pub(crate) fn name(&self) -> &str {
        &self.tag.local
    }

    /// An attribute without prefix.
    pub(crate) fn attr(&self, local: &str) -> Option<&str> {
        self.tag.attr(local)
    }

    /// Child elements, in order.
    pub(crate) fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|node| match node {
            Node::Element(element) => Some(element),
            Node::Text(_) => None,
        })
    }

    /// The first child element with this local name.
    pub(crate) fn child(&self, local: &str) -> Option<&Element> {
        self.elements().find(|element| element.name() == local)
    }

    /// Descendant elements (not self), in document order.
    pub(crate) fn descendants(&self) -> Vec<&Element> {
        let mut found = Vec::new();
        let mut stack: Vec<&Element> = self.elements().collect();
        stack.reverse();
        while let Some(element) = stack.pop() {
            found.push(element);
            let before = stack.len();
            stack.extend(element.elements());
            stack[before..].reverse();
        }
        found
    }

    /// All descendant text, whitespace collapsed.
    pub(crate) fn text(&self) -> String {
        let mut raw = String::new();
        let mut stack: Vec<&Node> = self.children.iter().rev().collect();
        while let Some(node) = stack.pop() {
            match node {
                Node::Text(text) => raw.push_str(text),
                Node::Element(element) => {
                    // "Chapter <em>One</em>" stays one phrase; "<br/>" and blocks separate words.
                    if crate::text::is_block(element.name()) {
                        raw.push(' ');
                    }
                    stack.extend(element.children.iter().rev());
                }
            }
        }
        collapse_whitespace(&raw)
    }
}

/// Parses a whole document into a tree (strict XML, at most [`MAX_NODES`] nodes).
pub(crate) fn parse(bytes: &[u8], path: &str) -> Result<Element, Error> {
    let text = decode(bytes, path)?;
    let mut reader = Reader::new(&text, path, true);
    let mut stack: Vec<Element> = Vec::new();
    let mut root = None;
    let mut nodes = 0usize;
    let too_many = || Error::MalformedContent {
        path: path.to_owned(),
        message: format!("the document has more than {MAX_NODES} nodes"),
    };
    loop {
        match reader.next()? {
            Event::Start(tag) => {
                nodes += 1;
                if nodes > MAX_NODES {
                    return Err(too_many());
                }
                stack.push(Element { tag, children: Vec::new() });
            }
            Event::End => {
                if let Some(done) = stack.pop() {
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(Node::Element(done)),
                        None => {
                            root.get_or_insert(done);
                        }
                    }
                }
            }
            Event::Text(text) => {
                if let Some(parent) = stack.last_mut() {
                    if let Some(Node::Text(previous)) = parent.children.last_mut() {
                        previous.push_str(&text);
                    } else {
                        nodes += 1;
                        if nodes > MAX_NODES {
                            return Err(too_many());
                        }
                        parent.children.push(Node::Text(text.into_owned()));
                    }
                }
            }
            Event::Eof => break,
        }
    }
    root.ok_or_else(|| Error::MalformedContent {
        path: path.to_owned(),
        message: "the document has no root element".to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(source: &str) -> Result<String, Error> {
        let mut reader = Reader::new(source, "test.xhtml", true);
        let mut out = String::new();
        loop {
            match reader.next()? {
                Event::Text(text) => out.push_str(&text),
                Event::Eof => return Ok(out),
                Event::Start(_) | Event::End => {}
            }
        }
    }

    #[test]
    fn references_resolve_and_unknown_ones_stay_literal() {
        let cases = [
            ("<p>caf&eacute; &amp; th&#233; &#x2014; &hellip;</p>", "café & thé — …"),
            ("<p>&laquo;&nbsp;Oui&nbsp;&raquo;</p>", "«\u{a0}Oui\u{a0}»"),
            ("<p>&unknownthing; stays</p>", "&unknownthing; stays"),
            ("<p>&#0; and &#xD800; are not characters</p>", "&#0; and &#xD800; are not characters"),
            ("<p>AT&T</p>", "AT&T"),
            ("<p><![CDATA[a < b]]></p>", "a < b"),
        ];
        for (source, expected) in cases {
            assert_eq!(texts(source).expect("the document is well-formed"), expected, "text of {source}");
        }
    }

    #[test]
    fn attribute_values_are_unescaped_like_text() {
        let cases = [
            ("plain", "plain"),
            ("caf&eacute;", "café"),
            ("a &amp; b", "a & b"),
            ("&#65;&#x42;", "AB"),
            ("&nope; & lone", "&nope; & lone"),
            ("&", "&"),
        ];
        for (raw, expected) in cases {
            assert_eq!(unescape(raw), expected, "attribute value {raw:?}");
        }
    }

    #[test]
    fn ill_formed_documents_are_malformed_content() {
        let cases = [
            ("<html><body><p>unclosed</body></html>", "mismatched end tag"),
            ("<html><body><p>never closed", "unclosed at end of input"),
            ("<html><body></p></body></html>", "stray end tag"),
            ("<html><p a=\"1\" a=\"2\">x</p></html>", "duplicate attribute"),
        ];
        for (source, why) in cases {
            assert!(matches!(texts(source), Err(Error::MalformedContent { .. })), "{why} must be MalformedContent");
        }
    }

    #[test]
    fn entity_declarations_are_refused_and_plain_doctypes_accepted() {
        let bomb = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><lolz>&lol2;</lolz>"#;
        assert!(
            matches!(texts(bomb), Err(Error::EntityDeclaration { .. })),
            "a DOCTYPE declaring entities must be refused"
        );
        let xhtml11 = r#"<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" "http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd"><html>ok</html>"#;
        assert_eq!(
            texts(xhtml11).expect("a public DOCTYPE is fine"),
            "ok",
            "an XHTML 1.1 DOCTYPE without internal subset must be accepted"
        );
    }

    #[test]
    fn nesting_beyond_the_limit_is_refused() {
        let deep = "<a>".repeat(MAX_DEPTH + 1) + &"</a>".repeat(MAX_DEPTH + 1);
        assert!(
            matches!(texts(&deep), Err(Error::MalformedContent { .. })),
            "nesting deeper than {MAX_DEPTH} must be refused"
        );
        let ok = "<a>".repeat(MAX_DEPTH) + &"</a>".repeat(MAX_DEPTH);
        assert!(texts(&ok).is_ok(), "nesting of exactly {MAX_DEPTH} is fine");
    }

    #[test]
    fn lenient_mode_accepts_html_tag_soup() {
        // (source, expected (event trace)): S = start, E = end, text as is.
        let cases = [
            ("<html><p>one<p>two</div></html>", "S(html)S(p)oneS(p)twoEEE"),
            (
                "<html><head><meta charset=utf-8><title>t</title></head><body>b</body></html>",
                "S(html)S(head)S(meta)ES(title)tEES(body)bEE",
            ),
            ("<p>a<br>b<BR/>c</P>", "S(p)aS(br)EbS(BR)EcE"),
            ("<p>unclosed", "S(p)unclosed"),
        ];
        for (source, expected) in cases {
            let mut reader = Reader::new(source, "x.html", false);
            let mut trace = String::new();
            loop {
                match reader.next().expect("lenient reading never fails on tag soup") {
                    Event::Start(tag) => trace.push_str(&format!("S({})", tag.local)),
                    Event::End => trace.push('E'),
                    Event::Text(text) => trace.push_str(&text),
                    Event::Eof => break,
                }
            }
            assert_eq!(trace, expected, "text/html read like WebKit's HTML parser: {source}");
        }
    }

    #[test]
    fn utf16_documents_parse() {
        let bytes: Vec<u8> = "\u{feff}<?xml version=\"1.0\" encoding=\"UTF-16\"?><a>é</a>"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let root = parse(&bytes, "x.xml").expect("a UTF-16 document with its declaration parses");
        assert_eq!((root.name(), root.text().as_str()), ("a", "é"));
    }

    #[test]
    fn documents_decode_from_their_declared_or_sniffed_encoding() {
        let utf16le: Vec<u8> = "\u{feff}<a>é</a>".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let utf16be: Vec<u8> = "<?xml version=\"1.0\"?><a>é</a>".encode_utf16().flat_map(u16::to_be_bytes).collect();
        let cases: [(&[u8], Option<&str>); 6] = [
            (b"<a>\xC3\xA9</a>", Some("<a>é</a>")),
            (b"\xEF\xBB\xBF<a/>", Some("<a/>")),
            (&utf16le, Some("<a>é</a>")),
            (&utf16be, Some("<?xml version=\"1.0\"?><a>é</a>")),
            (
                b"<?xml version='1.0' encoding='ISO-8859-1'?><a>\xE9\x80</a>",
                Some("<?xml version='1.0' encoding='ISO-8859-1'?><a>é€</a>"),
            ),
            (b"<a>\xE9</a>", None),
        ];
        for (bytes, expected) in cases {
            let got = decode(bytes, "x.xml").ok();
            assert_eq!(got.as_deref(), expected, "decoding {bytes:?}");
        }
    }

    #[test]
    fn trees_keep_namespaces_attributes_and_text() {
        let source = r#"<package xmlns="http://www.idpf.org/2007/opf" xmlns:dc="http://purl.org/dc/elements/1.1/">
            <metadata><dc:title id="t">Le   Petit
            Prince</dc:title><dc:identifier opf:scheme="ISBN">123</dc:identifier></metadata></package>"#;
        let root = parse(source.as_bytes(), "p.opf").expect("well-formed package");
        assert_eq!(root.name(), "package");
        assert_eq!(
            root.tag.namespace.as_deref(),
            Some("http://www.idpf.org/2007/opf"),
            "default namespace is resolved"
        );
        let metadata = root.child("metadata").expect("metadata child");
        let title = metadata.child("title").expect("dc:title by local name");
        assert_eq!(title.text(), "Le Petit Prince", "whitespace collapses");
        assert_eq!(title.tag.namespace.as_deref(), Some("http://purl.org/dc/elements/1.1/"));
        let identifier = metadata.child("identifier").expect("dc:identifier");
        assert_eq!(
            identifier.tag.attr_ns("http://www.idpf.org/2007/opf", "opf", "scheme"),
            Some("ISBN"),
            "an undeclared opf: prefix still finds opf:scheme"
        );
        assert_eq!(root.descendants().len(), 3, "metadata, title, identifier");
    }
}
