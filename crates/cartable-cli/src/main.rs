//! `cartable`: the textbook library from the command line.

mod notes;
mod online;
mod output;

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, anyhow};
use clap::{Parser, Subcommand};
use serde::Serialize;

use cartable_core::{
    BookId, DEFAULT_WIDTH, Format, ImportLine, ImportStatus, Library, Options, Seed, SystemClock, THUMBNAIL_WIDTH,
};

use output::{Out, human_snippet};

/// Cartable: your textbooks, offline.
#[derive(Parser)]
#[command(name = "cartable", version, about, max_term_width = 100)]
struct Cli {
    /// The library folder (default: $CARTABLE_HOME, else ~/.local/share/cartable)
    #[arg(long, global = true, value_name = "DIR")]
    home: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Add PDF and EPUB files to the library
    Import {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Read the password of protected PDFs from the first line of standard input
        #[arg(long)]
        password_stdin: bool,
        /// Also render every page of each PDF into the cache, in the same pass
        #[arg(long)]
        prerender: bool,
        /// Width of the pre-rendered pages, in pixels
        #[arg(long, value_name = "PX", default_value_t = DEFAULT_WIDTH, requires = "prerender")]
        width: u32,
        #[arg(long)]
        json: bool,
    },
    /// List the books
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show a book's details, table of contents and page labels
    Info {
        /// Book id (or its first digits) or title (or its start)
        book: String,
        #[arg(long)]
        json: bool,
    },
    /// Render a PDF page as a PNG image
    Render {
        book: String,
        /// Page number, from 1
        #[arg(required_unless_present = "label", conflicts_with = "label")]
        page: Option<usize>,
        /// The printed page label instead of the number (e.g. "iv", "12")
        #[arg(long, value_name = "L")]
        label: Option<String>,
        /// Width in pixels
        #[arg(long, value_name = "PX", default_value_t = DEFAULT_WIDTH)]
        width: u32,
        /// Output file (default: <book>-<page>.png; "-" for standard output)
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Print the text of a page (PDF) or a section (EPUB)
    Text {
        book: String,
        /// Page or section number, from 1
        #[arg(required_unless_present = "label", conflicts_with = "label")]
        page: Option<usize>,
        #[arg(long, value_name = "L")]
        label: Option<String>,
    },
    /// Render every page of a PDF into the cache, so that reading never waits
    Prerender {
        book: String,
        #[arg(long, value_name = "PX", default_value_t = DEFAULT_WIDTH)]
        width: u32,
        /// Also make the thumbnails
        #[arg(long)]
        thumbnails: bool,
    },
    /// Search the text of every book (accents and case ignored)
    Search {
        /// Words, "a phrase", or a prefix*
        query: String,
        /// Only in this book
        #[arg(long)]
        book: Option<String>,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Remove a book from the library
    Remove { book: String },
    /// Check the database and every book file
    Check {
        #[arg(long)]
        json: bool,
    },
    /// Catalogues (OPDS) of publishers and schools
    Catalog {
        #[command(subcommand)]
        action: CatalogAction,
    },
    /// Download a book from a catalogue link into the library (resumes where it stopped)
    Download {
        /// The book's address (an acquisition link of a catalogue)
        url: String,
        /// The catalogue it comes from (to sign in, and to find new editions later)
        #[arg(long, value_name = "NAME")]
        catalog: Option<String>,
        /// Cap the speed, in kilobytes per second (for weak connections)
        #[arg(long, value_name = "KB_S")]
        limit: Option<u64>,
        #[arg(long)]
        json: bool,
    },
    /// The download queue
    Downloads {
        /// Forget finished and cancelled downloads
        #[arg(long)]
        clear: bool,
        #[arg(long)]
        json: bool,
    },
    /// The pupils who share this library
    Profiles {
        #[command(subcommand)]
        action: notes::ProfileAction,
    },
    /// A book's bookmarks, highlights, notes and ink
    Annotations {
        book: String,
        /// Whose (name or id; default: the first profile)
        #[arg(long, value_name = "P")]
        profile: Option<String>,
        /// Read the profile's PIN from standard input
        #[arg(long)]
        pin_stdin: bool,
        #[arg(long)]
        json: bool,
    },
    /// Export a book's annotations: W3C JSON, Markdown, or an annotated copy of the PDF
    Export {
        book: String,
        #[arg(long, value_enum)]
        format: notes::Format,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[arg(long, value_name = "P")]
        profile: Option<String>,
        #[arg(long)]
        pin_stdin: bool,
        /// Language of the Markdown headings (fr or en)
        #[arg(long, default_value = "fr")]
        lang: String,
    },
    /// Import a W3C annotation set: each annotation is placed again by its selectors
    ImportAnnotations {
        file: PathBuf,
        #[arg(long, value_name = "P")]
        profile: Option<String>,
        #[arg(long)]
        pin_stdin: bool,
        #[arg(long)]
        json: bool,
    },
    /// Find books whose catalogue has a new edition
    Updates {
        /// Download the new editions (each old edition stays until its new one is in)
        #[arg(long)]
        apply: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub(crate) enum CatalogAction {
    /// Add a catalogue by its address
    Add {
        url: String,
        #[arg(long)]
        name: Option<String>,
        /// User name, when the catalogue asks to sign in (the password is read from standard input)
        #[arg(long, requires = "password_stdin")]
        user: Option<String>,
        #[arg(long)]
        password_stdin: bool,
        #[arg(long)]
        json: bool,
    },
    /// List the catalogues
    List {
        #[arg(long)]
        json: bool,
    },
    /// Rename a catalogue
    Rename { catalog: String, name: String },
    /// Remove a catalogue (its books stay)
    Remove { catalog: String },
    /// Show a page of a catalogue (its first page, or --page)
    Browse {
        /// A catalogue (name or number) or an address
        catalog: String,
        #[arg(long, value_name = "URL")]
        page: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Search a catalogue
    Search {
        catalog: String,
        query: String,
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    // Pre-rendering may start this binary again as a second PDFium process (see `open`).
    cartable_core::helper::serve_if_asked();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(1) } else { ExitCode::SUCCESS };
        }
    };
    let interrupted = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
        // A signal asks the running command to stop at the next safe point; it never kills it mid-write.
        let _ = signal_hook::flag::register(signal, Arc::clone(&interrupted));
    }
    let mut out = Out::stdout();
    match run(cli, &mut out, &interrupted) {
        Ok(code) => code,
        Err(e) if output::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", output::describe(&e));
            ExitCode::from(1)
        }
    }
}

fn open(home_flag: Option<PathBuf>) -> anyhow::Result<Library> {
    let root = cartable_core::home::from_env(home_flag)
        .ok_or_else(|| anyhow!("no library folder: give --home DIR or set CARTABLE_HOME (HOME is not set)"))?;
    let seed = cartable_books::BUNDLED.iter().map(|b| Seed { name: b.file_name, bytes: b.bytes }).collect();
    let options = Options { clock: Arc::new(SystemClock), pdfium: None, seed };
    let library =
        Library::open(&root, options).with_context(|| format!("opening the library in {}", root.display()))?;
    // Nobody reads on this machine's other core while a command runs: pre-rendering
    // (`prerender`, `import --prerender`) may start this binary again as a second PDFium process.
    if let Ok(exe) = std::env::current_exe() {
        library.use_render_helper(exe);
    }
    Ok(library)
}

fn run(cli: Cli, out: &mut Out, interrupted: &Arc<AtomicBool>) -> anyhow::Result<ExitCode> {
    let library = open(cli.home)?;
    match cli.command {
        Command::Import { files, password_stdin, prerender, width, json } => {
            let render = prerender.then_some(width);
            import(&library, &files, password_stdin, render, json, out, interrupted)
        }
        Command::List { json } => list(&library, json, out),
        Command::Info { book, json } => info(&library, &book, json, out),
        Command::Render { book, page, label, width, out: file } => {
            render(&library, &book, page, label.as_deref(), width, file.as_deref(), out)
        }
        Command::Text { book, page, label } => text(&library, &book, page, label.as_deref(), out),
        Command::Prerender { book, width, thumbnails } => prerender(&library, &book, width, thumbnails, interrupted),
        Command::Search { query, book, limit, json } => search(&library, &query, book.as_deref(), limit, json, out),
        Command::Remove { book } => {
            let id = library.find(&book)?;
            let title = library.book(&id)?.summary.title;
            let notes = library.annotation_count(&id)?;
            library.remove(&id)?;
            out.line(&format!("removed {title}"))?;
            if notes > 0 {
                out.line(&format!("its {notes} annotations are kept: they come back if the book is imported again"))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { json } => check(&library, json, out),
        Command::Catalog { action } => online::catalog(library, action, out),
        Command::Download { url, catalog, limit, json } => {
            online::download(library, &url, catalog.as_deref(), limit, json, out, interrupted)
        }
        Command::Downloads { clear, json } => online::downloads(library, clear, json, out),
        Command::Updates { apply, json } => online::updates(library, apply, json, out, interrupted),
        Command::Profiles { action } => notes::profiles(&library, action, out),
        Command::Annotations { book, profile, pin_stdin, json } => {
            notes::list(&library, &book, &notes::Who { profile, pin_stdin }, json, out)
        }
        Command::Export { book, format, out: file, profile, pin_stdin, lang } => {
            notes::export(&library, &book, &notes::Who { profile, pin_stdin }, format, &lang, &file, out)
        }
        Command::ImportAnnotations { file, profile, pin_stdin, json } => {
            notes::import(&library, &file, &notes::Who { profile, pin_stdin }, json, out)
        }
    }
}

pub(crate) fn read_password() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin().read_to_string(&mut line).context("reading the password from standard input")?;
    let password = line.lines().next().unwrap_or_default().to_owned();
    if password.is_empty() {
        return Err(anyhow!("--password-stdin was given but standard input holds no password"));
    }
    Ok(password)
}

fn import(
    library: &Library,
    files: &[PathBuf],
    password_stdin: bool,
    prerender: Option<u32>,
    json: bool,
    out: &mut Out,
    interrupted: &Arc<AtomicBool>,
) -> anyhow::Result<ExitCode> {
    let password = if password_stdin { Some(read_password()?) } else { None };
    let mut lines = Vec::new();
    let mut failed = false;
    for file in files {
        let shown = file.display().to_string();
        let result = match prerender {
            None => library.import(file, password.as_deref()),
            Some(width) => {
                let bar = progress_bar(&format!("{shown} at {width} px"), json);
                let result =
                    library.import_prerendered(file, password.as_deref(), width, interrupted.clone(), &mut |p| {
                        bar.set_length(p.total as u64);
                        bar.set_position(p.done as u64);
                    });
                bar.finish_and_clear();
                result
            }
        };
        let line = ImportLine::new(shown.clone(), &result);
        match &result {
            Ok(done) if !json => {
                let what = match done.book.pages {
                    Some(n) => format!("{n} pages"),
                    None => format!("{} sections", done.book.sections.unwrap_or_default()),
                };
                let verb = if done.status == ImportStatus::Imported { "imported" } else { "already in library" };
                let (title, format, id) = (&done.book.title, done.book.format.as_str(), done.book.id.short());
                out.line(&format!("{verb}: {shown} → {title} ({format}, {what}) [{id}]"))?;
            }
            Ok(_) => {}
            Err(e) => {
                failed = true;
                if !json {
                    eprintln!("error: {shown}: {e}");
                }
            }
        }
        lines.push(line);
    }
    if json {
        out.json(&lines)?;
    }
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn list(library: &Library, json: bool, out: &mut Out) -> anyhow::Result<ExitCode> {
    let books = library.books()?;
    if json {
        out.json(&books)?;
        return Ok(ExitCode::SUCCESS);
    }
    if books.is_empty() {
        out.line("the library is empty; add books with `cartable import FILE`")?;
    }
    for b in books {
        let size = match (b.pages, b.sections) {
            (Some(p), _) => format!("{p} p."),
            (None, Some(s)) => format!("{s} sect."),
            _ => String::new(),
        };
        let authors = if b.authors.is_empty() { String::new() } else { format!(" — {}", b.authors.join(", ")) };
        out.line(&format!("{}  {:<4} {:>9}  {}{authors}", b.id.short(), b.format.as_str(), size, b.title))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn info(library: &Library, query: &str, json: bool, out: &mut Out) -> anyhow::Result<ExitCode> {
    let book = library.book(&library.find(query)?)?;
    if json {
        out.json(&book)?;
        return Ok(ExitCode::SUCCESS);
    }
    let s = &book.summary;
    out.line(&s.title)?;
    let mut field = |name: &str, value: Option<String>| -> anyhow::Result<()> {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            out.line(&format!("  {name:<12} {v}"))?;
        }
        Ok(())
    };
    field("id", Some(s.id.to_string()))?;
    field("authors", Some(s.authors.join(", ")))?;
    field("format", Some(format!("{} ({})", s.format.as_str(), s.layout.as_str())))?;
    field("pages", s.pages.map(|p| p.to_string()))?;
    field("sections", s.sections.map(|p| p.to_string()))?;
    field("language", s.language.clone())?;
    field("publisher", book.publisher.clone())?;
    field("published", book.published.clone())?;
    field(
        "identifiers",
        Some(
            book.identifiers
                .iter()
                .map(|i| match &i.scheme {
                    Some(s) => format!("{s}:{}", i.value),
                    None => i.value.clone(),
                })
                .collect::<Vec<_>>()
                .join(", "),
        ),
    )?;
    field("subjects", Some(book.subjects.join(", ")))?;
    field("size", Some(output::bytes(s.file_size)))?;
    field("description", book.description.clone())?;
    if !book.toc.is_empty() {
        out.line("contents")?;
        let labels: std::collections::HashMap<usize, &str> =
            book.page_labels.iter().filter_map(|l| Some((l.page?, l.label.as_str()))).collect();
        for entry in &book.toc {
            let target = match (s.format, entry.page) {
                (Format::Pdf, Some(p)) => match labels.get(&p) {
                    Some(l) => format!("p. {l}"),
                    None => format!("page {}", p + 1),
                },
                (Format::Epub, _) => entry.href.clone().unwrap_or_default(),
                _ => String::new(),
            };
            out.line(&format!("  {}{}  {target}", "  ".repeat(entry.depth as usize), entry.title))?;
        }
    }
    if !book.page_labels.is_empty() {
        out.line(&format!("page labels  {}", output::label_ranges(&book.page_labels)))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn page_index(library: &Library, id: &BookId, page: Option<usize>, label: Option<&str>) -> anyhow::Result<usize> {
    match (page, label) {
        (_, Some(label)) => Ok(library.page_for_label(id, label)?),
        (Some(0), None) => Err(anyhow!("pages are numbered from 1")),
        (Some(n), None) => Ok(n - 1),
        (None, None) => Err(anyhow!("give a page number or --label")),
    }
}

fn render(
    library: &Library,
    query: &str,
    page: Option<usize>,
    label: Option<&str>,
    width: u32,
    file: Option<&Path>,
    out: &mut Out,
) -> anyhow::Result<ExitCode> {
    let id = library.find(query)?;
    let index = page_index(library, &id, page, label)?;
    let image = library.page_image(&id, index, width)?;
    match file {
        Some(p) if p == Path::new("-") => out.bytes(&image.bytes)?,
        _ => {
            let path = file
                .map(Path::to_path_buf)
                .unwrap_or_else(|| PathBuf::from(format!("{}-{}.png", id.short(), index + 1)));
            std::fs::write(&path, &image.bytes).with_context(|| format!("writing {}", path.display()))?;
            let origin = if image.cached { "from the cache" } else { "rendered" };
            out.line(&format!("wrote {} ({}×{} px, {origin})", path.display(), image.width, image.height))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn text(
    library: &Library,
    query: &str,
    page: Option<usize>,
    label: Option<&str>,
    out: &mut Out,
) -> anyhow::Result<ExitCode> {
    let id = library.find(query)?;
    let index = page_index(library, &id, page, label)?;
    out.line(&library.text(&id, index)?)?;
    Ok(ExitCode::SUCCESS)
}

/// A progress bar on standard error (hidden for --json; indicatif hides it off a terminal).
pub(crate) fn progress_bar(message: &str, hidden: bool) -> indicatif::ProgressBar {
    let bar = if hidden { indicatif::ProgressBar::hidden() } else { indicatif::ProgressBar::new(0) };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} pages, {per_sec}, {eta} left")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(message.to_owned());
    bar
}

fn prerender(
    library: &Library,
    query: &str,
    width: u32,
    thumbnails: bool,
    interrupted: &AtomicBool,
) -> anyhow::Result<ExitCode> {
    let id = library.find(query)?;
    let title = library.book(&id)?.summary.title;
    let mut widths = vec![width];
    if thumbnails && width != THUMBNAIL_WIDTH {
        widths.push(THUMBNAIL_WIDTH);
    }
    for width in widths {
        let bar = progress_bar(&format!("{title} at {width} px"), false);
        let result = library.prerender(&id, width, interrupted, &mut |p| {
            bar.set_length(p.total as u64);
            bar.set_position(p.done as u64);
        });
        bar.finish_and_clear();
        match result {
            Ok(p) => eprintln!("{title}: {} pages ready at {width} px ({} rendered now)", p.total, p.rendered),
            Err(cartable_core::Error::Cancelled) => {
                eprintln!("interrupted: the pages rendered so far are kept; run the same command again to resume");
                return Ok(ExitCode::from(1));
            }
            Err(e) => return Err(e.into()),
        }
        if interrupted.load(Ordering::Relaxed) {
            return Ok(ExitCode::from(1));
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct SearchLine {
    book: BookId,
    title: String,
    page: usize,
    label: Option<String>,
    snippet: String,
}

fn search(
    library: &Library,
    query: &str,
    book: Option<&str>,
    limit: usize,
    json: bool,
    out: &mut Out,
) -> anyhow::Result<ExitCode> {
    let book = book.map(|b| library.find(b)).transpose()?;
    let hits = library.search(query, book.as_ref(), limit)?;
    if json {
        let lines: Vec<SearchLine> = hits
            .into_iter()
            .map(|h| SearchLine { book: h.book, title: h.title, page: h.index + 1, label: h.label, snippet: h.snippet })
            .collect();
        out.json(&lines)?;
        return Ok(ExitCode::SUCCESS);
    }
    if hits.is_empty() {
        out.line(&format!("nothing found for \"{query}\""))?;
    }
    let color = std::io::stdout().is_terminal();
    for h in hits {
        let place = match &h.label {
            Some(l) if *l != (h.index + 1).to_string() => format!("p. {l} (page {})", h.index + 1),
            _ => format!("page {}", h.index + 1),
        };
        out.line(&format!("{} — {place}", h.title))?;
        out.line(&format!("    {}", human_snippet(&h.snippet, color)))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn check(library: &Library, json: bool, out: &mut Out) -> anyhow::Result<ExitCode> {
    let report = library.check()?;
    if json {
        out.json(&report)?;
    } else {
        for leftover in &report.removed_leftovers {
            out.line(&format!("removed a leftover of an interrupted import: {leftover}"))?;
        }
        for problem in &report.problems {
            out.line(&format!("problem: {problem}"))?;
        }
        if report.problems.is_empty() {
            out.line(&format!("ok: {} books, database and files intact", report.books))?;
        }
    }
    Ok(if report.problems.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
