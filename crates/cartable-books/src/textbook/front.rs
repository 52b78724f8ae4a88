//! The front matter: cover, credits, table of contents and foreword, printed
//! i to iv.

use super::compose::Composer;
use super::flow::{self, Mark, Placed};
use super::markup::Block;
use super::source::Meta;
use super::style::{self, BOOK_BLUE, BOTTOM, INK, LEFT, MEASURE, MUTED, PAGE_HEIGHT, PAGE_WIDTH};
use crate::pdf::content::{Content, Rgb};
use crate::pdf::document::{Link, Target};
use crate::pdf::font::{self, Face};

/// The number of front pages, printed i to iv.
pub(crate) const PAGES: usize = 4;
/// Front pages in the order they are printed, after the cover.
pub(crate) const CONTENTS: usize = 2;
pub(crate) const FOREWORD: usize = 3;

const HEADING_SIZE: f64 = 24.0;
const HEADING_BASELINE: f64 = 748.0;
/// Where the text of a front page starts, below its heading.
const TEXT_TOP: f64 = 718.0;

const ORANGE: Rgb = Rgb(0.97, 0.60, 0.20);
const YELLOW: Rgb = Rgb(0.99, 0.84, 0.32);
const GREEN: Rgb = Rgb(0.45, 0.82, 0.62);

/// The cover: title, subtitle and level on a blue field with a few shapes from
/// the chapters; author and licence below.
pub(crate) fn cover(meta: &Meta) -> Content {
    let mut c = Content::new();
    let field = 330.0;
    c.fill_color(BOOK_BLUE);
    c.rect(0.0, field, PAGE_WIDTH, PAGE_HEIGHT - field);
    c.fill();
    cover_shapes(&mut c, field);
    c.fill_color(BOOK_BLUE.tint(0.35));
    c.text(Face::Bold, 11.0, LEFT, 790.0, "CARTABLE");
    c.fill_color(Rgb::WHITE);
    c.text(Face::Bold, 40.0, LEFT, 700.0, &meta.title);
    c.text(Face::Regular, 22.0, LEFT, 668.0, &meta.subtitle);
    c.fill_color(YELLOW);
    c.rounded_rect(LEFT, 622.0, font::text_width(Face::Bold, 11.0, &meta.level) + 20.0, 22.0, 11.0);
    c.fill();
    c.fill_color(INK);
    c.text(Face::Bold, 11.0, LEFT + 10.0, 629.5, &meta.level);
    c.fill_color(INK);
    c.text(Face::Bold, 15.0, LEFT, 250.0, &meta.author);
    c.fill_color(MUTED);
    c.text(Face::Regular, 10.5, LEFT, 230.0, &format!("Manuel libre, sous licence {}", meta.licence));
    c.text(Face::Regular, 10.5, LEFT, 214.0, "Leçons, exemples corrigés, exercices et figures");
    c.fill_color(BOOK_BLUE);
    c.rect(LEFT, 270.0, 48.0, 4.0);
    c.fill();
    c
}

/// A fraction disc, a triangle with its angles, a circle and a number line.
fn cover_shapes(c: &mut Content, field: f64) {
    let white = Rgb::WHITE;
    c.save();
    c.round_ends();
    c.stroke_color(white);
    c.line_width(1.6);
    // A disc cut in eight, three parts coloured.
    let (cx, cy, r) = (150.0, field + 150.0, 62.0);
    for k in 0..8 {
        let to = 90.0 - 45.0 * f64::from(k);
        c.fill_color(if k < 3 { ORANGE } else { BOOK_BLUE.tint(0.8) });
        c.sector(cx, cy, r, to - 45.0, to);
        c.fill_stroke();
    }
    // A triangle with coloured angle marks.
    let (a, b, t) = ((268.0, field + 70.0), (452.0, field + 70.0), (352.0, field + 236.0));
    c.fill_color(YELLOW);
    c.sector(a.0, a.1, 26.0, 0.0, 63.2);
    c.fill();
    c.fill_color(GREEN);
    c.sector(b.0, b.1, 26.0, 180.0 - 58.9, 180.0);
    c.fill();
    c.move_to(a.0, a.1);
    c.line_to(b.0, b.1);
    c.line_to(t.0, t.1);
    c.close();
    c.stroke();
    // A circle with its radius.
    c.stroke_color(BOOK_BLUE.tint(0.45));
    c.circle(480.0, field + 220.0, 52.0);
    c.stroke();
    c.segment((480.0, field + 220.0), (480.0 + 36.8, field + 256.8));
    c.fill_color(white);
    c.circle(480.0, field + 220.0, 3.0);
    c.fill();
    // A number line with tenths.
    c.stroke_color(white);
    c.line_width(1.2);
    let y = field + 30.0;
    c.segment((LEFT - 10.0, y), (PAGE_WIDTH - LEFT + 10.0, y));
    for i in 0..=40 {
        let x = LEFT + f64::from(i) * (MEASURE / 40.0);
        let h = if i % 10 == 0 { 7.0 } else { 3.5 };
        c.segment((x, y - h), (x, y + h));
    }
    c.restore();
}

/// A front page with a heading and text flowed from the sources; the first
/// block of the source, `# …`, is the heading.
pub(crate) fn text_page(composer: &mut Composer, blocks: &[Block]) -> Result<Content, String> {
    let (heading, rest) = match blocks.split_first() {
        Some((Block::Chapter(title), rest)) => (title.as_str(), rest),
        _ => return Err("a front page starts with its heading, « # … »".to_owned()),
    };
    let units = composer.units(rest, LEFT, MEASURE)?;
    let laid = flow::paginate(&units, TEXT_TOP, BOTTOM)
        .map_err(|e| format!("a block of {:.0} pt does not fit on the page « {heading} »", e.height))?;
    if laid.pages.len() > 1 {
        return Err(format!("« {heading} » must fit on one page, it takes {}", laid.pages.len()));
    }
    let mut content = laid.pages.into_iter().next().map(|p| p.content).unwrap_or_default();
    front_heading(&mut content, heading);
    Ok(content)
}

fn front_heading(c: &mut Content, heading: &str) {
    c.fill_color(BOOK_BLUE);
    c.text(Face::Bold, HEADING_SIZE, LEFT, HEADING_BASELINE, heading);
    c.rect(LEFT, HEADING_BASELINE - 14.0, 48.0, 3.5);
    c.fill();
}

/// One line of the table of contents.
struct Entry {
    chapter: Option<usize>,
    title: String,
    page: usize,
    top: f64,
}

/// The table of contents, with a link on every line. `placed` are the headings
/// of the body, whose page indexes start after the front matter.
pub(crate) fn contents(placed: &[Placed], label: impl Fn(usize) -> String) -> Result<(Content, Vec<Link>), String> {
    let mut entries = vec![Entry { chapter: None, title: "Avant-propos".to_owned(), page: FOREWORD, top: PAGE_HEIGHT }];
    for p in placed {
        let (chapter, title) = match &p.mark {
            Mark::Chapter { number, title } => (Some(*number), title.clone()),
            Mark::Section { title } => (None, title.clone()),
        };
        let top = if chapter.is_some() { PAGE_HEIGHT } else { p.top + 6.0 };
        entries.push(Entry { chapter, title, page: p.page + PAGES, top });
    }
    let mut c = Content::new();
    front_heading(&mut c, "Table des matières");
    let mut links = Vec::new();
    let mut y = TEXT_TOP - 14.0;
    for (i, entry) in entries.iter().enumerate() {
        let is_heading = entry.chapter.is_some() || i == 0;
        if is_heading && i > 0 {
            y -= 14.0;
        }
        let height = if is_heading { 22.0 } else { 17.0 };
        let page_label = label(entry.page);
        contents_line(&mut c, entry, y, &page_label);
        links.push(Link {
            rect: [LEFT, y - 5.0, LEFT + MEASURE, y + height - 7.0],
            target: Target { page: entry.page, top: entry.top },
        });
        y -= height;
        if y < BOTTOM {
            return Err("the table of contents does not fit on one page".to_owned());
        }
    }
    Ok((c, links))
}

fn contents_line(c: &mut Content, entry: &Entry, y: f64, page_label: &str) {
    let right = LEFT + MEASURE;
    let (face, size, x) = match entry.chapter {
        Some(n) => {
            let colour = style::chapter_colour(n);
            c.fill_color(colour);
            c.rounded_rect(LEFT, y - 4.0, 18.0, 18.0, 4.0);
            c.fill();
            c.fill_color(Rgb::WHITE);
            c.text_centered(Face::Bold, 11.0, LEFT + 9.0, y + 1.0, &n.to_string());
            (Face::Bold, 12.5, LEFT + 28.0)
        }
        None if entry.title == "Avant-propos" => (Face::Bold, 12.5, LEFT),
        None => (Face::Regular, 10.5, LEFT + 28.0),
    };
    c.fill_color(INK);
    c.text(face, size, x, y, &entry.title);
    c.text_right(face, size, right, y, page_label);
    let from = x + font::text_width(face, size, &entry.title) + 6.0;
    let to = right - font::text_width(face, size, page_label) - 6.0;
    if to > from {
        c.save();
        c.stroke_color(MUTED);
        c.line_width(1.0);
        c.round_ends();
        c.dash(&[0.0, 3.5]);
        c.segment((from, y + 1.0), (to, y + 1.0));
        c.restore();
    }
}
