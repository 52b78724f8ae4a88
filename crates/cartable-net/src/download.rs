//! Resumable, verified downloads of large files over weak connections.
//!
//! The bytes go to a `.part` file that the caller names, the caller persists a [`State`] as
//! the download goes, and a later [`download`] call (after a pause, a crash, a reboot) carries
//! on from the bytes on disk. The caller renames the `.part` file once [`download`] returns
//! [`Done`]: a finished download has been size-checked, hashed and `fsync`ed.
//!
//! # Resuming and validation
//!
//! - A first request is a plain GET. From its response the [`State`] keeps a *validator*: the
//!   strong `ETag`, else a `Last-Modified` date that is a strong validator (RFC 9110 §8.8.2.2).
//!   Weak ETags are never used.
//! - Later requests send `Range: bytes=N-` and `If-Range: <validator>`, `N` being the length of
//!   the `.part` file.
//!   - `206` whose `Content-Range` starts at `N` (and whose length, total and ETag agree with
//!     what is known): the bytes are appended. Any disagreement restarts from zero, and a
//!     server whose ranges are wrong is asked for whole files for the rest of the call.
//!   - `200`: the file on the server changed (If-Range failed) or the server ignores ranges:
//!     the `.part` file is truncated and the download starts again from zero.
//!   - `416` with `Content-Range: bytes */N`: the file was already complete.
//! - Without any validator, ranges are still asked for (a server that gives none is usually a
//!   static file server), and the announced total, the expected size and the expected sha256
//!   are what catch a file that changed in between.
//!
//! # Hashing on resume
//!
//! The sha256 is computed while writing. A hasher's state is not kept in [`State`]: on resume,
//! the bytes already on disk are hashed again (streaming, 256 KiB at a time, on a blocking
//! thread: about a second for 300 MB). The file on disk is the truth: after a crash it may hold
//! more bytes than the last State saved, and hashing them is what makes the final checksum
//! mean "these exact bytes".
//!
//! # Sizes
//!
//! The total comes from `Content-Length` (200) or `Content-Range` (206, 416), and must agree
//! with [`Request::expected_size`] at once, before any byte is written. A server that
//! announces two different totals for the same file is given one restart from zero; a second
//! disagreement is [`Error::SizeMismatch`]. More bytes than announced is a mismatch too.
//!
//! # Failures
//!
//! Connection errors, timeouts, bodies cut short, 408, 429 and 5xx are retried with backoff
//! ([`crate::Retry`]), each retry resuming from the bytes on disk; the count of failures resets
//! whenever the file grows past its longest length so far. Other 4xx, redirect loops, a full
//! disk and mismatches end the download at once.
//!
//! # What is left on disk
//!
//! | outcome | `.part` file | [`State`] |
//! | --- | --- | --- |
//! | [`Done`] | complete, `fsync`ed: rename it | complete; discard it after the rename |
//! | [`Error::Paused`], [`Error::GaveUp`], other network or HTTP errors | kept (`fsync`ed on pause) | keep it to resume |
//! | [`Error::Cancelled`], [`Error::DiskFull`], [`Error::SizeMismatch`], [`Error::ChecksumMismatch`] | removed | reset to default |
//!
//! Dropping the future (the task is aborted, the app is killed) is like a crash: the `.part`
//! file and the last reported State resume as after a pause.
//!
//! # Threads
//!
//! Chunks are written with plain `write(2)` calls on the task's thread (a chunk is what the
//! HTTP layer has read, up to a few hundred KiB; hyper's read buffer grows to that on a fast
//! link, so reads are large exactly when it matters). The re-hash on resume and the final
//! `fsync` run on tokio's blocking pool.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::header::{self, HeaderMap, HeaderValue};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::time::Instant;
use url::Url;

use crate::client::{self, Auth, Client};
use crate::control::{Control, Stop};
use crate::error::Error;
use crate::headers::{self, ContentRange};
use crate::pace::{Bucket, Speed};

/// What to download, and where.
#[derive(Debug, Clone)]
pub struct Request {
    pub url: Url,
    pub auth: Option<Auth>,
    /// The `.part` file. Its folder must exist; the caller renames the file when done.
    pub dest: PathBuf,
    /// From the catalogue: a server announcing another size is refused before any byte is kept.
    pub expected_size: Option<u64>,
    /// Lower- or upper-case hex; a finished file with another hash is removed.
    pub expected_sha256: Option<String>,
}

/// What the caller persists (serde) to resume a download in a later call or process:
/// save the one in each [`Progress`], and the final one after [`download`] returns.
/// `State::default()` starts a new download.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// Bytes in the `.part` file, a prefix of the representation that `validator` names.
    bytes: u64,
    validator: Option<Validator>,
    /// The file's whole size, when the server announced it.
    total: Option<u64>,
}

/// What identifies one version of the file on the server, sent back in `If-Range`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Validator {
    /// A strong entity tag, quotes included (`"abc"`).
    Etag(String),
    /// An HTTP-date, as sent in `Last-Modified`.
    LastModified(String),
}

impl State {
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    pub fn total(&self) -> Option<u64> {
        self.total
    }

    pub fn validator(&self) -> Option<&Validator> {
        self.validator.as_ref()
    }
}

/// Reported at most ten times a second, and at once after a restart from zero and before a
/// retry's wait (so that the persisted State is never far behind the file).
#[derive(Debug, Clone)]
pub struct Progress {
    /// Bytes on disk.
    pub bytes: u64,
    pub total: Option<u64>,
    /// Smoothed over the last ~3 s; 0 until it can be measured.
    pub bytes_per_second: u64,
    /// Time left at the current speed, when the total is known and the speed is not 0.
    pub eta: Option<Duration>,
    /// The State to persist now.
    pub state: State,
}

/// A finished download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Done {
    /// The `.part` file ([`Request::dest`]), complete and `fsync`ed.
    pub path: PathBuf,
    pub size: u64,
    /// Lower-case hex.
    pub sha256: String,
}

/// Where a download's bytes go: a [`File`] in the app, a wrapper in tests (a disk that fills
/// up). `write` must hand bytes to the operating system without buffering them, so that the
/// reported [`State`] always matches the file.
pub trait PartFile: Write + Send + 'static {
    /// Forces the bytes to the disk (`fsync`).
    fn sync(&mut self) -> io::Result<()>;
}

impl PartFile for File {
    fn sync(&mut self) -> io::Result<()> {
        self.sync_all()
    }
}

/// Reports are spaced by at least this.
const PROGRESS_INTERVAL: Duration = Duration::from_millis(100);

/// Read size when hashing the bytes already on disk.
const REHASH_BUFFER: usize = 256 * 1024;

/// Downloads `request.url` into `request.dest`, resuming from `state`. See the module
/// documentation for what is checked, retried, and left on disk.
pub async fn download(
    client: &Client,
    request: &Request,
    state: &mut State,
    control: &Control,
    progress: impl FnMut(Progress),
) -> Result<Done, Error> {
    download_with(client, request, state, control, progress, |file| file).await
}

/// [`download`], writing through `open(file)` each time the `.part` file is opened.
pub async fn download_with<W: PartFile>(
    client: &Client,
    request: &Request,
    state: &mut State,
    control: &Control,
    progress: impl FnMut(Progress),
    open: impl FnMut(File) -> W,
) -> Result<Done, Error> {
    let expected_sha256 = match &request.expected_sha256 {
        Some(hex) if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) => Some(hex.to_ascii_lowercase()),
        Some(hex) => return Err(Error::InvalidRequest(format!("expected sha256 {hex:?} is not 64 hex digits"))),
        None => None,
    };
    let now = Instant::now();
    let mut run = Run {
        client,
        request,
        expected_sha256,
        state,
        control,
        progress,
        open,
        file: None,
        hasher: Sha256::new(),
        bucket: Bucket::new(now),
        speed: Speed::new(now, 0),
        last_report: now,
        ranges_broken: false,
        size_restarts: 0,
    };
    let result = match control.stop() {
        Some(stop) => Err(stop_error(stop)),
        None => run.run().await,
    };
    match &result {
        Err(
            Error::Cancelled | Error::DiskFull { .. } | Error::SizeMismatch { .. } | Error::ChecksumMismatch { .. },
        ) => {
            run.discard();
        }
        Err(Error::Paused) => {
            if let Some(file) = run.file.take() {
                // Best effort: the State stays right even if the last bytes are lost, since
                // resuming trusts the file's length, not the State's count.
                let _ = tokio::task::spawn_blocking(move || sync(file)).await;
            }
        }
        _ => {}
    }
    result
}

fn stop_error(stop: Stop) -> Error {
    match stop {
        Stop::Pause => Error::Paused,
        Stop::Cancel => Error::Cancelled,
    }
}

/// How one HTTP exchange ended, short of finishing the file.
enum Step {
    /// Paused or cancelled.
    Stop(Stop),
    /// Worth retrying after a wait (at least the one the server asked for).
    Transient(Error, Option<Duration>),
    /// The server's answer contradicts what is on disk: start again from zero, now. Counts as
    /// a failure, so that a server that always contradicts itself ends in [`Error::GaveUp`].
    Restart(&'static str),
    /// Ends the download.
    Fatal(Error),
}

impl From<Error> for Step {
    fn from(e: Error) -> Step {
        if e.is_transient() { Step::Transient(e, None) } else { Step::Fatal(e) }
    }
}

/// The bytes written by one exchange reached the end of what it could give.
enum Reached {
    /// The whole file is on disk.
    End,
    /// The server sent a shorter range than asked; ask for the rest.
    Partial,
}

struct Run<'a, W, P, O> {
    client: &'a Client,
    request: &'a Request,
    expected_sha256: Option<String>,
    state: &'a mut State,
    control: &'a Control,
    progress: P,
    open: O,
    file: Option<W>,
    hasher: Sha256,
    bucket: Bucket,
    speed: Speed,
    last_report: Instant,
    /// The server's 206 answers were wrong once: ask for whole files from now on.
    ranges_broken: bool,
    /// Restarts because the server announced another total for the same file.
    size_restarts: u32,
}

impl<W, P, O> Run<'_, W, P, O>
where
    W: PartFile,
    P: FnMut(Progress),
    O: FnMut(File) -> W,
{
    async fn run(&mut self) -> Result<Done, Error> {
        self.resume_from_disk().await?;
        let retry = self.client.config.retry.clone();
        let mut failures = 0;
        let mut longest = self.state.bytes;
        loop {
            let step = match self.exchange().await {
                Ok(Reached::End) => return self.finish().await,
                Ok(Reached::Partial) => continue,
                Err(step) => step,
            };
            match step {
                Step::Stop(stop) => return Err(stop_error(stop)),
                Step::Fatal(e) => return Err(e),
                Step::Restart(problem) => {
                    let e = Error::UnexpectedResponse { host: client::host_of(&self.request.url), problem };
                    failures = if self.state.bytes > longest { 1 } else { failures + 1 };
                    longest = longest.max(self.state.bytes);
                    if failures >= retry.max_failures {
                        return Err(Error::GaveUp { failures, last: Box::new(e) });
                    }
                    self.truncate()?;
                }
                Step::Transient(e, retry_after) => {
                    // New bytes beyond the longest file so far reset the count: a connection
                    // that breaks often but makes progress is never given up on.
                    failures = if self.state.bytes > longest { 1 } else { failures + 1 };
                    longest = longest.max(self.state.bytes);
                    if failures >= retry.max_failures {
                        return Err(Error::GaveUp { failures, last: Box::new(e) });
                    }
                    self.report(true, false);
                    let wait = retry.delay(failures, retry_after);
                    if let Some(stop) = self.wait(wait).await {
                        return Err(stop_error(stop));
                    }
                }
            }
        }
    }

    /// Opens the `.part` file as the State describes it: from zero for a new download, else
    /// hashing the bytes already there.
    async fn resume_from_disk(&mut self) -> Result<(), Error> {
        if self.state.bytes == 0 {
            return self.truncate();
        }
        let path = self.request.dest.clone();
        let rehashed = tokio::task::spawn_blocking(move || rehash(&path))
            .await
            .unwrap_or_else(|e| Err(io::Error::other(e)))
            .map_err(|e| Error::io("reading the partial download", &self.request.dest, e))?;
        let Some((hasher, len)) = rehashed else {
            return self.truncate();
        };
        let too_long = |limit: Option<u64>| limit.is_some_and(|limit| len > limit);
        if len == 0 || too_long(self.state.total) || too_long(self.request.expected_size) {
            return self.truncate();
        }
        self.hasher = hasher;
        self.state.bytes = len;
        self.speed.reset(Instant::now(), len);
        self.file = Some(self.open_file(false)?);
        self.report(true, false);
        Ok(())
    }

    /// Empties the `.part` file and forgets everything about the previous version.
    fn truncate(&mut self) -> Result<(), Error> {
        // Closed before reopening: on Windows an open handle would keep the old bytes.
        self.file = None;
        self.file = Some(self.open_file(true)?);
        self.hasher = Sha256::new();
        *self.state = State::default();
        self.speed.reset(Instant::now(), 0);
        self.report(true, false);
        Ok(())
    }

    fn open_file(&mut self, truncate: bool) -> Result<W, Error> {
        let mut options = OpenOptions::new();
        options.create(true);
        if truncate {
            options.write(true).truncate(true);
        } else {
            options.append(true);
        }
        let file = options
            .open(&self.request.dest)
            .map_err(|e| Error::io("opening the download file", &self.request.dest, e))?;
        Ok((self.open)(file))
    }

    /// One request and its body.
    async fn exchange(&mut self) -> Result<Reached, Step> {
        if self.state.bytes > 0 && self.ranges_broken {
            self.truncate().map_err(Step::Fatal)?;
        }
        let offset = self.state.bytes;
        let mut request_headers = HeaderMap::new();
        let (name, value) = client::identity_encoding();
        request_headers.insert(name, value);
        if offset > 0 {
            request_headers.insert(header::RANGE, header_value(&format!("bytes={offset}-"))?);
            match &self.state.validator {
                Some(Validator::Etag(v) | Validator::LastModified(v)) => {
                    request_headers.insert(header::IF_RANGE, header_value(v)?);
                }
                None => {}
            }
        }
        let client = self.client;
        let request = self.request;
        let control = self.control;
        let mut response = tokio::select! {
            biased;
            stop = control.stopped() => return Err(Step::Stop(stop)),
            response = client.send(&request.url, request.auth.as_ref(), &request_headers) => response?,
        };
        let end = match response.status().as_u16() {
            200 => self.accept_whole(response.headers())?,
            206 => self.accept_range(response.headers(), offset)?,
            416 => return self.accept_unsatisfied(response.headers(), offset),
            _ => {
                let retry_after = client::retry_after(response.headers());
                return Err(match client::status_error(&mut response, request.auth.is_some()).await {
                    e if e.is_transient() => Step::Transient(e, retry_after),
                    e => Step::Fatal(e),
                });
            }
        };
        let url = response.url().clone();
        let limit = end.or(self.request.expected_size);
        loop {
            let chunk = tokio::select! {
                biased;
                stop = control.stopped() => return Err(Step::Stop(stop)),
                chunk = response.chunk() => chunk,
            };
            let chunk = match chunk {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                Err(e) => return Err(Step::Transient(client::network_error(&url, e), None)),
            };
            let len = chunk.len() as u64;
            if let Some(limit) = limit.filter(|&limit| self.state.bytes + len > limit) {
                return Err(Step::Fatal(Error::SizeMismatch { expected: limit, actual: self.state.bytes + len }));
            }
            self.write(&chunk).map_err(Step::Fatal)?;
            if let Some(stop) = control.stop() {
                return Err(Step::Stop(stop));
            }
            if let Some(wait) = self.bucket.take(len, control.bandwidth_limit(), Instant::now())
                && let Some(stop) = self.pace(wait).await
            {
                return Err(Step::Stop(stop));
            }
            self.report(false, false);
        }
        match end {
            // Only a body without a declared length can end early without an error from the
            // HTTP layer; it is a cut connection all the same.
            Some(end) if self.state.bytes < end => Err(Step::Transient(
                Error::Network {
                    host: client::host_of(&url),
                    source: Box::new(io::Error::new(io::ErrorKind::UnexpectedEof, "the response ended early")),
                },
                None,
            )),
            Some(end) if self.state.total.is_some_and(|total| end < total) => Ok(Reached::Partial),
            _ => Ok(Reached::End),
        }
    }

    /// A 200: the whole file from its first byte. Returns where its body ends, if known.
    fn accept_whole(&mut self, headers: &HeaderMap) -> Result<Option<u64>, Step> {
        if self.state.bytes > 0 {
            // If-Range failed (the file changed) or the server ignores ranges.
            self.truncate().map_err(Step::Fatal)?;
        }
        self.state.validator = validator_of(headers);
        self.state.total = client::content_length(headers);
        self.check_expected_size()?;
        self.report(true, false);
        Ok(self.state.total)
    }

    /// A 206: must continue exactly where the file ends, for the same version and size.
    fn accept_range(&mut self, headers: &HeaderMap, offset: u64) -> Result<Option<u64>, Step> {
        let range = client::header_str(headers, header::CONTENT_RANGE).and_then(headers::parse_content_range);
        if offset == 0 {
            // No Range was sent (a new download, or ranges given up on).
            return Err(Step::Restart("a part of the file when the whole was asked for"));
        }
        let Some(ContentRange::Bytes { first, last, complete }) = range else {
            self.ranges_broken = true;
            return Err(Step::Restart("a partial answer without a valid Content-Range"));
        };
        let length = last - first + 1;
        if first != offset || client::content_length(headers).is_some_and(|n| n != length) {
            self.ranges_broken = true;
            return Err(Step::Restart("a part of the file other than the one asked for"));
        }
        // A server that ignored If-Range but names the new version.
        if let Some(theirs) = validator_of(headers)
            && self
                .state
                .validator
                .as_ref()
                .is_some_and(|ours| std::mem::discriminant(ours) == std::mem::discriminant(&theirs) && *ours != theirs)
        {
            return Err(Step::Restart("a new version of the file, in answer to a resume of the old one"));
        }
        if let Some(complete) = complete {
            self.check_same_total(complete)?;
            self.state.total = Some(complete);
        }
        self.check_expected_size()?;
        Ok(Some(last + 1))
    }

    /// A 416 to `bytes=offset-`: done if the file is exactly `offset` bytes long.
    fn accept_unsatisfied(&mut self, headers: &HeaderMap, offset: u64) -> Result<Reached, Step> {
        let range = client::header_str(headers, header::CONTENT_RANGE).and_then(headers::parse_content_range);
        let Some(ContentRange::Unsatisfied { complete }) = range.filter(|_| offset > 0) else {
            return Err(Step::Restart("a refusal of a range that was not asked for"));
        };
        self.check_same_total(complete)?;
        if complete != offset {
            // The .part file is longer than the file on the server: it cannot be a prefix.
            return Err(Step::Restart("a file shorter than the part already downloaded"));
        }
        self.state.total = Some(complete);
        self.check_expected_size()?;
        Ok(Reached::End)
    }

    /// A second total for the same version: one restart, then [`Error::SizeMismatch`].
    fn check_same_total(&mut self, announced: u64) -> Result<(), Step> {
        match self.state.total {
            Some(known) if known != announced => {
                self.size_restarts += 1;
                if self.size_restarts > 1 {
                    Err(Step::Fatal(Error::SizeMismatch { expected: known, actual: announced }))
                } else {
                    Err(Step::Restart("two different sizes for the same file"))
                }
            }
            _ => Ok(()),
        }
    }

    fn check_expected_size(&self) -> Result<(), Step> {
        match (self.request.expected_size, self.state.total) {
            (Some(expected), Some(actual)) if expected != actual => {
                Err(Step::Fatal(Error::SizeMismatch { expected, actual }))
            }
            _ => Ok(()),
        }
    }

    /// Appends a chunk to the file and the hash: the hot path, no allocation and no copy.
    fn write(&mut self, chunk: &[u8]) -> Result<(), Error> {
        let file = self.file.as_mut().ok_or_else(|| {
            Error::io("writing", &self.request.dest, io::Error::other("the download file is not open"))
        })?;
        file.write_all(chunk).map_err(|e| Error::io("writing", &self.request.dest, e))?;
        self.hasher.update(chunk);
        self.state.bytes += chunk.len() as u64;
        Ok(())
    }

    /// Waits out the bandwidth cap's debt, recomputing it when the cap changes.
    async fn pace(&mut self, mut wait: Duration) -> Option<Stop> {
        loop {
            if let Some(stop) = self.control.sleep(wait).await {
                return Some(stop);
            }
            match self.bucket.owed(self.control.bandwidth_limit(), Instant::now()) {
                Some(owed) => wait = owed,
                None => return None,
            }
            // Progress keeps flowing on very slow caps.
            self.report(false, false);
        }
    }

    /// Waits `duration` before a retry; a pause or cancel ends the wait.
    async fn wait(&self, duration: Duration) -> Option<Stop> {
        let deadline = Instant::now() + duration;
        loop {
            let now = Instant::now();
            if now >= deadline {
                return None;
            }
            if let Some(stop) = self.control.sleep(deadline - now).await {
                return Some(stop);
            }
        }
    }

    /// Checks and seals the finished file.
    async fn finish(&mut self) -> Result<Done, Error> {
        let size = self.state.bytes;
        for expected in [self.state.total, self.request.expected_size].into_iter().flatten() {
            if expected != size {
                return Err(Error::SizeMismatch { expected, actual: size });
            }
        }
        if let Some(file) = self.file.take() {
            tokio::task::spawn_blocking(move || sync(file))
                .await
                .unwrap_or_else(|e| Err(io::Error::other(e)))
                .map_err(|e| Error::io("saving", &self.request.dest, e))?;
        }
        let sha256 = hex::encode(self.hasher.finalize_reset());
        if let Some(expected) = &self.expected_sha256
            && *expected != sha256
        {
            return Err(Error::ChecksumMismatch { expected: expected.clone(), actual: sha256 });
        }
        self.report(true, true);
        Ok(Done { path: self.request.dest.clone(), size, sha256 })
    }

    /// Calls the progress callback, at most every [`PROGRESS_INTERVAL`] unless `force`.
    fn report(&mut self, force: bool, finished: bool) {
        let now = Instant::now();
        if !force && now.saturating_duration_since(self.last_report) < PROGRESS_INTERVAL {
            return;
        }
        self.last_report = now;
        let bytes = self.state.bytes;
        let total = self.state.total;
        let bytes_per_second = if finished { 0 } else { self.speed.record(now, bytes) };
        let eta = match (total, bytes_per_second) {
            (Some(total), speed) if speed > 0 => {
                Some(Duration::from_secs_f64(total.saturating_sub(bytes) as f64 / speed as f64))
            }
            (Some(total), _) if total == bytes => Some(Duration::ZERO),
            _ => None,
        };
        (self.progress)(Progress { bytes, total, bytes_per_second, eta, state: self.state.clone() });
    }

    /// Removes the `.part` file and forgets the State: nothing half-downloaded stays behind.
    fn discard(&mut self) {
        self.file = None;
        // A file already gone is what we want; any other failure leaves a file that the next
        // download of the same book truncates (its State starts from zero).
        let _ = std::fs::remove_file(&self.request.dest);
        *self.state = State::default();
    }
}

fn header_value(value: &str) -> Result<HeaderValue, Step> {
    HeaderValue::from_str(value)
        .map_err(|_| Step::Fatal(Error::InvalidRequest(format!("{value:?} cannot be sent in an HTTP header"))))
}

/// The strong ETag, else a strong Last-Modified, else nothing.
fn validator_of(headers: &HeaderMap) -> Option<Validator> {
    if let Some(etag) = client::header_str(headers, header::ETAG).and_then(headers::strong_etag) {
        return Some(Validator::Etag(etag.to_owned()));
    }
    let modified = client::header_str(headers, header::LAST_MODIFIED)?;
    let date = client::header_str(headers, header::DATE);
    headers::last_modified_is_strong(modified, date).then(|| Validator::LastModified(modified.trim().to_owned()))
}

fn sync<W: PartFile>(mut file: W) -> io::Result<()> {
    file.flush()?;
    file.sync()
}

/// The sha256 and length of the file at `path`, or `None` if there is no file.
fn rehash(path: &Path) -> io::Result<Option<(Sha256, u64)>> {
    let mut file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; REHASH_BUFFER];
    let mut len = 0u64;
    loop {
        match file.read(&mut buffer) {
            Ok(0) => return Ok(Some((hasher, len))),
            Ok(n) => {
                hasher.update(&buffer[..n]);
                len += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).expect("valid header"));
        }
        map
    }

    #[test]
    fn validator_prefers_a_strong_etag() {
        let lm = "Wed, 21 Oct 2015 07:28:00 GMT";
        let date = "Thu, 22 Oct 2015 07:28:00 GMT";
        type Headers<'a> = &'a [(&'static str, &'a str)];
        let table: &[(Headers, Option<Validator>)] = &[
            (&[("etag", "\"v1\""), ("last-modified", lm), ("date", date)], Some(Validator::Etag("\"v1\"".into()))),
            (&[("etag", "W/\"v1\""), ("last-modified", lm), ("date", date)], Some(Validator::LastModified(lm.into()))),
            (&[("etag", "W/\"v1\""), ("last-modified", lm), ("date", lm)], None),
            (&[("last-modified", lm)], Some(Validator::LastModified(lm.into()))),
            (&[], None),
        ];
        for (pairs, expected) in table {
            assert_eq!(validator_of(&headers(pairs)), *expected, "validator of {pairs:?}");
        }
    }

    #[test]
    fn state_round_trips_through_json() {
        let state = State { bytes: 123, validator: Some(Validator::Etag("\"x\"".into())), total: Some(456) };
        let json = serde_json::to_string(&state).expect("serialisable");
        assert_eq!(
            json, r#"{"bytes":123,"validator":{"kind":"etag","value":"\"x\""},"total":456}"#,
            "the persisted form is stable: changing it breaks downloads saved by an older version"
        );
        assert_eq!(serde_json::from_str::<State>(&json).expect("readable"), state);
    }

    #[test]
    fn rehash_matches_a_one_shot_hash() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("book.part");
        let bytes: Vec<u8> = (0..REHASH_BUFFER * 2 + 17).map(|i| (i * 7 % 251) as u8).collect();
        std::fs::write(&path, &bytes).expect("write");
        let (hasher, len) = rehash(&path).expect("readable").expect("present");
        assert_eq!(len, bytes.len() as u64);
        assert_eq!(
            hex::encode(hasher.finalize()),
            hex::encode(Sha256::digest(&bytes)),
            "resume must hash what is on disk"
        );
        assert!(rehash(&dir.path().join("missing")).expect("no error").is_none(), "no file is a fresh start");
    }
}
