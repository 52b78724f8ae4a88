//! OPDS 1.x: Atom feeds and entry documents, read as a stream of XML events (no tree of the
//! whole feed is built, so a feed of 20 000 entries costs the entries, not a DOM).
//!
//! Entries with an acquisition link are publications; entries without one that link to another
//! catalogue page (an Atom feed type, or a navigation relation such as `subsection`) are
//! navigation links; other entries are publications without acquisitions.

use std::collections::{HashMap, HashSet};

use url::Url;

use crate::error::Error;
use crate::html::{self, TextBuilder};
use crate::media;
use crate::model::{Acquisition, FacetGroup, Feed, Link, Price, Publication, SearchLink, Version};
use crate::search::{SearchTemplate, TemplateSyntax};
use crate::xml::{Event, Ns, Reader, Tag};

/// Relations that make an entry a navigation entry even when the link's type says nothing.
const NAVIGATION_RELS: [&str; 10] = [
    "subsection",
    "start",
    "collection",
    "http://opds-spec.org/sort/new",
    "http://opds-spec.org/sort/popular",
    "http://opds-spec.org/featured",
    "http://opds-spec.org/recommended",
    "http://opds-spec.org/shelf",
    "http://opds-spec.org/subscriptions",
    "http://opds-spec.org/crawlable",
];

/// An `atom:link` with its OPDS children.
#[derive(Debug)]
struct AtomLink {
    rel: String,
    href: Option<Url>,
    media_type: Option<String>,
    title: Option<String>,
    count: Option<u64>,
    facet_group: Option<String>,
    active_facet: bool,
    prices: Vec<Price>,
    indirect: Vec<String>,
    /// For `rel="search"` links whose `href` is a template: the raw template and its base.
    template: Option<SearchTemplate>,
}

impl AtomLink {
    fn to_link(&self, title: Option<&str>) -> Option<Link> {
        Some(Link {
            title: title.or(self.title.as_deref()).unwrap_or_default().to_owned(),
            href: self.href.clone()?,
            rel: Some(self.rel.clone()),
            media_type: self.media_type.clone(),
            count: self.count,
            active: self.active_facet,
        })
    }
}

/// An `atom:entry` as read, before it is classified.
#[derive(Debug, Default)]
struct Entry {
    id: Option<String>,
    title: String,
    authors: Vec<String>,
    summary: Option<String>,
    content: Option<String>,
    language: Option<String>,
    publisher: Option<String>,
    identifiers: Vec<String>,
    issued: Option<String>,
    published: Option<String>,
    updated: Option<String>,
    subjects: Vec<String>,
    links: Vec<AtomLink>,
}

/// Parses an OPDS 1 document (`atom:feed` or `atom:entry` root) from decoded text.
pub(crate) fn parse(text: &str, base: &Url) -> Result<Feed, Error> {
    let mut reader = Reader::new(text, base);
    let root = loop {
        match reader.next() {
            Ok(Event::Start(tag)) => break tag,
            Ok(Event::Text(_) | Event::End) => {}
            Ok(Event::Eof) => return Err(Error::not_opds("an XML document without any element")),
            // A web page that is not well-formed XML fails before its root: say what it is.
            Err(_) if crate::looks_like_html(text) => return Err(Error::not_opds("a web page (HTML)")),
            Err(error) => return Err(error),
        }
    };
    let mut feed = empty_feed();
    if root.is_atom("feed") {
        read_feed(&mut reader, &mut feed)?;
    } else if root.is_atom("entry") {
        let entry = read_entry(&mut reader)?;
        feed.title.clone_from(&entry.title);
        feed.id.clone_from(&entry.id);
        feed.updated.clone_from(&entry.updated);
        let publication = publication(entry);
        feed.self_url.clone_from(&publication.self_url);
        feed.publications.push(publication);
    } else {
        return Err(crate::not_opds_root(&root.local));
    }
    Ok(feed)
}

fn empty_feed() -> Feed {
    Feed {
        version: Version::Opds1,
        title: String::new(),
        id: None,
        updated: None,
        self_url: None,
        number_of_items: None,
        navigation: Vec::new(),
        publications: Vec::new(),
        groups: Vec::new(),
        facets: Vec::new(),
        catalogs: Vec::new(),
        next: None,
        previous: None,
        first: None,
        last: None,
        up: None,
        start: None,
        search: None,
        auth_document: None,
    }
}

fn read_feed(reader: &mut Reader<'_>, feed: &mut Feed) -> Result<(), Error> {
    // Facet group title → index in `feed.facets` (a hostile feed may have many groups).
    let mut facet_groups = HashMap::new();
    loop {
        let tag = match reader.next()? {
            Event::Start(tag) => tag,
            Event::End | Event::Eof => return Ok(()),
            Event::Text(_) => continue,
        };
        if tag.is_atom("entry") {
            let entry = read_entry(reader)?;
            match navigation(&entry) {
                Some(link) => feed.navigation.push(link),
                None => feed.publications.push(publication(entry)),
            }
        } else if tag.is_atom("link") {
            let link = read_link(reader, &tag)?;
            feed_link(feed, link, &mut facet_groups);
        } else if tag.is_atom("title") {
            feed.title = text_construct(reader, &tag)?;
        } else if tag.is_atom("id") {
            feed.id = trimmed(reader.text()?);
        } else if tag.is_atom("updated") {
            feed.updated = trimmed(reader.text()?);
        } else if tag.ns == Ns::OpenSearch && tag.local == "totalResults" {
            feed.number_of_items = reader.text()?.trim().parse().ok();
        } else {
            reader.skip()?;
        }
    }
}

/// A feed-level link: pages, structure, search, facets, authentication.
fn feed_link(feed: &mut Feed, link: AtomLink, facet_groups: &mut HashMap<String, usize>) {
    let media_type = link.media_type.as_deref().map(media::essence).unwrap_or_default();
    if link.rel == media::REL_AUTH_DOCUMENT || media_type == media::AUTH_DOCUMENT {
        if feed.auth_document.is_none() {
            feed.auth_document = link.href;
        }
        return;
    }
    if link.rel == media::REL_FACET {
        let Some(facet) = link.to_link(None) else { return };
        let group = link.facet_group.unwrap_or_default();
        match facet_groups.get(&group) {
            Some(&index) => feed.facets[index].facets.push(facet),
            None => {
                facet_groups.insert(group.clone(), feed.facets.len());
                feed.facets.push(FacetGroup { title: group, facets: vec![facet] });
            }
        }
        return;
    }
    if link.rel == "search" {
        if feed.search.is_none() {
            feed.search = if media_type == media::OPENSEARCH {
                link.href.map(|href| SearchLink::Description { href })
            } else {
                link.template.map(|template| SearchLink::Template { template })
            };
        }
        return;
    }
    let slot = match link.rel.as_str() {
        "self" => &mut feed.self_url,
        "start" => &mut feed.start,
        "up" => &mut feed.up,
        "next" => &mut feed.next,
        "previous" | "prev" => &mut feed.previous,
        "first" => &mut feed.first,
        "last" => &mut feed.last,
        _ => return,
    };
    if slot.is_none() {
        *slot = link.href;
    }
}

fn read_link(reader: &mut Reader<'_>, tag: &Tag) -> Result<AtomLink, Error> {
    let rel = tag.attr("rel").map(str::trim).filter(|rel| !rel.is_empty()).unwrap_or("alternate").to_owned();
    let raw_href = tag.attr("href").map(str::trim).unwrap_or_default();
    let media_type = tag.attr("type").map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
    // OPDS 1 search links may carry the template itself (`…?q={searchTerms}`): it is kept as
    // written, since resolving it as a URL would percent-encode the braces.
    let template = (rel == "search" && raw_href.contains('{') && reader.base_is_allowed()).then(|| {
        SearchTemplate::new(raw_href.to_owned(), reader.base().clone(), TemplateSyntax::OpenSearch, media_type.clone())
    });
    let mut link = AtomLink {
        href: if template.is_some() { None } else { reader.resolve(raw_href, media::image_rel(&rel).is_some()) },
        rel,
        media_type,
        title: tag.attr("title").map(html::normalize).filter(|title| !title.is_empty()),
        count: tag.attr_ns(Ns::Thr, "count").and_then(|count| count.trim().parse().ok()),
        facet_group: tag.attr_ns(Ns::Opds, "facetGroup").map(html::normalize),
        active_facet: tag.attr_ns(Ns::Opds, "activeFacet").is_some_and(|v| v.trim().eq_ignore_ascii_case("true")),
        prices: Vec::new(),
        indirect: Vec::new(),
        template,
    };
    loop {
        let child = match reader.next()? {
            Event::Start(child) => child,
            Event::End | Event::Eof => return Ok(link),
            Event::Text(_) => continue,
        };
        if child.ns == Ns::Opds && child.local == "price" {
            let currency = child.attr("currencycode").map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned);
            if let Some(value) = trimmed(reader.text()?) {
                link.prices.push(Price { value, currency });
            }
        } else if child.ns == Ns::Opds && child.local == "indirectAcquisition" {
            read_indirect(reader, &child, &mut link.indirect)?;
        } else {
            reader.skip()?;
        }
    }
}

/// An `opds:indirectAcquisition` and its nested ones, depth-first in document order.
fn read_indirect(reader: &mut Reader<'_>, tag: &Tag, out: &mut Vec<String>) -> Result<(), Error> {
    if let Some(media_type) = tag.attr("type").map(str::trim).filter(|t| !t.is_empty()) {
        out.push(media_type.to_owned());
    }
    loop {
        match reader.next()? {
            Event::Start(child) if child.ns == Ns::Opds && child.local == "indirectAcquisition" => {
                read_indirect(reader, &child, out)?;
            }
            Event::Start(_) => reader.skip()?,
            Event::End | Event::Eof => return Ok(()),
            Event::Text(_) => {}
        }
    }
}

fn read_entry(reader: &mut Reader<'_>) -> Result<Entry, Error> {
    let mut entry = Entry::default();
    let mut subjects = HashSet::new();
    loop {
        let tag = match reader.next()? {
            Event::Start(tag) => tag,
            Event::End | Event::Eof => return Ok(entry),
            Event::Text(_) => continue,
        };
        match (tag.ns, tag.local.as_str()) {
            (Ns::Atom | Ns::None, local) => match local {
                "id" => entry.id = trimmed(reader.text()?),
                "title" => entry.title = text_construct(reader, &tag)?,
                "updated" => entry.updated = trimmed(reader.text()?),
                "published" => entry.published = trimmed(reader.text()?),
                "summary" => entry.summary = Some(text_construct(reader, &tag)?).filter(|s| !s.is_empty()),
                "content" => entry.content = Some(text_construct(reader, &tag)?).filter(|s| !s.is_empty()),
                "author" => {
                    if let Some(name) = read_author(reader)? {
                        entry.authors.push(name);
                    }
                }
                "category" => {
                    let subject = tag.attr("label").or(tag.attr("term")).map(html::normalize).unwrap_or_default();
                    if !subject.is_empty() && subjects.insert(subject.clone()) {
                        entry.subjects.push(subject);
                    }
                    reader.skip()?;
                }
                "link" => entry.links.push(read_link(reader, &tag)?),
                _ => reader.skip()?,
            },
            (Ns::Dc, local) => match local {
                "identifier" => entry.identifiers.extend(trimmed(reader.text()?)),
                "language" => set_once(&mut entry.language, reader.text()?),
                "publisher" => set_once(&mut entry.publisher, reader.text()?),
                "issued" => set_once(&mut entry.issued, reader.text()?),
                _ => reader.skip()?,
            },
            _ => reader.skip()?,
        }
    }
}

/// An author's name; when `atom:name` is empty, the Library Simplified `sort_name` (Palace
/// content servers leave the name empty and fill only that).
fn read_author(reader: &mut Reader<'_>) -> Result<Option<String>, Error> {
    let (mut name, mut sort_name) = (None, None);
    loop {
        match reader.next()? {
            Event::Start(child) if child.is_atom("name") => name = Some(html::normalize(&reader.text()?)),
            Event::Start(child) if child.ns == Ns::Simplified && child.local == "sort_name" => {
                sort_name = Some(html::normalize(&reader.text()?));
            }
            Event::Start(_) => reader.skip()?,
            Event::End | Event::Eof => break,
            Event::Text(_) => {}
        }
    }
    Ok(name.filter(|n| !n.is_empty()).or(sort_name).filter(|n| !n.is_empty()))
}

/// An Atom text construct as plain text: `text` (the default), `html` or `xhtml`.
fn text_construct(reader: &mut Reader<'_>, tag: &Tag) -> Result<String, Error> {
    let kind = tag.attr("type").map(|t| t.trim().to_ascii_lowercase()).unwrap_or_default();
    match kind.as_str() {
        "html" | "text/html" => Ok(html::to_text(&reader.text()?)),
        "xhtml" | "application/xhtml+xml" => xhtml_text(reader),
        _ => Ok(html::normalize(&reader.text()?)),
    }
}

/// The text of inline XHTML: block elements become line breaks, `script` and `style` vanish.
fn xhtml_text(reader: &mut Reader<'_>) -> Result<String, Error> {
    let mut builder = TextBuilder::default();
    // For each open element: whether it is a block.
    let mut open: Vec<bool> = Vec::new();
    loop {
        match reader.next()? {
            Event::Start(tag) if tag.local == "script" || tag.local == "style" => reader.skip()?,
            Event::Start(tag) => {
                let block = html::is_block(&tag.local);
                if block {
                    builder.push_break();
                }
                open.push(block);
            }
            Event::End => match open.pop() {
                Some(true) => builder.push_break(),
                Some(false) => {}
                None => return Ok(builder.finish()),
            },
            Event::Text(text) => builder.push_str(&text),
            Event::Eof => return Ok(builder.finish()),
        }
    }
}

fn trimmed(text: String) -> Option<String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        None
    } else if trimmed.len() == text.len() {
        Some(text)
    } else {
        Some(trimmed.to_owned())
    }
}

fn set_once(slot: &mut Option<String>, text: String) {
    if slot.is_none() {
        *slot = trimmed(text);
    }
}

/// The entry as a navigation link, when it has no acquisition link and links to another
/// catalogue page.
fn navigation(entry: &Entry) -> Option<Link> {
    if entry.links.iter().any(|link| media::acquisition_kind(&link.rel).is_some()) {
        return None;
    }
    let target = entry.links.iter().find(|link| {
        link.href.is_some()
            && media::image_rel(&link.rel).is_none()
            && link.rel != "self"
            && (NAVIGATION_RELS.contains(&link.rel.as_str())
                || link.rel.starts_with("http://opds-spec.org/sort/")
                || link.media_type.as_deref().is_some_and(media::is_catalog_page))
    })?;
    target.to_link(Some(&entry.title))
}

fn publication(entry: Entry) -> Publication {
    let mut acquisitions: Vec<Acquisition> = Vec::new();
    let (mut cover, mut thumbnail, mut detail, mut self_url) = (None, None, None, None);
    for link in entry.links {
        let Some(href) = link.href else { continue };
        if let Some(kind) = media::acquisition_kind(&link.rel) {
            acquisitions.push(media::acquisition(kind, href, link.media_type, link.indirect, link.prices));
        } else if let Some(is_thumbnail) = media::image_rel(&link.rel) {
            let slot = if is_thumbnail { &mut thumbnail } else { &mut cover };
            if slot.is_none() {
                *slot = Some(href);
            }
        } else if link.rel == "alternate" && link.media_type.as_deref().is_some_and(media::is_entry) {
            if detail.is_none() {
                detail = Some(href);
            }
        } else if link.rel == "self" && self_url.is_none() {
            self_url = Some(href);
        }
    }
    Publication {
        id: entry.id,
        title: entry.title,
        authors: entry.authors,
        summary: entry.content.or(entry.summary),
        language: entry.language,
        publisher: entry.publisher,
        identifiers: entry.identifiers,
        published: entry.issued.or(entry.published),
        updated: entry.updated,
        subjects: entry.subjects,
        cover,
        thumbnail,
        acquisitions,
        detail,
        self_url,
    }
}
