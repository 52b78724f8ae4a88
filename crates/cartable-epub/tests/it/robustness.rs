//! Damaged copies of every corpus EPUB: errors are fine, panics are not.
//!
//! Two kinds of damage, with fixed seeds so that a failure replays:
//! - bytes of the file: truncations, and flipped bytes (half of them in the central directory,
//!   where names and sizes live). This exercises the ZIP layer: a flip inside deflated data is
//!   caught by the CRC before any parser sees it;
//! - bytes of the XML documents (container, package, navigation, content) of the smaller books,
//!   re-zipped, so that the XML parsers themselves meet garbage: invalid UTF-8, stray `<`, `&`,
//!   quotes, NULs, cut documents.

use std::io::{Cursor, Read, Write};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use cartable_epub::from_bytes;
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

use crate::support::{CorpusBook, XorShift, corpus_epubs};

const TRUNCATIONS: usize = 20;
/// Variants with one flipped byte each.
const FLIPS: usize = 50;
/// XML-damage variants per small book.
const XML_VARIANTS: usize = 40;
/// Books whose file is smaller than this also get XML-level damage (keeps the suite fast).
const XML_DAMAGE_MAX_FILE: u64 = 200_000;

/// Opens the bytes and touches everything a reader would: every section's text, the cover.
/// Errors are expected; only a panic is a failure.
fn exercise(bytes: Vec<u8>) {
    let Ok(mut book) = from_bytes(bytes) else {
        return;
    };
    for index in 0..book.spine().len() {
        let _ = book.section_text(index);
    }
    if let Some(cover) = book.cover().map(|cover| cover.href.clone()) {
        let _ = book.resource(&cover);
    }
    let linked: Vec<String> =
        book.toc().iter().take(3).map(|entry| entry.href.split('#').next().unwrap_or("").to_owned()).collect();
    for path in linked {
        let _ = book.resource(&path);
    }
}

/// Where the central directory is, from the end-of-central-directory record.
fn central_directory(bytes: &[u8]) -> Option<std::ops::Range<usize>> {
    let search_from = bytes.len().saturating_sub(22 + 65_535);
    let eocd = (search_from..bytes.len().saturating_sub(21)).rev().find(|&at| bytes[at..at + 4] == *b"PK\x05\x06")?;
    let field = |offset: usize| {
        let b = &bytes[eocd + offset..eocd + offset + 4];
        u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize
    };
    let (size, start) = (field(12), field(16));
    (start < eocd && start + size <= eocd).then_some(start..eocd + 22)
}

/// One byte-level damage, applied to the original when its turn comes (a copy per variant of
/// an 8 MB book, made all at once, would take hundreds of megabytes).
#[derive(Debug, Clone, Copy)]
enum Damage {
    Truncate(usize),
    Flip { at: usize, mask: u8 },
}

impl Damage {
    fn apply(self, original: &[u8]) -> Vec<u8> {
        match self {
            Damage::Truncate(at) => original[..at].to_vec(),
            Damage::Flip { at, mask } => {
                let mut bytes = original.to_vec();
                bytes[at] ^= mask;
                bytes
            }
        }
    }
}

/// 20 truncations (spread over the file, half of them near its end, where the directory is)
/// and 50 single-byte flips (half in the central directory: names, sizes, offsets).
fn file_damages(original: &[u8], seed: u64) -> Vec<Damage> {
    let mut random = XorShift::new(seed);
    let len = original.len();
    if len == 0 {
        return Vec::new();
    }
    let mut damages = Vec::new();
    for k in 0..TRUNCATIONS {
        let at = if k % 2 == 0 { len * k / TRUNCATIONS } else { len - 1 - random.below(len.min(4096)) };
        damages.push(Damage::Truncate(at));
    }
    let directory = central_directory(original).unwrap_or(0..len);
    for flip in 0..FLIPS {
        let at = if flip % 2 == 0 { directory.start + random.below(directory.len()) } else { random.below(len) };
        let mask = u8::try_from(random.below(255) + 1).expect("1..=255 fits a byte");
        damages.push(Damage::Flip { at, mask });
    }
    damages
}

/// Bytes that break XML in interesting ways.
const NASTY: &[u8] = b"<>&;\"'/=#\0\xFF\xC3 x]!?-";

fn is_xml_entry(name: &str) -> bool {
    [".xml", ".opf", ".ncx", ".xhtml", ".html", ".htm", ".svg"]
        .iter()
        .any(|extension| name.to_ascii_lowercase().ends_with(extension))
}

/// XML-level variants: one XML document damaged in one to three places, the archive rebuilt.
fn xml_variants(original: &[u8], seed: u64) -> Vec<(String, Vec<u8>)> {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(original)) else {
        return Vec::new();
    };
    let mut entries = Vec::new();
    for index in 0..archive.len() {
        let Ok(mut file) = archive.by_index(index) else {
            return Vec::new();
        };
        if file.is_dir() {
            continue;
        }
        let name = file.name().unwrap_or_default().into_owned();
        let mut data = Vec::new();
        if file.read_to_end(&mut data).is_err() {
            return Vec::new();
        }
        entries.push((name, data));
    }
    let xml_entries: Vec<usize> = (0..entries.len()).filter(|&index| is_xml_entry(&entries[index].0)).collect();
    if xml_entries.is_empty() {
        return Vec::new();
    }
    let mut random = XorShift::new(seed);
    (0..XML_VARIANTS)
        .map(|variant| {
            // One document per variant, so that the others still lead the reader to it.
            let victim = xml_entries[random.below(xml_entries.len())];
            let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
            for (index, (name, data)) in entries.iter().enumerate() {
                let mut data = data.clone();
                if index == victim {
                    for _ in 0..1 + random.below(3) {
                        if data.is_empty() {
                            break;
                        }
                        let at = random.below(data.len());
                        match random.below(4) {
                            0 => data[at] = NASTY[random.below(NASTY.len())],
                            1 => data.truncate(at),
                            2 => {
                                data.remove(at);
                            }
                            _ => data.insert(at, NASTY[random.below(NASTY.len())]),
                        }
                    }
                }
                let method = if name == "mimetype" { CompressionMethod::Stored } else { CompressionMethod::Deflated };
                writer
                    .start_file(name, SimpleFileOptions::default().compression_method(method))
                    .expect("re-zipping an entry");
                writer.write_all(&data).expect("writing to memory");
            }
            let bytes = writer.finish().expect("finishing the zip").into_inner();
            (format!("XML variant {variant}: {} damaged", entries[victim].0), bytes)
        })
        .collect()
}

fn seed_for(file: &str) -> u64 {
    // FNV-1a of the file name: each book gets its own fixed sequence.
    file.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3))
}

/// A damaged book to exercise: what it is, and how to make its bytes.
type Job<'a> = (String, Box<dyn Fn() -> Vec<u8> + Send + Sync + 'a>);

/// Runs the jobs on every core; collects panics with the job that caused them.
fn run(label: &str, jobs: &[Job<'_>]) {
    assert!(!jobs.is_empty(), "{label}: no damaged variant was generated");
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                while let Some((description, make)) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let outcome = panic::catch_unwind(AssertUnwindSafe(|| exercise(make())));
                    if let Err(payload) = outcome {
                        let message = payload
                            .downcast_ref::<String>()
                            .cloned()
                            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                            .unwrap_or_default();
                        failures
                            .lock()
                            .expect("no panic while holding the lock")
                            .push(format!("{description}: {message}"));
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().expect("threads are done");
    assert!(failures.is_empty(), "{label}: damaged books must give errors, never panics:\n{}", failures.join("\n"));
}

#[test]
fn truncated_or_flipped_files_never_panic() {
    let books: Vec<(CorpusBook, Vec<u8>)> = corpus_epubs()
        .into_iter()
        .map(|book| {
            let bytes = std::fs::read(book.path()).expect("corpus file is readable");
            (book, bytes)
        })
        .collect();
    let mut jobs: Vec<Job<'_>> = Vec::new();
    for (book, original) in &books {
        for damage in file_damages(original, seed_for(&book.file)) {
            jobs.push((format!("{}: {damage:?}", book.file), Box::new(move || damage.apply(original))));
        }
    }
    assert!(
        jobs.len() >= books.len() * (TRUNCATIONS + FLIPS) - TRUNCATIONS - FLIPS,
        "every book but the empty one gets its 70 variants"
    );
    run("file damage", &jobs);
}

#[test]
fn damaged_xml_documents_never_panic() {
    let mut jobs: Vec<Job<'_>> = Vec::new();
    for book in corpus_epubs() {
        let small = std::fs::metadata(book.path()).is_ok_and(|m| m.len() < XML_DAMAGE_MAX_FILE);
        if !small {
            continue;
        }
        let original = std::fs::read(book.path()).expect("corpus file is readable");
        for (description, bytes) in xml_variants(&original, seed_for(&book.file)) {
            jobs.push((format!("{}: {description}", book.file), Box::new(move || bytes.clone())));
        }
    }
    assert!(jobs.len() >= 5 * XML_VARIANTS, "at least five small books get XML damage");
    run("XML damage", &jobs);
}
