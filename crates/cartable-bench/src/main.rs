//! `cartable-bench`: each hot path of Cartable against a baseline measured in the same run,
//! printed as a ratio. Run in release: `cargo run --release -p cartable-bench -- all`.

mod measure;
mod notes;
mod serve;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use cartable_core::{Library, Options, SystemClock};
use measure::{Report, percentile};

#[derive(Parser)]
#[command(name = "cartable-bench", about = "Cartable's hot paths against same-run baselines")]
struct Cli {
    /// The shared corpus folder
    #[arg(long, default_value = "../shared/corpus")]
    corpus: PathBuf,
    #[command(subcommand)]
    command: Bench,
}

#[derive(Subcommand, Clone)]
enum Bench {
    /// Page → cached PNG bytes, vs raw PDFium render-to-bitmap and vs `mutool draw`
    Render {
        /// Pages requested one at a time (the single-page latency part)
        #[arg(long, default_value_t = 40)]
        pages: usize,
        #[arg(long, default_value_t = 1000)]
        width: u32,
    },
    /// A cached page from SQLite vs the same bytes from a file
    Cache,
    /// Import + index + pre-render of the 1,158-page manual vs raw PDFium render of all its pages
    Import {
        #[arg(long, default_value_t = 1000)]
        width: u32,
    },
    /// Our search path vs a bare FTS5 query, over the whole corpus
    Search,
    /// Encoding a rendered page: PNG (three levels), JPEG, WebP lossless; time and size
    Formats {
        #[arg(long, default_value_t = 1000)]
        width: u32,
    },
    /// Download from a loopback server vs `curl -o /dev/null`; bytes fetched again after a
    /// cut; parse time of the largest corpus feed
    Download {
        /// Size of the served file, in MiB
        #[arg(long, default_value_t = 256)]
        mib: usize,
    },
    /// Annotations: stroke committed vs bare INSERT; opening a book with 5,000 annotations vs
    /// none; "My notes" search over 50,000
    Annotations,
    /// Every benchmark above
    All,
    /// (internal) the bare PDFium loop, run in a child process; prints nanoseconds
    #[command(hide = true)]
    RawRender { pdf: PathBuf, first: usize, count: usize, width: u32 },
}

const TEXTBOOK: &str = "pdf/fr-masterCollegeComplet.pdf";
const MANUAL: &str = "pdf/octave.pdf";

fn main() -> anyhow::Result<()> {
    cartable_core::helper::serve_if_asked();
    let cli = Cli::parse();
    let corpus = cli.corpus.canonicalize().with_context(|| format!("the corpus at {}", cli.corpus.display()))?;
    match cli.command {
        Bench::RawRender { pdf, first, count, width } => {
            let pages: Vec<usize> = (first..first + count).collect();
            let took = cartable_pdf::baseline::render_pages(&cartable_pdf::locate()?, &pdf, &pages, width)?;
            println!("{}", took.as_nanos());
            Ok(())
        }
        Bench::All => {
            for bench in [
                Bench::Formats { width: 1000 },
                Bench::Render { pages: 40, width: 1000 },
                Bench::Cache,
                Bench::Search,
                Bench::Import { width: 1000 },
                Bench::Download { mib: 256 },
                Bench::Annotations,
            ] {
                run(&corpus, bench)?;
            }
            Ok(())
        }
        other => run(&corpus, other),
    }
}

fn run(corpus: &Path, bench: Bench) -> anyhow::Result<()> {
    match bench {
        Bench::Render { pages, width } => render(corpus, pages, width),
        Bench::Cache => cache(corpus),
        Bench::Import { width } => import(corpus, width),
        Bench::Search => search(corpus),
        Bench::Formats { width } => formats(corpus, width),
        Bench::Download { mib } => download(corpus, mib),
        Bench::Annotations => notes::run(corpus),
        Bench::All | Bench::RawRender { .. } => Ok(()),
    }
}

fn library(dir: &Path) -> anyhow::Result<Library> {
    Ok(Library::open(dir, Options { clock: Arc::new(SystemClock), pdfium: None, seed: Vec::new() })?)
}

/// The bare PDFium loop, in a child process (PDFium has one owner per process).
fn raw_render(pdf: &Path, first: usize, count: usize, width: u32) -> anyhow::Result<Duration> {
    let exe = std::env::current_exe()?;
    let out = Command::new(exe)
        .args(["raw-render", &pdf.to_string_lossy(), &first.to_string(), &count.to_string(), &width.to_string()])
        .output()?;
    if !out.status.success() {
        bail!("the raw PDFium loop failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let nanos: u64 = String::from_utf8_lossy(&out.stdout).trim().parse()?;
    Ok(Duration::from_nanos(nanos))
}

fn render(corpus: &Path, pages: usize, width: u32) -> anyhow::Result<()> {
    let pdf = corpus.join(TEXTBOOK);
    let dir = tempfile::tempdir()?;
    let library = library(dir.path())?;
    let id = library.import(&pdf, None)?.book.id;
    let total = library.book(&id)?.summary.pages.unwrap_or_default();
    // The same, pre-rendering as `cartable prerender` does: with a second PDFium process.
    let dir_two = tempfile::tempdir()?;
    let two = self::library(dir_two.path())?;
    two.use_render_helper(std::env::current_exe()?);
    two.import(&pdf, None)?;
    // Every page of the book, the way the cache is filled: pre-render, pipelined. The
    // machine's speed drifts between seconds (shared virtual CPUs), so the baseline and
    // Cartable run in turns, one right after the other, each turn at its own width (nothing
    // cached yet), and the median turn gives the ratio.
    let rounds = 9;
    let mut turns = Vec::new();
    // Each run starts with the disk written back (`sync`), so that no run pays for the
    // writes of the one before.
    let settle = || Command::new("sync").status().map(|_| ());
    for round in 0..rounds {
        let width = width + round;
        settle()?;
        let raw = raw_render(&pdf, 0, total, width)?;
        settle()?;
        let start = Instant::now();
        library.prerender(&id, width, &AtomicBool::new(false), &mut |_| {})?;
        let one = start.elapsed();
        settle()?;
        let start = Instant::now();
        two.prerender(&id, width, &AtomicBool::new(false), &mut |_| {})?;
        turns.push((raw, one, start.elapsed()));
    }
    let ratio = |ours: Duration, raw: Duration| ours.as_secs_f64() / raw.as_secs_f64();
    turns.sort_by(|a, b| ratio(a.2, a.0).total_cmp(&ratio(b.2, b.0)));
    let ratios: Vec<String> = turns.iter().map(|t| format!("{:.2}", ratio(t.2, t.0))).collect();
    let (raw_all, _, bulk) = turns[rounds as usize / 2];
    turns.sort_by(|a, b| ratio(a.1, a.0).total_cmp(&ratio(b.1, b.0)));
    let (raw_one, bulk_one, _) = turns[rounds as usize / 2];
    // One page at a time, the way an uncached page turn asks for it.
    let single_width = width + 100;
    let raw_first = raw_render(&pdf, 0, pages, single_width)?;
    let mut latencies = Vec::new();
    for page in 0..pages {
        let start = Instant::now();
        let image = library.page_image(&id, page, single_width)?;
        latencies.push(start.elapsed());
        assert!(!image.cached, "the first request renders");
    }
    let single: Duration = latencies.iter().sum();
    let out = tempfile::tempdir()?;
    let start = Instant::now();
    let status = Command::new("mutool")
        .args(["draw", "-q", "-w", &width.to_string(), "-o"])
        .arg(out.path().join("p%d.png"))
        .arg(&pdf)
        .arg(format!("1-{total}"))
        .status()
        .context("running mutool (apt install mupdf-tools)")?;
    let mutool = start.elapsed();
    if !status.success() {
        bail!("mutool draw failed");
    }
    let mut report = Report::new(&format!("render: {TEXTBOOK} ({total} pages) at {width} px, uncached"));
    report.line(&format!("{rounds} turns, ratios {}; the median turn:", ratios.join(", ")));
    report.time("raw PDFium render to bitmap, every page (baseline)", raw_all, total);
    report.time("Cartable: page → PNG → SQLite cache, pre-render, two processes", bulk, total);
    report.time("mutool draw → PNG files, every page", mutool, total);
    report.ratio("Cartable / raw PDFium (median turn)", ratio(bulk, raw_all), "≤ 1.15");
    report.time("  one process only (as in the window): raw PDFium", raw_one, total);
    report.time("  one process only (as in the window): Cartable", bulk_one, total);
    report.ratio("  one process / raw PDFium (median turn)", ratio(bulk_one, raw_one), "—");
    report.ratio("mutool / Cartable (speed-up)", mutool.as_secs_f64() / bulk.as_secs_f64(), "≥ 3");
    report.time(&format!("raw PDFium, first {pages} pages at {single_width} px"), raw_first, pages);
    report.time("Cartable: the same pages one request at a time", single, pages);
    report.line(&format!(
        "single uncached page: p50 {:.1} ms, p95 {:.1} ms ({:.2}× raw)",
        percentile(&mut latencies.clone(), 50.0).as_secs_f64() * 1e3,
        percentile(&mut latencies, 95.0).as_secs_f64() * 1e3,
        single.as_secs_f64() / raw_first.as_secs_f64()
    ));
    report.print();
    Ok(())
}

fn cache(corpus: &Path) -> anyhow::Result<()> {
    let pdf = corpus.join(TEXTBOOK);
    let dir = tempfile::tempdir()?;
    let library = library(dir.path())?;
    let id = library.import(&pdf, None)?.book.id;
    let pages = 30;
    let files = tempfile::tempdir()?;
    for page in 0..pages {
        let image = library.page_image(&id, page, 1000)?;
        std::fs::write(files.path().join(format!("{page}.png")), &image.bytes)?;
    }
    let rounds = 20;
    let mut file_times = Vec::new();
    let mut ours_times = Vec::new();
    for _ in 0..rounds {
        for page in 0..pages {
            let start = Instant::now();
            let bytes = std::fs::read(files.path().join(format!("{page}.png")))?;
            file_times.push(start.elapsed());
            std::hint::black_box(bytes);
            let start = Instant::now();
            let image = library.page_image(&id, page, 1000)?;
            ours_times.push(start.elapsed());
            assert!(image.cached);
            std::hint::black_box(image);
        }
    }
    let total = |v: &[Duration]| v.iter().sum::<Duration>();
    if std::env::var_os("CARTABLE_BENCH_DETAIL").is_some() {
        let conn = rusqlite::Connection::open(dir.path().join("cache.sqlite3"))?;
        conn.pragma_update(None, "mmap_size", 1i64 << 30)?;
        let mut q = conn.prepare("SELECT rowid, length(bytes) FROM pages WHERE book_id = ?1 AND bucket = 'pages-v1' AND width = 1000 AND idx = ?2")?;
        let mut full = conn.prepare(
            "SELECT bytes FROM pages WHERE book_id = ?1 AND bucket = 'pages-v1' AND width = 1000 AND idx = ?2",
        )?;
        let (mut tq, mut tf) = (Duration::ZERO, Duration::ZERO);
        for _ in 0..rounds {
            for page in 0..pages {
                let t = Instant::now();
                let r: (i64, i64) =
                    q.query_row(rusqlite::params![id.as_str(), page as i64], |r| Ok((r.get(0)?, r.get(1)?)))?;
                tq += t.elapsed();
                std::hint::black_box(r);
                let t = Instant::now();
                let b: Vec<u8> = full.query_row(rusqlite::params![id.as_str(), page as i64], |r| r.get(0))?;
                tf += t.elapsed();
                std::hint::black_box(b);
            }
        }
        println!(
            "detail: key lookup {:.1} µs, bare SELECT bytes {:.1} µs",
            tq.as_secs_f64() * 1e6 / 600.0,
            tf.as_secs_f64() * 1e6 / 600.0
        );
    }
    let mut report = Report::new(&format!("cache read: {pages} cached pages × {rounds} rounds"));
    report.time("std::fs::read of the same PNG (baseline)", total(&file_times), file_times.len());
    report.time("Cartable: page_image from the SQLite cache", total(&ours_times), ours_times.len());
    report.line(&format!(
        "p95: file {:.3} ms, Cartable {:.3} ms",
        percentile(&mut file_times, 95.0).as_secs_f64() * 1e3,
        percentile(&mut ours_times, 95.0).as_secs_f64() * 1e3
    ));
    report.ratio(
        "file / Cartable (speed)",
        total(&file_times).as_secs_f64() / total(&ours_times).as_secs_f64(),
        "≥ 1.0",
    );
    report.print();
    Ok(())
}

fn import(corpus: &Path, width: u32) -> anyhow::Result<()> {
    let pdf = corpus.join(MANUAL);
    let dir = tempfile::tempdir()?;
    let library = library(dir.path())?;
    let start = Instant::now();
    let id = library.import(&pdf, None)?.book.id;
    let imported = start.elapsed();
    let total = library.book(&id)?.summary.pages.unwrap_or_default();
    // The same file in a fresh library, imported and pre-rendered in one pass: in one
    // process, then as `cartable import --prerender` does it, with a helper process.
    let one_pass = |helper: bool| -> anyhow::Result<Duration> {
        let dir = tempfile::tempdir()?;
        let library = self::library(dir.path())?;
        if helper {
            library.use_render_helper(std::env::current_exe()?);
        }
        Command::new("sync").status()?;
        let start = Instant::now();
        let done = library.import_prerendered(&pdf, None, width, Arc::new(AtomicBool::new(false)), &mut |_| {})?;
        let took = start.elapsed();
        let cached = library.prerender(&done.book.id, width, &AtomicBool::new(false), &mut |_| {})?;
        assert_eq!(cached.rendered, 0, "the one-pass import cached every page");
        Ok(took)
    };
    let alone = one_pass(false)?;
    let ours = one_pass(true)?;
    let raw = raw_render(&pdf, 0, total, width)?;
    let mut report = Report::new(&format!("import + index + pre-render of {MANUAL} ({total} pages) at {width} px"));
    report.time("raw PDFium render of every page (baseline)", raw, total);
    report.time("Cartable: import and index alone (text, FTS5)", imported, total);
    report.time("Cartable: import + index + pre-render, one pass, one process", alone, total);
    report.time("Cartable: the same with a helper process (cartable import --prerender)", ours, total);
    report.ratio("Cartable / raw PDFium", ours.as_secs_f64() / raw.as_secs_f64(), "≤ 1.5");
    report.ratio("one process / raw PDFium", alone.as_secs_f64() / raw.as_secs_f64(), "—");
    report.print();
    Ok(())
}

fn search(corpus: &Path) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    // CARTABLE_BENCH_DIR keeps the imported corpus between runs (books already there are
    // recognised by their hash and not imported again).
    let home = std::env::var_os("CARTABLE_BENCH_DIR").map_or_else(|| dir.path().to_owned(), PathBuf::from);
    let library = library(&home)?;
    let mut books = 0;
    for sub in ["pdf", "epub"] {
        for entry in std::fs::read_dir(corpus.join(sub))? {
            if library.import(&entry?.path(), None).is_ok() {
                books += 1;
            }
        }
    }
    let queries = [
        "élève",
        "ELEVE",
        "fonction",
        "matrice",
        "\"qualité typographique\"",
        "typograph*",
        "le",
        "the",
        "graphique",
        "triangle",
        "Emma",
        "baleine",
        "probabilité",
        "plot",
        "vecteur",
        "Paris",
        "temps",
        "whale",
        "équation",
        "LaTeX",
    ];
    let conn = rusqlite::Connection::open(home.join("library.sqlite3"))?;
    let mut bare = conn.prepare("SELECT rowid FROM texts_fts WHERE texts_fts MATCH ?1 ORDER BY rank LIMIT 20")?;
    if std::env::var_os("CARTABLE_BENCH_DETAIL").is_some() {
        for (name, sql) in [
            (
                "joins, no snippet",
                "SELECT t.book_id, b.title, t.idx, t.label FROM texts_fts JOIN texts t ON t.id = texts_fts.rowid JOIN books b ON b.id = t.book_id WHERE texts_fts MATCH ?1 ORDER BY rank LIMIT 20",
            ),
            (
                "snippet only",
                "SELECT snippet(texts_fts, 0, '[', ']', '…', 16) FROM texts_fts WHERE texts_fts MATCH ?1 ORDER BY rank LIMIT 20",
            ),
            ("rowid + body", "SELECT rowid, body FROM texts_fts WHERE texts_fts MATCH ?1 ORDER BY rank LIMIT 20"),
            (
                "our SQL (joins + body)",
                "SELECT t.book_id, b.title, t.idx, t.label, t.body FROM texts_fts JOIN texts t ON t.id = texts_fts.rowid JOIN books b ON b.id = t.book_id WHERE texts_fts MATCH ?1 ORDER BY rank LIMIT 20",
            ),
        ] {
            let mut stmt = conn.prepare(sql)?;
            let start = Instant::now();
            for _ in 0..10 {
                for q in queries {
                    let fts = if q.starts_with('"') || q.ends_with('*') { q.to_owned() } else { format!("\"{q}\"") };
                    let n: usize = stmt
                        .query_map([&fts], |r| {
                            Ok(r.get_ref(r.as_ref().column_count() - 1)
                                .map(|v| v.as_bytes().map(|b| b.len()).unwrap_or(0))
                                .unwrap_or(0))
                        })?
                        .map(|x| x.unwrap_or(0))
                        .sum();
                    std::hint::black_box(n);
                }
            }
            println!(
                "detail {name}: {:.3} ms/query",
                start.elapsed().as_secs_f64() * 1e3 / (10 * queries.len()) as f64
            );
        }
    }
    let rounds = std::env::var("CARTABLE_BENCH_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(10);
    let mut bare_times = Vec::new();
    let mut ours_times = Vec::new();
    for _ in 0..rounds {
        for q in queries {
            // The bare query gets the query already in FTS5 syntax, as ours builds it.
            let fts = if q.starts_with('"') || q.ends_with('*') { q.to_owned() } else { format!("\"{q}\"") };
            let start = Instant::now();
            let rows: Vec<i64> = bare.query_map([&fts], |r| r.get(0))?.collect::<Result<_, _>>()?;
            bare_times.push(start.elapsed());
            std::hint::black_box(rows);
            let start = Instant::now();
            let hits = library.search(q, None, 20)?;
            ours_times.push(start.elapsed());
            std::hint::black_box(hits);
        }
    }
    let total = |v: &[Duration]| v.iter().sum::<Duration>();
    let mut report = Report::new(&format!("search: {} queries × {rounds} over {books} corpus books", queries.len()));
    report.time("bare FTS5 MATCH … ORDER BY rank LIMIT 20 (baseline)", total(&bare_times), bare_times.len());
    report.time("Cartable: search with snippets, titles, labels", total(&ours_times), ours_times.len());
    report.line(&format!(
        "p95: bare {:.2} ms, Cartable {:.2} ms (goal ≤ 20 ms)",
        percentile(&mut bare_times, 95.0).as_secs_f64() * 1e3,
        percentile(&mut ours_times, 95.0).as_secs_f64() * 1e3
    ));
    report.ratio("Cartable / bare FTS5", total(&ours_times).as_secs_f64() / total(&bare_times).as_secs_f64(), "≤ 1.5");
    report.print();
    Ok(())
}

fn formats(corpus: &Path, width: u32) -> anyhow::Result<()> {
    let book = std::env::var("CARTABLE_BENCH_BOOK").unwrap_or_else(|_| TEXTBOOK.to_owned());
    let pdf = corpus.join(&book);
    let engine = cartable_pdf::Engine::global()?;
    let pages: Vec<usize> = (0..30).collect();
    let candidates: Vec<(&str, Encoder)> = vec![
        ("PNG, fastest deflate, grey when grey (chosen)", Box::new(|b| Ok(cartable_core::encode_page(b)?))),
        ("PNG RGB, fastest deflate", Box::new(|b| png_with(b, png::Compression::Fastest))),
        ("PNG RGBA as rendered, fastest deflate", Box::new(png_rgba)),
        ("PNG RGB, block repack, fastest deflate", Box::new(png_rgb_blocks)),
        ("PNG RGB, fast deflate", Box::new(|b| png_with(b, png::Compression::Fast))),
        ("PNG RGBA, fast deflate (adaptive filter)", Box::new(|b| png_rgba_with(b, png::Compression::Fast))),
        ("PNG RGB, balanced deflate", Box::new(|b| png_with(b, png::Compression::Balanced))),
        ("JPEG q85 (lossy)", Box::new(jpeg)),
        ("WebP lossless", Box::new(webp)),
    ];
    // A first pass opens the document and warms PDFium and the buffers, as the baseline's does.
    for &p in &pages {
        drop(engine.render(&pdf, None, p, width)?);
    }
    let mut render = Duration::ZERO;
    let mut encoded = vec![(Duration::ZERO, 0usize); candidates.len()];
    let mut raw_size = 0;
    for &p in &pages {
        let start = Instant::now();
        let bitmap = engine.render(&pdf, None, p, width)?;
        render += start.elapsed();
        raw_size += bitmap.rgba.len() / 4 * 3;
        for ((_, encode), (time, size)) in candidates.iter().zip(encoded.iter_mut()) {
            let start = Instant::now();
            *size += encode(&bitmap)?.len();
            *time += start.elapsed();
        }
    }
    let raw = raw_render(&pdf, 0, pages.len(), width)?;
    let mut report = Report::new(&format!("page formats: {} pages of {book} at {width} px", pages.len()));
    report.time("PDFium render through the engine (reference)", render, pages.len());
    report.time("raw PDFium loop, same pages", raw, pages.len());
    for ((name, _), (took, size)) in candidates.iter().zip(&encoded) {
        report.line(&format!(
            "{name:<46} {:>6.2} ms/page {:>5.0}% of render {:>6.0} kB/page",
            took.as_secs_f64() * 1e3 / pages.len() as f64,
            100.0 * took.as_secs_f64() / render.as_secs_f64(),
            *size as f64 / 1024.0 / pages.len() as f64
        ));
    }
    report.line(&format!(
        "{:<46} {:>6} ms/page {:>5}% of render {:>6.0} kB/page",
        "raw RGB (no encoding)",
        "0",
        "0",
        raw_size as f64 / 1024.0 / pages.len() as f64
    ));
    report.print();
    Ok(())
}

/// One way of turning a rendered page into bytes.
type Encoder = Box<dyn Fn(&cartable_pdf::Bitmap) -> anyhow::Result<Vec<u8>>>;

fn png_with(b: &cartable_pdf::Bitmap, level: png::Compression) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, b.width, b.height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(level);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&b.to_rgb())?;
    writer.finish()?;
    Ok(out)
}

fn png_rgba(b: &cartable_pdf::Bitmap) -> anyhow::Result<Vec<u8>> {
    png_rgba_with(b, png::Compression::Fastest)
}

fn png_rgba_with(b: &cartable_pdf::Bitmap, level: png::Compression) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, b.width, b.height);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(level);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&b.rgba)?;
    writer.finish()?;
    Ok(out)
}

fn png_rgb_blocks(b: &cartable_pdf::Bitmap) -> anyhow::Result<Vec<u8>> {
    let mut rgb = vec![0u8; b.rgba.len() / 4 * 3];
    for (src, dst) in b.rgba.chunks_exact(16).zip(rgb.chunks_exact_mut(12)) {
        dst[0] = src[0];
        dst[1] = src[1];
        dst[2] = src[2];
        dst[3] = src[4];
        dst[4] = src[5];
        dst[5] = src[6];
        dst[6] = src[8];
        dst[7] = src[9];
        dst[8] = src[10];
        dst[9] = src[12];
        dst[10] = src[13];
        dst[11] = src[14];
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, b.width, b.height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fastest);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&rgb)?;
    writer.finish()?;
    Ok(out)
}

fn jpeg(b: &cartable_pdf::Bitmap) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    let encoder = jpeg_encoder::Encoder::new(&mut out, 85);
    encoder.encode(&b.to_rgb(), u16::try_from(b.width)?, u16::try_from(b.height)?, jpeg_encoder::ColorType::Rgb)?;
    Ok(out)
}

fn webp(b: &cartable_pdf::Bitmap) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    image_webp::WebPEncoder::new(&mut out).encode(&b.to_rgb(), b.width, b.height, image_webp::ColorType::Rgb8)?;
    Ok(out)
}

fn download(corpus: &Path, mib: usize) -> anyhow::Result<()> {
    // A file of pseudo-random bytes (nothing compresses), served from memory over loopback.
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let body: Vec<u8> = (0..mib << 20)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    let size = body.len() as u64;
    let server = serve::Server::start(Arc::new(body))?;
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let client = cartable_net::Client::new()?;
    let dir = tempfile::tempdir()?;
    let rounds = 3;
    let (mut curl, mut ours) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        let start = Instant::now();
        let status = Command::new("curl").args(["-s", "-o", "/dev/null", &server.url()]).status().context("curl")?;
        curl.push(start.elapsed());
        if !status.success() {
            bail!("curl failed");
        }
        let request = cartable_net::Request {
            url: cartable_net::Url::parse(&server.url())?,
            auth: None,
            dest: dir.path().join(format!("{round}.part")),
            expected_size: None,
            expected_sha256: None,
        };
        let start = Instant::now();
        let done = rt.block_on(cartable_net::download(
            &client,
            &request,
            &mut cartable_net::State::default(),
            &cartable_net::Control::new(),
            |_| {},
        ))?;
        ours.push(start.elapsed());
        assert_eq!(done.size, size);
        std::fs::remove_file(&done.path)?;
    }
    // Cut after 40 % once, then resume: how much is fetched twice?
    server.sent.store(0, std::sync::atomic::Ordering::SeqCst);
    server.cut_after.store(size * 2 / 5, std::sync::atomic::Ordering::SeqCst);
    let request = cartable_net::Request {
        url: cartable_net::Url::parse(&server.url())?,
        auth: None,
        dest: dir.path().join("cut.part"),
        expected_size: None,
        expected_sha256: None,
    };
    let config = cartable_net::Config {
        retry: cartable_net::Retry { first_delay: Duration::from_millis(10), ..Default::default() },
        ..Default::default()
    };
    let client = cartable_net::Client::with_config(config)?;
    rt.block_on(cartable_net::download(
        &client,
        &request,
        &mut cartable_net::State::default(),
        &cartable_net::Control::new(),
        |_| {},
    ))?;
    let refetched = server.sent.load(std::sync::atomic::Ordering::SeqCst).saturating_sub(size);
    let mut report = Report::new(&format!("download: {mib} MiB from a loopback server, {rounds} rounds"));
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let (c, o) = (median(&mut curl), median(&mut ours));
    report.time("curl -o /dev/null (baseline)", c, 1);
    report.time("Cartable: download to disk with sha256", o, 1);
    report.line(&format!(
        "throughput: curl {:.0} MiB/s, Cartable {:.0} MiB/s",
        mib as f64 / c.as_secs_f64(),
        mib as f64 / o.as_secs_f64()
    ));
    report.ratio("Cartable / curl throughput", c.as_secs_f64() / o.as_secs_f64(), "≥ 0.95");
    report.line(&format!("cut at 40 % and resumed: {} bytes fetched twice (goal ≤ 1 MiB)", refetched));
    report.print();
    // The same over a link as fast as gigabit Ethernet (what a school or home network gives
    // at best): both should keep up with the link.
    let rate = 110u64 << 20;
    server.rate.store(rate, std::sync::atomic::Ordering::SeqCst);
    let start = Instant::now();
    Command::new("curl").args(["-s", "-o", "/dev/null", &server.url()]).status().context("curl")?;
    let c = start.elapsed();
    let request = cartable_net::Request {
        url: cartable_net::Url::parse(&server.url())?,
        auth: None,
        dest: dir.path().join("paced.part"),
        expected_size: None,
        expected_sha256: None,
    };
    let start = Instant::now();
    rt.block_on(cartable_net::download(
        &client,
        &request,
        &mut cartable_net::State::default(),
        &cartable_net::Control::new(),
        |_| {},
    ))?;
    let o = start.elapsed();
    let mut report =
        Report::new(&format!("download: {mib} MiB over a link paced to {} MiB/s (gigabit Ethernet)", rate >> 20));
    report.time("curl -o /dev/null (baseline)", c, 1);
    report.time("Cartable: download to disk with sha256", o, 1);
    report.ratio("Cartable / curl throughput", c.as_secs_f64() / o.as_secs_f64(), "≥ 0.95");
    report.print();
    // Feed parsing: the largest corpus feed, vs a bare parse of the same bytes.
    let mut largest = None;
    for entry in std::fs::read_dir(corpus.join("opds"))?.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "json" || e == "xml" || e == "atom" || e == "opds") {
            let len = entry.metadata()?.len();
            if largest.as_ref().is_none_or(|(l, _)| len > *l) {
                largest = Some((len, path));
            }
        }
    }
    let (len, path) = largest.context("no feed in the corpus")?;
    let bytes = std::fs::read(&path)?;
    let base = cartable_net::Url::parse("https://example.org/opds/")?;
    let rounds = 50;
    let start = Instant::now();
    for _ in 0..rounds {
        std::hint::black_box(cartable_opds::parse_feed(&bytes, &base, None)?);
    }
    let ours = start.elapsed() / rounds;
    let start = Instant::now();
    for _ in 0..rounds {
        if path.extension().is_some_and(|e| e == "json") {
            std::hint::black_box(serde_json::from_slice::<serde_json::Value>(&bytes)?);
        } else {
            let mut reader = quick_xml::Reader::from_reader(bytes.as_slice());
            let mut buf = Vec::new();
            while !matches!(reader.read_event_into(&mut buf)?, quick_xml::events::Event::Eof) {
                buf.clear();
            }
        }
    }
    let bare = start.elapsed() / rounds;
    let mut report = Report::new(&format!(
        "feed parsing: {} ({} kB)",
        path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        len / 1024
    ));
    report.time("bare parse of the same bytes (serde_json::Value / quick-xml events)", bare, 1);
    report.time("Cartable: OPDS feed parsed into a Feed", ours, 1);
    report.ratio("Cartable / bare parse", ours.as_secs_f64() / bare.as_secs_f64(), "none set");
    report.print();
    Ok(())
}
