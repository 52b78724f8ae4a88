//! Full-text search across the library: what people type, turned into an FTS5 query.

use serde::Serialize;

use crate::db::texts::{MARK_END, MARK_START};
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

/// Turns a query as typed into FTS5 syntax. Words must all match (in any order, case and accents
/// ignored); `"several words"` is a phrase; `debu*` is a prefix; a bare `OR` between two terms
/// means either. Everything else is taken literally, never as FTS5 syntax.
pub(crate) fn to_fts(query: &str) -> Result<String> {
    let query = crate::text::clean(query);
    let mut terms: Vec<String> = Vec::new();
    let mut chars = query.chars().peekable();
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
            if terms.last().is_some_and(|t| t != "OR") {
                terms.push("OR".into());
            }
            continue;
        }
        let prefix = text.ends_with('*');
        let body = text.trim_end_matches('*');
        if !body.chars().any(char::is_alphanumeric) {
            continue;
        }
        let escaped = body.replace('"', "\"\"");
        terms.push(if prefix { format!("\"{escaped}\"*") } else { format!("\"{escaped}\"") });
    }
    while terms.last().is_some_and(|t| t == "OR") {
        terms.pop();
    }
    if terms.is_empty() {
        return Err(Error::EmptyQuery);
    }
    Ok(terms.join(" "))
}

/// The index's snippet with its private markers, as HTML-safe text with `<mark>` around matches.
pub(crate) fn snippet_html(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 16);
    for c in raw.chars() {
        match c {
            MARK_START => out.push_str("<mark>"),
            MARK_END => out.push_str("</mark>"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
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

    #[test]
    fn snippets_are_escaped_and_marked() {
        let raw = format!("a < b & {MARK_START}élève{MARK_END}\nsuite");
        assert_eq!(snippet_html(&raw), "a &lt; b &amp; <mark>élève</mark> suite");
    }
}
