//! The markup of the textbook sources: a few line-based constructs, easy to write
//! in any text editor and to review in a diff.
//!
//! ```text
//! % a comment line
//! # Chapter title                   (one per chapter file, first block)
//! ## Section title
//! A paragraph: consecutive lines are joined. *bold*, _italic_, {3/4} for a
//! stacked fraction, ~ for a no-break space, \* for a literal star.
//! - a bullet item
//! a) a lettered item, as in exercises
//! | header | cells |                (a table: one line per row, first row is the header)
//! @figure kind key=value …          (see `figure`)
//! ::: retenir                       (a framed block: retenir, methode, exemple, exercice)
//! … blocks …
//! :::
//! ```
//!
//! A space before `: ; ! ? »`, after `«`, or between two digits becomes a no-break
//! space by itself, as French typography wants.

use super::figure::Figure;
use super::text::Span;
use crate::pdf::font::{self, Face};

/// A block of the textbook.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Block {
    Chapter(String),
    Section(String),
    Paragraph(Vec<Span>),
    Bullets(Vec<Vec<Span>>),
    /// Items with their own label, such as `a)`.
    Steps(Vec<(String, Vec<Span>)>),
    /// Rows of cells; the first row is the header.
    Table(Vec<Vec<String>>),
    Figure(Figure),
    Framed {
        frame: Frame,
        title: Option<String>,
        body: Vec<Block>,
    },
}

/// The kinds of framed blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Frame {
    /// The key facts of the lesson.
    Retenir,
    /// How to do something, step by step.
    Methode,
    /// A worked example with its solution.
    Exemple,
    /// An exercise, numbered in each chapter.
    Exercice,
}

/// A mistake in the sources, with the line where it is.
#[derive(Debug, PartialEq)]
pub(crate) struct MarkupError {
    pub(crate) line: usize,
    pub(crate) message: String,
}

fn error<T>(line: usize, message: impl Into<String>) -> Result<T, MarkupError> {
    Err(MarkupError { line, message: message.into() })
}

/// Source lines with their numbers, comments removed.
struct Lines<'a> {
    lines: Vec<(usize, &'a str)>,
    pos: usize,
}

impl<'a> Lines<'a> {
    fn peek(&self) -> Option<(usize, &'a str)> {
        self.lines.get(self.pos).copied()
    }

    fn skip_blank(&mut self) {
        while self.peek().is_some_and(|(_, l)| l.trim().is_empty()) {
            self.pos += 1;
        }
    }
}

/// Parses a whole source file.
pub(crate) fn parse(source: &str) -> Result<Vec<Block>, MarkupError> {
    let lines =
        source.lines().enumerate().map(|(i, l)| (i + 1, l.trim_end())).filter(|(_, l)| !l.starts_with('%')).collect();
    let mut lines = Lines { lines, pos: 0 };
    blocks(&mut lines, None)
}

/// Parses blocks until the end of the file, or until the `:::` that closes the
/// frame opened on line `open`.
fn blocks(lines: &mut Lines<'_>, open: Option<usize>) -> Result<Vec<Block>, MarkupError> {
    let mut out = Vec::new();
    loop {
        lines.skip_blank();
        let Some((n, line)) = lines.peek() else {
            return match open {
                Some(start) => error(start, "this ::: block is never closed"),
                None => Ok(out),
            };
        };
        if line.trim() == ":::" {
            lines.pos += 1;
            return match open {
                Some(_) => Ok(out),
                None => error(n, "this ::: closes nothing"),
            };
        }
        out.push(block(lines, n, line, open.is_some())?);
    }
}

fn block(lines: &mut Lines<'_>, n: usize, line: &str, framed: bool) -> Result<Block, MarkupError> {
    if let Some(rest) = line.strip_prefix(":::") {
        lines.pos += 1;
        return frame(lines, n, rest);
    }
    if let Some(title) = line.strip_prefix("## ").or_else(|| line.strip_prefix("# ")) {
        if framed {
            return error(n, "headings cannot sit inside a ::: block");
        }
        lines.pos += 1;
        let title = heading_text(n, title)?;
        return Ok(if line.starts_with("## ") { Block::Section(title) } else { Block::Chapter(title) });
    }
    if let Some(rest) = line.strip_prefix("@figure") {
        lines.pos += 1;
        return Figure::parse(rest).map(Block::Figure).or_else(|message| error(n, message));
    }
    if line.starts_with('|') {
        return table(lines);
    }
    if line.starts_with("- ") {
        return bullets(lines);
    }
    if step_label(line).is_some() {
        return steps(lines);
    }
    paragraph(lines)
}

fn heading_text(n: usize, title: &str) -> Result<String, MarkupError> {
    let title = french_spaces(title.trim());
    match font::unprintable(&title) {
        Some(c) => error(n, format!("« {c} » cannot be printed with the standard PDF fonts")),
        None => Ok(title),
    }
}

fn frame(lines: &mut Lines<'_>, n: usize, rest: &str) -> Result<Block, MarkupError> {
    let rest = rest.trim();
    let (name, title) = rest.split_once(' ').unwrap_or((rest, ""));
    let frame = match name {
        "retenir" => Frame::Retenir,
        "methode" => Frame::Methode,
        "exemple" => Frame::Exemple,
        "exercice" => Frame::Exercice,
        other => return error(n, format!("unknown block « {other} » (retenir, methode, exemple, exercice)")),
    };
    let title = match title.trim() {
        "" => None,
        t => Some(heading_text(n, t)?),
    };
    let body = blocks(lines, Some(n))?;
    Ok(Block::Framed { frame, title, body })
}

/// Whether a line starts a new block rather than continuing a paragraph or an item.
fn starts_block(line: &str) -> bool {
    let t = line.trim();
    t.is_empty()
        || t.starts_with(":::")
        || line.starts_with('#')
        || line.starts_with("@figure")
        || line.starts_with('|')
        || line.starts_with("- ")
        || step_label(line).is_some()
}

/// `a) ` or `12) ` at the start of a line: the label without its space.
fn step_label(line: &str) -> Option<&str> {
    let close = line.find(") ")?;
    let label = &line[..close];
    let short = (1..=2).contains(&label.len());
    (short && label.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())).then(|| &line[..=close])
}

/// Joins the lines of a paragraph or an item, up to the next block.
fn joined(lines: &mut Lines<'_>, first: &str) -> (usize, String) {
    let (n, _) = lines.peek().unwrap_or((0, ""));
    lines.pos += 1;
    let mut text = first.trim().to_owned();
    while let Some((_, line)) = lines.peek().filter(|(_, l)| !starts_block(l)) {
        text.push(' ');
        text.push_str(line.trim());
        lines.pos += 1;
    }
    (n, text)
}

fn paragraph(lines: &mut Lines<'_>) -> Result<Block, MarkupError> {
    let (_, first) = lines.peek().unwrap_or((0, ""));
    let (n, text) = joined(lines, first);
    inline(n, &text).map(Block::Paragraph)
}

fn bullets(lines: &mut Lines<'_>) -> Result<Block, MarkupError> {
    let mut items = Vec::new();
    while let Some((_, line)) = lines.peek() {
        let Some(rest) = line.strip_prefix("- ") else { break };
        let (n, text) = joined(lines, rest);
        items.push(inline(n, &text)?);
    }
    Ok(Block::Bullets(items))
}

fn steps(lines: &mut Lines<'_>) -> Result<Block, MarkupError> {
    let mut items = Vec::new();
    while let Some((_, line)) = lines.peek() {
        let Some(label) = step_label(line) else { break };
        let (n, text) = joined(lines, &line[label.len()..]);
        items.push((label.to_owned(), inline(n, &text)?));
    }
    Ok(Block::Steps(items))
}

fn table(lines: &mut Lines<'_>) -> Result<Block, MarkupError> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    while let Some((n, line)) = lines.peek().filter(|(_, l)| l.starts_with('|')) {
        lines.pos += 1;
        let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
        let cells: Vec<String> = inner.split('|').map(|c| french_spaces(c.trim())).collect();
        if let Some(c) = cells.iter().find_map(|cell| font::unprintable(cell)) {
            return error(n, format!("« {c} » cannot be printed with the standard PDF fonts"));
        }
        if rows.first().is_some_and(|first| first.len() != cells.len()) {
            return error(n, "every row of a table needs the same number of cells");
        }
        rows.push(cells);
    }
    Ok(Block::Table(rows))
}

/// Units that stay on the line of their number.
const UNITS: [&str; 20] = [
    "mm", "cm", "dm", "m", "dam", "hm", "km", "cm²", "m²", "km²", "g", "kg", "L", "cL", "mL", "h", "min", "s", "€", "%",
];

/// Turns into no-break spaces the spaces that French typography keeps with a
/// neighbour: before `: ; ! ? »`, after `«`, inside `12 500`, between a number
/// and its unit, and before an operator, so that a line never starts with `=`.
pub(crate) fn french_spaces(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let glue = |i: usize| {
        let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied().unwrap_or(' ');
        let next = chars.get(i + 1).copied().unwrap_or(' ');
        let after = chars.get(i + 2).copied().unwrap_or(' ');
        let word: String =
            chars[i + 1..].iter().take_while(|c| c.is_alphabetic() || matches!(c, '²' | '€' | '%')).collect();
        matches!(next, ':' | ';' | '!' | '?' | '»' | '=' | '+' | '×' | '÷' | '<' | '>')
            || (next == '-' && after == ' ')
            || prev == '«'
            || (prev.is_ascii_digit() && next.is_ascii_digit())
            || (prev.is_ascii_digit() && UNITS.contains(&word.as_str()))
    };
    chars.iter().enumerate().map(|(i, &c)| if c == ' ' && glue(i) { '\u{A0}' } else { c }).collect()
}

/// Parses inline markup: `*bold*`, `_italic_`, `{a/b}`, `~`, `\x`.
pub(crate) fn inline(n: usize, text: &str) -> Result<Vec<Span>, MarkupError> {
    let text = french_spaces(text);
    let mut spans = Vec::new();
    let mut face = Face::Regular;
    let mut current = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '*' | '_' => {
                let marked = if c == '*' { Face::Bold } else { Face::Oblique };
                let next = match face {
                    Face::Regular => marked,
                    f if f == marked => Face::Regular,
                    _ => return error(n, "bold and italic cannot be nested"),
                };
                flush(&mut spans, face, &mut current);
                face = next;
            }
            '{' => {
                let inside: String = chars.by_ref().take_while(|&c| c != '}').collect();
                let Some((num, den)) = inside.split_once('/') else {
                    return error(n, format!("{{{inside}}} is not a fraction {{a/b}}"));
                };
                flush(&mut spans, face, &mut current);
                spans.push(Span::Fraction { num: num.trim().to_owned(), den: den.trim().to_owned() });
            }
            '~' => current.push('\u{A0}'),
            '\\' => current.extend(chars.next()),
            c if font::encode(c).is_none() => {
                return error(n, format!("« {c} » cannot be printed with the standard PDF fonts"));
            }
            c => current.push(c),
        }
    }
    if face != Face::Regular {
        return error(n, "a * or _ is never closed");
    }
    flush(&mut spans, face, &mut current);
    Ok(spans)
}

fn flush(spans: &mut Vec<Span>, face: Face, current: &mut String) {
    if !current.is_empty() {
        spans.push(Span::Text { face, text: std::mem::take(current) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_markup_gives_styled_spans_and_fractions() {
        let spans = inline(1, "Un *élève* mange {3/4} du _gâteau_.").expect("valid markup");
        assert_eq!(
            spans,
            vec![
                Span::plain("Un "),
                Span::Text { face: Face::Bold, text: "élève".to_owned() },
                Span::plain(" mange "),
                Span::Fraction { num: "3".to_owned(), den: "4".to_owned() },
                Span::plain(" du "),
                Span::Text { face: Face::Oblique, text: "gâteau".to_owned() },
                Span::plain("."),
            ]
        );
    }

    #[test]
    fn french_spacing_glues_punctuation_and_digit_groups() {
        let cases = [
            ("« Oui » : 12 500 !", "«\u{A0}Oui\u{A0}»\u{A0}: 12\u{A0}500\u{A0}!"),
            ("3 cm et 2 chats", "3\u{A0}cm et 2 chats"),
            ("7 + 2 = 9", "7\u{A0}+ 2\u{A0}= 9"),
            ("à 1 h ?", "à 1\u{A0}h\u{A0}?"),
        ];
        for (text, glued) in cases {
            assert_eq!(french_spaces(text), glued, "{text}");
        }
    }

    #[test]
    fn markup_errors_name_their_line() {
        let cases = [
            ("Un *gras", 1, "never closed"),
            ("\n\nx ≤ y", 3, "cannot be printed"),
            ("::: retenir\nTexte", 1, "never closed"),
            (":::", 1, "closes nothing"),
            ("::: encadre\n:::", 1, "unknown block"),
            ("| a | b |\n| c |", 2, "same number of cells"),
        ];
        for (source, line, message) in cases {
            let e = parse(source).expect_err(source);
            assert_eq!(e.line, line, "{source}");
            assert!(e.message.contains(message), "{source}: {}", e.message);
        }
    }

    #[test]
    fn blocks_are_recognised_by_their_first_characters() {
        let source = "# Titre\n\n## Partie\nUne ligne\nqui continue.\n- un\n- deux\nsuite\n\n::: exercice Calcul\nCalcule :\na) 2 + 2\nb) 3 + 3\n:::\n| x | y |\n| 1 | 2 |\n";
        let blocks = parse(source).expect("valid source");
        assert_eq!(blocks.len(), 6, "{blocks:#?}");
        assert_eq!(blocks[0], Block::Chapter("Titre".to_owned()));
        assert!(matches!(&blocks[3], Block::Bullets(items) if items.len() == 2));
        let Block::Framed { frame, title, body } = &blocks[4] else { panic!("a frame") };
        assert_eq!((*frame, title.as_deref()), (Frame::Exercice, Some("Calcul")));
        assert!(matches!(&body[1], Block::Steps(items) if items.len() == 2));
        assert!(matches!(&blocks[5], Block::Table(rows) if rows.len() == 2));
    }
}
