//! Annotations: a gesture's end → the stroke committed, vs a bare INSERT of the same bytes;
//! opening a book carrying 5,000 annotations vs the same book with none; "My notes" search over
//! 50,000 annotations vs a bare FTS5 query on the same index.

use std::path::Path;
use std::time::{Duration, Instant};

use cartable_core::annotations::{Anchor, Ink, Kind, Tool};
use cartable_core::{DEFAULT_WIDTH, NewAnnotation};
use rusqlite::params;

use crate::measure::{Report, percentile};

const BOOK: &str = "pdf/fr-lshort-fr.pdf";

fn stroke(page: usize, seed: usize) -> NewAnnotation {
    let points: Vec<[f32; 2]> =
        (0..240).map(|i| [0.1 + i as f32 / 400.0, 0.3 + ((i + seed) as f32 / 12.0).sin() * 0.05]).collect();
    let mut n: NewAnnotation = match serde_json::from_value(serde_json::json!({
        "kind": Kind::Ink,
        "anchor": Anchor::Place { page, loc: format!("page:{page}"), label: None, x: None, y: None },
    })) {
        Ok(n) => n,
        Err(e) => panic!("a valid annotation: {e}"),
    };
    n.ink = Some(Ink { tool: Tool::Pen, color: "#1f2937".into(), width: 0.004, points });
    n
}

pub fn run(corpus: &Path) -> anyhow::Result<()> {
    let mut report = Report::new("annotations");
    let dir = tempfile::tempdir()?;
    let library = crate::library(dir.path())?;
    let book = library.import(&corpus.join(BOOK), None)?.book.id;
    let pages = library.book(&book)?.summary.pages.unwrap_or(1);
    let me = library.default_profile()?.id;
    let clean = library.add_profile("sans notes", None)?.id;

    // 1. Gesture end → committed (one transaction, synced to disk), vs a bare INSERT of the
    //    same packed bytes into a table of the same database, same pragmas.
    let rounds = 200;
    let mut ours = Vec::with_capacity(rounds);
    for i in 0..rounds {
        let s = stroke(i % pages, i);
        let start = Instant::now();
        library.add_annotation(&me, &book, s)?;
        ours.push(start.elapsed());
    }
    let conn = rusqlite::Connection::open(dir.path().join("library.sqlite3"))?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.execute_batch("CREATE TABLE bare (id BLOB PRIMARY KEY, body BLOB NOT NULL)")?;
    let blob = vec![7u8; 600];
    let mut bare = Vec::with_capacity(rounds);
    for i in 0..rounds {
        let id = (i as u128).to_be_bytes();
        let start = Instant::now();
        conn.execute("INSERT INTO bare (id, body) VALUES (?1, ?2)", params![id.as_slice(), blob])?;
        bare.push(start.elapsed());
    }
    let (p50, p95) = (percentile(&mut ours, 50.0), percentile(&mut ours, 95.0));
    let bare50 = percentile(&mut bare, 50.0);
    report.line(&format!(
        "stroke committed: p50 {:.2} ms, p95 {:.2} ms (goal p95 ≤ 16 ms, one frame)",
        ms(p50),
        ms(p95)
    ));
    report.line(&format!("bare INSERT:      p50 {:.2} ms", ms(bare50)));
    report.ratio("stroke committed vs bare INSERT (p50)", ratio(p50, bare50), "as close to 1 as the JSON allows");

    // 2. Opening the book on a page as the window does: the book and where the pupil was, the
    //    cached page, its text layer and its annotations (as the JSON that crosses to the
    //    window), with 5,000 annotations in the book vs none. The same without the text layer
    //    (the core's data alone) is printed too, as the harsher comparison.
    let filling = Instant::now();
    for i in ours.len()..5_000 {
        library.add_annotation(&me, &book, stroke(i % pages, i))?;
    }
    report.time("(fixture) 4,800 more strokes through the library", filling.elapsed(), 4_800);
    let page = 20 % pages;
    library.page_image(&book, page, DEFAULT_WIDTH)?;
    let open = |profile: &str, layer: bool| -> anyhow::Result<Duration> {
        let start = Instant::now();
        let opened = serde_json::to_vec(&library.open_book(profile, &book)?)?;
        let image = library.page_image(&book, page, DEFAULT_WIDTH)?;
        let runs = if layer { serde_json::to_vec(&library.text_layer(&book, page)?)? } else { Vec::new() };
        let marks = serde_json::to_vec(&library.annotations(profile, &book, Some(page))?)?;
        std::hint::black_box((opened.len(), image.bytes.len(), runs.len(), marks.len()));
        Ok(start.elapsed())
    };
    for layer in [true, false] {
        let (mut with, mut without) = (Vec::new(), Vec::new());
        for _ in 0..200 {
            with.push(open(&me, layer)?);
            without.push(open(&clean, layer)?);
        }
        let (w, wo) = (percentile(&mut with, 50.0), percentile(&mut without, 50.0));
        let what =
            if layer { "open (book, page, text layer, annotations)" } else { "open, core data only (no text layer)" };
        report.line(&format!("{what}: {:.2} ms with 5,000 annotations in the book, {:.2} ms with none", ms(w), ms(wo)));
        if layer {
            report.ratio("open with 5,000 annotations vs none (p50)", ratio(w, wo), "≤ 1.2");
        } else {
            report.ratio("open, core data only, 5,000 vs none (p50)", ratio(w, wo), "report");
        }
    }
    report.line(&format!(
        "on page {}: {} of the {} annotations",
        page + 1,
        library.annotations(&me, &book, Some(page))?.len(),
        library.annotation_count(&book)?
    ));
    let start = Instant::now();
    for _ in 0..200 {
        std::hint::black_box(library.annotations(&me, &book, Some(page))?);
    }
    report.time("the page's annotations alone", start.elapsed(), 200);
    let marks = library.annotations(&me, &book, Some(page))?;
    let start = Instant::now();
    for _ in 0..200 {
        std::hint::black_box(serde_json::to_vec(&marks)?);
    }
    report.time("the page's annotations as JSON for the window", start.elapsed(), 200);

    // 3. "My notes" over 50,000 notes made of real French sentences.
    let filling = Instant::now();
    let sentences = sentences(&conn)?;
    fill_notes(&library, &me, &book, &conn, &sentences, 50_000)?;
    report.time("(fixture) 50,000 notes copied in SQL", filling.elapsed(), 50_000);
    let queries = [
        "triangle",
        "élève",
        "ELEVE",
        "document",
        "commande",
        "\"mode mathématique\"",
        "tabl*",
        "police",
        "page",
        "exemple",
    ];
    let mut ours = Vec::new();
    let mut bare = Vec::new();
    let mut stmt =
        conn.prepare("SELECT rowid FROM annotations_fts WHERE annotations_fts MATCH ?1 ORDER BY rank LIMIT 50")?;
    for _ in 0..10 {
        for q in queries {
            let start = Instant::now();
            let hits = library.search_notes(&me, q, 50)?;
            ours.push(start.elapsed());
            std::hint::black_box(hits.len());
            let fts = if q.starts_with('"') || q.ends_with('*') { q.to_owned() } else { format!("\"{q}\"") };
            let start = Instant::now();
            let n = stmt.query_map([&fts], |r| r.get::<_, i64>(0))?.count();
            bare.push(start.elapsed());
            std::hint::black_box(n);
        }
    }
    let (p50, p95) = (percentile(&mut ours, 50.0), percentile(&mut ours, 95.0));
    let bare50 = percentile(&mut bare, 50.0);
    report.line(&format!(
        "My notes over 50,000: p50 {:.2} ms, p95 {:.2} ms; bare FTS5 p50 {:.2} ms",
        ms(p50),
        ms(p95),
        ms(bare50)
    ));
    report.ratio("My notes search vs bare FTS5 (p50)", ratio(p50, bare50), "report; p95 ≤ 20 ms");
    report.print();
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(1e-9)
}

/// Sentences of the book's text, to write notes that look like pupils' notes.
fn sentences(conn: &rusqlite::Connection) -> anyhow::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT body FROM texts")?;
    let bodies: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(bodies
        .iter()
        .flat_map(|b| b.split(['.', '\n']))
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| s.len() > 20)
        .collect())
}

/// Notes written through the library (one), then copied row by row with fresh ids and other
/// sentences, in one transaction: the fixture, not the measured path.
fn fill_notes(
    library: &cartable_core::Library,
    profile: &str,
    book: &cartable_core::BookId,
    conn: &rusqlite::Connection,
    sentences: &[String],
    count: usize,
) -> anyhow::Result<()> {
    let mut n: NewAnnotation = serde_json::from_value(serde_json::json!({
        "kind": "note",
        "anchor": { "type": "place", "page": 0, "loc": "page:0", "label": null, "x": 0.5, "y": 0.5 },
        "text": "modèle",
    }))?;
    n.text = Some("modèle".into());
    let model = library.add_annotation(profile, book, n)?;
    let tx = conn.unchecked_transaction()?;
    let mut copy = tx.prepare(
        "INSERT INTO annotations (profile_id, id, kind, book_key, place, ord, init, created_hlc, fields, blob,
                                  del_hlc, created_at, modified_at, search_text)
         SELECT profile_id, ?2, kind, book_key, ?3, ord, init, created_hlc,
                json_set(fields, '$.body.v', ?4), blob, del_hlc, created_at, modified_at + ?5, ?4
         FROM annotations WHERE profile_id = ?6 AND id = ?1",
    )?;
    for i in 0..count {
        let id = uuid::Uuid::new_v4();
        let text = &sentences[i % sentences.len().max(1)];
        copy.execute(params![
            model.id.as_bytes().as_slice(),
            id.as_bytes().as_slice(),
            (i % 100) as i64,
            text,
            i as i64,
            profile,
        ])?;
    }
    drop(copy);
    tx.commit()?;
    Ok(())
}
