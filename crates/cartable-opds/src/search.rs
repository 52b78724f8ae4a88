//! Catalogue search: OpenSearch 1.1 descriptions (OPDS 1) and RFC 6570 URI templates (OPDS 2).
//!
//! A [`SearchTemplate`] is what the catalogue says; [`SearchTemplate::expand`] turns what the
//! pupil typed into the address of the results feed.
//!
//! - OpenSearch syntax: `{searchTerms}` takes the query; the other OpenSearch 1.1 parameters
//!   take their default when required (`startIndex` → `indexOffset`, `startPage` →
//!   `pageOffset`, `language` → `*`, encodings → `UTF-8`, `count` → 20) and the empty string when
//!   optional (`{startPage?}`); extension parameters (`{atom:author}`) are left empty, since
//!   Cartable only does keyword search.
//! - RFC 6570 (levels 1 to 4): the variables `query` and `searchTerms` take the query, every
//!   other variable is undefined (so `{?query,title}` gives `?query=…`).
//!
//! Values are percent-encoded as UTF-8, everything but unreserved characters (`A-Z a-z 0-9 - .
//! _ ~`) encoded, a space as `%20`.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use url::Url;

use crate::error::Error;
use crate::xml::{Event, Ns, Reader};

/// The template language of a [`SearchTemplate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TemplateSyntax {
    /// OpenSearch 1.1 URL template (`?q={searchTerms}&p={startPage?}`).
    OpenSearch,
    /// RFC 6570 URI template (`search{?query}`), as OPDS 2 templated links use.
    UriTemplate,
}

/// A search address with a hole for the query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchTemplate {
    /// The template as the catalogue wrote it (possibly relative).
    pub template: String,
    /// What a relative result is resolved against: the address of the OpenSearch description
    /// or of the feed that holds the template.
    pub base: Url,
    /// How to read `template`.
    pub syntax: TemplateSyntax,
    /// The media type of the results, when given.
    pub media_type: Option<String>,
    /// OpenSearch `indexOffset`: the index of the first result (default 1).
    pub index_offset: i64,
    /// OpenSearch `pageOffset`: the number of the first page (default 1).
    pub page_offset: i64,
}

impl SearchTemplate {
    /// A template with the OpenSearch defaults for offsets.
    pub(crate) fn new(
        template: String,
        base: Url,
        syntax: TemplateSyntax,
        media_type: Option<String>,
    ) -> SearchTemplate {
        SearchTemplate { template, base, syntax, media_type, index_offset: 1, page_offset: 1 }
    }

    /// The address of the results for `query` (the words as the pupil typed them).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidTemplate`] when the template is broken (unclosed `{`, unknown RFC 6570
    /// operator) or does not give a URL.
    pub fn expand(&self, query: &str) -> Result<Url, Error> {
        let expanded = match self.syntax {
            TemplateSyntax::OpenSearch => self.expand_opensearch(query),
            TemplateSyntax::UriTemplate => {
                expand_uri_template(&self.template, |name| matches!(name, "query" | "searchTerms").then_some(query))
            }
        }
        .map_err(|message| self.invalid(message))?;
        let url = self
            .base
            .join(expanded.trim())
            .map_err(|error| self.invalid(format!("the result is not a URL: {error}")))?;
        if !matches!(url.scheme(), "http" | "https") && url.scheme() != self.base.scheme() {
            return Err(self.invalid(format!("'{}:' addresses are not allowed", url.scheme())));
        }
        Ok(url)
    }

    fn invalid(&self, message: impl Into<String>) -> Error {
        Error::InvalidTemplate { template: self.template.clone(), message: message.into() }
    }

    fn expand_opensearch(&self, query: &str) -> Result<String, String> {
        let mut out = String::with_capacity(self.template.len() + query.len() * 3);
        let mut rest = self.template.as_str();
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let close = after.find('}').ok_or("a '{' is never closed")?;
            let parameter = &after[..close];
            let optional = parameter.ends_with('?');
            let name = parameter.trim_end_matches('?');
            // Unqualified names are OpenSearch 1.1 parameters; qualified ones are extensions.
            let value = match (name, optional) {
                ("searchTerms", _) => percent_encode(query),
                (_, true) => String::new(),
                ("startIndex", false) => self.index_offset.to_string(),
                ("startPage", false) => self.page_offset.to_string(),
                ("count", false) => "20".to_owned(),
                ("language", false) => "*".to_owned(),
                ("inputEncoding" | "outputEncoding", false) => "UTF-8".to_owned(),
                _ => String::new(),
            };
            out.push_str(&value);
            rest = &after[close + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub(crate) fn percent_encode(value: &str) -> String {
    encode(value, false)
}

fn encode(value: &str, allow_reserved: bool) -> String {
    const RESERVED: &[u8] = b":/?#[]@!$&'()*+,;=";
    let bytes = value.as_bytes();
    let mut out = String::with_capacity(value.len());
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        let unreserved = byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~');
        let pct_triplet = allow_reserved
            && byte == b'%'
            && bytes.get(index + 1).is_some_and(u8::is_ascii_hexdigit)
            && bytes.get(index + 2).is_some_and(u8::is_ascii_hexdigit);
        if unreserved || (allow_reserved && RESERVED.contains(&byte)) || pct_triplet {
            out.push(char::from(byte));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "%{byte:02X}");
        }
        index += 1;
    }
    out
}

/// RFC 6570 expansion (levels 1 to 4) with string values; `lookup` gives a variable's value,
/// `None` when it is undefined.
pub(crate) fn expand_uri_template<'v>(
    template: &str,
    lookup: impl Fn(&str) -> Option<&'v str>,
) -> Result<String, String> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or("a '{' is never closed")?;
        expand_expression(&after[..close], &lookup, &mut out)?;
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn expand_expression<'v>(
    expression: &str,
    lookup: &impl Fn(&str) -> Option<&'v str>,
    out: &mut String,
) -> Result<(), String> {
    let (operator, variables) = match expression.chars().next() {
        Some(c @ ('+' | '#' | '.' | '/' | ';' | '?' | '&')) => (Some(c), &expression[1..]),
        Some(c @ ('=' | ',' | '!' | '@' | '|')) => return Err(format!("the operator '{c}' is reserved")),
        Some(_) => (None, expression),
        None => return Err("an expression is empty".to_owned()),
    };
    // RFC 6570 appendix A: first, separator, named, if-empty, allow reserved.
    let (first, separator, named, if_empty, reserved) = match operator {
        None => ("", ",", false, "", false),
        Some('+') => ("", ",", false, "", true),
        Some('#') => ("#", ",", false, "", true),
        Some('.') => (".", ".", false, "", false),
        Some('/') => ("/", "/", false, "", false),
        Some(';') => (";", ";", true, "", false),
        Some('?') => ("?", "&", true, "=", false),
        _ => ("&", "&", true, "=", false),
    };
    let mut any = false;
    for spec in variables.split(',') {
        let (name, prefix) = match spec.split_once(':') {
            Some((name, length)) => {
                let length: usize = length
                    .parse()
                    .ok()
                    .filter(|n| (1..10_000).contains(n))
                    .ok_or("a prefix length is not 1 to 9999")?;
                (name, Some(length))
            }
            None => (spec.strip_suffix('*').unwrap_or(spec), None),
        };
        let valid =
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'%'));
        if !valid {
            return Err(format!("'{spec}' is not a variable name"));
        }
        let Some(value) = lookup(name) else { continue };
        let value = match prefix {
            Some(length) => value.char_indices().nth(length).map_or(value, |(end, _)| &value[..end]),
            None => value,
        };
        out.push_str(if any { separator } else { first });
        any = true;
        if named {
            out.push_str(name);
            if value.is_empty() {
                out.push_str(if_empty);
                continue;
            }
            out.push('=');
        }
        out.push_str(&encode(value, reserved));
    }
    Ok(())
}

/// Reads an OpenSearch 1.1 description and returns the template whose results are an OPDS or
/// Atom feed.
///
/// Among the `Url` elements (`rel` absent or `results`), an Atom type with the OPDS profile is
/// preferred, then any Atom type, then OPDS 2 JSON. Relative templates resolve against `base`,
/// the description's address.
///
/// # Errors
///
/// [`Error::NotOpds`] when the document is not an OpenSearch description,
/// [`Error::NoSearchTemplate`] when it offers no usable `Url`, and the XML errors of
/// [`parse_feed`](crate::parse_feed).
pub fn parse_opensearch(bytes: &[u8], base: &Url) -> Result<SearchTemplate, Error> {
    crate::check_size(bytes)?;
    let text = crate::xml::decode(bytes)?;
    let mut reader = Reader::new(&text, base);
    let mut best: Option<(u8, SearchTemplate)> = None;
    let mut depth = 0usize;
    loop {
        match reader.next()? {
            Event::Start(tag) => {
                depth += 1;
                if depth == 1 && tag.local != "OpenSearchDescription" {
                    return Err(crate::not_opds_root(&tag.local));
                }
                if depth == 2
                    && tag.local == "Url"
                    && matches!(tag.ns, Ns::OpenSearch | Ns::None)
                    && let Some(candidate) = url_element(&tag, reader.base())
                    && best.as_ref().is_none_or(|(rank, _)| candidate.0 < *rank)
                {
                    best = Some(candidate);
                }
            }
            Event::End => depth -= 1,
            Event::Text(_) => {}
            Event::Eof => break,
        }
    }
    best.map(|(_, template)| template).ok_or(Error::NoSearchTemplate)
}

/// A `Url` element as a ranked candidate (lower is better), if its results are a feed.
fn url_element(tag: &crate::xml::Tag, base: &Url) -> Option<(u8, SearchTemplate)> {
    let rel = tag.attr("rel").unwrap_or("results").trim();
    if rel != "results" {
        return None;
    }
    let media_type = tag.attr("type")?.trim();
    let lower = media_type.to_ascii_lowercase();
    let rank = match crate::media::essence(&lower).as_str() {
        "application/atom+xml" if lower.contains("opds-catalog") => 0,
        "application/atom+xml" => 1,
        "application/opds+json" => 2,
        _ => return None,
    };
    let template = tag.attr("template")?.trim();
    if template.is_empty() {
        return None;
    }
    let offset = |name: &str| tag.attr(name).and_then(|value| value.trim().parse::<i64>().ok()).unwrap_or(1);
    let mut search =
        SearchTemplate::new(template.to_owned(), base.clone(), TemplateSyntax::OpenSearch, Some(media_type.to_owned()));
    search.index_offset = offset("indexOffset");
    search.page_offset = offset("pageOffset");
    Some((rank, search))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://example.org/opds/root.xml").expect("a valid base")
    }

    #[test]
    fn uri_templates_expand_per_rfc_6570() {
        // RFC 6570 section 3.2 examples use var = "value", hello = "Hello World!", path = "/foo/bar".
        let lookup = |name: &str| match name {
            "var" => Some("value"),
            "hello" => Some("Hello World!"),
            "path" => Some("/foo/bar"),
            "empty" => Some(""),
            _ => None,
        };
        let cases = [
            ("{var}", "value"),
            ("{hello}", "Hello%20World%21"),
            ("{+hello}", "Hello%20World!"),
            ("{+path}/here", "/foo/bar/here"),
            ("{#hello}", "#Hello%20World!"),
            ("X{.var}", "X.value"),
            ("{/var,undef}", "/value"),
            ("{;var,empty}", ";var=value;empty"),
            ("{?var,undef,empty}", "?var=value&empty="),
            ("?fixed=yes{&var}", "?fixed=yes&var=value"),
            ("{var:3}", "val"),
            ("{undef}", ""),
            ("{?undef}", ""),
            ("{var*}", "value"),
            ("no expressions", "no expressions"),
        ];
        for (template, expected) in cases {
            assert_eq!(expand_uri_template(template, lookup).as_deref(), Ok(expected), "expanding {template}");
        }
    }

    #[test]
    fn broken_uri_templates_are_errors() {
        for template in ["{var", "{=var}", "{}", "{va r}", "{var:0}", "{var:abc}"] {
            assert!(expand_uri_template(template, |_| Some("x")).is_err(), "{template} must be refused");
        }
    }

    #[test]
    fn search_templates_expand_to_urls() {
        let opds2 =
            |template: &str| SearchTemplate::new(template.to_owned(), base(), TemplateSyntax::UriTemplate, None);
        let opensearch =
            |template: &str| SearchTemplate::new(template.to_owned(), base(), TemplateSyntax::OpenSearch, None);
        let cases = [
            (
                opds2("search{?query}"),
                "élève & prof",
                "https://example.org/opds/search?query=%C3%A9l%C3%A8ve%20%26%20prof",
            ),
            (opds2("/s{?query,title,author}"), "a+b", "https://example.org/s?query=a%2Bb"),
            (opds2("https://other.org/find/{query}"), "x/y", "https://other.org/find/x%2Fy"),
            (opds2("search?q={searchTerms}"), "1 2", "https://example.org/opds/search?q=1%202"),
            (
                opensearch("https://example.org/search?q={searchTerms}&p={startPage?}&i={startIndex}&a={atom:author}"),
                "math 6e",
                "https://example.org/search?q=math%206e&p=&i=1&a=",
            ),
            (opensearch("../search/{searchTerms}/{count}"), "ça", "https://example.org/search/%C3%A7a/20"),
        ];
        for (template, query, expected) in cases {
            let url = template.expand(query).expect("the template expands");
            assert_eq!(url.as_str(), expected, "{} with {query:?}", template.template);
        }
    }

    #[test]
    fn opensearch_offsets_are_used_for_required_parameters() {
        let mut template =
            SearchTemplate::new("s?i={startIndex}&p={startPage}".to_owned(), base(), TemplateSyntax::OpenSearch, None);
        template.index_offset = 0;
        template.page_offset = 0;
        let url = template.expand("x").expect("expands");
        assert_eq!(url.query(), Some("i=0&p=0"), "indexOffset and pageOffset are the defaults of required parameters");
    }

    #[test]
    fn broken_search_templates_are_errors() {
        let template = SearchTemplate::new("s?q={searchTerms".to_owned(), base(), TemplateSyntax::OpenSearch, None);
        assert!(
            matches!(template.expand("x"), Err(Error::InvalidTemplate { template, .. }) if template == "s?q={searchTerms"),
            "an unclosed brace names the template"
        );
    }

    #[test]
    fn opensearch_descriptions_give_the_opds_template() {
        let description = br#"<?xml version="1.0" encoding="UTF-8"?>
<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">
  <ShortName>Search</ShortName>
  <Url type="text/html" template="https://example.org/html?q={searchTerms}"/>
  <Url type="application/atom+xml" rel="suggestions" template="https://example.org/suggest?q={searchTerms}"/>
  <Url type="application/atom+xml" template="https://example.org/atom?q={searchTerms}"/>
  <Url type="application/atom+xml;profile=opds-catalog;kind=acquisition" pageOffset="0" template="/opds?q={searchTerms}&amp;page={startPage}"/>
</OpenSearchDescription>"#;
        let template = parse_opensearch(description, &base()).expect("a valid description");
        assert_eq!(template.template, "/opds?q={searchTerms}&page={startPage}", "the OPDS-profiled Url wins");
        assert_eq!(template.page_offset, 0, "pageOffset is read");
        assert_eq!(
            template.expand("Jules Verne").expect("expands").as_str(),
            "https://example.org/opds?q=Jules%20Verne&page=0",
            "relative templates resolve against the description"
        );
    }

    #[test]
    fn opensearch_without_a_feed_template_is_an_error() {
        let html_only = br#"<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/"><Url type="text/html" template="https://example.org/?q={searchTerms}"/></OpenSearchDescription>"#;
        assert_eq!(parse_opensearch(html_only, &base()), Err(Error::NoSearchTemplate), "HTML results are not usable");
        let feed = br#"<feed xmlns="http://www.w3.org/2005/Atom"/>"#;
        assert!(
            matches!(parse_opensearch(feed, &base()), Err(Error::NotOpds { .. })),
            "a feed is not an OpenSearch description"
        );
    }
}
