//! The façade: everything a shell (the CLI, the desktop app) does with a library.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, mpsc};

use rusqlite::Connection;
use serde::Serialize;

use cartable_pdf::Engine;

use crate::clock::{Clock, HlcSource};
use crate::db::{self, books, cache, entries, positions, settings, texts};
use crate::model::{Book, BookSummary, Format, Opened, Position, ShelfBook, Source};
use crate::render::{self, PAGE_MIME, PAGES_BUCKET, PageImage};
use crate::search::{self, Hit};
use crate::textlayer::{self, TextRun};
use crate::{BookId, Error, Result, import, sanitize, store};

pub(crate) mod annotate;

/// What the shell hands the library when opening it.
pub struct Options {
    /// Time, for added/opened dates and sync stamps.
    pub clock: Arc<dyn Clock>,
    /// Where the PDF engine library is; `None` looks in the usual places ([`cartable_pdf::locate`]).
    pub pdfium: Option<PathBuf>,
    /// Books to import when the library is created (the bundled textbooks).
    pub seed: Vec<Seed>,
}

/// A book given as bytes (the textbooks bundled in the binary).
#[derive(Debug, Clone, Copy)]
pub struct Seed {
    pub name: &'static str,
    pub bytes: &'static [u8],
}

/// A Cartable library: a folder with the databases and the book files.
pub struct Library {
    root: PathBuf,
    db: Mutex<Connection>,
    engine: OnceLock<Engine>,
    pdfium: Option<PathBuf>,
    clock: Arc<dyn Clock>,
    hlc: HlcSource,
    /// EPUBs recently read from, kept open: a chapter asks for many resources at once.
    epubs: Mutex<Vec<(BookId, cartable_epub::Book)>>,
    /// The executable to start as a second pre-render process, when the host allows it.
    render_helper: Mutex<Option<PathBuf>>,
}

/// Pages a pre-render stores per transaction.
const STORE_BATCH: usize = 8;
/// Below this many pages to render, starting a helper process costs more than it saves.
const HELPER_MIN_PAGES: usize = 8;

/// Pages waiting to be rendered, shared by the engine and a helper process.
type PageQueue = Mutex<std::collections::VecDeque<usize>>;

fn lock_pages(queue: &PageQueue) -> MutexGuard<'_, std::collections::VecDeque<usize>> {
    queue.lock().unwrap_or_else(|p| p.into_inner())
}

/// A page on its way to the cache: rendered here, or rendered and encoded by a helper.
enum Rendered {
    Bitmap(usize, cartable_pdf::Bitmap),
    Encoded(crate::helper::Frame),
}

/// How many EPUB archives stay open.
const OPEN_EPUBS: usize = 2;

/// How an import went for one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ImportStatus {
    Imported,
    AlreadyInLibrary,
}

#[derive(Debug, Clone, Serialize)]
pub struct Imported {
    pub status: ImportStatus,
    pub book: BookSummary,
}

/// One file's outcome, as `cartable import --json` and the app report it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportLine {
    pub file: String,
    /// `imported`, `already-in-library` or `error`.
    pub status: &'static str,
    pub book: Option<BookId>,
    pub title: Option<String>,
    pub format: Option<Format>,
    pub pages: Option<usize>,
    pub sections: Option<usize>,
    pub code: Option<&'static str>,
    pub error: Option<String>,
}

impl ImportLine {
    pub fn new(file: String, result: &Result<Imported>) -> ImportLine {
        match result {
            Ok(done) => ImportLine {
                file,
                status: match done.status {
                    ImportStatus::Imported => "imported",
                    ImportStatus::AlreadyInLibrary => "already-in-library",
                },
                book: Some(done.book.id.clone()),
                title: Some(done.book.title.clone()),
                format: Some(done.book.format),
                pages: done.book.pages,
                sections: done.book.sections,
                code: None,
                error: None,
            },
            Err(e) => ImportLine {
                file,
                status: "error",
                book: None,
                title: None,
                format: None,
                pages: None,
                sections: None,
                code: Some(e.code()),
                error: Some(e.to_string()),
            },
        }
    }
}

/// Rendering pages into the cache while a PDF is imported.
struct RenderAlong<'a> {
    width: u32,
    stop: Arc<AtomicBool>,
    progress: &'a mut dyn FnMut(Progress),
}

/// Where a pre-render stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    /// Pages ready in the cache (including those that were already there).
    pub done: usize,
    pub total: usize,
    /// Pages rendered by this run.
    pub rendered: usize,
}

/// What `check` found.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckReport {
    pub books: usize,
    pub problems: Vec<String>,
    /// Leftovers of interrupted imports that were removed.
    pub removed_leftovers: Vec<String>,
}

impl Library {
    /// Opens the library in `root`, creating it (and importing `options.seed`) when it is new.
    pub fn open(root: &Path, options: Options) -> Result<Library> {
        std::fs::create_dir_all(root).map_err(Error::io(format!("creating the library folder {}", root.display())))?;
        let (conn, created) = db::open(root)?;
        let node = match settings::get(&conn, "node_id")? {
            Some(hex) => u64::from_str_radix(&hex, 16).unwrap_or_default(),
            None => {
                let node = uuid::Uuid::new_v4().as_u64_pair().0;
                settings::set(&conn, "node_id", &format!("{node:016x}"))?;
                node
            }
        };
        // Stamps carry on after the latest one written, even if the wall clock went back.
        let latest = db::annotations::latest_stamp(&conn)?;
        let library = Library {
            root: root.to_path_buf(),
            db: Mutex::new(conn),
            engine: OnceLock::new(),
            pdfium: options.pdfium,
            clock: options.clock,
            hlc: HlcSource::new(node, latest),
            epubs: Mutex::new(Vec::new()),
            render_helper: Mutex::new(None),
        };
        library.sweep()?;
        if created || library.with_db(|c| settings::get(c, "seeded"))?.is_none() {
            library.seed(&options.seed)?;
        }
        Ok(library)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub(crate) fn now(&self) -> i64 {
        self.clock.now()
    }

    pub(crate) fn with_db<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        f(&self.lock())
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.db.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn engine(&self) -> Result<&Engine> {
        if let Some(engine) = self.engine.get() {
            return Ok(engine);
        }
        let engine = match &self.pdfium {
            Some(path) => Engine::start(path)?,
            None => Engine::global()?,
        };
        Ok(self.engine.get_or_init(|| engine))
    }

    /// Imports the bundled books into a new library, once. A bundled book that cannot be
    /// imported (a bug, caught by the tests) does not keep the pupil from their library.
    fn seed(&self, seed: &[Seed]) -> Result<()> {
        for book in seed {
            let staged = store::stage_bytes(&self.root, book.bytes)?;
            let source = Source::Bundled { name: book.name.to_owned() };
            match self.import_staged(staged, Path::new(book.name), None, source, None) {
                Ok(_) | Err(Error::Epub(_) | Error::Pdf(_) | Error::UnsupportedFormat { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        self.with_db(|c| settings::set(c, "seeded", "1"))
    }

    // ----- import -----------------------------------------------------------------------

    /// Imports one file: nothing of it is in the library unless all of it is.
    pub fn import(&self, path: &Path, password: Option<&str>) -> Result<Imported> {
        let source = Source::File { path: path.to_string_lossy().into_owned() };
        let staged = store::stage_copy(&self.root, path)?;
        self.import_staged(staged, path, password, source, None)
    }

    /// Imports a finished download: the file is moved into the library (not copied) and must
    /// be a PDF or an EPUB; `name` stands for its file name (its type and, for a PDF without a
    /// title, its title).
    pub(crate) fn import_downloaded(
        &self,
        path: &Path,
        sha256: String,
        name: &str,
        source: Source,
    ) -> Result<Imported> {
        // What a server sends is judged by its first bytes, never by its name: a sign-in page
        // served at `livre.pdf` is not a PDF.
        if import::sniff(path, Path::new("")).is_err() {
            let _ = std::fs::remove_file(path);
            return Err(Error::NotABook);
        }
        let staged = store::stage_moved(&self.root, path, sha256)?;
        self.import_staged(staged, Path::new(name), None, source, None).map_err(|e| match e {
            Error::UnsupportedFormat { .. } => Error::NotABook,
            other => other,
        })
    }

    /// Imports one file and, for a PDF, renders every page into the cache at `width` in the
    /// same pass (each page is loaded once for its text and its image), so that the whole book
    /// reads without waiting. `stop` ends the rendering early (the import itself completes);
    /// [`Library::prerender`] finishes it later.
    pub fn import_prerendered(
        &self,
        path: &Path,
        password: Option<&str>,
        width: u32,
        stop: Arc<AtomicBool>,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Imported> {
        let width = render::check_width(width)?;
        let source = Source::File { path: path.to_string_lossy().into_owned() };
        let staged = store::stage_copy(&self.root, path)?;
        self.import_staged(staged, path, password, source, Some(RenderAlong { width, stop, progress }))
    }

    fn import_staged(
        &self,
        staged: store::Staged,
        original: &Path,
        password: Option<&str>,
        source: Source,
        render: Option<RenderAlong<'_>>,
    ) -> Result<Imported> {
        let id = BookId::from_hex(staged.sha256.clone());
        if self.with_db(|c| books::exists(c, &id))? {
            let stored = self.book(&id)?;
            // A book whose file went missing gets it back from the new copy.
            if !self.root.join(&stored.file_path).is_file() && stored.file_sha256 == staged.sha256 {
                let _placed = staged.place(&self.root, stored.summary.format.extension())?;
            }
            return Ok(Imported { status: ImportStatus::AlreadyInLibrary, book: stored.summary });
        }
        let format = import::sniff(&staged.path, original)?;
        let (content, stored, was_protected) = match format {
            Format::Pdf => self.read_pdf(&id, staged, password, render)?,
            Format::Epub => (import::epub(&staged.path)?, staged, false),
        };
        let fallback_title = original
            .file_stem()
            .map(|s| s.to_string_lossy().replace(['_', '-'], " ").trim().to_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "Sans titre".into());
        let placed = stored.place(&self.root, format.extension())?;
        let now = self.clock.now();
        let new = content.into_new_book(
            id.clone(),
            fallback_title,
            placed.relative.clone(),
            placed.staged.sha256.clone(),
            placed.staged.size,
            was_protected,
            source,
            now,
        );
        let hlc = self.hlc.stamp(self.clock.as_ref());
        let committed = self.with_db(|conn| {
            let tx = conn.unchecked_transaction()?;
            books::insert(&tx, &new)?;
            let meta = serde_json::json!({ "title": new.title, "authors": new.authors, "publisher": new.publisher });
            entries::add(&tx, &id.book_key(), &meta, now, hlc)?;
            tx.commit()?;
            Ok(())
        });
        match committed {
            Ok(()) => {}
            // Another process imported the same file meanwhile.
            Err(Error::Database(e)) if is_unique_violation(&e) => {
                return Ok(Imported { status: ImportStatus::AlreadyInLibrary, book: self.book(&id)?.summary });
            }
            Err(e) => {
                let referenced = self.with_db(|c| books::is_file_referenced(c, &placed.relative)).unwrap_or(true);
                if !referenced {
                    let _ = std::fs::remove_file(self.root.join(&placed.relative));
                }
                return Err(e);
            }
        }
        drop(placed);
        if format == Format::Pdf {
            // The cover (the first page as a thumbnail) is made now, while the engine is warm:
            // the shelf then shows it without starting PDFium. A failure only costs the cover.
            let _ = self.page_image(&id, 0, render::THUMBNAIL_WIDTH);
        }
        Ok(Imported { status: ImportStatus::Imported, book: self.book(&id)?.summary })
    }

    /// Opens a staged PDF; a protected one is stored as an unprotected copy, so that its
    /// password is needed once, here, and never stored.
    fn read_pdf(
        &self,
        id: &BookId,
        staged: store::Staged,
        password: Option<&str>,
        mut render: Option<RenderAlong<'_>>,
    ) -> Result<(import::Content, store::Staged, bool)> {
        let engine = self.engine()?;
        let mut read = |password: Option<&str>| match render.as_mut() {
            None => Ok(engine.read(&staged.path, password)?),
            Some(along) => self.read_caching(engine, id, &staged.path, password, along),
        };
        match engine.page_count(&staged.path, None) {
            Ok(_) => {
                let content = import::pdf(read(None)?)?;
                Ok((content, staged, false))
            }
            Err(cartable_pdf::Error::PasswordRequired) => {
                let password = password.ok_or(Error::PasswordRequired)?;
                let info = read(Some(password)).map_err(|e| match e {
                    Error::Pdf(cartable_pdf::Error::WrongPassword) => Error::WrongPassword,
                    other => other,
                })?;
                let content = import::pdf(info)?;
                let bytes = engine.decrypt(&staged.path, password)?;
                engine.close(&staged.path);
                let unprotected = store::stage_bytes(&self.root, &bytes)?;
                Ok((content, unprotected, true))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Reads a PDF while its pages, rendered in the same pass on the engine's thread, are
    /// encoded and stored on this one. A helper process, when the host allows one (and the
    /// file needs no password), renders pages from the end of the book meanwhile.
    fn read_caching(
        &self,
        engine: &Engine,
        id: &BookId,
        path: &Path,
        password: Option<&str>,
        along: &mut RenderAlong<'_>,
    ) -> Result<cartable_pdf::DocumentInfo> {
        let total = engine.page_count(path, password)?;
        let mut state = Progress { done: 0, total, rendered: 0 };
        (along.progress)(state);
        // The pages still to render: the engine takes each as it reads it, the helper takes
        // them from the back.
        let queue = Arc::new(Mutex::new((0..total).collect::<std::collections::VecDeque<usize>>()));
        let take: Arc<dyn Fn(usize) -> bool + Send + Sync> = {
            let queue = queue.clone();
            Arc::new(move |index| {
                let mut queue = lock_pages(&queue);
                match queue.iter().position(|&page| page == index) {
                    Some(at) => queue.remove(at).is_some(),
                    None => false,
                }
            })
        };
        let helper = match password {
            None if total >= HELPER_MIN_PAGES => self.render_helper.lock().unwrap_or_else(|p| p.into_inner()).clone(),
            _ => None,
        };
        let (bitmaps, from_engine) = mpsc::sync_channel(2);
        let (pages, rendered) = mpsc::sync_channel::<Rendered>(2);
        let width = along.width;
        let stop = along.stop.clone();
        let info = std::thread::scope(|scope| {
            let reader = scope.spawn(|| engine.read_rendering(path, password, width, bitmaps, stop.clone(), take));
            if let Some(exe) = helper.as_deref() {
                let (pages, queue, stop) = (pages.clone(), &queue, &stop);
                scope.spawn(move || {
                    let take = || lock_pages(queue).pop_back();
                    self.run_helper(exe, path, width, &take, &|index| lock_pages(queue).push_back(index), stop, &pages);
                });
            }
            scope.spawn(move || {
                for (index, bitmap) in from_engine {
                    if pages.send(Rendered::Bitmap(index, bitmap)).is_err() {
                        break;
                    }
                }
            });
            let stored = self.cache_pages(id, width, rendered.into_iter(), &mut state, &stop, &mut *along.progress);
            let info = reader.join().map_err(|_| Error::Pdf(cartable_pdf::Error::EngineStopped))?;
            stored?;
            Ok::<_, Error>(info?)
        })?;
        // Pages a failing helper gave back after the engine had read past them.
        if !stop.load(Ordering::Relaxed) && !lock_pages(&queue).is_empty() {
            self.prerender_from(id, path, width, &queue, None, &mut state, &stop, &mut *along.progress)?;
        }
        Ok(info)
    }

    // ----- reading ----------------------------------------------------------------------

    pub fn books(&self) -> Result<Vec<BookSummary>> {
        self.with_db(books::list)
    }

    /// The shelf: every book with its reading progress and whether its file is here.
    pub fn shelf(&self, profile: &str) -> Result<Vec<ShelfBook>> {
        let books = self.with_db(books::list)?;
        let progress = self.with_db(|c| positions::all_progress(c, profile))?;
        let files: std::collections::HashMap<BookId, String> =
            self.with_db(books::files)?.into_iter().map(|(id, path, _)| (id, path)).collect();
        Ok(books
            .into_iter()
            .map(|summary| ShelfBook {
                progress: progress.get(&summary.id.book_key()).copied(),
                available: files.get(&summary.id).is_some_and(|p| self.root.join(p).is_file()),
                summary,
            })
            .collect())
    }

    /// Opens a book for reading: marks it opened now and gives where the pupil was.
    pub fn open_book(&self, profile: &str, id: &BookId) -> Result<Opened> {
        let book = self.book(id)?;
        self.mark_opened(id)?;
        Ok(Opened { position: self.position(profile, id)?, book })
    }

    pub fn book(&self, id: &BookId) -> Result<Book> {
        self.with_db(|c| books::get(c, id))?.ok_or_else(|| Error::BookNotFound(id.to_string()))
    }

    /// The book named by `query`: an id (or its first 4+ hex digits), a title, or the start of one.
    pub fn find(&self, query: &str) -> Result<BookId> {
        let matches = self.with_db(|c| books::find(c, query))?;
        match matches.as_slice() {
            [] => Err(Error::BookNotFound(query.to_owned())),
            [(id, _)] => Ok(id.clone()),
            many => Err(Error::AmbiguousBook {
                query: query.to_owned(),
                matches: many.iter().map(|(id, title)| format!("{} {title}", id.short())).collect(),
            }),
        }
    }

    /// Records that the book was opened now (for "continue reading").
    pub fn mark_opened(&self, id: &BookId) -> Result<()> {
        let now = self.clock.now();
        self.with_db(|c| books::touch_opened(c, id, now))
    }

    /// The 0-based page whose printed label is `label`.
    pub fn page_for_label(&self, id: &BookId, label: &str) -> Result<usize> {
        self.with_db(|c| books::page_for_label(c, id, label))?.ok_or_else(|| Error::LabelNotFound(label.to_owned()))
    }

    /// The text of a PDF page or an EPUB section (0-based).
    pub fn text(&self, id: &BookId, index: usize) -> Result<String> {
        let book = self.book(id)?;
        let count = book.summary.pages.or(book.summary.sections).unwrap_or_default();
        if index >= count {
            return Err(Error::PageOutOfRange { page: index + 1, count });
        }
        self.with_db(|c| texts::text_of(c, id, index))
    }

    fn pdf_path(&self, book: &Book) -> Result<PathBuf> {
        if book.summary.format != Format::Pdf {
            return Err(Error::NotRenderable);
        }
        Ok(self.root.join(&book.file_path))
    }

    /// Page `index` (0-based) of a PDF at `width` pixels: from the cache, or rendered and cached.
    pub fn page_image(&self, id: &BookId, index: usize, width: u32) -> Result<PageImage> {
        let width = render::check_width(width)?;
        if let Some(hit) = self.with_db(|c| cache::get(c, id, PAGES_BUCKET, width, index))? {
            return Ok(PageImage { width, height: hit.height, mime: PAGE_MIME, bytes: hit.bytes, cached: true });
        }
        let book = self.book(id)?;
        let path = self.pdf_path(&book)?;
        let count = book.summary.pages.unwrap_or_default();
        if index >= count {
            return Err(Error::PageOutOfRange { page: index + 1, count });
        }
        // Thumbnails wait behind the pages a pupil is turning to.
        let engine = self.engine()?;
        let bitmap = if width == render::THUMBNAIL_WIDTH {
            engine.render_in_background(&path, None, index, width)?
        } else {
            engine.render(&path, None, index, width)?
        };
        let bytes = render::encode(&bitmap)?;
        let now = self.clock.now();
        self.with_db(|c| cache::put(c, id, PAGES_BUCKET, width, index, bitmap.height, PAGE_MIME, &bytes, now))?;
        Ok(PageImage { width, height: bitmap.height, mime: PAGE_MIME, bytes, cached: false })
    }

    /// Renders and caches every page of a PDF at `width` that is not cached yet. Pages already
    /// cached are skipped, so an interrupted run resumes where it stopped. `cancel` stops it
    /// between two pages; `progress` is called after each page.
    pub fn prerender(
        &self,
        id: &BookId,
        width: u32,
        cancel: &AtomicBool,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Progress> {
        let width = render::check_width(width)?;
        let book = self.book(id)?;
        let path = self.pdf_path(&book)?;
        let total = book.summary.pages.unwrap_or_default();
        let cached = self.with_db(|c| cache::cached_pages(c, id, PAGES_BUCKET, width))?;
        let mut state = Progress { done: cached.len(), total, rendered: 0 };
        progress(state);
        let missing: Vec<usize> = {
            let have: std::collections::HashSet<usize> = cached.into_iter().collect();
            (0..total).filter(|i| !have.contains(i)).collect()
        };
        let queue: PageQueue = Mutex::new(std::collections::VecDeque::from(missing));
        let helper = self.render_helper.lock().unwrap_or_else(|p| p.into_inner()).clone();
        self.prerender_from(id, &path, width, &queue, helper.as_deref(), &mut state, cancel, progress)?;
        // Pages a failing helper gave back after the engine had finished.
        if !cancel.load(Ordering::Relaxed) && !lock_pages(&queue).is_empty() {
            self.prerender_from(id, &path, width, &queue, None, &mut state, cancel, progress)?;
        }
        if state.done < total && cancel.load(Ordering::Relaxed) {
            return Err(Error::Cancelled);
        }
        Ok(state)
    }

    /// Lets [`Library::prerender`] and [`Library::import_prerendered`] start `exe` as a second
    /// PDFium process (see [`crate::helper`]): for command-line pre-rendering, where the pupil
    /// is not using the other core. `exe` must call [`crate::helper::serve_if_asked`] first in
    /// its `main`.
    pub fn use_render_helper(&self, exe: PathBuf) {
        *self.render_helper.lock().unwrap_or_else(|p| p.into_inner()) = Some(exe);
    }

    /// Renders the pages in `queue` and stores them. PDFium renders the next page on its
    /// thread while this one encodes and stores; a helper process, when there is one, takes
    /// pages from the same queue and sends them encoded.
    #[allow(clippy::too_many_arguments)]
    fn prerender_from(
        &self,
        id: &BookId,
        path: &Path,
        width: u32,
        queue: &PageQueue,
        helper: Option<&Path>,
        state: &mut Progress,
        cancel: &AtomicBool,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<()> {
        let engine = self.engine()?.clone();
        let next = || {
            if cancel.load(Ordering::Relaxed) { None } else { lock_pages(queue).pop_front() }
        };
        let (pages, rendered) = mpsc::sync_channel::<Rendered>(2);
        let failed = std::thread::scope(|scope| {
            if let Some(exe) = helper.filter(|_| lock_pages(queue).len() >= HELPER_MIN_PAGES) {
                let pages = pages.clone();
                scope.spawn(move || {
                    let take = || lock_pages(queue).pop_front();
                    self.run_helper(
                        exe,
                        path,
                        width,
                        &take,
                        &|index| lock_pages(queue).push_front(index),
                        cancel,
                        &pages,
                    );
                });
            }
            let producer = scope.spawn(move || {
                // Owned here, so that the consumer's loop ends when this thread (and the
                // helper's) does.
                let pages = pages;
                while let Some(index) = next() {
                    match engine.render_in_background(path, None, index, width) {
                        Ok(bitmap) => {
                            if pages.send(Rendered::Bitmap(index, bitmap)).is_err() {
                                break;
                            }
                        }
                        Err(e) => return Some(e),
                    }
                }
                None
            });
            let stored = self.cache_pages(id, width, rendered.into_iter(), state, cancel, progress);
            let failed = producer.join().ok().flatten();
            stored.map(|()| failed)
        })?;
        match failed {
            Some(e) => Err(e.into()),
            None => Ok(()),
        }
    }

    /// Starts `exe` as a render helper of `path` and sends the pages it renders, taken with
    /// `take`, to `pages` until there are none left or `stop` is set (see [`crate::helper`]).
    #[allow(clippy::too_many_arguments)]
    fn run_helper(
        &self,
        exe: &Path,
        path: &Path,
        width: u32,
        take: &dyn Fn() -> Option<usize>,
        give_back: &dyn Fn(usize),
        stop: &AtomicBool,
        pages: &mpsc::SyncSender<Rendered>,
    ) {
        if let Some(helper) = crate::helper::Helper::start(exe, self.pdfium.as_deref(), path, width) {
            helper.run(take, give_back, &mut |frame| {
                !stop.load(Ordering::Relaxed) && pages.send(Rendered::Encoded(frame)).is_ok()
            });
        }
    }

    /// Encodes and stores rendered pages as they arrive, a few per transaction, until the
    /// sender is done or `cancel` is set; `state` counts them and `progress` hears of each batch.
    fn cache_pages(
        &self,
        id: &BookId,
        width: u32,
        rendered: impl Iterator<Item = Rendered>,
        state: &mut Progress,
        cancel: &AtomicBool,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<()> {
        let mut batch: Vec<(usize, u32, Vec<u8>)> = Vec::with_capacity(STORE_BATCH);
        let mut store = |batch: &mut Vec<(usize, u32, Vec<u8>)>| {
            if batch.is_empty() {
                return Ok(());
            }
            let now = self.clock.now();
            self.with_db(|c| {
                let tx = c.unchecked_transaction()?;
                for (index, height, bytes) in batch.iter() {
                    cache::put(&tx, id, PAGES_BUCKET, width, *index, *height, PAGE_MIME, bytes, now)?;
                }
                tx.commit()?;
                Ok(())
            })?;
            state.done += batch.len();
            state.rendered += batch.len();
            batch.clear();
            progress(*state);
            Ok::<(), Error>(())
        };
        for page in rendered {
            match page {
                Rendered::Bitmap(index, bitmap) => batch.push((index, bitmap.height, render::encode(&bitmap)?)),
                Rendered::Encoded(frame) => batch.push((frame.index, frame.height, frame.png)),
            }
            if batch.len() == STORE_BATCH {
                store(&mut batch)?;
            }
            if cancel.load(Ordering::Relaxed) {
                break;
            }
        }
        store(&mut batch)
    }

    /// The cover image of a book: the EPUB's cover, or the first page of a PDF as a thumbnail.
    pub fn cover(&self, id: &BookId) -> Result<Option<(Vec<u8>, String)>> {
        let book = self.book(id)?;
        match book.summary.format {
            Format::Pdf => {
                let page = self.page_image(id, 0, render::THUMBNAIL_WIDTH)?;
                Ok(Some((page.bytes, page.mime.to_owned())))
            }
            Format::Epub => {
                let Some(cover) = book.cover_path.clone() else { return Ok(None) };
                let (bytes, mime) = self.resource(id, &cover)?;
                Ok(Some((bytes, mime)))
            }
        }
    }

    /// A file inside an EPUB, by its path in the archive, with its media type. Documents
    /// ((X)HTML, SVG) come sanitised: no script, no network, a strict policy (see `sanitize`).
    pub fn resource(&self, id: &BookId, path: &str) -> Result<(Vec<u8>, String)> {
        let mut epubs = self.epubs.lock().unwrap_or_else(|p| p.into_inner());
        let position = epubs.iter().position(|(open, _)| open == id);
        let mut entry = match position {
            Some(i) => epubs.remove(i),
            None => {
                let book = self.book(id)?;
                if book.summary.format != Format::Epub {
                    return Err(Error::BookNotFound(format!("{id}/{path}")));
                }
                (id.clone(), cartable_epub::open(&self.root.join(&book.file_path))?)
            }
        };
        let epub = &mut entry.1;
        let mime = epub
            .manifest()
            .iter()
            .find(|r| r.href == path)
            .map(|r| r.media_type.clone())
            .unwrap_or_else(|| media_type_of(path).to_owned());
        let bytes = epub.resource(path);
        epubs.insert(0, entry);
        epubs.truncate(OPEN_EPUBS);
        drop(epubs);
        let bytes = bytes?;
        let bytes = if sanitize::is_document(&mime) { sanitize::document(&bytes) } else { bytes };
        Ok((bytes, mime))
    }

    /// The text of a PDF page as runs to lay over its image.
    pub fn text_layer(&self, id: &BookId, index: usize) -> Result<Vec<TextRun>> {
        let book = self.book(id)?;
        let path = self.pdf_path(&book)?;
        let size = book
            .page_sizes
            .get(index)
            .copied()
            .ok_or(Error::PageOutOfRange { page: index + 1, count: book.page_sizes.len() })?;
        let boxes = self.engine()?.text_boxes(&path, None, index)?;
        Ok(textlayer::runs(&boxes, size.width, size.height))
    }

    /// Where the pupil was in this book, if they opened it before.
    pub fn position(&self, profile: &str, id: &BookId) -> Result<Option<Position>> {
        let saved = self.with_db(|c| positions::get(c, profile, &id.book_key()))?;
        Ok(saved.and_then(|(pos, _)| serde_json::from_str(&pos).ok()))
    }

    /// Saves where the pupil is; called continuously while reading.
    pub fn save_position(&self, profile: &str, id: &BookId, position: &Position) -> Result<()> {
        if !(0.0..=1.0).contains(&position.progress) {
            return Err(Error::InvalidPosition("progress must be between 0 and 1"));
        }
        if position.loc.len() > 2048 || position.label.as_ref().is_some_and(|l| l.len() > 256) {
            return Err(Error::InvalidPosition("the locator is too long"));
        }
        if !self.with_db(|c| books::exists(c, id))? {
            return Err(Error::BookNotFound(id.to_string()));
        }
        let json = serde_json::to_string(position).map_err(|_| Error::InvalidPosition("not serialisable"))?;
        let hlc = self.hlc.stamp(self.clock.as_ref());
        let now = self.clock.now();
        self.with_db(|c| positions::set(c, profile, &id.book_key(), &json, position.progress, hlc, now))
    }

    // ----- search -----------------------------------------------------------------------

    /// Ranked hits for `query` across the library, or in one book.
    pub fn search(&self, query: &str, book: Option<&BookId>, limit: usize) -> Result<Vec<Hit>> {
        let query = search::Query::parse(query)?;
        let snippets = search::Snippets::new(&query);
        let cut = |body: &[u8]| snippets.cut(body);
        let rows = self.with_db(|c| texts::search(c, &query.to_fts(), book, limit.max(1), &cut))?;
        Ok(rows
            .into_iter()
            .map(|r| Hit { snippet: r.snippet, book: r.book, title: r.title, index: r.idx, label: r.label })
            .collect())
    }

    // ----- removal and health -----------------------------------------------------------

    /// Removes a book, its file and its cached pages.
    pub fn remove(&self, id: &BookId) -> Result<()> {
        let hlc = self.hlc.stamp(self.clock.as_ref());
        let path = self.with_db(|conn| {
            let tx = conn.unchecked_transaction()?;
            let path = books::delete(&tx, id)?;
            entries::remove(&tx, &id.book_key(), hlc)?;
            tx.commit()?;
            Ok(path)
        })?;
        let Some(relative) = path else { return Err(Error::BookNotFound(id.to_string())) };
        self.epubs.lock().unwrap_or_else(|p| p.into_inner()).retain(|(open, _)| open != id);
        if let Some(engine) = self.engine.get() {
            engine.close(&self.root.join(&relative));
        }
        self.with_db(|c| cache::delete_book(c, id))?;
        if !self.with_db(|c| books::is_file_referenced(c, &relative))? {
            let _ = std::fs::remove_file(self.root.join(&relative));
        }
        Ok(())
    }

    fn sweep(&self) -> Result<Vec<String>> {
        let removed = store::sweep(&self.root, &|relative| self.with_db(|c| books::is_file_referenced(c, relative)))?;
        self.with_db(cache::delete_orphans)?;
        Ok(removed)
    }

    /// Checks the databases and every book file against its sha256.
    pub fn check(&self) -> Result<CheckReport> {
        let removed_leftovers = self.sweep()?;
        let mut problems = self.with_db(db::integrity_problems)?;
        let files = self.with_db(books::files)?;
        for (id, relative, sha256) in &files {
            let path = self.root.join(relative);
            match store::sha256_of(&path) {
                Ok(found) if &found == sha256 => {}
                Ok(_) => problems.push(format!("{}: the file {relative} is damaged (its sha256 changed)", id.short())),
                Err(_) => problems.push(format!("{}: the file {relative} is missing", id.short())),
            }
        }
        Ok(CheckReport { books: files.len(), problems, removed_leftovers })
    }
}

fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::ConstraintViolation))
}

/// A media type from a file name, for archive entries the manifest does not list.
fn media_type_of(path: &str) -> &'static str {
    let extension = path.rsplit('.').next().unwrap_or_default().to_ascii_lowercase();
    match extension.as_str() {
        "xhtml" | "xht" => "application/xhtml+xml",
        "html" | "htm" => "text/html",
        "css" => "text/css",
        "js" => "text/javascript",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "otf" => "font/otf",
        "ttf" => "font/ttf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "xml" | "opf" | "ncx" => "application/xml",
        "mp3" => "audio/mpeg",
        "mp4" => "video/mp4",
        _ => "application/octet-stream",
    }
}
