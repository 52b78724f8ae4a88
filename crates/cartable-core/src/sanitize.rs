//! Book documents are untrusted: before an EPUB's (X)HTML or SVG reaches the reader, its
//! scripts, event handlers, `javascript:` URLs, embedded frames and refresh/base tags are
//! removed, and a Content-Security-Policy that forbids every script and every network load is
//! put at the top of `<head>`. Either measure alone would do; both together survive a mistake
//! in one of them.

use std::borrow::Cow;

use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, Writer};

/// What a book document may load: its own pictures, styles, fonts and media (the reader turns
/// them into `blob:` URLs or serves them from `cartable:`), nothing else, and no script.
pub const BOOK_CSP: &str = "default-src 'none'; img-src blob: data: cartable:; style-src 'unsafe-inline' blob: cartable:; \
     font-src blob: data: cartable:; media-src blob: cartable:";

/// Elements dropped with everything inside them.
const DROPPED: &[&str] = &["script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal"];

/// Whether a media type is a document the reader renders (and so must be sanitised).
pub fn is_document(media_type: &str) -> bool {
    matches!(media_type, "application/xhtml+xml" | "text/html" | "image/svg+xml")
}

/// A safe copy of a book document. A document too broken to rewrite is replaced by a short
/// page that says so: nothing unsanitised ever goes through.
pub fn document(bytes: &[u8]) -> Vec<u8> {
    rewrite(bytes).unwrap_or_else(|| {
        concat!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n",
            "<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>—</title></head>",
            "<body><p>Cette page du livre est endommagée. / This page of the book is damaged.</p></body></html>"
        )
        .as_bytes()
        .to_vec()
    })
}

fn rewrite(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut reader = Reader::from_reader(bytes);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    let mut writer = Writer::new(Vec::with_capacity(bytes.len() + 300));
    let mut skipping = 0usize;
    let mut csp_written = false;
    let mut buf = Vec::new();
    loop {
        let event = reader.read_event_into(&mut buf).ok()?;
        match event {
            Event::Eof => break,
            Event::Start(start) => {
                let name = lower_local(&start);
                if skipping > 0 || DROPPED.contains(&name.as_str()) || is_refresh(&start) {
                    skipping += 1;
                } else if name == "body" && !csp_written {
                    // A document without <head>: give it one, with the policy.
                    writer.write_event(Event::Start(BytesStart::new("head"))).ok()?;
                    write_csp(&mut writer)?;
                    writer.write_event(Event::End(quick_xml::events::BytesEnd::new("head"))).ok()?;
                    csp_written = true;
                    writer.write_event(Event::Start(clean(&start)?)).ok()?;
                } else {
                    writer.write_event(Event::Start(clean(&start)?)).ok()?;
                    if name == "head" && !csp_written {
                        write_csp(&mut writer)?;
                        csp_written = true;
                    }
                }
            }
            Event::End(end) => {
                if skipping > 0 {
                    skipping -= 1;
                } else {
                    writer.write_event(Event::End(end)).ok()?;
                }
            }
            Event::Empty(start) => {
                let name = lower_local(&start);
                if skipping > 0 || DROPPED.contains(&name.as_str()) || is_refresh(&start) {
                    continue;
                }
                if name == "head" && !csp_written {
                    writer.write_event(Event::Start(clean(&start)?)).ok()?;
                    write_csp(&mut writer)?;
                    writer.write_event(Event::End(start.to_end().into_owned())).ok()?;
                    csp_written = true;
                } else {
                    writer.write_event(Event::Empty(clean(&start)?)).ok()?;
                }
            }
            // Processing instructions can carry xml-stylesheet with script; DOCTYPEs can declare entities.
            Event::PI(_) | Event::DocType(_) => {}
            other if skipping > 0 => drop(other),
            other => writer.write_event(other).ok()?,
        }
        buf.clear();
    }
    Some(writer.into_inner())
}

fn write_csp(writer: &mut Writer<Vec<u8>>) -> Option<()> {
    let mut meta = BytesStart::new("meta");
    meta.push_attribute(("http-equiv", "Content-Security-Policy"));
    meta.push_attribute(("content", BOOK_CSP));
    writer.write_event(Event::Empty(meta)).ok()
}

fn lower_local(start: &BytesStart) -> String {
    start.local_name().as_ref().to_ascii_lowercase()
}

/// `<meta http-equiv="refresh">` and friends navigate or set cookies: never useful in a book.
fn is_refresh(start: &BytesStart) -> bool {
    lower_local(start) == "meta"
        && start
            .html_attributes()
            .with_checks(false)
            .flatten()
            .any(|a| a.key.local_name().as_ref().eq_ignore_ascii_case("http-equiv"))
}

/// The element with its dangerous attributes removed.
fn clean<'a>(start: &BytesStart<'a>) -> Option<BytesStart<'static>> {
    let name = start.name().as_ref().to_owned();
    let mut out = BytesStart::new(name);
    for attr in start.html_attributes().with_checks(false) {
        let attr = attr.ok()?;
        let key = attr.key.as_ref().to_owned();
        let local = attr.key.local_name().as_ref().to_ascii_lowercase();
        if local.starts_with("on") || local == "srcdoc" || local == "formaction" {
            continue;
        }
        if matches!(local.as_str(), "href" | "src" | "action" | "data" | "poster" | "background" | "xlink:href")
            && is_script_url(&attr.value)
        {
            continue;
        }
        out.push_attribute(Attribute { key: quick_xml::name::QName(&key), value: Cow::Borrowed(&attr.value) });
    }
    Some(out.into_owned())
}

/// `javascript:` (or `vbscript:`, `data:text/html`) however it is spelt: entities, case, spaces.
fn is_script_url(raw: &str) -> bool {
    let decoded = quick_xml::escape::unescape(raw).map(|c| c.into_owned()).unwrap_or_else(|_| raw.to_owned());
    let squeezed: String =
        decoded.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect::<String>().to_ascii_lowercase();
    squeezed.starts_with("javascript:") || squeezed.starts_with("vbscript:") || squeezed.starts_with("data:text/html")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean_str(input: &str) -> String {
        String::from_utf8(document(input.as_bytes())).expect("utf8")
    }

    #[test]
    fn scripts_handlers_and_script_urls_are_removed() {
        let out = clean_str(concat!(
            r#"<html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title>"#,
            r#"<script>top.location='x'</script><script src="evil.js"/></head>"#,
            r#"<body onload="steal()"><p onclick="x()">Texte</p>"#,
            r#"<a href="  JaVa&#x53;cript:alert(1)">lien</a><a href="chap2.xhtml">suite</a>"#,
            r#"<iframe src="http://127.0.0.1/"></iframe><svg><script>x</script><rect onmouseover="y()"/></svg>"#,
            r#"<meta http-equiv="refresh" content="0;url=http://evil"/></body></html>"#
        ));
        for bad in ["<script", "onload", "onclick", "onmouseover", "avascript", "<iframe", "refresh", "evil"] {
            assert!(!out.to_lowercase().contains(&bad.to_lowercase()), "{bad} must be gone: {out}");
        }
        assert!(out.contains("<p>Texte</p>"), "text stays: {out}");
        assert!(out.contains(r#"href="chap2.xhtml""#), "ordinary links stay: {out}");
    }

    #[test]
    fn the_policy_is_the_first_thing_in_head() {
        let out = clean_str(r#"<html><head><link rel="stylesheet" href="a.css"/></head><body/></html>"#);
        let meta = out.find("Content-Security-Policy").expect("policy injected");
        assert!(meta < out.find("a.css").expect("link kept"), "before anything the head loads: {out}");
        let headless = clean_str("<html><body><p>x</p></body></html>");
        assert!(headless.contains("<head><meta http-equiv=\"Content-Security-Policy\""), "{headless}");
    }

    #[test]
    fn entities_and_text_survive_untouched() {
        let out = clean_str("<html><head/><body><p>l&apos;&#233;l&#232;ve &amp; &nbsp;moi</p></body></html>");
        assert!(out.contains("l&apos;&#233;l&#232;ve &amp; &nbsp;moi"), "{out}");
    }

    #[test]
    fn a_broken_document_becomes_a_safe_notice() {
        let out = clean_str("<html><body><p a=\"unterminated></body>");
        assert!(!out.contains("unterminated") && out.contains("endommagée"), "{out}");
    }
}
