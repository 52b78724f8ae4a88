//! The engine against the real-world PDFs of ../shared/corpus.

use std::path::{Path, PathBuf};

use cartable_pdf::{Engine, Error};

mod marks;

fn corpus() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    assert!(dir.join("MANIFEST.tsv").is_file(), "the shared corpus must be at {}", dir.display());
    dir
}

fn engine() -> Engine {
    Engine::global().expect("PDFium must be installed by scripts/setup")
}

/// (file, kind, notes) for every PDF of the manifest.
fn manifest_pdfs() -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(corpus().join("MANIFEST.tsv")).expect("manifest");
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f.len() >= 6 && f[0].starts_with("pdf/")).then(|| (f[0].to_owned(), f[4].to_owned(), f[5].to_owned()))
        })
        .collect()
}

fn manifest_pages(notes: &str) -> Option<usize> {
    let start = notes.find("pages=")? + 6;
    notes[start..].split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}

fn password_of(notes: &str) -> Option<String> {
    // "user password 'asdfzxcv'" or "user password 'abc'"
    let start = notes.find("user password '")? + "user password '".len();
    Some(notes[start..].split('\'').next()?.to_owned())
}

#[test]
fn every_corpus_pdf_opens_with_the_manifest_page_count_or_fails_precisely() {
    let engine = engine();
    for (file, kind, notes) in manifest_pdfs() {
        let path = corpus().join(&file);
        let password = password_of(&notes);
        let result = engine.read(&path, password.as_deref());
        match (kind.as_str(), manifest_pages(&notes)) {
            ("pdf-broken", None) => {
                assert!(
                    matches!(result, Err(Error::Corrupt)),
                    "{file}: a PDF with no objects must be Corrupt, got {result:?}"
                );
            }
            // A damaged file either opens once PDFium has repaired it, with every page, or is
            // refused as Corrupt; it never opens with a wrong page count.
            ("pdf-broken", Some(pages)) => match result {
                Ok(info) => assert_eq!(info.pages.len(), pages, "{file}: a repaired PDF keeps every page"),
                Err(e) => assert!(matches!(e, Error::Corrupt), "{file}: unrepairable damage is Corrupt, got {e:?}"),
            },
            (_, Some(pages)) => {
                let info = result.unwrap_or_else(|e| panic!("{file} must open: {e}"));
                assert_eq!(info.pages.len(), pages, "{file}: page count must match the manifest");
                assert_eq!(info.texts.len(), pages, "{file}: one text per page");
            }
            (_, None) => panic!("{file}: manifest gives no page count"),
        }
    }
}

#[test]
fn encrypted_pdfs_need_their_password_and_reject_a_wrong_one() {
    let engine = engine();
    let path = corpus().join("pdf/pypdf-r6-user-password.pdf");
    assert!(matches!(engine.read(&path, None), Err(Error::PasswordRequired)), "no password given");
    assert!(matches!(engine.read(&path, Some("nope")), Err(Error::WrongPassword)), "wrong password");
    assert_eq!(engine.read(&path, Some("asdfzxcv")).expect("right password").pages.len(), 1);
    let owner_only = corpus().join("pdf/pypdf-r6-owner-password.pdf");
    assert!(engine.read(&owner_only, None).is_ok(), "an empty user password opens without prompting");
}

#[test]
fn decrypted_copy_opens_without_a_password_and_keeps_the_text() {
    let engine = engine();
    for (file, pw) in [
        ("pdf/sf-libreoffice-writer-password.pdf", "openpassword"),
        ("pdf/pypdf-r2-user-password.pdf", "asdfzxcv"),
        ("pdf/pypdf-r4-aes-user-password.pdf", "asdfzxcv"),
        ("pdf/pypdf-r6-user-password.pdf", "asdfzxcv"),
        ("pdf/pdfjs-issue6010_1.pdf", "abc"),
    ] {
        let path = corpus().join(file);
        let original = engine.read(&path, Some(pw)).expect("open with password");
        let bytes = engine.decrypt(&path, pw).expect("decrypt");
        let dir = tempfile::tempdir().expect("tmp");
        let copy = dir.path().join("copy.pdf");
        std::fs::write(&copy, bytes).expect("write");
        let reopened =
            engine.read(&copy, None).unwrap_or_else(|e| panic!("{file}: the copy must open without a password: {e}"));
        assert_eq!(reopened.texts, original.texts, "{file}: the unprotected copy must keep every page's text");
    }
}

#[test]
fn render_gives_opaque_rgba_at_the_requested_width() {
    let engine = engine();
    let path = corpus().join("pdf/sf-pdflatex-4-pages.pdf");
    let bmp = engine.render(&path, None, 0, 301).expect("render");
    assert_eq!(bmp.width, 301);
    assert_eq!(bmp.height, (301.0_f32 * 841.89 / 595.276).round() as u32, "A4 aspect ratio");
    assert_eq!(bmp.rgba.len(), 301 * 4 * bmp.height as usize, "rows must be packed without padding");
    assert!(bmp.rgba.chunks(4).all(|px| px[3] == 255), "pages are opaque");
    assert!(bmp.to_rgb().iter().any(|&b| b < 128), "a text page must have dark pixels");
    assert!(matches!(engine.render(&path, None, 4, 100), Err(Error::PageOutOfRange { page: 4, count: 4 })));
}

#[test]
fn outline_targets_resolve_to_pages() {
    let info = engine().read(&corpus().join("pdf/sf-pdflatex-outline.pdf"), None).expect("open");
    let pages: Vec<_> = info.outline.iter().map(|e| e.page).collect();
    assert_eq!(
        pages,
        [1, 1, 1, 1, 2, 2, 2, 3, 3].map(Some),
        "each entry points at the page mutool shows (0-based here)"
    );
    let nested = engine().read(&corpus().join("pdf/fr-lshort-fr.pdf"), None).expect("open");
    assert!(nested.outline.iter().any(|e| e.depth > 0), "children are kept with their depth");
    let first_child = nested.outline.iter().position(|e| e.depth == 1).expect("a child");
    assert_eq!(nested.outline[first_child - 1].depth, 0, "a child follows its parent in document order");
}

#[test]
fn page_labels_come_from_the_page_labels_tree() {
    let info = engine().read(&corpus().join("pdf/pdfa-PageLabelsTest.pdf"), None).expect("open");
    let labels: Vec<_> = info.pages.iter().map(|p| p.label.clone().unwrap_or_default()).collect();
    assert!(labels.iter().any(|l| l == "i" || l == "I"), "roman labels: {labels:?}");
    assert!(labels.iter().any(|l| l == "1"), "arabic labels: {labels:?}");
    let bad = engine()
        .read(&corpus().join("pdf/pdfjs-bad-PageLabels.pdf"), None)
        .expect("a malformed label tree still opens");
    assert_eq!(bad.pages.len(), 1);
}
