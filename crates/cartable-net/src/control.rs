//! Steering a running download from another task or thread: pause, cancel, bandwidth cap.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::Notify;

/// The smallest bandwidth cap: below it a textbook would take weeks, and a cap of 0 would
/// stall the download forever instead of pausing it.
pub const MIN_BANDWIDTH: u64 = 1024;

/// Shared between the UI and a running [`crate::download`] (put it in an `Arc`). Every method
/// takes effect at once, even while the download waits for the network or between retries.
#[derive(Debug, Default)]
pub struct Control {
    paused: AtomicBool,
    cancelled: AtomicBool,
    /// Bytes per second; 0 means no cap.
    bandwidth: AtomicU64,
    changed: Notify,
}

/// Why a download stops before its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    Pause,
    Cancel,
}

impl Control {
    pub fn new() -> Control {
        Control::default()
    }

    /// Stops after the chunk being written: the `.part` file and the State are kept and the
    /// download returns [`crate::Error::Paused`]. Call [`Control::resume`] (or use a new
    /// `Control`) before downloading again.
    pub fn pause(&self) {
        self.paused.store(true, Ordering::SeqCst);
        self.changed.notify_waiters();
    }

    /// Clears a pause, so that the next [`crate::download`] call runs.
    pub fn resume(&self) {
        self.paused.store(false, Ordering::SeqCst);
        self.changed.notify_waiters();
    }

    /// Stops and removes the `.part` file; the download returns [`crate::Error::Cancelled`].
    /// A cancelled `Control` stays cancelled.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
        self.changed.notify_waiters();
    }

    /// Caps the download at `bytes_per_second` (at least [`MIN_BANDWIDTH`]), or lifts the cap.
    pub fn set_bandwidth_limit(&self, bytes_per_second: Option<u64>) {
        let value = bytes_per_second.map_or(0, |b| b.max(MIN_BANDWIDTH));
        self.bandwidth.store(value, Ordering::SeqCst);
        self.changed.notify_waiters();
    }

    pub fn bandwidth_limit(&self) -> Option<u64> {
        match self.bandwidth.load(Ordering::SeqCst) {
            0 => None,
            b => Some(b),
        }
    }

    pub fn is_paused(&self) -> bool {
        self.paused.load(Ordering::SeqCst)
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }

    /// Cancel wins over pause: a cancelled download must not leave its file behind.
    pub(crate) fn stop(&self) -> Option<Stop> {
        if self.is_cancelled() {
            Some(Stop::Cancel)
        } else if self.is_paused() {
            Some(Stop::Pause)
        } else {
            None
        }
    }

    /// Completes when a pause or a cancel is requested.
    pub(crate) async fn stopped(&self) -> Stop {
        loop {
            let changed = self.changed.notified();
            let mut changed = std::pin::pin!(changed);
            // Registered before the check, so that a change between the two is not missed.
            changed.as_mut().enable();
            if let Some(stop) = self.stop() {
                return stop;
            }
            changed.await;
        }
    }

    /// Sleeps for `duration`, or less if a pause or cancel arrives (returned), or if the
    /// bandwidth cap changes (returns `None` early; the caller recomputes its wait).
    pub(crate) async fn sleep(&self, duration: Duration) -> Option<Stop> {
        let changed = self.changed.notified();
        let mut changed = std::pin::pin!(changed);
        changed.as_mut().enable();
        if let Some(stop) = self.stop() {
            return Some(stop);
        }
        tokio::select! {
            () = tokio::time::sleep(duration) => None,
            () = changed => self.stop(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bandwidth_cap_has_a_floor_and_can_be_lifted() {
        let control = Control::new();
        assert_eq!(control.bandwidth_limit(), None);
        control.set_bandwidth_limit(Some(0));
        assert_eq!(control.bandwidth_limit(), Some(MIN_BANDWIDTH), "a cap of 0 must not stall the download forever");
        control.set_bandwidth_limit(Some(50_000));
        assert_eq!(control.bandwidth_limit(), Some(50_000));
        control.set_bandwidth_limit(None);
        assert_eq!(control.bandwidth_limit(), None);
    }

    #[test]
    fn cancel_wins_over_pause() {
        let control = Control::new();
        control.pause();
        control.cancel();
        assert_eq!(control.stop(), Some(Stop::Cancel), "a cancelled download must remove its file even if paused");
        control.resume();
        assert_eq!(control.stop(), Some(Stop::Cancel), "resume does not undo a cancel");
    }

    #[tokio::test]
    async fn a_sleeping_download_wakes_on_pause() {
        let control = std::sync::Arc::new(Control::new());
        let sleeper = {
            let control = control.clone();
            tokio::spawn(async move { control.sleep(Duration::from_secs(60)).await })
        };
        tokio::task::yield_now().await;
        control.pause();
        let woke = tokio::time::timeout(Duration::from_secs(5), sleeper).await;
        assert_eq!(woke.expect("a pause must interrupt a backoff wait").expect("the task ran"), Some(Stop::Pause));
    }
}
