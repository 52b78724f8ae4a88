//! The bandwidth cap (a token bucket) and the smoothed speed reported with progress.
//! Pure arithmetic on instants given by the caller, so that it is tested without sleeping.

use std::time::Duration;

use tokio::time::Instant;

/// How much may arrive in a burst after an idle moment, in seconds of the cap.
const BURST_SECONDS: f64 = 0.25;

/// A token bucket that may go into debt: a chunk is always accepted whole (it has already
/// arrived), and the debt is paid by waiting before reading the next one. The average over
/// the download therefore stays at the cap whatever the chunk sizes.
#[derive(Debug)]
pub(crate) struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    /// An empty bucket: the first bytes are already paced.
    pub(crate) fn new(now: Instant) -> Bucket {
        Bucket { tokens: 0.0, at: now }
    }

    /// Refills at `rate` since the last call, takes `bytes`, and returns how long to wait
    /// before the balance is back to zero (`None`: no wait, or no cap).
    pub(crate) fn take(&mut self, bytes: u64, rate: Option<u64>, now: Instant) -> Option<Duration> {
        self.refill(rate, now);
        let rate = rate?;
        self.tokens -= bytes as f64;
        self.wait(rate)
    }

    /// The wait still owed, after time has passed or the cap has changed.
    pub(crate) fn owed(&mut self, rate: Option<u64>, now: Instant) -> Option<Duration> {
        self.refill(rate, now);
        self.wait(rate?)
    }

    fn refill(&mut self, rate: Option<u64>, now: Instant) {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        self.at = now;
        match rate {
            Some(rate) => {
                let rate = rate as f64;
                self.tokens = (self.tokens + elapsed * rate).min(rate * BURST_SECONDS);
            }
            // Without a cap there is no debt to carry into a later cap.
            None => self.tokens = 0.0,
        }
    }

    fn wait(&self, rate: u64) -> Option<Duration> {
        (self.tokens < 0.0).then(|| Duration::from_secs_f64(-self.tokens / rate as f64))
    }
}

/// Samples kept for the speed: ten a second over three seconds, plus slack.
const SAMPLES: usize = 40;
const WINDOW: Duration = Duration::from_secs(3);

/// Bytes per second over the last ~3 s, from samples taken when progress is reported.
/// A fixed ring: no allocation while downloading.
#[derive(Debug)]
pub(crate) struct Speed {
    samples: [(Instant, u64); SAMPLES],
    /// Index of the oldest sample, and how many are valid.
    start: usize,
    len: usize,
}

impl Speed {
    pub(crate) fn new(now: Instant, bytes: u64) -> Speed {
        let mut speed = Speed { samples: [(now, bytes); SAMPLES], start: 0, len: 0 };
        speed.reset(now, bytes);
        speed
    }

    /// Forgets the history (after a restart from zero, bytes go backwards).
    pub(crate) fn reset(&mut self, now: Instant, bytes: u64) {
        self.start = 0;
        self.len = 1;
        self.samples[0] = (now, bytes);
    }

    /// Records `bytes` at `now` and returns the smoothed speed in bytes per second.
    pub(crate) fn record(&mut self, now: Instant, bytes: u64) -> u64 {
        if self.len == SAMPLES {
            self.start = (self.start + 1) % SAMPLES;
            self.len -= 1;
        }
        self.samples[(self.start + self.len) % SAMPLES] = (now, bytes);
        self.len += 1;
        // Drop samples older than the window, keeping one at or before its start as the base.
        while self.len > 2 {
            let next = self.samples[(self.start + 1) % SAMPLES];
            if now.saturating_duration_since(next.0) < WINDOW {
                break;
            }
            self.start = (self.start + 1) % SAMPLES;
            self.len -= 1;
        }
        let (t0, b0) = self.samples[self.start];
        let seconds = now.saturating_duration_since(t0).as_secs_f64();
        if seconds < 0.05 || bytes < b0 {
            return 0;
        }
        ((bytes - b0) as f64 / seconds) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(start: Instant, ms: u64) -> Instant {
        start + Duration::from_millis(ms)
    }

    #[test]
    fn bucket_paces_any_chunk_sizes_to_the_cap() {
        let start = Instant::now();
        let mut bucket = Bucket::new(start);
        let rate = 100_000;
        let mut now = start;
        let mut total = 0;
        // Chunks of odd sizes, each read as soon as the previous wait is over.
        for size in [1_000u64, 64_000, 400_000, 7, 30_000].iter().cycle().take(50) {
            total += size;
            if let Some(wait) = bucket.take(*size, Some(rate), now) {
                now += wait;
            }
        }
        let seconds = now.duration_since(start).as_secs_f64();
        let average = total as f64 / seconds;
        assert!((average - rate as f64).abs() / (rate as f64) < 0.01, "average {average} must equal the cap {rate}");
    }

    #[test]
    fn bucket_allows_only_a_short_burst_after_idling() {
        let start = Instant::now();
        let mut bucket = Bucket::new(start);
        // Idle for a minute: the bucket holds at most a quarter second of the cap.
        let wait = bucket.take(100_000, Some(100_000), at(start, 60_000));
        assert_eq!(wait, Some(Duration::from_millis(750)), "a minute of idling must not allow a minute-long burst");
    }

    #[test]
    fn lifting_the_cap_clears_the_debt() {
        let start = Instant::now();
        let mut bucket = Bucket::new(start);
        assert!(bucket.take(1_000_000, Some(1_000), start).is_some());
        assert_eq!(bucket.owed(None, start), None, "no cap, no wait");
        assert_eq!(bucket.take(1_000, Some(1_000), start), Some(Duration::from_secs(1)), "the old debt is forgotten");
    }

    #[test]
    fn raising_the_cap_shortens_the_wait() {
        let start = Instant::now();
        let mut bucket = Bucket::new(start);
        assert_eq!(bucket.take(10_000, Some(1_000), start), Some(Duration::from_secs(10)));
        assert_eq!(bucket.owed(Some(10_000), start), Some(Duration::from_secs(1)));
    }

    #[test]
    fn speed_is_smoothed_over_the_last_three_seconds() {
        let start = Instant::now();
        let mut speed = Speed::new(start, 5_000_000);
        // 1 MB/s for 10 s, sampled every 100 ms, then 0.5 MB/s for 4 s.
        let mut bytes = 5_000_000;
        let mut last = 0;
        for i in 1..=100 {
            bytes += 100_000;
            last = speed.record(at(start, i * 100), bytes);
        }
        assert!((last as i64 - 1_000_000).abs() < 50_000, "steady 1 MB/s reads {last}");
        for i in 101..=140 {
            bytes += 50_000;
            last = speed.record(at(start, i * 100), bytes);
        }
        assert!((last as i64 - 500_000).abs() < 40_000, "after 4 s at 0.5 MB/s the old speed is forgotten: {last}");
    }

    #[test]
    fn speed_ignores_bytes_already_on_disk() {
        let start = Instant::now();
        let mut speed = Speed::new(start, 200_000_000);
        let s = speed.record(at(start, 1_000), 200_100_000);
        assert!((s as i64 - 100_000).abs() < 1_000, "a resumed download's old bytes are not speed: {s}");
    }
}
