//! Interoperability with a real OPDS server nobody here wrote: calibre's content server,
//! started on loopback with a library made by `calibredb add` from corpus books. Browse,
//! search and download through Cartable, then read the downloaded books (their content is
//! compared, not their bytes: calibre rewrites metadata).

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cartable_core::online::{DownloadRequest, Online};

use crate::{corpus, library};

struct Calibre {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Calibre {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn calibre(books: &[&str]) -> Calibre {
    let have = Command::new("sh").args(["-c", "command -v calibre-server && command -v calibredb"]).output();
    assert!(have.is_ok_and(|o| o.status.success()), "calibre is missing: scripts/setup --test installs it");
    let dir = tempfile::tempdir().expect("tmp");
    let library = dir.path().join("bibliotheque");
    let config = dir.path().join("config");
    // calibre refuses to run beside another calibre program of the same user: give this one
    // its own runtime and temporary folders.
    let runtime = dir.path().join("run");
    std::fs::create_dir_all(&runtime).expect("runtime dir");
    let calibre_env = |cmd: &mut Command| {
        cmd.env("QT_QPA_PLATFORM", "offscreen")
            .env("CALIBRE_CONFIG_DIRECTORY", &config)
            .env("XDG_RUNTIME_DIR", &runtime)
            .env("TMPDIR", &runtime)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
    };
    let mut add = Command::new("calibredb");
    add.arg("add").arg("--library-path").arg(&library).args(books.iter().map(|b| corpus(b)));
    calibre_env(&mut add);
    let added = add.status().expect("calibredb").success();
    if !added {
        // calibredb refuses to run while any other calibre program of this user runs (a lock
        // in /var/lock); the same library is then made through calibre's own Python API.
        let script = dir.path().join("add.py");
        std::fs::write(
            &script,
            "import sys\nfrom calibre.library import db\nfrom calibre.ebooks.metadata.meta import get_metadata\n\
             api = db(sys.argv[1]).new_api\nfor path in sys.argv[2:]:\n    fmt = path.rsplit('.', 1)[1].upper()\n\
             \x20   with open(path, 'rb') as f:\n        mi = get_metadata(f, fmt.lower())\n\
             \x20   api.add_books([(mi, {fmt: path})])\n",
        )
        .expect("script");
        let mut debug = Command::new("calibre-debug");
        debug.arg(&script).arg(&library).args(books.iter().map(|b| corpus(b)));
        calibre_env(&mut debug);
        assert!(debug.status().expect("calibre-debug").success(), "making the calibre library");
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("port").port();
    let child = Command::new("calibre-server")
        .args(["--listen-on", "127.0.0.1", "--port", &port.to_string()])
        .arg(&library)
        // This server is the only program on its own library: calibre's one-program-per-user
        // lock has nothing to protect here.
        .env("CALIBRE_NO_SI_DANGER_DANGER", "1")
        .env("QT_QPA_PLATFORM", "offscreen")
        .env("CALIBRE_CONFIG_DIRECTORY", &config)
        .env("XDG_RUNTIME_DIR", &runtime)
        .env("TMPDIR", &runtime)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("calibre-server");
    let server = Calibre { child, port, _dir: dir };
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(start.elapsed() < Duration::from_secs(60), "calibre-server did not start");
        std::thread::sleep(Duration::from_millis(200));
    }
    server
}

#[test]
fn calibre_catalogue_browse_search_download_and_read() {
    let server = calibre(&["epub/tc-bovary-fr.epub", "pdf/R-intro.pdf"]);
    let (_dir, lib) = library();
    let online = Arc::new(Online::new(Arc::new(lib), &[]).expect("online"));
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let catalog =
        rt.block_on(online.add_catalog(&format!("http://127.0.0.1:{}/opds", server.port), None, None)).expect("add");
    let root = rt.block_on(online.browse(catalog.id, None)).expect("browse");
    assert!(
        root.feed.navigation.iter().any(|l| l.title.contains("Title")),
        "calibre's navigation: {:?}",
        root.feed.navigation
    );
    let by_title = root.feed.navigation.iter().find(|l| l.title.contains("Title")).expect("by title");
    let listed = rt.block_on(online.browse(catalog.id, Some(by_title.href.as_str()))).expect("by title");
    assert_eq!(listed.feed.publications.len(), 2, "both books are listed");

    // Reference: the same corpus files imported directly.
    let (_ref_dir, reference) = library();
    for (query, file) in [("Bovary", "epub/tc-bovary-fr.epub"), ("R-intro", "pdf/R-intro.pdf")] {
        let found = rt.block_on(online.search(catalog.id, query)).expect("search");
        let publication = found.feed.publications.first().unwrap_or_else(|| panic!("{query} is found"));
        let acquisition = publication.acquisitions.iter().find(|a| a.downloadable).expect("a downloadable file");
        let id = online
            .enqueue(&DownloadRequest {
                url: acquisition.href.to_string(),
                catalog: Some(catalog.id),
                entry_id: publication.id.clone(),
                title: Some(publication.title.clone()),
                updated: publication.updated.clone(),
                ..Default::default()
            })
            .expect("queue");
        let book = rt.block_on(online.run_one(id, &|_| {})).unwrap_or_else(|e| panic!("{query}: download: {e}"));
        let downloaded = online.library().book(&book).expect("in the library");
        let original = reference.import(&corpus(file), None).expect("reference import").book;
        assert_eq!(downloaded.summary.format, original.format, "{query}");
        assert_eq!(downloaded.summary.pages, original.pages, "{query}: same pages");
        assert_eq!(downloaded.summary.sections, original.sections, "{query}: same spine");
        let count = original.pages.or(original.sections).unwrap_or_default();
        for index in [0, count / 2, count - 1] {
            assert_eq!(
                online.library().text(&book, index).expect("text"),
                reference.text(&original.id, index).expect("text"),
                "{query}: page/section {index} reads the same"
            );
        }
        if downloaded.summary.format == cartable_core::Format::Pdf {
            let image = online.library().page_image(&book, 0, 300).expect("the first page renders");
            assert!(image.bytes.starts_with(b"\x89PNG"));
        }
    }
}
