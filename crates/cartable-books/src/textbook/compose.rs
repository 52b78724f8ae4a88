//! From blocks to units: how each construct of the markup looks on the page.

use super::figure::Figure;
use super::flow::{self, Mark, Unit};
use super::markup::{Block, Frame};
use super::style::{self, ASCENT, BODY_SIZE, INK, LEADING, MUTED, PAGE_HEIGHT, PAGE_WIDTH, PARAGRAPH_GAP, TOP};
use super::text::{self, Line, Span};
use crate::pdf::content::{Content, Rgb};
use crate::pdf::font::{self, Face};

/// Where the text starts on a chapter opener, below the coloured band.
const OPENER_BAND: f64 = 170.0;
const OPENER_GAP: f64 = 26.0;
/// Type sizes of headings.
const SECTION_SIZE: f64 = 14.0;
const CAPTION_SIZE: f64 = 9.0;
const TABLE_ROW: f64 = 20.0;

/// Turns blocks into units, numbering chapters and exercises on the way.
pub(crate) struct Composer {
    chapter: usize,
    exercise: usize,
    accent: Rgb,
}

impl Composer {
    /// A composer before the first chapter; front matter uses the book colour.
    pub(crate) fn new() -> Composer {
        Composer { chapter: 0, exercise: 0, accent: style::BOOK_BLUE }
    }

    /// Units for `blocks` set in a column starting at `x`, `width` wide.
    pub(crate) fn units(&mut self, blocks: &[Block], x: f64, width: f64) -> Result<Vec<Unit>, String> {
        let mut out = Vec::new();
        for block in blocks {
            self.block(block, x, width, &mut out)?;
        }
        Ok(out)
    }

    fn block(&mut self, block: &Block, x: f64, width: f64, out: &mut Vec<Unit>) -> Result<(), String> {
        match block {
            Block::Chapter(title) => out.push(self.chapter(title)?),
            Block::Section(title) => out.push(self.section(title, x, width)?),
            Block::Paragraph(spans) => lines(out, wrap(spans, width)?, x, PARAGRAPH_GAP, None),
            Block::Bullets(items) => {
                for (i, item) in items.iter().enumerate() {
                    let gap = if i == 0 { PARAGRAPH_GAP } else { 2.0 };
                    let marker = Marker { text: "•".to_owned(), face: Face::Bold, colour: self.accent, width: 14.0 };
                    lines(out, wrap(item, width - marker.width)?, x, gap, Some(marker));
                }
            }
            Block::Steps(items) => {
                let indent =
                    items.iter().map(|(label, _)| font::text_width(Face::Bold, BODY_SIZE, label)).fold(0.0, f64::max)
                        + 6.0;
                for (i, (label, item)) in items.iter().enumerate() {
                    let gap = if i == 0 { PARAGRAPH_GAP } else { 2.0 };
                    let marker = Marker { text: label.clone(), face: Face::Bold, colour: INK, width: indent };
                    lines(out, wrap(item, width - indent)?, x, gap, Some(marker));
                }
            }
            Block::Table(rows) => out.push(self.table(rows, x, width)?),
            Block::Figure(figure) => out.push(self.figure(figure, x, width)),
            Block::Framed { frame, title, body } => out.push(self.framed(*frame, title.as_deref(), body, x, width)?),
        }
        Ok(())
    }

    /// The chapter opener: a coloured band across the top of the page.
    fn chapter(&mut self, title: &str) -> Result<Unit, String> {
        self.chapter += 1;
        self.exercise = 0;
        self.accent = style::chapter_colour(self.chapter);
        let number = self.chapter;
        let accent = self.accent;
        let title_size = 26.0;
        if font::text_width(Face::Bold, title_size, title) > style::MEASURE {
            return Err(format!("the chapter title « {title} » is too long for one line"));
        }
        let owned = title.to_owned();
        let band_bottom = PAGE_HEIGHT - OPENER_BAND;
        let paint = Box::new(move |c: &mut Content, _top: f64| {
            c.fill_color(accent);
            c.rect(0.0, band_bottom, PAGE_WIDTH, OPENER_BAND);
            c.fill();
            c.fill_color(accent.tint(0.75));
            for (cx, cy, r) in
                [(PAGE_WIDTH - 70.0, band_bottom + 120.0, 46.0), (PAGE_WIDTH - 140.0, band_bottom + 40.0, 22.0)]
            {
                c.circle(cx, cy, r);
                c.fill();
            }
            c.fill_color(Rgb::WHITE);
            c.text(Face::Bold, 13.0, style::LEFT, band_bottom + 92.0, &format!("CHAPITRE {number}"));
            c.text(Face::Bold, title_size, style::LEFT, band_bottom + 52.0, &owned);
        });
        Ok(Unit {
            mark: Some(Mark::Chapter { number, title: title.to_owned() }),
            ..Unit::new(TOP - (PAGE_HEIGHT - OPENER_BAND - OPENER_GAP), 0.0, paint)
        })
    }

    fn section(&self, title: &str, x: f64, width: f64) -> Result<Unit, String> {
        if font::text_width(Face::Bold, SECTION_SIZE, title) > width - 12.0 {
            return Err(format!("the section title « {title} » is too long for one line"));
        }
        let (accent, owned) = (self.accent, title.to_owned());
        let paint = Box::new(move |c: &mut Content, top: f64| {
            let baseline = top - 18.0;
            c.fill_color(accent);
            c.rect(x, baseline - 1.0, 4.5, 12.0);
            c.fill();
            c.text(Face::Bold, SECTION_SIZE, x + 12.0, baseline, &owned);
        });
        Ok(Unit {
            keep_with_next: true,
            mark: Some(Mark::Section { title: title.to_owned() }),
            ..Unit::new(26.0, 16.0, paint)
        })
    }

    fn figure(&self, figure: &Figure, x: f64, width: f64) -> Unit {
        let drawing = figure.height(width);
        let caption = figure.caption().map(str::to_owned);
        let height = drawing + if caption.is_some() { 18.0 } else { 4.0 };
        let (accent, figure) = (self.accent, figure.clone());
        let paint = Box::new(move |c: &mut Content, top: f64| {
            figure.draw(c, x, top, width, accent);
            if let Some(caption) = &caption {
                c.fill_color(MUTED);
                c.text_centered(Face::Oblique, CAPTION_SIZE, x + width / 2.0, top - drawing - 12.0, caption);
            }
        });
        Unit::new(height, 10.0, paint)
    }

    fn table(&self, rows: &[Vec<String>], x: f64, width: f64) -> Result<Unit, String> {
        let columns = rows.first().map_or(0, Vec::len);
        let mut widths = vec![0.0_f64; columns];
        for (r, row) in rows.iter().enumerate() {
            let face = if r == 0 { Face::Bold } else { Face::Regular };
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = w.max(font::text_width(face, BODY_SIZE - 0.5, cell) + 18.0);
            }
        }
        let total: f64 = widths.iter().sum();
        if total > width {
            return Err(format!("a table is {total:.0} pt wide, more than the {width:.0} pt of the column"));
        }
        let left = x + (width - total) / 2.0;
        let (accent, rows) = (self.accent, rows.to_vec());
        let height = TABLE_ROW * rows.len() as f64;
        let paint = Box::new(move |c: &mut Content, top: f64| {
            c.fill_color(accent.tint(0.16));
            c.rect(left, top - TABLE_ROW, total, TABLE_ROW);
            c.fill();
            for (r, row) in rows.iter().enumerate() {
                let baseline = top - TABLE_ROW * r as f64 - 13.5;
                let face = if r == 0 { Face::Bold } else { Face::Regular };
                let mut cx = left;
                c.fill_color(INK);
                for (w, cell) in widths.iter().zip(row) {
                    c.text_centered(face, BODY_SIZE - 0.5, cx + w / 2.0, baseline, cell);
                    cx += w;
                }
            }
            c.stroke_color(Rgb(0.62, 0.62, 0.66));
            c.line_width(0.6);
            c.rect(left, top - height, total, height);
            let mut cx = left;
            for w in &widths[..widths.len().saturating_sub(1)] {
                cx += w;
                c.move_to(cx, top);
                c.line_to(cx, top - height);
            }
            for r in 1..rows.len() {
                let y = top - TABLE_ROW * r as f64;
                c.move_to(left, y);
                c.line_to(left + total, y);
            }
            c.stroke();
        });
        // A little air below the grid, which has no descenders to space it.
        Ok(Unit::new(height + 6.0, 10.0, paint))
    }

    fn framed(
        &mut self,
        frame: Frame,
        title: Option<&str>,
        body: &[Block],
        x: f64,
        width: f64,
    ) -> Result<Unit, String> {
        let heading = match (frame, title) {
            (Frame::Retenir, None) => "À retenir".to_owned(),
            (Frame::Retenir, Some(t)) => format!("À retenir : {t}"),
            (Frame::Methode, None) => "Méthode".to_owned(),
            (Frame::Methode, Some(t)) => format!("Méthode : {t}"),
            (Frame::Exemple, None) => "Exemple".to_owned(),
            (Frame::Exemple, Some(t)) => format!("Exemple : {t}"),
            (Frame::Exercice, _) => {
                self.exercise += 1;
                format!("Exercice {}", self.exercise)
            }
        };
        let subtitle = if frame == Frame::Exercice { title.map(str::to_owned) } else { None };
        let boxed = frame != Frame::Exercice;
        let (pad_x, pad_top, pad_bottom) = if boxed { (14.0, 10.0, 10.0) } else { (0.0, 0.0, 0.0) };
        let inner = self.units(body, x + pad_x, width - 2.0 * pad_x)?;
        let title_height = 18.0;
        let height = pad_top + title_height + flow::stack_height(&inner) + pad_bottom;
        let accent = self.accent;
        let paint = Box::new(move |c: &mut Content, top: f64| {
            frame_background(c, frame, accent, (x, top - height, width, height));
            let baseline = top - pad_top - 12.5;
            c.fill_color(accent);
            c.text(Face::Bold, BODY_SIZE + 0.5, x + pad_x, baseline, &heading);
            if let Some(sub) = &subtitle {
                let after = x + font::text_width(Face::Bold, BODY_SIZE + 0.5, &heading) + 8.0;
                c.fill_color(MUTED);
                c.text(Face::Oblique, BODY_SIZE, after, baseline, sub);
            }
            flow::paint_stack(&inner, c, top - pad_top - title_height);
        });
        let gap = if boxed { 12.0 } else { 14.0 };
        Ok(Unit::new(height, gap, paint))
    }
}

fn frame_background(c: &mut Content, frame: Frame, accent: Rgb, (x, y, w, h): (f64, f64, f64, f64)) {
    match frame {
        Frame::Retenir => {
            c.fill_color(accent.tint(0.12));
            c.rounded_rect(x, y, w, h, 5.0);
            c.fill();
            c.fill_color(accent);
            c.rect(x, y, 4.0, h);
            c.fill();
        }
        Frame::Methode => {
            c.fill_color(Rgb(0.95, 0.95, 0.96));
            c.rounded_rect(x, y, w, h, 5.0);
            c.fill();
        }
        Frame::Exemple => {
            c.stroke_color(accent);
            c.line_width(0.9);
            c.rounded_rect(x, y, w, h, 5.0);
            c.stroke();
        }
        Frame::Exercice => {}
    }
}

fn wrap(spans: &[Span], width: f64) -> Result<Vec<Line>, String> {
    text::wrap(spans, BODY_SIZE, width - 2.0).map_err(|e| format!("the word « {} » is wider than its column", e.0))
}

/// A bullet or a label in the margin of an item.
struct Marker {
    text: String,
    face: Face,
    colour: Rgb,
    width: f64,
}

/// One unit per line, keeping at least two lines together at the start and at
/// the end of a paragraph.
fn lines(out: &mut Vec<Unit>, set: Vec<Line>, x: f64, gap: f64, marker: Option<Marker>) {
    let count = set.len();
    let indent = marker.as_ref().map_or(0.0, |m| m.width);
    let mut marker = marker;
    for (i, line) in set.into_iter().enumerate() {
        let first = marker.take();
        let paint = Box::new(move |c: &mut Content, top: f64| {
            let baseline = top - ASCENT;
            if let Some(m) = &first {
                c.fill_color(m.colour);
                c.text(m.face, BODY_SIZE, x + 2.0, baseline, &m.text);
            }
            text::draw(c, &line, x + indent, baseline, BODY_SIZE, INK);
        });
        let keep = (i == 0 && count > 1) || (count > 2 && i + 2 == count);
        out.push(Unit { keep_with_next: keep, ..Unit::new(LEADING, if i == 0 { gap } else { 0.0 }, paint) });
    }
}
