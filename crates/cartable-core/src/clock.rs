//! Time, always from outside: the shell passes a [`Clock`], tests pass a fake one.
//! [`Hlc`] stamps are the hybrid logical clocks that sync records carry (design/sync.md §5).

use std::sync::Mutex;

/// Milliseconds since the Unix epoch.
pub type Millis = i64;

pub trait Clock: Send + Sync {
    fn now(&self) -> Millis;
}

/// The computer's wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Millis {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as Millis)
            .unwrap_or_default()
    }
}

/// A hybrid logical clock stamp: 48-bit milliseconds, 16-bit counter, 64-bit node id,
/// packed big-endian into 16 bytes so that byte order is time order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hlc {
    pub ms: u64,
    pub counter: u16,
    pub node: u64,
}

impl Hlc {
    pub fn to_bytes(self) -> [u8; 16] {
        let mut out = [0u8; 16];
        out[..6].copy_from_slice(&self.ms.to_be_bytes()[2..]);
        out[6..8].copy_from_slice(&self.counter.to_be_bytes());
        out[8..].copy_from_slice(&self.node.to_be_bytes());
        out
    }

    pub fn from_bytes(b: &[u8]) -> Option<Hlc> {
        let b: &[u8; 16] = b.try_into().ok()?;
        let mut ms = [0u8; 8];
        ms[2..].copy_from_slice(&b[..6]);
        Some(Hlc {
            ms: u64::from_be_bytes(ms),
            counter: u16::from_be_bytes([b[6], b[7]]),
            node: u64::from_be_bytes(b[8..].try_into().ok()?),
        })
    }
}

/// Issues strictly increasing [`Hlc`] stamps for one node.
pub struct HlcSource {
    node: u64,
    last: Mutex<(u64, u16)>,
}

impl HlcSource {
    pub fn new(node: u64, last: Option<Hlc>) -> HlcSource {
        HlcSource { node, last: Mutex::new(last.map_or((0, 0), |h| (h.ms, h.counter))) }
    }

    /// A stamp later than every stamp this source issued or observed.
    pub fn stamp(&self, clock: &dyn Clock) -> Hlc {
        let wall = clock.now().max(0) as u64 & 0xFFFF_FFFF_FFFF;
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        let (ms, counter) = if wall > last.0 {
            (wall, 0)
        } else if last.1 == u16::MAX {
            // Counter overflow moves into the next millisecond.
            (last.0 + 1, 0)
        } else {
            (last.0, last.1 + 1)
        };
        *last = (ms, counter);
        Hlc { ms, counter, node: self.node }
    }

    /// Moves this source past a stamp received from elsewhere.
    pub fn observe(&self, seen: Hlc) {
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        if (seen.ms, seen.counter) > *last {
            *last = (seen.ms, seen.counter);
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::sync::atomic::{AtomicI64, Ordering};

    /// A clock that only moves when told to.
    pub struct FakeClock(pub AtomicI64);

    impl Clock for FakeClock {
        fn now(&self) -> Millis {
            self.0.load(Ordering::SeqCst)
        }
    }

    #[test]
    fn stamps_increase_even_when_the_wall_clock_stands_still_or_goes_back() {
        let clock = FakeClock(AtomicI64::new(1_000));
        let source = HlcSource::new(7, None);
        let a = source.stamp(&clock);
        let b = source.stamp(&clock);
        clock.0.store(500, Ordering::SeqCst);
        let c = source.stamp(&clock);
        assert!(a < b && b < c, "a clock going backwards must not reorder stamps: {a:?} {b:?} {c:?}");
        assert_eq!(c.ms, 1_000, "the logical part carries on from the last physical time");
    }

    #[test]
    fn bytes_sort_like_stamps_and_round_trip() {
        let a = Hlc { ms: 5, counter: 65_535, node: u64::MAX };
        let b = Hlc { ms: 6, counter: 0, node: 0 };
        assert!(a.to_bytes() < b.to_bytes(), "byte order must be time order");
        assert_eq!(Hlc::from_bytes(&a.to_bytes()), Some(a));
    }

    #[test]
    fn observing_a_later_remote_stamp_moves_the_source_past_it() {
        let clock = FakeClock(AtomicI64::new(10));
        let source = HlcSource::new(1, None);
        source.observe(Hlc { ms: 99, counter: 3, node: 2 });
        let next = source.stamp(&clock);
        assert_eq!((next.ms, next.counter), (99, 4));
    }
}
