//! The typesetter of the PDF textbook: sources in a small markup ([`markup`]),
//! figures described in one line ([`figure`]), pages composed ([`compose`],
//! [`flow`]) and written with the crate's PDF writer.
//!
//! The source folder holds `livre.txt` (metadata and the list of chapter files),
//! `credits.txt` and `avant-propos.txt` (front pages), and one file per chapter.

mod compose;
mod figure;
mod flow;
mod front;
mod markup;
mod source;
mod style;
mod text;

use std::path::Path;

use crate::Error;
use crate::pdf::content::Content;
use crate::pdf::document::{self, Document, Info, LabelRange, Numbering, OutlineItem, Page, Target};
use crate::pdf::font::Face;
use compose::Composer;
use flow::{Laid, Mark};
use source::Meta;
use style::{BOTTOM, FOOT_BASELINE, HEAD_BASELINE, LEFT, MEASURE, MUTED, PAGE_HEIGHT, PAGE_WIDTH, TOP};

/// What the builder writes in the `/Creator` and `/Producer` entries.
const CREATOR: &str = "cartable-books";

/// Builds the PDF of the textbook whose sources are in `dir`.
pub(crate) fn build(dir: &Path) -> Result<Vec<u8>, Error> {
    let layout = |message: String| Error::Layout { path: dir.to_owned(), message };
    let meta = source::meta(dir)?;
    let credits = source::blocks(dir, "credits.txt")?;
    let foreword = source::blocks(dir, "avant-propos.txt")?;
    let mut body = Vec::new();
    for name in &meta.chapters {
        body.extend(source::blocks(dir, name)?);
    }
    let mut composer = Composer::new();
    let credits = front::text_page(&mut composer, &credits).map_err(layout)?;
    let foreword = front::text_page(&mut composer, &foreword).map_err(layout)?;
    let units = composer.units(&body, LEFT, MEASURE).map_err(layout)?;
    let laid = flow::paginate(&units, TOP, BOTTOM)
        .map_err(|e| layout(format!("a block of {:.0} pt is taller than a page", e.height)))?;
    let (contents, links) = front::contents(&laid.placed, page_label).map_err(layout)?;
    let outline = outline(&laid);
    let mut pages = vec![page(front::cover(&meta)), page(credits), Page { content: contents, links }, page(foreword)];
    for (i, p) in pages.iter_mut().enumerate() {
        footer(&mut p.content, &page_label(i), MUTED);
    }
    pages.extend(body_pages(laid, &meta.title));
    document::write(&document(&meta, pages, outline))
        .map_err(|e| layout(format!("internal error: PDF object {} was never written", e.0.0)))
}

/// The flowed pages with their running head and printed number.
fn body_pages(laid: Laid, book: &str) -> Vec<Page> {
    let mut pages = Vec::with_capacity(laid.pages.len());
    for (i, flowed) in laid.pages.into_iter().enumerate() {
        let mut content = flowed.content;
        let accent = flowed.chapter.as_ref().map_or(style::BOOK_BLUE, |(n, _)| style::chapter_colour(*n));
        if let (Some((n, title)), false) = (&flowed.chapter, flowed.opener) {
            running_head(&mut content, *n, title, book);
        }
        footer(&mut content, &page_label(front::PAGES + i), accent);
        pages.push(page(content));
    }
    pages
}

fn document(meta: &Meta, pages: Vec<Page>, outline: Vec<OutlineItem>) -> Document {
    Document {
        width: PAGE_WIDTH,
        height: PAGE_HEIGHT,
        lang: meta.lang.clone(),
        info: info(meta),
        pages,
        outline,
        labels: vec![
            LabelRange { first_page: 0, style: Numbering::LowerRoman, start: 1 },
            LabelRange { first_page: front::PAGES, style: Numbering::Decimal, start: 1 },
        ],
    }
}

fn page(content: Content) -> Page {
    Page { content, links: Vec::new() }
}

/// The printed number of a page: i–iv for the front matter, then 1, 2, 3…
fn page_label(index: usize) -> String {
    if index < front::PAGES {
        document::label(Numbering::LowerRoman, index + 1)
    } else {
        document::label(Numbering::Decimal, index - front::PAGES + 1)
    }
}

fn info(meta: &Meta) -> Info {
    Info {
        title: meta.full_title(),
        author: meta.author.clone(),
        subject: meta.subject.clone(),
        keywords: meta.keywords.clone(),
        creator: CREATOR.to_owned(),
        date: meta.pdf_date(),
    }
}

/// Chapter and book title above a thin rule.
fn running_head(c: &mut Content, number: usize, title: &str, book: &str) {
    c.fill_color(MUTED);
    c.text(Face::Regular, 8.5, LEFT, HEAD_BASELINE, &format!("Chapitre {number} · {title}"));
    c.text_right(Face::Oblique, 8.5, LEFT + MEASURE, HEAD_BASELINE, book);
    c.stroke_color(style::chapter_colour(number).tint(0.45));
    c.line_width(0.6);
    c.segment((LEFT, HEAD_BASELINE - 7.0), (LEFT + MEASURE, HEAD_BASELINE - 7.0));
}

/// The printed page number, centred.
fn footer(c: &mut Content, label: &str, colour: crate::pdf::content::Rgb) {
    c.fill_color(colour);
    c.text_centered(Face::Bold, 9.0, PAGE_WIDTH / 2.0, FOOT_BASELINE, label);
}

/// Front pages, then chapters with their sections.
fn outline(laid: &Laid) -> Vec<OutlineItem> {
    let item = |title: &str, page: usize, top: f64| OutlineItem {
        title: title.to_owned(),
        target: Target { page, top },
        children: Vec::new(),
    };
    let mut items = vec![
        item("Couverture", 0, PAGE_HEIGHT),
        item("Table des matières", front::CONTENTS, PAGE_HEIGHT),
        item("Avant-propos", front::FOREWORD, PAGE_HEIGHT),
    ];
    let mut chapters: Vec<OutlineItem> = Vec::new();
    for placed in &laid.placed {
        let page = placed.page + front::PAGES;
        match &placed.mark {
            Mark::Chapter { number, title } => {
                chapters.push(item(&format!("Chapitre {number} : {title}"), page, PAGE_HEIGHT));
            }
            // A little above the heading, so that it is not flush with the window.
            Mark::Section { title } => match chapters.last_mut() {
                Some(chapter) => chapter.children.push(item(title, page, placed.top + 6.0)),
                None => items.push(item(title, page, placed.top + 6.0)),
            },
        }
    }
    items.extend(chapters);
    items
}
