//! Feeds built in code: the large-feed budget, and features no corpus feed exercises (facets,
//! `xml:base`, XHTML content, escaped HTML entities, OPDS 2 facets and search, single
//! publications).

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use cartable_opds::{AcquisitionKind, Feed, SearchLink, TemplateSyntax, Version, parse_feed};

use crate::support::url;

const ENTRIES: usize = 20_000;
/// Generous for a debug build on a loaded two-core machine; a release build is ~10x faster.
const BUDGET: Duration = Duration::from_secs(5);

fn parse(document: &str, content_type: Option<&str>) -> Feed {
    parse_feed(document.as_bytes(), &url("https://catalogue.example.org/opds/feed"), content_type)
        .unwrap_or_else(|error| panic!("the synthetic feed must parse: {error}"))
}

#[test]
fn a_20000_entry_atom_feed_parses_within_budget() {
    let mut document = String::with_capacity(ENTRIES * 900);
    document.push_str(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/terms/" xmlns:opds="http://opds-spec.org/2010/catalog">
<id>urn:big</id><title>Big</title><updated>2024-01-01T00:00:00Z</updated>
<link rel="next" href="?page=2" type="application/atom+xml;profile=opds-catalog;kind=acquisition"/>
"#,
    );
    for index in 0..ENTRIES {
        let _ = write!(
            document,
            r#"<entry><id>urn:book:{index}</id><title>Manuel n&#176;{index} &amp; exercices</title>
<author><name>Autrice {index}</name></author><updated>2024-01-01T00:00:00Z</updated>
<dc:language>fr</dc:language><dc:identifier>urn:isbn:978000{index:07}</dc:identifier>
<category term="maths" label="Mathématiques"/>
<summary type="html">&lt;p&gt;R&amp;eacute;sum&amp;eacute; {index}&lt;/p&gt;</summary>
<link rel="http://opds-spec.org/image/thumbnail" href="covers/{index}.jpg" type="image/jpeg"/>
<link rel="http://opds-spec.org/acquisition/open-access" href="books/{index}.pdf" type="application/pdf"/>
</entry>
"#
        );
    }
    document.push_str("</feed>");
    let started = Instant::now();
    let feed = parse(&document, Some("application/atom+xml"));
    let elapsed = started.elapsed();
    println!("{ENTRIES}-entry Atom feed ({} MB) parsed in {elapsed:?}", document.len() >> 20);
    assert_eq!(feed.publications.len(), ENTRIES, "every entry is a publication");
    let last = &feed.publications[ENTRIES - 1];
    assert_eq!(last.title, format!("Manuel n°{} & exercices", ENTRIES - 1), "references decoded");
    assert_eq!(last.summary.as_deref(), Some(format!("Résumé {}", ENTRIES - 1).as_str()), "escaped HTML decoded");
    assert_eq!(
        last.acquisitions[0].href.as_str(),
        format!("https://catalogue.example.org/opds/books/{}.pdf", ENTRIES - 1),
        "hrefs resolved"
    );
    assert_eq!(
        feed.next.as_ref().map(url::Url::as_str),
        Some("https://catalogue.example.org/opds/feed?page=2"),
        "next page"
    );
    assert!(elapsed < BUDGET, "a {ENTRIES}-entry Atom feed took {elapsed:?}, over the {BUDGET:?} budget");
}

#[test]
fn a_20000_publication_opds2_feed_parses_within_budget() {
    let mut document = String::with_capacity(ENTRIES * 800);
    document.push_str(r#"{"metadata": {"title": "Big", "numberOfItems": 20000}, "links": [{"rel": "next", "href": "?page=2"}], "publications": ["#);
    for index in 0..ENTRIES {
        if index > 0 {
            document.push(',');
        }
        let _ = write!(
            document,
            r#"{{"metadata": {{"@type": "http://schema.org/Book", "title": {{"fr": "Manuel {index}", "en": "Textbook {index}"}},
"author": [{{"name": "Autrice {index}", "sortAs": "x"}}, "Co-auteur"], "identifier": "urn:isbn:978000{index:07}",
"language": ["fr"], "modified": "2024-01-01T00:00:00Z", "subject": [{{"name": "Maths", "code": "M"}}], "description": "<p>R&eacute;sum&eacute; {index}</p>"}},
"links": [{{"rel": "http://opds-spec.org/acquisition/open-access", "href": "books/{index}.epub", "type": "application/epub+zip"}}],
"images": [{{"href": "covers/{index}-s.jpg", "type": "image/jpeg", "width": 100, "height": 150}}, {{"href": "covers/{index}.jpg", "type": "image/jpeg", "width": 600, "height": 900}}]}}"#
        );
    }
    document.push_str("]}");
    let started = Instant::now();
    let feed = parse(&document, Some("application/opds+json"));
    let elapsed = started.elapsed();
    println!("{ENTRIES}-publication OPDS 2 feed ({} MB) parsed in {elapsed:?}", document.len() >> 20);
    assert_eq!(feed.publications.len(), ENTRIES, "every publication is read");
    let last = &feed.publications[ENTRIES - 1];
    assert_eq!(last.title, format!("Manuel {}", ENTRIES - 1), "first title of the language map");
    assert_eq!(last.authors, [format!("Autrice {}", ENTRIES - 1), "Co-auteur".to_owned()], "mixed author shapes");
    assert_eq!(last.summary.as_deref(), Some(format!("Résumé {}", ENTRIES - 1).as_str()), "HTML description");
    assert!(last.acquisitions[0].downloadable, "open-access EPUB");
    assert!(
        last.thumbnail.as_ref().is_some_and(|t| t.as_str().ends_with("-s.jpg")),
        "the smaller image is the thumbnail"
    );
    assert!(elapsed < BUDGET, "a {ENTRIES}-publication OPDS 2 feed took {elapsed:?}, over the {BUDGET:?} budget");
}

#[test]
fn opds1_facets_are_grouped_with_active_flag_and_count() {
    let feed = parse(
        r#"<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opds="http://opds-spec.org/2010/catalog" xmlns:thr="http://purl.org/syndication/thread/1.0">
  <title>Sciences</title>
  <link rel="http://opds-spec.org/facet" href="/sci-fi" title="Science-Fiction" opds:facetGroup="Categories" opds:activeFacet="true"/>
  <link rel="http://opds-spec.org/facet" href="/romance" title="Romance" opds:facetGroup="Categories" thr:count="600"/>
  <link rel="http://opds-spec.org/facet" href="/sci-fi/english" title="English" opds:facetGroup="Language" opds:activeFacet="true"/>
  <link rel="http://opds-spec.org/facet" href="/thrillers" title="Thrillers" opds:facetGroup="Categories" thr:count="1200"/>
  <link rel="http://opds-spec.org/facet" href="/sci-fi/french" title="French" opds:facetGroup="Language" thr:count="40"/>
  <link rel="http://opds-spec.org/facet" href="/all" title="Everything"/>
</feed>"#,
        None,
    );
    // (group title, [(facet title, path, active, count)])
    type Facets<'a> = Vec<(&'a str, &'a str, bool, Option<u64>)>;
    let groups: Vec<(&str, Facets<'_>)> = feed
        .facets
        .iter()
        .map(|group| {
            let facets = group.facets.iter().map(|f| (f.title.as_str(), f.href.path(), f.active, f.count)).collect();
            (group.title.as_str(), facets)
        })
        .collect();
    assert_eq!(
        groups,
        [
            (
                "Categories",
                vec![
                    ("Science-Fiction", "/sci-fi", true, None),
                    ("Romance", "/romance", false, Some(600)),
                    ("Thrillers", "/thrillers", false, Some(1200)),
                ]
            ),
            (
                "Language",
                vec![("English", "/sci-fi/english", true, None), ("French", "/sci-fi/french", false, Some(40))]
            ),
            ("", vec![("Everything", "/all", false, None)]),
        ],
        "facets grouped by opds:facetGroup in order of first appearance, with activeFacet and thr:count"
    );
}

#[test]
fn opds1_xml_base_xhtml_content_and_templated_search() {
    let feed = parse(
        r#"<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://cdn.example.org/opds/">
  <title type="html">Manuels &lt;b&gt;scolaires&lt;/b&gt;</title>
  <link rel="search" type="application/atom+xml" href="search?q={searchTerms}&amp;p={startPage?}"/>
  <link rel="http://opds-spec.org/auth/document" type="application/opds-authentication+json" href="auth.json"/>
  <link rel="first" href="page/1"/><link rel="last" href="page/9"/><link rel="previous" href="page/1"/>
  <entry xml:base="books/">
    <title>Histoire 5e</title>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Premier <b>paragraphe</b>.</p><p>Second&#160;!</p><script>x()</script></div></content>
    <link rel="http://opds-spec.org/acquisition" href="histoire.epub" type="application/epub+zip"/>
    <link rel="http://opds-spec.org/image" href="/covers/histoire.png" type="image/png"/>
  </entry>
  <entry>
    <title>Par niveau</title>
    <link rel="alternate" href="levels.xml" type="application/atom+xml;profile=opds-catalog;kind=navigation" thr:count="12" xmlns:thr="http://purl.org/syndication/thread/1.0"/>
  </entry>
</feed>"#,
        None,
    );
    assert_eq!(feed.title, "Manuels scolaires", "an html title is plain text");
    assert_eq!(
        feed.auth_document.as_ref().map(url::Url::as_str),
        Some("https://cdn.example.org/opds/auth.json"),
        "the authentication document link, resolved against xml:base"
    );
    assert_eq!(
        (feed.first.as_ref().map(url::Url::path), feed.last.as_ref().map(url::Url::path)),
        (Some("/opds/page/1"), Some("/opds/page/9")),
        "first and last pages"
    );
    let Some(SearchLink::Template { template }) = &feed.search else {
        panic!("a search link with {{searchTerms}} is a template, got {:?}", feed.search)
    };
    assert_eq!(template.syntax, TemplateSyntax::OpenSearch, "OPDS 1 templates use the OpenSearch syntax");
    assert_eq!(
        template.expand("Révolution française").expect("expands").as_str(),
        "https://cdn.example.org/opds/search?q=R%C3%A9volution%20fran%C3%A7aise&p=",
        "the template resolves against xml:base and encodes the query"
    );
    let book = &feed.publications[0];
    assert_eq!(book.summary.as_deref(), Some("Premier paragraphe.\nSecond\u{a0}!"), "XHTML content as text");
    assert_eq!(
        book.acquisitions[0].href.as_str(),
        "https://cdn.example.org/opds/books/histoire.epub",
        "the entry's xml:base stacks on the feed's"
    );
    assert_eq!(
        book.cover.as_ref().map(url::Url::as_str),
        Some("https://cdn.example.org/covers/histoire.png"),
        "absolute paths resolve against the host of the base"
    );
    let levels = &feed.navigation[0];
    assert_eq!(
        (levels.title.as_str(), levels.href.as_str(), levels.count),
        ("Par niveau", "https://cdn.example.org/opds/levels.xml", Some(12)),
        "an entry linking a navigation feed is a navigation link, with its count"
    );
}

#[test]
fn opds2_facets_search_and_pagination() {
    let feed = parse(
        r#"{"metadata": {"title": "Catalogue", "numberOfItems": 5678, "itemsPerPage": 50, "currentPage": 2},
  "links": [
    {"rel": "self", "href": "/?page=2", "type": "application/opds+json"},
    {"rel": ["first", "previous"], "href": "/?page=1", "type": "application/opds+json"},
    {"rel": "next", "href": "/?page=3"}, {"rel": "last", "href": "/?page=114"},
    {"rel": "search", "href": "search{?query,title,author}", "type": "application/opds+json", "templated": true},
    {"rel": "http://opds-spec.org/auth/document", "href": "/auth"},
    {"rel": "up"}
  ],
  "facets": [{"metadata": {"title": "Niveau"}, "links": [
    {"href": "/6e", "title": "6e", "rel": "self", "properties": {"numberOfItems": 10}},
    {"href": "/5e", "title": "5e", "properties": {"numberOfItems": 40}}]}],
  "navigation": [{"href": "/new", "title": "Nouveautés", "rel": "http://opds-spec.org/sort/new"}, {"title": "no href"}]
}"#,
        Some("application/opds+json"),
    );
    let pages: Vec<Option<&str>> = [&feed.self_url, &feed.first, &feed.previous, &feed.next, &feed.last, &feed.up]
        .iter()
        .map(|link| link.as_ref().and_then(url::Url::query))
        .collect();
    assert_eq!(
        pages,
        [Some("page=2"), Some("page=1"), Some("page=1"), Some("page=3"), Some("page=114"), None],
        "pagination links, rel arrays included; a link without href is skipped"
    );
    assert_eq!(feed.number_of_items, Some(5678), "numberOfItems");
    let facets: Vec<(&str, bool, Option<u64>)> =
        feed.facets[0].facets.iter().map(|f| (f.title.as_str(), f.active, f.count)).collect();
    assert_eq!(feed.facets[0].title, "Niveau", "facet group title");
    assert_eq!(facets, [("6e", true, Some(10)), ("5e", false, Some(40))], "the self facet is the active one");
    assert_eq!(feed.navigation.len(), 1, "a navigation link without href is skipped");
    assert_eq!(feed.auth_document.as_ref().map(url::Url::path), Some("/auth"), "auth document");
    let Some(SearchLink::Template { template }) = &feed.search else { panic!("a templated search link") };
    assert_eq!(template.syntax, TemplateSyntax::UriTemplate, "OPDS 2 templates are RFC 6570");
    assert_eq!(
        template.expand("Pythagore").expect("expands").as_str(),
        "https://catalogue.example.org/opds/search?query=Pythagore",
        "only the query variable is defined"
    );
}

#[test]
fn an_opds2_publication_document_is_a_feed_of_one() {
    let feed = parse(
        r#"{"metadata": {"title": "Physique-Chimie 4e", "author": "Collectif", "language": "fr"},
  "links": [{"rel": "self", "href": "pc4.json", "type": "application/opds-publication+json"},
            {"rel": "http://opds-spec.org/acquisition", "href": "pc4.pdf", "type": "application/pdf"}],
  "images": [{"href": "pc4.jpg", "type": "image/jpeg"}]}"#,
        Some("application/opds-publication+json"),
    );
    assert_eq!(feed.version, Version::Opds2, "version");
    assert_eq!(feed.publications.len(), 1, "one publication");
    let book = &feed.publications[0];
    assert_eq!(book.title, "Physique-Chimie 4e", "title");
    assert_eq!(book.acquisitions[0].kind, AcquisitionKind::Acquisition, "generic acquisition");
    assert!(book.acquisitions[0].downloadable, "a generic PDF is downloadable");
    assert_eq!(
        book.detail.as_ref().map(url::Url::as_str),
        Some("https://catalogue.example.org/opds/pc4.json"),
        "the self link to the publication document is its detail"
    );
}

#[test]
fn the_feed_serialises_in_camel_case_for_the_interface() {
    let feed = parse(
        r#"{"metadata": {"title": "T"}, "links": [{"rel": "self", "href": "x"}], "publications": [
  {"metadata": {"title": "B"}, "links": [{"rel": "http://opds-spec.org/acquisition/open-access", "href": "b.epub", "type": "application/epub+zip"}]}]}"#,
        None,
    );
    let json = serde_json::to_value(&feed).expect("a feed serialises");
    assert_eq!(json["version"], "opds2", "version tag");
    assert_eq!(json["selfUrl"], "https://catalogue.example.org/opds/x", "URLs are strings, keys camelCase");
    let acquisition = &json["publications"][0]["acquisitions"][0];
    assert_eq!(acquisition["kind"], "openAccess", "kinds in camelCase");
    assert_eq!(acquisition["mediaType"], "application/epub+zip", "mediaType");
    assert_eq!(acquisition["downloadable"], true, "downloadable");
}
