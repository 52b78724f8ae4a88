//! OPDS catalogues for Cartable: the pure parsing half (no network, no `async`).
//!
//! Publishers and schools publish textbooks in OPDS catalogues. The shell fetches a catalogue
//! page and hands its bytes here; this crate says what the page offers, with every URL
//! absolute and every text plain.
//!
//! ```
//! # fn main() -> Result<(), cartable_opds::Error> {
//! let base = url::Url::parse("https://example.org/opds/").expect("a valid URL");
//! let bytes = br#"{"metadata": {"title": "Manuels"}, "links": [{"rel": "search", "href": "search{?query}", "templated": true}],
//!   "publications": [{"metadata": {"title": "Maths 6e"},
//!     "links": [{"rel": "http://opds-spec.org/acquisition/open-access", "href": "maths.pdf", "type": "application/pdf"}]}]}"#;
//! let feed = cartable_opds::parse_feed(bytes, &base, Some("application/opds+json"))?;
//! assert!(feed.publications[0].acquisitions[0].downloadable);
//! if let Some(cartable_opds::SearchLink::Template { template }) = &feed.search {
//!     assert_eq!(template.expand("géométrie")?.as_str(), "https://example.org/opds/search?query=g%C3%A9om%C3%A9trie");
//! }
//! # Ok(()) }
//! ```
//!
//! # What is supported
//!
//! - [`parse_feed`]: OPDS 1.0 to 1.2 Atom feeds (navigation and acquisition) and entry
//!   documents; OPDS 2.0 feeds (`navigation`, `publications`, `groups`, `facets`, library
//!   registry `catalogs`) and single publications. The format comes from the first significant
//!   byte (`<` or `{`); the `Content-Type` decides only when the body does not say.
//! - OPDS 1: acquisition links of every kind with prices and nested `opds:indirectAcquisition`,
//!   images and thumbnails (OPDS 1.0 and Stanza relation names too), `alternate` entry links,
//!   facets (`opds:facetGroup`, `opds:activeFacet`, `thr:count`), pagination and structure
//!   links, `opensearch:totalResults`, OpenSearch or templated `search` links, authentication
//!   document links, `xml:base` anywhere, Atom text constructs `text`/`html`/`xhtml`.
//! - OPDS 2: the shapes real feeds use: `author` as string, object or array; `title` as string
//!   or language map; `rel` as string or array; templated links (expanded with no variables);
//!   a link without `href` is skipped; unknown fields are ignored; a comma before a closing
//!   bracket is tolerated.
//! - [`parse_authentication`]: Authentication for OPDS 1.0 (Basic, OAuth password, other flows
//!   by URI; labels; `authenticate` and `refresh` endpoints; logo, register and help links).
//! - [`parse_opensearch`] and [`SearchTemplate::expand`]: OpenSearch 1.1 URL templates and RFC
//!   6570 URI templates (levels 1 to 4), values percent-encoded as UTF-8.
//!
//! Not supported: OPDS 1 grouping by `collection` links (entries stay in `publications`),
//! feed-level links other than pages, structure, search, facets and authentication (an OPDS 1
//! feed's own `http://opds-spec.org/shelf` or `featured` links are not reported),
//! OPDS 2 `altIdentifier` and contributor roles other than `author`, ODL licences and loan
//! state (`opds:availability`, holds, copies).
//!
//! # Untrusted input
//!
//! Every malformed or hostile document is an [`Error`] value; nothing panics and memory stays
//! bounded: documents over [`MAX_DOCUMENT_SIZE`] (64 MiB) are refused before parsing, XML
//! DOCTYPEs declaring entities are refused, XML nesting is capped at 256 levels (JSON at
//! serde_json's 128), and Atom is read as a stream of events while OPDS 2 is deserialised
//! straight into typed structs, so neither builds a tree of the whole document. Character
//! references are decoded (the XML ones, numeric ones, and, leniently, HTML names such as
//! `&eacute;`); in `type="html"` descriptions the markup is unescaped first, then stripped, then
//! its own entities decoded.
//!
//! # What is strict
//!
//! XML must be well-formed and complete (a truncated download is [`Error::Malformed`], never a
//! half page). An OPDS 2 publication needs a title and at least one link, as the OPDS 2 schema
//! requires; a breach is [`Error::Malformed`] with the JSON path of what is missing, so one
//! broken publication rejects its page rather than showing a book that cannot be named or
//! obtained.
//!
//! Module map: `atom` (OPDS 1), `opds2` (OPDS 2), `auth`, `search` (OpenSearch, RFC 6570),
//! `model` (the view types), `media` (media types, relations, the `downloadable` rule), `xml`
//! (checked XML event stream), `json` (lenient JSON shapes), `html` (plain text), `entity`
//! (character references), `error`.

#![warn(missing_docs)]

mod atom;
mod auth;
mod entity;
mod error;
mod html;
mod json;
mod media;
mod model;
mod opds2;
mod search;
mod xml;

pub use auth::{AuthDocument, AuthFlow, AuthKind, Labels, parse_authentication};
pub use error::Error;
pub use model::{
    Acquisition, AcquisitionKind, Catalog, FacetGroup, Feed, Group, Link, Price, Publication, SearchLink, Version,
};
pub use search::{SearchTemplate, TemplateSyntax, parse_opensearch};
use url::Url;

/// The largest document read, in bytes (64 MiB). A catalogue page that large should be
/// paginated; the cap keeps a hostile or runaway server from exhausting memory.
pub const MAX_DOCUMENT_SIZE: usize = 64 << 20;

/// Reads an OPDS catalogue page: an OPDS 1 Atom feed or entry, or an OPDS 2 feed or
/// publication. `base` is the address the document was fetched from (after redirects);
/// `content_type` is the `Content-Type` the server sent, if any.
///
/// # Errors
///
/// - [`Error::TooLarge`] beyond [`MAX_DOCUMENT_SIZE`];
/// - [`Error::NotOpds`] for a web page, an RSS feed, JSON of another kind (an authentication
///   document included: the server wants the user to sign in), or an empty body;
/// - [`Error::Malformed`] for XML or JSON that is broken or cut short, and for OPDS 2
///   publications without a title or links;
/// - [`Error::EntityDeclaration`] for a DOCTYPE declaring entities;
/// - [`Error::UnsupportedEncoding`] for XML in an encoding other than UTF-8, UTF-16 or
///   ISO-8859-1.
pub fn parse_feed(bytes: &[u8], base: &Url, content_type: Option<&str>) -> Result<Feed, Error> {
    check_size(bytes)?;
    match first_significant_byte(bytes) {
        Some(b'{' | b'[') => opds2::parse(bytes, base),
        Some(b'<') => atom::parse(&xml::decode(bytes)?, base),
        None => Err(Error::not_opds("an empty document")),
        Some(_) => match content_type.map(media::essence).as_deref().map(format_of) {
            Some(Format::Json) => opds2::parse(bytes, base),
            Some(Format::Xml) => atom::parse(&xml::decode(bytes)?, base),
            Some(Format::Html) => Err(Error::not_opds("a web page (HTML)")),
            None | Some(Format::Other) => Err(Error::not_opds("a document that is neither XML nor JSON")),
        },
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Xml,
    Html,
    Other,
}

/// The format a media type (essence) announces.
fn format_of(essence: &str) -> Format {
    match essence {
        "text/html" | "application/xhtml+xml" => Format::Html,
        "application/json" => Format::Json,
        "application/xml" | "text/xml" => Format::Xml,
        _ if essence.ends_with("+json") => Format::Json,
        _ if essence.ends_with("+xml") => Format::Xml,
        _ => Format::Other,
    }
}

/// Refuses documents over [`MAX_DOCUMENT_SIZE`].
pub(crate) fn check_size(bytes: &[u8]) -> Result<(), Error> {
    if bytes.len() > MAX_DOCUMENT_SIZE {
        return Err(Error::TooLarge { size: bytes.len(), limit: MAX_DOCUMENT_SIZE });
    }
    Ok(())
}

/// The first byte that is not whitespace or a byte order mark; a UTF-16 BOM counts as `<`
/// (JSON is always UTF-8).
pub(crate) fn first_significant_byte(bytes: &[u8]) -> Option<u8> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Some(b'<');
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    bytes.iter().copied().find(|b| !b.is_ascii_whitespace())
}

/// Whether the start of a document looks like an HTML page.
pub(crate) fn looks_like_html(text: &str) -> bool {
    let end = (0..=text.len().min(1024)).rev().find(|&end| text.is_char_boundary(end)).unwrap_or(0);
    let head = text[..end].to_ascii_lowercase();
    head.contains("<html") || head.contains("<!doctype html")
}

/// [`Error::NotOpds`] for an XML document whose root element is `local`.
pub(crate) fn not_opds_root(local: &str) -> Error {
    let found = match local.to_ascii_lowercase().as_str() {
        "html" => "a web page (HTML)".to_owned(),
        "rss" | "rdf" => "an RSS feed".to_owned(),
        "opensearchdescription" => "an OpenSearch description".to_owned(),
        _ => format!("an XML document whose root element is <{local}>"),
    };
    Error::not_opds(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_comes_from_the_body_then_the_content_type() {
        let base = Url::parse("https://example.org/").expect("valid");
        let cases: [(&[u8], Option<&str>, &str); 9] = [
            (b"<feed xmlns='http://www.w3.org/2005/Atom'><title>T</title></feed>", Some("text/plain"), "opds1"),
            (b"\xEF\xBB\xBF  {\"metadata\": {\"title\": \"T\"}, \"navigation\": []}", Some("text/xml"), "opds2"),
            (b"", None, "not-opds"),
            (b"   \n ", Some("application/atom+xml"), "not-opds"),
            (b"<!DOCTYPE html><html><body><p>Sign in<br></body></html>", Some("text/html"), "not-opds"),
            (b"<html><head><title>Login</title></head><body><p>unclosed</body></html>", None, "not-opds"),
            (b"Forbidden", Some("text/html"), "not-opds"),
            (b"Forbidden", Some("application/opds+json"), "malformed"),
            (b"[1, 2]", Some("application/json"), "not-opds"),
        ];
        for (bytes, content_type, expected) in cases {
            let outcome = match parse_feed(bytes, &base, content_type) {
                Ok(feed) if feed.version == Version::Opds1 => "opds1",
                Ok(_) => "opds2",
                Err(Error::NotOpds { .. }) => "not-opds",
                Err(Error::Malformed { .. }) => "malformed",
                Err(other) => panic!("unexpected {other:?}"),
            };
            assert_eq!(outcome, expected, "{:?} served as {content_type:?}", String::from_utf8_lossy(bytes));
        }
    }

    #[test]
    fn oversized_documents_are_refused_before_parsing() {
        let base = Url::parse("https://example.org/").expect("valid");
        let big = vec![b' '; MAX_DOCUMENT_SIZE + 1];
        assert_eq!(
            parse_feed(&big, &base, None),
            Err(Error::TooLarge { size: MAX_DOCUMENT_SIZE + 1, limit: MAX_DOCUMENT_SIZE }),
            "the size cap applies before any parsing"
        );
        assert!(matches!(parse_authentication(&big, &base), Err(Error::TooLarge { .. })), "and to auth documents");
        assert!(matches!(parse_opensearch(&big, &base), Err(Error::TooLarge { .. })), "and to OpenSearch descriptions");
    }
}
