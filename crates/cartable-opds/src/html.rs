//! Plain text for people: HTML and XHTML descriptions stripped of markup, whitespace collapsed.
//!
//! Catalogue descriptions come as Atom `text`, `html` (markup escaped inside the element) or
//! `xhtml` (markup as child elements), and OPDS 2 descriptions may hold HTML. The reader shows
//! them as plain text: tags dropped, `script` and `style` dropped with their content, block
//! elements (`p`, `br`, `li`, `div`...) turned into line breaks, entities decoded, runs of
//! whitespace collapsed to one space.

use crate::entity;

/// Builds text one piece at a time: whitespace runs become one space, block boundaries one line
/// break, and nothing leads or trails.
#[derive(Debug, Default)]
pub(crate) struct TextBuilder {
    out: String,
    pending: Pending,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Pending {
    #[default]
    Nothing,
    Space,
    Break,
}

impl TextBuilder {
    /// Adds text; its whitespace is collapsed (a no-break space is kept as it is: French
    /// typography puts one before `!`, `?`, `:`).
    pub(crate) fn push_str(&mut self, text: &str) {
        for c in text.chars() {
            if c.is_whitespace() && c != '\u{a0}' {
                if self.pending == Pending::Nothing {
                    self.pending = Pending::Space;
                }
                continue;
            }
            if !self.out.is_empty() {
                match self.pending {
                    Pending::Nothing => {}
                    Pending::Space => self.out.push(' '),
                    Pending::Break => self.out.push('\n'),
                }
            }
            self.pending = Pending::Nothing;
            self.out.push(c);
        }
    }

    /// Ends a block: the next text starts on a new line.
    pub(crate) fn push_break(&mut self) {
        self.pending = Pending::Break;
    }

    /// The text built so far.
    pub(crate) fn finish(self) -> String {
        self.out
    }
}

/// Elements after which text starts on a new line.
pub(crate) fn is_block(name: &str) -> bool {
    const BLOCKS: [&str; 31] = [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "tr",
        "ul",
    ];
    BLOCKS.iter().any(|block| name.eq_ignore_ascii_case(block))
}

/// Whitespace collapsed, for `type="text"` constructs and plain JSON strings.
pub(crate) fn normalize(text: &str) -> String {
    let mut builder = TextBuilder::default();
    builder.push_str(text);
    builder.finish()
}

/// The text of an HTML fragment. Lenient like a browser: a `<` that does not start a tag is
/// text, an unterminated tag ends the text, unknown entities stay literal.
pub(crate) fn to_text(html: &str) -> String {
    let mut builder = TextBuilder::default();
    let bytes = html.as_bytes();
    let mut at = 0;
    let mut text_start = 0;
    while let Some(offset) = html[at..].find('<') {
        let open = at + offset;
        builder.push_str(&entity::decode(&html[text_start..open]));
        let rest = &html[open..];
        let next = if rest.starts_with("<!--") {
            rest.find("-->").map(|end| open + end + 3)
        } else if rest.starts_with("<!") || rest.starts_with("<?") {
            rest.find('>').map(|end| open + end + 1)
        } else {
            let closing = bytes.get(open + 1) == Some(&b'/');
            let name_start = open + 1 + usize::from(closing);
            let name_len = bytes[name_start..].iter().take_while(|b| b.is_ascii_alphanumeric()).count();
            if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
                // "a < b", "<3": not a tag.
                builder.push_str("<");
                at = open + 1;
                text_start = at;
                continue;
            }
            let name = &html[name_start..name_start + name_len];
            match tag_end(&html[name_start + name_len..]) {
                None => None,
                Some(end) => {
                    let after = name_start + name_len + end + 1;
                    if is_block(name) {
                        builder.push_break();
                    }
                    if !closing && (name.eq_ignore_ascii_case("script") || name.eq_ignore_ascii_case("style")) {
                        Some(skip_raw_text(html, after, name))
                    } else {
                        Some(after)
                    }
                }
            }
        };
        match next {
            Some(next) => {
                at = next;
                text_start = next;
            }
            // An unterminated tag or comment: what follows is not text.
            None => return builder.finish(),
        }
    }
    builder.push_str(&entity::decode(&html[text_start..]));
    builder.finish()
}

/// The offset of the `>` ending a tag whose attributes start `rest`, skipping quoted values; a
/// stray quote makes it fall back to the first `>`.
fn tag_end(rest: &str) -> Option<usize> {
    let mut quote = None;
    for (index, c) in rest.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(index),
            _ => {}
        }
    }
    rest.find('>')
}

/// Where the text after `<script>` or `<style>` ends: after its end tag, or at the end. Scans
/// forward only, so many scripts in one description still cost linear time.
fn skip_raw_text(html: &str, from: usize, name: &str) -> usize {
    let mut at = from;
    while let Some(offset) = html[at..].find("</") {
        let close = at + offset;
        let candidate = html.as_bytes().get(close + 2..close + 2 + name.len());
        if candidate.is_some_and(|candidate| candidate.eq_ignore_ascii_case(name.as_bytes())) {
            return html[close..].find('>').map_or(html.len(), |end| close + end + 1);
        }
        at = close + 2;
    }
    html.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_plain_text() {
        let cases = [
            ("", ""),
            ("plain", "plain"),
            ("<p>One</p><p>Two</p>", "One\nTwo"),
            ("a <i>little</i> <b>bold</b>", "a little bold"),
            ("line<br>break<br/>again", "line\nbreak\nagain"),
            ("  lots   of\n\n  space  ", "lots of space"),
            ("caf&eacute; &amp; th&#233;", "café & thé"),
            ("M&#200;RE &amp;eacute;", "MÈRE &eacute;"),
            ("<ul><li>a</li><li>b</li></ul>", "a\nb"),
            ("x<script>alert('<p>')</script>y", "xy"),
            ("x<STYLE>p { color: red }</STYLE>y", "xy"),
            ("x<script>if (a</b) {}</script >y", "xy"),
            ("x<script>never closed", "x"),
            ("<!-- a comment -->text", "text"),
            ("<!DOCTYPE html>text", "text"),
            ("1 < 2 and 3 > 2", "1 < 2 and 3 > 2"),
            ("I <3 books", "I <3 books"),
            ("<a href=\"x>y\">link</a>", "link"),
            ("cut <b", "cut"),
            ("cut <!-- never closed", "cut"),
            ("<p>Bonjour\u{a0}!</p>", "Bonjour\u{a0}!"),
            ("<div><p>nested</p></div>after", "nested\nafter"),
        ];
        for (html, expected) in cases {
            assert_eq!(to_text(html), expected, "text of {html:?}");
        }
    }

    #[test]
    fn normalize_collapses_whitespace() {
        let cases = [("", ""), ("  a  b\n c\t", "a b c"), ("one", "one"), ("\n\n", "")];
        for (text, expected) in cases {
            assert_eq!(normalize(text), expected, "normalizing {text:?}");
        }
    }

    #[test]
    fn builder_joins_blocks_with_one_break() {
        let mut builder = TextBuilder::default();
        builder.push_break();
        builder.push_str(" first ");
        builder.push_break();
        builder.push_break();
        builder.push_str(" second");
        builder.push_break();
        assert_eq!(builder.finish(), "first\nsecond", "breaks must not lead, trail or repeat");
    }
}
