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
/// (repacking to RGB costs more than deflating the constant alpha byte).
pub fn encode(bitmap: &Bitmap) -> Result<Vec<u8>> {
    thread_local! {
        static GREY: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let failed =
        |e: png::EncodingError| Error::Io { context: "encoding a page image".into(), source: std::io::Error::other(e) };
    let write = |colour: png::ColorType, data: &[u8]| {
        let mut out = Vec::with_capacity(data.len() / 12);
        {
            let mut encoder = png::Encoder::new(&mut out, bitmap.width, bitmap.height);
            encoder.set_color(colour);
            encoder.set_depth(png::BitDepth::Eight);
            encoder.set_compression(png::Compression::Fastest);
            let mut writer = encoder.write_header().map_err(failed)?;
            writer.write_image_data(data).map_err(failed)?;
            writer.finish().map_err(failed)?;
        }
        Ok(out)
    };
    if !is_grey(&bitmap.rgba) {
        return write(png::ColorType::Rgba, &bitmap.rgba);
    }
    GREY.with_borrow_mut(|grey| {
        grey.resize(bitmap.rgba.len() / 4, 0);
        for (out, px) in grey.iter_mut().zip(bitmap.rgba.chunks_exact(4)) {
            *out = px[0];
        }
        write(png::ColorType::Grayscale, grey)
    })
}

/// Whether every pixel has R = G = B; branch-free so that it vectorises.
fn is_grey(rgba: &[u8]) -> bool {
    rgba.chunks_exact(64).all(|block| {
        let mut diff = 0u8;
        for px in block.chunks_exact(4) {
            diff |= (px[0] ^ px[1]) | (px[1] ^ px[2]);
        }
        diff == 0
    }) && rgba.chunks_exact(64).remainder().chunks_exact(4).all(|px| px[0] == px[1] && px[1] == px[2])
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
        assert_eq!(
            decode(&encode(&colour).expect("encode")),
            (png::ColorType::Rgba, vec![10, 10, 10, 255, 200, 0, 0, 255]),
            "colour pages keep every channel"
        );
    }
}
