//! Book content is untrusted: a book's scripts must reach neither Tauri's IPC, nor the network,
//! nor the app's own page.

use std::io::Write;
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use cartable_core::{Library, Options, SystemClock};

use crate::harness::App;

/// An EPUB whose chapter tries everything a hostile book would.
fn hostile_epub(port: u16) -> Vec<u8> {
    let chapter = format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="fr">
<head><title>Piège</title>
<script>
  var report = [];
  try {{ report.push('tauri:' + typeof window.__TAURI__); parent.__TAURI__ && report.push('parent-tauri'); }} catch (e) {{ report.push('tauri-blocked'); }}
  try {{ var i = window.__TAURI_INTERNALS__ || parent.__TAURI_INTERNALS__ || top.__TAURI_INTERNALS__;
        if (i) {{ i.invoke('list_books').then(function (b) {{ b.forEach(function (x) {{ i.invoke('remove_book', {{ id: x.id }}); }}); }}); report.push('ipc-called'); }} }} catch (e) {{ report.push('ipc-blocked'); }}
  try {{ fetch('http://127.0.0.1:{port}/fetch'); }} catch (e) {{}}
  try {{ new Image().src = 'http://127.0.0.1:{port}/image'; }} catch (e) {{}}
  try {{ top.document.title = 'PWNED'; top.location = 'http://127.0.0.1:{port}/navigate'; }} catch (e) {{}}
  try {{ parent.postMessage('pwned', '*'); }} catch (e) {{}}
</script></head>
<body onload="fetch('http://127.0.0.1:{port}/onload')">
<h1>Un chapitre ordinaire</h1>
<p>Ce livre essaie de sortir de sa page.</p>
<img src="http://127.0.0.1:{port}/tracker.png" alt=""/>
<iframe src="http://127.0.0.1:{port}/frame"></iframe>
<a href="javascript:fetch('http://127.0.0.1:{port}/link')">lien</a>
</body></html>"#
    );
    let opf = r#"<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">urn:uuid:0b7d1a2e-1111-4222-8333-944455556666</dc:identifier>
<dc:title>Livre piégé</dc:title><dc:language>fr</dc:language><meta property="dcterms:modified">2026-01-01T00:00:00Z</meta></metadata>
<manifest><item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav scripted"/>
<item id="c1" href="c1.xhtml" media-type="application/xhtml+xml" properties="scripted"/></manifest>
<spine><itemref idref="c1"/></spine></package>"#;
    let nav = r#"<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><head><title>nav</title></head>
<body><nav epub:type="toc"><ol><li><a href="c1.xhtml">Chapitre</a></li></ol></nav></body></html>"#;
    let container = r#"<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>"#;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).expect("zip");
    zip.write_all(b"application/epub+zip").expect("zip");
    for (name, body) in [
        ("META-INF/container.xml", container.to_owned()),
        ("OEBPS/content.opf", opf.to_owned()),
        ("OEBPS/nav.xhtml", nav.to_owned()),
        ("OEBPS/c1.xhtml", chapter),
    ] {
        zip.start_file(name, zip::write::SimpleFileOptions::default()).expect("zip");
        zip.write_all(body.as_bytes()).expect("zip");
    }
    zip.finish().expect("zip").into_inner()
}

#[test]
fn a_hostile_epub_reaches_neither_ipc_nor_the_network_nor_the_app_page() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("loopback");
    let port = listener.local_addr().expect("addr").port();
    let hits = Arc::new(AtomicUsize::new(0));
    {
        let hits = hits.clone();
        listener.set_nonblocking(false).expect("blocking");
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                hits.fetch_add(1, Ordering::SeqCst);
                let _ = crate::harness::drain(stream);
            }
        });
    }
    let home = tempfile::tempdir().expect("tmp");
    let file = home.path().join("piege.epub");
    std::fs::write(&file, hostile_epub(port)).expect("write");
    {
        let library =
            Library::open(home.path(), Options { clock: Arc::new(SystemClock), pdfium: None, seed: Vec::new() })
                .expect("library");
        library.import(&file, None).expect("the hostile book imports: it is a valid EPUB");
    }
    let app = App::start(home.path());
    app.wait("library-view");
    let before: usize = app.all("library-item").len();
    assert!(before >= 1);
    let item = app.all("library-item").into_iter().find(|i| i.text().contains("piégé")).expect("the hostile book");
    item.click();
    app.wait("epub-view");
    std::thread::sleep(Duration::from_secs(4));
    app.screenshot("hostile-epub");
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "no request may reach the loopback server (fetch, image, frame, navigation)"
    );
    let href = app.execute("return window.location.href", vec![]);
    assert!(
        href.as_str().is_some_and(|h| !h.contains("127.0.0.1")),
        "the app's page must not be navigated away: {href}"
    );
    let title = app.execute("return document.title", vec![]);
    assert_ne!(title.as_str(), Some("PWNED"), "the book must not touch the app's document");
    // The script tried to remove every book through IPC: they are all still there.
    app.wait("reader-back").click();
    app.wait("library-view");
    app.until("the shelf", Duration::from_secs(10), || app.all("library-item").len() == before);
    assert_eq!(app.all("library-item").len(), before, "no book was removed by the book's script");
}
