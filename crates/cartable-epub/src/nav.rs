//! Navigation: the table of contents and the list of printed pages, from the EPUB 3 navigation
//! document or the EPUB 2 NCX.

use std::collections::HashMap;

use crate::path::{self, Target};
use crate::xml::Element;

/// An entry of the table of contents, flattened in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TocEntry {
    /// The label shown to the reader, whitespace collapsed.
    pub title: String,
    /// Full path inside the archive, plus `#fragment` when the entry points inside a document.
    /// A heading without link of its own (an EPUB 3 `<span>`) points where its first child
    /// entry points.
    pub href: String,
    /// Nesting level in the source list: 0 for top-level entries.
    pub depth: u32,
    /// The spine item the entry points into, if it points into one.
    pub spine_index: Option<usize>,
}

/// A printed-page marker: where page `label` of the print edition begins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageTarget {
    /// The printed page label ("xii", "42").
    pub label: String,
    /// Full path inside the archive, plus `#fragment`.
    pub href: String,
    /// The spine item the page starts in.
    pub spine_index: Option<usize>,
}

/// Navigation read from one document; page targets keep their resolved target so that
/// `section_text` can match fragments exactly.
#[derive(Debug, Default)]
pub(crate) struct Navigation {
    pub(crate) toc: Vec<TocEntry>,
    pub(crate) pages: Vec<(PageTarget, Target)>,
}

/// Spine document path → spine index.
pub(crate) type SpineIndex = HashMap<String, usize>;

/// Reads an EPUB 3 navigation document (`nav` elements with `epub:type` "toc" and
/// "page-list"). Entries inside `hidden` sub-lists of the table of contents are left out, as the
/// author asked reading systems not to show them.
pub(crate) fn from_nav_document(root: &Element, nav_path: &str, spine: &SpineIndex) -> Navigation {
    let mut navigation = Navigation::default();
    let navs: Vec<&Element> = root.descendants().into_iter().filter(|e| e.name() == "nav").collect();
    let list_of = |kind: &str, role: &str| {
        navs.iter()
            .find(|nav| {
                nav.tag.epub_types().any(|t| t == kind)
                    || nav.attr("role").is_some_and(|r| r.split_ascii_whitespace().any(|r| r == role))
            })
            .and_then(|nav| first_list(nav))
    };
    if let Some(list) = list_of("toc", "doc-toc") {
        let mut entries = Vec::new();
        walk_list(list, 0, true, nav_path, &mut entries);
        navigation.toc = resolved(entries)
            .map(|(title, target, depth)| TocEntry {
                title,
                href: target.to_href(),
                depth,
                spine_index: spine.get(&target.path).copied(),
            })
            .collect();
    }
    if let Some(list) = list_of("page-list", "doc-pagelist") {
        let mut entries = Vec::new();
        walk_list(list, 0, false, nav_path, &mut entries);
        navigation.pages = resolved(entries).map(|(label, target, _)| page(label, target, spine)).collect();
    }
    navigation
}

/// The `ol` of a `nav`: a direct child normally, else the first one below.
fn first_list(nav: &Element) -> Option<&Element> {
    nav.child("ol").or_else(|| nav.descendants().into_iter().find(|element| element.name() == "ol"))
}

fn is_hidden(element: &Element) -> bool {
    element.attr("hidden").is_some()
}

/// Flattened list entries: (label, target, depth). A heading without link of its own has no
/// target until its first child entry gives it one; entries still without target are dropped.
type Flat = Vec<(String, Option<Target>, u32)>;

/// Flattens an `ol` of `li`, in document order. One pass: a heading takes the target of the
/// entry that follows it, so hostile nesting cannot make this quadratic.
fn walk_list(list: &Element, depth: u32, skip_hidden: bool, nav_path: &str, out: &mut Flat) {
    for item in list.elements().filter(|e| e.name() == "li") {
        if skip_hidden && is_hidden(item) {
            continue;
        }
        let sublist = item.elements().find(|e| e.name() == "ol").filter(|sublist| !(skip_hidden && is_hidden(sublist)));
        let label = item.elements().find(|e| e.name() == "a" || e.name() == "span");
        let at = out.len();
        let mut heading = false;
        if let Some(label) = label {
            let title = Some(label.text())
                .filter(|text| !text.is_empty())
                .or_else(|| label.attr("title").map(crate::xml::collapse_whitespace))
                .filter(|text| !text.is_empty());
            let target = label.attr("href").and_then(|href| path::resolve(nav_path, href));
            if let Some(title) = title {
                heading = target.is_none();
                out.push((title, target, depth));
            }
        }
        if let Some(sublist) = sublist {
            walk_list(sublist, depth.saturating_add(1), skip_hidden, nav_path, out);
        }
        if heading {
            let first_child = out.get(at + 1).and_then(|(_, target, _)| target.clone());
            out[at].1 = first_child;
        }
    }
}

/// Keeps the entries that have a target.
fn resolved(entries: Flat) -> impl Iterator<Item = (String, Target, u32)> {
    entries.into_iter().filter_map(|(label, target, depth)| Some((label, target?, depth)))
}

fn page(label: String, target: Target, spine: &SpineIndex) -> (PageTarget, Target) {
    let page = PageTarget { label, href: target.to_href(), spine_index: spine.get(&target.path).copied() };
    (page, target)
}

/// Reads an EPUB 2 NCX: `navMap` (nested `navPoint`s) and `pageList`.
pub(crate) fn from_ncx(root: &Element, ncx_path: &str, spine: &SpineIndex) -> Navigation {
    let mut navigation = Navigation::default();
    if let Some(map) = root.child("navMap") {
        let mut entries = Vec::new();
        walk_points(map, 0, ncx_path, &mut entries);
        navigation.toc = entries
            .into_iter()
            .map(|(title, target, depth)| TocEntry {
                title,
                href: target.to_href(),
                depth,
                spine_index: spine.get(&target.path).copied(),
            })
            .collect();
    }
    if let Some(list) = root.child("pageList") {
        navigation.pages = list
            .descendants()
            .into_iter()
            .filter(|e| e.name() == "pageTarget")
            .filter_map(|target| labelled_target(target, ncx_path))
            .map(|(label, target)| page(label, target, spine))
            .collect();
    }
    navigation
}

fn walk_points(parent: &Element, depth: u32, ncx_path: &str, out: &mut Vec<(String, Target, u32)>) {
    for point in parent.elements().filter(|e| e.name() == "navPoint") {
        if let Some((title, target)) = labelled_target(point, ncx_path) {
            out.push((title, target, depth));
        }
        walk_points(point, depth.saturating_add(1), ncx_path, out);
    }
}

/// `navLabel/text` and `content/@src` of a `navPoint` or `pageTarget`.
fn labelled_target(element: &Element, ncx_path: &str) -> Option<(String, Target)> {
    let label = element.child("navLabel")?;
    let title = label.child("text").map(Element::text).filter(|text| !text.is_empty()).unwrap_or_else(|| label.text());
    if title.is_empty() {
        return None;
    }
    let target = path::resolve(ncx_path, element.child("content")?.attr("src")?)?;
    Some((title, target))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml;

    fn spine() -> SpineIndex {
        [("EPUB/s1.xhtml", 0), ("EPUB/s2.xhtml", 1)].into_iter().map(|(path, index)| (path.to_owned(), index)).collect()
    }

    #[test]
    fn nav_document_toc_is_flattened_with_depths() {
        let source = r#"<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><body>
          <nav epub:type="landmarks"><ol><li><a href="s2.xhtml">Not the TOC</a></li></ol></nav>
          <nav epub:type="toc"><h1>Contents</h1><ol>
            <li><a href="s1.xhtml">Part  <em>One</em></a>
              <ol>
                <li><a href="s1.xhtml#c1">Chapter 1</a></li>
                <li><span>Author heading</span><ol><li><a href="s2.xhtml#x">Story</a></li></ol></li>
                <li><a href="s2.xhtml">Chapter 2</a><ol hidden=""><li><a href="s2.xhtml#h">Hidden</a></li></ol></li>
              </ol>
            </li>
            <li><a href="../elsewhere.xhtml">Outside the spine</a></li>
          </ol></nav>
          <nav epub:type="page-list" hidden=""><ol>
            <li><a href="s1.xhtml#p1">i</a></li><li><a href="s2.xhtml#p2">2</a></li>
          </ol></nav>
        </body></html>"#;
        let root = xml::parse(source.as_bytes(), "EPUB/nav.xhtml").expect("well-formed nav");
        let navigation = from_nav_document(&root, "EPUB/nav.xhtml", &spine());
        let toc: Vec<(&str, &str, u32, Option<usize>)> =
            navigation.toc.iter().map(|e| (e.title.as_str(), e.href.as_str(), e.depth, e.spine_index)).collect();
        assert_eq!(
            toc,
            [
                ("Part One", "EPUB/s1.xhtml", 0, Some(0)),
                ("Chapter 1", "EPUB/s1.xhtml#c1", 1, Some(0)),
                ("Author heading", "EPUB/s2.xhtml#x", 1, Some(1)),
                ("Story", "EPUB/s2.xhtml#x", 2, Some(1)),
                ("Chapter 2", "EPUB/s2.xhtml", 1, Some(1)),
                ("Outside the spine", "elsewhere.xhtml", 0, None),
            ],
            "the toc nav only, in order, hidden sub-lists left out, headings take their first child's link"
        );
        let pages: Vec<(&str, &str, Option<usize>)> =
            navigation.pages.iter().map(|(p, _)| (p.label.as_str(), p.href.as_str(), p.spine_index)).collect();
        assert_eq!(
            pages,
            [("i", "EPUB/s1.xhtml#p1", Some(0)), ("2", "EPUB/s2.xhtml#p2", Some(1))],
            "a hidden page-list nav is still read"
        );
    }

    #[test]
    fn ncx_nav_map_and_page_list_are_read() {
        let source = r#"<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1"><navMap>
          <navPoint id="a" playOrder="1"><navLabel><text>Chapitre premier</text></navLabel><content src="s1.xhtml"/>
            <navPoint id="b" playOrder="2"><navLabel><text> Section
               A </text></navLabel><content src="s1.xhtml#a"/></navPoint>
          </navPoint>
          <navPoint id="c" playOrder="3"><navLabel><text></text></navLabel><content src="s2.xhtml"/></navPoint>
          <navPoint id="d" playOrder="4"><navLabel><text>Fin</text></navLabel><content src="s2.xhtml#end"/></navPoint>
        </navMap><pageList><pageTarget type="normal" value="7"><navLabel><text>7</text></navLabel>
          <content src="s2.xhtml#page7"/></pageTarget></pageList></ncx>"#;
        let root = xml::parse(source.as_bytes(), "EPUB/toc.ncx").expect("well-formed NCX");
        let navigation = from_ncx(&root, "EPUB/toc.ncx", &spine());
        let toc: Vec<(&str, &str, u32)> =
            navigation.toc.iter().map(|e| (e.title.as_str(), e.href.as_str(), e.depth)).collect();
        assert_eq!(
            toc,
            [
                ("Chapitre premier", "EPUB/s1.xhtml", 0),
                ("Section A", "EPUB/s1.xhtml#a", 1),
                ("Fin", "EPUB/s2.xhtml#end", 0),
            ],
            "nested navPoints give depths; an empty label is skipped"
        );
        assert_eq!(navigation.pages.len(), 1);
        assert_eq!(navigation.pages[0].0.label, "7");
        assert_eq!(navigation.pages[0].1.fragment.as_deref(), Some("page7"));
    }
}
