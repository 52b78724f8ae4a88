//! Reading: a PDF by printed labels, pages, zoom, contents and search; EPUBs reflowable and
//! fixed; the position kept across a restart.

use std::time::Duration;

use crate::harness::{App, ENTER, RIGHT};

pub(crate) fn open(app: &App, title_part: &str) {
    app.wait("library-view");
    app.until("the bundled books", Duration::from_secs(20), || app.all("library-item").len() >= 3);
    let item = app
        .all("library-item")
        .into_iter()
        .find(|i| i.text().contains(title_part))
        .unwrap_or_else(|| panic!("no book titled like {title_part}"));
    item.click();
    app.wait("reader-view");
}

pub(crate) fn page_index(app: &App) -> usize {
    app.wait("page-indicator").attr("data-page-index").and_then(|v| v.parse().ok()).unwrap_or(usize::MAX)
}

#[test]
fn pdf_pages_labels_zoom_contents_and_search() {
    let home = tempfile::tempdir().expect("tmp");
    let app = App::start(home.path());
    open(&app, "Mathématiques");
    app.wait("reader-page");
    app.assert_not_blank("pdf-opened", "reader-page");
    app.assert_fits_narrow_too("the PDF reader");
    // Printed label "7" is the 11th page (front matter i–iv).
    let field = app.wait("page-number-input");
    field.clear();
    field.type_text("7");
    field.type_text(ENTER);
    app.until("page labelled 7", Duration::from_secs(10), || page_index(&app) == 10);
    assert!(app.wait("page-indicator").text().contains('7'), "the indicator shows the printed label");
    app.assert_not_blank("pdf-label-7", "reader-page");
    app.wait("reader-next").click();
    app.until("next page", Duration::from_secs(10), || page_index(&app) == 11);
    app.wait("reader-prev").click();
    app.until("previous page", Duration::from_secs(10), || page_index(&app) == 10);
    app.keys(RIGHT);
    app.until("→ turns the page", Duration::from_secs(10), || page_index(&app) == 11);
    let before = app.wait("zoom-level").text();
    app.wait("zoom-in").click();
    app.until("zoom changes", Duration::from_secs(5), || app.wait("zoom-level").text() != before);
    app.assert_not_blank("pdf-zoomed", "reader-page");
    app.wait("zoom-fit-page").click();
    // Contents: jump to a chapter.
    app.wait("toc-button").click();
    app.wait("toc-panel");
    let entries = app.all("toc-item");
    assert!(entries.len() >= 4, "the outline has the chapters");
    let target = entries
        .iter()
        .find(|e| e.text().contains("Fractions") || e.text().contains("fractions"))
        .unwrap_or(&entries[3]);
    target.click();
    app.until("the chapter's page", Duration::from_secs(10), || page_index(&app) != 11);
    // Search in the book: hits, then the match highlighted on the page.
    let search = app.wait("book-search-input");
    search.type_text("périmètre");
    search.type_text(ENTER);
    let hit = app.wait("book-search-hit");
    hit.click();
    app.wait("search-highlight");
    app.assert_not_blank("pdf-search-highlight", "reader-page");
}

#[test]
fn epubs_reflowable_and_fixed_layout_open_and_turn_pages() {
    let home = tempfile::tempdir().expect("tmp");
    let app = App::start(home.path());
    open(&app, "cycle de l");
    app.wait("epub-view");
    std::thread::sleep(Duration::from_secs(2));
    app.assert_not_blank("epub-reflowable", "epub-view");
    app.assert_fits_narrow_too("the reflowable EPUB reader");
    let first = app.wait("page-indicator").attr("data-cfi").unwrap_or_default();
    app.wait("reader-next").click();
    app.until("the next EPUB page", Duration::from_secs(10), || {
        app.wait("page-indicator").attr("data-cfi").unwrap_or_default() != first
    });
    app.wait("reader-back").click();
    open(&app, "géométrie");
    app.wait("epub-view");
    std::thread::sleep(Duration::from_secs(2));
    app.assert_not_blank("epub-fixed-layout", "epub-view");
    app.assert_fits("the fixed-layout EPUB reader");
    let first = app.wait("page-indicator").attr("data-cfi").unwrap_or_default();
    app.wait("reader-next").click();
    app.until("the next fixed page", Duration::from_secs(10), || {
        app.wait("page-indicator").attr("data-cfi").unwrap_or_default() != first
    });
    app.assert_not_blank("epub-fixed-layout-next", "epub-view");
}

#[test]
fn after_a_restart_the_book_opens_where_the_pupil_left_it() {
    let home = tempfile::tempdir().expect("tmp");
    {
        let app = App::start(home.path());
        open(&app, "Mathématiques");
        let field = app.wait("page-number-input");
        field.clear();
        field.type_text("9");
        field.type_text(ENTER);
        app.until("page labelled 9", Duration::from_secs(10), || page_index(&app) == 12);
        // Leave the reader so that the position is saved now, as closing the window does.
        app.wait("reader-back").click();
        app.wait("library-view");
    }
    let app = App::start(home.path());
    app.wait("continue-reading");
    open(&app, "Mathématiques");
    app.until("the page read last", Duration::from_secs(10), || page_index(&app) == 12);
    app.assert_not_blank("pdf-restored", "reader-page");
}
