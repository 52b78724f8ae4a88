//! The real-world corpus (`../shared/corpus`, read in place): every EPUB of MANIFEST.tsv.

use cartable_epub::{Book, Direction, Error, Layout, open};

use crate::support::{CorpusBook, corpus_dir, corpus_epubs};

fn open_corpus(name: &str) -> Book {
    let path = corpus_dir().join("epub").join(name);
    open(&path).unwrap_or_else(|error| panic!("{name} must open: {error}"))
}

/// What a broken corpus file must fail with, from its manifest notes.
fn expected_failure(book: &CorpusBook) -> fn(&Error) -> bool {
    // Specific phrases only: every packed book's notes mention its 'mimetype' entry.
    let notes = book.notes.to_lowercase();
    if notes.contains("0-byte") {
        |e| matches!(e, Error::NotZip)
    } else if notes.contains("without end-of-central-directory") || notes.contains("truncated") {
        |e| matches!(e, Error::Truncated | Error::NotZip)
    } else if notes.contains("without the 'mimetype'") {
        |e| matches!(e, Error::MissingMimetype)
    } else if notes.contains("not well-formed") {
        |e| matches!(e, Error::MalformedContent { .. })
    } else {
        panic!("{}: an epub-broken file this test does not know how to judge; add a rule", book.file)
    }
}

/// Opens the book and reads every section; the first error wins.
fn open_and_read_all(book: &CorpusBook) -> Result<Book, Error> {
    let mut opened = open(&book.path())?;
    for index in 0..opened.spine().len() {
        opened.section_text(index)?;
    }
    Ok(opened)
}

#[test]
fn every_corpus_epub_opens_or_fails_as_its_manifest_says() {
    let books = corpus_epubs();
    let mut broken = 0;
    for book in &books {
        if book.kind == "epub-broken" {
            broken += 1;
            let judge = expected_failure(book);
            match open_and_read_all(book) {
                Ok(_) => panic!("{} is broken but opened and read", book.file),
                Err(error) => assert!(judge(&error), "{}: wrong error {error:?}", book.file),
            }
            continue;
        }
        let mut opened =
            open(&book.path()).unwrap_or_else(|error| panic!("{} ({}) must open: {error}", book.file, book.kind));
        let expected_spine: usize = book
            .fact("spine")
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{}: manifest gives no spine=N", book.file));
        assert_eq!(
            opened.spine().len(),
            expected_spine,
            "{}: spine length (warnings: {:?})",
            book.file,
            opened.warnings()
        );
        let expected_layout = match book.fact("layout") {
            Some("pre-paginated") => Layout::PrePaginated,
            _ => Layout::Reflowable,
        };
        assert_eq!(opened.layout(), expected_layout, "{}: layout", book.file);
        assert_eq!(
            opened.direction() == Direction::Rtl,
            book.fact("ppd") == Some("rtl"),
            "{}: page progression direction {:?}",
            book.file,
            opened.direction()
        );
        if let Some(version) = book.fact("epub") {
            assert_eq!(opened.version(), version, "{}: EPUB version", book.file);
        }
        if let Some(language) = book.fact("lang") {
            assert_eq!(opened.metadata().language.as_deref(), Some(language), "{}: language", book.file);
        }
        assert!(!opened.metadata().title.trim().is_empty(), "{}: every real book has a title", book.file);
        for index in 0..opened.spine().len() {
            if let Err(error) = opened.section_text(index) {
                panic!("{}: section {index} ({}) must be readable: {error}", book.file, opened.spine()[index].href);
            }
        }
        if let Some(cover) = opened.cover().cloned() {
            let bytes =
                opened.resource(&cover.href).unwrap_or_else(|error| panic!("{}: cover unreadable: {error}", book.file));
            assert!(!bytes.is_empty(), "{}: empty cover", book.file);
        }
    }
    assert!(broken >= 3, "the corpus should hold its broken EPUBs, found {broken}");
}

#[test]
fn french_books_have_their_language_and_titles() {
    let cases = [
        ("tc-bovary-fr.epub", "Madame Bovary", "Gustave Flaubert"),
        ("tc-centredelaterre-fr.epub", "Voyage au centre de la Terre", "Jules Verne"),
        ("tc-swann-fr.epub", "Du côté de chez Swann", "Marcel Proust"),
        ("idpf-page-blanche-fxl-fr.epub", "Page Blanche", "Boulet"),
    ];
    for (file, title, author) in cases {
        let book = open_corpus(file);
        let metadata = book.metadata();
        assert_eq!(metadata.language.as_deref(), Some("fr"), "{file}");
        assert_eq!(metadata.title, title, "{file}");
        assert_eq!(metadata.authors.first().map(String::as_str), Some(author), "{file}");
    }
}

#[test]
fn a_french_novel_reads_as_french_text() {
    let mut book = open_corpus("tc-bovary-fr.epub");
    let text: String = (0..book.spine().len())
        .flat_map(|index| book.section_text(index).expect("Bovary is well-formed"))
        .map(|chunk| chunk.text)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(text.contains("Charles"), "the hero is named");
    assert!(text.contains("é"), "accents survive decoding");
    assert!(!text.contains("<p"), "no markup leaks into the text");
    assert!(!text.contains("&nbsp;"), "entities are resolved");
}

#[test]
fn page_lists_give_labels_and_split_section_text() {
    let mut book = open_corpus("readium-childrens-literature.epub");
    let labels: Vec<&str> = book.page_list().iter().map(|p| p.label.as_str()).collect();
    assert_eq!(labels.first(), Some(&"169"), "the nav page-list starts at page 169");
    assert!(labels.len() > 50, "dozens of printed pages, got {}", labels.len());
    let section = book.page_list().first().and_then(|page| page.spine_index).expect("page 169 points into the spine");
    let chunks = book.section_text(section).expect("the section is well-formed");
    assert_eq!(
        chunks.first().and_then(|c| c.label.as_deref()),
        Some("169"),
        "the section starts with page 169, so its first chunk is labelled"
    );
    assert!(
        chunks.iter().any(|c| c.label.as_deref() == Some("172") && c.text.starts_with("Many modern writers")),
        "page 172 starts mid-paragraph, after its page break"
    );

    let mut fxl = open_corpus("idpf-page-blanche-fxl-fr.epub");
    assert!(!fxl.page_list().is_empty(), "the fixed-layout comic has a page list");
    assert!(fxl.page_list().iter().all(|p| p.spine_index.is_some()), "every page of the comic is a spine document");
    let first = fxl.page_list()[0].clone();
    let section = first.spine_index.expect("checked above");
    let chunks = fxl.section_text(section).expect("comic pages are well-formed");
    assert_eq!(
        chunks.first().and_then(|c| c.label.as_deref()),
        Some(first.label.as_str()),
        "a page target without fragment labels its whole document"
    );
}

#[test]
fn fixed_layout_books_are_pre_paginated() {
    for file in ["idpf-page-blanche-fxl-fr.epub", "idpf-svg-in-spine-fxl.epub"] {
        assert_eq!(open_corpus(file).layout(), Layout::PrePaginated, "{file}");
    }
    let mixed = open_corpus("idpf-cole-voyage-of-life.epub");
    assert_eq!(mixed.layout(), Layout::Reflowable, "the book default stays reflowable");
    let fixed: Vec<bool> = mixed.spine().iter().map(|item| item.layout == Some(Layout::PrePaginated)).collect();
    assert_eq!(
        fixed,
        [false, false, true, false, true, false, true, false, true, false],
        "paintings are fixed-layout itemrefs"
    );
}

#[test]
fn svg_spine_items_give_their_text_and_covers_are_found() {
    let mut book = open_corpus("idpf-svg-in-spine-fxl.epub");
    assert_eq!(book.spine()[0].media_type, "image/svg+xml");
    for index in 0..book.spine().len() {
        // These pages are drawings and bitmaps with outlined lettering: no <text>, no chunk.
        assert_eq!(
            book.section_text(index).expect("SVG pages are well-formed"),
            [],
            "SVG drawings without <text> give no text (not their <title> or attributes)"
        );
    }
    let cover = book.cover().expect("cover-image property").clone();
    assert_eq!(cover.href, "OPS/Images/cover.svg");

    let moby = open_corpus("tc-moby.epub");
    let cover = moby.cover().expect("EPUB 2 meta cover");
    assert!(cover.media_type.starts_with("image/"), "{cover:?}");
}

#[test]
fn obfuscated_fonts_come_back_as_real_fonts() {
    let mut book = open_corpus("idpf-wasteland-otf-obf.epub");
    let fonts: Vec<String> =
        book.manifest().iter().filter(|r| r.href.ends_with(".otf")).map(|r| r.href.clone()).collect();
    assert_eq!(fonts.len(), 3, "three obfuscated fonts");
    for font in fonts {
        let bytes = book.resource(&font).expect("obfuscated fonts are served");
        assert!(
            bytes.starts_with(b"OTTO") || bytes.starts_with(&[0, 1, 0, 0]),
            "{font}: unscrambled with the book's identifier, the font starts with its OpenType tag: {:?}",
            &bytes[..4]
        );
    }
}

#[test]
fn rtl_books_report_rtl() {
    for file in [
        "idpf-regime-anticancer-arabic.epub",
        "idpf-mymedia_lite-vertical-ja.epub",
        "w3c-pkg-spine-progression_rtl.epub",
    ] {
        assert_eq!(open_corpus(file).direction(), Direction::Rtl, "{file}");
    }
    assert_eq!(open_corpus("tc-eyre.epub").direction(), Direction::Default, "EPUB 2 books do not say");
}

#[test]
fn epub2_books_get_their_toc_from_the_ncx() {
    let book = open_corpus("tc-moby.epub");
    assert!(book.toc().len() > 100, "Moby-Dick has over a hundred chapters");
    assert!(book.toc().iter().all(|entry| entry.spine_index.is_some()), "every NCX entry points into the spine");
    let uuid = book
        .metadata()
        .identifiers
        .iter()
        .find(|id| id.scheme.as_deref() == Some("UUID"))
        .expect("urn:uuid identifier");
    assert!(uuid.value.starts_with("urn:uuid:"), "{uuid:?}");
}
