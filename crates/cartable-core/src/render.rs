//! Page images: the bytes a webview shows, and how they are made.
//!
//! Pages are PNG, written with the fastest deflate setting. PNG is lossless (text stays sharp
//! at every zoom), every webview decodes it, and on textbook pages (mostly white, few colours)
//! fast deflate costs a small share of PDFium's own render time. BENCHMARKS.md has the
//! measurements (`cartable-bench formats`) that chose it over JPEG, WebP and raw bitmaps.

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

/// Encodes a rendered page as PNG: 8-bit grey when every pixel is grey (most text pages:
/// a third of the data to compress), RGB otherwise. The pixels are repacked into a buffer each
/// thread keeps, so that encoding touches no fresh memory.
pub fn encode(bitmap: &Bitmap) -> Result<Vec<u8>> {
    thread_local! {
        static PACKED: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let failed =
        |e: png::EncodingError| Error::Io { context: "encoding a page image".into(), source: std::io::Error::other(e) };
    PACKED.with_borrow_mut(|packed| {
        let pixels = bitmap.rgba.len() / 4;
        packed.clear();
        packed.reserve(pixels * 3);
        let mut grey = true;
        for px in bitmap.rgba.chunks_exact(4) {
            grey &= px[0] == px[1] && px[1] == px[2];
            packed.extend_from_slice(&px[..3]);
        }
        let colour = if grey {
            for i in 0..pixels {
                packed[i] = packed[i * 3];
            }
            packed.truncate(pixels);
            png::ColorType::Grayscale
        } else {
            png::ColorType::Rgb
        };
        let mut out = Vec::with_capacity(packed.len() / 12);
        {
            let mut encoder = png::Encoder::new(&mut out, bitmap.width, bitmap.height);
            encoder.set_color(colour);
            encoder.set_depth(png::BitDepth::Eight);
            encoder.set_compression(png::Compression::Fastest);
            let mut writer = encoder.write_header().map_err(failed)?;
            writer.write_image_data(packed).map_err(failed)?;
            writer.finish().map_err(failed)?;
        }
        Ok(out)
    })
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
    fn grey_pages_become_grey_pngs_and_colour_stays_colour() {
        let grey = Bitmap { width: 2, height: 1, rgba: vec![10, 10, 10, 255, 200, 200, 200, 255] };
        assert_eq!(decode(&encode(&grey).expect("encode")), (png::ColorType::Grayscale, vec![10, 200]));
        let colour = Bitmap { width: 2, height: 1, rgba: vec![10, 10, 10, 255, 200, 0, 0, 255] };
        assert_eq!(decode(&encode(&colour).expect("encode")), (png::ColorType::Rgb, vec![10, 10, 10, 200, 0, 0]));
    }
}
