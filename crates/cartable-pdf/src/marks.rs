//! A pupil's marks (highlights, underlines, sticky notes, ink) as real PDF annotations.
//!
//! The reader stores marks in fractions of the page as it shows it; this module turns them into
//! annotations in PDF user space ([`place`]), which [`crate::annotate`] writes with PDFium into
//! a copy of the document. Every annotation carries its own appearance stream (see
//! [`appearance`]), so that every viewer draws the same thing.
//!
//! Handled: the page's CropBox clipped to its MediaBox, wherever its origin, and /Rotate in
//! quarter turns (a mark lands where the reader showed it, and a highlight's quad points follow
//! the text as shown). Known limits, checked with PDFium, MuPDF 1.21 and Poppler 22.12:
//! - on a turned page, Poppler draws the note icon turned (it treats sticky notes as NoRotate
//!   and undoes the turn we drew it upright with); PDFium and MuPDF show it upright;
//! - PDFium writes the annotation dictionaries inline in /Annots rather than as indirect
//!   objects; every viewer tried reads them, but a strict PDF 1.7 checker will complain;
//! - a highlight's translucency uses blend mode Normal (see [`appearance`]);
//! - no /Popup annotation is written: viewers show /Contents on their own.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use pdfium_render::prelude::*;

use crate::Error;

/// A rectangle in fractions of the page (0 = left/top, 1 = right/bottom), as the reader lays it out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub left: f32,
    pub top: f32,
    pub right: f32,
    pub bottom: f32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum MarkKind {
    /// Text highlighted: one rectangle per line.
    Highlight {
        quads: Vec<Rect>,
    },
    Underline {
        quads: Vec<Rect>,
    },
    /// A sticky note at a point (fractions of the page).
    Note {
        x: f32,
        y: f32,
    },
    /// Freehand strokes; points in fractions of the page; width in fractions of the page width.
    Ink {
        strokes: Vec<Vec<(f32, f32)>>,
        width: f32,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    /// 0-based.
    pub page: usize,
    pub kind: MarkKind,
    /// RGB.
    pub color: [u8; 3],
    /// 0..1 (highlighter ink and highlights are translucent).
    pub opacity: f32,
    /// The note text shown in the popup (highlight with a note, sticky note).
    pub contents: Option<String>,
    /// The pupil's profile name, written as /T.
    pub author: Option<String>,
}

/// An annotation found on a page, as PDFium reads it back.
#[derive(Debug, Clone, PartialEq)]
pub struct AnnotationFacts {
    /// The PDF /Subtype name: `Highlight`, `Underline`, `Text` (a sticky note), `Ink`, `Link`…
    pub subtype: String,
    /// /Contents.
    pub contents: Option<String>,
    /// /T.
    pub author: Option<String>,
}

/// The annotations of page `index`, in the order of its /Annots.
pub(crate) fn read(doc: &PdfDocument, index: usize) -> Result<Vec<AnnotationFacts>, Error> {
    let page = crate::engine::checked_page(doc, index)?;
    let non_empty = |s: Option<String>| s.filter(|s| !s.is_empty());
    Ok(page
        .annotations()
        .iter()
        .map(|a| AnnotationFacts {
            subtype: subtype_name(a.annotation_type()).to_owned(),
            contents: non_empty(a.contents()),
            author: non_empty(a.creator()),
        })
        .collect())
}

fn subtype_name(t: PdfPageAnnotationType) -> &'static str {
    use PdfPageAnnotationType as T;
    match t {
        T::Text => "Text",
        T::Link => "Link",
        T::FreeText => "FreeText",
        T::Line => "Line",
        T::Square => "Square",
        T::Circle => "Circle",
        T::Polygon => "Polygon",
        T::Polyline => "PolyLine",
        T::Highlight => "Highlight",
        T::Underline => "Underline",
        T::Squiggly => "Squiggly",
        T::Strikeout => "StrikeOut",
        T::Stamp => "Stamp",
        T::Caret => "Caret",
        T::Ink => "Ink",
        T::Popup => "Popup",
        T::FileAttachment => "FileAttachment",
        T::Sound => "Sound",
        T::Movie => "Movie",
        T::Widget => "Widget",
        T::Screen => "Screen",
        T::PrinterMark => "PrinterMark",
        T::TrapNet => "TrapNet",
        T::Watermark => "Watermark",
        T::ThreeD => "3D",
        T::RichMedia => "RichMedia",
        T::XfaWidget => "XFAWidget",
        T::Redacted => "Redact",
        T::Unknown => "Unknown",
    }
}

/// The side of a sticky note's icon, in points. Viewers draw Text annotations at a fixed size
/// whatever the zoom; 20 pt is the size Acrobat and PDFium give their note icon.
const NOTE_SIZE: f32 = 20.0;
/// A stroke thinner than this (in points) would vanish at reading sizes.
const MIN_INK_WIDTH: f32 = 0.25;

/// A point in PDF user space (points, origin bottom-left of the MediaBox coordinate system).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Point {
    pub x: f32,
    pub y: f32,
}

/// An axis-aligned rectangle in PDF user space.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Area {
    pub left: f32,
    pub bottom: f32,
    pub right: f32,
    pub top: f32,
}

impl Area {
    fn around(points: impl IntoIterator<Item = Point>) -> Option<Area> {
        let mut points = points.into_iter();
        let first = points.next()?;
        let start = Area { left: first.x, bottom: first.y, right: first.x, top: first.y };
        Some(points.fold(start, |a, p| Area {
            left: a.left.min(p.x),
            bottom: a.bottom.min(p.y),
            right: a.right.max(p.x),
            top: a.top.max(p.y),
        }))
    }

    fn grown(self, by: f32) -> Area {
        Area { left: self.left - by, bottom: self.bottom - by, right: self.right + by, top: self.top + by }
    }
}

/// One line of marked text, corners named as the reader sees them, in the order /QuadPoints
/// wants them (upper left, upper right, lower left, lower right of the text).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Quad {
    pub upper_left: Point,
    pub upper_right: Point,
    pub lower_left: Point,
    pub lower_right: Point,
}

impl Quad {
    fn corners(&self) -> [Point; 4] {
        [self.upper_left, self.upper_right, self.lower_left, self.lower_right]
    }
}

/// What a page shows, in user space: the box PDFium renders (its CropBox clipped to its
/// MediaBox, whose origin need not be 0,0) turned by the page's /Rotate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PageBox {
    pub area: Area,
    /// Clockwise quarter turns applied when the page is shown (/Rotate / 90).
    pub quarter_turns: u8,
}

impl PageBox {
    pub(crate) fn of(page: &PdfPage) -> Result<PageBox, PdfiumError> {
        // Despite its name in pdfium-render, `bounding()` is FPDF_GetPageBoundingBox: the
        // CropBox intersected with the MediaBox, the very region that rendering maps to the
        // bitmap, and so the region the reader's fractions are fractions of.
        let b = page.boundaries().bounding()?.bounds;
        let quarter_turns = match page.rotation() {
            Ok(PdfPageRenderRotation::Degrees90) => 1,
            Ok(PdfPageRenderRotation::Degrees180) => 2,
            Ok(PdfPageRenderRotation::Degrees270) => 3,
            // A /Rotate that is not a multiple of 90 is invalid; PDFium renders it unrotated.
            _ => 0,
        };
        Ok(PageBox {
            area: Area {
                left: b.left().value.min(b.right().value),
                bottom: b.bottom().value.min(b.top().value),
                right: b.left().value.max(b.right().value),
                top: b.bottom().value.max(b.top().value),
            },
            quarter_turns,
        })
    }

    /// The user-space point at fractions (`u` across, `v` down) of the page as shown.
    fn point(&self, u: f32, v: f32) -> Point {
        let Area { left, bottom, right, top } = self.area;
        let (w, h) = (right - left, top - bottom);
        // Turning the page clockwise brings another corner of the unrotated box to the top
        // left of the screen, and swaps which user-space axis runs across the screen.
        match self.quarter_turns {
            1 => Point { x: left + v * w, y: bottom + u * h },
            2 => Point { x: right - u * w, y: bottom + v * h },
            3 => Point { x: right - v * w, y: top - u * h },
            _ => Point { x: left + u * w, y: top - v * h },
        }
    }

    /// The width of the page as shown, in points.
    fn shown_width(&self) -> f32 {
        let Area { left, bottom, right, top } = self.area;
        if self.quarter_turns % 2 == 1 { top - bottom } else { right - left }
    }

    fn shown_height(&self) -> f32 {
        let Area { left, bottom, right, top } = self.area;
        if self.quarter_turns % 2 == 1 { right - left } else { top - bottom }
    }

    fn quad(&self, r: &Rect) -> Quad {
        Quad {
            upper_left: self.point(r.left, r.top),
            upper_right: self.point(r.right, r.top),
            lower_left: self.point(r.left, r.bottom),
            lower_right: self.point(r.right, r.bottom),
        }
    }
}

/// The PDF annotation a mark becomes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Shape {
    Highlight(Vec<Quad>),
    Underline(Vec<Quad>),
    /// The icon's square, corners named as shown, so that the icon stands upright on a
    /// turned page too.
    Note(Quad),
    Ink {
        strokes: Vec<Vec<Point>>,
        width: f32,
    },
}

/// A mark placed in user space, ready to be written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Annotation {
    pub page: usize,
    pub shape: Shape,
    pub rect: Area,
    pub color: [u8; 3],
    /// /CA, 0..=255.
    pub alpha: u8,
    pub contents: Option<String>,
    pub author: Option<String>,
}

/// The marks in user space, checked: pages in range, numbers finite, something to draw.
/// Fractions slightly off the page (a stroke that ran past the edge) are pulled back onto it.
pub(crate) fn place(doc: &PdfDocument, marks: &[Mark]) -> Result<Vec<Annotation>, Error> {
    let pages = doc.pages();
    let count = pages.len() as usize;
    // A page is loaded once however many marks it carries.
    let mut boxes: HashMap<usize, PageBox> = HashMap::new();
    let mut out = Vec::with_capacity(marks.len());
    for (index, mark) in marks.iter().enumerate() {
        if mark.page >= count {
            return Err(Error::PageOutOfRange { page: mark.page, count });
        }
        let page = match boxes.entry(mark.page) {
            Entry::Occupied(e) => *e.get(),
            Entry::Vacant(e) => {
                *e.insert(pages.get(mark.page as PdfPageIndex).and_then(|p| PageBox::of(&p)).map_err(|e| {
                    Error::Annotate { message: format!("page {} could not be read: {e}", mark.page + 1) }
                })?)
            }
        };
        out.push(annotation(&page, mark).map_err(|reason| Error::InvalidMark { index, reason })?);
    }
    Ok(out)
}

fn annotation(page: &PageBox, mark: &Mark) -> Result<Annotation, &'static str> {
    if !mark.opacity.is_finite() {
        return Err("its opacity is not a number");
    }
    let (shape, rect) = match &mark.kind {
        MarkKind::Highlight { quads } | MarkKind::Underline { quads } => {
            let quads = quads.iter().map(|r| clamped_rect(r).map(|r| page.quad(&r))).collect::<Result<Vec<_>, _>>()?;
            let rect = Area::around(quads.iter().flat_map(Quad::corners)).ok_or("it marks no text")?;
            let shape = match mark.kind {
                MarkKind::Highlight { .. } => Shape::Highlight(quads),
                _ => Shape::Underline(quads),
            };
            (shape, rect)
        }
        MarkKind::Note { x, y } => {
            let (u, v) = (fraction(*x)?, fraction(*y)?);
            // The icon hangs from the point, as in Acrobat, moved back inside the page when
            // the point is near the right or bottom edge.
            let (du, dv) = (NOTE_SIZE / page.shown_width().max(1.0), NOTE_SIZE / page.shown_height().max(1.0));
            let (u, v) = (u.min(1.0 - du).max(0.0), v.min(1.0 - dv).max(0.0));
            let icon = page.quad(&Rect { left: u, top: v, right: u + du, bottom: v + dv });
            (Shape::Note(icon), Area::around(icon.corners()).ok_or("the note has no place")?)
        }
        MarkKind::Ink { strokes, width } => {
            let width = (finite(*width)?.max(0.0) * page.shown_width()).max(MIN_INK_WIDTH);
            let strokes = strokes
                .iter()
                .filter(|s| !s.is_empty())
                .map(|s| s.iter().map(|&(x, y)| Ok(page.point(fraction(x)?, fraction(y)?))).collect())
                .collect::<Result<Vec<Vec<Point>>, _>>()?;
            // Half the pen sticks out of the path on either side.
            let rect =
                Area::around(strokes.iter().flatten().copied()).ok_or("it has no stroke")?.grown(width / 2.0 + 1.0);
            (Shape::Ink { strokes, width }, rect)
        }
    };
    Ok(Annotation {
        page: mark.page,
        shape,
        rect,
        color: mark.color,
        alpha: (mark.opacity.clamp(0.0, 1.0) * 255.0).round() as u8,
        contents: mark.contents.clone().filter(|c| !c.is_empty()),
        author: mark.author.clone().filter(|a| !a.is_empty()),
    })
}

fn finite(value: f32) -> Result<f32, &'static str> {
    if value.is_finite() { Ok(value) } else { Err("a coordinate is not a number") }
}

fn fraction(value: f32) -> Result<f32, &'static str> {
    finite(value).map(|v| v.clamp(0.0, 1.0))
}

fn clamped_rect(r: &Rect) -> Result<Rect, &'static str> {
    let (l, t, rr, b) = (fraction(r.left)?, fraction(r.top)?, fraction(r.right)?, fraction(r.bottom)?);
    // The reader may give a rectangle dragged right to left or bottom to top.
    Ok(Rect { left: l.min(rr), top: t.min(b), right: l.max(rr), bottom: t.max(b) })
}

/// The normal appearance stream (/AP /N) of an annotation: drawing commands in user space,
/// inside a form whose /BBox is the annotation's /Rect.
///
/// Viewers are asked to synthesise appearances for annotations that lack one, and some do
/// (PDFium, Poppler, MuPDF for these four types), but not all, and each differently; an
/// explicit stream makes the copy look the same everywhere (and PDF 2.0 requires one).
///
/// The opacity is not in here: FPDFAnnot_SetAP adds, when /CA is below 1, an /ExtGState named
/// `GS` with that opacity, which the stream selects. That state has blend mode Normal, and the
/// API offers no other: the text under a highlight is tinted by it rather than left black as a
/// Multiply blend (what viewers synthesise) would leave it. It stays readable at the reader's
/// highlight opacities.
pub(crate) fn appearance(a: &Annotation) -> String {
    let [r, g, b] = a.color.map(|c| f32::from(c) / 255.0);
    let mut s = String::new();
    let gs = if a.alpha < 255 { "/GS gs " } else { "" };
    match &a.shape {
        Shape::Highlight(quads) => {
            s += &format!("{gs}{r:.3} {g:.3} {b:.3} rg\n");
            for q in quads {
                // Lower left → lower right → upper right → upper left: the quad as a closed path,
                // whichever way the page is turned.
                let [ul, ur, ll, lr] = q.corners();
                s += &format!("{} m {} l {} l {} l h f\n", xy(ll), xy(lr), xy(ur), xy(ul));
            }
        }
        Shape::Underline(quads) => {
            s += &format!("{gs}{r:.3} {g:.3} {b:.3} RG\n");
            for q in quads {
                // A line a fourteenth of the line's height thick, just above the bottom of
                // the line's box (which reaches below the baseline, to the descenders).
                let height = distance(q.upper_left, q.lower_left);
                let t = (height / 14.0).max(0.5);
                s +=
                    &format!("{t:.3} w {} m {} l S\n", xy(raised(q, q.lower_left, t)), xy(raised(q, q.lower_right, t)));
            }
        }
        Shape::Note(icon) => {
            // A speech bubble filling the icon's square, with three lines of "text"; `at`
            // takes fractions of the square as shown, from its lower left corner.
            let at = |fx: f32, fy: f32| {
                let (o, across, up) = (icon.lower_left, icon.lower_right, icon.upper_left);
                xy(Point {
                    x: o.x + fx * (across.x - o.x) + fy * (up.x - o.x),
                    y: o.y + fx * (across.y - o.y) + fy * (up.y - o.y),
                })
            };
            s += &format!("{gs}{r:.3} {g:.3} {b:.3} rg 0 0 0 RG 1 w 1 j\n");
            s += &format!(
                "{} m {} l {} l {} l {} l {} l {} l h B\n",
                at(0.05, 0.95),
                at(0.95, 0.95),
                at(0.95, 0.3),
                at(0.45, 0.3),
                at(0.2, 0.05),
                at(0.25, 0.3),
                at(0.05, 0.3)
            );
            for fy in [0.78, 0.62, 0.46] {
                s += &format!("{} m {} l S\n", at(0.2, fy), at(0.8, fy));
            }
        }
        Shape::Ink { strokes, width } => {
            s += &format!("{gs}{r:.3} {g:.3} {b:.3} RG {width:.3} w 1 J 1 j\n");
            for stroke in strokes {
                let Some((first, rest)) = stroke.split_first() else { continue };
                s += &format!("{} m", xy(*first));
                if rest.is_empty() {
                    // A tap: a zero-length segment, which round caps draw as a dot.
                    s += &format!(" {} l", xy(*first));
                }
                for p in rest {
                    s += &format!(" {} l", xy(*p));
                }
                s += " S\n";
            }
        }
    }
    s
}

fn xy(p: Point) -> String {
    format!("{:.2} {:.2}", p.x, p.y)
}

fn distance(a: Point, b: Point) -> f32 {
    ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt()
}

/// `p` moved `by` points toward the top of the line of text `q`, whichever way the page turns.
fn raised(q: &Quad, p: Point, by: f32) -> Point {
    let (top, bottom) = (q.upper_left, q.lower_left);
    let len = distance(top, bottom);
    if len <= f32::EPSILON {
        return p;
    }
    Point { x: p.x + (top.x - bottom.x) / len * by, y: p.y + (top.y - bottom.y) / len * by }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a4(quarter_turns: u8) -> PageBox {
        // A MediaBox that does not start at 0,0, as some imposition tools write them.
        PageBox { area: Area { left: 10.0, bottom: 20.0, right: 610.0, top: 820.0 }, quarter_turns }
    }

    fn close(a: Point, x: f32, y: f32) -> bool {
        (a.x - x).abs() < 1e-3 && (a.y - y).abs() < 1e-3
    }

    #[test]
    fn fractions_map_to_user_space_with_y_flipped_and_the_box_origin_kept() {
        let page = a4(0);
        assert!(close(page.point(0.0, 0.0), 10.0, 820.0), "top left of the screen is the box's top left");
        assert!(close(page.point(1.0, 1.0), 610.0, 20.0), "bottom right of the screen is the box's bottom right");
        assert!(close(page.point(0.5, 0.25), 310.0, 620.0), "y grows downward on screen, upward in PDF");
    }

    #[test]
    fn rotated_pages_map_the_screen_corners_to_the_turned_box() {
        // (turns, where the screen's top left lands, where the screen's top right lands)
        let table =
            [(1, (10.0, 20.0), (10.0, 820.0)), (2, (610.0, 20.0), (10.0, 20.0)), (3, (610.0, 820.0), (610.0, 20.0))];
        for (turns, top_left, top_right) in table {
            let page = a4(turns);
            assert!(close(page.point(0.0, 0.0), top_left.0, top_left.1), "{turns} quarter turns: top left");
            assert!(close(page.point(1.0, 0.0), top_right.0, top_right.1), "{turns} quarter turns: top right");
        }
        assert_eq!(a4(1).shown_width(), 800.0, "a quarter-turned page shows its height across");
    }

    fn mark(kind: MarkKind) -> Mark {
        Mark { page: 0, kind, color: [255, 220, 0], opacity: 0.4, contents: None, author: None }
    }

    #[test]
    fn a_highlight_rect_is_the_union_of_its_lines() {
        let m = mark(MarkKind::Highlight {
            quads: vec![
                Rect { left: 0.1, top: 0.1, right: 0.9, bottom: 0.12 },
                Rect { left: 0.1, top: 0.12, right: 0.5, bottom: 0.14 },
            ],
        });
        let a = annotation(&a4(0), &m).expect("valid");
        assert!((a.rect.left - 70.0).abs() < 1e-3 && (a.rect.right - 550.0).abs() < 1e-3, "{:?}", a.rect);
        assert!((a.rect.top - 740.0).abs() < 1e-3 && (a.rect.bottom - 708.0).abs() < 1e-3, "{:?}", a.rect);
        assert_eq!(a.alpha, 102, "opacity 0.4 is /CA 0.4");
    }

    #[test]
    fn ink_width_is_a_fraction_of_the_shown_width_and_the_rect_holds_the_pen() {
        let m = mark(MarkKind::Ink { strokes: vec![vec![(0.5, 0.5), (0.6, 0.5)]], width: 0.01 });
        let a = annotation(&a4(0), &m).expect("valid");
        let Shape::Ink { width, .. } = a.shape else { panic!("ink") };
        assert!((width - 6.0).abs() < 1e-3, "1% of a 600 pt wide page is 6 pt, got {width}");
        assert!(
            a.rect.left <= 310.0 - 3.0 && a.rect.right >= 370.0 + 3.0,
            "half the pen outside the path: {:?}",
            a.rect
        );
    }

    #[test]
    fn bad_marks_are_refused_and_stray_fractions_pulled_onto_the_page() {
        let page = a4(0);
        assert!(annotation(&page, &mark(MarkKind::Highlight { quads: vec![] })).is_err(), "nothing to highlight");
        assert!(annotation(&page, &mark(MarkKind::Ink { strokes: vec![vec![]], width: 0.01 })).is_err(), "no stroke");
        assert!(annotation(&page, &mark(MarkKind::Note { x: f32::NAN, y: 0.0 })).is_err(), "NaN is not a place");
        let note = annotation(&page, &mark(MarkKind::Note { x: 1.5, y: 1.0 })).expect("clamped");
        assert!(note.rect.right <= 610.0 + 1e-3 && note.rect.bottom >= 20.0 - 1e-3, "the icon stays on the page");
        assert!((note.rect.right - note.rect.left - NOTE_SIZE).abs() < 1e-3, "the icon keeps its size");
    }

    #[test]
    fn appearance_uses_the_opacity_state_only_when_translucent() {
        let mut m = mark(MarkKind::Note { x: 0.5, y: 0.5 });
        assert!(appearance(&annotation(&a4(0), &m).expect("valid")).contains("/GS gs"));
        m.opacity = 1.0;
        assert!(!appearance(&annotation(&a4(0), &m).expect("valid")).contains("gs"), "opaque needs no state");
    }
}
