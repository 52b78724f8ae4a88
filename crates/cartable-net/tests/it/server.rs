//! A loopback HTTP/1.1 server written by hand on a TcpListener, so that every fault can be
//! produced byte for byte: cut connections, lying headers, stalls, slow trickles.
//!
//! It serves one file ("the book") with an ETag and a Last-Modified, honours Range and
//! If-Range like a static file server, and answers each `/book` request with the next queued
//! [`Fault`]. Every request is logged as a [`Hit`], with the body bytes actually written.
//! Each response closes its connection. Only 127.0.0.1 is ever bound.
//!
//! Routes: `/book` (and `/feed`, the same bytes as an OPDS feed, without faults), `/auth-body`
//! (a 401 whose body is an authentication document), `/loop/a` ⇄ `/loop/b`, `/hops/N` (N
//! redirects, then `/book`), `/away` (a redirect to [`Server::redirect_away_to`]), `/huge`
//! (announces 65 MiB), `/chunked` (the book, chunked, without a length).

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio::time::Instant;

pub const REALM: &str = "Bibliotheque du college";
pub const AUTH_DOCUMENT: &[u8] = br#"{"id":"https://books.example/auth","title":"Sign in","authentication":[{"type":"http://opds-spec.org/auth/basic"}]}"#;

/// What the server does wrong in answer to one `/book` request.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Sends the headers and this many body bytes, then closes the connection.
    CutAfter(u64),
    /// Answers this status, with a short body.
    Status(u16),
    /// 429 with `Retry-After: <seconds>`.
    TooManyRequests { retry_after_secs: u64 },
    /// The file changes (new ETag and Last-Modified) just before this request is answered.
    ReplaceFile(Vec<u8>),
    /// Declares a `Content-Length` off by this many bytes, sends the true body, closes.
    ContentLengthOff(i64),
    /// A 206 that starts this many bytes after the offset asked for.
    RangeStartOff(u64),
    /// Sends this many body bytes, then stays silent for the duration, then closes.
    StallAfter(u64, Duration),
    /// Answers a request without Range with a 206 for the first half of the file.
    UnaskedPartial,
}

/// One request, as the server saw and answered it.
#[derive(Debug, Clone)]
pub struct Hit {
    pub path: String,
    pub range: Option<String>,
    pub if_range: Option<String>,
    pub authorization: Option<String>,
    pub user_agent: Option<String>,
    pub status: u16,
    /// Body bytes the server meant to send, then (once the response is over) the bytes it
    /// actually wrote into the socket.
    pub body_bytes: u64,
    /// When the request arrived.
    pub at: Instant,
}

struct Shared {
    file: Arc<Vec<u8>>,
    version: u32,
    faults: VecDeque<Fault>,
    ignore_ranges: bool,
    validators: bool,
    trickle: Option<(usize, Duration)>,
    basic: Option<String>,
    away: Option<String>,
    hits: Vec<Hit>,
}

pub struct Server {
    addr: SocketAddr,
    shared: Arc<Mutex<Shared>>,
    task: JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Server {
    pub async fn start(file: Vec<u8>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a loopback port is free");
        let addr = listener.local_addr().expect("bound");
        let shared = Arc::new(Mutex::new(Shared {
            file: Arc::new(file),
            version: 1,
            faults: VecDeque::new(),
            ignore_ranges: false,
            validators: true,
            trickle: None,
            basic: None,
            away: None,
            hits: Vec::new(),
        }));
        let task = {
            let shared = shared.clone();
            tokio::spawn(async move {
                while let Ok((socket, _)) = listener.accept().await {
                    tokio::spawn(answer(socket, shared.clone()));
                }
            })
        };
        Server { addr, shared, task }
    }

    pub fn url(&self, path: &str) -> cartable_net::Url {
        format!("http://{}{path}", self.addr).parse().expect("valid url")
    }

    fn shared(&self) -> MutexGuard<'_, Shared> {
        self.shared.lock().expect("server state not poisoned")
    }

    pub fn push(&self, fault: Fault) {
        self.shared().faults.push_back(fault);
    }

    pub fn push_n(&self, fault: Fault, n: usize) {
        for _ in 0..n {
            self.push(fault.clone());
        }
    }

    pub fn clear_faults(&self) {
        self.shared().faults.clear();
    }

    pub fn set_ignore_ranges(&self, on: bool) {
        self.shared().ignore_ranges = on;
    }

    /// Without ETag and Last-Modified, like a naive server.
    pub fn set_validators(&self, on: bool) {
        self.shared().validators = on;
    }

    /// Sends bodies `piece` bytes at a time, waiting `delay` between pieces.
    pub fn set_trickle(&self, trickle: Option<(usize, Duration)>) {
        self.shared().trickle = trickle;
    }

    pub fn require_basic(&self, user: &str, password: &str) {
        self.shared().basic = Some(basic_header(user, password));
    }

    pub fn redirect_away_to(&self, url: &cartable_net::Url) {
        self.shared().away = Some(url.to_string());
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.shared().hits.clone()
    }

    pub fn file(&self) -> Arc<Vec<u8>> {
        self.shared().file.clone()
    }

    pub fn etag(&self) -> String {
        let shared = self.shared();
        etag(&shared)
    }
}

pub fn basic_header(user: &str, password: &str) -> String {
    format!("Basic {}", base64(format!("{user}:{password}").as_bytes()))
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn etag(shared: &Shared) -> String {
    format!("\"v{}-{}\"", shared.version, shared.file.len())
}

fn last_modified(shared: &Shared) -> String {
    // Long before the Date header: a strong validator.
    let base = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480);
    httpdate::fmt_http_date(base + Duration::from_secs(86_400 * u64::from(shared.version)))
}

/// What to send back, decided under the lock, written without it.
struct Plan {
    status: u16,
    headers: Vec<(String, String)>,
    body: Arc<Vec<u8>>,
    start: usize,
    end: usize,
    /// Declared Content-Length, when it differs from `end - start` or there is no body slice.
    declared: Option<u64>,
    chunked: bool,
    send: Option<u64>,
    stall: Option<Duration>,
    trickle: Option<(usize, Duration)>,
}

impl Plan {
    fn status(status: u16, body: &[u8]) -> Plan {
        let body = Arc::new(body.to_vec());
        let end = body.len();
        Plan {
            status,
            headers: Vec::new(),
            body,
            start: 0,
            end,
            declared: None,
            chunked: false,
            send: None,
            stall: None,
            trickle: None,
        }
    }

    /// Sets a header, replacing one of the same name.
    fn header(mut self, name: &str, value: impl Into<String>) -> Plan {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    fn planned_body(&self) -> u64 {
        let len = (self.end - self.start) as u64;
        self.send.map_or(len, |n| n.min(len))
    }
}

async fn answer(mut socket: TcpStream, shared: Arc<Mutex<Shared>>) {
    let at = Instant::now();
    let Some((path, headers)) = read_request(&mut socket).await else {
        return;
    };
    // Logged in the order requests arrive, before answering: a test may look as soon as
    // its client has read the response.
    let (plan, index) = {
        let mut shared = shared.lock().expect("server state not poisoned");
        let plan = plan(&mut shared, &path, &headers);
        shared.hits.push(Hit {
            path,
            range: headers.get("range").cloned(),
            if_range: headers.get("if-range").cloned(),
            authorization: headers.get("authorization").cloned(),
            user_agent: headers.get("user-agent").cloned(),
            status: plan.status,
            body_bytes: plan.planned_body(),
            at,
        });
        (plan, shared.hits.len() - 1)
    };
    let body_bytes = write_response(&mut socket, plan).await;
    shared.lock().expect("server state not poisoned").hits[index].body_bytes = body_bytes;
    let _ = socket.shutdown().await;
}

async fn read_request(socket: &mut TcpStream) -> Option<(String, HashMap<String, String>)> {
    let mut buffer = Vec::with_capacity(2048);
    let mut piece = [0u8; 1024];
    while !buffer.windows(4).any(|w| w == b"\r\n\r\n") {
        if buffer.len() > 64 * 1024 {
            return None;
        }
        let n = socket.read(&mut piece).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&piece[..n]);
    }
    let text = String::from_utf8_lossy(&buffer);
    let mut lines = text.split("\r\n");
    let path = lines.next()?.split(' ').nth(1)?.to_owned();
    let headers = lines
        .take_while(|line| !line.is_empty())
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    Some((path, headers))
}

fn plan(shared: &mut Shared, path: &str, headers: &HashMap<String, String>) -> Plan {
    let authorized = match &shared.basic {
        Some(expected) => headers.get("authorization") == Some(expected),
        None => true,
    };
    match path {
        "/book" | "/feed" if !authorized => {
            Plan::status(401, b"sign in")
                .header("WWW-Authenticate", format!("Basic realm=\"{REALM}\""))
                .header("Link", "</auth.json>; rel=\"http://opds-spec.org/auth/document\"; type=\"application/opds-authentication+json\"")
        }
        "/book" => {
            let fault = shared.faults.pop_front();
            book(shared, headers, fault)
        }
        "/feed" => {
            let plan = book(shared, &HashMap::new(), None);
            plan.header("Content-Type", "application/atom+xml;profile=opds-catalog;kind=acquisition")
        }
        "/chunked" => {
            let mut plan = book(shared, &HashMap::new(), None);
            plan.chunked = true;
            plan
        }
        "/auth-body" => Plan::status(401, AUTH_DOCUMENT).header("Content-Type", "application/opds-authentication+json"),
        "/loop/a" => Plan::status(302, b"").header("Location", "/loop/b"),
        "/loop/b" => Plan::status(302, b"").header("Location", "/loop/a"),
        "/away" => match &shared.away {
            Some(url) => Plan::status(302, b"").header("Location", url.clone()),
            None => Plan::status(404, b"nowhere to go"),
        },
        "/huge" => {
            let mut plan = Plan::status(200, b"");
            plan.declared = Some(65 * 1024 * 1024);
            plan.send = Some(0);
            plan
        }
        _ => {
            if let Some(n) = path.strip_prefix("/hops/").and_then(|n| n.parse::<u32>().ok()) {
                // Absolute and relative Locations alike.
                let next = match n {
                    0 => "/book".to_owned(),
                    n if n % 2 == 1 => format!("/hops/{}", n - 1),
                    n => (n - 1).to_string(),
                };
                Plan::status(302, b"").header("Location", next)
            } else {
                Plan::status(404, b"not found")
            }
        }
    }
}

fn book(shared: &mut Shared, headers: &HashMap<String, String>, fault: Option<Fault>) -> Plan {
    match &fault {
        Some(Fault::Status(status)) => return Plan::status(*status, b"failure"),
        Some(Fault::TooManyRequests { retry_after_secs }) => {
            return Plan::status(429, b"slow down").header("Retry-After", retry_after_secs.to_string());
        }
        Some(Fault::ReplaceFile(bytes)) => {
            shared.file = Arc::new(bytes.clone());
            shared.version += 1;
        }
        _ => {}
    }
    let file = shared.file.clone();
    let len = file.len();
    let etag = etag(shared);
    let last_modified = last_modified(shared);
    let if_range_holds = match headers.get("if-range") {
        None => true,
        Some(v) => *v == etag || *v == last_modified,
    };
    let asked = headers
        .get("range")
        .filter(|_| !shared.ignore_ranges && if_range_holds)
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.split_once('-'))
        .and_then(|(first, _)| first.parse::<usize>().ok());
    let mut plan = Plan::status(200, b"");
    plan.body = file;
    plan.trickle = shared.trickle;
    if shared.validators {
        plan = plan.header("ETag", etag).header("Last-Modified", last_modified);
    }
    plan = plan.header("Accept-Ranges", "bytes").header("Content-Type", "application/pdf");
    match asked {
        Some(first) if first >= len => {
            plan.status = 416;
            plan.end = 0;
            return plan.header("Content-Range", format!("bytes */{len}"));
        }
        Some(first) => {
            let shift = match fault {
                Some(Fault::RangeStartOff(shift)) => shift as usize,
                _ => 0,
            };
            let start = (first + shift).min(len - 1);
            plan.status = 206;
            plan.start = start;
            plan.end = len;
            plan = plan.header("Content-Range", format!("bytes {start}-{}/{len}", len - 1));
        }
        None if matches!(fault, Some(Fault::UnaskedPartial)) => {
            plan.status = 206;
            plan.end = len / 2;
            plan = plan.header("Content-Range", format!("bytes 0-{}/{len}", len / 2 - 1));
        }
        None => {
            plan.start = 0;
            plan.end = len;
        }
    }
    match fault {
        Some(Fault::CutAfter(n)) => plan.send = Some(n),
        Some(Fault::StallAfter(n, pause)) => {
            plan.send = Some(n);
            plan.stall = Some(pause);
        }
        Some(Fault::ContentLengthOff(off)) => {
            plan.declared = Some(((plan.end - plan.start) as i64 + off).max(0) as u64);
        }
        _ => {}
    }
    plan
}

/// Writes the response; returns the body bytes written.
async fn write_response(socket: &mut TcpStream, plan: Plan) -> u64 {
    let reason = match plan.status {
        200 => "OK",
        206 => "Partial Content",
        302 => "Found",
        401 => "Unauthorized",
        404 => "Not Found",
        416 => "Range Not Satisfiable",
        429 => "Too Many Requests",
        _ => "Status",
    };
    let body = &plan.body[plan.start..plan.end];
    let mut head = format!("HTTP/1.1 {} {reason}\r\n", plan.status);
    head.push_str(&format!("Date: {}\r\nConnection: close\r\n", httpdate::fmt_http_date(SystemTime::now())));
    if plan.chunked {
        head.push_str("Transfer-Encoding: chunked\r\n");
    } else {
        head.push_str(&format!("Content-Length: {}\r\n", plan.declared.unwrap_or(body.len() as u64)));
    }
    for (name, value) in &plan.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    if socket.write_all(head.as_bytes()).await.is_err() {
        return 0;
    }
    let limit = plan.send.map_or(body.len(), |n| (n as usize).min(body.len()));
    let (piece, delay) = plan.trickle.unwrap_or((64 * 1024, Duration::ZERO));
    let mut sent = 0;
    for part in body[..limit].chunks(piece) {
        if sent > 0 && !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        let written = if plan.chunked {
            let mut framed = format!("{:x}\r\n", part.len()).into_bytes();
            framed.extend_from_slice(part);
            framed.extend_from_slice(b"\r\n");
            socket.write_all(&framed).await
        } else {
            socket.write_all(part).await
        };
        if written.is_err() {
            return sent;
        }
        sent += part.len() as u64;
    }
    if plan.chunked && plan.send.is_none() {
        let _ = socket.write_all(b"0\r\n\r\n").await;
    }
    let _ = socket.flush().await;
    if let Some(stall) = plan.stall {
        tokio::time::sleep(stall).await;
    }
    sent
}
