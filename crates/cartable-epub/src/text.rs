//! Searchable text of a content document, split at printed-page breaks.
//!
//! What is kept: the text a reader sees. Dropped: `<head>`, scripts, styles, ruby annotations
//! (`rt`, `rp`, which would break Japanese words apart), MathML annotations (TeX source) and
//! SVG `title`/`desc`/`metadata`. In an SVG document only `<text>` content counts.

use std::collections::HashMap;

use crate::error::Error;
use crate::xml::{self, Event, Tag};

/// Text of a spine item between two printed-page breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextChunk {
    /// The printed page this chunk starts, `None` for text before the first break (or for a
    /// break that carries no label at all).
    pub label: Option<String>,
    /// The text: block elements on their own lines, runs of spaces collapsed.
    pub text: String,
}

/// Block elements (by local name), sorted for binary search: text on either side does not join.
const BLOCKS: [&str; 42] = [
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "br",
    "caption",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "li",
    "main",
    "math",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "td",
    "text",
    "th",
    "tr",
    "ul",
];

/// Elements whose whole subtree is not reading text, sorted for binary search.
const SKIPPED: [&str; 11] =
    ["annotation", "annotation-xml", "desc", "head", "metadata", "rp", "rt", "script", "style", "template", "title"];

/// Whether an element (by local name) is a block: text on either side does not join.
pub(crate) fn is_block(local: &str) -> bool {
    BLOCKS.binary_search(&local).is_ok()
}

/// Elements whose whole subtree is not reading text.
fn is_skipped(local: &str) -> bool {
    SKIPPED.binary_search(&local).is_ok()
}

/// Media types `section_text` parses; other spine items (images...) have no text.
pub(crate) fn has_text(media_type: &str) -> bool {
    let media_type = media_type.trim().to_ascii_lowercase();
    media_type == "text/html" || media_type.ends_with("/xml") || media_type.ends_with("+xml")
}

fn is_pagebreak(tag: &Tag) -> bool {
    tag.epub_types().any(|t| t == "pagebreak")
        || tag.attr("role").is_some_and(|role| role.split_ascii_whitespace().any(|r| r == "doc-pagebreak"))
}

/// Extracts the text of one document. `page_ids` maps element ids that page-list targets point
/// to in this document to their labels; the empty id is a target naming the whole document, whose
/// page then starts with it. `text/html` is read leniently, as WebKit does.
pub(crate) fn extract(
    bytes: &[u8],
    path: &str,
    media_type: &str,
    page_ids: &HashMap<String, String>,
) -> Result<Vec<TextChunk>, Error> {
    let source = xml::decode(bytes, path)?;
    let strict = !media_type.trim().eq_ignore_ascii_case("text/html");
    let mut reader = xml::Reader::new(&source, path, strict);
    let mut chunks = Chunks::default();
    // Block flags of the open elements, to know what an End closes.
    let mut open_blocks: Vec<bool> = Vec::new();
    // Depth at which a skipped subtree started.
    let mut skipping: Option<usize> = None;
    // A page break without title: its text becomes the label (depth, text so far).
    let mut capturing: Option<(usize, String)> = None;
    let mut svg_document: Option<bool> = None;
    let mut svg_text: Option<usize> = None;
    if let Some(label) = page_ids.get("") {
        chunks.start(Some(label.clone()));
    }

    loop {
        match reader.next()? {
            Event::Start(tag) => {
                let depth = reader.depth();
                let block = is_block(&tag.local);
                open_blocks.push(block);
                let svg = *svg_document.get_or_insert(tag.local == "svg");
                if skipping.is_some() || capturing.is_some() {
                    continue;
                }
                if is_skipped(&tag.local) {
                    skipping = Some(depth);
                    continue;
                }
                let page_label = tag.attr("id").and_then(|id| page_ids.get(id.trim()));
                if is_pagebreak(&tag) {
                    let label = page_label
                        .cloned()
                        .or_else(|| tag.attr("title").map(xml::collapse_whitespace).filter(|title| !title.is_empty()));
                    match label {
                        Some(label) => {
                            chunks.start(Some(label));
                            // The printed number itself is not reading text.
                            skipping = Some(depth);
                        }
                        None => capturing = Some((depth, String::new())),
                    }
                    continue;
                }
                if let Some(label) = page_label {
                    chunks.start(Some(label.clone()));
                }
                if svg && tag.local == "text" && svg_text.is_none() {
                    svg_text = Some(depth);
                }
                if block {
                    chunks.block();
                }
            }
            Event::End => {
                let depth = reader.depth() + 1;
                let block = open_blocks.pop().unwrap_or(false);
                if let Some(start) = skipping {
                    if start == depth {
                        skipping = None;
                    }
                    continue;
                }
                if let Some((start, _)) = &capturing {
                    if *start == depth {
                        let label = capturing
                            .take()
                            .map(|(_, text)| xml::collapse_whitespace(&text))
                            .filter(|label| !label.is_empty());
                        chunks.start(label);
                    }
                    continue;
                }
                if svg_text == Some(depth) {
                    svg_text = None;
                }
                if block {
                    chunks.block();
                }
            }
            Event::Text(text) => {
                if skipping.is_some() {
                    continue;
                }
                if let Some((_, label)) = &mut capturing {
                    // A page number is short; a hostile "page break" must not grow unbounded.
                    let room = 256usize.saturating_sub(label.len());
                    label.extend(text.chars().take(room));
                    continue;
                }
                if svg_document == Some(true) && svg_text.is_none() {
                    continue;
                }
                chunks.push_text(&text);
            }
            Event::Eof => break,
        }
    }
    Ok(chunks.finish())
}

/// Builds chunks with whitespace collapsing.
#[derive(Default)]
struct Chunks {
    done: Vec<TextChunk>,
    label: Option<String>,
    text: String,
    pending_space: bool,
    pending_newline: bool,
}

impl Chunks {
    fn block(&mut self) {
        if !self.text.is_empty() {
            self.pending_newline = true;
        }
    }

    fn push_text(&mut self, text: &str) {
        // ASCII whitespace never occurs inside a multi-byte UTF-8 sequence: cutting at those
        // bytes keeps every word whole. A plain index loop: content indexing runs over tens of
        // megabytes of markup in debug builds too (tests), where iterator adapters cost.
        let bytes = text.as_bytes();
        let mut start = 0;
        let mut index = 0;
        while index < bytes.len() {
            if let b' ' | b'\t' | b'\n' | b'\r' | b'\x0C' = bytes[index] {
                if start < index {
                    self.push_word(&text[start..index]);
                }
                if !self.text.is_empty() {
                    self.pending_space = true;
                }
                start = index + 1;
            }
            index += 1;
        }
        if start < bytes.len() {
            self.push_word(&text[start..]);
        }
    }

    fn push_word(&mut self, word: &str) {
        if word.is_empty() {
            return;
        }
        if self.pending_newline {
            self.text.push('\n');
        } else if self.pending_space {
            self.text.push(' ');
        }
        self.pending_newline = false;
        self.pending_space = false;
        self.text.push_str(word);
    }

    /// Closes the current chunk and starts one labelled `label`. An empty unlabelled chunk
    /// (the section starts with a break) is dropped; empty labelled ones (blank pages) stay.
    fn start(&mut self, label: Option<String>) {
        let previous =
            TextChunk { label: std::mem::replace(&mut self.label, label), text: std::mem::take(&mut self.text) };
        self.pending_space = false;
        self.pending_newline = false;
        if previous.label.is_some() || !previous.text.is_empty() {
            self.done.push(previous);
        }
    }

    fn finish(mut self) -> Vec<TextChunk> {
        self.start(None);
        self.done
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(source: &str, pages: &[(&str, &str)]) -> Vec<(Option<String>, String)> {
        let page_ids = pages.iter().map(|(id, label)| ((*id).to_owned(), (*label).to_owned())).collect();
        extract(source.as_bytes(), "t.xhtml", "application/xhtml+xml", &page_ids)
            .expect("test document is well-formed")
            .into_iter()
            .map(|chunk| (chunk.label, chunk.text))
            .collect()
    }

    fn one(text: &str) -> Vec<(Option<String>, String)> {
        vec![(None, text.to_owned())]
    }

    #[test]
    fn text_keeps_what_a_reader_sees() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "<html><head><title>T</title><style>p{}</style></head><body><p>Hello   <b>big</b>\n world</p></body></html>",
                "Hello big world",
                "head dropped, spaces collapsed, inline joins",
            ),
            (
                "<html><body><h1>Title</h1><p>One</p><div>Two<br/>Three</div></body></html>",
                "Title\nOne\nTwo\nThree",
                "blocks and br on their own lines",
            ),
            ("<html><body><p>a<script>var x = 1;</script>b</p></body></html>", "ab", "scripts dropped"),
            (
                "<html><body><p><ruby>漢<rp>(</rp><rt>かん</rt>字<rt>じ</rt></ruby>です</p></body></html>",
                "漢字です",
                "ruby annotations dropped so Japanese words stay whole",
            ),
            (
                "<html><body><p>x<math><mi>x</mi><annotation encoding='TeX'>x^2</annotation></math></p></body></html>",
                "x\nx",
                "MathML text kept, TeX annotation dropped",
            ),
            (
                "<html><body><p>&laquo;&nbsp;caf&eacute;&nbsp;&raquo; &mdash; &#8230;</p></body></html>",
                "«\u{a0}café\u{a0}» — …",
                "HTML entities resolved without a DTD",
            ),
            (
                "<svg xmlns='http://www.w3.org/2000/svg'><title>Cover</title><desc>d</desc><g><text x='1'>Hello <tspan>crane</tspan></text><text>Two</text></g></svg>",
                "Hello crane\nTwo",
                "SVG documents give their text elements only",
            ),
        ];
        for (source, expected, why) in cases {
            assert_eq!(chunks(source, &[]), one(expected), "{why}");
        }
    }

    #[test]
    fn chunks_split_at_page_breaks() {
        let source = r#"<html xmlns:epub="http://www.idpf.org/2007/ops"><body>
            <p>Before the first page.</p>
            <span epub:type="pagebreak" title="12" id="p12">12</span>
            <p>Page twelve <span role="doc-pagebreak">xiii</span>then thirteen.</p>
            <div id="page14"><p>Fourteen.</p></div>
            <span epub:type="pagebreak"/>
            <p>Unlabelled.</p>
        </body></html>"#;
        assert_eq!(
            chunks(source, &[("page14", "14")]),
            [
                (None, "Before the first page.".to_owned()),
                (Some("12".to_owned()), "Page twelve".to_owned()),
                (Some("xiii".to_owned()), "then thirteen.".to_owned()),
                (Some("14".to_owned()), "Fourteen.".to_owned()),
                (None, "Unlabelled.".to_owned()),
            ],
            "a chunk starts at each break; its label is the page-list label, title or text"
        );
    }

    #[test]
    fn a_section_starting_with_a_break_has_no_unlabelled_chunk() {
        let source = r#"<html xmlns:epub="http://www.idpf.org/2007/ops"><body>
            <div><span epub:type="pagebreak" title="169" id="Page_169">169</span></div>
            <h2>Section IV</h2><span epub:type="pagebreak" id="Page_170"/><span id="Page_171"/>
            <p>Text</p></body></html>"#;
        assert_eq!(
            chunks(source, &[("Page_169", "169"), ("Page_170", "170"), ("Page_171", "171")]),
            [
                (Some("169".to_owned()), "Section IV".to_owned()),
                (Some("170".to_owned()), String::new()),
                (Some("171".to_owned()), "Text".to_owned()),
            ],
            "the first chunk is labelled when the section starts with a break; blank pages stay"
        );
    }

    #[test]
    fn a_page_target_naming_the_whole_document_labels_its_start() {
        assert_eq!(
            chunks("<html><body><p>Planche</p><span id='p'/><p>suite</p></body></html>", &[("", "7"), ("p", "8")]),
            [(Some("7".to_owned()), "Planche".to_owned()), (Some("8".to_owned()), "suite".to_owned())],
            "a fixed-layout page is a whole document: its label starts the first chunk"
        );
        assert_eq!(
            chunks("<html><body><img alt='page 1'/></body></html>", &[("", "1")]),
            [(Some("1".to_owned()), String::new())],
            "a page of pictures still marks its page"
        );
    }

    #[test]
    fn empty_documents_give_no_chunks() {
        assert!(
            chunks("<html><head><title>x</title></head><body> </body></html>", &[]).is_empty(),
            "no text, no break: no chunk"
        );
    }

    #[test]
    fn malformed_xhtml_is_an_error_but_text_html_is_lenient() {
        let source = b"<html><body><p>unclosed</body></html>";
        assert!(
            matches!(
                extract(source, "a.xhtml", "application/xhtml+xml", &HashMap::new()),
                Err(Error::MalformedContent { .. })
            ),
            "XHTML must be well-formed"
        );
        let lenient = extract(source, "a.html", "text/html", &HashMap::new())
            .expect("text/html is parsed like WebKit's HTML parser, leniently");
        assert_eq!(lenient[0].text, "unclosed");
    }

    #[test]
    fn only_markup_media_types_have_text() {
        let cases = [
            ("application/xhtml+xml", true),
            ("image/svg+xml", true),
            ("text/html", true),
            ("application/x-dtbook+xml", true),
            ("image/jpeg", false),
            ("text/css", false),
        ];
        for (media_type, expected) in cases {
            assert_eq!(has_text(media_type), expected, "{media_type}");
        }
    }
}
