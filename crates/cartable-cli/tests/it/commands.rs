//! Each command, as documented in the README.

use std::io::Write;
use std::process::Stdio;

use crate::{Home, assert_clean_failure, corpus};

#[test]
fn first_start_imports_the_bundled_textbooks() {
    let home = Home::new();
    let books = home.json(&["list", "--json"]);
    let books = books.as_array().expect("array");
    assert_eq!(books.len(), cartable_books::BUNDLED.len(), "every bundled book is in a new library");
    let titles: Vec<&str> = books.iter().filter_map(|b| b["title"].as_str()).collect();
    assert!(titles.iter().any(|t| t.contains("Mathématiques")), "{titles:?}");
    for key in ["id", "title", "authors", "format", "pages", "sections", "source"] {
        assert!(books[0].get(key).is_some(), "list --json has {key}");
    }
    assert!(books.iter().all(|b| b["source"]["kind"] == "bundled"), "bundled books say so: {books:?}");
    // Removing a bundled book is respected: it does not come back on the next start.
    let id = books[0]["id"].as_str().expect("id").to_owned();
    assert!(home.run(&["remove", &id]).status.success());
    assert_eq!(home.json(&["list", "--json"]).as_array().expect("array").len(), books.len() - 1);
}

#[test]
fn import_reports_each_file_in_json_and_fails_if_any_fails() {
    let home = Home::new();
    let good = corpus("pdf/sf-pdflatex-outline.pdf");
    let epub = corpus("epub/tc-swann-fr.epub");
    let broken = corpus("pdf/ocrmypdf-invalid.pdf");
    let out = home.run(&[
        "import",
        "--json",
        good.to_str().expect("utf8"),
        epub.to_str().expect("utf8"),
        broken.to_str().expect("utf8"),
    ]);
    assert_eq!(out.status.code(), Some(1), "one failure makes the whole command fail");
    let lines: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let lines = lines.as_array().expect("one line per file");
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["status"], "imported");
    assert_eq!(lines[0]["format"], "pdf");
    assert_eq!(lines[0]["pages"], 4);
    assert_eq!(lines[1]["format"], "epub");
    assert_eq!(lines[1]["sections"], 12, "sections = spine length");
    assert!(lines[1]["pages"].is_null(), "a reflowable EPUB has no pages");
    assert_eq!(lines[2]["status"], "error");
    assert_eq!(lines[2]["code"], "CorruptPdf");
    assert!(lines[2]["error"].as_str().is_some_and(|e| !e.is_empty()));
    let again = home.json(&["import", "--json", good.to_str().expect("utf8")]);
    assert_eq!(again[0]["status"], "already-in-library");
    let human = home.run(&["import", broken.to_str().expect("utf8")]);
    assert_clean_failure(&human, "a broken PDF");
    assert!(String::from_utf8_lossy(&human.stderr).contains("ocrmypdf-invalid.pdf"), "the error names the file");
}

#[test]
fn password_comes_from_standard_input() {
    let home = Home::new();
    let file = corpus("pdf/pypdf-r6-user-password.pdf");
    let path = file.to_str().expect("utf8");
    let out = home.run(&["import", path]);
    assert_clean_failure(&out, "no password");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--password-stdin"), "says how to give it");
    let with = |password: &str| {
        let mut child = home
            .command(&["import", "--json", "--password-stdin", path])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        child.stdin.take().expect("stdin").write_all(password.as_bytes()).expect("write");
        child.wait_with_output().expect("wait")
    };
    let wrong = with("nope\n");
    assert_eq!(wrong.status.code(), Some(1));
    let lines: serde_json::Value = serde_json::from_slice(&wrong.stdout).expect("json");
    assert_eq!(lines[0]["code"], "WrongPassword");
    let right = with("asdfzxcv\n");
    assert!(right.status.success(), "{}", String::from_utf8_lossy(&right.stderr));
}

#[test]
fn info_render_text_and_search() {
    let home = Home::new();
    let file = corpus("pdf/pdfa-PageLabelsTest.pdf");
    let id = home.import_id(&file);
    let info = home.json(&["info", "--json", &id[..10]]);
    assert_eq!(info["id"].as_str(), Some(id.as_str()), "a book is found by the start of its id");
    assert_eq!(info["pages"], 16);
    assert_eq!(info["pageLabels"].as_array().expect("labels").len(), 16);
    let out_png = home.path().join("p.png");
    let out = home.run(&["render", &id[..8], "3", "--width", "300", "--out", out_png.to_str().expect("utf8")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let png = std::fs::read(&out_png).expect("png written");
    assert!(png.starts_with(b"\x89PNG"), "a PNG file");
    let label = info["pageLabels"][5]["label"].as_str().expect("label").to_owned();
    let by_label = home.run(&["render", &id, "--label", &label, "--out", "-"]);
    assert!(by_label.status.success() && by_label.stdout.starts_with(b"\x89PNG"), "--label and --out -");
    let missing = home.run(&["render", &id, "99"]);
    assert_clean_failure(&missing, "a page past the end");
    assert!(String::from_utf8_lossy(&missing.stderr).contains("16 pages"), "says how many pages there are");
    let text = home.run(&["text", &id, "1"]);
    assert!(text.status.success());
    // Search within the imported book and the bundled ones.
    let hits = home.json(&["search", "--json", "périmètre"]);
    let hits = hits.as_array().expect("hits");
    assert!(!hits.is_empty(), "the bundled maths book speaks of perimeters");
    for key in ["book", "title", "page", "label", "snippet"] {
        assert!(hits[0].get(key).is_some(), "search --json has {key}");
    }
    let plain = home.json(&["search", "--json", "PERIMETRE"]);
    assert_eq!(plain.as_array().map(Vec::len), Some(hits.len()), "accents and case do not matter");
    let none = home.run(&["search", "--book", "nothing-like-this", "x"]);
    assert_clean_failure(&none, "an unknown book");
}

#[test]
fn output_into_a_closed_pipe_is_not_an_error() {
    let home = Home::new();
    let mut child = home
        .command(&["search", "le", "--limit", "200"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    assert!(
        out.status.code() == Some(0),
        "a closed pipe ends quietly, not with a panic: {:?} {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn check_reports_damage_and_exits_1() {
    let home = Home::new();
    assert!(home.run(&["check"]).status.success(), "a new library is sound");
    let files = home.path().join("files");
    let shard = std::fs::read_dir(&files).expect("files").flatten().next().expect("a shard").path();
    let file = std::fs::read_dir(&shard).expect("shard").flatten().next().expect("a file").path();
    std::fs::write(&file, b"damaged").expect("damage");
    let out = home.run(&["check"]);
    assert_eq!(out.status.code(), Some(1), "damage makes check fail");
    assert!(String::from_utf8_lossy(&out.stdout).contains("damaged"));
}
