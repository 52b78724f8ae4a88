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
///
/// The pre-render encodes on one core while PDFium renders on the other, and a 1000-pixel
/// page is 5.6 MB of RGBA, more than the processor's caches: each row is read once, turned
/// into what PNG stores (grey checked and kept in one pass, then filtered) while it is in
/// the cache, and handed to fdeflate at once; the PNG chunks are written around the stream
/// here. Against the PNG encoder fed a grey copy, a grey page costs half as much.
pub fn encode(bitmap: &Bitmap) -> Result<Vec<u8>> {
    let failed = |source| Error::Io { context: "encoding a page image".into(), source };
    let width = bitmap.width as usize;
    let height = bitmap.height as usize;
    if width == 0 || bitmap.rgba.len() != width * height * 4 {
        return Err(failed(std::io::Error::other("the bitmap's size does not match its pixels")));
    }
    ROW.with_borrow_mut(|row| match write_grey(bitmap, row)? {
        Some(png) => Ok(png),
        None => write_rgba(bitmap, row),
    })
    .map_err(failed)
}

thread_local! {
    // Row buffers, kept from one page to the next.
    static ROW: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// PNG colour types.
const GREY: u8 = 0;
const RGBA: u8 = 6;
/// The PNG "Up" filter: each byte minus the one above it (zero above the first row).
const UP: u8 = 2;

/// The page as 8-bit grey rows, Up-filtered and deflated row by row; `None` as soon as a
/// pixel is not grey.
fn write_grey(bitmap: &Bitmap, buffer: &mut Vec<u8>) -> std::io::Result<Option<Vec<u8>>> {
    let width = bitmap.width as usize;
    let rows = || bitmap.rgba.chunks_exact(width * 4);
    buffer.resize(3 * width + 1, 0);
    let (row, rest) = buffer.split_at_mut(width + 1);
    let (grey, above) = rest.split_at_mut(width);
    // Colour is often far from the top (a coloured footer or page number, a figure): every
    // 16th row from the bottom up, a sixteenth of the reading, tells most colour pages
    // before any work is wasted (on the benchmark's textbook: 0.25 ms a colour page).
    if !rows().rev().step_by(16).all(|pixels| grey_row(pixels, grey)) {
        return Ok(None);
    }
    let (out, idat) = png_start(bitmap.width, bitmap.height, GREY, bitmap.rgba.len() / 24);
    let mut deflate = fdeflate::Compressor::new(out)?;
    row[0] = UP;
    above.fill(0);
    for pixels in rows() {
        if !grey_row(pixels, grey) {
            return Ok(None);
        }
        for ((out, now), up) in row[1..].iter_mut().zip(grey.iter()).zip(above.iter()) {
            *out = now.wrapping_sub(*up);
        }
        deflate.write_data(row)?;
        above.copy_from_slice(grey);
    }
    Ok(Some(png_end(deflate.finish()?, idat)))
}

/// The page's RGBA rows, Up-filtered straight from the render and deflated row by row (a
/// row stays in the processor's cache between the two).
fn write_rgba(bitmap: &Bitmap, row: &mut Vec<u8>) -> std::io::Result<Vec<u8>> {
    let row_bytes = bitmap.width as usize * 4;
    let (out, idat) = png_start(bitmap.width, bitmap.height, RGBA, bitmap.rgba.len() / 12);
    let mut deflate = fdeflate::Compressor::new(out)?;
    row.resize(row_bytes + 1, 0);
    row[0] = UP;
    let mut above: &[u8] = &[];
    for pixels in bitmap.rgba.chunks_exact(row_bytes) {
        if above.is_empty() {
            row[1..].copy_from_slice(pixels);
        } else {
            for ((out, now), up) in row[1..].iter_mut().zip(pixels).zip(above) {
                *out = now.wrapping_sub(*up);
            }
        }
        deflate.write_data(row)?;
        above = pixels;
    }
    Ok(png_end(deflate.finish()?, idat))
}

/// The PNG signature, header chunk and the start of the data chunk; returns where the data
/// chunk starts, for [`png_end`].
fn png_start(width: u32, height: u32, colour: u8, capacity: usize) -> (Vec<u8>, usize) {
    let mut out = Vec::with_capacity(capacity);
    out.extend_from_slice(b"\x89PNG\r\n\x1a\n");
    let mut header = [0u8; 13];
    header[..4].copy_from_slice(&width.to_be_bytes());
    header[4..8].copy_from_slice(&height.to_be_bytes());
    header[8] = 8; // bit depth
    header[9] = colour; // then deflate, adaptive filtering, no interlace: all zero
    chunk(&mut out, b"IHDR", &header);
    // The data chunk: its length is filled in once the compressed stream is written.
    let idat = out.len();
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(b"IDAT");
    (out, idat)
}

/// Closes the data chunk opened at `idat` (the deflated stream written after it) and ends
/// the PNG.
fn png_end(mut out: Vec<u8>, idat: usize) -> Vec<u8> {
    // A page is far below 4 GiB of compressed data (MAX_WIDTH and the render cap bound it).
    let length = (out.len() - idat - 8) as u32;
    out[idat..idat + 4].copy_from_slice(&length.to_be_bytes());
    let crc = crc32fast::hash(&out[idat + 4..]);
    out.extend_from_slice(&crc.to_be_bytes());
    chunk(&mut out, b"IEND", &[]);
    out
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
