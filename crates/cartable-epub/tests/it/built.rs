//! Books built in code: what a valid book gives, and what is tolerated with a warning.

use cartable_epub::{Direction, Error, Identifier, Layout, TextChunk, Warning, from_bytes, open};

use crate::support::{COVER, Fixture, OPF};

#[test]
fn a_valid_book_exposes_metadata_spine_navigation_and_cover() {
    let mut book = from_bytes(Fixture::valid().zip()).expect("the fixture is a valid EPUB 3");
    assert_eq!(book.version(), "3.0");
    assert_eq!(book.package_path(), "OEBPS/content.opf");
    let metadata = book.metadata();
    assert_eq!(metadata.title, "Le Petit Livre d'essai");
    assert_eq!(
        metadata.authors,
        ["Antoine Auteur", "Iris Illustratrice"],
        "creators in document order whatever their role"
    );
    assert_eq!(metadata.language.as_deref(), Some("fr"));
    assert_eq!(metadata.publisher.as_deref(), Some("Éditions de test"));
    assert_eq!(
        metadata.description.as_deref(),
        Some("Un livre minuscule."),
        "escaped HTML is stripped from the description"
    );
    assert_eq!(
        metadata.identifiers,
        [
            Identifier {
                scheme: Some("UUID".to_owned()),
                value: "urn:uuid:0f3c1a6e-5b0b-4c1e-9a53-4e0a3a1b2c3d".to_owned()
            },
            Identifier { scheme: Some("ISBN".to_owned()), value: "9782070612758".to_owned() },
        ],
        "schemes from the urn: prefix and from the ONIX identifier-type refinement"
    );
    assert_eq!(metadata.published.as_deref(), Some("2024-09-02"));
    assert_eq!(metadata.modified.as_deref(), Some("2024-09-03T10:00:00Z"));
    assert_eq!(book.layout(), Layout::Reflowable);
    assert_eq!(book.direction(), Direction::Default);

    let spine: Vec<(&str, &str, bool)> =
        book.spine().iter().map(|item| (item.id.as_str(), item.href.as_str(), item.linear)).collect();
    assert_eq!(
        spine,
        [("ch1", "OEBPS/text/ch1.xhtml", true), ("ch2", "OEBPS/text/ch 2.xhtml", false)],
        "spine hrefs are full, percent-decoded zip paths; linear=no is kept"
    );

    let toc: Vec<(&str, &str, u32, Option<usize>)> =
        book.toc().iter().map(|e| (e.title.as_str(), e.href.as_str(), e.depth, e.spine_index)).collect();
    assert_eq!(
        toc,
        [
            ("Chapitre 1", "OEBPS/text/ch1.xhtml", 0, Some(0)),
            ("Section 1.1", "OEBPS/text/ch1.xhtml#s1", 1, Some(0)),
            ("Chapitre 2", "OEBPS/text/ch 2.xhtml", 0, Some(1)),
        ],
        "the EPUB 3 nav wins over the NCX"
    );
    let pages: Vec<(&str, Option<usize>)> =
        book.page_list().iter().map(|p| (p.label.as_str(), p.spine_index)).collect();
    assert_eq!(pages, [("1", Some(0)), ("2", Some(1))]);

    let cover = book.cover().expect("cover-image property").clone();
    assert_eq!(cover.href, "OEBPS/images/cover.png");
    assert_eq!(book.resource(&cover.href).expect("the cover is readable"), COVER);
    assert!(book.warnings().is_empty(), "{:?}", book.warnings());
}

#[test]
fn section_text_resolves_entities_and_splits_at_pages() {
    let mut book = from_bytes(Fixture::valid().zip()).expect("valid fixture");
    assert_eq!(
        book.section_text(0).expect("chapter 1 is well-formed"),
        [
            TextChunk {
                label: None,
                text: "Chapitre\u{a0}1\nIl était une fois… «\u{2009}Bonjour\u{2009}», dit l’Œuf.".to_owned()
            },
            TextChunk { label: Some("1".to_owned()), text: "Page une, suite.".to_owned() },
        ],
        "head dropped, XHTML 1.1 entities resolved, page-list target starts a chunk"
    );
    assert_eq!(
        book.section_text(1).expect("chapter 2 is well-formed"),
        [
            TextChunk { label: None, text: "Fin de la page une.".to_owned() },
            TextChunk { label: Some("2".to_owned()), text: "Page deux.".to_owned() },
        ],
        "a pagebreak element starts a chunk and its printed number is not text"
    );
    assert!(
        matches!(book.section_text(2), Err(Error::SpineIndexOutOfRange { index: 2, len: 2 })),
        "asking past the spine is an error, not a panic"
    );
}

#[test]
fn open_reads_from_a_path() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = dir.path().join("book.epub");
    std::fs::write(&file, Fixture::valid().zip()).expect("writing the fixture");
    let book = open(&file).expect("the same bytes open from a file");
    assert_eq!(book.spine().len(), 2);
    assert!(matches!(open(&dir.path().join("absent.epub")), Err(Error::Io { .. })), "a missing file is an Io error");
}

#[test]
fn unknown_resources_are_missing_resource() {
    let mut book = from_bytes(Fixture::valid().zip()).expect("valid fixture");
    for path in ["OEBPS/nope.xhtml", "", "OEBPS/text/", "/OEBPS/content.opf"] {
        assert!(matches!(book.resource(path), Err(Error::MissingResource { .. })), "{path:?} is not an entry");
    }
}

#[test]
fn dangling_and_missing_spine_items_are_skipped_with_warnings() {
    let opf = OPF.replace(
        r#"<itemref idref="ch2" linear="no"/>"#,
        r#"<itemref idref="ch2" linear="no"/><itemref idref="ghost"/><itemref idref="font"/>"#,
    );
    let fixture = Fixture::valid().with("OEBPS/content.opf", opf).without("OEBPS/fonts/f.otf");
    let book = from_bytes(fixture.zip()).expect("dangling itemrefs are tolerated");
    assert_eq!(book.spine().len(), 2, "only the two real chapters remain");
    assert_eq!(
        book.warnings(),
        [
            Warning::SpineItemNotInManifest { idref: "ghost".to_owned() },
            Warning::SpineItemMissing { id: "font".to_owned(), href: "OEBPS/fonts/f.otf".to_owned() },
        ]
    );
}

#[test]
fn a_broken_nav_falls_back_to_the_ncx_with_a_warning() {
    let fixture = Fixture::valid().with("OEBPS/nav.xhtml", "<html><body><nav><ol></body></html>");
    let book = from_bytes(fixture.zip()).expect("a broken nav does not make the book unreadable");
    let titles: Vec<&str> = book.toc().iter().map(|e| e.title.as_str()).collect();
    assert_eq!(titles, ["NCX chapitre 1"], "the NCX gives the table of contents");
    assert!(
        matches!(
            book.warnings(),
            [Warning::NavigationUnreadable { path, .. }] if path == "OEBPS/nav.xhtml"
        ),
        "{:?}",
        book.warnings()
    );
}

#[test]
fn fixed_layout_and_rtl_are_reported() {
    let opf = OPF
        .replace(
            "<dc:language>fr</dc:language>",
            r#"<dc:language>ar</dc:language><meta property="rendition:layout">pre-paginated</meta>"#,
        )
        .replace(r#"<spine toc="ncx">"#, r#"<spine toc="ncx" page-progression-direction="rtl">"#)
        .replace(r#"<itemref idref="ch1"/>"#, r#"<itemref idref="ch1" properties="rendition:layout-reflowable"/>"#);
    let book = from_bytes(Fixture::valid().with("OEBPS/content.opf", opf).zip()).expect("valid fixed-layout fixture");
    assert_eq!(book.layout(), Layout::PrePaginated);
    assert_eq!(book.direction(), Direction::Rtl);
    assert_eq!(book.spine()[0].layout, Some(Layout::Reflowable), "itemref override");
    assert_eq!(book.spine()[1].layout, None);
}

#[test]
fn epub2_cover_meta_and_cover_named_images_are_found() {
    let without_property = OPF.replace(r#" properties="cover-image""#, "");
    let cases = [
        (
            without_property.replace("<dc:language>", r#"<meta name="cover" content="pic"/><dc:language>"#).replace(
                r#"<item id="font""#,
                r#"<item id="pic" href="images/p.jpg" media-type="image/jpeg"/><item id="font""#,
            ),
            Some("OEBPS/images/p.jpg"),
            "EPUB 2 meta cover",
        ),
        (without_property.clone(), Some("OEBPS/images/cover.png"), "an image named cover"),
        (
            without_property.replace(
                r#"<item id="cover" href="images/cover.png""#,
                r#"<item id="picture" href="images/picture.png""#,
            ),
            None,
            "no cover at all",
        ),
    ];
    for (opf, expected, why) in cases {
        let fixture = Fixture::valid()
            .with("OEBPS/content.opf", opf)
            .with("OEBPS/images/p.jpg", "jpeg")
            .with("OEBPS/images/picture.png", "png");
        let book = from_bytes(fixture.zip()).expect("valid fixture");
        assert_eq!(book.cover().map(|c| c.href.as_str()), expected, "{why}");
    }
}

#[test]
fn books_can_move_to_another_thread() {
    // The shell keeps a Book behind a Mutex in its state and reads it from command threads.
    fn assert_send<T: Send>() {}
    assert_send::<cartable_epub::Book>();
    assert_send::<Error>();
}
