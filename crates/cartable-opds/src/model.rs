//! What a catalogue document parses to: view types, serialised in camelCase for the interface.
//!
//! Every URL is absolute (resolved against the document's address and any `xml:base`), and
//! every text is plain text, ready to show.

use serde::Serialize;
use url::Url;

use crate::search::SearchTemplate;

/// Which OPDS a feed was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Version {
    /// OPDS 1.x: an Atom feed or entry document (XML).
    Opds1,
    /// OPDS 2.0: a JSON feed or publication.
    Opds2,
}

/// One catalogue page: where to go next (navigation, facets, pages, search) and what can be
/// read (publications, possibly in groups).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Feed {
    /// OPDS 1 or 2.
    pub version: Version,
    /// The page's title (empty when the catalogue gives none).
    pub title: String,
    /// Atom `id`, or OPDS 2 `metadata.identifier`.
    pub id: Option<String>,
    /// Atom `updated` or OPDS 2 `metadata.modified`, as given (RFC 3339 when the feed is right).
    pub updated: Option<String>,
    /// The page's own address (`rel="self"`).
    pub self_url: Option<Url>,
    /// How many items the whole list has, across pages (`opensearch:totalResults`, OPDS 2
    /// `numberOfItems`).
    pub number_of_items: Option<u64>,
    /// Links to browse further: the entries of an OPDS 1 navigation feed, the OPDS 2
    /// `navigation` collection.
    pub navigation: Vec<Link>,
    /// The publications listed on this page.
    pub publications: Vec<Publication>,
    /// OPDS 2 groups: titled rows of links or publications, each with a link to its full list.
    pub groups: Vec<Group>,
    /// Facets: other orders or subsets of this list, by group.
    pub facets: Vec<FacetGroup>,
    /// Catalogues listed by a library registry (OPDS 2 `catalogs`).
    pub catalogs: Vec<Catalog>,
    /// The next page of this list.
    pub next: Option<Url>,
    /// The previous page of this list.
    pub previous: Option<Url>,
    /// The first page of this list.
    pub first: Option<Url>,
    /// The last page of this list.
    pub last: Option<Url>,
    /// The parent page (`rel="up"`).
    pub up: Option<Url>,
    /// The catalogue's root (`rel="start"`).
    pub start: Option<Url>,
    /// How to search the catalogue, when it can be searched.
    pub search: Option<SearchLink>,
    /// The catalogue's authentication document, when the feed links one.
    pub auth_document: Option<Url>,
}

/// A link to another page of the catalogue (or to a web page, when `media_type` says so).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Link {
    /// What to show (the entry's or the link's title; empty when the catalogue gives none).
    pub title: String,
    /// Where it leads.
    pub href: Url,
    /// The link relation, when given (`subsection`, `http://opds-spec.org/sort/new`...).
    pub rel: Option<String>,
    /// The media type of the target, when given.
    pub media_type: Option<String>,
    /// How many items the target lists, when the catalogue says (`thr:count`, OPDS 2
    /// `properties.numberOfItems`).
    pub count: Option<u64>,
    /// For facets: whether this facet is the one applied to the current list.
    pub active: bool,
}

/// A titled row of an OPDS 2 feed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    /// The row's title.
    pub title: String,
    /// Its navigation links, if it is a row of links.
    pub navigation: Vec<Link>,
    /// Its publications, if it is a row of publications (often the first few of a longer list).
    pub publications: Vec<Publication>,
    /// The full list ("see all"), when the group links one.
    pub href: Option<Url>,
    /// How many items the full list has, when given.
    pub number_of_items: Option<u64>,
}

/// Facets sharing a group (`opds:facetGroup`, OPDS 2 `facets[].metadata.title`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FacetGroup {
    /// The group's title (empty for OPDS 1 facets without `opds:facetGroup`).
    pub title: String,
    /// The facets, in document order, with their `active` flag and `count`.
    pub facets: Vec<Link>,
}

/// A catalogue listed by a library registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Catalog {
    /// The library's or catalogue's name.
    pub title: String,
    /// A description, as plain text.
    pub description: Option<String>,
    /// Where the catalogue starts (`rel="http://opds-spec.org/catalog"`): an OPDS feed, or a
    /// web site when `media_type` is `text/html`.
    pub link: Option<Link>,
    /// Its authentication document, when it has one.
    pub auth_document: Option<Url>,
    /// A logo or picture.
    pub image: Option<Url>,
}

/// Where the catalogue's search lives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum SearchLink {
    /// An OpenSearch description to fetch, then read with [`parse_opensearch`](crate::parse_opensearch).
    Description {
        /// The description's address.
        href: Url,
    },
    /// A template to expand directly with [`SearchTemplate::expand`].
    Template {
        /// The template.
        template: SearchTemplate,
    },
}

/// A book (or other publication) of the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Publication {
    /// Atom `id` (usually a URN), or OPDS 2 `metadata.identifier`.
    pub id: Option<String>,
    /// The title.
    pub title: String,
    /// Author names, in order.
    pub authors: Vec<String>,
    /// A description as plain text (markup removed, entities decoded).
    pub summary: Option<String>,
    /// The (first) language, as given (`en`, `fr-FR`).
    pub language: Option<String>,
    /// The (first) publisher.
    pub publisher: Option<String>,
    /// Identifiers of the publication (ISBN URNs...) from `dc:identifier`, OPDS 2 `identifier`
    /// and `altIdentifier`.
    pub identifiers: Vec<String>,
    /// When the publication was published, as given: `dc:issued` (else Atom `published`), or
    /// OPDS 2 `published`. Often just a year.
    pub published: Option<String>,
    /// When the catalogue entry was last updated (Atom `updated`, OPDS 2 `modified`).
    pub updated: Option<String>,
    /// Subjects and categories (Atom `category` labels, OPDS 2 `subject` names).
    pub subjects: Vec<String>,
    /// The cover image.
    pub cover: Option<Url>,
    /// A small version of the cover, when the catalogue gives one.
    pub thumbnail: Option<Url>,
    /// How the publication can be obtained.
    pub acquisitions: Vec<Acquisition>,
    /// The complete catalogue entry, when this one is partial (OPDS 1 `alternate` entry link,
    /// OPDS 2 `self` link to an `application/opds-publication+json`).
    pub detail: Option<Url>,
    /// The entry's own address (`rel="self"`).
    pub self_url: Option<Url>,
}

/// One way to obtain a publication.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Acquisition {
    /// Free, generic, loan, purchase, sample or subscription.
    pub kind: AcquisitionKind,
    /// Where to go.
    pub href: Url,
    /// The media type of what `href` returns, when given.
    pub media_type: Option<String>,
    /// The media types of the indirect acquisition chain (`opds:indirectAcquisition`, OPDS 2
    /// `indirectAcquisition`), nested ones flattened depth-first in document order.
    pub indirect: Vec<String>,
    /// Prices, when given (several currencies are possible).
    pub prices: Vec<Price>,
    /// Whether Cartable can download this and open it: the kind is open access, generic or
    /// sample, and the link's type and every indirect type are PDF or EPUB, so that `href`
    /// returns the book itself. Loans, purchases and subscriptions never are, nor is a chain
    /// through a web page or DRM (Adobe ACSM, Readium LCP) even when it ends in an EPUB.
    pub downloadable: bool,
}

/// The acquisition relations of OPDS (`http://opds-spec.org/acquisition[/...]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum AcquisitionKind {
    /// `.../acquisition/open-access`: free, no registration.
    OpenAccess,
    /// `.../acquisition`: the complete publication can be retrieved.
    Acquisition,
    /// `.../acquisition/borrow`: a loan.
    Borrow,
    /// `.../acquisition/buy`: a purchase.
    Buy,
    /// `.../acquisition/sample` or `preview`: an extract.
    Sample,
    /// `.../acquisition/subscribe`: part of a subscription.
    Subscribe,
}

/// A price: a value and its ISO 4217 currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Price {
    /// The value as written by the catalogue (`"18.99"`); never parsed into a float.
    pub value: String,
    /// The currency code (`USD`, `EUR`), when given.
    pub currency: Option<String>,
}
