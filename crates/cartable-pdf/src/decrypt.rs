//! Saving a password-protected PDF without its protection.
//!
//! A pupil types a book's password once, at import; Cartable then keeps a copy without the
//! password protection inside the library, so the password itself is never stored anywhere.
//! pdfium-render does not expose `FPDF_SaveAsCopy`'s `FPDF_REMOVE_SECURITY` flag, so this module
//! calls the raw bindings. With [`crate::annotate`], which borrows its [`save`], it is the only
//! `unsafe` code in Cartable.
#![allow(unsafe_code)]

use std::os::raw::{c_int, c_ulong, c_void};

use pdfium_render::prelude::*;

use crate::Error;

/// `FPDF_REMOVE_SECURITY` from `fpdf_save.h`.
const REMOVE_SECURITY: FPDF_DWORD = 3;

/// The writer PDFium calls back with each block; `base` must stay the first field so that
/// the pointer PDFium hands back is also a pointer to the whole struct.
#[repr(C)]
struct Sink {
    base: FPDF_FILEWRITE,
    bytes: Vec<u8>,
}

unsafe extern "C" fn write_block(this: *mut FPDF_FILEWRITE, data: *const c_void, size: c_ulong) -> c_int {
    if this.is_null() || (data.is_null() && size > 0) {
        return 0;
    }
    // SAFETY: `this` is the `base` field of a live `Sink` (repr(C), first field), created in
    // `save` and borrowed mutably for the whole FPDF_SaveAsCopy call; `data` points
    // to `size` readable bytes for the duration of this call, as fpdf_save.h promises.
    unsafe {
        let sink = &mut *(this as *mut Sink);
        if size > 0 {
            sink.bytes.extend_from_slice(std::slice::from_raw_parts(data as *const u8, size as usize));
        }
    }
    1
}

/// Opens `bytes` with `password` and returns a copy saved without security.
pub(crate) fn without_security(pdfium: &Pdfium, bytes: &[u8], password: &str) -> Result<Vec<u8>, Error> {
    let bindings = pdfium.bindings();
    // SAFETY: the document handle is used only inside this function and closed before it
    // returns; `bytes` outlives it.
    unsafe {
        let document = bindings.FPDF_LoadMemDocument64(bytes, Some(password));
        if document.is_null() {
            return Err(Error::WrongPassword);
        }
        let saved = save(bindings, document, REMOVE_SECURITY);
        bindings.FPDF_CloseDocument(document);
        saved.ok_or_else(|| Error::Decrypt { message: "PDFium refused to save the document".into() })
    }
}

/// The document saved with `FPDF_SaveAsCopy` and `flags`, or `None` when PDFium refuses.
///
/// # Safety
/// `document` must be a live document handle of `bindings`' library.
pub(crate) unsafe fn save(
    bindings: &dyn PdfiumLibraryBindings,
    document: FPDF_DOCUMENT,
    flags: FPDF_DWORD,
) -> Option<Vec<u8>> {
    let mut sink = Sink { base: FPDF_FILEWRITE { version: 1, WriteBlock: Some(write_block) }, bytes: Vec::new() };
    // SAFETY: `document` is live (the caller's promise); the sink outlives the call and
    // `write_block` only touches it through the pointer PDFium hands back.
    let saved = unsafe { bindings.FPDF_SaveAsCopy(document, &mut sink.base, flags) };
    (bindings.is_true(saved) && !sink.bytes.is_empty()).then_some(sink.bytes)
}
