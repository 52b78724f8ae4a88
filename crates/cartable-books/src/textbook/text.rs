//! Inline text: styled spans, stacked fractions, greedy line breaking and drawing.
//!
//! Lines are set ragged right, which reads best for children and never needs
//! hyphenation. Breaks happen only at ordinary spaces; a no-break space (written
//! `~` in the sources) glues its neighbours.

use crate::pdf::content::{Content, Rgb};
use crate::pdf::font::{self, Face};

/// A piece of inline content, as written in the sources.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Span {
    /// Text in one face. May contain spaces.
    Text { face: Face, text: String },
    /// A stacked fraction such as 3/4.
    Fraction { num: String, den: String },
}

#[cfg(test)]
impl Span {
    /// Plain text in the regular face.
    pub(crate) fn plain(text: &str) -> Span {
        Span::Text { face: Face::Regular, text: text.to_owned() }
    }
}

/// An unbreakable piece of a line.
#[derive(Clone, Debug, PartialEq)]
enum Atom {
    Text { face: Face, text: String },
    Fraction { num: String, den: String },
}

/// A word: atoms with no breakable space between them.
#[derive(Clone, Debug, Default)]
struct Word {
    atoms: Vec<Atom>,
}

/// A laid-out line: atoms with their x offset from the start of the line.
#[derive(Clone, Debug)]
pub(crate) struct Line {
    pieces: Vec<(f64, Atom)>,
    /// The width of the line, in points.
    pub(crate) width: f64,
}

/// A word longer than the measure: the sources must be reworded.
#[derive(Debug)]
pub(crate) struct TooWide(pub(crate) String);

/// Size of fraction digits relative to the text size.
const FRACTION_SCALE: f64 = 0.72;
/// Room on each side of a fraction bar, relative to the text size.
const FRACTION_PAD: f64 = 0.14;

/// Breaks spans into lines no wider than `measure` at `size` points.
pub(crate) fn wrap(spans: &[Span], size: f64, measure: f64) -> Result<Vec<Line>, TooWide> {
    let space = font::text_width(Face::Regular, size, " ");
    let mut lines = Vec::new();
    let mut current: Vec<Word> = Vec::new();
    let mut width = 0.0;
    for word in words(spans) {
        let w = word_width(&word, size);
        if w > measure {
            return Err(TooWide(word_text(&word)));
        }
        let needed = if current.is_empty() { w } else { width + space + w };
        if needed > measure {
            lines.push(set_line(&current, size));
            current.clear();
            width = w;
        } else {
            width = needed;
        }
        current.push(word);
    }
    if !current.is_empty() {
        lines.push(set_line(&current, size));
    }
    Ok(lines)
}

/// Splits spans into words at ordinary spaces.
fn words(spans: &[Span]) -> Vec<Word> {
    let mut words = Vec::new();
    let mut word = Word::default();
    for span in spans {
        match span {
            Span::Fraction { num, den } => word.atoms.push(Atom::Fraction { num: num.clone(), den: den.clone() }),
            Span::Text { face, text } => {
                for (i, part) in text.split(' ').enumerate() {
                    if i > 0 && !word.atoms.is_empty() {
                        words.push(std::mem::take(&mut word));
                    }
                    if !part.is_empty() {
                        word.atoms.push(Atom::Text { face: *face, text: part.to_owned() });
                    }
                }
            }
        }
    }
    if !word.atoms.is_empty() {
        words.push(word);
    }
    words
}

fn atom_width(atom: &Atom, size: f64) -> f64 {
    match atom {
        Atom::Text { face, text } => font::text_width(*face, size, text),
        Atom::Fraction { num, den } => {
            let small = size * FRACTION_SCALE;
            let digits = font::text_width(Face::Regular, small, num).max(font::text_width(Face::Regular, small, den));
            digits + 2.0 * FRACTION_PAD * size
        }
    }
}

fn word_width(word: &Word, size: f64) -> f64 {
    word.atoms.iter().map(|a| atom_width(a, size)).sum()
}

fn word_text(word: &Word) -> String {
    word.atoms
        .iter()
        .map(|atom| match atom {
            Atom::Text { text, .. } => text.clone(),
            Atom::Fraction { num, den } => format!("{num}/{den}"),
        })
        .collect()
}

/// Places words on a line, separated by spaces, merging neighbouring text of the
/// same face so that the content stream holds whole phrases.
fn set_line(words: &[Word], size: f64) -> Line {
    let mut pieces: Vec<(f64, Atom)> = Vec::new();
    let mut x = 0.0;
    for (i, word) in words.iter().enumerate() {
        if i > 0 {
            push_atom(&mut pieces, &mut x, Atom::plain(" "), size);
        }
        for atom in &word.atoms {
            push_atom(&mut pieces, &mut x, atom.clone(), size);
        }
    }
    Line { pieces, width: x }
}

fn push_atom(pieces: &mut Vec<(f64, Atom)>, x: &mut f64, atom: Atom, size: f64) {
    let start = *x;
    *x += atom_width(&atom, size);
    if let (Some((_, Atom::Text { face, text })), Atom::Text { face: f, text: t }) = (pieces.last_mut(), &atom)
        && (face == f || t == " ")
    {
        text.push_str(t);
        return;
    }
    pieces.push((start, atom));
}

impl Atom {
    fn plain(text: &str) -> Atom {
        Atom::Text { face: Face::Regular, text: text.to_owned() }
    }
}

/// Draws a line with its baseline starting at (`x`, `baseline`).
pub(crate) fn draw(content: &mut Content, line: &Line, x: f64, baseline: f64, size: f64, color: Rgb) {
    content.fill_color(color);
    for (dx, atom) in &line.pieces {
        match atom {
            Atom::Text { face, text } => content.text(*face, size, x + dx, baseline, text),
            Atom::Fraction { num, den } => {
                let width = atom_width(atom, size);
                draw_fraction(content, num, den, x + dx, width, baseline, size);
            }
        }
    }
}

/// A stacked fraction: numerator, bar, denominator, with `num/den` as its text.
fn draw_fraction(content: &mut Content, num: &str, den: &str, x: f64, width: f64, baseline: f64, size: f64) {
    let small = size * FRACTION_SCALE;
    let centre = x + width / 2.0;
    let pad = FRACTION_PAD * size * 0.6;
    content.begin_actual_text(&format!("{num}/{den}"));
    content.text_centered(Face::Regular, small, centre, baseline - 0.37 * size, den);
    content.text_centered(Face::Regular, small, centre, baseline + 0.42 * size, num);
    content.rect(x + pad, baseline + 0.285 * size, width - 2.0 * pad, 0.05 * size);
    content.fill();
    content.end_marked();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans() -> Vec<Span> {
        vec![
            Span::plain("Un élève partage "),
            Span::Text { face: Face::Bold, text: "un gâteau".to_owned() },
            Span::plain(" en parts : il en mange "),
            Span::Fraction { num: "3".to_owned(), den: "8".to_owned() },
            Span::plain("."),
        ]
    }

    #[test]
    fn every_line_fits_the_measure() {
        let lines = wrap(&spans(), 10.0, 80.0).expect("no word is wider than 80 pt");
        assert!(lines.len() > 1, "the sentence must wrap");
        for line in &lines {
            assert!(line.width <= 80.0, "a line of {} pt overflows", line.width);
        }
    }

    #[test]
    fn no_break_space_keeps_words_together() {
        let glued = vec![Span::plain("a 12\u{A0}cm")];
        let lines = wrap(&glued, 10.0, 30.0).expect("12 cm is about 27 pt wide");
        assert_eq!(lines.len(), 2, "the break falls before 12, not before cm");
        let a = font::text_width(Face::Regular, 10.0, "a");
        assert!((lines[0].width - a).abs() < 1e-9, "the first line holds only « a »");
    }

    #[test]
    fn a_word_wider_than_the_measure_is_an_error() {
        let long = vec![Span::plain("anticonstitutionnellement")];
        assert!(wrap(&long, 12.0, 40.0).is_err());
    }

    #[test]
    fn fraction_is_followed_by_its_punctuation_without_space() {
        let lines = wrap(&spans(), 10.0, 1000.0).expect("fits");
        let text: Vec<String> = lines[0]
            .pieces
            .iter()
            .map(|(_, a)| match a {
                Atom::Text { text, .. } => text.clone(),
                Atom::Fraction { num, den } => format!("[{num}/{den}]"),
            })
            .collect();
        assert_eq!(
            text,
            vec!["Un élève partage ", "un gâteau ", "en parts : il en mange ", "[3/8]", "."],
            "a space goes with the text before it, so the bold run ends with it"
        );
    }
}
