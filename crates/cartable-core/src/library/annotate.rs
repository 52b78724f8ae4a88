//! Profiles and what each pupil writes in the books: the façade over `profiles` and
//! `annotations`. Every change is one SQLite transaction, committed before the call returns.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Library;
use crate::annotations::record::{self, Record};
use crate::annotations::{self, Anchor, Annotation, Change, Kind, NewAnnotation, markdown, w3c};
use crate::db::annotations::{self as rows, Stored};
use crate::db::profiles as profile_rows;
use crate::model::{Book, Format};
use crate::profiles::{self, Profile};
use crate::search;
use crate::textlayer::TextRun;
use crate::{BookId, Error, Result};

/// A "My notes" hit: the annotation, its book's title, and its text with the match marked.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NoteHit {
    pub annotation: Annotation,
    /// Empty when the book is no longer in the library.
    pub title: String,
    /// HTML-escaped, with each match inside `<mark>…</mark>`.
    pub snippet: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportFormat {
    /// W3C Web Annotation (a Readium annotation set), JSON.
    #[serde(rename = "w3c")]
    W3c,
    #[serde(rename = "md")]
    Markdown,
    /// A copy of the PDF with the annotations written into it.
    #[serde(rename = "pdf")]
    Pdf,
}

/// What an annotation import did.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AnnotationsImport {
    pub book: Option<BookId>,
    /// Annotations added (or changed) in the library.
    pub placed: usize,
    /// Annotations the library already had as they are.
    pub already: usize,
    pub unplaced: Vec<Unplaced>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Unplaced {
    pub id: String,
    pub reason: String,
}

impl Library {
    // ----- profiles ---------------------------------------------------------------------

    pub fn profiles(&self) -> Result<Vec<Profile>> {
        self.with_db(profile_rows::list)
    }

    pub fn profile(&self, id: &str) -> Result<Profile> {
        self.with_db(|c| profile_rows::get(c, id))?.ok_or_else(|| Error::ProfileNotFound(id.to_owned()))
    }

    /// The profile named `query`: its id, or its name (case ignored).
    pub fn find_profile(&self, query: &str) -> Result<Profile> {
        let all = self.profiles()?;
        let q = query.trim();
        all.iter()
            .find(|p| p.id == q)
            .or_else(|| all.iter().find(|p| p.name.to_lowercase() == q.to_lowercase()))
            .cloned()
            .ok_or_else(|| Error::ProfileNotFound(q.to_owned()))
    }

    /// The first profile: the one used when nobody says who is reading.
    pub fn default_profile(&self) -> Result<Profile> {
        self.profiles()?.into_iter().next().ok_or(Error::NoProfile)
    }

    pub fn add_profile(&self, name: &str, pin: Option<&str>) -> Result<Profile> {
        let name = profiles::clean_name(name)?;
        let hash = pin.map(profiles::hash_pin).transpose()?;
        self.with_db(|c| {
            if profile_rows::name_taken(c, &name, None)? {
                return Err(Error::ProfileNameTaken(name.clone()));
            }
            let n = profile_rows::list(c)?.len();
            let profile = Profile {
                id: uuid::Uuid::now_v7().to_string(),
                name: name.clone(),
                has_pin: hash.is_some(),
                color: profiles::COLORS[n % profiles::COLORS.len()].to_owned(),
                created_at: self.clock.now(),
            };
            profile_rows::insert(c, &profile, hash.as_deref())?;
            Ok(profile)
        })
    }

    pub fn rename_profile(&self, id: &str, name: &str) -> Result<()> {
        let name = profiles::clean_name(name)?;
        self.with_db(|c| {
            if profile_rows::name_taken(c, &name, Some(id))? {
                return Err(Error::ProfileNameTaken(name.clone()));
            }
            if profile_rows::rename(c, id, &name)? { Ok(()) } else { Err(Error::ProfileNotFound(id.to_owned())) }
        })
    }

    /// Sets or (with `None`) removes a profile's PIN.
    pub fn set_pin(&self, id: &str, pin: Option<&str>) -> Result<()> {
        let hash = pin.map(profiles::hash_pin).transpose()?;
        let found = self.with_db(|c| profile_rows::set_pin(c, id, hash.as_deref()))?;
        if found { Ok(()) } else { Err(Error::ProfileNotFound(id.to_owned())) }
    }

    /// The profile, once its PIN (if it has one) is given.
    pub fn unlock_profile(&self, id: &str, pin: Option<&str>) -> Result<Profile> {
        let profile = self.profile(id)?;
        let hash = self.with_db(|c| profile_rows::pin_hash(c, id))?;
        profiles::check(hash.as_deref(), pin)?;
        Ok(profile)
    }

    /// Removes a profile with its positions, settings and annotations.
    pub fn remove_profile(&self, id: &str) -> Result<()> {
        self.with_db(|c| {
            let tx = c.unchecked_transaction()?;
            if profile_rows::list(&tx)?.len() <= 1 {
                return Err(Error::LastProfile);
            }
            if !profile_rows::delete(&tx, id)? {
                return Err(Error::ProfileNotFound(id.to_owned()));
            }
            tx.commit()?;
            Ok(())
        })
    }

    pub fn profile_settings(&self, id: &str) -> Result<serde_json::Map<String, Value>> {
        self.profile(id)?;
        self.with_db(|c| profile_rows::settings(c, id))
    }

    pub fn set_profile_setting(&self, id: &str, key: &str, value: &Value) -> Result<()> {
        if key.is_empty() || key.len() > 64 {
            return Err(Error::InvalidPosition("a setting's name has 1 to 64 characters"));
        }
        let json = value.to_string();
        if json.len() > 16 * 1024 {
            return Err(Error::InvalidPosition("a setting's value is too large"));
        }
        self.profile(id)?;
        self.with_db(|c| profile_rows::set_setting(c, id, key, &json))
    }

    // ----- annotations ------------------------------------------------------------------

    /// The live annotations of a book, in reading order; those of one page or section when given.
    pub fn annotations(&self, profile: &str, book: &BookId, place: Option<usize>) -> Result<Vec<Annotation>> {
        let stored = self.with_db(|c| rows::list(c, profile, &book.book_key(), place))?;
        Ok(stored.iter().filter_map(|s| annotations::view(&s.record, s.created_at, s.modified_at)).collect())
    }

    /// Creates an annotation; it is committed when this returns.
    pub fn add_annotation(&self, profile: &str, book: &BookId, new: NewAnnotation) -> Result<Annotation> {
        let hlc = self.hlc.stamp(self.clock.as_ref());
        let now = self.clock.now();
        let highlight = new.highlight;
        let record = annotations::create(uuid::Uuid::now_v7(), &book.book_key(), new, hlc)?;
        let made = annotations::view(&record, now, now).ok_or_else(|| Error::InvalidAnnotation("unreadable".into()))?;
        self.with_db(|c| {
            let tx = c.unchecked_transaction()?;
            if !crate::db::books::exists(&tx, book)? {
                return Err(Error::BookNotFound(book.to_string()));
            }
            if profile_rows::get(&tx, profile)?.is_none() {
                return Err(Error::ProfileNotFound(profile.to_owned()));
            }
            if let Some(h) = highlight {
                let live = rows::get(&tx, profile, h)?.is_some_and(|s| s.record.del.is_none());
                if !live {
                    return Err(Error::AnnotationNotFound(h.to_string()));
                }
            }
            write(&tx, profile, &Stored { record, created_at: now, modified_at: now })?;
            tx.commit()?;
            Ok(())
        })?;
        Ok(made)
    }

    pub fn update_annotation(&self, profile: &str, id: uuid::Uuid, change: Change) -> Result<Annotation> {
        let hlc = self.hlc.stamp(self.clock.as_ref());
        let now = self.clock.now();
        self.with_db(|c| {
            let tx = c.unchecked_transaction()?;
            let mut stored = live(&tx, profile, id)?;
            let fields = annotations::change_fields(&stored.record, change, hlc)?;
            let mut edit = stored.record.clone();
            edit.fields = fields;
            stored.record =
                record::merge(&stored.record, &edit).map_err(|_| Error::AnnotationNotFound(id.to_string()))?;
            stored.modified_at = now;
            write(&tx, profile, &stored)?;
            tx.commit()?;
            annotations::view(&stored.record, stored.created_at, stored.modified_at)
                .ok_or_else(|| Error::AnnotationNotFound(id.to_string()))
        })
    }

    /// Deletes an annotation (a tombstone that sync carries); a highlight takes its notes along.
    pub fn delete_annotation(&self, profile: &str, id: uuid::Uuid) -> Result<()> {
        let hlc = self.hlc.stamp(self.clock.as_ref());
        let now = self.clock.now();
        self.with_db(|c| {
            let tx = c.unchecked_transaction()?;
            let stored = live(&tx, profile, id)?;
            let mut doomed = vec![stored];
            if doomed[0].record.kind == Kind::Highlight {
                let key = doomed[0].record.book_key.clone();
                let notes = rows::list(&tx, profile, &key, None)?.into_iter().filter(|s| {
                    s.record.kind == Kind::Note
                        && s.record.init.get("highlight").and_then(Value::as_str) == Some(&id.to_string())
                });
                doomed.extend(notes);
            }
            for mut s in doomed {
                s.record.tombstone(hlc);
                s.modified_at = now;
                write(&tx, profile, &s)?;
            }
            tx.commit()?;
            Ok(())
        })
    }

    /// Merges a record that comes from elsewhere (an import, later sync) into the profile's.
    /// Returns whether anything changed.
    pub(crate) fn apply_record(&self, profile: &str, incoming: Record, at: i64) -> Result<bool> {
        self.with_db(|c| {
            let tx = c.unchecked_transaction()?;
            let changed = match rows::get(&tx, profile, incoming.id)? {
                Some(mut ours) => {
                    let merged = record::merge(&ours.record, &incoming)
                        .map_err(|_| Error::InvalidAnnotation("another annotation has the same id".into()))?;
                    let changed = merged != ours.record;
                    if changed {
                        self.hlc.observe(merged.last_change());
                        ours.record = merged;
                        ours.modified_at = at;
                        write(&tx, profile, &ours)?;
                    }
                    changed
                }
                None => {
                    self.hlc.observe(incoming.last_change());
                    write(&tx, profile, &Stored { record: incoming, created_at: at, modified_at: at })?;
                    true
                }
            };
            tx.commit()?;
            Ok(changed)
        })
    }

    /// Live annotations of a book, every profile together (asked before removing the book).
    pub fn annotation_count(&self, book: &BookId) -> Result<usize> {
        self.with_db(|c| rows::count_for_book(c, &book.book_key()))
    }

    /// "My notes": the profile's notes and highlighted passages matching `query`, across books;
    /// the most recent ones when the query is empty.
    pub fn search_notes(&self, profile: &str, query: &str, limit: usize) -> Result<Vec<NoteHit>> {
        let limit = limit.clamp(1, 500);
        let parsed = if query.trim().is_empty() { None } else { Some(search::Query::parse(query)?) };
        let stored = match &parsed {
            Some(q) => self.with_db(|c| rows::search(c, profile, &q.to_fts(), limit))?,
            None => self.with_db(|c| rows::recent(c, profile, limit))?,
        };
        let titles: std::collections::HashMap<String, String> =
            self.with_db(crate::db::books::list)?.into_iter().map(|b| (b.id.book_key(), b.title)).collect();
        let snippets = parsed.as_ref().map(search::Snippets::new);
        Ok(stored
            .iter()
            .filter_map(|s| {
                let annotation = annotations::view(&s.record, s.created_at, s.modified_at)?;
                let text = annotations::search_text(&s.record);
                let snippet = match &snippets {
                    Some(cut) => cut.cut(text.as_bytes()),
                    None => search::escape(&text.chars().take(200).collect::<String>()),
                };
                let title = titles.get(&s.record.book_key).cloned().unwrap_or_default();
                Some(NoteHit { annotation, title, snippet })
            })
            .collect())
    }

    // ----- export and import ------------------------------------------------------------

    /// The profile's annotations of a book as a file: W3C JSON, Markdown, or an annotated PDF.
    pub fn export_annotations(
        &self,
        profile: &str,
        book: &BookId,
        format: ExportFormat,
        lang: &str,
    ) -> Result<Vec<u8>> {
        let meta = self.book(book)?;
        let who = self.profile(profile)?;
        let list = self.annotations(profile, book, None)?;
        match format {
            ExportFormat::W3c => {
                let set = w3c::export(&meta, &list, self.clock.now());
                serde_json::to_vec_pretty(&set).map_err(|e| Error::InvalidAnnotation(e.to_string()))
            }
            ExportFormat::Markdown => Ok(markdown::export(&meta, &list, &who.name, lang).into_bytes()),
            ExportFormat::Pdf => {
                let path = self.pdf_path(&meta)?;
                let marks = pdf_marks(&meta, &list, &who.name);
                Ok(self.engine()?.annotated_copy(&path, None, marks)?)
            }
        }
    }

    /// Reads a W3C annotation set, finds its book in the library and places each annotation
    /// again through its selectors; reports the ones that could not be placed.
    pub fn import_annotations(&self, profile: &str, bytes: &[u8]) -> Result<AnnotationsImport> {
        self.profile(profile)?;
        let set = w3c::parse(bytes)?;
        let book = self.book_of_set(&set.about)?;
        let meta = self.book(&book)?;
        let mut report = AnnotationsImport { book: Some(book.clone()), ..AnnotationsImport::default() };
        let now = self.clock.now();
        // Every page's text, read once for the whole set (an item whose quote moved is looked
        // for in all of them), and only when a PDF item needs it.
        let mut page_texts: Option<Vec<String>> = None;
        for raw in &set.items {
            let label = raw.get("id").and_then(Value::as_str).unwrap_or("?").to_owned();
            let item = match w3c::read_item(raw, &meta) {
                Ok(item) => item,
                Err(reason) => {
                    report.unplaced.push(Unplaced { id: label, reason });
                    continue;
                }
            };
            let anchor = match self.place_again(&meta, item.new.anchor.clone(), &mut page_texts) {
                Ok(anchor) => anchor,
                Err(reason) => {
                    report.unplaced.push(Unplaced { id: label, reason });
                    continue;
                }
            };
            let mut new = item.new;
            new.anchor = anchor;
            let hlc = self.hlc.stamp(self.clock.as_ref());
            let id = item.id.unwrap_or_else(uuid::Uuid::now_v7);
            let mut record = match annotations::create(id, &book.book_key(), new, hlc) {
                Ok(r) => r,
                Err(e) => {
                    report.unplaced.push(Unplaced { id: label, reason: e.to_string() });
                    continue;
                }
            };
            // The same set imported twice changes nothing: content already here is not rewritten.
            if let Some(existing) = self.with_db(|c| rows::get(c, profile, id))? {
                let same = existing.record.del.is_some()
                    || (existing.record.init == record.init
                        && record
                            .fields
                            .iter()
                            .all(|(k, v)| existing.record.fields.get(k).is_some_and(|e| e.v == v.v)));
                if same {
                    report.already += 1;
                    continue;
                }
                record.created = existing.record.created;
                record.init = existing.record.init.clone();
            }
            if self.apply_record(profile, record, now)? {
                report.placed += 1;
            } else {
                report.already += 1;
            }
        }
        Ok(report)
    }

    /// The library's book an annotation set is about: by sha256, then ISBN or other identifier,
    /// then exact title.
    fn book_of_set(&self, about: &w3c::About) -> Result<BookId> {
        for id in &about.identifiers {
            if let Some(hex) = id.strip_prefix("urn:sha256:")
                && let Ok(book) = BookId::parse(hex)
                && self.with_db(|c| crate::db::books::exists(c, &book))?
            {
                return Ok(book);
            }
        }
        let books = self.books()?;
        for summary in &books {
            let book = self.book(&summary.id)?;
            let ours = book.identifiers.iter().map(|i| normalise_identifier(&i.value));
            let theirs: Vec<String> = about.identifiers.iter().map(|i| normalise_identifier(i)).collect();
            if ours.into_iter().any(|o| !o.is_empty() && theirs.contains(&o)) {
                return Ok(summary.id.clone());
            }
        }
        if let Some(title) = &about.title
            && let Some(summary) = books.iter().find(|b| b.title.trim() == title.trim())
        {
            return Ok(summary.id.clone());
        }
        Err(Error::BadAnnotationFile(format!(
            "its book ({}) is not in the library; add the book first",
            about.title.as_deref().unwrap_or("untitled")
        )))
    }

    /// The anchor checked against this edition's text: kept when its quote is where it says,
    /// moved when the quote is found elsewhere, refused (with the reason) when it is nowhere.
    fn place_again(
        &self,
        book: &Book,
        anchor: Anchor,
        page_texts: &mut Option<Vec<String>>,
    ) -> std::result::Result<Anchor, String> {
        let pages = book.summary.pages.unwrap_or(0);
        let sections = book.spine.len();
        match anchor {
            Anchor::Place { page, .. } => {
                let count = if book.summary.format == Format::Pdf { pages } else { sections.max(pages) };
                if page < count {
                    Ok(anchor)
                } else {
                    Err(format!("page {} is beyond the end of this edition ({count})", page + 1))
                }
            }
            Anchor::Pdf { page, start, quote, .. } => {
                if book.summary.format != Format::Pdf {
                    return Err("a PDF annotation cannot go in an EPUB".into());
                }
                // The page where the quote's context matches best; the nearest among equals.
                if page_texts.is_none() {
                    let count = book.summary.pages.unwrap_or(0);
                    let texts = (0..count)
                        .map(|p| self.with_db(|c| crate::db::texts::text_of(c, &book.summary.id, p)))
                        .collect::<Result<Vec<_>>>()
                        .map_err(|e| e.to_string())?;
                    *page_texts = Some(texts);
                }
                let texts = page_texts.as_deref().unwrap_or_default();
                let candidates = pages_holding(texts, page, &quote.exact);
                let mut best: Option<(usize, usize, usize, usize, Vec<TextRun>, String)> = None;
                for candidate in candidates {
                    let runs = self.text_layer(&book.summary.id, candidate).map_err(|e| e.to_string())?;
                    let text = annotations::anchor::layer_text(&runs);
                    let hint = (candidate == page).then_some(start);
                    if let Some((s, e, score)) = annotations::anchor::find_quote_scored(&text, &quote, hint) {
                        let better = best.as_ref().is_none_or(|b| {
                            score > b.2 || (score == b.2 && candidate.abs_diff(page) < b.3.abs_diff(page))
                        });
                        if better {
                            best = Some((s, e, score, candidate, runs, text));
                        }
                    }
                }
                if let Some((s, e, _, candidate, runs, text)) = best {
                    let label = book.page_labels.iter().find(|l| l.page == Some(candidate)).map(|l| l.label.clone());
                    return Ok(Anchor::Pdf {
                        page: candidate,
                        label,
                        start: s,
                        end: e,
                        quads: annotations::anchor::quads(&runs, s, e),
                        quote: annotations::anchor::quote_of(&text, s, e),
                    });
                }
                Err(format!("the text \u{201c}{}\u{201d} is not in this edition", short(&quote.exact)))
            }
            Anchor::Epub { section, ref quote, .. } => {
                if book.summary.format != Format::Epub {
                    return Err("an EPUB annotation cannot go in a PDF".into());
                }
                if section >= sections {
                    return Err(format!("chapter {} is beyond the end of this edition", section + 1));
                }
                let text = self
                    .with_db(|c| crate::db::texts::text_of(c, &book.summary.id, section))
                    .map_err(|e| e.to_string())?;
                if annotations::anchor::find_quote(&text, quote, None).is_some() {
                    Ok(anchor)
                } else {
                    Err(format!("the text \u{201c}{}\u{201d} is not in this chapter any more", short(&quote.exact)))
                }
            }
        }
    }
}

/// Pages to look for `exact` on: `page` first, then the pages whose text holds it, nearest first.
fn pages_holding(texts: &[String], page: usize, exact: &str) -> Vec<usize> {
    let mut out = Vec::new();
    if page < texts.len() {
        out.push(page);
    }
    let quote = annotations::Quote { exact: exact.to_owned(), ..annotations::Quote::default() };
    let mut others: Vec<usize> = (0..texts.len())
        .filter(|&p| p != page && annotations::anchor::find_quote(&texts[p], &quote, None).is_some())
        .collect();
    others.sort_by_key(|p| p.abs_diff(page));
    out.extend(others.into_iter().take(5));
    out
}

fn short(text: &str) -> String {
    let mut s: String = text.chars().take(60).collect();
    if text.chars().count() > 60 {
        s.push('…');
    }
    s
}

fn normalise_identifier(id: &str) -> String {
    let lower = id.trim().to_lowercase();
    let bare = lower.strip_prefix("urn:").unwrap_or(&lower);
    let bare = bare.strip_prefix("isbn:").unwrap_or(bare);
    bare.chars().filter(|c| c.is_ascii_alphanumeric()).collect()
}

/// A live record of the profile, or `AnnotationNotFound`.
fn live(conn: &rusqlite::Connection, profile: &str, id: uuid::Uuid) -> Result<Stored> {
    rows::get(conn, profile, id)?
        .filter(|s| s.record.del.is_none())
        .ok_or_else(|| Error::AnnotationNotFound(id.to_string()))
}

fn write(conn: &rusqlite::Connection, profile: &str, s: &Stored) -> Result<()> {
    let anchor: Option<Anchor> = s.record.init.get("anchor").and_then(|a| Anchor::deserialize(a).ok());
    let (place, ord) = anchor.map_or((0, 0), |a| (a.place(), a.ord()));
    rows::put(conn, profile, s, place, ord, &annotations::search_text(&s.record))
}

/// The annotations of a PDF as marks for the engine to write into a copy.
fn pdf_marks(book: &Book, list: &[Annotation], author: &str) -> Vec<cartable_pdf::Mark> {
    use cartable_pdf::{Mark, MarkKind, Rect};
    let rect = |q: &annotations::Rect| Rect { left: q[0], top: q[1], right: q[2], bottom: q[3] };
    let notes_on = |id: uuid::Uuid| {
        list.iter()
            .filter(|n| n.kind == Kind::Note && n.highlight == Some(id))
            .filter_map(|n| n.text.clone())
            .collect::<Vec<_>>()
            .join("\n\n")
    };
    let count = book.summary.pages.unwrap_or(0);
    let mut marks = Vec::new();
    for a in list {
        if a.anchor.place() >= count {
            continue;
        }
        let page = a.anchor.place();
        let mark = match (&a.kind, &a.anchor) {
            (Kind::Highlight, Anchor::Pdf { quads, .. }) => {
                let quads = quads.iter().map(rect).collect();
                let underline = a.style == Some(annotations::Style::Underline);
                let note = notes_on(a.id);
                Mark {
                    page,
                    kind: if underline { MarkKind::Underline { quads } } else { MarkKind::Highlight { quads } },
                    color: highlight_rgb(a.color.as_deref()),
                    opacity: if underline { 1.0 } else { 0.4 },
                    contents: (!note.is_empty()).then_some(note),
                    author: Some(author.to_owned()),
                }
            }
            (Kind::Note, anchor) if a.highlight.is_none() => {
                let (x, y) = match anchor {
                    Anchor::Place { x: Some(x), y: Some(y), .. } => (*x, *y),
                    Anchor::Pdf { quads, .. } => quads.first().map_or((0.05, 0.05), |q| (q[2], q[1])),
                    _ => (0.05, 0.05),
                };
                Mark {
                    page,
                    kind: MarkKind::Note { x, y },
                    color: [255, 204, 0],
                    opacity: 1.0,
                    contents: a.text.clone(),
                    author: Some(author.to_owned()),
                }
            }
            (Kind::Ink, _) => {
                let Some(ink) = &a.ink else { continue };
                let highlighter = ink.tool == annotations::Tool::Highlighter;
                Mark {
                    page,
                    kind: MarkKind::Ink {
                        strokes: vec![ink.points().iter().map(|p| (p[0], p[1])).collect()],
                        width: ink.width,
                    },
                    color: hex_rgb(&ink.color),
                    opacity: if highlighter { 0.4 } else { 1.0 },
                    contents: None,
                    author: Some(author.to_owned()),
                }
            }
            _ => continue,
        };
        marks.push(mark);
    }
    marks
}

fn highlight_rgb(name: Option<&str>) -> [u8; 3] {
    match name {
        Some("green") => [120, 220, 120],
        Some("blue") => [110, 180, 255],
        Some("pink") => [255, 140, 200],
        _ => [255, 230, 0],
    }
}

fn hex_rgb(hex: &str) -> [u8; 3] {
    let channel = |i: usize| hex.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()).unwrap_or(0);
    [channel(1), channel(3), channel(5)]
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicI64, Ordering};

    use proptest::prelude::*;
    use serde_json::json;

    use super::*;
    use crate::annotations::record::Stamped;
    use crate::clock::Hlc;
    use crate::clock::tests::FakeClock;

    fn open(clock: Arc<FakeClock>) -> (tempfile::TempDir, Library) {
        let dir = tempfile::tempdir().expect("tmp");
        let options = crate::Options { clock, pdfium: None, seed: Vec::new() };
        let library = Library::open(dir.path(), options).expect("open");
        (dir, library)
    }

    fn hlc(ms: u64, node: u64) -> Hlc {
        Hlc { ms, counter: 0, node }
    }

    /// Versions of one highlight as three devices wrote them: colour changes, a deletion, and a
    /// colour change stamped after the deletion.
    fn versions() -> Vec<Record> {
        let base = Record {
            kind: Kind::Highlight,
            id: uuid::Uuid::from_u128(42),
            book_key: "sha256:ab".into(),
            init: json!({"anchor": {"type": "place", "page": 3, "loc": "page:3", "label": null}}),
            created: hlc(5, 1),
            fields: BTreeMap::new(),
            blob: None,
            del: None,
        };
        let style = |color: &str, t: Hlc| {
            let mut r = base.clone();
            r.fields.insert("style".into(), Stamped { v: json!({"color": color, "type": "highlight"}), t });
            r
        };
        let mut deleted = style("yellow", hlc(10, 1));
        deleted.tombstone(hlc(15, 2));
        vec![style("yellow", hlc(10, 1)), style("green", hlc(20, 2)), deleted, style("pink", hlc(30, 3))]
    }

    fn stored(library: &Library, profile: &str) -> Option<Record> {
        library.with_db(|c| rows::get(c, profile, uuid::Uuid::from_u128(42))).expect("read").map(|s| s.record)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(16))]
        #[test]
        fn records_applied_in_any_order_any_number_of_times_end_in_one_state(
            order in prop::collection::vec(0usize..4, 0..12),
        ) {
            let all = versions();
            let (_a, reference) = open(Arc::new(FakeClock(AtomicI64::new(1_000))));
            let me = reference.default_profile().expect("profile").id;
            for v in &all {
                reference.apply_record(&me, v.clone(), 1).expect("apply");
            }
            let expected = stored(&reference, &me).expect("stored");
            let (_b, other) = open(Arc::new(FakeClock(AtomicI64::new(1_000))));
            let her = other.default_profile().expect("profile").id;
            for i in order.iter().chain(&[3, 2, 1, 0]) {
                other.apply_record(&her, all[*i].clone(), 1).expect("apply");
            }
            prop_assert_eq!(stored(&other, &her).expect("stored"), expected.clone());
            // The deletion wins over the later colour change: nothing comes back.
            prop_assert!(expected.del.is_some() && expected.fields.is_empty());
        }
    }

    #[test]
    fn a_deleted_annotation_stays_deleted_even_when_the_clock_goes_back() {
        let clock = Arc::new(FakeClock(AtomicI64::new(1_000_000)));
        let (_dir, library) = open(clock.clone());
        let me = library.default_profile().expect("profile").id;
        let fresh = versions().remove(0);
        library.apply_record(&me, fresh, 1).expect("apply");
        library.delete_annotation(&me, uuid::Uuid::from_u128(42)).expect("delete");
        let deleted_at = stored(&library, &me).and_then(|r| r.del).expect("tombstone");
        clock.0.store(10, Ordering::SeqCst);
        let change = Change { color: Some("pink".into()), ..Change::default() };
        let refused = library.update_annotation(&me, uuid::Uuid::from_u128(42), change);
        assert_eq!(refused.expect_err("deleted").code(), "AnnotationNotFound");
        // A write from elsewhere stamped after the deletion does not revive it either.
        let mut late = versions().remove(0);
        late.fields.insert("style".into(), Stamped { v: json!({"color": "blue"}), t: hlc(deleted_at.ms + 60_000, 9) });
        assert!(!library.apply_record(&me, late, 2).expect("apply"), "nothing changes");
        assert!(stored(&library, &me).is_some_and(|r| r.del == Some(deleted_at) && r.fields.is_empty()));
        // The clock went back, yet new stamps still come after everything seen.
        let n: NewAnnotation = serde_json::from_value(json!({
            "kind": "bookmark", "anchor": {"type": "place", "page": 0, "loc": "page:0", "label": null}
        }))
        .expect("new");
        let record = annotations::create(uuid::Uuid::from_u128(7), "sha256:ab", n, library.hlc.stamp(clock.as_ref()))
            .expect("record");
        assert!(record.created > deleted_at, "stamps never go back");
    }
}
