//! Page content streams: paths, colours and text (ISO 32000-1, 8 and 9).

use std::f64::consts::PI;

use super::font::{self, Face};
use super::object::{escape_literal, real};

/// A colour in the DeviceRGB space, each component between 0 and 1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Rgb(pub(crate) f64, pub(crate) f64, pub(crate) f64);

impl Rgb {
    pub(crate) const WHITE: Rgb = Rgb(1.0, 1.0, 1.0);

    /// The colour mixed with white: `amount` 0 gives white, 1 the colour itself.
    pub(crate) fn tint(self, amount: f64) -> Rgb {
        let mix = |c: f64| 1.0 - (1.0 - c) * amount;
        Rgb(mix(self.0), mix(self.1), mix(self.2))
    }
}

/// A content stream being written. Coordinates are in points from the lower-left
/// corner of the page.
#[derive(Default)]
pub(crate) struct Content {
    bytes: Vec<u8>,
}

impl Content {
    /// An empty content stream.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// The operators written so far.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    fn op(&mut self, operands: &[f64], operator: &str) {
        for x in operands {
            self.bytes.extend_from_slice(real(*x).as_bytes());
            self.bytes.push(b' ');
        }
        self.bytes.extend_from_slice(operator.as_bytes());
        self.bytes.push(b'\n');
    }

    /// Saves the graphics state (`q`).
    pub(crate) fn save(&mut self) {
        self.op(&[], "q");
    }

    /// Restores the graphics state (`Q`).
    pub(crate) fn restore(&mut self) {
        self.op(&[], "Q");
    }

    /// Sets the colour used to fill paths and text.
    pub(crate) fn fill_color(&mut self, c: Rgb) {
        self.op(&[c.0, c.1, c.2], "rg");
    }

    /// Sets the colour used to stroke paths.
    pub(crate) fn stroke_color(&mut self, c: Rgb) {
        self.op(&[c.0, c.1, c.2], "RG");
    }

    /// Sets the stroke width.
    pub(crate) fn line_width(&mut self, width: f64) {
        self.op(&[width], "w");
    }

    /// Round caps and joins, for figures drawn with a pencil look.
    pub(crate) fn round_ends(&mut self) {
        self.op(&[1.0], "J");
        self.op(&[1.0], "j");
    }

    /// Sets a dash pattern; an empty pattern gives solid lines.
    pub(crate) fn dash(&mut self, pattern: &[f64]) {
        let items: Vec<String> = pattern.iter().map(|x| real(*x)).collect();
        let op = format!("[{}] 0 d\n", items.join(" "));
        self.bytes.extend_from_slice(op.as_bytes());
    }

    /// Starts a new subpath.
    pub(crate) fn move_to(&mut self, x: f64, y: f64) {
        self.op(&[x, y], "m");
    }

    /// Adds a straight segment.
    pub(crate) fn line_to(&mut self, x: f64, y: f64) {
        self.op(&[x, y], "l");
    }

    /// Adds a cubic Bézier segment.
    pub(crate) fn curve_to(&mut self, c1: (f64, f64), c2: (f64, f64), end: (f64, f64)) {
        self.op(&[c1.0, c1.1, c2.0, c2.1, end.0, end.1], "c");
    }

    /// Closes the current subpath.
    pub(crate) fn close(&mut self) {
        self.op(&[], "h");
    }

    /// Adds a rectangle subpath.
    pub(crate) fn rect(&mut self, x: f64, y: f64, width: f64, height: f64) {
        self.op(&[x, y, width, height], "re");
    }

    /// Adds a rectangle with rounded corners.
    pub(crate) fn rounded_rect(&mut self, x: f64, y: f64, width: f64, height: f64, radius: f64) {
        let r = radius.min(width / 2.0).min(height / 2.0);
        let k = r * KAPPA;
        let (x1, y1) = (x + width, y + height);
        self.move_to(x + r, y);
        self.line_to(x1 - r, y);
        self.curve_to((x1 - r + k, y), (x1, y + r - k), (x1, y + r));
        self.line_to(x1, y1 - r);
        self.curve_to((x1, y1 - r + k), (x1 - r + k, y1), (x1 - r, y1));
        self.line_to(x + r, y1);
        self.curve_to((x + r - k, y1), (x, y1 - r + k), (x, y1 - r));
        self.line_to(x, y + r);
        self.curve_to((x, y + r - k), (x + r - k, y), (x + r, y));
        self.close();
    }

    /// Adds a full circle.
    pub(crate) fn circle(&mut self, cx: f64, cy: f64, r: f64) {
        self.move_to(cx + r, cy);
        self.arc(cx, cy, r, 0.0, 360.0);
        self.close();
    }

    /// Continues the path along an arc of circle, from angle `from` to angle `to`
    /// (degrees, counter-clockwise from the x axis). The current point must already
    /// be at the start of the arc.
    pub(crate) fn arc(&mut self, cx: f64, cy: f64, r: f64, from: f64, to: f64) {
        let sweep = to - from;
        let pieces = (sweep.abs() / 90.0).ceil().max(1.0);
        let step = sweep / pieces;
        let mut start = from;
        for _ in 0..(pieces as usize) {
            self.arc_piece(cx, cy, r, start, start + step);
            start += step;
        }
    }

    /// One Bézier segment for an arc of at most 90 degrees.
    fn arc_piece(&mut self, cx: f64, cy: f64, r: f64, from: f64, to: f64) {
        let (a, b) = (from * PI / 180.0, to * PI / 180.0);
        let k = 4.0 / 3.0 * ((b - a) / 4.0).tan();
        let (ca, sa, cb, sb) = (a.cos(), a.sin(), b.cos(), b.sin());
        self.curve_to(
            (cx + r * (ca - k * sa), cy + r * (sa + k * ca)),
            (cx + r * (cb + k * sb), cy + r * (sb - k * cb)),
            (cx + r * cb, cy + r * sb),
        );
    }

    /// Adds a pie slice, from the centre, for fraction discs and angle marks.
    pub(crate) fn sector(&mut self, cx: f64, cy: f64, r: f64, from: f64, to: f64) {
        self.move_to(cx, cy);
        let a = from * PI / 180.0;
        self.line_to(cx + r * a.cos(), cy + r * a.sin());
        self.arc(cx, cy, r, from, to);
        self.close();
    }

    /// Strokes the current path.
    pub(crate) fn stroke(&mut self) {
        self.op(&[], "S");
    }

    /// Fills the current path.
    pub(crate) fn fill(&mut self) {
        self.op(&[], "f");
    }

    /// Fills then strokes the current path.
    pub(crate) fn fill_stroke(&mut self) {
        self.op(&[], "B");
    }

    /// A straight line, stroked.
    pub(crate) fn segment(&mut self, from: (f64, f64), to: (f64, f64)) {
        self.move_to(from.0, from.1);
        self.line_to(to.0, to.1);
        self.stroke();
    }

    /// Writes a run of text with its baseline starting at (`x`, `y`), in the current
    /// fill colour. Characters outside WinAnsi are printed as `?`: callers check
    /// their text with [`font::unprintable`] first.
    pub(crate) fn text(&mut self, face: Face, size: f64, x: f64, y: f64, text: &str) {
        let head = format!("BT /{} {} Tf 1 0 0 1 {} {} Tm (", face.resource(), real(size), real(x), real(y));
        self.bytes.extend_from_slice(head.as_bytes());
        let encoded: Vec<u8> = text.chars().map(|c| font::encode(c).unwrap_or(b'?')).collect();
        escape_literal(&encoded, &mut self.bytes);
        self.bytes.extend_from_slice(b") Tj ET\n");
    }

    /// Text centred on `x`.
    pub(crate) fn text_centered(&mut self, face: Face, size: f64, x: f64, y: f64, text: &str) {
        let width = font::text_width(face, size, text);
        self.text(face, size, x - width / 2.0, y, text);
    }

    /// Text ending at `x`.
    pub(crate) fn text_right(&mut self, face: Face, size: f64, x: f64, y: f64, text: &str) {
        let width = font::text_width(face, size, text);
        self.text(face, size, x - width, y, text);
    }

    /// Starts a marked-content sequence whose extracted text is `actual`: used for
    /// stacked fractions, so that copy and search see `3/4`.
    pub(crate) fn begin_actual_text(&mut self, actual: &str) {
        self.bytes.extend_from_slice(b"/Span <</ActualText (");
        escape_literal(actual.as_bytes(), &mut self.bytes);
        self.bytes.extend_from_slice(b")>> BDC\n");
    }

    /// Ends a marked-content sequence.
    pub(crate) fn end_marked(&mut self) {
        self.op(&[], "EMC");
    }
}

/// The Bézier control distance for a quarter circle of radius 1.
const KAPPA: f64 = 0.552_284_749_8;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_encoded_in_win_ansi_with_octal_escapes() {
        let mut content = Content::new();
        content.text(Face::Bold, 12.0, 10.0, 20.5, "Élève (1)");
        let written = String::from_utf8_lossy(content.bytes()).into_owned();
        assert_eq!(written, "BT /F2 12 Tf 1 0 0 1 10 20.5 Tm (\\311l\\350ve \\(1\\)) Tj ET\n");
    }

    #[test]
    fn a_full_circle_is_four_bezier_pieces() {
        let mut content = Content::new();
        content.circle(0.0, 0.0, 10.0);
        let written = String::from_utf8_lossy(content.bytes()).into_owned();
        assert_eq!(written.matches(" c\n").count(), 4, "one piece per quadrant");
        assert!(written.contains("10 0 c"), "the circle ends where it started");
    }
}
