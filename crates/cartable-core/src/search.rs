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
}

impl Snippets {
    pub(crate) fn new(query: &Query) -> Snippets {
        let wanted = query.words();
        let firsts = wanted.iter().filter_map(|(w, _)| w.chars().next()).collect();
        Snippets { wanted, firsts }
    }

    fn could_match(&self, word: &str) -> bool {
        match word.as_bytes().first() {
            Some(b) if b.is_ascii() => self.firsts.contains(&char::from(b.to_ascii_lowercase())),
            Some(_) => {
                let mut first = String::new();
                word.chars().next().is_some_and(|c| {
                    fold_char(c, &mut first);
                    first.chars().next().is_some_and(|f| self.firsts.contains(&f))
                })
            }
            None => false,
        }
    }

    fn matches(&self, word: &str, folded: &mut String) -> bool {
        if !self.could_match(word) {
            return false;
        }
        folded.clear();
        for c in word.chars() {
            fold_char(c, folded);
        }
        self.wanted.iter().any(|(w, prefix)| if *prefix { folded.starts_with(w.as_str()) } else { folded == w })
    }

    /// A snippet of `body` around the first word matching the query, HTML-escaped, each
    /// matching word inside `<mark>…</mark>`, with `…` where text was cut.
    pub(crate) fn cut(&self, body: &str) -> String {
        let bytes = body.as_bytes();
        let mut words: Vec<(usize, usize)> = Vec::new();
        let mut folded = String::new();
        let mut first_match = None;
        let mut cut_short = false;
        let mut start = None;
        let mut i = 0;
        while i <= bytes.len() {
            // Word characters: ASCII letters and digits, and any non-ASCII letter or digit.
            let (is_word, width) = match bytes.get(i) {
                None => (false, 1),
                Some(b) if b.is_ascii() => (b.is_ascii_alphanumeric(), 1),
                Some(_) => body[i..].chars().next().map_or((false, 1), |c| (c.is_alphanumeric(), c.len_utf8())),
            };
            if is_word {
                start.get_or_insert(i);
            } else if let Some(s) = start.take() {
                words.push((s, i));
                if first_match.is_none() && self.matches(&body[s..i], &mut folded) {
                    first_match = Some(words.len() - 1);
                }
                if first_match.is_some_and(|m| words.len() > m + AFTER) {
                    cut_short = i < bytes.len();
                    break;
                }
            }
            i += width;
        }
        let Some(hit) = first_match.or(if words.is_empty() { None } else { Some(0) }) else { return String::new() };
        let from = hit.saturating_sub(BEFORE);
        let to = (hit + AFTER).min(words.len() - 1);
        let (begin, end) = (words[from].0, words[to].1);
        let mut out = String::with_capacity(end - begin + 40);
        if from > 0 {
            out.push('…');
        }
        let mut cursor = begin;
        for &(s, e) in &words[from..=to] {
            escape_into(&body[cursor..s], &mut out);
            if self.matches(&body[s..e], &mut folded) {
                out.push_str("<mark>");
                escape_into(&body[s..e], &mut out);
                out.push_str("</mark>");
            } else {
                escape_into(&body[s..e], &mut out);
            }
            cursor = e;
        }
        if to + 1 < words.len() || cut_short {
            out.push('…');
        } else {
            escape_into(body[end..].trim_end(), &mut out);
        }
        out
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
        Snippets::new(&Query::parse(query).expect("query")).cut(body)
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
    }
}
