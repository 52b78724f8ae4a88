//! kill -9, signals and hostile files: the library stays sound and the command never panics.

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::{Home, corpus};

fn wait_then_kill(mut child: std::process::Child, after: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < after {
        if child.try_wait().expect("poll").is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().expect("kill -9");
    child.wait().expect("reap");
    true
}

#[test]
fn kill_9_during_import_leaves_nothing_or_everything() {
    let home = Home::new();
    assert!(home.run(&["check"]).status.success(), "seed the bundled books first");
    let big = corpus("pdf/octave.pdf");
    let before = home.json(&["list", "--json"]).as_array().expect("list").len();
    let mut killed = 0;
    for delay_ms in [30, 120, 400, 900, 1600, 2500] {
        let child = home
            .command(&["import", big.to_str().expect("utf8")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        if wait_then_kill(child, Duration::from_millis(delay_ms)) {
            killed += 1;
        }
        let check = home.run(&["check"]);
        assert!(
            check.status.success(),
            "check after kill -9 at {delay_ms} ms: {}",
            String::from_utf8_lossy(&check.stdout)
        );
        let books = home.json(&["list", "--json"]);
        let books = books.as_array().expect("list");
        match books.len() - before {
            0 => {}
            1 => {
                let octave = books.iter().find(|b| b["pages"] == 1158).expect("the whole book or nothing");
                let id = octave["id"].as_str().expect("id");
                let text = home.run(&["text", id, "1158"]);
                assert!(text.status.success(), "an imported book has all its pages' text");
                break;
            }
            n => panic!("{n} books appeared from one file"),
        }
    }
    assert!(killed > 0, "at least one import was killed mid-way");
    let done = home.json(&["import", "--json", big.to_str().expect("utf8")]);
    assert_eq!(done[0]["pages"], 1158, "a later import completes");
}

#[test]
fn kill_9_and_ctrl_c_during_prerender_keep_the_cache_sound_and_resumable() {
    let home = Home::new();
    let book = corpus("pdf/readium-daisy-miller.pdf");
    let id = home.import_id(&book);
    let child = home
        .command(&["prerender", &id, "--width", "400"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    assert!(wait_then_kill(child, Duration::from_millis(700)), "the pre-render was still running");
    let check = home.run(&["check"]);
    assert!(check.status.success(), "check after kill -9: {}", String::from_utf8_lossy(&check.stdout));
    // SIGINT: the command stops at the next page, says so, exits 1, never dies by the signal.
    let child = home
        .command(&["prerender", &id, "--width", "400"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    std::thread::sleep(Duration::from_millis(400));
    let pid = child.id().to_string();
    let _ = std::process::Command::new("kill").args(["-INT", &pid]).status();
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    match out.status.code() {
        Some(1) => assert!(stderr.contains("interrupted"), "says it was interrupted: {stderr}"),
        Some(0) => {} // it finished before the signal arrived
        other => panic!("a signal must not kill the command: {other:?} {stderr}"),
    }
    let finish = home.run(&["prerender", &id, "--width", "400"]);
    assert!(finish.status.success(), "resume: {}", String::from_utf8_lossy(&finish.stderr));
    assert!(home.run(&["check"]).status.success());
}

/// Deterministic pseudo-random numbers (xorshift), so that failures can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn damaged_and_fuzzed_books_fail_cleanly() {
    let home = Home::new();
    let dir = tempfile::tempdir().expect("tmp");
    let mut rng = Rng(0x5eed_cafe);
    let mut files = Vec::new();
    for (n, source) in [
        "pdf/sf-pdflatex-outline.pdf",
        "pdf/fr-masterCollegeComplet.pdf",
        "epub/tc-swann-fr.epub",
        "epub/idpf-page-blanche-fxl-fr.epub",
    ]
    .iter()
    .enumerate()
    {
        let bytes = std::fs::read(corpus(source)).expect("read");
        let ext = if source.ends_with(".pdf") { "pdf" } else { "epub" };
        for k in 0..12 {
            let mut damaged = bytes.clone();
            if k % 3 == 0 {
                damaged.truncate((rng.next() as usize) % bytes.len());
            } else {
                for _ in 0..(1 + k * 3) {
                    let at = (rng.next() as usize) % damaged.len();
                    damaged[at] = rng.next() as u8;
                }
            }
            let path = dir.path().join(format!("fuzz-{n}-{k}.{ext}"));
            std::fs::write(&path, damaged).expect("write");
            files.push(path);
        }
    }
    let mut args = vec!["import".to_owned(), "--json".to_owned()];
    args.extend(files.iter().map(|p| p.to_string_lossy().into_owned()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = home.run(&refs);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "damaged files never crash the command: {:?} {stderr}",
        out.status
    );
    let lines: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    for line in lines.as_array().expect("lines") {
        if line["status"] == "error" {
            assert!(line["code"].as_str().is_some_and(|c| !c.is_empty()), "every failure has a code: {line}");
        }
    }
    assert!(home.run(&["check"]).status.success(), "the library is sound after hostile imports");
}
