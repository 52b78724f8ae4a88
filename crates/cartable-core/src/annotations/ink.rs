//! Ink stroke points, packed (sync.md §10): each coordinate, a fraction of the page, is
//! quantised to 1/65535, delta-encoded against the previous point, zigzagged and written as a
//! LEB128 varint. A 300-point stroke takes about 1 KB instead of 10 KB of JSON.

/// The codec name stored beside the blob, so that a later codec can be told apart.
pub const CODEC: &str = "q16-delta-varint";

/// Longest stroke accepted (sync.md §6.6).
pub const MAX_POINTS: usize = 20_000;

const SCALE: f32 = 65_535.0;

fn quantise(x: f32) -> i32 {
    // Strokes may start a little outside the page; they are kept on its edge.
    (x.clamp(0.0, 1.0) * SCALE).round() as i32
}

pub fn encode(points: &[[f32; 2]]) -> Vec<u8> {
    let mut out = Vec::with_capacity(points.len() * 3);
    let (mut px, mut py) = (0i32, 0i32);
    for p in points {
        let (x, y) = (quantise(p[0]), quantise(p[1]));
        put(&mut out, zigzag(x - px));
        put(&mut out, zigzag(y - py));
        (px, py) = (x, y);
    }
    out
}

/// The points of a packed stroke; `None` when the bytes are not a whole stroke.
pub fn decode(bytes: &[u8]) -> Option<Vec<[f32; 2]>> {
    let mut points = Vec::new();
    let (mut x, mut y) = (0i32, 0i32);
    let mut rest = bytes;
    while !rest.is_empty() {
        let (dx, r) = take(rest)?;
        let (dy, r) = take(r)?;
        rest = r;
        x = x.checked_add(unzigzag(dx))?;
        y = y.checked_add(unzigzag(dy))?;
        if points.len() >= MAX_POINTS {
            return None;
        }
        points.push([x as f32 / SCALE, y as f32 / SCALE]);
    }
    Some(points)
}

fn zigzag(v: i32) -> u32 {
    ((v << 1) ^ (v >> 31)) as u32
}

fn unzigzag(v: u32) -> i32 {
    ((v >> 1) as i32) ^ -((v & 1) as i32)
}

fn put(out: &mut Vec<u8>, mut v: u32) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn take(bytes: &[u8]) -> Option<(u32, &[u8])> {
    let mut v = 0u32;
    for (i, b) in bytes.iter().enumerate().take(5) {
        v |= u32::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Some((v, &bytes[i + 1..]));
        }
    }
    None
}

/// The smallest rectangle holding every point: `[left, top, right, bottom]`.
pub fn bbox(points: &[[f32; 2]]) -> [f32; 4] {
    points.iter().fold([f32::MAX, f32::MAX, f32::MIN, f32::MIN], |b, p| {
        [b[0].min(p[0]), b[1].min(p[1]), b[2].max(p[0]), b[3].max(p[1])]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strokes_round_trip_within_a_sixty_thousandth_of_the_page() {
        let points: Vec<[f32; 2]> = (0..300).map(|i| [i as f32 / 300.0, (i as f32 / 20.0).sin() * 0.4 + 0.5]).collect();
        let packed = encode(&points);
        assert!(packed.len() < points.len() * 5, "packed small: {} bytes", packed.len());
        let back = decode(&packed).expect("whole stroke");
        assert_eq!(back.len(), points.len());
        for (a, b) in points.iter().zip(&back) {
            assert!((a[0] - b[0]).abs() < 2e-5 && (a[1] - b[1]).abs() < 2e-5, "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn the_packed_form_is_pinned_for_the_window_to_decode() {
        use base64::Engine as _;
        let packed = encode(&[[0.5, 0.5], [0.25, 0.75], [1.0, 0.0]]);
        // ui/tests/ink.test.ts decodes this very string.
        assert_eq!(base64::engine::general_purpose::STANDARD.encode(packed), "gIAEgIAE//8B/v8B/v8F/f8F");
    }

    #[test]
    fn truncated_bytes_are_refused_not_misread() {
        let packed = encode(&[[0.5, 0.5], [0.9, 0.1]]);
        assert!(decode(&packed[..packed.len() - 1]).is_none());
        assert!(decode(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).is_none());
    }

    #[test]
    fn points_off_the_page_are_kept_on_its_edge() {
        let back = decode(&encode(&[[-0.2, 1.5]])).expect("decodes");
        assert_eq!(back, vec![[0.0, 1.0]]);
    }
}
