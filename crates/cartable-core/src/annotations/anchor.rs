//! Where an annotation sits, described several ways at once so that it can be found again
//! when the text moves (a new edition, another reader's export): a page or section, character
//! offsets, rectangles, a CFI, and a quote of the text with some of what surrounds it.

use serde::{Deserialize, Serialize};

use crate::textlayer::TextRun;

/// The quoted text and a little of its context (W3C `TextQuoteSelector`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Quote {
    #[serde(default)]
    pub prefix: String,
    pub exact: String,
    #[serde(default)]
    pub suffix: String,
}

/// `[left, top, right, bottom]` in fractions of the page, origin at the top left.
pub type Rect = [f32; 4];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Anchor {
    /// A text range on a PDF page; `start..end` are character offsets in the page's text layer.
    Pdf { page: usize, label: Option<String>, start: usize, end: usize, quads: Vec<Rect>, quote: Quote },
    /// A text range in an EPUB section (spine index), with its CFI range.
    Epub { section: usize, href: String, cfi: String, quote: Quote },
    /// A page (PDF page, fixed-layout EPUB spine index) or a place in an EPUB (`loc` = CFI);
    /// `x`/`y` pin a note to a point of the page.
    Place {
        page: usize,
        loc: String,
        label: Option<String>,
        #[serde(default)]
        x: Option<f32>,
        #[serde(default)]
        y: Option<f32>,
    },
}

/// Longest quote kept, in bytes (sync.md §4.3: quote ≤ 2 KiB).
pub const MAX_QUOTE: usize = 2048;

impl Anchor {
    /// The page or section the anchor is on.
    pub fn place(&self) -> usize {
        match self {
            Anchor::Pdf { page, .. } | Anchor::Place { page, .. } => *page,
            Anchor::Epub { section, .. } => *section,
        }
    }

    /// Its order inside that place.
    pub fn ord(&self) -> usize {
        match self {
            Anchor::Pdf { start, .. } => *start,
            Anchor::Place { y: Some(y), .. } => (y.clamp(0.0, 1.0) * 1e6) as usize,
            _ => 0,
        }
    }

    pub fn quote(&self) -> Option<&Quote> {
        match self {
            Anchor::Pdf { quote, .. } | Anchor::Epub { quote, .. } => Some(quote),
            Anchor::Place { .. } => None,
        }
    }

    pub fn label(&self) -> Option<&str> {
        match self {
            Anchor::Pdf { label, .. } | Anchor::Place { label, .. } => label.as_deref(),
            Anchor::Epub { .. } => None,
        }
    }

    /// Whether the anchor is sound enough to keep; the reason when not.
    pub fn problem(&self) -> Option<&'static str> {
        let too_long = |q: &Quote| q.exact.len() + q.prefix.len() + q.suffix.len() > MAX_QUOTE * 2;
        match self {
            Anchor::Pdf { start, end, quads, quote, .. } => {
                if start > end {
                    Some("the text range ends before it starts")
                } else if quads.len() > 500 || quads.iter().flatten().any(|v| !v.is_finite()) {
                    Some("the highlighted area is not valid")
                } else if too_long(quote) {
                    Some("the quoted text is too long")
                } else {
                    None
                }
            }
            Anchor::Epub { cfi, href, quote, .. } => {
                if !cfi.starts_with("epubcfi(") || cfi.len() > 4096 || href.len() > 1024 {
                    Some("the EPUB location is not a CFI")
                } else if too_long(quote) {
                    Some("the quoted text is too long")
                } else {
                    None
                }
            }
            Anchor::Place { loc, x, y, .. } => {
                if loc.len() > 4096 || [x, y].into_iter().flatten().any(|v| !v.is_finite()) {
                    Some("the place is not valid")
                } else {
                    None
                }
            }
        }
    }
}

/// Finds `quote` in `text` again: the character range (in chars, not bytes) whose surroundings
/// best match the quote's prefix and suffix, the nearest to `hint` among equals. Whitespace
/// differences are ignored; `None` when the exact text is nowhere.
pub fn find_quote(text: &str, quote: &Quote, hint: Option<usize>) -> Option<(usize, usize)> {
    find_quote_scored(text, quote, hint).map(|(s, e, _)| (s, e))
}

/// [`find_quote`], with how many characters of the prefix and suffix matched around it.
pub fn find_quote_scored(text: &str, quote: &Quote, hint: Option<usize>) -> Option<(usize, usize, usize)> {
    let (hay, map) = squeeze(text);
    let (needle, _) = squeeze(&quote.exact);
    if needle.is_empty() {
        return None;
    }
    let (prefix, _) = squeeze(&quote.prefix);
    let (suffix, _) = squeeze(&quote.suffix);
    let mut best: Option<(usize, usize, usize)> = None; // (score, distance, start in hay)
    let hay_chars: Vec<char> = hay.chars().collect();
    let needle_chars: Vec<char> = needle.chars().collect();
    let prefix_chars: Vec<char> = prefix.chars().collect();
    let suffix_chars: Vec<char> = suffix.chars().collect();
    if needle_chars.len() > hay_chars.len() {
        return None;
    }
    for start in 0..=hay_chars.len() - needle_chars.len() {
        if hay_chars[start..start + needle_chars.len()] != needle_chars[..] {
            continue;
        }
        let before = common_suffix(&hay_chars[..start], &prefix_chars);
        let after = common_prefix(&hay_chars[start + needle_chars.len()..], &suffix_chars);
        let score = before + after;
        let at = map.get(start).copied().unwrap_or(start);
        let distance = hint.map_or(0, |h| h.abs_diff(at));
        let better = match best {
            None => true,
            Some((s, d, _)) => score > s || (score == s && distance < d),
        };
        if better {
            best = Some((score, distance, start));
        }
    }
    let (score, _, start) = best?;
    let end = start + needle_chars.len();
    let from = *map.get(start)?;
    let to = map.get(end - 1).map(|i| i + 1)?;
    Some((from, to, score))
}

/// The text with every run of whitespace made one space, and for each kept char its index
/// in the original.
fn squeeze(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len());
    let mut space = false;
    for (i, c) in text.chars().enumerate() {
        if c == '\u{ad}' {
            // A soft hyphen only shows where a word may break.
            continue;
        }
        if c.is_whitespace() {
            if !space {
                out.push(' ');
                map.push(i);
            }
            space = true;
            continue;
        }
        space = false;
        out.push(c);
        map.push(i);
    }
    (out, map)
}

fn common_suffix(a: &[char], b: &[char]) -> usize {
    a.iter().rev().zip(b.iter().rev()).take_while(|(x, y)| x == y).count()
}

fn common_prefix(a: &[char], b: &[char]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// The text of a page's text layer: its runs one after the other, as the reader counts offsets.
pub fn layer_text(runs: &[TextRun]) -> String {
    runs.iter().map(|r| r.text.as_str()).collect()
}

/// The rectangles covering characters `start..end` of a page's text layer, one per run touched.
pub fn quads(runs: &[TextRun], start: usize, end: usize) -> Vec<Rect> {
    let mut out = Vec::new();
    let mut offset = 0;
    for run in runs {
        let len = run.text.chars().count();
        let (from, to) = (start.max(offset), end.min(offset + len));
        if from < to {
            let left =
                if from == offset { run.left } else { run.edges.get(from - offset - 1).copied().unwrap_or(run.left) };
            let right = run.edges.get(to - offset - 1).copied().unwrap_or(run.right);
            out.push([left, run.top, right, run.bottom]);
        }
        offset += len;
    }
    out
}

/// Some characters of context on each side of `start..end` of `text`, for a [`Quote`].
pub fn quote_of(text: &str, start: usize, end: usize) -> Quote {
    const CONTEXT: usize = 32;
    let chars: Vec<char> = text.chars().collect();
    let end = end.min(chars.len());
    let start = start.min(end);
    Quote {
        prefix: chars[start.saturating_sub(CONTEXT)..start].iter().collect(),
        exact: chars[start..end].iter().collect(),
        suffix: chars[end..(end + CONTEXT).min(chars.len())].iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quote(prefix: &str, exact: &str, suffix: &str) -> Quote {
        Quote { prefix: prefix.into(), exact: exact.into(), suffix: suffix.into() }
    }

    #[test]
    fn a_quote_is_found_again_after_the_text_before_it_grew() {
        let old = "Le théorème de Pythagore. Dans un triangle rectangle, le carré de l'hypoténuse…";
        let q = quote_of(old, 26, 52);
        assert_eq!(q.exact, "Dans un triangle rectangle");
        let new = format!("Chapitre 3 (nouvelle édition)\n\n{old}");
        let (s, e) = find_quote(&new, &q, Some(26)).expect("found");
        assert_eq!(new.chars().skip(s).take(e - s).collect::<String>(), "Dans un triangle rectangle");
        assert_eq!(s, 26 + "Chapitre 3 (nouvelle édition)\n\n".chars().count());
    }

    #[test]
    fn the_context_tells_repeated_words_apart() {
        let text = "Exercice 1 : calcule. Exercice 2 : calcule. Exercice 3 : calcule.";
        let second = quote("Exercice 2 : ", "calcule", ". Exercice 3");
        let (s, _) = find_quote(text, &second, None).expect("found");
        assert_eq!(s, text.find("calcule. Exercice 3").map(|b| text[..b].chars().count()).expect("there"));
        // Without context, the occurrence nearest the old offset wins.
        let bare = quote("", "calcule", "");
        let (s, _) = find_quote(text, &bare, Some(60)).expect("found");
        assert_eq!(s, text.rfind("calcule").map(|b| text[..b].chars().count()).expect("there"));
    }

    #[test]
    fn line_breaks_and_soft_hyphens_do_not_hide_a_quote() {
        let text = "la photo\u{ad}synthèse des\n  plantes vertes";
        let q = quote("la ", "photosynthèse des plantes", " vertes");
        let (s, e) = find_quote(text, &q, None).expect("found across a soft hyphen and a line break");
        assert_eq!((s, e), (3, text.chars().count() - " vertes".len()));
    }

    #[test]
    fn text_that_is_gone_is_not_placed() {
        assert_eq!(find_quote("Un tout autre texte", &quote("", "Pythagore", ""), None), None);
        assert_eq!(find_quote("abc", &quote("", "", ""), None), None);
    }

    #[test]
    fn quads_cover_the_characters_of_each_run() {
        let run = |text: &str, top: f32, edges: Vec<f32>| TextRun {
            text: text.into(),
            left: 0.1,
            top,
            right: *edges.last().expect("edges"),
            bottom: top + 0.25,
            edges,
        };
        let runs = vec![run("abcd", 0.1, vec![0.2, 0.3, 0.4, 0.5]), run("efgh", 0.2, vec![0.2, 0.3, 0.4, 0.5])];
        assert_eq!(layer_text(&runs), "abcdefgh");
        let q = quads(&runs, 2, 6);
        assert_eq!(q, vec![[0.3, 0.1, 0.5, 0.35], [0.1, 0.2, 0.3, 0.45]]);
    }

    #[test]
    fn anchors_keep_their_json_shape() {
        let a = Anchor::Place { page: 3, loc: "page:3".into(), label: Some("iv".into()), x: None, y: None };
        let json = serde_json::to_value(&a).expect("json");
        assert_eq!(json["type"], "place");
        let back: Anchor = serde_json::from_value(json).expect("back");
        assert_eq!(back, a);
    }
}
