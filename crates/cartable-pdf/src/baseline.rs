//! The bare PDFium loop that benchmarks compare Cartable's render path against:
//! open, load each page, render it into a reused bitmap, nothing else.
//!
//! It binds PDFium itself, so it must run in a process that has no [`crate::Engine`]
//! (the benchmark runs it in a child process).

use std::path::Path;
use std::time::{Duration, Instant};

use pdfium_render::prelude::*;

use crate::Error;

/// Renders `pages` of `pdf` at `width` pixels wide into a BGRA bitmap; returns the time spent
/// rendering (binding the library and opening the document excluded).
pub fn render_pages(library: &Path, pdf: &Path, pages: &[usize], width: u32) -> Result<Duration, Error> {
    let bindings = Pdfium::bind_to_library(library)
        .map_err(|e| Error::LibraryLoad { path: library.to_path_buf(), message: e.to_string() })?;
    let pdfium = Pdfium::new(bindings);
    let document = pdfium.load_pdf_from_file(pdf, None).map_err(|_| Error::Corrupt)?;
    let config = PdfRenderConfig::new().set_target_width(width as Pixels);
    let start = Instant::now();
    for &index in pages {
        let page = document.pages().get(index as PdfPageIndex).map_err(|_| Error::Corrupt)?;
        let bitmap =
            page.render_with_config(&config).map_err(|e| Error::Render { page: index, message: e.to_string() })?;
        std::hint::black_box(&bitmap);
    }
    Ok(start.elapsed())
}
