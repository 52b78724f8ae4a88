//! `cartable prerender` on two cores: the binary started again as a render helper.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::{Home, corpus};

const FLAG: &str = "--cartable-render-helper";

fn page(home: &Home, id: &str, index: usize, width: &str) -> Vec<u8> {
    let out = home.run(&["render", id, &(index + 1).to_string(), "--width", width, "--out", "-"]);
    assert!(out.status.success(), "render {index}: {}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.starts_with(b"\x89PNG\r\n\x1a\n"), "page {index} is a PNG");
    out.stdout
}

#[test]
fn two_processes_store_the_very_pages_one_process_renders() {
    let book = corpus("pdf/readium-daisy-miller.pdf");
    let two = Home::new();
    let imported = two.import(&book);
    let id = imported["book"].as_str().expect("id").to_owned();
    let pages = imported["pages"].as_u64().expect("pages") as usize;
    let out = two.run(&["prerender", &id, "--width", "300"]);
    assert!(out.status.success(), "prerender: {}", String::from_utf8_lossy(&out.stderr));
    assert!(two.run(&["check"]).status.success());
    // Imported and pre-rendered in one pass: the engine reads from the front, the helper
    // renders from the back.
    let along = Home::new();
    let out = along.run(&["import", "--prerender", "--width", "300", book.to_str().expect("utf8")]);
    assert!(out.status.success(), "import --prerender: {}", String::from_utf8_lossy(&out.stderr));
    assert!(along.run(&["check"]).status.success());
    let one = Home::new();
    one.import(&book);
    // Pages from the caches (some made by a helper) against pages rendered now, in this
    // process: the same bytes.
    for index in [0, 1, pages / 2, pages / 2 + 1, pages - 2, pages - 1] {
        let fresh = page(&one, &id, index, "300");
        assert_eq!(page(&two, &id, index, "300"), fresh, "prerender, page {index}");
        assert_eq!(page(&along, &id, index, "300"), fresh, "import --prerender, page {index}");
    }
}

#[test]
fn the_helper_renders_the_pages_it_is_given_and_refuses_a_bad_job() {
    let book = corpus("pdf/readium-daisy-miller.pdf");
    let mut helper = Command::new(env!("CARGO_BIN_EXE_cartable"))
        .arg(FLAG)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let job = serde_json::json!({ "pdfium": null, "pdf": book, "width": 200 });
    let mut input = helper.stdin.take().expect("stdin");
    writeln!(input, "{job}\n2\n0").expect("write");
    drop(input);
    let mut output = Vec::new();
    helper.stdout.take().expect("stdout").read_to_end(&mut output).expect("read");
    assert!(helper.wait().expect("wait").success());
    let mut frames = Vec::new();
    let mut rest = &output[..];
    while !rest.is_empty() {
        let field = |i: usize| u32::from_le_bytes(rest[i..i + 4].try_into().expect("4 bytes")) as usize;
        let (index, height, length) = (field(0), field(4), field(8));
        let png = &rest[12..12 + length];
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert_eq!(u32::from_be_bytes(png[16..20].try_into().expect("width")), 200, "IHDR width");
        assert_eq!(u32::from_be_bytes(png[20..24].try_into().expect("height")) as usize, height);
        frames.push(index);
        rest = &rest[12 + length..];
    }
    assert_eq!(frames, [2, 0], "one frame per page, in the order asked");

    let bad = Command::new(env!("CARGO_BIN_EXE_cartable"))
        .arg(FLAG)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .and_then(|mut child| {
            child.stdin.take().expect("stdin").write_all(b"this is not a job\n1\n")?;
            child.wait_with_output()
        })
        .expect("run");
    assert_eq!(bad.status.code(), Some(1));
    assert!(bad.stdout.is_empty());
}

/// The processes whose parent is `parent` and whose command line holds the helper flag.
fn helpers_of(parent: u32) -> Vec<u32> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        // pid (comm) state ppid …: the comm may hold spaces, so read after its ')'.
        let ppid = stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse::<u32>().ok());
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        if ppid == Some(parent) && cmdline.split(|b| *b == 0).any(|arg| arg == FLAG.as_bytes()) {
            found.push(pid);
        }
    }
    found
}

#[test]
fn a_helper_ends_when_the_command_is_killed() {
    let home = Home::new();
    let book = corpus("pdf/octave.pdf");
    let id = home.import_id(&book);
    let mut child = home
        .command(&["prerender", &id, "--width", "600"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let start = Instant::now();
    let mut helpers = Vec::new();
    while helpers.is_empty() && start.elapsed() < Duration::from_secs(20) {
        assert!(child.try_wait().expect("poll").is_none(), "the pre-render ended before a helper was seen");
        helpers = helpers_of(child.id());
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(helpers.len(), 1, "prerender starts one helper");
    child.kill().expect("kill -9");
    child.wait().expect("reap");
    // Its input closes with the command: it stops after the page it is on.
    let gone = Instant::now();
    while std::path::Path::new(&format!("/proc/{}", helpers[0])).exists() {
        let state = std::fs::read_to_string(format!("/proc/{}/stat", helpers[0])).unwrap_or_default();
        if state.rsplit_once(')').is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')) {
            break; // ended, waiting to be reaped by init
        }
        assert!(gone.elapsed() < Duration::from_secs(10), "the helper outlived the command");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(home.run(&["check"]).status.success());
}
