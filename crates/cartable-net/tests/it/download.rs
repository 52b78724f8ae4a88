//! Resumable downloads against the fault-injecting server.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use cartable_net::{Auth, Control, Done, Error, PartFile, Progress, Request, State, download, download_with};
use tempfile::TempDir;
use tokio::time::Instant;

use crate::server::{Fault, Server};
use crate::{MIB, book, client, client_with, sha256};

struct Fixture {
    server: Server,
    request: Request,
    _dir: TempDir,
}

async fn fixture(len: usize) -> Fixture {
    let server = Server::start(book(len, len as u64)).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let request = Request {
        url: server.url("/book"),
        auth: None,
        dest: dir.path().join("book.pdf.part"),
        expected_size: None,
        expected_sha256: None,
    };
    Fixture { server, request, _dir: dir }
}

/// The download finished with exactly the bytes the server serves now.
fn assert_complete(done: &Done, fixture: &Fixture) {
    let served = fixture.server.file();
    let on_disk = std::fs::read(&done.path).expect("the finished file is there");
    assert_eq!(done.path, fixture.request.dest, "the caller renames the .part file it named");
    assert_eq!(done.size, served.len() as u64, "reported size");
    assert_eq!(on_disk.len(), served.len(), "size on disk");
    assert_eq!(sha256(&on_disk), sha256(&served), "the bytes on disk must be the served file, byte for byte");
    assert_eq!(done.sha256, sha256(&served), "the sha256 computed while writing must be the file's");
}

fn no_progress(_: Progress) {}

#[tokio::test]
async fn downloads_the_whole_file_with_checks() {
    let mut f = fixture(4 * MIB).await;
    // Upper case is accepted: catalogues differ.
    f.request.expected_sha256 = Some(sha256(&f.server.file()).to_uppercase());
    f.request.expected_size = Some(4 * MIB as u64);
    let mut state = State::default();
    let mut last = None;
    let done = download(&client(), &f.request, &mut state, &Control::new(), |p| last = Some(p))
        .await
        .expect("a plain download succeeds");
    assert_complete(&done, &f);
    let last = last.expect("progress was reported");
    assert_eq!((last.bytes, last.total), (4 * MIB as u64, Some(4 * MIB as u64)), "the last report says 100 %");
    assert_eq!(state.bytes(), 4 * MIB as u64, "the final State describes the complete file");
    let hits = f.server.hits();
    assert_eq!(hits.len(), 1, "one request for an uneventful download");
    assert_eq!(hits[0].range, None, "a new download asks for the whole file");
    assert!(
        hits[0].user_agent.as_deref().is_some_and(|ua| ua.starts_with("Cartable/")),
        "servers see who we are: {:?}",
        hits[0].user_agent
    );
}

#[tokio::test]
async fn a_cut_connection_resumes_from_the_bytes_already_written() {
    let f = fixture(8 * MIB).await;
    f.server.push(Fault::CutAfter(3 * MIB as u64));
    f.server.push(Fault::CutAfter(2 * MIB as u64));
    let mut state = State::default();
    let done =
        download(&client(), &f.request, &mut state, &Control::new(), no_progress).await.expect("resumes to the end");
    assert_complete(&done, &f);
    let hits = f.server.hits();
    let ranges: Vec<_> = hits.iter().map(|h| h.range.as_deref()).collect();
    assert_eq!(
        ranges,
        [None, Some("bytes=3145728-"), Some("bytes=5242880-")],
        "each retry asks for exactly the bytes that are missing"
    );
    assert!(
        hits[1..].iter().all(|h| h.if_range.as_deref() == Some(f.server.etag().as_str())),
        "resumes are conditional on the ETag"
    );
    let served: u64 = hits.iter().map(|h| h.body_bytes).sum();
    assert!(
        served <= (8 * MIB + MIB) as u64,
        "{served} bytes fetched for an 8 MiB file: an interruption must cost at most 1 MiB more than what was missing"
    );
}

#[tokio::test]
async fn server_errors_are_retried_with_growing_waits() {
    let f = fixture(MIB).await;
    f.server.push(Fault::Status(500));
    f.server.push(Fault::Status(503));
    f.server.push(Fault::Status(502));
    let mut state = State::default();
    let done =
        download(&client(), &f.request, &mut state, &Control::new(), no_progress).await.expect("succeeds after 5xx");
    assert_complete(&done, &f);
    let hits = f.server.hits();
    assert_eq!(hits.iter().map(|h| h.status).collect::<Vec<_>>(), [500, 503, 502, 200]);
    // Waits are drawn in [d/2, d] for d = 10, 20, 40 ms.
    for (i, min_ms) in [5, 10, 20].into_iter().enumerate() {
        let gap = hits[i + 1].at.duration_since(hits[i].at);
        assert!(gap >= Duration::from_millis(min_ms), "retry {} came after {gap:?}: backoff must double", i + 1);
    }
}

#[tokio::test]
async fn consecutive_failures_give_up_and_keep_what_was_downloaded() {
    let f = fixture(2 * MIB).await;
    f.server.push(Fault::CutAfter(MIB as u64));
    f.server.push_n(Fault::Status(500), 10);
    let client = client_with(|c| c.retry.max_failures = 4);
    let mut state = State::default();
    let err = download(&client, &f.request, &mut state, &Control::new(), no_progress)
        .await
        .expect_err("the server keeps failing");
    let Error::GaveUp { failures, last } = &err else { panic!("expected GaveUp, got {err:?}") };
    assert_eq!(*failures, 4, "the configured number of failures in a row");
    assert!(matches!(**last, Error::Server { status: 500, .. }), "the last failure is reported: {last:?}");
    assert_eq!(f.server.hits().len(), 4, "the cut (which brought bytes) counts as the first failure of the run");
    assert_eq!(
        std::fs::metadata(&f.request.dest).expect(".part kept").len(),
        MIB as u64,
        "the .part file keeps its bytes"
    );
    assert_eq!(state.bytes(), MIB as u64, "the State keeps its bytes");

    f.server.clear_faults();
    let done =
        download(&client, &f.request, &mut state, &Control::new(), no_progress).await.expect("a later call resumes");
    assert_complete(&done, &f);
    assert_eq!(f.server.hits()[4].range.as_deref(), Some("bytes=1048576-"), "giving up lost nothing");
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let f = fixture(MIB).await;
    f.server.push(Fault::TooManyRequests { retry_after_secs: 1 });
    let mut state = State::default();
    let done =
        download(&client(), &f.request, &mut state, &Control::new(), no_progress).await.expect("succeeds after 429");
    assert_complete(&done, &f);
    let hits = f.server.hits();
    let gap = hits[1].at.duration_since(hits[0].at);
    assert!(gap >= Duration::from_millis(990), "Retry-After: 1 was answered after {gap:?} (backoff alone is 10 ms)");
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let f = fixture(MIB).await;
    f.server.push(Fault::Status(404));
    let mut state = State::default();
    let err = download(&client(), &f.request, &mut state, &Control::new(), no_progress).await.expect_err("404");
    assert!(matches!(err, Error::NotFound { status: 404, .. }), "{err:?}");
    assert_eq!(err.code(), "NotFound");
    assert_eq!(f.server.hits().len(), 1, "a 404 will not go away by asking again");

    f.server.push(Fault::Status(403));
    let err = download(&client(), &f.request, &mut state, &Control::new(), no_progress).await.expect_err("403");
    assert!(matches!(err, Error::Forbidden { .. }), "{err:?}");
    assert_eq!(f.server.hits().len(), 2, "nor will a 403");
}

#[tokio::test]
async fn a_changed_file_restarts_from_zero() {
    let f = fixture(4 * MIB).await;
    let old_etag = f.server.etag();
    f.server.push(Fault::CutAfter(2 * MIB as u64));
    f.server.push(Fault::ReplaceFile(book(3 * MIB, 99)));
    let mut state = State::default();
    let done =
        download(&client(), &f.request, &mut state, &Control::new(), no_progress).await.expect("gets the new file");
    assert_complete(&done, &f);
    assert_eq!(done.sha256, sha256(&book(3 * MIB, 99)), "the new version, not a mix of both");
    let hits = f.server.hits();
    assert_eq!(hits[1].if_range.as_deref(), Some(old_etag.as_str()), "the resume named the old version");
    assert_eq!(hits[1].status, 200, "the server sent the whole new file");
    assert_eq!(hits.len(), 2);
}

#[tokio::test]
async fn a_server_that_ignores_ranges_restarts_from_zero() {
    let f = fixture(4 * MIB).await;
    f.server.set_ignore_ranges(true);
    f.server.push(Fault::CutAfter(MIB as u64));
    let mut state = State::default();
    let done = download(&client(), &f.request, &mut state, &Control::new(), no_progress).await.expect("restarts");
    assert_complete(&done, &f);
    let hits = f.server.hits();
    assert_eq!(hits[1].range.as_deref(), Some("bytes=1048576-"), "a range was asked for");
    assert_eq!(hits[1].status, 200, "and the whole file came back: its first MiB must not be appended twice");
}

#[tokio::test]
async fn a_misplaced_range_restarts_from_zero_and_stops_asking_for_ranges() {
    let f = fixture(4 * MIB).await;
    f.server.push(Fault::CutAfter(2 * MIB as u64));
    f.server.push(Fault::RangeStartOff(1000));
    f.server.push(Fault::CutAfter(MIB as u64));
    let mut state = State::default();
    let done = download(&client(), &f.request, &mut state, &Control::new(), no_progress).await.expect("recovers");
    assert_complete(&done, &f);
    let hits = f.server.hits();
    let ranges: Vec<_> = hits.iter().map(|h| (h.status, h.range.as_deref())).collect();
    assert_eq!(
        ranges,
        [(200, None), (206, Some("bytes=2097152-")), (200, None), (200, None)],
        "a 206 starting elsewhere than asked is never appended; whole files are asked for afterwards"
    );
}

#[tokio::test]
async fn a_server_that_keeps_contradicting_itself_is_given_up_on() {
    let f = fixture(MIB).await;
    f.server.push_n(Fault::UnaskedPartial, 10);
    let client = client_with(|c| c.retry.max_failures = 3);
    let mut state = State::default();
    let err = download(&client, &f.request, &mut state, &Control::new(), no_progress).await.expect_err("gives up");
    let Error::GaveUp { failures: 3, last } = &err else { panic!("expected GaveUp after 3 failures, got {err:?}") };
    assert!(matches!(**last, Error::UnexpectedResponse { .. }), "{last:?}");
    assert_eq!(f.server.hits().len(), 3, "restarts from zero are bounded like failures, never an endless loop");
}

#[tokio::test]
async fn a_content_length_that_lies_once_is_recovered() {
    let f = fixture(2 * MIB).await;
    f.server.push(Fault::ContentLengthOff(1000));
    let mut state = State::default();
    let done = download(&client(), &f.request, &mut state, &Control::new(), no_progress).await.expect("recovers");
    assert_complete(&done, &f);
    let statuses: Vec<_> = f.server.hits().iter().map(|h| h.status).collect();
    assert_eq!(statuses, [200, 416, 200], "the 416 revealed the true size: one restart from zero");
}

#[tokio::test]
async fn a_content_length_that_always_lies_is_a_size_mismatch() {
    let f = fixture(2 * MIB).await;
    f.server.push_n(Fault::ContentLengthOff(1000), 10);
    let mut state = State::default();
    let err =
        download(&client(), &f.request, &mut state, &Control::new(), no_progress).await.expect_err("never consistent");
    let true_size = 2 * MIB as u64;
    assert!(
        matches!(err, Error::SizeMismatch { expected, actual } if expected == true_size + 1000 && actual == true_size),
        "{err:?}"
    );
    assert!(!f.request.dest.exists(), "a file of unknown size is not kept");
    assert_eq!(state, State::default(), "nothing to resume");
    assert_eq!(f.server.hits().len(), 4, "one restart, then the second disagreement ends it");
}

#[tokio::test]
async fn a_size_other_than_expected_is_refused_before_downloading() {
    let mut f = fixture(2 * MIB).await;
    f.request.expected_size = Some(2 * MIB as u64);
    f.server.push(Fault::ContentLengthOff(-1000));
    let mut state = State::default();
    let err =
        download(&client(), &f.request, &mut state, &Control::new(), no_progress).await.expect_err("short length");
    assert!(
        matches!(err, Error::SizeMismatch { expected, actual } if expected == 2 * MIB as u64 && actual == 2 * MIB as u64 - 1000),
        "{err:?}"
    );
    assert!(!f.request.dest.exists(), "nothing of the wrong file is kept");
    assert_eq!(f.server.hits().len(), 1, "a size mismatch is not retried");
}

#[tokio::test]
async fn a_wrong_checksum_removes_the_part_file() {
    let mut f = fixture(MIB).await;
    f.request.expected_sha256 = Some("0".repeat(64));
    let mut state = State::default();
    let err =
        download(&client(), &f.request, &mut state, &Control::new(), no_progress).await.expect_err("wrong sha256");
    let Error::ChecksumMismatch { actual, .. } = &err else { panic!("expected ChecksumMismatch, got {err:?}") };
    assert_eq!(*actual, sha256(&f.server.file()), "the message names the hash that was found");
    assert!(!f.request.dest.exists(), "a damaged book must never be left to import");
    assert_eq!(state, State::default());

    f.request.expected_sha256 = Some("not hex".into());
    let err = download(&client(), &f.request, &mut state, &Control::new(), no_progress).await.expect_err("bad request");
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
}

#[tokio::test]
async fn pause_keeps_the_part_file_and_resumes_with_the_saved_state_in_a_fresh_client() {
    let f = fixture(4 * MIB).await;
    f.server.set_trickle(Some((32 * 1024, Duration::from_millis(5))));
    let control = Control::new();
    let mut state = State::default();
    let pause_at = |at: u64| {
        let control = &control;
        move |p: Progress| {
            if p.bytes >= at {
                control.pause();
            }
        }
    };
    let err = download(&client(), &f.request, &mut state, &control, pause_at(MIB as u64)).await.expect_err("paused");
    assert!(matches!(err, Error::Paused), "{err:?}");
    let first = state.bytes();
    assert!(first >= MIB as u64 && first < 4 * MIB as u64, "paused mid-way, at {first}");
    assert_eq!(
        std::fs::metadata(&f.request.dest).expect(".part kept").len(),
        first,
        "the State counts the bytes on disk"
    );

    // Same client, same Control once resumed: paused again further on.
    control.resume();
    let client = client();
    let err =
        download(&client, &f.request, &mut state, &control, pause_at(2 * MIB as u64)).await.expect_err("paused again");
    assert!(matches!(err, Error::Paused), "{err:?}");
    let second = state.bytes();
    assert!(second > first, "the second run added bytes: {first} then {second}");

    // As after a restart of the app: the State comes back from storage, everything else is new.
    let saved = serde_json::to_string(&state).expect("State serialises");
    drop(client);
    let mut restored: State = serde_json::from_str(&saved).expect("State deserialises");
    f.server.set_trickle(None);
    let done =
        download(&crate::client(), &f.request, &mut restored, &Control::new(), no_progress).await.expect("resumes");
    assert_complete(&done, &f);
    let ranges: Vec<_> = f.server.hits().iter().map(|h| h.range.clone()).collect();
    assert_eq!(
        ranges,
        [None, Some(format!("bytes={first}-")), Some(format!("bytes={second}-"))],
        "each resume asks from the bytes kept at the pause"
    );
}

#[tokio::test]
async fn cancel_removes_the_part_file() {
    let f = fixture(4 * MIB).await;
    f.server.set_trickle(Some((32 * 1024, Duration::from_millis(5))));
    let control = Control::new();
    let mut state = State::default();
    let err = download(&client(), &f.request, &mut state, &control, |p| {
        if p.bytes >= MIB as u64 {
            control.cancel();
        }
    })
    .await
    .expect_err("cancelled");
    assert!(matches!(err, Error::Cancelled), "{err:?}");
    assert!(!f.request.dest.exists(), "a cancelled download leaves no file");
    assert_eq!(state, State::default(), "and nothing to resume");
}

#[tokio::test]
async fn cancel_during_a_retry_wait_is_immediate() {
    let f = fixture(MIB).await;
    f.server.push(Fault::TooManyRequests { retry_after_secs: 30 });
    let control = Arc::new(Control::new());
    let canceller = {
        let control = control.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(200)).await;
            control.cancel();
        })
    };
    let client = client_with(|c| c.retry.max_retry_after = Duration::from_secs(30));
    let started = Instant::now();
    let mut state = State::default();
    let err = download(&client, &f.request, &mut state, &control, no_progress).await.expect_err("cancelled");
    canceller.await.expect("canceller ran");
    assert!(matches!(err, Error::Cancelled), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5), "the 30 s wait was cut short: {:?}", started.elapsed());
}

/// A disk with room for `room` more bytes: then `StorageFull`, as `write(2)` gives `ENOSPC`.
struct SmallDisk {
    file: File,
    room: usize,
}

impl Write for SmallDisk {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.room == 0 && !buf.is_empty() {
            return Err(io::Error::from(io::ErrorKind::StorageFull));
        }
        let n = self.file.write(&buf[..buf.len().min(self.room)])?;
        self.room -= n;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl PartFile for SmallDisk {
    fn sync(&mut self) -> io::Result<()> {
        self.file.sync_all()
    }
}

#[tokio::test]
async fn a_full_disk_is_disk_full_and_leaves_no_part_file() {
    let f = fixture(4 * MIB).await;
    let mut state = State::default();
    let err = download_with(&client(), &f.request, &mut state, &Control::new(), no_progress, |file| SmallDisk {
        file,
        room: MIB + 123,
    })
    .await
    .expect_err("the disk fills up");
    assert!(matches!(&err, Error::DiskFull { path } if path == &f.request.dest), "{err:?}");
    assert!(err.to_string().contains("free some space"), "the message says what to do: {err}");
    assert!(!f.request.dest.exists(), "never a partial book left behind");
    assert_eq!(state, State::default());
    assert_eq!(f.server.hits().len(), 1, "a full disk is not retried");
}

#[tokio::test]
async fn the_bandwidth_cap_holds_the_average() {
    let f = fixture(MIB).await;
    let cap = 400 * 1024;
    let control = Control::new();
    control.set_bandwidth_limit(Some(cap));
    let mut state = State::default();
    let started = Instant::now();
    let done = download(&client(), &f.request, &mut state, &control, no_progress).await.expect("capped download");
    let elapsed = started.elapsed().as_secs_f64();
    assert_complete(&done, &f);
    let average = MIB as f64 / elapsed;
    assert!(
        (average - cap as f64).abs() <= 0.2 * cap as f64,
        "average {average:.0} B/s over {elapsed:.2} s must be within 20 % of the cap {cap} B/s"
    );
}

#[tokio::test]
async fn lifting_the_bandwidth_cap_while_running_takes_effect() {
    let f = fixture(4 * MIB).await;
    let control = Arc::new(Control::new());
    // At this cap the file would take a minute.
    control.set_bandwidth_limit(Some(64 * 1024));
    let lifter = {
        let control = control.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            control.set_bandwidth_limit(None);
        })
    };
    let started = Instant::now();
    let mut state = State::default();
    let done = download(&client(), &f.request, &mut state, &control, no_progress).await.expect("download");
    lifter.await.expect("lifter ran");
    assert_complete(&done, &f);
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(250), "the cap held until it was lifted ({elapsed:?})");
    assert!(elapsed < Duration::from_secs(10), "lifting the cap woke the waiting download ({elapsed:?})");
}

#[tokio::test]
async fn progress_comes_at_most_ten_times_a_second_with_speed_and_eta() {
    let f = fixture(4 * MIB).await;
    // About 3 MB/s for ~1.3 s.
    f.server.set_trickle(Some((32 * 1024, Duration::from_millis(10))));
    let mut reports: Vec<(Instant, Progress)> = Vec::new();
    let started = Instant::now();
    let mut state = State::default();
    let done = download(&client(), &f.request, &mut state, &Control::new(), |p| reports.push((Instant::now(), p)))
        .await
        .expect("download");
    let elapsed = started.elapsed().as_secs_f64();
    assert_complete(&done, &f);
    let allowed = (elapsed * 10.0).ceil() as usize + 3;
    assert!(reports.len() <= allowed, "{} reports in {elapsed:.2} s (at most {allowed})", reports.len());
    assert!(reports.len() >= 5, "a 1 s download reports along the way ({} reports)", reports.len());
    assert!(reports.windows(2).all(|w| w[0].1.bytes <= w[1].1.bytes), "bytes never go backwards without a restart");
    let middle = &reports[reports.len() / 2].1;
    assert!(middle.bytes_per_second > 500_000, "speed is measured mid-way: {middle:?}");
    assert!(middle.eta.is_some_and(|eta| eta < Duration::from_secs(10)), "eta is known mid-way: {middle:?}");
    assert_eq!(middle.state.bytes(), middle.bytes, "the State in a report matches its byte count");
}

#[tokio::test]
async fn a_stalled_server_times_out_and_the_download_resumes() {
    let f = fixture(2 * MIB).await;
    f.server.push(Fault::StallAfter(MIB as u64, Duration::from_secs(5)));
    let client = client_with(|c| c.read_timeout = Duration::from_millis(300));
    let started = Instant::now();
    let mut state = State::default();
    let done = download(&client, &f.request, &mut state, &Control::new(), no_progress).await.expect("resumes");
    assert_complete(&done, &f);
    assert!(started.elapsed() < Duration::from_secs(4), "the stall was cut by the idle timeout");
    assert_eq!(f.server.hits().last().and_then(|h| h.range.clone()).as_deref(), Some("bytes=1048576-"));
}

#[tokio::test]
async fn a_slow_but_steady_server_does_not_time_out() {
    let f = fixture(96 * 1024).await;
    // 8 KiB every 150 ms: 1.8 s in all, never 300 ms of silence.
    f.server.set_trickle(Some((8 * 1024, Duration::from_millis(150))));
    let client = client_with(|c| c.read_timeout = Duration::from_millis(300));
    let mut state = State::default();
    let done = download(&client, &f.request, &mut state, &Control::new(), no_progress).await.expect("slow download");
    assert_complete(&done, &f);
    assert_eq!(f.server.hits().len(), 1, "the read timeout is an idle timeout, not a total one");
}

#[tokio::test]
async fn a_complete_part_file_is_confirmed_by_a_416() {
    let f = fixture(MIB).await;
    let mut state = State::default();
    let first = download(&client(), &f.request, &mut state, &Control::new(), no_progress).await.expect("download");
    // As if the app stopped before renaming: the same call again.
    let again = download(&client(), &f.request, &mut state, &Control::new(), no_progress).await.expect("done again");
    assert_eq!(again, first);
    assert_complete(&again, &f);
    let hits = f.server.hits();
    assert_eq!((hits[1].status, hits[1].body_bytes), (416, 0), "nothing was downloaded twice");
}

#[tokio::test]
async fn a_part_file_longer_than_the_state_is_trusted_and_rehashed() {
    let f = fixture(2 * MIB).await;
    // Slow enough for reports to come before the cut.
    f.server.set_trickle(Some((64 * 1024, Duration::from_millis(20))));
    f.server.push(Fault::CutAfter(MIB as u64));
    f.server.push(Fault::Status(404));
    let mut state = State::default();
    let mut early = None;
    let err = download(&client(), &f.request, &mut state, &Control::new(), |p| {
        if early.is_none() && p.bytes > 0 {
            early = Some(p.state);
        }
    })
    .await
    .expect_err("404 on resume");
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    // The app crashed before saving the last State: the saved one lags behind the file.
    let mut lagging = early.expect("a State was reported mid-way");
    f.server.set_trickle(None);
    assert!(lagging.bytes() < MIB as u64, "the saved State is behind the file");
    let done = download(&client(), &f.request, &mut lagging, &Control::new(), no_progress).await.expect("resumes");
    assert_complete(&done, &f);
    assert_eq!(f.server.hits()[2].range.as_deref(), Some("bytes=1048576-"), "resumes from the file's length");
}

#[tokio::test]
async fn a_server_without_validators_is_still_resumed() {
    let f = fixture(2 * MIB).await;
    f.server.set_validators(false);
    f.server.push(Fault::CutAfter(MIB as u64));
    let mut state = State::default();
    let done = download(&client(), &f.request, &mut state, &Control::new(), no_progress).await.expect("resumes");
    assert_complete(&done, &f);
    let hits = f.server.hits();
    assert_eq!((hits[1].range.as_deref(), hits[1].if_range.as_deref()), (Some("bytes=1048576-"), None));
}

#[tokio::test]
async fn downloads_follow_redirects_with_credentials() {
    let mut f = fixture(MIB).await;
    f.server.require_basic("eleve", "secret");
    f.request.url = f.server.url("/hops/3");
    f.request.auth = Some(Auth::basic("eleve", "secret"));
    let mut state = State::default();
    let done = download(&client(), &f.request, &mut state, &Control::new(), no_progress).await.expect("download");
    assert_complete(&done, &f);
    let hits = f.server.hits();
    assert_eq!(
        hits.iter().map(|h| h.path.as_str()).collect::<Vec<_>>(),
        ["/hops/3", "/hops/2", "/hops/1", "/hops/0", "/book"]
    );
}

#[tokio::test]
async fn an_unauthorized_download_is_not_retried_and_keeps_its_file() {
    let f = fixture(MIB).await;
    f.server.push(Fault::CutAfter(1000));
    let mut state = State::default();
    let _ = download(&client_with(|c| c.retry.max_failures = 1), &f.request, &mut state, &Control::new(), no_progress)
        .await
        .expect_err("gave up after the cut");
    f.server.require_basic("eleve", "secret");
    let err = download(&client(), &f.request, &mut state, &Control::new(), no_progress).await.expect_err("401");
    assert!(matches!(&err, Error::Unauthorized(u) if !u.refused_credentials), "{err:?}");
    assert_eq!(f.server.hits().len(), 2, "a 401 needs the user, not a retry");
    assert!(part_len(&f.request.dest) == 1000, "signing in later resumes from the bytes kept");
}

fn part_len(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}
