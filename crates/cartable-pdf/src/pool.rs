//! A few page-sized buffers, recycled: a page bitmap is several megabytes, and memory fresh
//! from the system costs a page fault per 4 KiB on first touch, which at reading sizes is
//! as slow as rendering the page.

use std::sync::Mutex;

const KEPT: usize = 4;

static POOL: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());

/// A buffer of `len` bytes (contents unspecified: the caller overwrites them), recycled when
/// one is big enough. A recycled buffer keeps its length, so that it is not zeroed again.
pub(crate) fn take(len: usize) -> Vec<u8> {
    let recycled = {
        let mut pool = POOL.lock().unwrap_or_else(|p| p.into_inner());
        pool.iter().position(|b| b.capacity() >= len).map(|i| pool.swap_remove(i))
    };
    let mut buffer = recycled.unwrap_or_default();
    if buffer.len() >= len {
        buffer.truncate(len);
    } else {
        buffer.resize(len, 0);
    }
    buffer
}

/// Gives a buffer back for reuse.
pub(crate) fn give(mut buffer: Vec<u8>) {
    if buffer.capacity() == 0 {
        return;
    }
    // Keep the length: `take` then need not zero the bytes again.
    let full = buffer.capacity();
    if buffer.len() < full {
        buffer.resize(full, 0);
    }
    let mut pool = POOL.lock().unwrap_or_else(|p| p.into_inner());
    if pool.len() < KEPT {
        pool.push(buffer);
    } else if let Some(smallest) = pool.iter_mut().min_by_key(|b| b.capacity())
        && smallest.capacity() < buffer.capacity()
    {
        *smallest = buffer;
    }
}
