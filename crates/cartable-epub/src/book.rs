//! [`Book`]: an opened EPUB, its description and bounded access to its content.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::fs::File;
use std::io::{BufReader, Cursor};
use std::path::Path;

use crate::archive::{self, Archive, Source};
use crate::container::{self, CONTAINER_PATH, ENCRYPTION_PATH};
use crate::error::Error;
use crate::nav::{self, Navigation, PageTarget, SpineIndex, TocEntry};
use crate::obfuscation::Obfuscation;
use crate::package::{self, Direction, Layout, Metadata, Resource, SpineItem};
use crate::path::Target;
use crate::text::{self, TextChunk};
use crate::xml::{self, MAX_XML_SIZE};

/// Opens the EPUB file at `path`: validates the archive, then reads the container, the package
/// document and the navigation (EPUB 3 nav document, else EPUB 2 NCX).
///
/// Content documents are not parsed here; [`Book::section_text`] does it on demand.
pub fn open(path: &Path) -> Result<Book, Error> {
    let file = File::open(path).map_err(|source| Error::Io { source })?;
    Book::from_source(Box::new(BufReader::new(file)))
}

/// Opens an EPUB held in memory, with the same checks as [`open`].
pub fn from_bytes(bytes: Vec<u8>) -> Result<Book, Error> {
    Book::from_source(Box::new(Cursor::new(bytes)))
}

/// Something about the book that was tolerated rather than refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Warning {
    /// A spine itemref names no manifest item; it was left out of [`Book::spine`].
    SpineItemNotInManifest {
        /// The itemref's `idref`.
        idref: String,
    },
    /// A spine item's file is not in the archive; it was left out of [`Book::spine`].
    SpineItemMissing {
        /// The manifest id.
        id: String,
        /// The path the manifest gives.
        href: String,
    },
    /// The navigation document or NCX could not be read (missing, corrupt, too large, not
    /// well-formed); the table of contents or page list comes from the other one, or is empty.
    NavigationUnreadable {
        /// The document's path.
        path: String,
        /// Why.
        message: String,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::SpineItemNotInManifest { idref } => {
                write!(f, "spine item '{idref}' is not in the manifest; skipped")
            }
            Warning::SpineItemMissing { id, href } => {
                write!(f, "spine item '{id}' ({href}) is not in the archive; skipped")
            }
            Warning::NavigationUnreadable { path, message } => {
                write!(f, "navigation '{path}' could not be read: {message}")
            }
        }
    }
}

/// An opened EPUB 2 or EPUB 3 book.
///
/// Reading content (`resource`, `section_text`) needs `&mut self`: the archive is read through
/// one file handle.
pub struct Book {
    archive: Archive,
    package_path: String,
    version: String,
    metadata: Metadata,
    layout: Layout,
    direction: Direction,
    manifest: Vec<Resource>,
    spine: Vec<SpineItem>,
    toc: Vec<TocEntry>,
    page_list: Vec<PageTarget>,
    /// Page-list fragments by document: path → element id → page label.
    page_ids: HashMap<String, HashMap<String, String>>,
    cover: Option<usize>,
    warnings: Vec<Warning>,
    /// Fonts scrambled by obfuscation, and how (from `encryption.xml`).
    obfuscated: HashMap<String, Obfuscation>,
    /// The key of font obfuscation.
    unique_identifier: String,
}

impl fmt::Debug for Book {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Book")
            .field("package_path", &self.package_path)
            .field("version", &self.version)
            .field("metadata", &self.metadata)
            .field("layout", &self.layout)
            .field("direction", &self.direction)
            .field("spine", &self.spine.len())
            .field("toc", &self.toc.len())
            .field("page_list", &self.page_list.len())
            .field("warnings", &self.warnings)
            .finish_non_exhaustive()
    }
}

impl Book {
    fn from_source(source: Box<dyn Source>) -> Result<Book, Error> {
        let mut archive = Archive::open(source)?;

        let mut obfuscated = HashMap::new();
        if archive.contains(ENCRYPTION_PATH) {
            let encryption = archive.read(ENCRYPTION_PATH, MAX_XML_SIZE)?;
            let mut protected = HashSet::new();
            for entry in container::encrypted_entries(&encryption)? {
                match Obfuscation::from_algorithm(&entry.algorithm) {
                    Some(scheme) => {
                        obfuscated.insert(entry.path, scheme);
                    }
                    None => {
                        protected.insert(entry.path);
                    }
                }
            }
            archive.set_protected(protected);
        }

        if !archive.contains(CONTAINER_PATH) {
            return Err(Error::MissingContainer);
        }
        let container = archive.read(CONTAINER_PATH, MAX_XML_SIZE)?;
        let package_path = container::package_path(&container)?;
        if !archive.contains(&package_path) {
            return Err(Error::MissingPackage { path: package_path });
        }
        let opf = archive.read(&package_path, MAX_XML_SIZE)?;
        let package = package::parse(&opf, &package_path)?;

        let mut warnings = Vec::new();
        let spine = spine(&package, &archive, &mut warnings)?;
        let spine_index: SpineIndex = spine.iter().enumerate().fold(HashMap::new(), |mut index, (position, item)| {
            index.entry(item.href.clone()).or_insert(position);
            index
        });

        let navigation = navigation(&package, &mut archive, &spine_index, &mut warnings)?;
        let (page_list, page_targets): (Vec<PageTarget>, Vec<Target>) = navigation.pages.into_iter().unzip();
        let page_ids = page_ids(&page_list, &page_targets);
        let cover = cover(&package, &archive);

        Ok(Book {
            archive,
            package_path,
            version: package.version,
            metadata: package.metadata,
            layout: package.layout,
            direction: package.direction,
            manifest: package.manifest,
            spine,
            toc: navigation.toc,
            page_list,
            page_ids,
            cover,
            warnings,
            obfuscated,
            unique_identifier: package.unique_identifier.unwrap_or_default(),
        })
    }

    /// The package `version` attribute: "2.0", "3.0"...
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Full path of the package document (the OPF) inside the archive.
    pub fn package_path(&self) -> &str {
        &self.package_path
    }

    /// Title, authors, language, identifiers...
    pub fn metadata(&self) -> &Metadata {
        &self.metadata
    }

    /// The book-wide layout (`rendition:layout`); EPUB 2 books are reflowable.
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// The spine's `page-progression-direction`.
    pub fn direction(&self) -> Direction {
        self.direction
    }

    /// The reading order. Itemrefs naming no manifest item, or whose file is missing from the
    /// archive, are left out (see [`Book::warnings`]); the spine is never empty.
    pub fn spine(&self) -> &[SpineItem] {
        &self.spine
    }

    /// The table of contents, flattened in reading order (EPUB 3 nav, else NCX).
    pub fn toc(&self) -> &[TocEntry] {
        &self.toc
    }

    /// The printed pages (EPUB 3 nav page-list, else NCX pageList); empty when the book has
    /// none.
    pub fn page_list(&self) -> &[PageTarget] {
        &self.page_list
    }

    /// The cover image: the manifest item with `properties="cover-image"`, else the EPUB 2
    /// `<meta name="cover">` item, else an image whose id or path contains "cover". Only items
    /// present in the archive count.
    pub fn cover(&self) -> Option<&Resource> {
        self.cover.and_then(|index| self.manifest.get(index))
    }

    /// Every manifest item with a path inside the archive (remote items are left out). An item
    /// may be declared and still be missing from the archive.
    pub fn manifest(&self) -> &[Resource] {
        &self.manifest
    }

    /// What was tolerated while opening the book.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The uncompressed size of the file at `path` inside the archive, if there is one.
    pub fn size_of(&mut self, path: &str) -> Option<u64> {
        self.archive.size(path)
    }

    /// Reads any entry by its full path inside the archive (as in [`Resource::href`], without
    /// fragment or percent-encoding), up to 256 MiB.
    ///
    /// Errors: [`Error::MissingResource`] for an unknown path, [`Error::Drm`] for an encrypted
    /// entry, [`Error::EntryTooLarge`], [`Error::CorruptEntry`].
    pub fn resource(&mut self, path: &str) -> Result<Vec<u8>, Error> {
        let bytes = self.archive.read(path, archive::MAX_RESOURCE_SIZE)?;
        Ok(match self.obfuscated.get(path) {
            Some(scheme) => scheme.reverse(bytes, &self.unique_identifier),
            None => bytes,
        })
    }

    /// The searchable text of spine item `spine_index`, split into chunks at printed-page
    /// breaks: a chunk starts at each element a page-list target points to (labelled with the
    /// target's label) and at each `epub:type="pagebreak"` / `role="doc-pagebreak"` element
    /// (labelled with its `title`, else its text, which is not repeated in the chunk). A
    /// page-list target naming the whole document labels its first chunk. The first chunk has
    /// no label unless the document starts with a break; empty labelled chunks (blank pages)
    /// are kept. Items without markup (an image in the spine) give no chunk.
    ///
    /// Text: `<head>`, scripts, styles and ruby annotations are dropped; block elements end
    /// lines; runs of ASCII whitespace collapse to one space (no-break spaces are kept);
    /// character references and the HTML 4 named entities are resolved, unknown entities kept
    /// as written. SVG documents give the content of their `<text>` elements.
    ///
    /// Errors: [`Error::MalformedContent`] when the document is not well-formed XML (WebKit
    /// would show nothing), [`Error::EntityDeclaration`], and the errors of
    /// [`Book::resource`].
    pub fn section_text(&mut self, spine_index: usize) -> Result<Vec<TextChunk>, Error> {
        let item = self
            .spine
            .get(spine_index)
            .ok_or(Error::SpineIndexOutOfRange { index: spine_index, len: self.spine.len() })?;
        if !text::has_text(&item.media_type) {
            return Ok(Vec::new());
        }
        let (href, media_type) = (item.href.clone(), item.media_type.clone());
        let bytes = self.archive.read(&href, MAX_XML_SIZE)?;
        let no_pages = HashMap::new();
        let page_ids = self.page_ids.get(&href).unwrap_or(&no_pages);
        text::extract(&bytes, &href, &media_type, page_ids)
    }
}

/// Matches itemrefs with the manifest and the archive. A spine document encrypted with real
/// encryption means the book cannot be read: [`Error::Drm`].
fn spine(package: &package::Package, archive: &Archive, warnings: &mut Vec<Warning>) -> Result<Vec<SpineItem>, Error> {
    let mut by_id: HashMap<&str, &Resource> = HashMap::new();
    for resource in &package.manifest {
        by_id.entry(resource.id.as_str()).or_insert(resource);
    }
    let mut spine = Vec::with_capacity(package.itemrefs.len());
    for itemref in &package.itemrefs {
        let Some(resource) = by_id.get(itemref.idref.as_str()) else {
            warnings.push(Warning::SpineItemNotInManifest { idref: itemref.idref.clone() });
            continue;
        };
        if !archive.contains(&resource.href) {
            warnings.push(Warning::SpineItemMissing { id: resource.id.clone(), href: resource.href.clone() });
            continue;
        }
        if archive.is_protected(&resource.href) {
            return Err(Error::Drm { path: resource.href.clone() });
        }
        spine.push(SpineItem {
            id: resource.id.clone(),
            href: resource.href.clone(),
            media_type: resource.media_type.clone(),
            linear: itemref.linear,
            layout: itemref.layout,
        });
    }
    if spine.is_empty() {
        return Err(Error::NoSpine);
    }
    Ok(spine)
}

/// Reads the EPUB 3 nav document, then the NCX for whatever the nav did not provide.
///
/// A navigation document that cannot be read (missing, corrupt, oversized, not well-formed) is a
/// [`Warning`]: we draw the table of contents ourselves, so the book stays readable without it.
/// Entity declarations and DRM are still refusals.
fn navigation(
    package: &package::Package,
    archive: &mut Archive,
    spine: &SpineIndex,
    warnings: &mut Vec<Warning>,
) -> Result<Navigation, Error> {
    let nav_document = package.manifest.iter().find(|resource| resource.properties.iter().any(|p| p == "nav"));
    let ncx = package
        .ncx_id
        .as_deref()
        .and_then(|id| package.manifest.iter().find(|resource| resource.id == id))
        .or_else(|| package.manifest.iter().find(|resource| resource.media_type == "application/x-dtbncx+xml"));

    let mut navigation = match nav_document {
        Some(nav_document) => load_navigation(archive, &nav_document.href, warnings)?
            .map(|root| nav::from_nav_document(&root, &nav_document.href, spine))
            .unwrap_or_default(),
        None => Navigation::default(),
    };
    let ncx = ncx.filter(|_| navigation.toc.is_empty() || navigation.pages.is_empty());
    let from_ncx = match ncx {
        Some(ncx) => load_navigation(archive, &ncx.href, warnings)?.map(|root| nav::from_ncx(&root, &ncx.href, spine)),
        None => None,
    };
    if let Some(from_ncx) = from_ncx {
        if navigation.toc.is_empty() {
            navigation.toc = from_ncx.toc;
        }
        if navigation.pages.is_empty() {
            navigation.pages = from_ncx.pages;
        }
    }
    Ok(navigation)
}

fn load_navigation(
    archive: &mut Archive,
    path: &str,
    warnings: &mut Vec<Warning>,
) -> Result<Option<xml::Element>, Error> {
    let parsed = archive.read(path, MAX_XML_SIZE).and_then(|bytes| xml::parse(&bytes, path));
    match parsed {
        Ok(root) => Ok(Some(root)),
        Err(error @ (Error::EntityDeclaration { .. } | Error::Drm { .. } | Error::Io { .. })) => Err(error),
        Err(error) => {
            warnings.push(Warning::NavigationUnreadable { path: path.to_owned(), message: error.to_string() });
            Ok(None)
        }
    }
}

/// Groups page-list targets by document, for `section_text`: path → fragment → label (the first
/// label wins when two pages name the same element). A target without fragment (a fixed-layout
/// page is a whole document) is stored under the empty id: the page starts with the document.
fn page_ids(pages: &[PageTarget], targets: &[Target]) -> HashMap<String, HashMap<String, String>> {
    let mut by_document: HashMap<String, HashMap<String, String>> = HashMap::new();
    for (page, target) in pages.iter().zip(targets) {
        by_document
            .entry(target.path.clone())
            .or_default()
            .entry(target.fragment.clone().unwrap_or_default())
            .or_insert_with(|| page.label.clone());
    }
    by_document
}

fn cover(package: &package::Package, archive: &Archive) -> Option<usize> {
    let manifest = &package.manifest;
    let usable = |resource: &Resource| archive.contains(&resource.href);
    let is_image = |resource: &Resource| resource.media_type.starts_with("image/");
    manifest
        .iter()
        .position(|r| r.properties.iter().any(|p| p == "cover-image") && usable(r))
        .or_else(|| {
            let wanted = package.cover_meta.as_deref()?;
            manifest.iter().position(|r| r.id == wanted && is_image(r) && usable(r))
        })
        .or_else(|| {
            manifest.iter().position(|r| {
                is_image(r)
                    && usable(r)
                    && (r.id.to_lowercase().contains("cover") || r.href.to_lowercase().contains("cover"))
            })
        })
}
