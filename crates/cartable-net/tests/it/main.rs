//! Integration tests of cartable-net against a loopback server with injected faults.

mod document;
mod download;
mod server;

use std::time::Duration;

use cartable_net::{Client, Config, Retry};
use sha2::{Digest, Sha256};

/// A client whose waits are short enough for tests: retries after 10–50 ms, and a 2 s idle
/// timeout (tests that need a stall shorten it further).
pub fn client() -> Client {
    client_with(|_| {})
}

pub fn client_with(change: impl FnOnce(&mut Config)) -> Client {
    let mut config = Config {
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_secs(2),
        document_timeout: Duration::from_secs(10),
        retry: Retry {
            first_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(50),
            max_failures: 5,
            max_retry_after: Duration::from_secs(5),
        },
        ..Config::default()
    };
    change(&mut config);
    Client::with_config(config).expect("the client starts")
}

/// `len` bytes that look random (no run that a bug could hide in), the same on every run.
pub fn book(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

pub fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

pub const MIB: usize = 1024 * 1024;
