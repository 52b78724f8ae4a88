//! W3C Web Annotation export and import, as a Readium annotation set: one JSON document per
//! book whose items carry standard selectors (EPUB CFI `FragmentSelector`, PDF page
//! `FragmentSelector` (RFC 3778), `TextPositionSelector`, `TextQuoteSelector`, `SvgSelector`
//! for ink), so that other readers can place them, and Cartable can place them again in
//! another edition. What no standard selector says (a note's highlight, the pen) rides in a
//! `cartable` member that other readers ignore.

use serde_json::{Value, json};

use super::{Anchor, Annotation, Ink, Kind, NewAnnotation, Quote, Style, Tool};
use crate::model::{Book, Format};
use crate::{Error, Result};

const CFI: &str = "http://www.idpf.org/epub/linking/cfi/epub-cfi.html";
const PDF_FRAGMENT: &str = "http://tools.ietf.org/rfc/rfc3778";
const SVG: &str = "http://www.w3.org/TR/SVG/";

/// The book a set is about, as the set names it.
#[derive(Debug, Clone, Default)]
pub(crate) struct About {
    pub identifiers: Vec<String>,
    pub title: Option<String>,
}

/// One item read back: the annotation to create and its id in the set.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    pub id: Option<uuid::Uuid>,
    pub new: NewAnnotation,
}

pub(crate) struct Set {
    pub about: About,
    pub items: Vec<Value>,
}

pub(crate) fn export(book: &Book, list: &[Annotation], now: i64) -> Value {
    let mut identifiers = vec![format!("urn:sha256:{}", book.summary.id)];
    identifiers.extend(book.identifiers.iter().map(|i| match i.scheme.as_deref() {
        Some(s) if !i.value.starts_with("urn:") => format!("urn:{}:{}", s.to_lowercase(), i.value),
        _ => i.value.clone(),
    }));
    let format = match book.summary.format {
        Format::Pdf => "application/pdf",
        Format::Epub => "application/epub+zip",
    };
    json!({
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": format!("urn:uuid:{}", uuid::Uuid::now_v7()),
        "type": "AnnotationSet",
        "generator": { "id": "https://cartable.app", "type": "Software", "name": "Cartable" },
        "generated": iso8601(now),
        "title": book.summary.title,
        "about": {
            "dc:identifier": identifiers,
            "dc:format": format,
            "dc:title": book.summary.title,
            "dc:creator": book.summary.authors,
        },
        "items": list.iter().map(|a| item(book, a)).collect::<Vec<_>>(),
    })
}

fn quote_selector(q: &Quote) -> Value {
    json!({ "type": "TextQuoteSelector", "prefix": q.prefix, "exact": q.exact, "suffix": q.suffix })
}

fn page_selector(page: usize) -> Value {
    json!({ "type": "FragmentSelector", "conformsTo": PDF_FRAGMENT, "value": format!("page={}", page + 1) })
}

fn item(book: &Book, a: &Annotation) -> Value {
    let spine_href = |i: usize| book.spine.get(i).map(|s| s.href.clone());
    let mut selectors = Vec::new();
    let mut meta = json!({});
    let source = match &a.anchor {
        Anchor::Pdf { page, label, start, end, quote, .. } => {
            selectors.push(page_selector(*page));
            selectors.push(json!({ "type": "TextPositionSelector", "start": start, "end": end }));
            selectors.push(quote_selector(quote));
            if let Some(l) = label {
                meta["page"] = json!(l);
            }
            format!("urn:sha256:{}", book.summary.id)
        }
        Anchor::Epub { section, href, cfi, quote } => {
            selectors.push(json!({ "type": "FragmentSelector", "conformsTo": CFI, "value": cfi }));
            selectors.push(quote_selector(quote));
            spine_href(*section).unwrap_or_else(|| href.clone())
        }
        Anchor::Place { page, loc, label, .. } => {
            if loc.starts_with("epubcfi(") {
                selectors.push(json!({ "type": "FragmentSelector", "conformsTo": CFI, "value": loc }));
            }
            if book.summary.format == Format::Pdf || !loc.starts_with("epubcfi(") {
                selectors.push(page_selector(*page));
            }
            if let Some(l) = label {
                meta["page"] = json!(l);
            }
            match book.summary.format {
                Format::Pdf => format!("urn:sha256:{}", book.summary.id),
                Format::Epub => spine_href(*page).unwrap_or_default(),
            }
        }
    };
    if let Some(ink) = &a.ink {
        selectors.push(
            json!({ "type": "SvgSelector", "conformsTo": SVG, "value": svg(&ink.points(), &ink.color, ink.width) }),
        );
    }
    let (motivation, body) = match a.kind {
        Kind::Highlight => (
            "highlighting",
            json!({
                "type": "TextualBody", "value": "",
                "color": a.color,
                "highlight": if a.style == Some(Style::Underline) { "underline" } else { "solid" },
            }),
        ),
        Kind::Note => ("commenting", json!({ "type": "TextualBody", "value": a.text, "format": "text/plain" })),
        Kind::Bookmark => ("bookmarking", json!({ "type": "TextualBody", "value": a.label, "format": "text/plain" })),
        Kind::Ink => {
            ("highlighting", json!({ "type": "TextualBody", "value": "", "color": a.ink.as_ref().map(|i| &i.color) }))
        }
    };
    let mut cartable = json!({ "kind": a.kind });
    if let Some(h) = a.highlight {
        cartable["highlight"] = json!(format!("urn:uuid:{h}"));
    }
    if let Some(ink) = &a.ink {
        cartable["ink"] = json!({ "tool": ink.tool, "color": ink.color, "width": ink.width });
    }
    if let Anchor::Place { x: Some(x), y: Some(y), .. } = &a.anchor {
        cartable["point"] = json!([x, y]);
    }
    if let Some(c) = &a.color
        && a.kind == Kind::Note
    {
        cartable["color"] = json!(c);
    }
    json!({
        "id": format!("urn:uuid:{}", a.id),
        "type": "Annotation",
        "motivation": motivation,
        "created": iso8601(a.created_at),
        "modified": iso8601(a.modified_at),
        "body": body,
        "target": { "source": source, "selector": selectors, "meta": meta },
        "cartable": cartable,
    })
}

/// An ink stroke as SVG in page fractions (`viewBox="0 0 1 1"`).
fn svg(points: &[[f32; 2]], color: &str, width: f32) -> String {
    let points: Vec<String> = points.iter().map(|p| format!("{:.5},{:.5}", p[0], p[1])).collect();
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\"><polyline fill=\"none\" stroke=\"{}\" stroke-width=\"{:.5}\" points=\"{}\"/></svg>",
        color,
        width,
        points.join(" ")
    )
}

/// The points of the first `points="…"` of an SVG selector.
fn svg_points(svg: &str) -> Option<Vec<[f32; 2]>> {
    let start = svg.find("points=\"")? + "points=\"".len();
    let end = start + svg[start..].find('"')?;
    let numbers: Vec<f32> = svg[start..end]
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::parse)
        .collect::<std::result::Result<_, _>>()
        .ok()?;
    if numbers.len() < 2 || !numbers.len().is_multiple_of(2) {
        return None;
    }
    Some(numbers.chunks_exact(2).map(|c| [c[0], c[1]]).collect())
}

/// Reads a set (or a single annotation, or a plain array of them).
pub(crate) fn parse(bytes: &[u8]) -> Result<Set> {
    let doc: Value = serde_json::from_slice(bytes).map_err(|e| Error::BadAnnotationFile(format!("not JSON ({e})")))?;
    let items = match &doc {
        Value::Array(items) => items.clone(),
        Value::Object(o) if o.get("type").and_then(Value::as_str) == Some("Annotation") => vec![doc.clone()],
        Value::Object(o) => match o.get("items") {
            Some(Value::Array(items)) => items.clone(),
            _ => return Err(Error::BadAnnotationFile("it has no \"items\"".into())),
        },
        _ => return Err(Error::BadAnnotationFile("not an annotation set".into())),
    };
    let about = doc.get("about").cloned().unwrap_or(Value::Null);
    let identifiers = match about.get("dc:identifier") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        _ => Vec::new(),
    };
    let title = about.get("dc:title").or_else(|| doc.get("title")).and_then(Value::as_str).map(str::to_owned);
    let mut identifiers = identifiers;
    // Items whose source names the book (PDF exports) say which book it is too.
    for it in &items {
        if let Some(src) = it.pointer("/target/source").and_then(Value::as_str)
            && src.starts_with("urn:sha256:")
            && !identifiers.iter().any(|i| i == src)
        {
            identifiers.push(src.to_owned());
        }
    }
    Ok(Set { about: About { identifiers, title }, items })
}

/// One item as an annotation for `book`, or why it cannot be read.
pub(crate) fn read_item(v: &Value, book: &Book) -> std::result::Result<Item, String> {
    let id = v
        .get("id")
        .and_then(Value::as_str)
        .and_then(|s| uuid::Uuid::parse_str(s.strip_prefix("urn:uuid:").unwrap_or(s)).ok());
    let ext = v.get("cartable").cloned().unwrap_or(Value::Null);
    let body = match v.get("body") {
        Some(Value::Array(a)) => a.first().cloned().unwrap_or(Value::Null),
        Some(b) => b.clone(),
        None => Value::Null,
    };
    let body_text = body.get("value").and_then(Value::as_str).map(str::to_owned);
    let selectors: Vec<Value> = match v.pointer("/target/selector") {
        Some(Value::Array(a)) => a.clone(),
        Some(s @ Value::Object(_)) => vec![s.clone()],
        _ => Vec::new(),
    };
    let find = |ty: &str, conforms: Option<&str>| {
        selectors.iter().find(|s| {
            s.get("type").and_then(Value::as_str) == Some(ty)
                && conforms.is_none_or(|c| s.get("conformsTo").and_then(Value::as_str) == Some(c))
        })
    };
    let quote = find("TextQuoteSelector", None).map(|q| Quote {
        prefix: q.get("prefix").and_then(Value::as_str).unwrap_or_default().to_owned(),
        exact: q.get("exact").and_then(Value::as_str).unwrap_or_default().to_owned(),
        suffix: q.get("suffix").and_then(Value::as_str).unwrap_or_default().to_owned(),
    });
    let cfi = find("FragmentSelector", Some(CFI))
        .and_then(|s| s.get("value"))
        .and_then(Value::as_str)
        .map(|c| if c.starts_with("epubcfi(") { c.to_owned() } else { format!("epubcfi({c})") });
    let page = find("FragmentSelector", Some(PDF_FRAGMENT))
        .and_then(|s| s.get("value"))
        .and_then(Value::as_str)
        .and_then(|v| v.strip_prefix("page="))
        .and_then(|n| n.split(|c: char| !c.is_ascii_digit()).next()?.parse::<usize>().ok())
        .and_then(|n| n.checked_sub(1));
    let position = find("TextPositionSelector", None)
        .and_then(|s| Some((s.get("start")?.as_u64()? as usize, s.get("end")?.as_u64()? as usize)));
    let label = v.pointer("/target/meta/page").and_then(Value::as_str).map(str::to_owned);
    let source = v.pointer("/target/source").and_then(Value::as_str).unwrap_or_default();
    let point = ext.get("point").and_then(|p| Some((p.get(0)?.as_f64()? as f32, p.get(1)?.as_f64()? as f32)));
    let motivation = v.get("motivation").and_then(Value::as_str).unwrap_or("highlighting");
    let svg = find("SvgSelector", None).and_then(|s| s.get("value")).and_then(Value::as_str);
    let kind = match ext.get("kind").and_then(Value::as_str).and_then(Kind::parse) {
        Some(k) => k,
        None if svg.is_some() => Kind::Ink,
        None => match motivation {
            "bookmarking" => Kind::Bookmark,
            "commenting" | "describing" | "questioning" | "replying" => Kind::Note,
            _ => Kind::Highlight,
        },
    };
    // The section of an EPUB annotation: the CFI's spine step, else the source document.
    let section = cfi.as_deref().and_then(cfi_spine_index).or_else(|| {
        let src = source.split('#').next().unwrap_or_default();
        book.spine.iter().position(|s| !src.is_empty() && (s.href == src || s.href.ends_with(&format!("/{src}"))))
    });
    let anchor = match (book.summary.format, kind, &quote) {
        (Format::Pdf, Kind::Highlight | Kind::Note, Some(q)) if !q.exact.is_empty() => {
            let (start, end) = position.unwrap_or((0, 0));
            Anchor::Pdf { page: page.ok_or("it has no page")?, label, start, end, quads: Vec::new(), quote: q.clone() }
        }
        (Format::Epub, Kind::Highlight | Kind::Note, Some(q)) if !q.exact.is_empty() && cfi.is_some() => {
            let section = section.ok_or("its chapter is not in this book")?;
            let href = book.spine.get(section).map(|s| s.href.clone()).unwrap_or_default();
            Anchor::Epub { section, href, cfi: cfi.clone().unwrap_or_default(), quote: q.clone() }
        }
        (_, Kind::Highlight, _) => return Err("a highlight without its quoted text cannot be placed".into()),
        (Format::Pdf, _, _) => {
            let page = page.ok_or("it has no page")?;
            Anchor::Place { page, loc: format!("page:{page}"), label, x: point.map(|p| p.0), y: point.map(|p| p.1) }
        }
        (Format::Epub, _, _) => {
            let section = section.or(page).ok_or("it has no place in this book")?;
            let loc = cfi.clone().unwrap_or_else(|| format!("section:{section}"));
            Anchor::Place { page: section, loc, label, x: point.map(|p| p.0), y: point.map(|p| p.1) }
        }
    };
    let ink = if kind == Kind::Ink {
        let points = svg.and_then(svg_points).ok_or("its stroke has no points")?;
        let pen = ext.get("ink").cloned().unwrap_or(Value::Null);
        Some(Ink {
            tool: serde_json::from_value(pen["tool"].clone()).unwrap_or(Tool::Pen),
            color: pen["color"].as_str().map(str::to_owned).unwrap_or_else(|| "#1f2937".into()),
            width: pen["width"].as_f64().map_or(0.004, |w| w as f32),
            points,
        })
    } else {
        None
    };
    let color = match kind {
        Kind::Highlight => {
            body.get("color").and_then(Value::as_str).map(str::to_owned).filter(|c| super::COLORS.contains(&c.as_str()))
        }
        Kind::Note => ext.get("color").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    };
    let style = (kind == Kind::Highlight).then(|| match body.get("highlight").and_then(Value::as_str) {
        Some("underline") => Style::Underline,
        _ => Style::Highlight,
    });
    let highlight = ext
        .get("highlight")
        .and_then(Value::as_str)
        .and_then(|s| uuid::Uuid::parse_str(s.strip_prefix("urn:uuid:").unwrap_or(s)).ok());
    let new = NewAnnotation {
        kind,
        anchor,
        color,
        style,
        text: (kind == Kind::Note).then(|| body_text.clone().unwrap_or_default()),
        label: (kind == Kind::Bookmark).then(|| body_text.clone().unwrap_or_default()),
        highlight,
        ink,
    };
    Ok(Item { id, new })
}

/// The spine index of a CFI's first indirection: `epubcfi(/6/8!…)` is the fourth item.
fn cfi_spine_index(cfi: &str) -> Option<usize> {
    let inner = cfi.strip_prefix("epubcfi(")?;
    let mut steps = inner.split('/').skip(2);
    let step = steps.next()?;
    let n: usize = step.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()?;
    (n >= 2 && n.is_multiple_of(2)).then(|| n / 2 - 1)
}

/// Unix milliseconds as an RFC 3339 UTC time.
pub(crate) fn iso8601(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_rfc3339() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601(1_767_225_600_000), "2026-01-01T00:00:00Z");
        assert_eq!(iso8601(951_782_400_000 + 3_723_000), "2000-02-29T01:02:03Z");
    }

    #[test]
    fn cfi_spine_steps_name_the_section() {
        assert_eq!(cfi_spine_index("epubcfi(/6/4[chap01ref]!/4[body01]/10[para05]/3:10)"), Some(1));
        assert_eq!(cfi_spine_index("epubcfi(/6/2!/4,/2/1:0,/2/1:5)"), Some(0));
        assert_eq!(cfi_spine_index("epubcfi(/6/3!/4)"), None, "odd steps are not elements");
        assert_eq!(cfi_spine_index("nonsense"), None);
    }

    #[test]
    fn svg_strokes_read_back() {
        let points = [[0.1, 0.2], [0.3, 0.4]];
        assert_eq!(svg_points(&svg(&points, "#ff0000", 0.003)), Some(points.to_vec()));
        assert_eq!(svg_points("<svg><polyline points=\"1,2 3\"/></svg>"), None);
    }

    #[test]
    fn files_that_are_not_sets_are_refused_clearly() {
        assert!(matches!(parse(b"{]"), Err(Error::BadAnnotationFile(_))));
        assert!(matches!(parse(b"{\"type\": \"Other\"}"), Err(Error::BadAnnotationFile(_))));
        assert!(parse(b"[]").is_ok_and(|s| s.items.is_empty()));
    }
}
