//! Full-text search across the library: what people type, turned into an FTS5 query, and the
//! snippets around the hits.
//!
//! Snippets are cut here rather than by FTS5's `snippet()`: that function re-tokenises each
//! hit's whole page and cost five times the query itself (BENCHMARKS.md); folding the page's
//! words in Rust and stopping at the first match costs a fraction of it.

use serde::Serialize;

use crate::text::fold_char;
use crate::{BookId, Error, Result};

/// One ranked hit.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Hit {
    pub book: BookId,
    pub title: String,
    /// 0-based: the PDF page, or the EPUB spine index.
    pub index: usize,
    /// The printed page label where the hit's page starts, when the book has one.
    pub label: Option<String>,
    /// Text around the match, HTML-escaped, with each match inside `<mark>…</mark>`.
    pub snippet: String,
}

/// A query as typed: words must all match (in any order, case and accents ignored);
/// `"several words"` is a phrase; `debu*` is a prefix; a bare `OR` between two terms means
/// either. Everything else is taken literally, never as FTS5 syntax.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Query {
    terms: Vec<Term>,
}

#[derive(Debug, Clone, PartialEq)]
enum Term {
    Or,
    Text { text: String, prefix: bool },
}

impl Query {
    pub(crate) fn parse(typed: &str) -> Result<Query> {
        let typed = crate::text::clean(typed);
        let mut terms: Vec<Term> = Vec::new();
        let mut chars = typed.chars().peekable();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() {
                chars.next();
                continue;
            }
            let (text, quoted) = if c == '"' {
                chars.next();
                let phrase: String = chars.by_ref().take_while(|&c| c != '"').collect();
                (phrase, true)
            } else {
                let mut word = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || c == '"' {
                        break;
                    }
                    word.push(c);
                    chars.next();
                }
                (word, false)
            };
            if !quoted && text == "OR" {
                if matches!(terms.last(), Some(Term::Text { .. })) {
                    terms.push(Term::Or);
                }
                continue;
            }
            let prefix = text.ends_with('*');
            let body = text.trim_end_matches('*');
            if !body.chars().any(char::is_alphanumeric) {
                continue;
            }
            terms.push(Term::Text { text: body.to_owned(), prefix });
        }
        while matches!(terms.last(), Some(Term::Or)) {
            terms.pop();
        }
        if terms.is_empty() {
            return Err(Error::EmptyQuery);
        }
        Ok(Query { terms })
    }

    /// The query in FTS5 syntax, every term quoted so that nothing typed is an operator.
    pub(crate) fn to_fts(&self) -> String {
        self.terms
            .iter()
            .map(|t| match t {
                Term::Or => "OR".to_owned(),
                Term::Text { text, prefix } => {
                    let escaped = text.replace('"', "\"\"");
                    if *prefix { format!("\"{escaped}\"*") } else { format!("\"{escaped}\"") }
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The folded words a snippet marks: every word of every term; the last word of a prefix
    /// term matches as a prefix.
    fn words(&self) -> Vec<(String, bool)> {
        let mut out = Vec::new();
        for term in &self.terms {
            if let Term::Text { text, prefix } = term {
                let words: Vec<&str> = text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
                for (i, w) in words.iter().enumerate() {
                    out.push((fold_word(w), *prefix && i + 1 == words.len()));
                }
            }
        }
        out
    }
}

/// Turns a query as typed into FTS5 syntax (see [`Query`]).
#[cfg(test)]
pub(crate) fn to_fts(query: &str) -> Result<String> {
    Query::parse(query).map(|q| q.to_fts())
}

fn fold_word(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        fold_char(c, &mut out);
    }
    out
}

/// Words of context kept before and after the first match.
const BEFORE: usize = 6;
const AFTER: usize = 12;

/// Cuts snippets for one query; made once per search, used for every hit.
pub(crate) struct Snippets {
    /// Folded words to mark; `true` when the word matches as a prefix.
    wanted: Vec<(String, bool)>,
    /// Their first letters, folded: most words of a page are ruled out by these alone.
    firsts: Vec<char>,
    /// For each ASCII byte, whether a word starting with it could match (both cases).
    ascii_firsts: [bool; 128],
    /// Whether a wanted word starts with a letter beyond ASCII (then any character can).
    other_firsts: bool,
}

impl Snippets {
    pub(crate) fn new(query: &Query) -> Snippets {
        let wanted = query.words();
        let firsts: Vec<char> = wanted.iter().filter_map(|(w, _)| w.chars().next()).collect();
        let mut ascii_firsts = [false; 128];
        for (b, could) in ascii_firsts.iter_mut().enumerate() {
            *could = firsts.contains(&char::from(b as u8).to_ascii_lowercase());
        }
        let other_firsts = firsts.iter().any(|c| !c.is_ascii());
        Snippets { wanted, firsts, ascii_firsts, other_firsts }
    }

    /// Whether the word `word` is one of the wanted words. Most words are ruled out by their
    /// first letter before anything is decoded or folded.
    fn matches(&self, word: &[u8], folded: &mut String) -> bool {
        let could = match word.first() {
            Some(&b) if b.is_ascii() => self.ascii_firsts[usize::from(b)],
            Some(_) => first_char(word).is_some_and(|(c, _)| {
                folded.clear();
                fold_char(c, folded);
                folded.chars().next().is_some_and(|f| self.firsts.contains(&f))
            }),
            None => false,
        };
        let Some(word) = could.then(|| std::str::from_utf8(word).ok()).flatten() else { return false };
        folded.clear();
        for c in word.chars() {
            fold_char(c, folded);
        }
        self.wanted.iter().any(|(w, prefix)| if *prefix { folded.starts_with(w.as_str()) } else { folded == w })
    }

    /// The first word of `body` that matches, found by jumping from one byte that could start
    /// it to the next (most of a page is skipped without being split into words).
    fn first_match(&self, body: &[u8], folded: &mut String) -> Option<(usize, usize)> {
        let mut i = 0;
        while let Some(offset) = body.get(i..)?.iter().position(|&b| self.could_start(b)) {
            i += offset;
            match char_class(body, i) {
                (true, _) if !ends_word(body, i) => {
                    let end = Words { bytes: body, at: i }.next().map_or(i + 1, |(_, e)| e);
                    if self.matches(&body[i..end], folded) {
                        return Some((i, end));
                    }
                    i = end;
                }
                (_, width) => i += width,
            }
        }
        None
    }

    /// Whether a word starting with byte `b` could match: an ASCII letter that a wanted word
    /// starts with, or the first byte of a character that may fold to one. Letters that fold
    /// to ASCII (é, Œ, ẽ, the Kelvin sign…) lie in U+00C0–U+027F and U+1000–U+2FFF, whose
    /// characters start with bytes C3–C9, E1 and E2. (A word starting with a lone combining
    /// mark, which clean text never has, is not looked for.)
    fn could_start(&self, b: u8) -> bool {
        match b {
            0x00..=0x7F => self.ascii_firsts[usize::from(b)],
            0xC3..=0xC9 | 0xE1 | 0xE2 => true,
            _ => self.other_firsts && b >= 0xC0,
        }
    }

    /// A snippet of `body` around the first word matching the query, HTML-escaped, each
    /// matching word inside `<mark>…</mark>`, with `…` where text was cut.
    ///
    /// `body` is the page text as SQLite holds it: only the words up to the match and the
    /// window around it are looked at, and only the window is checked as UTF-8 (text the
    /// library wrote always is; anything else is cut from its lossy conversion).
    pub(crate) fn cut(&self, body: &[u8]) -> String {
        match self.cut_valid(body) {
            Some(snippet) => snippet,
            None => self.cut_valid(String::from_utf8_lossy(body).as_bytes()).unwrap_or_default(),
        }
    }

    /// [`Snippets::cut`] when the window is valid UTF-8, else `None`.
    fn cut_valid(&self, body: &[u8]) -> Option<String> {
        let mut folded = String::new();
        // The window: from BEFORE words before the match, or, when nothing matched (FTS5 and
        // this tokeniser can disagree), from the body's first word…
        let (begin, mut end, cut_before) = match self.first_match(body, &mut folded) {
            Some((start, end)) => {
                let (begin, cut) = words_before(body, start);
                (begin, end, cut)
            }
            None => match Words::new(body).next() {
                Some((begin, end)) => (begin, end, false),
                None => return Some(String::new()),
            },
        };
        // …to AFTER words after it.
        let mut words = Words { bytes: body, at: end };
        for (_, e) in words.by_ref().take(AFTER) {
            end = e;
        }
        let more_after = words.next().is_some();
        let text = std::str::from_utf8(&body[begin..if more_after { end } else { body.len() }]).ok()?;
        let mut out = String::with_capacity(end - begin + 40);
        if cut_before {
            out.push('…');
        }
        let mut cursor = 0;
        for (s, e) in Words::new(&text.as_bytes()[..end - begin]) {
            escape_into(&text[cursor..s], &mut out);
            if self.matches(&text.as_bytes()[s..e], &mut folded) {
                out.push_str("<mark>");
                escape_into(&text[s..e], &mut out);
                out.push_str("</mark>");
            } else {
                escape_into(&text[s..e], &mut out);
            }
            cursor = e;
        }
        if more_after {
            out.push('…');
        } else {
            escape_into(text[cursor..].trim_end(), &mut out);
        }
        Some(out)
    }
}

/// Whether the character just before byte `at` is a word character (so that a word cannot
/// start at `at`).
fn ends_word(body: &[u8], at: usize) -> bool {
    let Some(before) = at.checked_sub(1) else { return false };
    // Back to the first byte of that character (at most three continuation bytes).
    let mut lead = before;
    while lead > 0 && before - lead < 3 && body[lead] & 0xC0 == 0x80 {
        lead -= 1;
    }
    let (is_word, width) = char_class(body, lead);
    is_word && lead + width == at
}

/// Where the window before the word at `hit` begins: at most BEFORE words back. Also
/// whether words were left out before it. Reads a little text before the match, more only
/// when it holds too few words.
fn words_before(body: &[u8], hit: usize) -> (usize, bool) {
    let mut reach = BEFORE * 16;
    loop {
        let mut from = hit.saturating_sub(reach);
        while from > 0 && body[from] & 0xC0 == 0x80 {
            from -= 1;
        }
        // A word cut by `from` is not counted, but it shows there is text before.
        let partial = from > 0 && ends_word(body, from);
        let mut words = Words { bytes: &body[..hit], at: from };
        if partial {
            words.next();
        }
        let mut starts = [0usize; BEFORE];
        let mut count = 0;
        for (s, _) in words {
            starts[count % BEFORE] = s;
            count += 1;
        }
        if count >= BEFORE || from == 0 {
            if count == 0 {
                return (hit, partial);
            }
            let first = if count >= BEFORE { starts[count % BEFORE] } else { starts[0] };
            let cut = count > BEFORE || partial || Words::new(&body[..from]).next().is_some();
            return (first, cut);
        }
        reach *= 4;
    }
}

/// The words of UTF-8 bytes as byte ranges: runs of ASCII letters and digits and of any
/// non-ASCII letter or digit. Invalid bytes separate words.
struct Words<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Words<'a> {
    fn new(bytes: &'a [u8]) -> Words<'a> {
        Words { bytes, at: 0 }
    }
}

/// Whether the character at byte `i` of `bytes` is a word character, and its width in bytes.
fn char_class(bytes: &[u8], i: usize) -> (bool, usize) {
    let b = bytes[i];
    if b.is_ascii() {
        return (b.is_ascii_alphanumeric(), 1);
    }
    match first_char(&bytes[i..]) {
        // Latin-1 and Latin Extended-A/B letters, the accents of French and most of
        // Europe, without a Unicode table lookup (× and ÷ are the two symbols there).
        Some((c @ '\u{C0}'..='\u{24F}', width)) => (c != '×' && c != '÷', width),
        Some((c @ '\u{80}'..='\u{BF}', width)) => (matches!(c, 'ª' | '²' | '³' | 'µ' | '¹' | 'º' | '¼'..='¾'), width),
        // General punctuation (’ “ ” – — … •): never part of a word.
        Some(('\u{2000}'..='\u{206F}', width)) => (false, width),
        Some((c, width)) => (c.is_alphanumeric(), width),
        None => (false, 1),
    }
}

/// The character `bytes` start with and its width, if they start with valid UTF-8.
fn first_char(bytes: &[u8]) -> Option<(char, usize)> {
    let lead = *bytes.first()?;
    let width = match lead {
        0x00..=0x7F => return Some((char::from(lead), 1)),
        // Two bytes (U+0080–U+07FF), decoded by hand: most accented letters.
        0xC2..=0xDF => {
            let next = *bytes.get(1)?;
            if next & 0xC0 != 0x80 {
                return None;
            }
            let code = (u32::from(lead & 0x1F) << 6) | u32::from(next & 0x3F);
            return char::from_u32(code).map(|c| (c, 2));
        }
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    let c = std::str::from_utf8(bytes.get(..width)?).ok()?.chars().next()?;
    Some((c, width))
}

/// What a byte is to [`Words`]: 0 a separator, 1 an ASCII letter or digit, 2 a byte of a
/// multi-byte character (decoded to tell).
const BYTE_CLASS: [u8; 256] = {
    let mut table = [2u8; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = (b as u8).is_ascii_alphanumeric() as u8;
        b += 1;
    }
    table
};

impl Iterator for Words<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        let bytes = self.bytes;
        let mut i = self.at;
        // Up to the next word character…
        let start = loop {
            let Some(&b) = bytes.get(i) else {
                self.at = i;
                return None;
            };
            match BYTE_CLASS[usize::from(b)] {
                0 => i += 1,
                1 => break i,
                _ => match char_class(self.bytes, i) {
                    (true, _) => break i,
                    (false, width) => i += width,
                },
            }
        };
        // …then to the end of the word.
        while let Some(&b) = bytes.get(i) {
            match BYTE_CLASS[usize::from(b)] {
                0 => break,
                1 => i += 1,
                _ => match char_class(self.bytes, i) {
                    (true, width) => i += width,
                    (false, _) => break,
                },
            }
        }
        self.at = i;
        Some((start, i))
    }
}

/// `text` HTML-escaped.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(text, &mut out);
    out
}

fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' | '\t' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_become_safe_fts5() {
        let cases = [
            ("élève", "\"élève\""),
            ("cycle  eau", "\"cycle\" \"eau\""),
            ("\"cycle de l'eau\"", "\"cycle de l'eau\""),
            ("évapor*", "\"évapor\"*"),
            ("pluie OR neige", "\"pluie\" OR \"neige\""),
            ("OR pluie OR", "\"pluie\""),
            ("NEAR(a b) AND -c", "\"NEAR(a\" \"b)\" \"AND\" \"-c\""),
            ("say \"hi", "\"say\" \"hi\""),
        ];
        for (typed, fts) in cases {
            assert_eq!(to_fts(typed).expect(typed), fts, "typed: {typed}");
        }
        assert!(matches!(to_fts("  * \" \" "), Err(Error::EmptyQuery)), "nothing searchable is an error");
    }

    fn snip(body: &str, query: &str) -> String {
        Snippets::new(&Query::parse(query).expect("query")).cut(body.as_bytes())
    }

    #[test]
    fn snippets_mark_matches_ignoring_case_and_accents() {
        assert_eq!(snip("Chaque ÉLÈVE lit.", "eleve"), "Chaque <mark>ÉLÈVE</mark> lit.");
        assert_eq!(snip("a < b & élève", "élève"), "a &lt; b &amp; <mark>élève</mark>");
        assert_eq!(snip("L'eau s'évapore vite", "évapor*"), "L'eau s'<mark>évapore</mark> vite");
        assert_eq!(
            snip("le cycle de l'eau", "\"cycle de l'eau\""),
            "le <mark>cycle</mark> <mark>de</mark> <mark>l</mark>'<mark>eau</mark>"
        );
    }

    #[test]
    fn snippets_are_cut_around_the_first_match() {
        let body =
            (1..=60).map(|n| format!("mot{n}")).collect::<Vec<_>>().join(" ") + " cible " + "fin ".repeat(30).as_str();
        let out = snip(&body, "cible");
        assert!(out.starts_with('…') && out.ends_with('…'), "cut on both sides: {out}");
        assert!(out.contains("mot55") && !out.contains("mot50"), "six words before: {out}");
        assert!(out.contains("<mark>cible</mark>"));
    }

    #[test]
    fn a_body_without_the_word_still_gives_its_start() {
        assert_eq!(snip("Rien ici.", "absent"), "Rien ici.");
        assert_eq!(snip("", "absent"), "");
        let long = (1..=40).map(|n| format!("mot{n}")).collect::<Vec<_>>().join(" ");
        let out = snip(&long, "absent");
        assert!(out.starts_with("mot1 ") && out.ends_with("mot13…"), "the start, cut after it: {out}");
    }

    /// The snippet as the plain algorithm makes it: every word of the body, the first that
    /// matches, BEFORE words before it and AFTER after it.
    fn plain_cut(body: &str, query: &str) -> String {
        let snippets = Snippets::new(&Query::parse(query).expect("query"));
        let words: Vec<(usize, usize)> = Words::new(body.as_bytes()).collect();
        let mut folded = String::new();
        let hit = words.iter().position(|&(s, e)| snippets.matches(&body.as_bytes()[s..e], &mut folded));
        let Some(hit) = hit.or(if words.is_empty() { None } else { Some(0) }) else { return String::new() };
        let from = if words.iter().any(|&(s, e)| snippets.matches(&body.as_bytes()[s..e], &mut folded)) {
            hit.saturating_sub(BEFORE)
        } else {
            0
        };
        let to = (hit + AFTER).min(words.len() - 1);
        let mut out = String::new();
        if from > 0 {
            out.push('…');
        }
        let mut cursor = words[from].0;
        for &(s, e) in &words[from..=to] {
            escape_into(&body[cursor..s], &mut out);
            if snippets.matches(&body.as_bytes()[s..e], &mut folded) {
                out.push_str("<mark>");
                escape_into(&body[s..e], &mut out);
                out.push_str("</mark>");
            } else {
                escape_into(&body[s..e], &mut out);
            }
            cursor = e;
        }
        if to + 1 < words.len() {
            out.push('…');
        } else {
            escape_into(body[cursor..].trim_end(), &mut out);
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn snippets_jump_to_the_match_as_if_every_word_were_read(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "élève", "ELEVE", "l’élève", "relevé", "e", "été", " ", "  ", "\n", ", ", "—", "’", "«", "»",
                    "le", "mot", "x²", "Œuvre", "naïve", "日本", "1789", "&", "<b>", "anticonstitutionnellement",
                ]),
                0..120,
            ),
            query in proptest::sample::select(vec!["élève", "eleve", "e", "le", "ete", "oeuvre", "releve", "mot*", "x"]),
        ) {
            let body: String = parts.concat();
            proptest::prop_assert_eq!(snip(&body, query), plain_cut(&body, query), "body: {:?}", body);
        }
    }

    #[test]
    fn snippets_keep_the_text_after_the_last_word_and_survive_bad_bytes() {
        assert_eq!(snip("Un élève !", "eleve"), "Un <mark>élève</mark> !");
        let mut bytes = b"avant \xFF\xFE l'\xC3\xA9l\xC3\xA8ve".to_vec();
        bytes.push(0xC3);
        let out = Snippets::new(&Query::parse("élève").expect("query")).cut(&bytes);
        assert!(out.contains("<mark>élève</mark>"), "the word is found past invalid bytes: {out}");
    }
}
