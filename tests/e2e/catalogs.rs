//! Catalogues in the window: the bundled catalogue works with no connection; a book removed
//! from the library comes back by downloading it from there.

use std::time::Duration;

use crate::harness::App;

#[test]
fn a_book_comes_back_from_the_bundled_catalogue() {
    let home = tempfile::tempdir().expect("tmp");
    let app = App::start(home.path());
    app.wait("library-view");
    app.until("the bundled books", Duration::from_secs(20), || app.all("library-item").len() == 3);
    // Remove the science book, asking first.
    let item = app.all("library-item").into_iter().find(|i| i.text().contains("cycle de l")).expect("science book");
    let remove = app
        .all("remove-button")
        .into_iter()
        .find(|b| b.attr("aria-label").is_some_and(|l| l.contains("cycle de l")))
        .expect("its remove button");
    drop(item);
    remove.click();
    app.wait("confirm-ok").click();
    app.until("two books left", Duration::from_secs(10), || app.all("library-item").len() == 2);
    // Download it again from the bundled catalogue.
    app.wait("catalogs-button").click();
    app.wait("catalogs-view");
    let bundled = app
        .all("catalog-item")
        .into_iter()
        .find(|c| c.attr("data-bundled").as_deref() == Some("true"))
        .expect("bundled");
    bundled.click();
    app.wait("catalog-browser");
    app.until("the three publications", Duration::from_secs(20), || app.all("catalog-publication").len() == 3);
    app.assert_not_blank("catalog-bundled", "catalog-browser");
    app.assert_fits("the catalogue browser");
    let science = app
        .all("catalog-publication")
        .into_iter()
        .find(|p| p.attr("data-entry-id").as_deref() == Some("urn:cartable:book:sciences-cycle-de-l-eau"))
        .expect("the science book in the catalogue");
    drop(science);
    let download = app
        .all("catalog-download")
        .into_iter()
        .find(|d| {
            d.attr("data-format").as_deref() == Some("epub") && {
                let card = app.execute(
                    "return arguments[0].closest('[data-testid=catalog-publication]').dataset.entryId",
                    vec![d.as_arg()],
                );
                card.as_str() == Some("urn:cartable:book:sciences-cycle-de-l-eau")
            }
        })
        .expect("its download button");
    download.click();
    app.until("the download to finish", Duration::from_secs(30), || {
        app.all("download-item").iter().any(|d| d.attr("data-state").as_deref() == Some("done"))
            || app.all("catalog-in-library").len() == 1
    });
    app.wait("catalogs-back").click();
    app.wait("library-view");
    app.until("the book back on the shelf", Duration::from_secs(20), || app.all("library-item").len() == 3);
    app.assert_not_blank("library-after-download", "library-view");
}
