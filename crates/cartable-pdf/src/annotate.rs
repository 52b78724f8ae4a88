//! Writing placed marks ([`crate::marks::Annotation`]) into a copy of a PDF with PDFium.
//!
//! pdfium-render 0.9 creates highlight, underline and text annotations, but it has no call for
//! an ink annotation's /InkList (`FPDFAnnot_AddInkStroke`), a border width
//! (`FPDFAnnot_SetBorder`) or an appearance stream (`FPDFAnnot_SetAP`), and it never hands out
//! the raw annotation handle those calls need. So this module writes every annotation through
//! the raw bindings, in one pass over one in-memory copy of the document; with `decrypt`, it is
//! the only `unsafe` code in Cartable.
#![allow(unsafe_code)]

use std::os::raw::c_int;

use pdfium_render::prelude::*;

use crate::Error;
use crate::marks::{Annotation, Quad, Shape, appearance};

// Constants of the C headers that pdfium-render does not re-export.
/// `FPDF_ANNOT_FLAG_PRINT` from `fpdf_annot.h`.
const FLAG_PRINT: c_int = 4;
/// `FPDFANNOT_COLORTYPE_Color` from `fpdf_annot.h`: /C, as opposed to the interior colour /IC.
const COLOR: FPDFANNOT_COLORTYPE = 0;
/// `FPDF_NO_INCREMENTAL` from `fpdf_save.h`.
const NO_INCREMENTAL: FPDF_DWORD = 2;

/// A document handle, closed when dropped (also on the error paths).
struct Document<'b> {
    bindings: &'b dyn PdfiumLibraryBindings,
    handle: FPDF_DOCUMENT,
}

impl Drop for Document<'_> {
    fn drop(&mut self) {
        // SAFETY: `handle` came from FPDF_LoadMemDocument64, is non-null, and its pages were
        // closed first (each `Page` borrows this `Document`, so it is dropped before it).
        unsafe { self.bindings.FPDF_CloseDocument(self.handle) }
    }
}

/// A page handle, closed when dropped. Edits live in the document, not in the handle.
struct Page<'d, 'b> {
    document: &'d Document<'b>,
    handle: FPDF_PAGE,
}

impl Drop for Page<'_, '_> {
    fn drop(&mut self) {
        // SAFETY: `handle` came from FPDF_LoadPage on the live `document` and is non-null;
        // every annotation handle of this page was closed first (each `Annot` borrows the page).
        unsafe { self.document.bindings.FPDF_ClosePage(self.handle) }
    }
}

/// An annotation handle, closed when dropped. Closing releases the handle, not the annotation,
/// which stays in the page's /Annots.
struct Annot<'p, 'd, 'b> {
    page: &'p Page<'d, 'b>,
    handle: FPDF_ANNOTATION,
}

impl Drop for Annot<'_, '_, '_> {
    fn drop(&mut self) {
        // SAFETY: `handle` came from FPDFPage_CreateAnnot on the live `page` and is non-null.
        unsafe { self.page.document.bindings.FPDFPage_CloseAnnot(self.handle) }
    }
}

/// Opens `bytes` (with `password`), adds `annotations` and returns the whole document saved
/// anew. `bytes` itself is not changed.
pub(crate) fn write(
    pdfium: &Pdfium,
    bytes: &[u8],
    password: Option<&str>,
    annotations: &[Annotation],
) -> Result<Vec<u8>, Error> {
    let bindings = pdfium.bindings();
    // SAFETY: `bytes` outlives the document, which `Document` closes before this returns.
    let handle = unsafe { bindings.FPDF_LoadMemDocument64(bytes, password) };
    if handle.is_null() {
        // The engine opened this very file with this password just before: the file changed.
        return Err(Error::Annotate { message: "PDFium could not open the document again".into() });
    }
    let document = Document { bindings, handle };

    // One page handle at a time, each loaded once however many marks it carries.
    let mut order: Vec<&Annotation> = annotations.iter().collect();
    order.sort_by_key(|a| a.page);
    for on_page in order.chunk_by(|a, b| a.page == b.page) {
        let index = on_page[0].page;
        let page = load_page(&document, index)?;
        for annotation in on_page {
            add(&page, annotation).map_err(|what| Error::Annotate {
                message: format!("PDFium refused {what} of an annotation on page {}", index + 1),
            })?;
        }
    }

    // A full rewrite rather than an incremental update: a file PDFium had to repair on opening
    // would otherwise keep its broken cross-reference table under the new one.
    // SAFETY: `document.handle` is live until `document` drops, after this call.
    let saved = unsafe { crate::decrypt::save(bindings, document.handle, NO_INCREMENTAL) };
    saved.ok_or_else(|| Error::Annotate { message: "PDFium refused to save the annotated copy".into() })
}

fn load_page<'d, 'b>(document: &'d Document<'b>, index: usize) -> Result<Page<'d, 'b>, Error> {
    let failed = || Error::Annotate { message: format!("page {} could not be loaded", index + 1) };
    let index = c_int::try_from(index).map_err(|_| failed())?;
    // SAFETY: the document is live; an index out of range gives a null handle, checked below.
    let handle = unsafe { document.bindings.FPDF_LoadPage(document.handle, index) };
    if handle.is_null() {
        return Err(failed());
    }
    Ok(Page { document, handle })
}

/// Adds one annotation to `page`; on failure, names the step PDFium refused.
fn add(page: &Page, a: &Annotation) -> Result<(), &'static str> {
    let bindings = page.document.bindings;
    let subtype = match a.shape {
        Shape::Highlight(_) => PdfPageAnnotationType::Highlight,
        Shape::Underline(_) => PdfPageAnnotationType::Underline,
        Shape::Note(_) => PdfPageAnnotationType::Text,
        Shape::Ink { .. } => PdfPageAnnotationType::Ink,
    };
    // SAFETY (this block and every call below): `page.handle` and `annot.handle` are live,
    // non-null handles of the same library as `bindings`; every pointer passed points to a
    // local value that outlives the call, and PDFium copies what it is given.
    let handle = unsafe { bindings.FPDFPage_CreateAnnot(page.handle, subtype as FPDF_ANNOTATION_SUBTYPE) };
    if handle.is_null() {
        return Err("the creation");
    }
    let annot = Annot { page, handle };
    let ok = |result: FPDF_BOOL, what: &'static str| if bindings.is_true(result) { Ok(()) } else { Err(what) };

    let rect = FS_RECTF { left: a.rect.left, top: a.rect.top, right: a.rect.right, bottom: a.rect.bottom };
    ok(unsafe { bindings.FPDFAnnot_SetRect(annot.handle, &rect) }, "the rectangle")?;
    // Printed, like the pupil's pencil marks on paper (annotations are not printed by default).
    ok(unsafe { bindings.FPDFAnnot_SetFlags(annot.handle, FLAG_PRINT) }, "the flags")?;
    // /C, and /CA from the alpha. It must come before the appearance stream: PDFium refuses
    // to colour an annotation that has one.
    let [r, g, b] = a.color.map(u32::from);
    ok(unsafe { bindings.FPDFAnnot_SetColor(annot.handle, COLOR, r, g, b, u32::from(a.alpha)) }, "the colour")?;
    match &a.shape {
        Shape::Highlight(quads) | Shape::Underline(quads) => {
            for q in quads {
                let points = quad_points(q);
                ok(unsafe { bindings.FPDFAnnot_AppendAttachmentPoints(annot.handle, &points) }, "the quad points")?;
            }
        }
        Shape::Note(_) => {}
        Shape::Ink { strokes, width } => {
            for stroke in strokes {
                let points: Vec<FS_POINTF> = stroke.iter().map(|p| FS_POINTF { x: p.x, y: p.y }).collect();
                // Returns the stroke's index in /InkList, or -1.
                let added = unsafe { bindings.FPDFAnnot_AddInkStroke(annot.handle, points.as_ptr(), points.len()) };
                if added < 0 {
                    return Err("a stroke");
                }
            }
            // /Border [0 0 width]: no rounded corners, the pen's width in points.
            ok(unsafe { bindings.FPDFAnnot_SetBorder(annot.handle, 0.0, 0.0, *width) }, "the pen width")?;
        }
    }
    if let Some(text) = &a.contents {
        ok(unsafe { bindings.FPDFAnnot_SetStringValue_str(annot.handle, "Contents", text) }, "the text")?;
    }
    if let Some(author) = &a.author {
        ok(unsafe { bindings.FPDFAnnot_SetStringValue_str(annot.handle, "T", author) }, "the author")?;
    }
    let stream = appearance(a);
    ok(
        unsafe {
            bindings.FPDFAnnot_SetAP_str(annot.handle, PdfAppearanceMode::Normal as FPDF_ANNOT_APPEARANCEMODE, &stream)
        },
        "the appearance",
    )
}

fn quad_points(q: &Quad) -> FS_QUADPOINTSF {
    FS_QUADPOINTSF {
        x1: q.upper_left.x,
        y1: q.upper_left.y,
        x2: q.upper_right.x,
        y2: q.upper_right.y,
        x3: q.lower_left.x,
        y3: q.lower_left.y,
        x4: q.lower_right.x,
        y4: q.lower_right.y,
    }
}
