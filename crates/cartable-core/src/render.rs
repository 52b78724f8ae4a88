//! Page images: the bytes a webview shows, and how they are made.
//!
//! Pages are PNG, written with the fastest deflate setting: 8-bit grey for grey pages, RGBA
//! otherwise. PNG is lossless (text stays sharp at every zoom), every webview decodes it, and
//! on textbook pages (mostly white, few colours) fast deflate costs about half of PDFium's own
//! render time, less than any alternative. BENCHMARKS.md has the measurements
//! (`cartable-bench formats`) that chose it over RGB PNG, JPEG, WebP and raw bitmaps.

use serde::Serialize;

use cartable_pdf::Bitmap;

use crate::{Error, Result};

/// The cache bucket of page images; bump it when the bytes change (format, colours, options).
pub(crate) const PAGES_BUCKET: &str = "pages-v1";
pub const PAGE_MIME: &str = "image/png";
/// Width of thumbnails and PDF covers, in pixels.
pub const THUMBNAIL_WIDTH: u32 = 240;
/// Width the pre-render uses when none is given: a page at fit-width on a common screen.
pub const DEFAULT_WIDTH: u32 = 1000;
/// The widest page image the library makes.
pub const MAX_WIDTH: u32 = 4096;

/// A page, ready to show.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PageImage {
    pub width: u32,
    pub height: u32,
    pub mime: &'static str,
    #[serde(skip)]
    pub bytes: Vec<u8>,
    /// Whether the bytes came from the cache (false: rendered just now).
    pub cached: bool,
}

pub(crate) fn check_width(width: u32) -> Result<u32> {
    if (16..=MAX_WIDTH).contains(&width) { Ok(width) } else { Err(Error::InvalidWidth { width, max: MAX_WIDTH }) }
}

/// Encodes a rendered page as PNG: 8-bit grey when every pixel is grey (most text pages: a
/// quarter of the data to compress, and smaller files), else RGBA straight from the render
/// (repacking to RGB costs more than deflating the constant alpha byte). Both use the "Up"
/// filter and fdeflate's fastest mode.
pub fn encode(bitmap: &Bitmap) -> Result<Vec<u8>> {
    match encode_grey(bitmap).map_err(failed)? {
        Some(png) => Ok(png),
        None => encode_rgba(bitmap),
    }
}

fn failed(e: impl std::error::Error + Send + Sync + 'static) -> Error {
    Error::Io { context: "encoding a page image".into(), source: std::io::Error::other(e) }
}

fn encode_rgba(bitmap: &Bitmap) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(bitmap.rgba.len() / 12);
    let mut encoder = png::Encoder::new(&mut out, bitmap.width, bitmap.height);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fastest);
    let mut writer = encoder.write_header().map_err(failed)?;
    writer.write_image_data(&bitmap.rgba).map_err(failed)?;
    writer.finish().map_err(failed)?;
    Ok(out)
}

/// The page as an 8-bit grey PNG, or `None` as soon as a pixel is not grey.
///
/// Reading the render is what costs (a 1000-pixel page is 5.6 MB of RGBA, more than the
/// processor's caches), so one pass checks the colours and keeps one channel; the rows are
/// then filtered against the one above in the quarter-sized copy. The filtered rows are deflated in one call
/// (fdeflate is several times slower fed row by row) and the PNG chunks are written here.
fn encode_grey(bitmap: &Bitmap) -> std::io::Result<Option<Vec<u8>>> {
    thread_local! {
        // A page-sized buffer, kept: a fresh one costs more in page faults than the pass.
        static FILTERED: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let width = bitmap.width as usize;
    let height = bitmap.height as usize;
    if width == 0 || bitmap.rgba.len() != width * height * 4 {
        return Err(std::io::Error::other("the bitmap's size does not match its pixels"));
    }
    // Colour is often far from the top (a coloured footer or page number, a figure): every
    // 16th row from the bottom up, a sixteenth of the reading, tells most colour pages
    // before any work is wasted (on the benchmark's textbook: 0.25 ms a colour page).
    let mut sample = vec![0u8; width];
    if !bitmap.rgba.chunks_exact(width * 4).rev().step_by(16).all(|row| grey_row(row, &mut sample)) {
        return Ok(None);
    }
    FILTERED.with_borrow_mut(|filtered| {
        let stride = width + 1;
        filtered.resize(stride * height, 0);
        for (pixels, row) in bitmap.rgba.chunks_exact(width * 4).zip(filtered.chunks_exact_mut(stride)) {
            row[0] = 2; // the "Up" filter: each byte minus the one above it
            if !grey_row(pixels, &mut row[1..]) {
                return Ok(None);
            }
        }
        // Filtered from the bottom up, so that each row still sees the grey row above it
        // (the first row has zeros above: it stays as it is).
        for y in (1..height).rev() {
            let (upper, lower) = filtered.split_at_mut(y * stride);
            for (now, up) in lower[1..stride].iter_mut().zip(&upper[(y - 1) * stride + 1..]) {
                *now = now.wrapping_sub(*up);
            }
        }
        let mut out = Vec::with_capacity(filtered.len() / 8);
        out.extend_from_slice(b"\x89PNG\r\n\x1a\n");
        let mut header = [0u8; 13];
        header[..4].copy_from_slice(&bitmap.width.to_be_bytes());
        header[4..8].copy_from_slice(&bitmap.height.to_be_bytes());
        header[8] = 8; // bit depth; colour type 0 (grey), deflate, adaptive filtering, no interlace
        chunk(&mut out, b"IHDR", &header);
        // The IDAT chunk: its length is filled in once the compressed stream is written.
        let idat = out.len();
        out.extend_from_slice(&[0, 0, 0, 0]);
        out.extend_from_slice(b"IDAT");
        let mut deflate = fdeflate::Compressor::new(out)?;
        deflate.write_data(filtered)?;
        let mut out = deflate.finish()?;
        let length = u32::try_from(out.len() - idat - 8).map_err(std::io::Error::other)?;
        out[idat..idat + 4].copy_from_slice(&length.to_be_bytes());
        let crc = crc32fast::hash(&out[idat + 4..]);
        out.extend_from_slice(&crc.to_be_bytes());
        chunk(&mut out, b"IEND", &[]);
        Ok(Some(out))
    })
}

/// Copies the red channel of a row of RGBA `pixels` into `grey`; false when a pixel has
/// colour (R, G and B not all equal). Each pixel is read as one little-endian word, which
/// the compiler vectorises (byte by byte it did not: 2.5× slower).
fn grey_row(pixels: &[u8], grey: &mut [u8]) -> bool {
    let mut colour = 0u32;
    for (px, g) in pixels.as_chunks::<4>().0.iter().zip(grey.iter_mut()) {
        let v = u32::from_le_bytes(*px);
        colour |= (v ^ (v >> 8)) & 0xFFFF;
        *g = v as u8;
    }
    colour == 0
}

/// Appends a PNG chunk: length, type, data, CRC of type and data.
fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32fast::hash(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(png_bytes: &[u8]) -> (png::ColorType, Vec<u8>) {
        let mut reader = png::Decoder::new(std::io::Cursor::new(png_bytes)).read_info().expect("png");
        let mut buf = vec![0; reader.output_buffer_size().expect("size")];
        let info = reader.next_frame(&mut buf).expect("frame");
        buf.truncate(info.buffer_size());
        (info.color_type, buf)
    }

    #[test]
    fn grey_pages_survive_the_trip_through_png_exactly() {
        // A page-like picture: white, text-grey strokes, a black rule, odd width.
        let (width, height) = (37u32, 23u32);
        let mut rgba = Vec::new();
        for y in 0..height {
            for x in 0..width {
                let v = if y == 5 {
                    0
                } else if (x * 7 + y * 3) % 11 == 0 {
                    90 + (x % 5) as u8 * 20
                } else {
                    255
                };
                rgba.extend_from_slice(&[v, v, v, 255]);
            }
        }
        let bitmap = Bitmap { width, height, rgba };
        let png_bytes = encode(&bitmap).expect("encode");
        let (colour, pixels) = decode(&png_bytes);
        assert_eq!(colour, png::ColorType::Grayscale);
        let expected: Vec<u8> = bitmap.rgba.chunks_exact(4).map(|px| px[0]).collect();
        assert_eq!(pixels, expected, "every grey level comes back");
    }

    #[test]
    fn a_colour_pixel_on_the_last_row_makes_the_page_colour() {
        let mut rgba = [255u8, 255, 255, 255].repeat(4 * 3);
        rgba[11 * 4 + 2] = 0; // the last pixel is yellow
        let bitmap = Bitmap { width: 4, height: 3, rgba };
        let (colour, pixels) = decode(&encode(&bitmap).expect("encode"));
        assert_eq!(colour, png::ColorType::Rgba);
        assert_eq!(pixels, bitmap.rgba);
    }

    #[test]
    fn grey_pages_become_grey_pngs_and_colour_stays_colour() {
        let grey = Bitmap { width: 2, height: 1, rgba: vec![10, 10, 10, 255, 200, 200, 200, 255] };
        assert_eq!(decode(&encode(&grey).expect("encode")), (png::ColorType::Grayscale, vec![10, 200]));
        let colour = Bitmap { width: 2, height: 1, rgba: vec![10, 10, 10, 255, 200, 0, 0, 255] };
        assert_eq!(
            decode(&encode(&colour).expect("encode")),
            (png::ColorType::Rgba, vec![10, 10, 10, 255, 200, 0, 0, 255]),
            "colour pages keep every channel"
        );
    }
}
