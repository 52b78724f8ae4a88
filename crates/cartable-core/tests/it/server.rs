//! A small loopback HTTP server for catalogue tests: serves files from a map, can require
//! Basic auth (answering 401 with a link to an authentication document), and can be stopped
//! to play "offline".

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Path → (content type, body).
type Map = HashMap<String, (String, Vec<u8>)>;

#[derive(Clone, Default)]
pub struct Files(pub Arc<Mutex<Map>>);

impl Files {
    pub fn put(&self, path: &str, content_type: &str, body: impl Into<Vec<u8>>) {
        self.0.lock().expect("lock").insert(path.to_owned(), (content_type.to_owned(), body.into()));
    }
}

pub struct Server {
    pub port: u16,
    pub files: Files,
    /// `user:password` required on every request but the authentication document.
    pub basic: Arc<Mutex<Option<String>>>,
    /// `(token, user, password)`: an OAuth bearer token required on every request but the
    /// authentication document and `token`, where a POST of the user's password gives it.
    pub oauth: Arc<Mutex<Option<(String, String, String)>>>,
    stop: Arc<AtomicBool>,
}

impl Server {
    pub fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("loopback");
        let port = listener.local_addr().expect("addr").port();
        listener.set_nonblocking(true).expect("nonblocking");
        let files = Files::default();
        let basic = Arc::new(Mutex::new(None::<String>));
        let oauth = Arc::new(Mutex::new(None::<(String, String, String)>));
        let stop = Arc::new(AtomicBool::new(false));
        {
            let (files, basic, oauth, stop) = (files.clone(), basic.clone(), oauth.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            let (files, basic, oauth) = (files.clone(), basic.clone(), oauth.clone());
                            std::thread::spawn(move || serve(stream, &files, &basic, &oauth, port));
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(5)),
                    }
                }
            });
        }
        Server { port, files, basic, oauth, stop }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}/{path}", self.port)
    }

    /// Stops accepting connections: the catalogue is now unreachable.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

type OAuth = Mutex<Option<(String, String, String)>>;

fn serve(stream: TcpStream, files: &Files, basic: &Mutex<Option<String>>, oauth: &OAuth, port: u16) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let path = request_line.split_whitespace().nth(1).unwrap_or("/").trim_start_matches('/').to_owned();
    let mut authorization = None;
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).is_err() || line.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            if k.eq_ignore_ascii_case("authorization") {
                authorization = Some(v.trim().to_owned());
            } else if k.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0u8; length];
    if length > 0 && reader.read_exact(&mut body).is_err() {
        return;
    }
    let mut stream = stream;
    if let Some((token, user, password)) = oauth.lock().expect("lock").clone() {
        if path == "token" {
            let form = String::from_utf8_lossy(&body);
            let ok = form.contains("grant_type=password")
                && form.contains(&format!("username={user}"))
                && form.contains(&format!("password={password}"));
            let (status, answer) = if ok {
                ("200 OK", format!(r#"{{"access_token": "{token}", "token_type": "bearer", "expires_in": 3600}}"#))
            } else {
                ("400 Bad Request", r#"{"error": "invalid_grant"}"#.to_owned())
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                answer.len()
            );
            return;
        }
        if path != "auth.json" && authorization.as_deref() != Some(format!("Bearer {token}").as_str()) {
            let link = format!("<http://127.0.0.1:{port}/auth.json>; rel=\"http://opds-spec.org/auth/document\"");
            let _ = write!(
                stream,
                "HTTP/1.1 401 Unauthorized\r\nLink: {link}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            return;
        }
    }
    let required = basic.lock().expect("lock").clone();
    if let Some(pair) = required
        && path != "auth.json"
    {
        let expected = format!("Basic {}", base64(pair.as_bytes()));
        if authorization.as_deref() != Some(expected.as_str()) {
            let link = format!("<http://127.0.0.1:{port}/auth.json>; rel=\"http://opds-spec.org/auth/document\"");
            let _ = write!(
                stream,
                "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"bibliotheque\"\r\nLink: {link}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            return;
        }
    }
    let found = files.0.lock().expect("lock").get(path.split('?').next().unwrap_or("")).cloned().or_else(|| {
        // Search pages: any `search?…` is answered by the file registered as `search`.
        path.starts_with("search").then(|| files.0.lock().expect("lock").get("search").cloned()).flatten()
    });
    match found {
        Some((content_type, body)) => {
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nETag: \"v{}\"\r\nConnection: close\r\n\r\n",
                body.len(),
                body.len()
            );
            let _ = stream.write_all(&body);
        }
        None => {
            let _ = write!(stream, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    }
    let _ = stream.flush();
    let mut rest = [0u8; 16];
    let _ = reader.get_mut().read(&mut rest);
}

fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
