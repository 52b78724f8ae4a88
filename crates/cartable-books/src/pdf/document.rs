//! A whole document: pages, fonts, outline, page labels, links and metadata.

use super::content::Content;
use super::file::{File, Unwritten};
use super::font::{self, Face};
use super::object::{Dict, Object, Ref};

/// A point on a page that a link or an outline entry opens at.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Target {
    /// Index of the page in the document, from 0.
    pub(crate) page: usize,
    /// Height, in points from the bottom of the page, shown at the top of the window.
    pub(crate) top: f64,
}

/// A clickable area that jumps to a target.
pub(crate) struct Link {
    /// Lower-left x, lower-left y, upper-right x, upper-right y.
    pub(crate) rect: [f64; 4],
    pub(crate) target: Target,
}

/// One page: its drawing and its links.
pub(crate) struct Page {
    pub(crate) content: Content,
    pub(crate) links: Vec<Link>,
}

/// An entry of the document outline (the bookmarks panel).
pub(crate) struct OutlineItem {
    pub(crate) title: String,
    pub(crate) target: Target,
    pub(crate) children: Vec<OutlineItem>,
}

/// How a range of pages is numbered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Numbering {
    /// i, ii, iii…
    LowerRoman,
    /// 1, 2, 3…
    Decimal,
}

/// Pages from `first_page` on are labelled with `style`, starting at `start`.
pub(crate) struct LabelRange {
    pub(crate) first_page: usize,
    pub(crate) style: Numbering,
    pub(crate) start: usize,
}

/// The document information dictionary. `date` is in PDF form, `D:YYYYMMDDHHmmSSZ`.
pub(crate) struct Info {
    pub(crate) title: String,
    pub(crate) author: String,
    pub(crate) subject: String,
    pub(crate) keywords: String,
    pub(crate) creator: String,
    pub(crate) date: String,
}

/// Everything needed to write the file.
pub(crate) struct Document {
    pub(crate) width: f64,
    pub(crate) height: f64,
    pub(crate) lang: String,
    pub(crate) info: Info,
    pub(crate) pages: Vec<Page>,
    pub(crate) outline: Vec<OutlineItem>,
    pub(crate) labels: Vec<LabelRange>,
}

/// Writes the document as PDF bytes.
pub(crate) fn write(doc: &Document) -> Result<Vec<u8>, Unwritten> {
    let mut file = File::new();
    let catalog = file.reserve();
    let pages_root = file.reserve();
    let page_refs: Vec<Ref> = doc.pages.iter().map(|_| file.reserve()).collect();
    let shared = resources(&mut file);
    let resources = file.add(shared);
    for (page, r) in doc.pages.iter().zip(&page_refs) {
        let dict = page_dict(&mut file, doc, page, pages_root, resources, &page_refs);
        file.set(*r, dict);
    }
    let kids: Vec<Object> = page_refs.iter().map(|r| Object::Ref(*r)).collect();
    file.set(pages_root, Dict::typed("Pages").with("Kids", kids).with("Count", page_refs.len()));
    let outlines = write_outline(&mut file, &doc.outline, &page_refs);
    file.set(
        catalog,
        Dict::typed("Catalog")
            .with("Pages", pages_root)
            .with("Outlines", outlines)
            .with("PageMode", Object::name("UseOutlines"))
            .with("PageLabels", page_labels(&doc.labels))
            .with("Lang", Object::text(&doc.lang))
            .with("ViewerPreferences", Dict::new().with("DisplayDocTitle", true)),
    );
    let info = file.add(info_dict(&doc.info));
    file.finish(catalog, info)
}

/// The font resources shared by every page.
fn resources(file: &mut File) -> Dict {
    let mut fonts = Dict::new();
    for face in Face::ALL {
        let widths: Vec<Object> = font::widths(face).into_iter().map(|w| Object::Int(i64::from(w))).collect();
        let font = file.add(
            Dict::typed("Font")
                .with("Subtype", Object::name("Type1"))
                .with("BaseFont", Object::name(face.base_font()))
                .with("Encoding", Object::name("WinAnsiEncoding"))
                .with("FirstChar", i64::from(font::FIRST_CODE))
                .with("LastChar", i64::from(font::LAST_CODE))
                .with("Widths", widths),
        );
        fonts.set(face.resource(), font);
    }
    Dict::new().with("Font", fonts).with("ProcSet", vec![Object::name("PDF"), Object::name("Text")])
}

fn page_dict(file: &mut File, doc: &Document, page: &Page, parent: Ref, resources: Ref, page_refs: &[Ref]) -> Dict {
    let contents = file.add_stream(Dict::new(), page.content.bytes());
    let mut dict = Dict::typed("Page")
        .with("Parent", parent)
        .with("MediaBox", vec![Object::Int(0), Object::Int(0), Object::Real(doc.width), Object::Real(doc.height)])
        .with("Resources", resources)
        .with("Contents", contents);
    if !page.links.is_empty() {
        let annots: Vec<Object> =
            page.links.iter().map(|link| Object::Ref(file.add(link_dict(link, page_refs)))).collect();
        dict.set("Annots", annots);
    }
    dict
}

fn link_dict(link: &Link, page_refs: &[Ref]) -> Dict {
    let rect: Vec<Object> = link.rect.iter().map(|x| Object::Real(*x)).collect();
    Dict::typed("Annot")
        .with("Subtype", Object::name("Link"))
        .with("Rect", rect)
        .with("Border", vec![Object::Int(0), Object::Int(0), Object::Int(0)])
        .with("Dest", destination(link.target, page_refs))
}

/// `[page /XYZ 0 top null]`: open the page scrolled to `top`, keeping the zoom.
fn destination(target: Target, page_refs: &[Ref]) -> Object {
    let page = page_refs.get(target.page).map_or(Object::Null, |r| Object::Ref(*r));
    Object::Array(vec![page, Object::name("XYZ"), Object::Int(0), Object::Real(target.top), Object::Null])
}

/// Writes the outline tree and returns the reference of its root.
fn write_outline(file: &mut File, items: &[OutlineItem], page_refs: &[Ref]) -> Ref {
    let root = file.reserve();
    let (first, last) = write_outline_level(file, items, root, page_refs);
    let mut dict = Dict::typed("Outlines").with("Count", visible_count(items));
    if let (Some(first), Some(last)) = (first, last) {
        dict.set("First", first);
        dict.set("Last", last);
    }
    file.set(root, dict);
    root
}

/// Writes siblings under `parent`; returns the first and last of them.
fn write_outline_level(
    file: &mut File,
    items: &[OutlineItem],
    parent: Ref,
    page_refs: &[Ref],
) -> (Option<Ref>, Option<Ref>) {
    let refs: Vec<Ref> = items.iter().map(|_| file.reserve()).collect();
    for (i, (item, r)) in items.iter().zip(&refs).enumerate() {
        let mut dict = Dict::new()
            .with("Title", Object::text(&item.title))
            .with("Parent", parent)
            .with("Dest", destination(item.target, page_refs));
        if let Some(prev) = i.checked_sub(1).and_then(|p| refs.get(p)) {
            dict.set("Prev", *prev);
        }
        if let Some(next) = refs.get(i + 1) {
            dict.set("Next", *next);
        }
        let (first, last) = write_outline_level(file, &item.children, *r, page_refs);
        if let (Some(first), Some(last)) = (first, last) {
            dict.set("First", first);
            dict.set("Last", last);
            // Positive: the entry starts open, showing its sections.
            dict.set("Count", visible_count(&item.children));
        }
        file.set(*r, dict);
    }
    (refs.first().copied(), refs.last().copied())
}

/// The number of entries shown when every level is open.
fn visible_count(items: &[OutlineItem]) -> usize {
    items.iter().map(|item| 1 + visible_count(&item.children)).sum()
}

fn page_labels(ranges: &[LabelRange]) -> Dict {
    let mut nums = Vec::new();
    for range in ranges {
        let style = match range.style {
            Numbering::LowerRoman => "r",
            Numbering::Decimal => "D",
        };
        nums.push(Object::from(range.first_page));
        nums.push(Dict::new().with("S", Object::name(style)).with("St", range.start).into());
    }
    Dict::new().with("Nums", nums)
}

fn info_dict(info: &Info) -> Dict {
    Dict::new()
        .with("Title", Object::text(&info.title))
        .with("Author", Object::text(&info.author))
        .with("Subject", Object::text(&info.subject))
        .with("Keywords", Object::text(&info.keywords))
        .with("Creator", Object::text(&info.creator))
        .with("Producer", Object::text(&info.creator))
        .with("CreationDate", Object::text(&info.date))
        .with("ModDate", Object::text(&info.date))
}

/// The printed form of a page number in a numbering style.
pub(crate) fn label(style: Numbering, n: usize) -> String {
    match style {
        Numbering::Decimal => n.to_string(),
        Numbering::LowerRoman => roman(n),
    }
}

fn roman(mut n: usize) -> String {
    const DIGITS: [(usize, &str); 13] = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut out = String::new();
    for (value, digits) in DIGITS {
        while n >= value {
            out.push_str(digits);
            n -= value;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roman_numerals_for_front_matter() {
        let cases = [(1, "i"), (2, "ii"), (4, "iv"), (9, "ix"), (14, "xiv")];
        for (n, text) in cases {
            assert_eq!(label(Numbering::LowerRoman, n), text);
        }
        assert_eq!(label(Numbering::Decimal, 12), "12");
    }

    fn item(title: &str, children: Vec<OutlineItem>) -> OutlineItem {
        OutlineItem { title: title.to_owned(), target: Target { page: 0, top: 0.0 }, children }
    }

    #[test]
    fn outline_count_includes_open_descendants() {
        let tree = vec![item("1", vec![item("1.1", vec![]), item("1.2", vec![])]), item("2", vec![])];
        assert_eq!(visible_count(&tree), 4, "two chapters and two sections");
    }

    #[test]
    fn a_small_document_has_labels_outline_and_language() {
        let doc = Document {
            width: 100.0,
            height: 100.0,
            lang: "fr-FR".to_owned(),
            info: Info {
                title: "Titre".to_owned(),
                author: "A".to_owned(),
                subject: "S".to_owned(),
                keywords: "k".to_owned(),
                creator: "c".to_owned(),
                date: "D:20260101000000Z".to_owned(),
            },
            pages: vec![Page { content: Content::new(), links: Vec::new() }],
            outline: vec![item("Un", vec![])],
            labels: vec![LabelRange { first_page: 0, style: Numbering::LowerRoman, start: 1 }],
        };
        let bytes = write(&doc).expect("every object is written");
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("/PageLabels <</Nums [0 <</S /r /St 1 >>]"));
        assert!(text.contains("/PageMode /UseOutlines"));
        assert!(text.contains("/Lang (fr-FR)"));
        assert!(text.contains("/Dest [3 0 R /XYZ 0 0 null]"));
    }
}
