//! Reading a PDF or an EPUB into a [`NewBook`]: metadata, structure and text.

use std::io::Read;
use std::path::Path;

use crate::db::books::NewBook;
use crate::model::{Format, Identifier, Layout, PageLabel, PageSize, Section, Source, TocEntry};
use crate::{BookId, Error, Result, text};

/// Which format the file at `path` is, by its first bytes, else by the extension of `name`
/// (the name the user gave it; the staged copy has none).
pub(crate) fn sniff(path: &Path, name: &Path) -> Result<Format> {
    let extension = name.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let mut head = [0u8; 1024];
    let n = std::fs::File::open(path).and_then(|mut f| f.read(&mut head)).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::FileNotFound { path: path.to_path_buf() },
        _ => Error::Io { context: format!("reading {}", path.display()), source: e },
    })?;
    let head = &head[..n];
    if head.windows(5).any(|w| w == b"%PDF-") {
        return Ok(Format::Pdf);
    }
    if head.starts_with(b"PK\x03\x04") {
        return Ok(Format::Epub);
    }
    // Broken files still get the error of their kind, from the parser of that kind.
    match extension.as_deref() {
        Some("pdf") => Ok(Format::Pdf),
        Some("epub") => Ok(Format::Epub),
        _ => Err(Error::UnsupportedFormat { path: name.to_path_buf() }),
    }
}

/// The parts of a book that come from its content, before it has a place in the library.
pub(crate) struct Content {
    pub format: Format,
    pub title: Option<String>,
    pub authors: Vec<String>,
    pub language: Option<String>,
    pub publisher: Option<String>,
    pub description: Option<String>,
    pub subjects: Vec<String>,
    pub identifiers: Vec<Identifier>,
    pub published: Option<String>,
    pub layout: Layout,
    pub rtl: bool,
    pub page_count: Option<usize>,
    pub section_count: Option<usize>,
    pub cover_path: Option<String>,
    pub pages: Vec<(Option<String>, PageSize)>,
    pub sections: Vec<Section>,
    pub page_targets: Vec<PageLabel>,
    pub toc: Vec<TocEntry>,
    pub texts: Vec<(usize, Option<String>, String)>,
}

impl Content {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn into_new_book(
        self,
        id: BookId,
        fallback_title: String,
        file_path: String,
        file_sha256: String,
        file_size: u64,
        was_protected: bool,
        source: Source,
        added_at: i64,
    ) -> NewBook {
        NewBook {
            id,
            format: self.format,
            title: self.title.unwrap_or(fallback_title),
            authors: self.authors,
            language: self.language,
            publisher: self.publisher,
            description: self.description,
            subjects: self.subjects,
            identifiers: self.identifiers,
            published: self.published,
            layout: self.layout,
            rtl: self.rtl,
            page_count: self.page_count,
            section_count: self.section_count,
            file_path,
            file_sha256,
            file_size,
            cover_path: self.cover_path,
            was_protected,
            source,
            added_at,
            pages: self.pages,
            sections: self.sections,
            page_targets: self.page_targets,
            toc: self.toc,
            texts: self.texts,
        }
    }
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// Titles that authoring tools write when nobody gave one.
fn meaningful_title(title: Option<String>) -> Option<String> {
    let title = non_empty(title)?;
    let lower = title.to_lowercase();
    let junk = ["untitled", "sans titre", "document", "title"].contains(&lower.as_str())
        || lower.starts_with("microsoft word - ")
        || lower.ends_with(".doc")
        || lower.ends_with(".docx")
        || lower.ends_with(".dvi")
        || lower.ends_with(".tex");
    (!junk).then_some(title)
}

fn split_list(value: Option<&str>) -> Vec<String> {
    value
        .map(|v| v.split([';', ',']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect())
        .unwrap_or_default()
}

/// A PDF's content from what the engine read of it.
pub(crate) fn pdf(info: cartable_pdf::DocumentInfo) -> Result<Content> {
    let pages: Vec<(Option<String>, PageSize)> =
        info.pages.iter().map(|p| (p.label.clone(), PageSize { width: p.width, height: p.height })).collect();
    let texts: Vec<(usize, Option<String>, String)> =
        info.texts.iter().enumerate().map(|(i, t)| (i, info.pages[i].label.clone(), text::clean(t))).collect();
    let toc = info
        .outline
        .iter()
        .filter(|e| !e.title.is_empty())
        .map(|e| TocEntry { title: e.title.clone(), depth: e.depth, page: e.page, href: None })
        .collect();
    let authors = info.author.as_deref().map(split_authors).unwrap_or_default();
    let language = non_empty(info.language.clone()).or_else(|| {
        let sample: String = texts_sample(&texts);
        text::guess_language(&sample).map(str::to_owned)
    });
    Ok(Content {
        format: Format::Pdf,
        title: meaningful_title(info.title.clone()).or_else(|| meaningful_title(info.heading.clone())),
        authors,
        language,
        publisher: None,
        description: non_empty(info.subject.clone()),
        subjects: split_list(info.keywords.as_deref()),
        identifiers: Vec::new(),
        published: non_empty(info.created.clone()).map(|d| pdf_date(&d)),
        layout: Layout::Paged,
        rtl: false,
        page_count: Some(pages.len()),
        section_count: None,
        cover_path: None,
        pages,
        sections: Vec::new(),
        page_targets: Vec::new(),
        toc,
        texts,
    })
}

/// The first pages' text, enough to guess a language.
fn texts_sample(texts: &[(usize, Option<String>, String)]) -> String {
    let mut sample = String::new();
    for (_, _, t) in texts {
        sample.push_str(t);
        sample.push('\n');
        if sample.len() > 60_000 {
            break;
        }
    }
    sample
}

fn split_authors(value: &str) -> Vec<String> {
    value
        .split([';', '&'])
        .flat_map(|a| a.split(" and "))
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `D:20230122120000+01'00'` → `2023-01-22`; anything else is kept as written.
fn pdf_date(raw: &str) -> String {
    let digits: String = raw.trim_start_matches("D:").chars().take_while(char::is_ascii_digit).collect();
    match digits.len() {
        n if n >= 8 => format!("{}-{}-{}", &digits[..4], &digits[4..6], &digits[6..8]),
        4 => digits,
        _ => raw.to_owned(),
    }
}

/// Reads an EPUB: metadata, spine, navigation and the text of every spine item.
pub(crate) fn epub(path: &Path) -> Result<Content> {
    let mut book = cartable_epub::open(path)?;
    let meta = book.metadata().clone();
    let items = book.spine().to_vec();
    let spine: Vec<Section> = items
        .iter()
        .map(|s| Section {
            size: book.size_of(&s.href).unwrap_or_default(),
            href: s.href.clone(),
            media_type: s.media_type.clone(),
            linear: s.linear,
            layout: s.layout.map(layout_of),
        })
        .collect();
    let layout = layout_of(book.layout());
    let toc = book
        .toc()
        .iter()
        .map(|t| TocEntry { title: t.title.clone(), depth: t.depth, page: t.spine_index, href: Some(t.href.clone()) })
        .collect();
    let page_targets = book
        .page_list()
        .iter()
        .map(|p| PageLabel { label: p.label.clone(), page: p.spine_index, href: Some(p.href.clone()) })
        .collect();
    let cover_path = book.cover().map(|c| c.href.clone());
    let mut texts = Vec::new();
    for index in 0..spine.len() {
        for chunk in book.section_text(index)? {
            let body = text::clean(&chunk.text);
            if !body.is_empty() {
                texts.push((index, chunk.label, body));
            }
        }
    }
    let count = spine.len();
    Ok(Content {
        format: Format::Epub,
        title: non_empty(Some(meta.title.clone())),
        authors: meta.authors.clone(),
        language: non_empty(meta.language.clone()),
        publisher: non_empty(meta.publisher.clone()),
        description: non_empty(meta.description.clone()),
        subjects: Vec::new(),
        identifiers: meta
            .identifiers
            .iter()
            .map(|i| Identifier { scheme: i.scheme.clone(), value: i.value.clone() })
            .collect(),
        published: non_empty(meta.published.clone()),
        layout,
        rtl: book.direction() == cartable_epub::Direction::Rtl,
        page_count: (layout == Layout::PrePaginated).then_some(count),
        section_count: Some(count),
        cover_path,
        pages: Vec::new(),
        sections: spine,
        page_targets,
        toc,
        texts,
    })
}

fn layout_of(layout: cartable_epub::Layout) -> Layout {
    match layout {
        cartable_epub::Layout::PrePaginated => Layout::PrePaginated,
        cartable_epub::Layout::Reflowable => Layout::Reflowable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_titles_are_not_book_titles() {
        assert_eq!(meaningful_title(Some("Microsoft Word - cours.docx".into())), None);
        assert_eq!(meaningful_title(Some("  ".into())), None);
        assert_eq!(meaningful_title(Some("Mathématiques 6e".into())).as_deref(), Some("Mathématiques 6e"));
    }

    #[test]
    fn pdf_dates_become_iso_days() {
        assert_eq!(pdf_date("D:20230122120000+01'00'"), "2023-01-22");
        assert_eq!(pdf_date("hier"), "hier");
    }

    #[test]
    fn authors_split_on_separators() {
        assert_eq!(split_authors("A. Un; B. Deux & C. Trois"), ["A. Un", "B. Deux", "C. Trois"]);
    }
}
