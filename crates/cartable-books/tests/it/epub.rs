//! The two EPUBs: zip layout, container, package, manifest and navigation.

use std::io::{Cursor, Read as _};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use zip::{CompressionMethod, ZipArchive};

use crate::bundled;

const REFLOWABLE: &str = "sciences-cycle-de-l-eau.epub";
const FIXED: &str = "geometrie-cahier-fxl.epub";

struct Epub {
    zip: ZipArchive<Cursor<&'static [u8]>>,
}

impl Epub {
    fn open(file_name: &str) -> Epub {
        let zip = ZipArchive::new(Cursor::new(bundled(file_name).bytes)).expect("a valid zip");
        Epub { zip }
    }

    fn read(&mut self, path: &str) -> String {
        let mut file = self.zip.by_name(path).unwrap_or_else(|_| panic!("{path} is in the container"));
        let mut text = String::new();
        file.read_to_string(&mut text).expect("UTF-8 text");
        text
    }

    fn names(&self) -> Vec<String> {
        self.zip.file_names().map(|name| name.expect("a UTF-8 entry name").into_owned()).collect()
    }

    fn has(&self, path: &str) -> bool {
        self.names().iter().any(|name| name == path)
    }

    /// The package document: its path and its elements.
    fn package(&mut self) -> (String, Vec<Element>) {
        let container = self.read("META-INF/container.xml");
        let rootfile = elements(&container).into_iter().find(|e| e.name == "rootfile").expect("a rootfile");
        assert_eq!(rootfile.attr("media-type"), Some("application/oebps-package+xml"));
        let path = rootfile.attr("full-path").expect("a full-path").to_owned();
        let opf = self.read(&path);
        (path, elements(&opf))
    }
}

/// An element with its attributes and its own text.
struct Element {
    name: String,
    attrs: Vec<(String, String)>,
    text: String,
}

impl Element {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    fn has_word(&self, attr: &str, word: &str) -> bool {
        self.attr(attr).is_some_and(|v| v.split_whitespace().any(|w| w == word))
    }
}

fn element(e: &BytesStart<'_>) -> Element {
    let attrs = e
        .attributes()
        .map(|a| {
            let a = a.expect("a valid attribute");
            let value = a.normalized_value(quick_xml::XmlVersion::Implicit1_0).expect("a valid value");
            (a.key.as_ref().to_owned(), value.into_owned())
        })
        .collect();
    Element { name: e.name().as_ref().to_owned(), attrs, text: String::new() }
}

/// Every element of a well-formed document, in document order.
fn elements(xml: &str) -> Vec<Element> {
    let mut reader = Reader::from_str(xml);
    let mut out: Vec<Element> = Vec::new();
    let mut open = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => {
                open.push(out.len());
                out.push(element(&e));
            }
            Event::Empty(e) => out.push(element(&e)),
            Event::End(_) => {
                open.pop();
            }
            Event::Text(t) => {
                if let Some(e) = open.last().and_then(|i| out.get_mut(*i)) {
                    e.text.push_str(&t.xml10_content());
                }
            }
            Event::Eof => return out,
            _ => {}
        }
    }
}

/// `href` resolved against the folder of `base`.
fn resolve(base: &str, href: &str) -> String {
    let folder = base.rsplit_once('/').map_or("", |(folder, _)| folder);
    if folder.is_empty() { href.to_owned() } else { format!("{folder}/{href}") }
}

#[test]
fn mimetype_comes_first_stored_and_the_rest_is_deflated() {
    for name in [REFLOWABLE, FIXED] {
        let bytes = bundled(name).bytes;
        // The local header of the first entry: name length 8, no extra field, then the name and the content.
        assert!(bytes.starts_with(b"PK\x03\x04"), "{name} is a zip");
        assert_eq!(&bytes[26..30], &[8, 0, 0, 0], "{name}: mimetype has no extra field");
        assert_eq!(&bytes[30..58], b"mimetypeapplication/epub+zip", "{name}: mimetype first, uncompressed");
        let mut epub = Epub::open(name);
        let first = epub.zip.by_index(0).expect("a first entry");
        let first_name = first.name().expect("a UTF-8 name").into_owned();
        assert_eq!((first_name.as_str(), first.compression()), ("mimetype", CompressionMethod::Stored));
        drop(first);
        for i in 1..epub.zip.len() {
            let entry = epub.zip.by_index(i).expect("an entry");
            let entry_name = entry.name().expect("a UTF-8 name").into_owned();
            assert_eq!(entry.compression(), CompressionMethod::Deflated, "{name}: {entry_name} is deflated");
        }
    }
}

#[test]
fn every_manifest_item_exists_and_every_file_is_in_the_manifest() {
    for name in [REFLOWABLE, FIXED] {
        let mut epub = Epub::open(name);
        let (opf, package) = epub.package();
        let items: Vec<&Element> = package.iter().filter(|e| e.name == "item").collect();
        let mut ids: Vec<&str> = package.iter().filter_map(|e| e.attr("id")).collect();
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count, "{name}: ids of the package are unique");
        for item in &items {
            let href = item.attr("href").expect("an href");
            assert!(epub.has(&resolve(&opf, href)), "{name}: the manifest lists {href}, which is missing");
        }
        let listed: Vec<String> = items.iter().filter_map(|i| i.attr("href")).map(|h| resolve(&opf, h)).collect();
        for file in epub.names() {
            let container = file == "mimetype" || file.starts_with("META-INF/") || file == opf;
            assert!(container || listed.contains(&file), "{name}: {file} is not in the manifest");
        }
        for itemref in package.iter().filter(|e| e.name == "itemref") {
            let idref = itemref.attr("idref").expect("an idref");
            assert!(items.iter().any(|i| i.attr("id") == Some(idref)), "{name}: the spine refers to {idref}");
        }
    }
}

#[test]
fn package_metadata_is_complete() {
    for name in [REFLOWABLE, FIXED] {
        let mut epub = Epub::open(name);
        let (_, package) = epub.package();
        let text = |tag: &str| package.iter().find(|e| e.name == tag).map(|e| e.text.trim().to_owned());
        let meta = |property: &str| {
            package.iter().find(|e| e.name == "meta" && e.attr("property") == Some(property)).map(|e| e.text.clone())
        };
        assert_eq!(package[0].attr("version"), Some("3.0"), "{name}: EPUB 3");
        assert!(text("dc:identifier").is_some_and(|id| id.starts_with("urn:uuid:")), "{name}: a fixed UUID");
        assert!(text("dc:title").is_some(), "{name}: a title");
        assert_eq!(text("dc:creator").as_deref(), Some("L'équipe Cartable"), "{name}: the author");
        assert_eq!(text("dc:language").as_deref(), Some("fr"), "{name}: French");
        assert_eq!(text("dc:publisher").as_deref(), Some("Cartable"), "{name}: the publisher");
        assert!(text("dc:rights").is_some_and(|r| r.contains("CC BY 4.0")), "{name}: the licence");
        assert!(text("dc:description").is_some() && text("dc:subject").is_some(), "{name}: description, subject");
        assert_eq!(meta("dcterms:modified").as_deref(), Some("2026-11-27T08:00:00Z"), "{name}: fixed date");
        let covers = package.iter().filter(|e| e.has_word("properties", "cover-image")).count();
        assert_eq!(covers, 1, "{name}: one cover image");
    }
}

#[test]
fn navigation_has_a_nested_toc_a_page_list_and_targets_that_exist() {
    for name in [REFLOWABLE, FIXED] {
        let mut epub = Epub::open(name);
        let (opf, package) = epub.package();
        let nav_item = package.iter().find(|e| e.has_word("properties", "nav")).expect("a nav document");
        let nav_path = resolve(&opf, nav_item.attr("href").expect("an href"));
        let nav = elements(&epub.read(&nav_path));
        let navs: Vec<&Element> = nav.iter().filter(|e| e.name == "nav").collect();
        assert!(navs.iter().any(|e| e.has_word("epub:type", "toc")), "{name}: a toc");
        assert!(navs.iter().any(|e| e.has_word("epub:type", "page-list")), "{name}: a page-list");
        for link in nav.iter().filter(|e| e.name == "a") {
            let href = link.attr("href").expect("an href");
            let (file, fragment) = href.split_once('#').unwrap_or((href, ""));
            let target = resolve(&nav_path, file);
            let doc = elements(&epub.read(&target));
            let found = fragment.is_empty() || doc.iter().any(|e| e.attr("id") == Some(fragment));
            assert!(found, "{name}: {href} points at nothing");
        }
    }
}

#[test]
fn the_science_book_is_reflowable_with_chapters_figures_and_page_breaks() {
    let mut epub = Epub::open(REFLOWABLE);
    let (opf, package) = epub.package();
    assert!(!package.iter().any(|e| e.attr("property") == Some("rendition:layout")), "reflowable");
    let spine = package.iter().find(|e| e.name == "spine").expect("a spine");
    let ncx = package.iter().find(|e| e.attr("id") == spine.attr("toc")).expect("an NCX for EPUB 2");
    assert_eq!(ncx.attr("media-type"), Some("application/x-dtbncx+xml"));
    let mut chapters = 0;
    let mut breaks = 0;
    let mut all_text = String::new();
    for item in package.iter().filter(|e| e.attr("media-type") == Some("application/xhtml+xml")) {
        let doc = epub.read(&resolve(&opf, item.attr("href").expect("an href")));
        let parsed = elements(&doc);
        chapters += parsed.iter().filter(|e| e.name == "section" && e.has_word("epub:type", "chapter")).count();
        breaks += parsed.iter().filter(|e| e.has_word("epub:type", "pagebreak")).count();
        let has_svg = parsed.iter().any(|e| e.name == "svg");
        assert_eq!(has_svg, item.has_word("properties", "svg"), "the svg property matches inline SVG");
        all_text.push_str(&doc);
    }
    assert!((4..=6).contains(&chapters), "4 to 6 chapters, found {chapters}");
    assert!(breaks >= chapters, "page breaks in the chapters, found {breaks}");
    assert!(
        all_text.contains("L'eau s'évapore sous l'effet de la chaleur du Soleil."),
        "the sentence tests search for"
    );
    assert!(all_text.contains("<table>") && all_text.contains("<svg"), "tables and an SVG figure");
    assert!(all_text.contains("class=\"exercices\""), "exercises at the end of the chapters");
}

#[test]
fn the_workbook_is_fixed_layout_with_a_viewport_on_every_page() {
    let mut epub = Epub::open(FIXED);
    let (opf, package) = epub.package();
    let meta = |property: &str| {
        package.iter().find(|e| e.attr("property") == Some(property)).map(|e| e.text.trim().to_owned())
    };
    assert_eq!(meta("rendition:layout").as_deref(), Some("pre-paginated"));
    assert_eq!(meta("rendition:spread").as_deref(), Some("auto"));
    let itemrefs: Vec<&Element> = package.iter().filter(|e| e.name == "itemref").collect();
    assert!((6..=8).contains(&itemrefs.len()), "6 to 8 pages, found {}", itemrefs.len());
    for (i, itemref) in itemrefs.iter().enumerate() {
        let side = if i % 2 == 0 { "page-spread-right" } else { "page-spread-left" };
        assert!(itemref.has_word("properties", side), "page {} is on the {side}", i + 1);
        let idref = itemref.attr("idref").expect("an idref");
        let item = package.iter().find(|e| e.name == "item" && e.attr("id") == Some(idref)).expect("an item");
        let page = elements(&epub.read(&resolve(&opf, item.attr("href").expect("an href"))));
        let viewport = page.iter().find(|e| e.name == "meta" && e.attr("name") == Some("viewport"));
        assert_eq!(viewport.and_then(|v| v.attr("content")), Some("width=800, height=1131"), "page {}", i + 1);
    }
}
