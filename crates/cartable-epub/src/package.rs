//! The OPF package document: metadata, manifest, spine, rendition properties.

use std::collections::HashMap;

use crate::error::Error;
use crate::path;
use crate::text;
use crate::xml::{self, Element};

const OPF_NS: &str = "http://www.idpf.org/2007/opf";

/// Bibliographic metadata of a book.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    /// The main title: the `dc:title` refined as `title-type` "main", else the first one.
    /// Empty when the package has none.
    pub title: String,
    /// `dc:creator` values, in document order (EPUB 3 `role`/`display-seq` refinements do not
    /// reorder them).
    pub authors: Vec<String>,
    /// The first `dc:language` (a BCP 47 tag such as "fr" or "en-US").
    pub language: Option<String>,
    /// The first `dc:publisher`.
    pub publisher: Option<String>,
    /// The first `dc:description` as plain text: HTML tags stripped, paragraphs on their own
    /// lines.
    pub description: Option<String>,
    /// Every `dc:identifier`, in document order.
    pub identifiers: Vec<Identifier>,
    /// Publication date as written (`dc:date`; in EPUB 2 the one whose `opf:event` is
    /// "publication" or "original-publication" when there are several).
    pub published: Option<String>,
    /// Last modification (`dcterms:modified`, or an EPUB 2 `dc:date` with `opf:event`
    /// "modification").
    pub modified: Option<String>,
}

/// A `dc:identifier` and what kind of identifier it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identifier {
    /// "ISBN", "UUID", "DOI"... Derived from a `urn:isbn:`, `urn:uuid:` or `urn:doi:` prefix
    /// first (the value itself is the surest witness), then from `opf:scheme`, then from an
    /// EPUB 3 `identifier-type` refinement (ONIX codes 02/15 → ISBN, 06 → DOI, 22 → URN).
    /// Well-known names are upper-cased; others are kept as written.
    pub scheme: Option<String>,
    /// The identifier as written, trimmed (prefixes such as `urn:isbn:` are kept).
    pub value: String,
}

/// How the content is laid out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Layout {
    /// Text reflows to the screen (the default).
    #[default]
    Reflowable,
    /// Fixed layout: each document is a page of a set size (`rendition:layout` "pre-paginated").
    PrePaginated,
}

/// The page progression direction of the spine.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Left to right.
    Ltr,
    /// Right to left (Arabic, Hebrew, vertical Japanese...).
    Rtl,
    /// Not specified: the reading system decides, usually from the language.
    #[default]
    Default,
}

/// A document of the reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpineItem {
    /// The manifest id.
    pub id: String,
    /// Full, normalised path inside the archive.
    pub href: String,
    /// The manifest media type.
    pub media_type: String,
    /// `false` for `linear="no"` items (notes, answers) that are read only when linked to.
    pub linear: bool,
    /// `rendition:layout-pre-paginated` / `rendition:layout-reflowable` on the itemref, which
    /// overrides [`crate::Book::layout`] for this document.
    pub layout: Option<Layout>,
}

/// A manifest item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// The manifest id.
    pub id: String,
    /// Full, normalised path inside the archive.
    pub href: String,
    /// The declared media type.
    pub media_type: String,
    /// The `properties` tokens ("nav", "cover-image", "scripted", "svg"...).
    pub properties: Vec<String>,
}

/// An itemref, before it is matched with the manifest and the archive.
#[derive(Debug, Clone)]
pub(crate) struct Itemref {
    pub(crate) idref: String,
    pub(crate) linear: bool,
    pub(crate) layout: Option<Layout>,
}

/// What the package document says.
#[derive(Debug, Clone)]
pub(crate) struct Package {
    pub(crate) version: String,
    pub(crate) metadata: Metadata,
    pub(crate) layout: Layout,
    pub(crate) direction: Direction,
    pub(crate) manifest: Vec<Resource>,
    pub(crate) itemrefs: Vec<Itemref>,
    /// EPUB 2 `<meta name="cover" content="…">`.
    pub(crate) cover_meta: Option<String>,
    /// `spine/@toc`: the manifest id of the NCX.
    pub(crate) ncx_id: Option<String>,
    /// The `dc:identifier` named by `package/@unique-identifier` (else the first one): the key
    /// of font obfuscation.
    pub(crate) unique_identifier: Option<String>,
}

/// Parses the package document found at `opf_path`.
pub(crate) fn parse(bytes: &[u8], opf_path: &str) -> Result<Package, Error> {
    let root = xml::parse(bytes, opf_path)?;
    let version = root.attr("version").map(str::trim).filter(|v| !v.is_empty()).unwrap_or("2.0").to_owned();

    let metadata_element = root.child("metadata");
    let metadata_children: Vec<&Element> = metadata_element.map(Element::descendants).unwrap_or_default();
    let refinements = refinements(&metadata_children);
    let metadata = metadata(&metadata_children, &refinements);

    let unique_identifier = {
        let wanted = root.attr("unique-identifier").map(str::trim);
        let identifiers: Vec<&&Element> = metadata_children.iter().filter(|e| e.name() == "identifier").collect();
        identifiers
            .iter()
            .find(|e| wanted.is_some() && e.attr("id").map(str::trim) == wanted)
            .or_else(|| identifiers.first())
            .map(|e| e.text().trim().to_owned())
    };

    let mut layout = Layout::Reflowable;
    let mut cover_meta = None;
    for meta in metadata_children.iter().filter(|e| e.name() == "meta") {
        if meta.attr("refines").is_some() {
            continue;
        }
        if meta.attr("property").map(str::trim) == Some("rendition:layout") {
            layout = parse_layout(&meta.text()).unwrap_or(layout);
        }
        if meta.attr("name").map(str::trim) == Some("cover") && cover_meta.is_none() {
            cover_meta = meta.attr("content").map(|c| c.trim().to_owned()).filter(|c| !c.is_empty());
        }
    }

    let manifest = root
        .child("manifest")
        .map(|manifest| {
            manifest.elements().filter(|e| e.name() == "item").filter_map(|item| resource(item, opf_path)).collect()
        })
        .unwrap_or_default();

    let spine = root.child("spine");
    let direction = match spine.and_then(|s| s.attr("page-progression-direction")).map(str::trim) {
        Some("rtl") => Direction::Rtl,
        Some("ltr") => Direction::Ltr,
        _ => Direction::Default,
    };
    let ncx_id = spine.and_then(|s| s.attr("toc")).map(|toc| toc.trim().to_owned());
    let itemrefs = spine
        .map(|spine| spine.elements().filter(|e| e.name() == "itemref").filter_map(itemref).collect())
        .unwrap_or_default();

    Ok(Package { version, metadata, layout, direction, manifest, itemrefs, cover_meta, ncx_id, unique_identifier })
}

fn parse_layout(value: &str) -> Option<Layout> {
    match value.trim() {
        "pre-paginated" => Some(Layout::PrePaginated),
        "reflowable" => Some(Layout::Reflowable),
        _ => None,
    }
}

fn resource(item: &Element, opf_path: &str) -> Option<Resource> {
    // Remote resources and hrefs climbing out of the archive are not entries: dropped.
    let target = path::resolve(opf_path, item.attr("href")?)?;
    Some(Resource {
        id: item.attr("id").unwrap_or("").trim().to_owned(),
        href: target.path,
        media_type: item.attr("media-type").unwrap_or("").trim().to_owned(),
        properties: item.attr("properties").unwrap_or("").split_ascii_whitespace().map(str::to_owned).collect(),
    })
}

fn itemref(element: &Element) -> Option<Itemref> {
    let idref = element.attr("idref")?.trim().to_owned();
    let layout =
        element.attr("properties").unwrap_or("").split_ascii_whitespace().find_map(|property| match property {
            "rendition:layout-pre-paginated" => Some(Layout::PrePaginated),
            "rendition:layout-reflowable" => Some(Layout::Reflowable),
            _ => None,
        });
    Some(Itemref { idref, linear: element.attr("linear").map(str::trim) != Some("no"), layout })
}

/// A `<meta refines="#id" property="…" scheme="…">value</meta>`.
struct Refinement {
    scheme: Option<String>,
    value: String,
}

/// EPUB 3 refinements by (refined id, property); the first one wins. Keyed lookups keep a
/// package with thousands of refinements linear.
type Refinements = HashMap<(String, String), Refinement>;

fn refinements(elements: &[&Element]) -> Refinements {
    let mut found = Refinements::new();
    for meta in elements.iter().filter(|e| e.name() == "meta") {
        let (Some(refines), Some(property)) = (meta.attr("refines"), meta.attr("property")) else {
            continue;
        };
        let key = (refines.trim().trim_start_matches('#').to_owned(), property.trim().to_owned());
        found.entry(key).or_insert_with(|| Refinement {
            scheme: meta.attr("scheme").map(|s| s.trim().to_owned()),
            value: meta.text(),
        });
    }
    found
}

fn refinement<'r>(refinements: &'r Refinements, element: &Element, property: &str) -> Option<&'r Refinement> {
    let id = element.attr("id")?.trim();
    refinements.get(&(id.to_owned(), property.to_owned()))
}

/// A Dublin Core element (`dc:` or `dcterms:`), or one whose prefix the book forgot to declare.
fn is_dc(element: &Element, local: &str) -> bool {
    let dublin_core =
        element.tag.namespace.as_deref().is_none_or(|namespace| namespace.starts_with("http://purl.org/dc/"));
    // OPF 1.x capitalised the names (dc:Title); accept both.
    dublin_core && element.name().eq_ignore_ascii_case(local)
}

fn opf_event(element: &Element) -> Option<&str> {
    element.tag.attr_ns(OPF_NS, "opf", "event").map(str::trim)
}

fn metadata(elements: &[&Element], refinements: &Refinements) -> Metadata {
    let texts = |local: &str| -> Vec<(&Element, String)> {
        elements
            .iter()
            .filter(|e| is_dc(e, local))
            .map(|e| (*e, e.text()))
            .filter(|(_, text)| !text.is_empty())
            .collect()
    };
    let first = |local: &str| texts(local).into_iter().next().map(|(_, text)| text);

    let titles = texts("title");
    let title = titles
        .iter()
        .find(|(element, _)| refinement(refinements, element, "title-type").is_some_and(|r| r.value == "main"))
        .or_else(|| titles.first())
        .map(|(_, text)| text.clone())
        .unwrap_or_default();

    let dates = texts("date");
    let published = ["publication", "original-publication"]
        .iter()
        .find_map(|event| dates.iter().find(|(e, _)| opf_event(e) == Some(event)))
        .or_else(|| dates.iter().find(|(e, _)| opf_event(e).is_none()))
        .or_else(|| dates.first())
        .map(|(_, text)| text.clone());
    let modified = elements
        .iter()
        .filter(|e| e.name() == "meta" && e.attr("refines").is_none())
        .find(|e| e.attr("property").map(str::trim) == Some("dcterms:modified"))
        .map(|e| e.text())
        .filter(|text| !text.is_empty())
        .or_else(|| dates.iter().find(|(e, _)| opf_event(e) == Some("modification")).map(|(_, text)| text.clone()));

    Metadata {
        title,
        authors: texts("creator").into_iter().map(|(_, text)| text).collect(),
        language: first("language"),
        publisher: first("publisher"),
        description: elements
            .iter()
            .find(|e| is_dc(e, "description"))
            .map(|e| plain_description(&e.text()))
            .filter(|text| !text.is_empty()),
        identifiers: texts("identifier")
            .into_iter()
            .map(|(element, value)| Identifier { scheme: identifier_scheme(element, &value, refinements), value })
            .collect(),
        published,
        modified,
    }
}

fn identifier_scheme(element: &Element, value: &str, refinements: &Refinements) -> Option<String> {
    let lower = value.to_ascii_lowercase();
    let from_prefix =
        [("urn:isbn:", "ISBN"), ("isbn:", "ISBN"), ("urn:uuid:", "UUID"), ("urn:doi:", "DOI"), ("doi:", "DOI")]
            .iter()
            .find(|(prefix, _)| lower.starts_with(prefix))
            .map(|(_, scheme)| (*scheme).to_owned());
    let from_opf =
        element.tag.attr_ns(OPF_NS, "opf", "scheme").map(str::trim).filter(|s| !s.is_empty()).map(well_known_scheme);
    let from_refinement = refinement(refinements, element, "identifier-type").and_then(|r| {
        if r.scheme.as_deref() == Some("onix:codelist5") {
            match r.value.as_str() {
                "02" | "15" => Some("ISBN".to_owned()),
                "06" => Some("DOI".to_owned()),
                "22" => Some("URN".to_owned()),
                _ => None,
            }
        } else {
            Some(well_known_scheme(&r.value)).filter(|s| !s.is_empty())
        }
    });
    from_prefix.or(from_opf).or(from_refinement)
}

fn well_known_scheme(scheme: &str) -> String {
    let upper = scheme.to_ascii_uppercase();
    match upper.as_str() {
        "ISBN" | "UUID" | "DOI" | "URN" | "URI" | "URL" | "ISSN" => upper,
        _ => scheme.to_owned(),
    }
}

/// Descriptions often carry escaped HTML (`&lt;p&gt;`); readers show it as text.
fn plain_description(text: &str) -> String {
    if !text.contains('<') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let tag = &rest[open + 1..open + close];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if text::is_block(&name) {
            out.push('\n');
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    // The HTML was escaped once for XML; its own entities (&amp;, &eacute;) remain.
    let unescaped = xml::unescape(&out);
    unescaped.lines().map(xml::collapse_whitespace).filter(|line| !line.is_empty()).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package(metadata: &str, rest: &str) -> Package {
        let source = format!(
            r#"<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid">
            <metadata xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:opf="http://www.idpf.org/2007/opf">{metadata}</metadata>
            {rest}</package>"#
        );
        parse(source.as_bytes(), "OEBPS/content.opf").expect("test package is well-formed")
    }

    #[test]
    fn identifier_schemes_come_from_prefix_attribute_or_refinement() {
        let cases: &[(&str, Option<&str>)] = &[
            (r#"<dc:identifier>urn:isbn:9782070612758</dc:identifier>"#, Some("ISBN")),
            (r#"<dc:identifier opf:scheme="URN">urn:uuid:8a5c1522-197b</dc:identifier>"#, Some("UUID")),
            (r#"<dc:identifier>doi:10.1000/182</dc:identifier>"#, Some("DOI")),
            (r#"<dc:identifier opf:scheme="isbn">9782070612758</dc:identifier>"#, Some("ISBN")),
            (r#"<dc:identifier opf:scheme="calibre">42</dc:identifier>"#, Some("calibre")),
            (
                r##"<dc:identifier id="i">9782070612758</dc:identifier>
                <meta refines="#i" property="identifier-type" scheme="onix:codelist5">15</meta>"##,
                Some("ISBN"),
            ),
            (
                r##"<dc:identifier id="i">x</dc:identifier>
                <meta refines="#i" property="identifier-type" scheme="onix:codelist5">01</meta>"##,
                None,
            ),
            (r#"<dc:identifier>http://www.gutenberg.org/ebooks/25545</dc:identifier>"#, None),
        ];
        for (metadata, expected) in cases {
            let package = package(metadata, "");
            let identifier = &package.metadata.identifiers[0];
            assert_eq!(identifier.scheme.as_deref(), *expected, "scheme of {metadata}");
        }
    }

    #[test]
    fn the_main_title_wins_and_authors_keep_document_order() {
        let package = package(
            r##"<dc:title id="t2">Encyclopaedia Britannica</dc:title>
            <meta refines="#t2" property="title-type">collection</meta>
            <dc:title id="t1">Georgia</dc:title>
            <meta refines="#t1" property="title-type">main</meta>
            <dc:creator id="b">Second Listed</dc:creator>
            <meta refines="#b" property="display-seq">1</meta>
            <dc:creator id="a">  First
               Listed </dc:creator>
            <meta refines="#a" property="display-seq">2</meta>
            <dc:language>fr</dc:language>"##,
            "",
        );
        assert_eq!(package.metadata.title, "Georgia", "title-type main wins");
        assert_eq!(
            package.metadata.authors,
            ["Second Listed", "First Listed"],
            "creators stay in document order, whitespace collapsed"
        );
        assert_eq!(package.metadata.language.as_deref(), Some("fr"));
    }

    #[test]
    fn epub2_dates_prefer_the_publication_event() {
        let package = package(
            r#"<dc:date opf:event="ops-publication">2006-12-28</dc:date>
            <dc:date opf:event="original-publication">1851</dc:date>
            <dc:date opf:event="modification">2010-01-01</dc:date>"#,
            "",
        );
        assert_eq!(package.metadata.published.as_deref(), Some("1851"));
        assert_eq!(package.metadata.modified.as_deref(), Some("2010-01-01"));
    }

    #[test]
    fn descriptions_lose_their_html() {
        let cases = [
            ("A plain summary.", "A plain summary."),
            (
                "&lt;p&gt;Tom &amp;amp; Jerry&lt;/p&gt;&lt;p&gt;Second &lt;b&gt;bold&lt;/b&gt; line&lt;/p&gt;",
                "Tom & Jerry\nSecond bold line",
            ),
            ("<p xmlns=\"http://www.w3.org/1999/xhtml\">Inline <i>XHTML</i></p>", "Inline XHTML"),
        ];
        for (raw, expected) in cases {
            let package = package(&format!("<dc:description>{raw}</dc:description>"), "");
            assert_eq!(package.metadata.description.as_deref(), Some(expected), "description {raw:?}");
        }
    }

    #[test]
    fn manifest_and_spine_resolve_paths_and_rendition_properties() {
        let package = package(
            r#"<meta property="rendition:layout">pre-paginated</meta><meta name="cover" content="img"/>"#,
            r#"<manifest>
                <item id="c1" href="text/ch%201.xhtml" media-type="application/xhtml+xml"/>
                <item id="img" href="../images/cover.jpg" media-type="image/jpeg" properties="cover-image"/>
                <item id="remote" href="https://example.com/a.mp3" media-type="audio/mpeg"/>
            </manifest>
            <spine toc="ncx" page-progression-direction="rtl">
                <itemref idref="c1" properties="rendition:layout-reflowable page-spread-left"/>
                <itemref idref="img" linear="no"/>
            </spine>"#,
        );
        assert_eq!(package.layout, Layout::PrePaginated);
        assert_eq!(package.direction, Direction::Rtl);
        assert_eq!(package.cover_meta.as_deref(), Some("img"));
        assert_eq!(package.ncx_id.as_deref(), Some("ncx"));
        let hrefs: Vec<&str> = package.manifest.iter().map(|r| r.href.as_str()).collect();
        assert_eq!(
            hrefs,
            ["OEBPS/text/ch 1.xhtml", "images/cover.jpg"],
            "hrefs are full decoded paths; remote items are dropped"
        );
        assert_eq!(package.manifest[1].properties, ["cover-image"]);
        let spine: Vec<(&str, bool, Option<Layout>)> =
            package.itemrefs.iter().map(|i| (i.idref.as_str(), i.linear, i.layout)).collect();
        assert_eq!(
            spine,
            [("c1", true, Some(Layout::Reflowable)), ("img", false, None)],
            "linear and per-item layout come from the itemref"
        );
    }
}
