//! Import, the page cache, pre-render, removal and check.

use std::sync::atomic::AtomicBool;

use cartable_core::{Error, ImportStatus};

use crate::{corpus, library};

#[test]
fn the_same_file_imported_twice_is_one_book() {
    let (_dir, library) = library();
    let file = corpus("pdf/sf-pdflatex-4-pages.pdf");
    let first = library.import(&file, None).expect("first");
    let copy_dir = tempfile::tempdir().expect("tmp");
    let copy = copy_dir.path().join("renamed.pdf");
    std::fs::copy(&file, &copy).expect("copy");
    let second = library.import(&copy, None).expect("second");
    assert_eq!(first.status, ImportStatus::Imported);
    assert_eq!(second.status, ImportStatus::AlreadyInLibrary, "same bytes under another name");
    assert_eq!(first.book.id, second.book.id);
    assert_eq!(library.books().expect("list").len(), 1);
}

#[test]
fn pages_render_once_then_come_from_the_cache() {
    let (_dir, library) = library();
    let id = library.import(&corpus("pdf/sf-pdflatex-4-pages.pdf"), None).expect("import").book.id;
    let first = library.page_image(&id, 1, 500).expect("render");
    assert!(!first.cached);
    assert!(first.bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG the webview can show");
    let second = library.page_image(&id, 1, 500).expect("cached");
    assert!(second.cached, "the second request is served from the cache");
    assert_eq!(first.bytes, second.bytes);
    assert_eq!((second.width, second.height), (500, 707), "A4 at 500 px");
    assert!(matches!(library.page_image(&id, 4, 500), Err(Error::PageOutOfRange { page: 5, count: 4 })));
    assert!(matches!(library.page_image(&id, 0, 5), Err(Error::InvalidWidth { .. })));
}

#[test]
fn prerender_is_interruptible_and_resumes_where_it_stopped() {
    let (_dir, library) = library();
    let id = library.import(&corpus("pdf/readium-daisy-miller.pdf"), None).expect("import").book.id;
    let cancel = AtomicBool::new(false);
    let mut seen = Vec::new();
    let result = library.prerender(&id, 300, &cancel, &mut |p| {
        seen.push(p.done);
        if p.done >= 10 {
            cancel.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    });
    assert!(matches!(result, Err(Error::Cancelled)), "stopping early says so: {result:?}");
    let stopped_at = *seen.last().expect("progress");
    // Pages are stored in batches of 8; a few more may be on their way when the flag is set.
    assert!((10..=32).contains(&stopped_at), "stops within a few pages of the request: {stopped_at}");
    let done = library.prerender(&id, 300, &AtomicBool::new(false), &mut |_| {}).expect("resume");
    assert_eq!(done.total, 80);
    assert_eq!(done.done, 80);
    assert_eq!(done.rendered, 80 - stopped_at, "the pages already cached are not rendered again");
    assert!(library.page_image(&id, 79, 300).expect("last page").cached);
}

#[test]
fn removing_a_book_removes_its_file_text_and_cache() {
    let (dir, library) = library();
    let id = library.import(&corpus("pdf/fr-masterCollegeComplet.pdf"), None).expect("import").book.id;
    library.page_image(&id, 0, 200).expect("render");
    assert!(!library.search("Remerciements", None, 5).expect("search").is_empty());
    library.remove(&id).expect("remove");
    assert!(library.books().expect("list").is_empty());
    assert!(library.search("Remerciements", None, 5).expect("search").is_empty(), "its text leaves the index");
    let files: Vec<_> = walk(&dir.path().join("files"));
    assert!(files.is_empty(), "its file is deleted: {files:?}");
    assert!(matches!(library.remove(&id), Err(Error::BookNotFound(_))));
    assert!(library.check().expect("check").problems.is_empty());
}

#[test]
fn check_finds_a_damaged_or_missing_file() {
    let (dir, library) = library();
    library.import(&corpus("pdf/sf-pdflatex-4-pages.pdf"), None).expect("import");
    assert!(library.check().expect("check").problems.is_empty());
    let stored = walk(&dir.path().join("files")).pop().expect("a stored file");
    let mut bytes = std::fs::read(&stored).expect("read");
    bytes[100] ^= 0xff;
    std::fs::write(&stored, &bytes).expect("damage");
    let report = library.check().expect("check");
    assert!(report.problems.iter().any(|p| p.contains("damaged")), "{:?}", report.problems);
    std::fs::remove_file(&stored).expect("delete");
    let report = library.check().expect("check");
    assert!(report.problems.iter().any(|p| p.contains("missing")), "{:?}", report.problems);
    // Importing the file again repairs the library.
    library.import(&corpus("pdf/sf-pdflatex-4-pages.pdf"), None).expect("again");
    assert!(library.check().expect("check").problems.is_empty(), "re-import puts the file back");
}

#[test]
fn books_are_found_by_id_prefix_or_title_without_accents() {
    let (_dir, library) = library();
    let id = library.import(&corpus("pdf/fr-lshort-fr.pdf"), None).expect("import").book.id;
    library.import(&corpus("epub/tc-bovary-fr.epub"), None).expect("import");
    assert_eq!(library.find(&id.as_str()[..6]).expect("id prefix"), id);
    let title = library.book(&id).expect("book").summary.title;
    assert_eq!(library.find(&title.to_uppercase()).expect("title, any case"), id);
    assert!(matches!(library.find("zzzz-no-such"), Err(Error::BookNotFound(_))));
}

#[test]
fn not_a_book_is_refused_with_its_reason() {
    let (_dir, library) = library();
    let dir = tempfile::tempdir().expect("tmp");
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "bonjour").expect("write");
    let e = library.import(&text, None).expect_err("text file");
    assert_eq!(e.code(), "UnsupportedFormat");
    let e = library.import(&dir.path().join("absent.pdf"), None).expect_err("missing");
    assert_eq!(e.code(), "FileNotFound");
    assert!(walk(&library.root().join("tmp")).is_empty(), "refused files leave nothing behind");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() { out.extend(walk(&p)) } else { out.push(p) }
    }
    out
}

#[test]
fn reading_positions_survive_reopening_the_library() {
    let (dir, library) = library();
    let id = library.import(&corpus("pdf/readium-daisy-miller.pdf"), None).expect("import").book.id;
    let me = library.default_profile().expect("a first profile").id;
    assert_eq!(library.position(&me, &id).expect("none yet"), None);
    let here = cartable_core::Position { loc: "page:41".into(), progress: 0.52, label: Some("42".into()) };
    library.save_position(&me, &id, &here).expect("save");
    drop(library);
    let reopened = cartable_core::Library::open(
        dir.path(),
        cartable_core::Options {
            clock: std::sync::Arc::new(cartable_core::SystemClock),
            pdfium: None,
            seed: Vec::new(),
        },
    )
    .expect("reopen");
    assert_eq!(reopened.position(&me, &id).expect("saved"), Some(here), "the position is kept across restarts");
    let sister = reopened.add_profile("Inès", None).expect("second profile").id;
    assert_eq!(reopened.position(&sister, &id).expect("read"), None, "another pupil starts at the beginning");
    let bad = cartable_core::Position { loc: "page:1".into(), progress: 1.5, label: None };
    assert_eq!(reopened.save_position(&me, &id, &bad).expect_err("out of range").code(), "InvalidPosition");
}

#[test]
fn the_text_layer_matches_the_page_text() {
    let (_dir, library) = library();
    let id = library.import(&corpus("pdf/sf-pdflatex-4-pages.pdf"), None).expect("import").book.id;
    let runs = library.text_layer(&id, 0).expect("text layer");
    assert!(runs.len() > 10, "a text page has many lines: {}", runs.len());
    for run in &runs {
        assert!((0.0..=1.0).contains(&run.left) && run.left < run.right && run.top < run.bottom, "{run:?}");
        assert_eq!(run.edges.len(), run.text.chars().count(), "an edge per character");
    }
    let joined: String = runs.iter().map(|r| r.text.as_str()).collect::<Vec<_>>().join(" ");
    let words: Vec<String> =
        library.text(&id, 0).expect("text").split_whitespace().take(20).map(str::to_owned).collect();
    for w in words {
        assert!(joined.contains(&w), "the layer holds the page's words: {w}");
    }
}

#[test]
fn import_with_prerender_caches_every_page_in_the_same_pass() {
    let (_dir, library) = library();
    let mut last = cartable_core::Progress::default();
    let done = library
        .import_prerendered(
            &corpus("pdf/readium-daisy-miller.pdf"),
            None,
            300,
            std::sync::Arc::new(AtomicBool::new(false)),
            &mut |p| last = p,
        )
        .expect("import");
    assert_eq!(done.book.pages, Some(80));
    assert_eq!((last.done, last.total), (80, 80), "progress reaches every page");
    let again = library.prerender(&done.book.id, 300, &AtomicBool::new(false), &mut |_| {}).expect("prerender");
    assert_eq!(again.rendered, 0, "nothing is left to render");
    assert!(library.page_image(&done.book.id, 40, 300).expect("page").cached);
    assert!(!library.search("Daisy", Some(&done.book.id), 5).expect("search").is_empty(), "the text is indexed too");
    // A protected PDF takes the same path with its password.
    let protected = library
        .import_prerendered(
            &corpus("pdf/sf-libreoffice-writer-password.pdf"),
            Some("openpassword"),
            300,
            std::sync::Arc::new(AtomicBool::new(false)),
            &mut |_| {},
        )
        .expect("protected import");
    assert!(library.page_image(&protected.book.id, 0, 300).expect("page").cached);
    assert!(library.check().expect("check").problems.is_empty());
}
