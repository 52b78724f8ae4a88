//! The engine thread: the only code that touches PDFium.

use std::collections::VecDeque;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, mpsc};

use pdfium_render::prelude::*;

use crate::{AnnotationFacts, Error, Mark};

/// How many documents the engine keeps open between jobs (page turns hit the same book).
const OPEN_DOCUMENTS: usize = 3;
/// Outline entries beyond this are ignored: a hostile outline can loop or be enormous.
const MAX_OUTLINE_ENTRIES: usize = 20_000;
const MAX_OUTLINE_DEPTH: u32 = 32;
/// Rendered bitmaps are capped on each side so that a hostile page size cannot exhaust memory.
pub const MAX_RENDER_SIDE: u32 = 8192;

type Job = Box<dyn for<'p> FnOnce(&mut Worker<'p>) + Send>;

/// How soon a job should run. A page the pupil is waiting for goes before text layers,
/// thumbnails and pre-rendering, whatever came first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Priority {
    Now,
    Later,
}

/// The engine's two job queues; the thread takes from `now` first.
#[derive(Default)]
struct Queues {
    now: VecDeque<Job>,
    later: VecDeque<Job>,
    closed: bool,
}

struct Inbox {
    queues: Mutex<Queues>,
    ready: Condvar,
}

impl Inbox {
    fn push(&self, priority: Priority, job: Job) -> Result<(), Error> {
        let mut q = self.queues.lock().unwrap_or_else(|p| p.into_inner());
        if q.closed {
            return Err(Error::EngineStopped);
        }
        match priority {
            Priority::Now => q.now.push_back(job),
            Priority::Later => q.later.push_back(job),
        }
        self.ready.notify_one();
        Ok(())
    }

    fn pop(&self) -> Job {
        let mut q = self.queues.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(job) = q.now.pop_front().or_else(|| q.later.pop_front()) {
                return job;
            }
            q = self.ready.wait(q).unwrap_or_else(|p| p.into_inner());
        }
    }

    fn close(&self) {
        self.queues.lock().unwrap_or_else(|p| p.into_inner()).closed = true;
    }
}

/// A handle to the process's PDFium thread. Cheap to clone; every clone talks to the same thread.
#[derive(Clone)]
pub struct Engine {
    jobs: Arc<Inbox>,
}

static ENGINE: Mutex<Option<Engine>> = Mutex::new(None);

/// Facts about one page, read without rendering it.
#[derive(Debug, Clone, PartialEq)]
pub struct PageFacts {
    /// The printed page label from `/PageLabels`, when the document has one for this page.
    pub label: Option<String>,
    /// Size in points (1/72 in), after the page's own rotation.
    pub width: f32,
    pub height: f32,
}

/// One outline (bookmark) entry, flattened in document order.
#[derive(Debug, Clone, PartialEq)]
pub struct OutlineEntry {
    pub title: String,
    pub depth: u32,
    /// The 0-based target page, when the destination resolves to a page of this document.
    pub page: Option<usize>,
}

/// Everything import needs to know about a PDF.
#[derive(Debug, Clone, Default)]
pub struct DocumentInfo {
    pub title: Option<String>,
    pub author: Option<String>,
    pub subject: Option<String>,
    pub keywords: Option<String>,
    pub creator: Option<String>,
    pub producer: Option<String>,
    pub created: Option<String>,
    pub language: Option<String>,
    pub pages: Vec<PageFacts>,
    pub outline: Vec<OutlineEntry>,
    /// The largest text of the first pages: the title, when the metadata has none.
    pub heading: Option<String>,
    /// The text of each page, raw as PDFium extracts it (callers clean it).
    pub texts: Vec<String>,
}

/// A rendered page: opaque RGBA rows, `width * 4` bytes each, no padding.
/// Dropping it gives its buffer back for the next page.
#[derive(Debug)]
pub struct Bitmap {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}

impl Bitmap {
    /// The pixels as packed RGB rows.
    pub fn to_rgb(&self) -> Vec<u8> {
        let mut rgb = Vec::with_capacity(self.rgba.len() / 4 * 3);
        for px in self.rgba.chunks_exact(4) {
            rgb.extend_from_slice(&px[..3]);
        }
        rgb
    }
}

impl Drop for Bitmap {
    fn drop(&mut self) {
        crate::pool::give(std::mem::take(&mut self.rgba));
    }
}

/// A character's box on the page, in page points from the top-left corner.
#[derive(Debug, Clone, PartialEq)]
pub struct TextBox {
    pub ch: char,
    pub left: f32,
    pub top: f32,
    pub right: f32,
    pub bottom: f32,
}

impl Engine {
    /// The process's engine, started on first use with the library at `library`.
    /// Later calls return the same engine whatever path they give.
    pub fn start(library: &Path) -> Result<Engine, Error> {
        let mut slot = ENGINE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(engine) = slot.as_ref() {
            return Ok(engine.clone());
        }
        let engine = spawn(library.to_path_buf())?;
        *slot = Some(engine.clone());
        Ok(engine)
    }

    /// The process's engine, locating the library with [`crate::locate`].
    pub fn global() -> Result<Engine, Error> {
        if let Some(engine) = ENGINE.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            return Ok(engine.clone());
        }
        Engine::start(&crate::locate()?)
    }

    /// Opens the document and reads its metadata, outline, page facts and page texts in one pass.
    pub fn read(&self, path: &Path, password: Option<&str>) -> Result<DocumentInfo, Error> {
        let (path, password) = owned(path, password);
        self.call(move |w| {
            let doc = w.document(&path, password.as_deref())?;
            read_document(doc, &mut |_, _| {})
        })
    }

    /// [`Engine::read`], rendering every page at `width` as it goes (each page is loaded once
    /// for both) and sending the bitmaps to `pages`; only the pages `take` says yes to (someone
    /// else may render the others). Rendering stops, and reading goes on, when `stop` is set
    /// or the receiver is gone; a page that fails to render is skipped.
    pub fn read_rendering(
        &self,
        path: &Path,
        password: Option<&str>,
        width: u32,
        pages: mpsc::SyncSender<(usize, Bitmap)>,
        stop: Arc<AtomicBool>,
        take: Arc<dyn Fn(usize) -> bool + Send + Sync>,
    ) -> Result<DocumentInfo, Error> {
        let (path, password) = owned(path, password);
        self.call(move |w| {
            let doc = w.document(&path, password.as_deref())?;
            let mut sending = true;
            read_document(doc, &mut |index, page| {
                if !sending || stop.load(Ordering::Relaxed) || !take(index) {
                    return;
                }
                if let Ok(bitmap) = render_loaded(page, index, width) {
                    sending = pages.send((index, bitmap)).is_ok();
                }
            })
        })
    }

    /// The number of pages, opening the document if needed.
    pub fn page_count(&self, path: &Path, password: Option<&str>) -> Result<usize, Error> {
        let (path, password) = owned(path, password);
        self.call(move |w| Ok(w.document(&path, password.as_deref())?.pages().len() as usize))
    }

    /// Renders page `page` (0-based) at `width` pixels, height following the page's aspect ratio.
    /// It goes before every background job waiting (a pupil is looking at this page).
    pub fn render(&self, path: &Path, password: Option<&str>, page: usize, width: u32) -> Result<Bitmap, Error> {
        self.render_with(Priority::Now, path, password, page, width)
    }

    /// [`Engine::render`] for work nobody waits for (pre-render, thumbnails): it runs when no
    /// page is asked for.
    pub fn render_in_background(
        &self,
        path: &Path,
        password: Option<&str>,
        page: usize,
        width: u32,
    ) -> Result<Bitmap, Error> {
        self.render_with(Priority::Later, path, password, page, width)
    }

    fn render_with(
        &self,
        priority: Priority,
        path: &Path,
        password: Option<&str>,
        page: usize,
        width: u32,
    ) -> Result<Bitmap, Error> {
        let (path, password) = owned(path, password);
        self.call_with(priority, move |w| {
            let doc = w.document(&path, password.as_deref())?;
            render_page(doc, page, width)
        })
    }

    /// The characters of a page with their boxes, for highlighting search hits and text
    /// selection; after any page render waiting.
    pub fn text_boxes(&self, path: &Path, password: Option<&str>, page: usize) -> Result<Vec<TextBox>, Error> {
        let (path, password) = owned(path, password);
        self.call_with(Priority::Later, move |w| {
            let doc = w.document(&path, password.as_deref())?;
            text_boxes(doc, page)
        })
    }

    /// A copy of the document without its password protection, as PDF bytes.
    pub fn decrypt(&self, path: &Path, password: &str) -> Result<Vec<u8>, Error> {
        let (path, password) = owned(path, Some(password));
        self.call(move |w| {
            // Opening through the cache checks the password and gives the precise error.
            w.document(&path, password.as_deref())?;
            let bytes = std::fs::read(&path)?;
            crate::decrypt::without_security(w.pdfium, &bytes, password.as_deref().unwrap_or_default())
        })
    }

    /// A copy of the document at `path` with `marks` added as real PDF annotations, as PDF bytes.
    /// The original file is not modified.
    ///
    /// Fails with [`Error::PageOutOfRange`] for a mark on a page the document lacks and with
    /// [`Error::InvalidMark`] for one with nothing to draw or a coordinate that is not a number;
    /// no copy is made then. A copy of a password-protected file keeps its protection.
    pub fn annotated_copy(&self, path: &Path, password: Option<&str>, marks: Vec<Mark>) -> Result<Vec<u8>, Error> {
        let (path, password) = owned(path, password);
        self.call(move |w| {
            // The cached document checks the password (precise errors) and gives the page
            // boxes; the annotations go into a fresh copy so that the cached one, which the
            // reader keeps rendering, stays as the file is.
            let annotations = crate::marks::place(w.document(&path, password.as_deref())?, &marks)?;
            let bytes = std::fs::read(&path)?;
            crate::annotate::write(w.pdfium, &bytes, password.as_deref(), &annotations)
        })
    }

    /// The annotations PDFium finds on page `page` (0-based): to check an annotated copy, and
    /// to see what a PDF annotated elsewhere carries.
    pub fn annotations(&self, path: &Path, password: Option<&str>, page: usize) -> Result<Vec<AnnotationFacts>, Error> {
        let (path, password) = owned(path, password);
        self.call(move |w| crate::marks::read(w.document(&path, password.as_deref())?, page))
    }

    /// Forgets an open document (before its file is removed).
    pub fn close(&self, path: &Path) {
        let path = path.to_path_buf();
        let _ = self.call(move |w| {
            w.open.retain(|d| d.path != path);
            Ok(())
        });
    }

    fn call<T: Send + 'static>(
        &self,
        job: impl for<'p> FnOnce(&mut Worker<'p>) -> Result<T, Error> + Send + 'static,
    ) -> Result<T, Error> {
        self.call_with(Priority::Now, job)
    }

    fn call_with<T: Send + 'static>(
        &self,
        priority: Priority,
        job: impl for<'p> FnOnce(&mut Worker<'p>) -> Result<T, Error> + Send + 'static,
    ) -> Result<T, Error> {
        let (reply, answer) = mpsc::sync_channel(1);
        let job: Job = Box::new(move |worker| {
            let _ = reply.send(job(worker));
        });
        self.jobs.push(priority, job)?;
        // A job that panicked dropped its reply sender without answering.
        answer.recv().map_err(|_| Error::Corrupt)?
    }
}

fn owned(path: &Path, password: Option<&str>) -> (PathBuf, Option<String>) {
    (path.to_path_buf(), password.map(str::to_owned))
}

fn spawn(library: PathBuf) -> Result<Engine, Error> {
    let jobs = Arc::new(Inbox { queues: Mutex::new(Queues::default()), ready: Condvar::new() });
    let inbox = jobs.clone();
    let (ready, started) = mpsc::sync_channel::<Result<(), Error>>(1);
    std::thread::Builder::new().name("pdfium".into()).spawn(move || {
        let bindings = match Pdfium::bind_to_library(&library) {
            Ok(b) => b,
            Err(e) => {
                inbox.close();
                let _ = ready.send(Err(Error::LibraryLoad { path: library, message: e.to_string() }));
                return;
            }
        };
        let pdfium = Pdfium::new(bindings);
        let _ = ready.send(Ok(()));
        let mut worker = Worker { pdfium: &pdfium, open: Vec::new() };
        loop {
            let job = inbox.pop();
            let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| job(&mut worker)));
            if outcome.is_err() {
                // The open documents may be half-used by the panicking job; start afresh.
                worker.open.clear();
            }
        }
    })?;
    started.recv().map_err(|_| Error::EngineStopped)??;
    Ok(Engine { jobs })
}

/// State owned by the engine thread.
pub struct Worker<'p> {
    pdfium: &'p Pdfium,
    open: Vec<OpenDocument<'p>>,
}

struct OpenDocument<'p> {
    path: PathBuf,
    document: PdfDocument<'p>,
}

impl<'p> Worker<'p> {
    /// The open document for `path`, most recently used first.
    fn document(&mut self, path: &Path, password: Option<&str>) -> Result<&PdfDocument<'p>, Error> {
        if let Some(i) = self.open.iter().position(|d| d.path == path) {
            let doc = self.open.remove(i);
            self.open.insert(0, doc);
        } else {
            let document = self.pdfium.load_pdf_from_file(path, password).map_err(|e| open_error(e, password))?;
            if document.pages().is_empty() {
                return Err(Error::NoPages);
            }
            self.open.insert(0, OpenDocument { path: path.to_path_buf(), document });
            self.open.truncate(OPEN_DOCUMENTS);
        }
        Ok(&self.open[0].document)
    }
}

fn open_error(error: PdfiumError, password: Option<&str>) -> Error {
    match error {
        PdfiumError::PdfiumLibraryInternalError(PdfiumInternalError::PasswordError) => match password {
            Some(_) => Error::WrongPassword,
            None => Error::PasswordRequired,
        },
        PdfiumError::PdfiumLibraryInternalError(PdfiumInternalError::SecurityError) => Error::UnsupportedSecurity,
        PdfiumError::IoError(e) => Error::Io(e),
        _ => Error::Corrupt,
    }
}

fn read_document(doc: &PdfDocument, on_page: &mut dyn FnMut(usize, &PdfPage)) -> Result<DocumentInfo, Error> {
    let meta = doc.metadata();
    let tag =
        |t: PdfDocumentMetadataTagType| meta.get(t).map(|v| v.value().trim().to_owned()).filter(|v| !v.is_empty());
    let pages = doc.pages();
    let count = pages.len() as usize;
    let mut facts = Vec::with_capacity(count);
    let mut texts = Vec::with_capacity(count);
    for index in 0..count {
        // A page that PDFium cannot load still counts: it shows as blank, with no text.
        match pages.get(index as PdfPageIndex) {
            Ok(page) => {
                facts.push(PageFacts {
                    label: page.label().map(str::to_owned).filter(|l| !l.is_empty()),
                    width: page.width().value,
                    height: page.height().value,
                });
                texts.push(page.text().map(|t| t.all()).unwrap_or_default());
                on_page(index, &page);
            }
            Err(_) => {
                let size = pages.page_size(index as PdfPageIndex).ok();
                facts.push(PageFacts {
                    label: None,
                    width: size.map_or(0.0, |r| r.width().value),
                    height: size.map_or(0.0, |r| r.height().value),
                });
                texts.push(String::new());
            }
        }
    }
    Ok(DocumentInfo {
        title: tag(PdfDocumentMetadataTagType::Title),
        author: tag(PdfDocumentMetadataTagType::Author),
        subject: tag(PdfDocumentMetadataTagType::Subject),
        keywords: tag(PdfDocumentMetadataTagType::Keywords),
        creator: tag(PdfDocumentMetadataTagType::Creator),
        producer: tag(PdfDocumentMetadataTagType::Producer),
        created: tag(PdfDocumentMetadataTagType::CreationDate),
        language: doc.catalog().get_language().ok().map(|l| l.trim().to_owned()).filter(|l| !l.is_empty()),
        pages: facts,
        outline: outline(doc, count),
        heading: (0..count.min(3)).find_map(|i| pages.get(i as PdfPageIndex).ok().and_then(|p| heading(&p))),
        texts,
    })
}

fn outline(doc: &PdfDocument, page_count: usize) -> Vec<OutlineEntry> {
    let mut out = Vec::new();
    let Some(root) = doc.bookmarks().root() else { return out };
    // Depth-first walk with an explicit stack: (bookmark, depth).
    let mut stack = vec![(root, 0u32)];
    while let Some((mark, depth)) = stack.pop() {
        if out.len() >= MAX_OUTLINE_ENTRIES {
            break;
        }
        let page = bookmark_page(&mark).filter(|p| *p < page_count);
        let title = mark.title().map(|t| clean_title(&t)).unwrap_or_default();
        out.push(OutlineEntry { title, depth, page });
        if let Some(next) = mark.next_sibling() {
            stack.push((next, depth));
        }
        if depth < MAX_OUTLINE_DEPTH
            && let Some(child) = mark.first_child()
        {
            stack.push((child, depth + 1));
        }
    }
    out
}

/// The run of the largest characters on a page, when it reads like a title.
fn heading(page: &PdfPage) -> Option<String> {
    let text = page.text().ok()?;
    let chars: Vec<(char, f32)> =
        text.chars().iter().filter_map(|c| Some((c.unicode_char()?, c.scaled_font_size().value))).collect();
    let largest = chars.iter().map(|(_, size)| *size).fold(0.0_f32, f32::max);
    if largest <= 0.0 {
        return None;
    }
    let mut out = String::new();
    let mut previous_kept = false;
    for (c, size) in chars {
        if size >= largest * 0.85 && !c.is_whitespace() {
            out.push(c);
            previous_kept = true;
        } else if previous_kept && (c.is_whitespace() || size >= largest * 0.85) {
            out.push(' ');
        } else {
            previous_kept = false;
        }
    }
    let title = out.split_whitespace().collect::<Vec<_>>().join(" ");
    let letters = title.chars().filter(|c| c.is_alphabetic()).count();
    (letters >= 3 && title.chars().count() <= 120).then_some(title)
}

/// The page an outline entry points at, through its destination or its GoTo action.
fn bookmark_page(mark: &PdfBookmark) -> Option<usize> {
    if let Some(dest) = mark.destination() {
        return dest.page_index().ok().map(|p| p as usize);
    }
    let action = mark.action()?;
    let local = action.as_local_destination_action()?;
    let dest = local.destination().ok()?;
    dest.page_index().ok().map(|p| p as usize)
}

/// Outline titles sometimes carry line breaks or control characters.
fn clean_title(title: &str) -> String {
    let spaced: String = title.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub(crate) fn checked_page<'d>(doc: &'d PdfDocument, page: usize) -> Result<PdfPage<'d>, Error> {
    let count = doc.pages().len() as usize;
    if page >= count {
        return Err(Error::PageOutOfRange { page, count });
    }
    doc.pages().get(page as PdfPageIndex).map_err(|e| Error::Render { page, message: e.to_string() })
}

/// The pixel height of a page rendered `width` pixels wide.
pub fn render_height(page_width: f32, page_height: f32, width: u32) -> u32 {
    let ratio = if page_width > 0.0 && page_height > 0.0 { page_height / page_width } else { 297.0 / 210.0 };
    ((width as f32 * ratio).round() as u32).clamp(1, MAX_RENDER_SIDE)
}

fn render_page(doc: &PdfDocument, index: usize, width: u32) -> Result<Bitmap, Error> {
    render_loaded(&checked_page(doc, index)?, index, width)
}

fn render_loaded(page: &PdfPage, index: usize, width: u32) -> Result<Bitmap, Error> {
    let width = width.clamp(1, MAX_RENDER_SIDE);
    let height = render_height(page.width().value, page.height().value, width);
    // PDFium composes fastest into 32-bit bitmaps; with its byte order reversed the pixels
    // come out as RGBA, ready for the encoder. The buffer is recycled (see `pool`).
    let mut rgba = crate::pool::take(width as usize * height as usize * 4);
    {
        let mut bitmap = PdfBitmap::from_bytes(width as Pixels, height as Pixels, PdfBitmapFormat::BGRA, &mut rgba)
            .map_err(|e| Error::Render { page: index, message: e.to_string() })?;
        let config = PdfRenderConfig::new()
            .set_target_size(width as Pixels, height as Pixels)
            .set_format(PdfBitmapFormat::BGRA)
            .set_reverse_byte_order(true)
            .clear_before_rendering(true)
            .set_clear_color(PdfColor::WHITE)
            .render_annotations(true)
            .render_form_data(true);
        page.render_into_bitmap_with_config(&mut bitmap, &config)
            .map_err(|e| Error::Render { page: index, message: e.to_string() })?;
    }
    Ok(Bitmap { width, height, rgba })
}

fn text_boxes(doc: &PdfDocument, index: usize) -> Result<Vec<TextBox>, Error> {
    let page = checked_page(doc, index)?;
    let height = page.height().value;
    let text = page.text().map_err(|e| Error::Render { page: index, message: e.to_string() })?;
    let mut out = Vec::new();
    for ch in text.chars().iter() {
        let Some(c) = ch.unicode_char() else { continue };
        let Ok(b) = ch.loose_bounds() else { continue };
        out.push(TextBox {
            ch: c,
            left: b.left().value,
            top: height - b.top().value,
            right: b.right().value,
            bottom: height - b.bottom().value,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_height_keeps_the_aspect_ratio_and_survives_empty_pages() {
        assert_eq!(render_height(595.0, 842.0, 595), 842, "A4 at 1 px per point");
        assert_eq!(render_height(0.0, 0.0, 210), 297, "a 0×0 page falls back to A4 proportions");
        assert_eq!(render_height(1.0, 100_000.0, 1000), MAX_RENDER_SIDE, "a hostile page size is capped");
    }

    #[test]
    fn to_rgb_drops_the_alpha_byte() {
        let bitmap = Bitmap { width: 2, height: 1, rgba: vec![1, 2, 3, 255, 4, 5, 6, 255] };
        assert_eq!(bitmap.to_rgb(), [1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn outline_titles_lose_control_characters() {
        assert_eq!(clean_title("Chapitre\r\n 1\u{0}"), "Chapitre 1");
    }
}
