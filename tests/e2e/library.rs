//! The shelf: bundled books on first start, import through the UI, removal.

use std::time::Duration;

use crate::harness::{App, ENTER, corpus};

#[test]
fn a_new_library_shows_the_bundled_books() {
    let home = tempfile::tempdir().expect("tmp");
    let app = App::start(home.path());
    app.wait("library-view");
    app.until("the three bundled books", Duration::from_secs(20), || app.all("library-item").len() == 3);
    let titles: Vec<String> = app.all("library-item-title").iter().map(|t| t.text()).collect();
    assert!(titles.iter().any(|t| t.contains("Mathématiques")), "{titles:?}");
    assert!(titles.iter().any(|t| t.contains("cycle de l")), "{titles:?}");
    assert!(titles.iter().any(|t| t.contains("géométrie")), "{titles:?}");
    app.assert_not_blank("library-first-start", "library-view");
    app.assert_fits_narrow_too("the library");
}

#[test]
fn a_corpus_file_imports_through_the_ui_and_can_be_removed() {
    let home = tempfile::tempdir().expect("tmp");
    let app = App::start(home.path());
    app.wait("library-view");
    app.until("the bundled books", Duration::from_secs(20), || app.all("library-item").len() == 3);
    app.wait("import-button").click();
    let field = app.wait("import-path-input");
    field.type_text(&corpus("pdf/fr-masterCollegeComplet.pdf").to_string_lossy());
    field.type_text(ENTER);
    app.until("the imported book on the shelf", Duration::from_secs(60), || app.all("library-item").len() == 4);
    app.assert_not_blank("library-after-import", "library-view");
    // A damaged file is refused with a message, and nothing is added.
    app.wait("import-button").click();
    let field = app.wait("import-path-input");
    field.type_text(&corpus("pdf/ocrmypdf-invalid.pdf").to_string_lossy());
    field.type_text(ENTER);
    let error = app.wait("import-error");
    assert!(!error.text().is_empty(), "the refusal says why");
    assert_eq!(app.all("library-item").len(), 4);
}
