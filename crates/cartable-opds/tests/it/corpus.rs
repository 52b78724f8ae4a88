//! Every OPDS document of the real-world corpus, read in place: what each one parses to.

use cartable_opds::{
    AcquisitionKind, AuthKind, Error, Feed, Publication, SearchLink, Version, parse_authentication, parse_feed,
};

use crate::support::{base_of, corpus_feeds, read};

fn feed(file: &str) -> Feed {
    parse_feed(&read(file), &base_of(file), None).unwrap_or_else(|error| panic!("{file} must parse: {error}"))
}

fn publication<'a>(feed: &'a Feed, title: &str) -> &'a Publication {
    feed.publications
        .iter()
        .find(|publication| publication.title == title)
        .unwrap_or_else(|| panic!("no publication titled {title:?}"))
}

fn text(url: Option<&url::Url>) -> Option<&str> {
    url.map(url::Url::as_str)
}

/// The manifest's own counts (`entries`, `navigation`, `publications`, `groups`, `catalogs`)
/// match what the parser finds, for every OPDS document it lists; the broken ones are errors.
#[test]
fn every_corpus_document_parses_to_the_manifest_counts() {
    for corpus in corpus_feeds() {
        let bytes = read(&corpus.file);
        let base = base_of(&corpus.file);
        match corpus.kind.as_str() {
            "opds-auth" => {
                let auth = parse_authentication(&bytes, &base);
                assert!(auth.is_ok(), "{}: an authentication document must parse: {auth:?}", corpus.file);
            }
            "opds-broken" => {
                let result = parse_feed(&bytes, &base, None);
                assert!(
                    matches!(result, Err(Error::Malformed { .. })),
                    "{}: a broken feed must be a Malformed error, got {result:?}",
                    corpus.file
                );
            }
            "opds1-atom" | "opds2-json" => {
                let feed = parse_feed(&bytes, &base, None)
                    .unwrap_or_else(|error| panic!("{} must parse: {error}", corpus.file));
                let expected_version = if corpus.kind == "opds1-atom" { Version::Opds1 } else { Version::Opds2 };
                assert_eq!(feed.version, expected_version, "{}: version", corpus.file);
                if corpus.facts.get("root").map(String::as_str) == Some("entry") {
                    assert_eq!(feed.publications.len(), 1, "{}: an entry document is one publication", corpus.file);
                } else if let Some(entries) = corpus.fact("entries") {
                    assert_eq!(
                        feed.navigation.len() + feed.publications.len(),
                        entries,
                        "{}: every Atom entry is a navigation link or a publication",
                        corpus.file
                    );
                }
                let counts = [
                    ("navigation", feed.navigation.len()),
                    ("publications", feed.publications.len()),
                    ("groups", feed.groups.len()),
                    ("catalogs", feed.catalogs.len()),
                ];
                for (fact, found) in counts {
                    if let Some(expected) = corpus.fact(fact) {
                        assert_eq!(found, expected, "{}: {fact} count", corpus.file);
                    }
                }
            }
            other => panic!("{}: the manifest kind {other} has no test; add one", corpus.file),
        }
    }
}

/// One line per feed: version, title, navigation, publications, groups, catalogs, next page.
#[test]
fn corpus_feeds_have_their_titles_counts_and_pages() {
    type Row = (&'static str, Version, &'static str, usize, usize, usize, usize, Option<&'static str>);
    let rows: [Row; 13] = [
        ("opds/nypl-navigation.xml", Version::Opds1, "Test Catalog Root", 6, 0, 0, 0, None),
        (
            "opds/nypl-acquisition.xml",
            Version::Opds1,
            "First Acquisition Feed",
            0,
            17,
            0,
            0,
            Some("https://feedbooks.github.io/opds-test-catalog/catalog/acquisition/page2.xml"),
        ),
        ("opds/nypl-entry.xml", Version::Opds1, "The Frances Hodgson Burnett Megapack", 0, 1, 0, 0, None),
        ("opds/readium-feedbooks_catalog.atom", Version::Opds1, "Feedbooks", 6, 0, 0, 0, None),
        ("opds/readium-wiki_1_1.opds", Version::Opds1, "Unpopular Publications", 0, 2, 0, 0, None),
        (
            "opds/palace-content_server.opds",
            Version::Opds1,
            "Open-Access Content",
            0,
            76,
            0,
            0,
            Some("http://localhost:5000/?after=327&size=100"),
        ),
        ("opds/test.opds.io/2.0/home.json", Version::Opds2, "OPDS 2.0 Test Catalog", 8, 2, 3, 0, None),
        ("opds/test.opds.io/2.0/navigation.json", Version::Opds2, "OPDS 2.0 Test Navigation", 5, 0, 0, 0, None),
        ("opds/test.opds.io/2.0/publications.json", Version::Opds2, "OPDS 2.0 Test Publications", 0, 14, 0, 0, None),
        ("opds/w3c-epub-tests-opds.json", Version::Opds2, "W3C EPUB 3.4 Test Suite", 0, 199, 0, 0, None),
        ("opds/readium-opds_2_0.json", Version::Opds2, "Readium 2 OPDS 2.0 Feed", 0, 5, 0, 0, None),
        ("opds/palace-opds2-feed.json", Version::Opds2, "Example listing publications", 0, 3, 0, 0, None),
        ("opds/aldiko-france.json", Version::Opds2, "France", 0, 0, 0, 15, None),
    ];
    for (file, version, title, navigation, publications, groups, catalogs, next) in rows {
        let feed = feed(file);
        assert_eq!(feed.version, version, "{file}: version");
        assert_eq!(feed.title, title, "{file}: title");
        assert_eq!(feed.navigation.len(), navigation, "{file}: navigation links");
        assert_eq!(feed.publications.len(), publications, "{file}: publications");
        assert_eq!(feed.groups.len(), groups, "{file}: groups");
        assert_eq!(feed.catalogs.len(), catalogs, "{file}: catalogs");
        assert_eq!(text(feed.next.as_ref()), next, "{file}: next page");
    }
}

#[test]
fn nypl_navigation_links_resolve_against_the_feed() {
    let feed = feed("opds/nypl-navigation.xml");
    let first = &feed.navigation[0];
    assert_eq!(first.title, "First Acquisition feed", "a navigation link takes its entry's title");
    assert_eq!(
        first.href.as_str(),
        "https://feedbooks.github.io/opds-test-catalog/catalog/acquisition/main.xml",
        "relative hrefs resolve against the feed's address"
    );
    assert_eq!(first.rel.as_deref(), Some("subsection"), "the link relation is kept");
    assert_eq!(
        first.media_type.as_deref(),
        Some("application/atom+xml; profile=opds-catalog; kind=acquisition"),
        "the link type is kept as written"
    );
    assert_eq!(
        feed.search,
        Some(SearchLink::Description {
            href: url::Url::parse("https://feedbooks.github.io/opds-test-catalog/catalog/opensearch.xml")
                .expect("valid"),
        }),
        "an OpenSearch description link is a description to fetch"
    );
    assert_eq!(
        text(feed.start.as_ref()),
        Some("https://feedbooks.github.io/opds-test-catalog/catalog/root.xml"),
        "start link"
    );
}

#[test]
fn nypl_acquisition_kinds_prices_and_indirect_chains() {
    let feed = feed("opds/nypl-acquisition.xml");
    assert_eq!(feed.number_of_items, Some(18), "opensearch:totalResults");
    // (title, kinds in order, downloadable in order)
    let cases: [(&str, &[AcquisitionKind], &[bool]); 8] = [
        ("Pride and Prejudice", &[AcquisitionKind::Acquisition], &[true]),
        ("Acquisition: Open Access", &[AcquisitionKind::OpenAccess], &[true]),
        ("Acquisition: Sample", &[AcquisitionKind::Sample], &[true]),
        ("Acquisition: Buy", &[AcquisitionKind::Buy], &[false]),
        ("Acquisition: Subscribe", &[AcquisitionKind::Subscribe], &[false]),
        ("Acquisition: Sample and Borrow", &[AcquisitionKind::Borrow, AcquisitionKind::Sample], &[false, true]),
        (
            "Acquisition: Multiple links",
            &[AcquisitionKind::Buy, AcquisitionKind::Borrow, AcquisitionKind::Sample],
            &[false, false, true],
        ),
        // A generic acquisition through a web page: the EPUB is at the end of a browser flow,
        // not at `href`, so it is not offered as a download.
        ("Acquisition: Indirect good", &[AcquisitionKind::Acquisition], &[false]),
    ];
    for (title, kinds, downloadable) in cases {
        let publication = publication(&feed, title);
        let found: Vec<AcquisitionKind> = publication.acquisitions.iter().map(|a| a.kind).collect();
        assert_eq!(found, kinds, "{title}: acquisition kinds");
        let found: Vec<bool> = publication.acquisitions.iter().map(|a| a.downloadable).collect();
        assert_eq!(found, downloadable, "{title}: downloadable flags");
    }
    let buy = &publication(&feed, "Acquisition: Buy").acquisitions[0];
    assert_eq!(buy.href.as_str(), "http://www.feedbooks.com/book/52", "buy link href");
    assert_eq!(buy.media_type.as_deref(), Some("text/html"), "buy link type");
    assert_eq!(buy.indirect, ["application/epub+zip"], "buy link indirect acquisition");
    assert_eq!(
        (buy.prices[0].value.as_str(), buy.prices[0].currency.as_deref()),
        ("10.99", Some("USD")),
        "price value and currency as written"
    );
    let subscribe = &publication(&feed, "Acquisition: Subscribe").acquisitions[0];
    assert_eq!(subscribe.prices[0].currency.as_deref(), Some("EUR"), "subscription price currency");

    let pride = publication(&feed, "Pride and Prejudice");
    assert_eq!(pride.authors, ["Jane Austen"], "authors");
    assert_eq!(pride.language.as_deref(), Some("en"), "dcterms:language");
    assert_eq!(pride.published.as_deref(), Some("1813"), "dcterms:issued is the publication date");
    assert_eq!(pride.subjects, ["Fiction", "Romance"], "category labels");
    assert_eq!(
        text(pride.cover.as_ref()),
        Some("https://feedbooks.github.io/opds-test-catalog/catalog/larger.jpg"),
        "cover resolved from ../larger.jpg"
    );
    assert!(
        pride.summary.as_deref().is_some_and(|s| s.starts_with("Pride And Prejudice, the story") && !s.contains('\n')),
        "the html content becomes one paragraph of plain text"
    );
    let partial = publication(&feed, "Partial and Full entry");
    assert_eq!(
        text(partial.detail.as_ref()),
        Some("https://feedbooks.github.io/opds-test-catalog/catalog/acquisition/entry.xml"),
        "a partial entry links its complete entry"
    );
    assert!(publication(&feed, "Metadata: Contributor").authors.is_empty(), "a contributor is not an author");
    assert_eq!(
        publication(&feed, "Metadata: No Label").subjects,
        ["FBFIC000000", "FBFIC027000"],
        "a category without label gives its term"
    );
    let summary_only = publication(&feed, "Metadata: Summary Only").summary.clone().unwrap_or_default();
    assert!(summary_only.ends_with("when y..."), "without content, the summary is used");
}

#[test]
fn nypl_entry_document_is_one_borrowable_publication() {
    let feed = feed("opds/nypl-entry.xml");
    let entry = &feed.publications[0];
    assert_eq!(
        entry.id.as_deref(),
        Some("urn:librarysimplified.org/terms/id/Overdrive%20ID/135d0478-1ab9-4cc1-a1aa-2aa616b1218c"),
        "atom:id"
    );
    assert_eq!(entry.publisher.as_deref(), Some("Wildside Press LLC"), "dcterms:publisher");
    assert_eq!(entry.published.as_deref(), Some("2014-08-10T13:00:33Z"), "atom:published without dcterms:issued");
    let borrow = &entry.acquisitions[0];
    assert_eq!(borrow.kind, AcquisitionKind::Borrow, "a borrow link");
    assert!(!borrow.downloadable, "a loan is never shown as a download");
    assert_eq!(
        borrow.indirect,
        [
            "application/epub+zip",
            "application/pdf",
            "vnd.adobe/adept+xml",
            "application/epub+zip",
            "vnd.adobe/adept+xml",
            "application/pdf"
        ],
        "nested indirect acquisitions are flattened depth-first in document order"
    );
    let summary = entry.summary.as_deref().unwrap_or_default();
    assert!(summary.starts_with("The Frances Hodgson Burnett Megapack collects 40 classic works"), "summary start");
    assert!(!summary.contains("<p>") && !summary.contains("&lt;"), "no markup survives in the summary");
    assert!(summary.contains("\nMÈRE GIRAUDS LITTLE DAUGHTER\n"), "paragraphs become lines, &#200; becomes È");
    assert!(summary.contains("SISTER OF JOSÉ"), "&#201; becomes É");
    assert!(text(entry.thumbnail.as_ref()).is_some_and(|t| t.contains("/scaled/300/")), "thumbnail");
}

#[test]
fn feedbooks_root_is_navigation_with_opensearch() {
    let feed = feed("opds/readium-feedbooks_catalog.atom");
    let titles: Vec<&str> = feed.navigation.iter().map(|link| link.title.as_str()).collect();
    assert_eq!(
        titles,
        ["Best Sellers", "New Releases", "Recommended Readings", "Fiction", "Non-Fiction", "Free Books"],
        "every entry is a navigation link, sort relations included"
    );
    assert_eq!(feed.navigation[0].rel.as_deref(), Some("http://opds-spec.org/sort/popular"), "sort relation kept");
    assert!(
        matches!(&feed.search, Some(SearchLink::Description { href }) if href.as_str() == "http://www.feedbooks.com/opensearch.xml"),
        "search description link"
    );
    assert_eq!(text(feed.self_url.as_ref()), Some("http://www.feedbooks.com/catalog.atom"), "self link");
}

#[test]
fn opds_wiki_example_has_prices_identifiers_and_formats() {
    let feed = feed("opds/readium-wiki_1_1.opds");
    assert_eq!(text(feed.up.as_ref()), Some("https://opds-spec.org/opds-catalogs/root.xml"), "up link");
    let bob = publication(&feed, "Bob, Son of Bob");
    let formats: Vec<(Option<&str>, bool)> =
        bob.acquisitions.iter().map(|a| (a.media_type.as_deref(), a.downloadable)).collect();
    assert_eq!(
        formats,
        [(Some("application/epub+zip"), true), (Some("application/x-mobipocket-ebook"), false)],
        "the EPUB is downloadable, the Mobipocket file is not a format Cartable opens"
    );
    assert_eq!(
        Some(bob.acquisitions[0].href.as_str()),
        Some("https://opds-spec.org/content/free/4561.epub"),
        "absolute-path hrefs resolve against the host"
    );
    assert_eq!(text(bob.thumbnail.as_ref()), Some("https://opds-spec.org/covers/4561.thmb.gif"), "thumbnail");
    let philately = publication(&feed, "Modern Online Philately");
    assert_eq!(philately.authors, ["Stampy McGee", "Alice McGee", "Harold McGee"], "three authors in order");
    assert_eq!(philately.identifiers, ["urn:isbn:978029536341X"], "dc:identifier");
    let prices: Vec<(&str, Option<&str>)> =
        philately.acquisitions[0].prices.iter().map(|p| (p.value.as_str(), p.currency.as_deref())).collect();
    assert_eq!(prices, [("18.99", Some("USD")), ("11.99", Some("GBP"))], "every price is kept");
}

#[test]
fn palace_content_server_is_76_open_access_epubs() {
    let feed = feed("opds/palace-content_server.opds");
    assert!(
        feed.publications.iter().all(|p| p.acquisitions.len() == 1
            && p.acquisitions[0].kind == AcquisitionKind::OpenAccess
            && p.acquisitions[0].downloadable),
        "every entry has one downloadable open-access EPUB"
    );
    let mouse = publication(&feed, "The Green Mouse");
    assert_eq!(
        mouse.authors,
        ["Chambers, Robert W. (Robert William)"],
        "an empty atom:name falls back to simplified:sort_name"
    );
    assert_eq!(
        mouse.acquisitions[0].href.as_str(),
        "http://www.gutenberg.org/ebooks/10441.epub.images",
        "acquisition href"
    );
    assert!(mouse.summary.is_none(), "an empty summary is no summary");
    let wordsworth = publication(&feed, "The Poetical Works of William Wordsworth — Volume 1");
    assert_eq!(wordsworth.publisher.as_deref(), Some("Project Gutenberg"), "&#8212; decoded in the title");
    let cap = publication(&feed, "Cap and Gown");
    assert!(cap.authors.is_empty(), "an entry without author has none");
    assert_eq!(
        cap.published.as_deref(),
        Some("Ignore me, but the rest of this entry should still parse"),
        "dates are kept as given, never a reason to fail"
    );
}

#[test]
fn opds2_test_catalog_home_has_groups_and_navigation() {
    let feed = feed("opds/test.opds.io/2.0/home.json");
    assert_eq!(feed.navigation[0].title, "Explore (Navigation Feed)", "first navigation link");
    let groups: Vec<(&str, usize, usize, Option<u64>)> = feed
        .groups
        .iter()
        .map(|g| (g.title.as_str(), g.navigation.len(), g.publications.len(), g.number_of_items))
        .collect();
    assert_eq!(
        groups,
        [("French Classics", 0, 5, Some(5)), ("More Navigation", 2, 0, None), ("English Classics", 0, 3, Some(3))],
        "groups: title, navigation, publications, numberOfItems"
    );
    assert_eq!(
        text(feed.groups[0].href.as_ref()),
        Some("https://test.opds.io/2.0/publications.json"),
        "a group's self link is its full list"
    );
    let rouge = feed.groups[0].publications.iter().find(|p| p.title == "Le Rouge et le Noir").expect("in the group");
    assert_eq!(rouge.authors, ["Stendhal"], "author as a plain string");
    assert_eq!(
        (text(rouge.cover.as_ref()), text(rouge.thumbnail.as_ref())),
        (
            Some("https://test.opds.io/assets/rougenoir/normal.jpg"),
            Some("https://test.opds.io/assets/rougenoir/small.jpg")
        ),
        "image relations pick cover and thumbnail"
    );
    let verne = &feed.groups[0].publications[0];
    assert_eq!(
        (text(verne.cover.as_ref()), text(verne.thumbnail.as_ref())),
        (
            Some("https://test.opds.io/assets/centredelaterre/normal.jpg"),
            Some("https://test.opds.io/assets/centredelaterre/small.jpg")
        ),
        "without relations, the largest image is the cover and the smallest the thumbnail"
    );
    assert_eq!(verne.subjects, ["Science Fiction", "Action & Aventure"], "subject objects give their names");
}

#[test]
fn opds2_test_navigation_resolves_relative_links() {
    let feed = feed("opds/test.opds.io/2.0/navigation.json");
    let links: Vec<(&str, &str)> = feed.navigation.iter().map(|l| (l.title.as_str(), l.href.as_str())).collect();
    assert_eq!(
        links[..3],
        [
            ("Best Selling (Absolute URI)", "https://test.opds.io/2.0/home.json"),
            ("New Releases (Relative URI)", "https://test.opds.io/2.0/home.json"),
            ("Staff Picks (Also Relative)", "https://test.opds.io/2.0/home.json"),
        ],
        "absolute, relative and absolute-path hrefs all resolve"
    );
    assert_eq!(feed.navigation[1].rel.as_deref(), Some("http://opds-spec.org/sort/new"), "rel kept");
}

#[test]
fn opds2_test_publications_cover_every_shape_and_kind() {
    let feed = feed("opds/test.opds.io/2.0/publications.json");
    assert_eq!(feed.number_of_items, Some(14), "metadata.numberOfItems");
    let titles: Vec<&str> = feed.publications.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(titles[1], "Title in multiple languages", "a language map gives its first title");
    let authors = |title: &str| publication(&feed, title).authors.clone();
    assert_eq!(authors("Multiple Authors"), ["Jules Verne", "Second Author"], "array of strings");
    assert_eq!(authors("Author Using an Object"), ["Jules Verne"], "one object");
    assert_eq!(authors("Multiple Authors Using Objects"), ["Jules Verne", "Second Author"], "array of objects");
    assert_eq!(publication(&feed, "Subject Using a Single String").subjects.len(), 1, "a subject string");
    let kinds = [
        ("Buy", AcquisitionKind::Buy, false),
        ("Sample", AcquisitionKind::Sample, true),
        ("Subscribe", AcquisitionKind::Subscribe, false),
        ("Borrow", AcquisitionKind::Borrow, false),
        ("Voyage au centre de la Terre", AcquisitionKind::OpenAccess, true),
    ];
    for (title, kind, downloadable) in kinds {
        let acquisition = &publication(&feed, title).acquisitions[0];
        assert_eq!((acquisition.kind, acquisition.downloadable), (kind, downloadable), "{title}: kind, downloadable");
    }
    let multi = &feed.publications[1];
    assert_eq!(multi.language.as_deref(), Some("fr"), "the first of several languages");
}

#[test]
fn w3c_test_suite_lists_199_downloadable_epubs() {
    let feed = feed("opds/w3c-epub-tests-opds.json");
    assert!(
        feed.publications.iter().all(|p| p.acquisitions.len() == 1
            && p.acquisitions[0].downloadable
            && p.acquisitions[0].media_type.as_deref() == Some("application/epub+zip")),
        "every test book is a downloadable open-access EPUB"
    );
    let first = &feed.publications[0];
    assert_eq!(first.title, "fxl-spine-overrides_behave-as-global", "first title");
    assert_eq!(
        first.acquisitions[0].href.as_str(),
        "https://w3c.github.io/epub-tests/tests/fxl-spine-overrides_behave-as-global.epub",
        "first acquisition"
    );
    assert_eq!(
        text(first.cover.as_ref()),
        Some("https://w3c.github.io/epub-tests/opds/test_cover.png"),
        "the PNG is the cover, the SVG is not a bitmap"
    );
    assert_eq!(first.thumbnail, None, "one bitmap gives no separate thumbnail");
    assert!(feed.publications.iter().any(|p| p.authors.len() > 1), "some tests have several authors (an array)");
}

#[test]
fn readium_feed_publications_are_manifests_without_acquisitions() {
    let feed = feed("opds/readium-opds_2_0.json");
    let smoke = publication(&feed, "Smoke Test FXL");
    assert_eq!(smoke.authors.len(), 7, "seven author objects");
    assert_eq!(smoke.publisher.as_deref(), Some("Readium"), "publisher as an array of objects");
    assert!(smoke.acquisitions.is_empty(), "a webpub manifest link is not an acquisition");
    assert_eq!(
        text(smoke.self_url.as_ref()),
        Some("https://readium2.feedbooks.net/Ym9va3MvU21va2VUZXN0RlhM/manifest.json"),
        "self link"
    );
    assert!(text(smoke.cover.as_ref()).is_some_and(|c| c.ends_with("EPUB-Logo-Smoke.png")), "rel=cover image");
    let moby: Vec<&Publication> = feed.publications.iter().filter(|p| p.title == "Moby-Dick").collect();
    assert_eq!(moby[1].identifiers, ["urn:isbn:9780316000000"], "ISBN identifier");
}

#[test]
fn palace_feed_borrow_sample_and_templated_drm_links() {
    let feed = feed("opds/palace-opds2-feed.json");
    let moby = publication(&feed, "Moby-Dick");
    assert!(!moby.acquisitions[0].downloadable, "an audiobook manifest is not a book Cartable opens");
    let huck = publication(&feed, "Adventures of Huckleberry Finn");
    assert_eq!(
        huck.acquisitions[0].indirect,
        [
            "application/vnd.adobe.adept+xml",
            "application/epub+zip",
            "application/vnd.readium.lcp.license.v1.0+json",
            "application/epub+zip"
        ],
        "indirectAcquisition children are flattened depth-first"
    );
    assert_eq!(
        (huck.acquisitions[1].kind, huck.acquisitions[1].downloadable),
        (AcquisitionKind::Sample, true),
        "the EPUB sample is downloadable"
    );
    let proquest = publication(&feed, "The Politics of Postmodernism");
    let hrefs: Vec<&str> = proquest.acquisitions.iter().map(|a| a.href.as_str()).collect();
    assert_eq!(
        hrefs,
        [
            "https://example.com/getAcsmFile.action?documentId=181639&mediaType=epub",
            "https://example.com/getAcsmFile.action?documentId=181639&mediaType=pdf"
        ],
        "templated hrefs are expanded with no variables"
    );
    assert!(proquest.acquisitions.iter().all(|a| !a.downloadable), "Adobe DRM is never a plain download");
    assert_eq!(
        text(proquest.cover.as_ref()),
        Some("https://example.com/covers/181639-x.jpg"),
        "the largest of four sizes is the cover"
    );
}

#[test]
fn palace_bad_feed_names_the_missing_title() {
    let file = "opds/palace-opds2-bad_feed.json";
    assert_eq!(
        parse_feed(&read(file), &base_of(file), Some("application/opds+json")),
        Err(Error::Malformed {
            at: "publications[0].metadata.title".to_owned(),
            message: "a publication has no title".to_owned()
        }),
        "the first publication has no title: the error says where"
    );
}

#[test]
fn aldiko_registry_lists_french_library_catalogues() {
    let feed = feed("opds/aldiko-france.json");
    let bnf = feed.catalogs.iter().find(|c| c.title == "Bibliothèque nationale de France").expect("BnF is listed");
    let link = bnf.link.as_ref().expect("the BnF catalogue has an entry point");
    assert_eq!(link.href.as_str(), "https://pret.bnf.fr/v1/home.opds2", "catalogue entry point");
    assert_eq!(link.media_type.as_deref(), Some("application/opds+json"), "an OPDS 2 catalogue");
    assert_eq!(text(bnf.auth_document.as_ref()), Some("https://pret.bnf.fr/v1/sign_in.opds2"), "its sign-in document");
    assert!(bnf.image.is_some(), "the registry's `image` object gives a logo");
    let aisne = &feed.catalogs[0];
    assert_eq!(aisne.title, "Bibliothèque départementale de l’Aisne", "accents and typographic apostrophe kept");
    assert_eq!(
        aisne.link.as_ref().and_then(|l| l.media_type.as_deref()),
        Some("text/html"),
        "a web catalogue says so in its type"
    );
}

#[test]
fn readium_authentication_document_has_two_flows() {
    let file = "opds/readium-opds-authentication.json";
    let auth = parse_authentication(&read(file), &base_of(file)).expect("the trailing comma is tolerated");
    assert_eq!(auth.id.as_deref(), Some("http://example.com/auth.json"), "id");
    assert_eq!(auth.title, "Public Library", "title");
    assert!(auth.description.as_deref().is_some_and(|d| d.starts_with("Enter a valid library card")), "description");
    assert_eq!(text(auth.logo.as_ref()), Some("http://example.com/logo.jpg"), "logo");
    assert_eq!(text(auth.register.as_ref()), Some("http://example.com/registration"), "register link");
    let help: Vec<&str> = auth.help.iter().map(url::Url::as_str).collect();
    assert_eq!(help, ["mailto:support@example.org", "tel:1800836482", "http://example.com/support"], "help links");
    assert_eq!(auth.flows.len(), 2, "two flows");
    let basic = &auth.flows[0];
    assert_eq!(basic.kind, AuthKind::Basic, "Basic first");
    assert_eq!(
        (basic.labels.login.as_deref(), basic.labels.password.as_deref()),
        (Some("Library card"), Some("PIN")),
        "the library's own labels"
    );
    let implicit = &auth.flows[1];
    assert_eq!(
        implicit.kind,
        AuthKind::Other("http://opds-spec.org/auth/oauth/implicit".to_owned()),
        "implicit by URI"
    );
    assert_eq!(text(implicit.authenticate_url.as_ref()), Some("http://example.com/oauth"), "authenticate link");
    assert_eq!(text(implicit.refresh_url.as_ref()), Some("http://example.com/oauth/refresh"), "refresh link");
}
