//! Every file of the corpus: imported with the right counts, or refused with its own error.

use cartable_core::{Error, Format, ImportStatus};

use crate::{corpus, library, manifest};

#[test]
fn every_valid_corpus_book_imports_with_the_manifest_counts_and_broken_ones_fail_precisely() {
    let (_dir, library) = library();
    let mut imported = 0;
    for entry in manifest().into_iter().filter(|e| e.kind.starts_with("pdf") || e.kind.starts_with("epub")) {
        let path = corpus(&entry.file);
        let result = library.import(&path, entry.password().as_deref());
        match entry.kind.as_str() {
            "epub-broken" => {
                let e = result.err().unwrap_or_else(|| panic!("{}: a broken EPUB must be refused", entry.file));
                assert!(
                    matches!(e.code(), "EpubDamaged" | "NotEpub"),
                    "{}: a broken EPUB gets an EPUB error, got {} ({e})",
                    entry.file,
                    e.code()
                );
            }
            "pdf-broken" if entry.count("pages").is_none() => {
                let e = result.err().unwrap_or_else(|| panic!("{}: must be refused", entry.file));
                assert_eq!(e.code(), "CorruptPdf", "{}: {e}", entry.file);
            }
            "pdf-broken" => match result {
                // Damaged but repairable: all pages, or a clean refusal.
                Ok(done) => assert_eq!(done.book.pages, entry.count("pages"), "{}", entry.file),
                Err(e) => assert_eq!(e.code(), "CorruptPdf", "{}: {e}", entry.file),
            },
            kind => {
                let done = result.unwrap_or_else(|e| panic!("{} ({kind}) must import: {e}", entry.file));
                assert_eq!(done.status, ImportStatus::Imported, "{}", entry.file);
                imported += 1;
                if kind.starts_with("pdf") {
                    assert_eq!(done.book.format, Format::Pdf);
                    assert_eq!(done.book.pages, entry.count("pages"), "{}: page count", entry.file);
                } else {
                    assert_eq!(done.book.format, Format::Epub);
                    assert_eq!(done.book.sections, entry.count("spine"), "{}: spine length", entry.file);
                    let fixed = entry.fact("layout").as_deref() == Some("pre-paginated");
                    assert_eq!(
                        done.book.pages,
                        fixed.then(|| entry.count("spine")).flatten(),
                        "{}: pages only for fixed layout",
                        entry.file
                    );
                }
            }
        }
    }
    assert!(imported > 70, "most of the corpus is valid: {imported}");
    let report = library.check().expect("check");
    assert!(report.problems.is_empty(), "the library is sound after importing the corpus: {:?}", report.problems);
}

#[test]
fn a_protected_pdf_needs_its_password_once_and_is_kept_without_it() {
    let (dir, library) = library();
    // This one's text does not spell its own password (pypdf's test files do).
    let file = corpus("pdf/sf-libreoffice-writer-password.pdf");
    let e = library.import(&file, None).expect_err("no password");
    assert!(matches!(e, Error::PasswordRequired), "without a password: {e:?}");
    assert_eq!(e.code(), "PasswordRequired");
    let e = library.import(&file, Some("wrong")).expect_err("wrong password");
    assert_eq!(e.code(), "WrongPassword", "{e}");
    assert!(library.books().expect("list").is_empty(), "failed imports leave nothing");
    let done = library.import(&file, Some("openpassword")).expect("right password");
    let id = done.book.id;
    assert!(library.page_image(&id, 0, 200).is_ok(), "the stored copy renders without the password");
    let again = library.import(&file, None).expect("the same file again is recognised before any password is asked");
    assert_eq!(again.status, ImportStatus::AlreadyInLibrary);
    // The password is nowhere in the library folder.
    for entry in walk(dir.path()) {
        let bytes = std::fs::read(&entry).expect("read");
        assert!(!bytes.windows(12).any(|w| w == b"openpassword"), "{} must not hold the password", entry.display());
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("dir").flatten() {
        let p = e.path();
        if p.is_dir() { out.extend(walk(&p)) } else { out.push(p) }
    }
    out
}

#[test]
fn printed_labels_outline_and_metadata_come_through() {
    let (_dir, library) = library();
    let id = library.import(&corpus("pdf/fr-lshort-fr.pdf"), None).expect("import").book.id;
    let book = library.book(&id).expect("book");
    assert_eq!(
        book.summary.language.as_deref().map(|l| &l[..2]),
        Some("fr"),
        "guessed from the text: lshort-fr has no /Lang"
    );
    assert!(book.toc.len() > 20 && book.toc.iter().any(|t| t.depth > 0), "nested outline");
    assert!(book.toc.iter().all(|t| t.page.is_none_or(|p| p < 184)));
    let id = library.import(&corpus("pdf/pdfa-PageLabelsTest.pdf"), None).expect("import").book.id;
    let labels = library.book(&id).expect("book").page_labels;
    assert!(labels.len() == 16, "one label per page: {labels:?}");
    let first_arabic = labels.iter().find(|l| l.label == "1").and_then(|l| l.page).expect("a page labelled 1");
    assert_eq!(library.page_for_label(&id, "1").expect("label"), first_arabic);
    assert!(matches!(library.page_for_label(&id, "zzz"), Err(Error::LabelNotFound(_))));
}

#[test]
fn epub_metadata_navigation_and_resources_come_through() {
    let (_dir, library) = library();
    let id = library.import(&corpus("epub/tc-bovary-fr.epub"), None).expect("import").book.id;
    let book = library.book(&id).expect("book");
    assert_eq!(book.summary.language.as_deref(), Some("fr"));
    assert!(book.summary.title.contains("Bovary"), "{}", book.summary.title);
    assert!(!book.toc.is_empty(), "NCX table of contents");
    let (cover, mime) = library.cover(&id).expect("cover").expect("bovary has a cover");
    assert!(mime.starts_with("image/") && cover.len() > 1000, "{mime}");
    let first = &book.spine[0];
    assert!(first.size > 0, "spine items carry their size");
    let (bytes, mime) = library.resource(&id, &first.href).expect("a spine item by its path");
    assert!(mime.contains("html") && !bytes.is_empty());
    assert!(library.resource(&id, "../../etc/passwd").is_err(), "no path escapes the book");
    let fxl = library.import(&corpus("epub/idpf-page-blanche-fxl-fr.epub"), None).expect("fxl").book;
    assert_eq!(fxl.layout, cartable_core::Layout::PrePaginated);
    assert_eq!(fxl.pages, fxl.sections, "a fixed-layout EPUB counts its spine items as pages");
}

#[test]
fn sanitised_chapters_stay_well_formed_and_keep_their_text() {
    let (_dir, library) = library();
    for entry in manifest().into_iter().filter(|e| e.kind.starts_with("epub") && e.kind != "epub-broken") {
        let Ok(done) = library.import(&corpus(&entry.file), None) else { continue };
        let book = library.book(&done.book.id).expect("book");
        for section in book.spine.iter().filter(|s| s.media_type == "application/xhtml+xml").take(4) {
            let (bytes, _) = library.resource(&done.book.id, &section.href).expect("a chapter");
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                text.contains("Content-Security-Policy"),
                "{} {}: the policy is injected",
                entry.file,
                section.href
            );
            assert!(!text.to_lowercase().contains("<script"), "{} {}: no script survives", entry.file, section.href);
            let mut reader = quick_xml::Reader::from_str(&text);
            let mut depth = 0i64;
            loop {
                match reader.read_event() {
                    Ok(quick_xml::events::Event::Eof) => break,
                    Ok(quick_xml::events::Event::Start(_)) => depth += 1,
                    Ok(quick_xml::events::Event::End(_)) => depth -= 1,
                    Ok(_) => {}
                    Err(e) => {
                        panic!("{} {}: the sanitised chapter must stay well-formed: {e}", entry.file, section.href)
                    }
                }
            }
            assert_eq!(depth, 0, "{} {}: every element is closed", entry.file, section.href);
        }
    }
}
