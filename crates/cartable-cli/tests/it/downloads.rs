//! `cartable download` killed with -9 mid-way, then run again: it resumes where it stopped and
//! the book ends up in the library once, whole.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::{Home, corpus};

/// Serves one file slowly (about 1.3 MiB/s), honouring `Range`, and counts the bytes sent.
fn slow_server(body: Arc<Vec<u8>>) -> (u16, Arc<AtomicU64>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("loopback");
    let port = listener.local_addr().expect("addr").port();
    let sent = Arc::new(AtomicU64::new(0));
    let counter = sent.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (body, sent) = (body.clone(), counter.clone());
            std::thread::spawn(move || serve(stream, &body, &sent));
        }
    });
    (port, sent)
}

fn serve(stream: TcpStream, body: &[u8], sent: &AtomicU64) {
    let Ok(read) = stream.try_clone() else { return };
    let mut reader = BufReader::new(read);
    let mut stream = stream;
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut from = 0usize;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = header.split_once(':')
            && k.eq_ignore_ascii_case("range")
        {
            from = v.trim().trim_start_matches("bytes=").split('-').next().and_then(|n| n.parse().ok()).unwrap_or(0);
        }
    }
    let part = &body[from..];
    let head = if from > 0 {
        format!(
            "HTTP/1.1 206 Partial Content\r\nContent-Type: application/pdf\r\nETag: \"same\"\r\nContent-Range: bytes {from}-{}/{}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len() - 1,
            body.len(),
            part.len()
        )
    } else {
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nETag: \"same\"\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            part.len()
        )
    };
    if stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    for chunk in part.chunks(64 * 1024) {
        if stream.write_all(chunk).is_err() {
            return;
        }
        sent.fetch_add(chunk.len() as u64, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn kill_9_during_a_download_then_the_same_command_resumes_it() {
    let body = Arc::new(std::fs::read(corpus("pdf/octave.pdf")).expect("pdf"));
    let size = body.len() as u64;
    let (port, sent) = slow_server(body);
    let url = format!("http://127.0.0.1:{port}/livre.pdf");
    let home = Home::new();
    assert!(home.run(&["check"]).status.success(), "seed the library first");
    let mut child =
        home.command(&["download", &url]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("spawn");
    let start = Instant::now();
    while sent.load(Ordering::SeqCst) < size / 3 {
        assert!(start.elapsed() < Duration::from_secs(30), "the download started");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Let it save where it is (every second), then kill it without warning.
    std::thread::sleep(Duration::from_millis(1200));
    child.kill().expect("kill -9");
    child.wait().expect("reap");
    let before = sent.load(Ordering::SeqCst);
    assert!(before < size, "killed before the end");
    let list = home.json(&["downloads", "--json"]);
    let row = &list.as_array().expect("list")[0];
    assert!(row["bytes"].as_u64().unwrap_or(0) > 0, "the bytes fetched so far are remembered: {row}");
    assert!(home.run(&["check"]).status.success(), "a download cut by a kill leaves the library sound");
    let again = home.run(&["download", &url]);
    assert!(
        again.status.success(),
        "the same command resumes and finishes: {}",
        String::from_utf8_lossy(&again.stderr)
    );
    let refetched = sent.load(Ordering::SeqCst).saturating_sub(size);
    assert!(refetched <= 1 << 20, "at most 1 MiB is fetched twice, not {refetched} bytes");
    let books = home.json(&["list", "--json"]);
    let added: Vec<_> = books.as_array().expect("books").iter().filter(|b| b["pages"] == 1158).collect();
    assert_eq!(added.len(), 1, "the book is in the library once");
    assert!(home.run(&["check"]).status.success());
}
