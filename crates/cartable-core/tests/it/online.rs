//! Catalogues and downloads against a loopback server: browse, search, offline copies,
//! signing in, downloads into the library, new editions.

use std::sync::Arc;

use cartable_core::Library;
use cartable_core::online::{Credential, DownloadRequest, Online};

use crate::server::Server;
use crate::{corpus, library};

const ATOM: &str = "application/atom+xml;profile=opds-catalog;kind=acquisition";

fn feed(updated: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/terms/">
  <id>urn:test:root</id><title>Bibliothèque de l'école</title><updated>{updated}</updated>
  <link rel="search" href="opensearch.xml" type="application/opensearchdescription+xml"/>
  <link rel="next" href="page2.xml" type="{ATOM}"/>
  <entry>
    <id>urn:test:daisy</id><title>Daisy Miller</title><updated>{updated}</updated>
    <author><name>Henry James</name></author>
    <link rel="http://opds-spec.org/acquisition/open-access" href="books/daisy.pdf" type="application/pdf"/>
  </entry>
  <entry>
    <id>urn:test:swann</id><title>Du côté de chez Swann</title><updated>{updated}</updated>
    <link rel="http://opds-spec.org/acquisition/open-access" href="books/swann.epub" type="application/epub+zip"/>
  </entry>
  <entry>
    <id>urn:test:fake</id><title>Pas un livre</title><updated>{updated}</updated>
    <link rel="http://opds-spec.org/acquisition" href="books/page.pdf" type="application/pdf"/>
  </entry>
</feed>"#
    )
}

const OPENSEARCH: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">
  <ShortName>École</ShortName>
  <Url type="application/atom+xml;profile=opds-catalog" template="search?q={searchTerms}"/>
</OpenSearchDescription>"#;

fn serve_catalog() -> Server {
    let server = Server::start();
    server.files.put("root.xml", ATOM, feed("2025-09-01T00:00:00Z"));
    server.files.put("opensearch.xml", "application/opensearchdescription+xml", OPENSEARCH);
    server.files.put(
        "search",
        ATOM,
        r#"<feed xmlns="http://www.w3.org/2005/Atom"><id>s</id><title>Résultats</title><updated>2025-01-01T00:00:00Z</updated>
           <entry><id>urn:test:daisy</id><title>Daisy Miller</title><updated>2025-01-01T00:00:00Z</updated>
           <link rel="http://opds-spec.org/acquisition/open-access" href="books/daisy.pdf" type="application/pdf"/></entry></feed>"#,
    );
    server.files.put(
        "books/daisy.pdf",
        "application/pdf",
        std::fs::read(corpus("pdf/readium-daisy-miller.pdf")).expect("pdf"),
    );
    server.files.put(
        "books/swann.epub",
        "application/epub+zip",
        std::fs::read(corpus("epub/tc-swann-fr.epub")).expect("epub"),
    );
    server.files.put("books/page.pdf", "text/html", "<html><body>Connectez-vous</body></html>");
    server
}

fn online(library: Library) -> Arc<Online> {
    Arc::new(Online::new(Arc::new(library), &[]).expect("online"))
}

/// The library in `dir` opened again, as after a restart.
fn reopen(dir: &std::path::Path) -> Arc<Online> {
    let options =
        cartable_core::Options { clock: Arc::new(cartable_core::SystemClock), pdfium: None, seed: Vec::new() };
    online(Library::open(dir, options).expect("reopen"))
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime")
}

#[test]
fn a_catalogue_is_browsed_searched_and_kept_for_offline_reading() {
    let server = serve_catalog();
    let (_dir, library) = library();
    let online = online(library);
    let rt = runtime();
    let catalog = rt.block_on(online.add_catalog(&server.url("root.xml"), None, None)).expect("add");
    assert_eq!(catalog.name, "Bibliothèque de l'école", "named after the feed");
    let page = rt.block_on(online.browse(catalog.id, None)).expect("browse");
    assert!(!page.offline);
    assert_eq!(page.feed.publications.len(), 3);
    assert_eq!(
        page.feed.next.as_ref().map(|u| u.as_str()),
        Some(server.url("page2.xml").as_str()),
        "relative links resolved"
    );
    let daisy = &page.feed.publications[0].acquisitions[0];
    assert!(daisy.downloadable && daisy.href.as_str().ends_with("books/daisy.pdf"));
    let found = rt.block_on(online.search(catalog.id, "daisy miller")).expect("search");
    assert_eq!(found.feed.title, "Résultats", "the OpenSearch template led to the results page");
    assert!(found.url.contains("q=daisy"), "the query is in the address: {}", found.url);
    // No connection: the page comes from what was saved.
    server.stop();
    let offline = rt.block_on(online.browse(catalog.id, None)).expect("offline copy");
    assert!(offline.offline, "marked as offline");
    assert_eq!(offline.feed.publications.len(), 3, "the saved copy");
    let never_seen = rt.block_on(online.browse(catalog.id, Some(&server.url("never.xml"))));
    assert!(never_seen.is_err(), "a page never seen offline cannot be shown");
}

#[test]
fn downloads_become_books_and_new_editions_replace_old_ones() {
    let server = serve_catalog();
    let (_dir, library) = library();
    let online = online(library);
    let rt = runtime();
    let catalog = rt.block_on(online.add_catalog(&server.url("root.xml"), Some("École"), None)).expect("add");
    let request = DownloadRequest {
        url: server.url("books/daisy.pdf"),
        catalog: Some(catalog.id),
        entry_id: Some("urn:test:daisy".into()),
        entry_url: Some(server.url("root.xml")),
        title: Some("Daisy Miller".into()),
        updated: Some("2025-09-01T00:00:00Z".into()),
        expected_size: None,
    };
    let id = online.enqueue(&request).expect("queue");
    assert_eq!(online.enqueue(&request).expect("again"), id, "the same book is not queued twice");
    let book = rt.block_on(online.run_one(id, &|_| {})).expect("download");
    let summary = online.library().book(&book).expect("in the library").summary;
    assert_eq!(summary.pages, Some(80));
    let on_shelf =
        online.library().shelf("").expect("shelf").into_iter().find(|b| b.summary.id == book).expect("shelved");
    assert_eq!(
        on_shelf.summary.source,
        cartable_core::Source::Catalog { url: request.url.clone(), catalog: Some("École".into()) },
        "the shelf says which catalogue address the book came from"
    );
    let done = online.downloads().expect("list").into_iter().find(|d| d.id == id).expect("row");
    assert_eq!(done.state, "done");
    assert_eq!(done.book.as_deref(), Some(book.as_str()));
    assert!(rt.block_on(online.check_updates()).expect("check").is_empty(), "nothing changed yet");
    // The catalogue publishes a new edition: a different file, a later date.
    server.files.put("root.xml", ATOM, feed("2026-02-01T00:00:00Z"));
    server.files.put(
        "books/daisy.pdf",
        "application/pdf",
        std::fs::read(corpus("pdf/sf-pdflatex-4-pages.pdf")).expect("pdf"),
    );
    let updates = rt.block_on(online.check_updates()).expect("check");
    assert_eq!(updates.len(), 1, "the changed entry is found");
    assert_eq!(updates[0].book, book);
    let next = online.accept_update(&updates[0]).expect("queue the new edition");
    assert!(online.library().book(&book).is_ok(), "the old edition stays readable while the new one downloads");
    let new_book = rt.block_on(online.run_one(next, &|_| {})).expect("new edition");
    assert_ne!(new_book, book);
    assert!(online.library().book(&book).is_err(), "the old edition goes once the new one is in");
    assert_eq!(online.library().book(&new_book).expect("new").summary.pages, Some(4));
}

#[test]
fn a_download_that_is_not_a_book_leaves_nothing() {
    let server = serve_catalog();
    let (dir, library) = library();
    let online = online(library);
    let rt = runtime();
    let id =
        online.enqueue(&DownloadRequest { url: server.url("books/page.pdf"), ..Default::default() }).expect("queue");
    let e = rt.block_on(online.run_one(id, &|_| {})).expect_err("an HTML page is not a book");
    assert_eq!(e.code(), "NotABook", "{e}");
    let row = online.downloads().expect("list").into_iter().find(|d| d.id == id).expect("row");
    assert_eq!((row.state.as_str(), row.error_code.as_deref()), ("failed", Some("NotABook")));
    assert!(online.library().books().expect("list").is_empty(), "nothing was imported");
    let leftovers: Vec<_> =
        std::fs::read_dir(dir.path().join("downloads")).map(|d| d.flatten().collect()).unwrap_or_default();
    assert!(leftovers.is_empty(), "no partial file stays: {leftovers:?}");
    assert!(online.library().check().expect("check").problems.is_empty());
}

#[test]
fn a_catalogue_that_asks_to_sign_in_gets_its_credentials_and_keeps_them() {
    let server = serve_catalog();
    server.files.put(
        "auth.json",
        "application/opds-authentication+json",
        r#"{"id": "http://127.0.0.1/auth", "title": "Bibliothèque municipale",
            "authentication": [{"type": "http://opds-spec.org/auth/basic",
                                "labels": {"login": "Numéro de carte", "password": "Code"}}]}"#,
    );
    *server.basic.lock().expect("lock") = Some("eleve:1234".into());
    let (dir, library) = library();
    let online = online(library);
    let rt = runtime();
    let e = rt.block_on(online.add_catalog(&server.url("root.xml"), None, None)).expect_err("needs to sign in");
    assert_eq!(e.code(), "SignInRequired", "{e}");
    let view = cartable_core::ErrorView::from(&e);
    let details = view.details.expect("how to sign in");
    assert_eq!(details["title"], "Bibliothèque municipale", "the authentication document comes with the error");
    let wrong = Credential { username: "eleve".into(), password: "0000".into(), token: None };
    let e = rt.block_on(online.add_catalog(&server.url("root.xml"), None, Some(wrong))).expect_err("wrong code");
    assert_eq!(e.code(), "WrongCredentials", "{e}");
    let right = Credential { username: "eleve".into(), password: "1234".into(), token: None };
    let catalog = rt.block_on(online.add_catalog(&server.url("root.xml"), None, Some(right))).expect("signed in");
    assert_eq!(catalog.username.as_deref(), Some("eleve"));
    // The saved password opens the catalogue later, and a download through it.
    let page = rt.block_on(online.browse(catalog.id, None)).expect("browse with the saved password");
    assert_eq!(page.feed.publications.len(), 3);
    let id = online
        .enqueue(&DownloadRequest {
            url: server.url("books/swann.epub"),
            catalog: Some(catalog.id),
            ..Default::default()
        })
        .expect("queue");
    rt.block_on(online.run_one(id, &|_| {})).expect("download through the signed-in catalogue");
    for file in ["library.sqlite3", "library.sqlite3-wal"] {
        let bytes = std::fs::read(dir.path().join(file)).unwrap_or_default();
        assert!(!bytes.windows(4).any(|w| w == b"1234"), "{file}: the password is not in the database");
    }
}

#[test]
fn the_speed_cap_is_remembered_raised_to_the_minimum_and_lifted() {
    let (dir, library) = library();
    let online = online(library);
    assert_eq!(online.bandwidth().expect("read"), None, "no cap at first");
    online.set_bandwidth(Some(500_000)).expect("cap");
    online.set_bandwidth(Some(1)).expect("tiny cap");
    let floor = cartable_net::MIN_BANDWIDTH;
    assert_eq!(online.bandwidth().expect("read"), Some(floor), "a cap too low to finish anything is raised");
    drop(online);
    let online = reopen(dir.path());
    assert_eq!(online.bandwidth().expect("read"), Some(floor), "kept across a restart");
    online.set_bandwidth(None).expect("lift");
    assert_eq!(online.bandwidth().expect("read"), None);
}

#[test]
fn interrupted_downloads_are_queued_again_and_resume() {
    let server = serve_catalog();
    let (dir, library) = library();
    let online = online(library);
    let id =
        online.enqueue(&DownloadRequest { url: server.url("books/swann.epub"), ..Default::default() }).expect("queue");
    // As if the app was killed mid-download: the row says running, part of the file is there.
    let full = std::fs::read(corpus("epub/tc-swann-fr.epub")).expect("epub");
    std::fs::create_dir_all(dir.path().join("downloads")).expect("dir");
    std::fs::write(dir.path().join(format!("downloads/{id}.part")), &full[..full.len() / 2]).expect("part");
    let conn = rusqlite::Connection::open(dir.path().join("library.sqlite3")).expect("db");
    conn.execute("UPDATE downloads SET state = 'running' WHERE id = ?1", [id]).expect("running");
    drop(conn);
    drop(online);
    let online = reopen(dir.path());
    let row = online.downloads().expect("list").into_iter().find(|d| d.id == id).expect("row");
    assert_eq!(row.state, "queued", "a download cut by a crash is queued again");
    let rt = runtime();
    rt.block_on(online.run_queue(2, Arc::new(|_| {})));
    let row = online.downloads().expect("list").into_iter().find(|d| d.id == id).expect("row");
    assert_eq!(row.state, "done", "{row:?}");
    assert_eq!(online.library().books().expect("list").len(), 1);
}

#[test]
fn a_catalogue_with_the_oauth_password_flow_gets_a_token() {
    let server = serve_catalog();
    server.files.put(
        "auth.json",
        "application/opds-authentication+json",
        format!(
            r#"{{"id": "http://127.0.0.1/auth", "title": "Plateforme de l'académie",
                "authentication": [{{"type": "http://opds-spec.org/auth/oauth/password",
                    "links": [{{"rel": "authenticate", "href": "http://127.0.0.1:{}/token"}}]}}]}}"#,
            server.port
        ),
    );
    *server.oauth.lock().expect("lock") = Some(("jeton-42".into(), "eleve".into(), "1234".into()));
    let (_dir, library) = library();
    let online = online(library);
    let rt = runtime();
    let e = rt.block_on(online.add_catalog(&server.url("root.xml"), None, None)).expect_err("needs to sign in");
    assert_eq!(e.code(), "SignInRequired");
    let wrong = Credential { username: "eleve".into(), password: "0000".into(), token: None };
    let e = rt.block_on(online.add_catalog(&server.url("root.xml"), None, Some(wrong))).expect_err("refused");
    assert_eq!(e.code(), "WrongCredentials", "a refused token request is a wrong password: {e}");
    let right = Credential { username: "eleve".into(), password: "1234".into(), token: None };
    let catalog =
        rt.block_on(online.add_catalog(&server.url("root.xml"), None, Some(right))).expect("signed in with a token");
    let page = rt.block_on(online.browse(catalog.id, None)).expect("browse with the saved token");
    assert_eq!(page.feed.publications.len(), 3);
    // The token expires: the next page asks for a new one with the saved password.
    *server.oauth.lock().expect("lock") = Some(("jeton-43".into(), "eleve".into(), "1234".into()));
    let page = rt.block_on(online.browse(catalog.id, None)).expect("a new token, without asking the pupil");
    assert!(!page.offline);
    let id = online
        .enqueue(&DownloadRequest {
            url: server.url("books/swann.epub"),
            catalog: Some(catalog.id),
            ..Default::default()
        })
        .expect("queue");
    rt.block_on(online.run_one(id, &|_| {})).expect("download with the token");
}
