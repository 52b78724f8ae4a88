//! Hostile and wrong documents: each is refused with the error a caller can act on.

use cartable_opds::{Error, SearchLink, parse_authentication, parse_feed, parse_opensearch};

use crate::support::{base_of, read, url};

fn base() -> url::Url {
    url("https://catalogue.example.org/opds/root")
}

fn feed_error(bytes: &[u8], content_type: Option<&str>) -> Error {
    match parse_feed(bytes, &base(), content_type) {
        Ok(feed) => panic!("{:?} must be refused, parsed as {feed:?}", String::from_utf8_lossy(bytes)),
        Err(error) => error,
    }
}

#[test]
fn entity_declarations_are_refused_before_expansion() {
    let billion_laughs = br#"<?xml version="1.0"?>
<!DOCTYPE feed [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<feed xmlns="http://www.w3.org/2005/Atom"><title>&lol3;</title></feed>"#;
    let external = br#"<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<feed xmlns="http://www.w3.org/2005/Atom"><title>&xxe;</title></feed>"#;
    for document in [&billion_laughs[..], &external[..]] {
        assert_eq!(feed_error(document, None), Error::EntityDeclaration, "entity declarations are refused");
        assert_eq!(
            parse_opensearch(document, &base()),
            Err(Error::EntityDeclaration),
            "OpenSearch descriptions are read with the same guard"
        );
    }
}

#[test]
fn wrong_documents_say_what_they_are() {
    let cases: [(&[u8], Option<&str>, &str); 8] = [
        (
            b"<!DOCTYPE html><html><head><title>Connexion</title></head><body><form>",
            Some("text/html"),
            "a web page (HTML)",
        ),
        (b"<html><body><p>502 Bad Gateway<br></body></html>", None, "a web page (HTML)"),
        (b"<?xml version='1.0'?><rss version='2.0'><channel/></rss>", Some("application/rss+xml"), "an RSS feed"),
        (
            b"<OpenSearchDescription xmlns='http://a9.com/-/spec/opensearch/1.1/'/>",
            Some("application/opensearchdescription+xml"),
            "an OpenSearch description",
        ),
        (b"{\"error\": \"not found\"}", Some("application/json"), "JSON that is not an OPDS feed"),
        (
            br#"{"id": "x", "title": "Library", "authentication": [{"type": "http://opds-spec.org/auth/basic"}]}"#,
            Some("application/opds-authentication+json"),
            "an authentication document: the catalogue asks to sign in first",
        ),
        (b"", None, "an empty document"),
        (b"%PDF-1.7 not a feed", Some("application/pdf"), "a document that is neither XML nor JSON"),
    ];
    for (bytes, content_type, found) in cases {
        assert_eq!(
            feed_error(bytes, content_type),
            Error::NotOpds { found: found.to_owned() },
            "{:?} served as {content_type:?}",
            String::from_utf8_lossy(bytes)
        );
    }
    let atom = read("opds/nypl-navigation.xml");
    assert!(
        matches!(parse_authentication(&atom, &base()), Err(Error::NotOpds { .. })),
        "a feed is not an authentication document"
    );
    let auth_file = "opds/readium-opds-authentication.json";
    assert!(
        matches!(parse_feed(&read(auth_file), &base_of(auth_file), None), Err(Error::NotOpds { found }) if found.contains("sign in")),
        "an authentication document given as a feed says the catalogue wants a sign-in"
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep_xml = format!("<feed xmlns='http://www.w3.org/2005/Atom'>{}", "<x>".repeat(100_000));
    assert!(matches!(feed_error(deep_xml.as_bytes(), None), Error::Malformed { .. }), "deep XML");
    let deep_array = "[".repeat(100_000);
    assert!(matches!(feed_error(deep_array.as_bytes(), None), Error::Malformed { .. }), "deep JSON array");
    let deep_field = format!(r#"{{"metadata": {{"title": "T"}}, "extra": {}}}"#, "[".repeat(100_000));
    assert!(matches!(feed_error(deep_field.as_bytes(), None), Error::Malformed { .. }), "deep unknown field");
    let mut chain = String::from(r#"{"type": "application/epub+zip"}"#);
    for _ in 0..1_000 {
        chain = format!(r#"{{"type": "application/zip", "child": [{chain}]}}"#);
    }
    let deep_indirect = format!(
        r#"{{"metadata": {{"title": "T"}}, "publications": [{{"metadata": {{"title": "B"}}, "links": [{{"rel": "http://opds-spec.org/acquisition", "href": "b", "properties": {{"indirectAcquisition": [{chain}]}}}}]}}]}}"#
    );
    assert!(matches!(feed_error(deep_indirect.as_bytes(), None), Error::Malformed { .. }), "deep indirect chain");
}

#[test]
fn a_remote_catalogue_cannot_point_the_app_at_local_files_or_scripts() {
    let feed = parse_feed(
        br#"<feed xmlns="http://www.w3.org/2005/Atom" xml:base="file:///home/pupil/">
  <title>Piege</title>
  <link rel="next" href="javascript:alert(1)"/>
  <link rel="search" type="application/opensearchdescription+xml" href="file:///etc/opensearch.xml"/>
  <link rel="search" type="application/atom+xml" href="find?q={searchTerms}"/>
  <entry><title>Livre</title>
    <link rel="http://opds-spec.org/acquisition/open-access" href="secrets.pdf" type="application/pdf"/>
    <link rel="http://opds-spec.org/image/thumbnail" href="data:image/png;base64,iVBORw0KGgo=" type="image/png"/>
  </entry>
</feed>"#,
        &base(),
        None,
    )
    .expect("the feed itself is well-formed");
    assert_eq!(feed.next, None, "a javascript: link is dropped");
    assert_eq!(
        feed.search, None::<SearchLink>,
        "a file: search description, or a template under a file: base, is dropped"
    );
    let book = &feed.publications[0];
    assert!(book.acquisitions.is_empty(), "an xml:base cannot turn an https catalogue's link into a file: link");
    assert_eq!(
        book.thumbnail.as_ref().map(url::Url::scheme),
        Some("data"),
        "data: URLs are accepted for images, as OPDS allows for thumbnails"
    );
    let opds2 = parse_feed(
        br#"{"metadata": {"title": "T"}, "links": [{"rel": "search", "href": "file:///x{?query}", "templated": true}], "navigation": [{"href": "file:///etc/passwd", "title": "x"}]}"#,
        &base(),
        None,
    )
    .expect("well-formed");
    assert!(opds2.navigation.is_empty(), "a file: navigation link is dropped");
    let Some(SearchLink::Template { template }) = opds2.search else { panic!("a template is kept as written") };
    assert!(
        matches!(template.expand("x"), Err(Error::InvalidTemplate { .. })),
        "a search template that expands to a file: URL is refused"
    );
}

#[test]
fn text_that_is_not_utf8_is_malformed_with_a_position() {
    let document = b"<feed xmlns='http://www.w3.org/2005/Atom'>\n<title>caf\xe9</title></feed>";
    assert_eq!(
        feed_error(document, None),
        Error::Malformed { at: "line 2, column 11".to_owned(), message: "the text is not valid UTF-8".to_owned() },
        "an undeclared Latin-1 byte is reported where it is"
    );
}

#[test]
fn messages_tell_the_user_what_to_do() {
    let errors = [
        feed_error(b"<html/>", None),
        feed_error(b"{\"metadata\": ", None),
        feed_error(b"<!DOCTYPE x [<!ENTITY a 'b'>]><feed/>", None),
        Error::TooLarge { size: 70 << 20, limit: 64 << 20 },
    ];
    for error in errors {
        let message = error.to_string();
        assert!(
            message.contains(';') && (message.contains("check") || message.contains("tell") || message.contains("ask")),
            "{message:?} must say what is wrong, then what to do"
        );
    }
}

#[test]
fn pathological_documents_stay_fast() {
    use std::time::{Duration, Instant};
    let budget = Duration::from_secs(3);
    let scripts = "&lt;script&gt;x&lt;/script&gt;&lt;p title='&gt;".repeat(50_000);
    let categories = (0..50_000).map(|i| format!("<category term='t{i}'/>")).collect::<String>();
    let facets = (0..50_000)
        .map(|i| format!("<link rel='http://opds-spec.org/facet' href='/f{i}' title='F' opds:facetGroup='g{i}'/>"))
        .collect::<String>();
    let document = format!(
        "<feed xmlns='http://www.w3.org/2005/Atom' xmlns:opds='http://opds-spec.org/2010/catalog'>{facets}\
         <entry><title>T</title><summary type='html'>{scripts}</summary>{categories}</entry></feed>"
    );
    let started = Instant::now();
    let feed = parse_feed(document.as_bytes(), &base(), None).expect("well-formed");
    let elapsed = started.elapsed();
    assert_eq!(feed.facets.len(), 50_000, "every facet group is kept");
    assert_eq!(feed.publications[0].subjects.len(), 50_000, "every distinct category is kept");
    assert!(elapsed < budget, "many scripts, categories and facet groups took {elapsed:?}: something is quadratic");
}
