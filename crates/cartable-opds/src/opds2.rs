//! OPDS 2.0 (JSON): feeds, single publications and library registries, deserialised straight
//! into typed structs (no `serde_json::Value` of the whole document), then turned into the
//! [`Feed`] model with every URL resolved.
//!
//! Lenient where real feeds vary (see [`crate::json`]): string, object or array contributors,
//! language maps, links without `href` skipped, unknown fields ignored. Strict where the reader
//! cannot work: a publication needs a title and at least one link, as the OPDS 2 schema
//! requires; a breach is [`Error::Malformed`] with the JSON path of the missing part
//! (`publications[0].metadata.title`), like the schema validators of other OPDS clients.

use serde::Deserialize;
use serde::de::IgnoredAny;
use url::Url;

use crate::error::Error;
use crate::html;
use crate::json::{Count, Flag, List, Name, Object, Text, names, strip_trailing_commas, syntax_error};
use crate::media;
use crate::model::{Catalog, FacetGroup, Feed, Group, Link, Price, Publication, SearchLink, Version};
use crate::search::{SearchTemplate, TemplateSyntax, expand_uri_template};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawFeed {
    metadata: Option<Object<RawMetadata>>,
    links: List<RawLink>,
    images: List<RawLink>,
    navigation: Option<List<RawLink>>,
    publications: Option<List<RawPublication>>,
    groups: Option<List<RawGroup>>,
    facets: Option<List<RawFacet>>,
    catalogs: Option<List<RawCatalog>>,
    authentication: Option<IgnoredAny>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawMetadata {
    title: Text,
    identifier: Text,
    author: List<Name>,
    publisher: List<Name>,
    language: List<Text>,
    modified: Text,
    published: Text,
    description: Text,
    subject: List<Name>,
    #[serde(rename = "numberOfItems")]
    number_of_items: Count,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawLink {
    href: Text,
    #[serde(rename = "type")]
    media_type: Text,
    rel: List<Text>,
    title: Text,
    templated: Flag,
    properties: Object<RawProperties>,
    height: Count,
    width: Count,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawProperties {
    #[serde(rename = "numberOfItems")]
    number_of_items: Count,
    #[serde(rename = "indirectAcquisition")]
    indirect_acquisition: List<RawIndirect>,
    price: Object<RawPrice>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawIndirect {
    #[serde(rename = "type")]
    media_type: Text,
    child: List<RawIndirect>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawPrice {
    value: Text,
    currency: Text,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawPublication {
    metadata: Option<Object<RawMetadata>>,
    links: Option<List<RawLink>>,
    images: List<RawLink>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawGroup {
    metadata: Object<RawMetadata>,
    links: List<RawLink>,
    navigation: List<RawLink>,
    publications: List<RawPublication>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawFacet {
    metadata: Object<RawMetadata>,
    links: List<RawLink>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawCatalog {
    metadata: Object<RawMetadata>,
    links: List<RawLink>,
    images: List<RawLink>,
    /// Not in the spec, but registries use it (Aldiko's).
    image: Object<RawLink>,
}

impl RawLink {
    fn rels(&self) -> impl Iterator<Item = &str> {
        self.rel.iter().filter_map(Text::get)
    }

    fn has_rel(&self, rel: &str) -> bool {
        self.rels().any(|candidate| candidate == rel)
    }

    /// The link's target, resolved; a templated `href` is expanded with no variables (so
    /// `…{&authentication_token}` drops the optional part).
    fn url(&self, base: &Url) -> Option<Url> {
        self.resolve(base, false)
    }

    /// Like [`RawLink::url`]; `image` also accepts `data:` URLs.
    fn resolve(&self, base: &Url, image: bool) -> Option<Url> {
        let href = self.href.get()?;
        if self.templated.0 {
            let expanded = expand_uri_template(href, |_| None).ok()?;
            media::resolve(base, base, &expanded, image)
        } else {
            media::resolve(base, base, href, image)
        }
    }

    fn link(&self, base: &Url) -> Option<Link> {
        let properties = self.properties.0.as_ref();
        Some(Link {
            title: self.title.get().map(html::normalize).unwrap_or_default(),
            href: self.url(base)?,
            rel: self.rels().next().map(str::to_owned),
            media_type: self.media_type.owned(),
            count: properties.and_then(|p| p.number_of_items.0),
            active: self.has_rel("self"),
        })
    }
}

/// Parses an OPDS 2 document whose first significant byte is `{`.
pub(crate) fn parse(bytes: &[u8], base: &Url) -> Result<Feed, Error> {
    let bytes = crate::json::without_bom(bytes);
    if crate::first_significant_byte(bytes) != Some(b'{') {
        // An array or a scalar: JSON, but not a feed; or not JSON at all.
        return Err(match serde_json::from_slice::<IgnoredAny>(bytes) {
            Ok(_) => Error::not_opds("JSON that is not an OPDS feed"),
            Err(error) => syntax_error(&error),
        });
    }
    let bytes = strip_trailing_commas(bytes);
    let raw: RawFeed = serde_json::from_slice(&bytes).map_err(|error| syntax_error(&error))?;
    let has_collection = raw.navigation.is_some()
        || raw.publications.is_some()
        || raw.groups.is_some()
        || raw.facets.is_some()
        || raw.catalogs.is_some();
    if !has_collection && raw.metadata.is_none() {
        return Err(if raw.authentication.is_some() {
            Error::not_opds("an authentication document: the catalogue asks to sign in first")
        } else {
            Error::not_opds("JSON that is not an OPDS feed")
        });
    }
    let metadata = raw.metadata.as_ref().and_then(|m| m.0.as_ref());
    let is_publication = !has_collection
        && (!raw.images.0.is_empty()
            || raw.links.iter().any(|link| link.rels().any(|rel| media::acquisition_kind(rel).is_some())));
    let mut feed = Feed {
        version: Version::Opds2,
        title: metadata.and_then(|m| m.title.get()).map(html::normalize).unwrap_or_default(),
        id: metadata.and_then(|m| m.identifier.owned()),
        updated: metadata.and_then(|m| m.modified.owned()),
        self_url: None,
        number_of_items: metadata.and_then(|m| m.number_of_items.0),
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
    };
    feed_links(&mut feed, &raw.links, base);
    if is_publication {
        let publication = RawPublication { metadata: raw.metadata, links: Some(raw.links), images: raw.images };
        feed.publications.push(convert_publication(&publication, "", base)?);
        return Ok(feed);
    }
    feed.navigation = links(raw.navigation.iter().flat_map(List::iter), base);
    for (index, publication) in raw.publications.iter().flat_map(List::iter).enumerate() {
        feed.publications.push(convert_publication(publication, &format!("publications[{index}]"), base)?);
    }
    for (index, group) in raw.groups.iter().flat_map(List::iter).enumerate() {
        feed.groups.push(convert_group(group, index, base)?);
    }
    feed.facets = raw
        .facets
        .iter()
        .flat_map(List::iter)
        .map(|facet| FacetGroup {
            title: facet.metadata.0.as_ref().and_then(|m| m.title.get()).map(html::normalize).unwrap_or_default(),
            facets: links(facet.links.iter(), base),
        })
        .collect();
    for (index, catalog) in raw.catalogs.iter().flat_map(List::iter).enumerate() {
        feed.catalogs.push(convert_catalog(catalog, index, base)?);
    }
    Ok(feed)
}

fn links<'a>(raw: impl Iterator<Item = &'a RawLink>, base: &Url) -> Vec<Link> {
    raw.filter_map(|link| link.link(base)).collect()
}

/// The feed's own links: pages, structure, search, authentication.
fn feed_links(feed: &mut Feed, links: &List<RawLink>, base: &Url) {
    for link in links.iter() {
        let media_type = link.media_type.get().unwrap_or_default();
        if media::essence(media_type) == media::AUTH_DOCUMENT || link.has_rel(media::REL_AUTH_DOCUMENT) {
            if feed.auth_document.is_none() {
                feed.auth_document = link.url(base);
            }
            continue;
        }
        for rel in link.rels() {
            let slot = match rel {
                "self" => &mut feed.self_url,
                "next" => &mut feed.next,
                "previous" | "prev" => &mut feed.previous,
                "first" => &mut feed.first,
                "last" => &mut feed.last,
                "up" => &mut feed.up,
                "start" => &mut feed.start,
                "search" => {
                    if feed.search.is_none() {
                        feed.search = search_link(link, base);
                    }
                    continue;
                }
                _ => continue,
            };
            if slot.is_none() {
                *slot = link.url(base);
            }
        }
    }
}

fn search_link(link: &RawLink, base: &Url) -> Option<SearchLink> {
    let href = link.href.get()?;
    let media_type = link.media_type.owned();
    if media_type.as_deref().is_some_and(|t| media::essence(t) == media::OPENSEARCH) {
        return Some(SearchLink::Description { href: media::resolve(base, base, href, false)? });
    }
    if link.templated.0 || href.contains('{') {
        let template = SearchTemplate::new(href.to_owned(), base.clone(), TemplateSyntax::UriTemplate, media_type);
        return Some(SearchLink::Template { template });
    }
    None
}

fn convert_group(group: &RawGroup, index: usize, base: &Url) -> Result<Group, Error> {
    let metadata = group.metadata.0.as_ref();
    let mut publications = Vec::new();
    for (position, publication) in group.publications.iter().enumerate() {
        publications.push(convert_publication(
            publication,
            &format!("groups[{index}].publications[{position}]"),
            base,
        )?);
    }
    Ok(Group {
        title: metadata.and_then(|m| m.title.get()).map(html::normalize).unwrap_or_default(),
        navigation: links(group.navigation.iter(), base),
        publications,
        href: group.links.iter().find(|link| link.has_rel("self")).and_then(|link| link.url(base)),
        number_of_items: metadata.and_then(|m| m.number_of_items.0),
    })
}

fn convert_catalog(catalog: &RawCatalog, index: usize, base: &Url) -> Result<Catalog, Error> {
    let metadata = catalog.metadata.0.as_ref();
    let title = metadata
        .and_then(|m| m.title.get())
        .map(html::normalize)
        .ok_or_else(|| Error::malformed(format!("catalogs[{index}].metadata.title"), "a catalogue has no name"))?;
    let link = catalog
        .links
        .iter()
        .find(|link| link.has_rel("http://opds-spec.org/catalog"))
        .or_else(|| catalog.links.iter().find(|link| link.media_type.get().is_some_and(media::is_catalog_page)))
        .and_then(|link| link.link(base))
        .map(|link| if link.title.is_empty() { Link { title: title.clone(), ..link } } else { link });
    let auth_document = catalog
        .links
        .iter()
        .find(|link| {
            link.has_rel(media::REL_AUTH_DOCUMENT)
                || link.media_type.get().is_some_and(|t| media::essence(t) == media::AUTH_DOCUMENT)
        })
        .and_then(|link| link.url(base));
    let (cover, _) = images(catalog.images.iter().chain(catalog.image.0.iter()), base);
    Ok(Catalog {
        title,
        description: metadata.and_then(|m| m.description.get()).map(html::to_text).filter(|d| !d.is_empty()),
        link,
        auth_document,
        image: cover,
    })
}

fn convert_publication(raw: &RawPublication, path: &str, base: &Url) -> Result<Publication, Error> {
    let at = |field: &str| if path.is_empty() { field.to_owned() } else { format!("{path}.{field}") };
    let metadata = raw
        .metadata
        .as_ref()
        .and_then(|m| m.0.as_ref())
        .ok_or_else(|| Error::malformed(at("metadata"), "a publication has no metadata"))?;
    let title = metadata
        .title
        .get()
        .map(html::normalize)
        .filter(|title| !title.is_empty())
        .ok_or_else(|| Error::malformed(at("metadata.title"), "a publication has no title"))?;
    let links = raw.links.as_ref().filter(|links| !links.0.is_empty()).ok_or_else(|| {
        Error::malformed(at("links"), "a publication has no links (an acquisition or a self link is required)")
    })?;
    let mut acquisitions = Vec::new();
    let (mut detail, mut self_url) = (None, None);
    for link in links.iter() {
        if link.has_rel("self") && self_url.is_none() {
            self_url = link.url(base);
            if link.media_type.get().is_some_and(media::is_entry) {
                detail.clone_from(&self_url);
            }
        }
        let Some(kind) = link.rels().find_map(media::acquisition_kind) else { continue };
        let Some(href) = link.url(base) else { continue };
        let properties = link.properties.0.as_ref();
        let mut indirect = Vec::new();
        if let Some(properties) = properties {
            flatten(&properties.indirect_acquisition, &mut indirect);
        }
        let prices = properties
            .and_then(|p| p.price.0.as_ref())
            .and_then(|price| price.value.owned().map(|value| Price { value, currency: price.currency.owned() }))
            .into_iter()
            .collect();
        acquisitions.push(media::acquisition(kind, href, link.media_type.owned(), indirect, prices));
    }
    let (cover, thumbnail) = images(raw.images.iter(), base);
    let identifier = metadata.identifier.owned();
    Ok(Publication {
        id: identifier.clone(),
        title,
        authors: names(&metadata.author),
        summary: metadata.description.get().map(html::to_text).filter(|summary| !summary.is_empty()),
        language: metadata.language.iter().find_map(Text::owned),
        publisher: names(&metadata.publisher).into_iter().next(),
        identifiers: identifier.into_iter().collect(),
        published: metadata.published.owned(),
        updated: metadata.modified.owned(),
        subjects: names(&metadata.subject),
        cover,
        thumbnail,
        acquisitions,
        detail,
        self_url,
    })
}

/// The indirect acquisition tree, depth-first in document order.
fn flatten(indirect: &List<RawIndirect>, out: &mut Vec<String>) {
    for step in indirect.iter() {
        if let Some(media_type) = step.media_type.owned() {
            out.push(media_type);
        }
        flatten(&step.child, out);
    }
}

/// The cover and the thumbnail among `images`: explicit relations first
/// (`http://opds-spec.org/image[/thumbnail]`, `cover`), else by size among bitmaps (the largest
/// is the cover, the smallest the thumbnail), else the first image.
fn images<'a>(images: impl Iterator<Item = &'a RawLink>, base: &Url) -> (Option<Url>, Option<Url>) {
    struct Candidate {
        url: Url,
        relation: Option<bool>,
        area: Option<u64>,
        bitmap: bool,
    }
    let candidates: Vec<Candidate> = images
        .filter_map(|image| {
            let url = image.resolve(base, true)?;
            let relation = image.rels().find_map(media::image_rel);
            let area = image.width.0.zip(image.height.0).map(|(w, h)| w.saturating_mul(h));
            let bitmap = image.media_type.get().is_none_or(|t| {
                matches!(
                    media::essence(t).as_str(),
                    "image/jpeg" | "image/jpg" | "image/png" | "image/gif" | "image/webp"
                )
            });
            Some(Candidate { url, relation, area, bitmap })
        })
        .collect();
    let explicit = |thumbnail: bool| candidates.iter().find(|c| c.relation == Some(thumbnail)).map(|c| c.url.clone());
    let pool: Vec<&Candidate> = if candidates.iter().any(|c| c.bitmap) {
        candidates.iter().filter(|c| c.bitmap).collect()
    } else {
        candidates.iter().collect()
    };
    let largest = pool.iter().filter(|c| c.area.is_some()).max_by_key(|c| c.area).or_else(|| pool.first());
    let cover = explicit(false).or_else(|| largest.map(|c| c.url.clone()));
    let smallest = pool.iter().filter(|c| c.area.is_some()).min_by_key(|c| c.area).map(|c| c.url.clone());
    let thumbnail = explicit(true).or_else(|| smallest.filter(|url| Some(url) != cover.as_ref()));
    (cover, thumbnail)
}
