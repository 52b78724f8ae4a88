//! A book's annotations as Markdown, for a pupil to keep or hand in: grouped by printed page
//! (or chapter), each highlight as a quote with its note under it.

use std::fmt::Write;

use super::{Anchor, Annotation, Kind};
use crate::model::Book;

struct Words {
    by: &'static str,
    page: &'static str,
    chapter: &'static str,
    note: &'static str,
    bookmark: &'static str,
    strokes: &'static str,
    none: &'static str,
}

const FR: Words = Words {
    by: "Annotations de",
    page: "Page",
    chapter: "Chapitre",
    note: "Note",
    bookmark: "Marque-page",
    strokes: "tracé(s) à main levée",
    none: "Aucune annotation.",
};

const EN: Words = Words {
    by: "Annotations by",
    page: "Page",
    chapter: "Chapter",
    note: "Note",
    bookmark: "Bookmark",
    strokes: "freehand stroke(s)",
    none: "No annotations.",
};

/// One line of text made safe to sit inside a Markdown block quote or paragraph.
fn inline(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").replace('<', "&lt;")
}

pub(crate) fn export(book: &Book, list: &[Annotation], author: &str, lang: &str) -> String {
    let w = if lang.starts_with("en") { &EN } else { &FR };
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", inline(&book.summary.title));
    if !book.summary.authors.is_empty() {
        let _ = writeln!(out, "*{}*\n", inline(&book.summary.authors.join(", ")));
    }
    let _ = writeln!(out, "{} {}\n", w.by, inline(author));
    if list.is_empty() {
        let _ = writeln!(out, "{}", w.none);
        return out;
    }
    let heading = |a: &Annotation| -> String {
        let place = a.anchor.place();
        if let Some(label) = a.anchor.label() {
            return format!("{} {}", w.page, label);
        }
        match &a.anchor {
            Anchor::Pdf { .. } => format!("{} {}", w.page, place + 1),
            _ if book.summary.format == crate::model::Format::Pdf => format!("{} {}", w.page, place + 1),
            _ => {
                let toc = book.toc.iter().rev().find(|t| t.page.is_some_and(|p| p <= place)).map(|t| t.title.clone());
                toc.unwrap_or_else(|| format!("{} {}", w.chapter, place + 1))
            }
        }
    };
    let mut current = String::new();
    let mut strokes = 0usize;
    let flush_strokes = |out: &mut String, n: &mut usize| {
        if *n > 0 {
            let _ = writeln!(out, "- ✏️ {n} {}\n", w.strokes);
            *n = 0;
        }
    };
    for a in list {
        let h = heading(a);
        if h != current {
            flush_strokes(&mut out, &mut strokes);
            let _ = writeln!(out, "## {}\n", inline(&h));
            current = h;
        }
        match a.kind {
            Kind::Highlight => {
                if let Some(q) = a.anchor.quote() {
                    let _ = writeln!(out, "> {}\n", inline(&q.exact));
                }
                for note in list.iter().filter(|n| n.kind == Kind::Note && n.highlight == Some(a.id)) {
                    let _ = writeln!(out, "**{}** : {}\n", w.note, inline(note.text.as_deref().unwrap_or_default()));
                }
            }
            Kind::Note if a.highlight.is_none() => {
                let _ = writeln!(out, "**{}** : {}\n", w.note, inline(a.text.as_deref().unwrap_or_default()));
            }
            Kind::Bookmark => {
                let _ = writeln!(out, "- 🔖 {} {}\n", w.bookmark, inline(a.label.as_deref().unwrap_or_default()));
            }
            Kind::Ink => strokes += 1,
            Kind::Note => {}
        }
    }
    flush_strokes(&mut out, &mut strokes);
    out
}
