//! Checks an EPUB source tree before it is packed, following the rules of EPUB
//! 3.3 that epubcheck enforces most often: a container pointing at the package,
//! a manifest listing every resource with its media type, unique ids, a nav
//! document with a table of contents, `dcterms:modified`, the `svg` property on
//! documents with inline SVG, a viewport on fixed-layout pages, and links that
//! resolve to a document and a fragment that exist.

use std::collections::{BTreeMap, BTreeSet};

use super::xml::{self, Element};

/// A file of the source tree: its path inside the container and its bytes.
pub(crate) type Files = BTreeMap<String, Vec<u8>>;

/// A broken rule: the file it concerns, inside the container, and what is wrong.
#[derive(Debug)]
pub(crate) struct Broken {
    pub(crate) file: String,
    pub(crate) message: String,
}

fn broken<T>(file: &str, message: impl Into<String>) -> Result<T, Broken> {
    Err(Broken { file: file.to_owned(), message: message.into() })
}

/// What the packer needs to know about a valid package.
#[derive(Debug)]
pub(crate) struct Package {
    /// `dcterms:modified`, `YYYY-MM-DDThh:mm:ssZ`.
    pub(crate) modified: String,
}

/// A manifest item.
struct Item {
    id: String,
    /// Path inside the container.
    path: String,
    media_type: String,
    properties: Vec<String>,
}

/// The parts of the package document the checks use.
struct Opf {
    path: String,
    identifier: String,
    modified: String,
    fixed_layout: bool,
    items: Vec<Item>,
    spine: Vec<String>,
}

/// Checks the tree; returns what packing needs.
pub(crate) fn check(files: &Files) -> Result<Package, Broken> {
    let opf_path = rootfile(files)?;
    let opf = package(files, &opf_path)?;
    check_manifest(files, &opf)?;
    check_spine(&opf)?;
    let docs = documents(files, &opf)?;
    check_documents(&opf, &docs)?;
    check_links(&opf, &docs)?;
    Ok(Package { modified: opf.modified })
}

fn text<'a>(files: &'a Files, path: &str) -> Result<&'a str, Broken> {
    let bytes = files.get(path).ok_or_else(|| Broken { file: path.to_owned(), message: "missing".to_owned() })?;
    std::str::from_utf8(bytes).or_else(|_| broken(path, "not UTF-8"))
}

fn parse(files: &Files, path: &str) -> Result<Vec<Element>, Broken> {
    xml::elements(text(files, path)?).or_else(|message| broken(path, message))
}

/// `META-INF/container.xml` → the path of the package document.
fn rootfile(files: &Files) -> Result<String, Broken> {
    let container = "META-INF/container.xml";
    let elements = parse(files, container)?;
    let root = elements
        .iter()
        .find(|e| e.name == "rootfile")
        .ok_or_else(|| Broken { file: container.to_owned(), message: "no <rootfile>".to_owned() })?;
    if root.attr("media-type") != Some("application/oebps-package+xml") {
        return broken(container, "the rootfile media-type must be application/oebps-package+xml");
    }
    match root.attr("full-path") {
        Some(path) if files.contains_key(path) => Ok(path.to_owned()),
        Some(path) => broken(container, format!("the package document {path} does not exist")),
        None => broken(container, "the rootfile has no full-path"),
    }
}

/// Resolves `href` against the folder of `base`; `None` if it leaves the container.
fn resolve(base: &str, href: &str) -> Option<String> {
    let mut parts: Vec<&str> = base.split('/').collect();
    parts.pop();
    for part in href.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

fn package(files: &Files, path: &str) -> Result<Opf, Broken> {
    let elements = parse(files, path)?;
    let root = elements.first().filter(|e| e.name == "package");
    let Some(root) = root else {
        return broken(path, "the root element must be <package>");
    };
    if root.attr("version") != Some("3.0") {
        return broken(path, "package version must be 3.0");
    }
    unique_ids(path, &elements)?;
    let uid = root.attr("unique-identifier").unwrap_or_default();
    let identifier = elements
        .iter()
        .find(|e| e.name == "dc:identifier" && e.attr("id") == Some(uid))
        .map(|e| e.text.trim().to_owned())
        .ok_or_else(|| Broken { file: path.to_owned(), message: format!("no dc:identifier with id {uid:?}") })?;
    for required in ["dc:title", "dc:language"] {
        if !elements.iter().any(|e| e.name == required && !e.text.trim().is_empty()) {
            return broken(path, format!("{required} is required"));
        }
    }
    let meta = |property: &str| {
        elements
            .iter()
            .find(|e| e.name == "meta" && e.attr("property") == Some(property))
            .map(|e| e.text.trim().to_owned())
    };
    let modified = meta("dcterms:modified").unwrap_or_default();
    if !crate::date::is_utc_timestamp(&modified) {
        return broken(path, "dcterms:modified must be set, as 2026-11-27T08:00:00Z");
    }
    let items = elements.iter().filter(|e| e.name == "item").map(|e| item(path, e)).collect::<Result<Vec<_>, _>>()?;
    let spine = elements
        .iter()
        .filter(|e| e.name == "itemref")
        .map(|e| e.attr("idref").unwrap_or_default().to_owned())
        .collect();
    Ok(Opf {
        path: path.to_owned(),
        identifier,
        modified,
        fixed_layout: meta("rendition:layout").as_deref() == Some("pre-paginated"),
        items,
        spine,
    })
}

fn item(opf: &str, e: &Element) -> Result<Item, Broken> {
    let (Some(id), Some(href), Some(media_type)) = (e.attr("id"), e.attr("href"), e.attr("media-type")) else {
        return broken(opf, "every manifest item needs id, href and media-type");
    };
    if href.contains(['%', ' ', '#', '?']) {
        return broken(opf, format!("keep hrefs plain: {href}"));
    }
    let path = resolve(opf, href)
        .ok_or_else(|| Broken { file: opf.to_owned(), message: format!("{href} leaves the container") })?;
    Ok(Item {
        id: id.to_owned(),
        path,
        media_type: media_type.to_owned(),
        properties: e.attr("properties").unwrap_or_default().split_whitespace().map(str::to_owned).collect(),
    })
}

fn unique_ids(file: &str, elements: &[Element]) -> Result<BTreeSet<String>, Broken> {
    let mut ids = BTreeSet::new();
    for id in elements.iter().filter_map(|e| e.attr("id")) {
        if !ids.insert(id.to_owned()) {
            return broken(file, format!("the id {id} is used twice"));
        }
    }
    Ok(ids)
}

/// The media type a file must be declared with, from its extension.
fn media_type(path: &str) -> Option<&'static str> {
    let ext = path.rsplit_once('.').map(|(_, e)| e)?;
    Some(match ext {
        "xhtml" => "application/xhtml+xml",
        "css" => "text/css",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ncx" => "application/x-dtbncx+xml",
        _ => return None,
    })
}

fn check_manifest(files: &Files, opf: &Opf) -> Result<(), Broken> {
    for item in &opf.items {
        if !files.contains_key(&item.path) {
            return broken(&opf.path, format!("item {} points at {}, which does not exist", item.id, item.path));
        }
        if media_type(&item.path) != Some(item.media_type.as_str()) {
            return broken(
                &opf.path,
                format!("item {} has media-type {}, not the one of its extension", item.id, item.media_type),
            );
        }
    }
    for path in files.keys() {
        let listed = opf.items.iter().any(|i| &i.path == path);
        if !listed && path != &opf.path && path != "mimetype" && !path.starts_with("META-INF/") {
            return broken(path, "not listed in the manifest");
        }
    }
    for (property, what) in [("nav", "navigation document"), ("cover-image", "cover image")] {
        let count = opf.items.iter().filter(|i| i.properties.iter().any(|p| p == property)).count();
        if count != 1 {
            return broken(
                &opf.path,
                format!("exactly one item must be the {what} (properties=\"{property}\"), found {count}"),
            );
        }
    }
    Ok(())
}

fn check_spine(opf: &Opf) -> Result<(), Broken> {
    if opf.spine.is_empty() {
        return broken(&opf.path, "the spine is empty");
    }
    let mut seen = BTreeSet::new();
    for idref in &opf.spine {
        let item = opf.items.iter().find(|i| &i.id == idref);
        match item {
            None => return broken(&opf.path, format!("the spine refers to {idref}, which is not in the manifest")),
            Some(i) if i.media_type != "application/xhtml+xml" => {
                return broken(&opf.path, format!("the spine item {idref} is not an XHTML document"));
            }
            Some(_) if !seen.insert(idref) => return broken(&opf.path, format!("{idref} is twice in the spine")),
            Some(_) => {}
        }
    }
    Ok(())
}

/// The parsed XML resources (XHTML, SVG, NCX) by path.
type Docs = BTreeMap<String, Vec<Element>>;

fn documents(files: &Files, opf: &Opf) -> Result<Docs, Broken> {
    let mut docs = Docs::new();
    for item in &opf.items {
        if matches!(item.media_type.as_str(), "application/xhtml+xml" | "image/svg+xml" | "application/x-dtbncx+xml") {
            let elements = parse(files, &item.path)?;
            unique_ids(&item.path, &elements)?;
            docs.insert(item.path.clone(), elements);
        }
    }
    Ok(docs)
}

fn check_documents(opf: &Opf, docs: &Docs) -> Result<(), Broken> {
    for item in &opf.items {
        let Some(elements) = docs.get(&item.path) else { continue };
        let has = |p: &str| item.properties.iter().any(|q| q == p);
        if item.media_type == "application/xhtml+xml" {
            let inline_svg = elements.iter().any(|e| e.name == "svg");
            if inline_svg != has("svg") {
                return broken(
                    &opf.path,
                    format!(
                        "item {}: the svg property must be set exactly when the document holds inline SVG",
                        item.id
                    ),
                );
            }
            let in_spine = opf.spine.contains(&item.id);
            let viewport = elements.iter().any(|e| e.name == "meta" && e.attr("name") == Some("viewport"));
            if opf.fixed_layout && in_spine && !viewport {
                return broken(
                    &item.path,
                    "a fixed-layout page needs <meta name=\"viewport\" content=\"width=…, height=…\"/>",
                );
            }
        }
        if has("nav") {
            let toc = elements.iter().any(|e| e.name == "nav" && e.has_word("epub:type", "toc"));
            if !toc {
                return broken(&item.path, "the navigation document needs <nav epub:type=\"toc\">");
            }
        }
        if item.media_type == "application/x-dtbncx+xml" {
            let uid = elements.iter().find(|e| e.name == "meta" && e.attr("name") == Some("dtb:uid"));
            if uid.and_then(|e| e.attr("content")) != Some(opf.identifier.as_str()) {
                return broken(&item.path, "dtb:uid must equal the package identifier");
            }
        }
    }
    Ok(())
}

/// Every `href`, `src` and `xlink:href` must reach a manifest item, and its
/// fragment an id of that document; hyperlinks must reach spine documents.
fn check_links(opf: &Opf, docs: &Docs) -> Result<(), Broken> {
    for (path, elements) in docs {
        for e in elements {
            for (name, value) in &e.attrs {
                if !matches!(name.as_str(), "href" | "src" | "xlink:href") {
                    continue;
                }
                if value.contains("://") || value.starts_with("mailto:") {
                    continue;
                }
                check_link(opf, docs, path, &e.name, value)?;
            }
        }
    }
    Ok(())
}

fn check_link(opf: &Opf, docs: &Docs, from: &str, element: &str, href: &str) -> Result<(), Broken> {
    let (file, fragment) = href.split_once('#').unwrap_or((href, ""));
    let target = if file.is_empty() {
        from.to_owned()
    } else {
        resolve(from, file)
            .ok_or_else(|| Broken { file: from.to_owned(), message: format!("{href} leaves the container") })?
    };
    let Some(item) = opf.items.iter().find(|i| i.path == target) else {
        return broken(from, format!("{href} is not a resource of the manifest"));
    };
    if element == "a" && !opf.spine.contains(&item.id) {
        return broken(from, format!("the link {href} reaches a document outside the spine"));
    }
    if !fragment.is_empty() {
        let found = docs.get(&target).is_some_and(|elements| elements.iter().any(|e| e.attr("id") == Some(fragment)));
        if !found {
            return broken(from, format!("{href}: no element has the id {fragment}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hrefs_resolve_against_their_document() {
        assert_eq!(resolve("EPUB/package.opf", "text/a.xhtml").as_deref(), Some("EPUB/text/a.xhtml"));
        assert_eq!(resolve("EPUB/text/a.xhtml", "../images/b.svg").as_deref(), Some("EPUB/images/b.svg"));
        assert_eq!(resolve("a.xhtml", "../../x"), None, "nothing outside the container");
    }

    fn minimal() -> Files {
        let mut files = Files::new();
        files.insert("META-INF/container.xml".into(), br#"<container><rootfiles><rootfile full-path="EPUB/p.opf" media-type="application/oebps-package+xml"/></rootfiles></container>"#.to_vec());
        files.insert("EPUB/p.opf".into(), br#"<package version="3.0" unique-identifier="uid"><metadata><dc:identifier id="uid">urn:uuid:1</dc:identifier><dc:title>T</dc:title><dc:language>fr</dc:language><meta property="dcterms:modified">2026-11-27T08:00:00Z</meta></metadata><manifest><item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/><item id="c" href="c.svg" media-type="image/svg+xml" properties="cover-image"/><item id="t" href="t.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="t"/></spine></package>"#.to_vec());
        files.insert(
            "EPUB/nav.xhtml".into(),
            br#"<html><body><nav epub:type="toc"><ol><li><a href="t.xhtml#a">A</a></li></ol></nav></body></html>"#
                .to_vec(),
        );
        files.insert("EPUB/c.svg".into(), br#"<svg/>"#.to_vec());
        files.insert("EPUB/t.xhtml".into(), br#"<html><body><h1 id="a">A</h1></body></html>"#.to_vec());
        files
    }

    #[test]
    fn a_minimal_package_passes() {
        let package = check(&minimal()).expect("valid");
        assert_eq!(package.modified, "2026-11-27T08:00:00Z");
    }

    #[test]
    fn broken_rules_name_the_file() {
        let mut unlisted = minimal();
        unlisted.insert("EPUB/extra.css".into(), Vec::new());
        let mut bad_fragment = minimal();
        bad_fragment.insert("EPUB/t.xhtml".into(), b"<html><body><h1 id=\"b\">A</h1></body></html>".to_vec());
        let mut svg_without_property = minimal();
        svg_without_property.insert("EPUB/t.xhtml".into(), b"<html><body><h1 id=\"a\"/><svg/></body></html>".to_vec());
        let cases = [
            (unlisted, "EPUB/extra.css", "not listed"),
            (bad_fragment, "EPUB/nav.xhtml", "no element has the id a"),
            (svg_without_property, "EPUB/p.opf", "svg property"),
        ];
        for (files, file, message) in cases {
            let e = check(&files).expect_err(message);
            assert_eq!(e.file, file, "{}", e.message);
            assert!(e.message.contains(message), "{}", e.message);
        }
    }
}
