//! A loopback HTTP/1.1 file server for the download benchmark: honours `Range`, sends an ETag,
//! can cut the first response short (to measure what a resumed download fetches again), and
//! counts the body bytes it sent.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

pub struct Server {
    pub port: u16,
    pub sent: Arc<AtomicU64>,
    /// Cut the next response after this many body bytes (once).
    pub cut_after: Arc<AtomicU64>,
    /// Bytes per second each response is paced to (0: as fast as loopback goes).
    pub rate: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
}

impl Server {
    pub fn start(body: Arc<Vec<u8>>) -> std::io::Result<Server> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        let sent = Arc::new(AtomicU64::new(0));
        let cut_after = Arc::new(AtomicU64::new(u64::MAX));
        let rate = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        {
            let (sent, cut_after, stop, rate) = (sent.clone(), cut_after.clone(), stop.clone(), rate.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming().flatten() {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let (body, sent, cut_after, rate) = (body.clone(), sent.clone(), cut_after.clone(), rate.clone());
                    std::thread::spawn(move || serve(stream, &body, &sent, &cut_after, &rate));
                }
            });
        }
        Ok(Server { port, sent, cut_after, rate, stop })
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/book.pdf", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve(stream: TcpStream, body: &[u8], sent: &AtomicU64, cut_after: &AtomicU64, rate: &AtomicU64) {
    let Ok(read_half) = stream.try_clone() else { return };
    let mut reader = BufReader::new(read_half);
    let mut stream = stream;
    loop {
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
                from =
                    v.trim().trim_start_matches("bytes=").split('-').next().and_then(|n| n.parse().ok()).unwrap_or(0);
            }
        }
        let part = &body[from.min(body.len())..];
        let head = if from > 0 {
            format!(
                "HTTP/1.1 206 Partial Content\r\nContent-Type: application/pdf\r\nETag: \"bench\"\r\nAccept-Ranges: bytes\r\nContent-Range: bytes {from}-{}/{}\r\nContent-Length: {}\r\n\r\n",
                body.len() - 1,
                body.len(),
                part.len()
            )
        } else {
            format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nETag: \"bench\"\r\nAccept-Ranges: bytes\r\nContent-Length: {}\r\n\r\n",
                part.len()
            )
        };
        if stream.write_all(head.as_bytes()).is_err() {
            return;
        }
        let limit = cut_after.swap(u64::MAX, Ordering::SeqCst);
        let rate = rate.load(Ordering::Relaxed);
        let started = std::time::Instant::now();
        let mut served = 0u64;
        let take = (limit.min(part.len() as u64)) as usize;
        for chunk in part[..take].chunks(256 * 1024) {
            if stream.write_all(chunk).is_err() {
                return;
            }
            sent.fetch_add(chunk.len() as u64, Ordering::Relaxed);
            served += chunk.len() as u64;
            if rate > 0 {
                let due = std::time::Duration::from_secs_f64(served as f64 / rate as f64);
                if let Some(wait) = due.checked_sub(started.elapsed()) {
                    std::thread::sleep(wait);
                }
            }
        }
        if take < part.len() {
            // Cut: drop the connection mid-body.
            return;
        }
    }
}
