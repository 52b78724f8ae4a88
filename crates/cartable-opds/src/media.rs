//! Media types and link relations: what a link is, and whether Cartable can download it.

use url::Url;

use crate::model::{Acquisition, AcquisitionKind, Price};

pub(crate) const PDF: &str = "application/pdf";
pub(crate) const EPUB: &str = "application/epub+zip";
pub(crate) const AUTH_DOCUMENT: &str = "application/opds-authentication+json";
pub(crate) const OPENSEARCH: &str = "application/opensearchdescription+xml";
pub(crate) const REL_AUTH_DOCUMENT: &str = "http://opds-spec.org/auth/document";
pub(crate) const REL_FACET: &str = "http://opds-spec.org/facet";

/// `href` resolved against `base`, if the result is a URL a catalogue may point the app to:
/// `http` or `https`, or the scheme of the document itself (a catalogue opened from disk may
/// link its neighbours). `data:` is accepted for images only, as OPDS allows for thumbnails. A
/// remote catalogue cannot send the app to `file:`, `javascript:` or any other scheme.
pub(crate) fn resolve(base: &Url, document: &Url, href: &str, image: bool) -> Option<Url> {
    let href = href.trim();
    if href.is_empty() {
        return None;
    }
    let url = base.join(href).ok()?;
    let allowed = matches!(url.scheme(), "http" | "https")
        || url.scheme() == document.scheme()
        || (image && url.scheme() == "data");
    allowed.then_some(url)
}

/// The media type without parameters, lower case: `Application/EPUB+zip; charset=x` →
/// `application/epub+zip`.
pub(crate) fn essence(media_type: &str) -> String {
    media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()
}

/// A PDF or an EPUB: what Cartable opens.
pub(crate) fn is_book(media_type: &str) -> bool {
    matches!(essence(media_type).as_str(), PDF | EPUB)
}

/// An Atom feed or an OPDS 2 feed (not an entry): a page of the catalogue.
pub(crate) fn is_catalog_page(media_type: &str) -> bool {
    let lower = media_type.to_ascii_lowercase();
    match essence(&lower).as_str() {
        "application/atom+xml" => !lower.replace(' ', "").contains("type=entry"),
        "application/opds+json" => true,
        _ => false,
    }
}

/// An Atom entry document (`application/atom+xml;type=entry`) or an OPDS 2 publication.
pub(crate) fn is_entry(media_type: &str) -> bool {
    let lower = media_type.to_ascii_lowercase();
    match essence(&lower).as_str() {
        "application/atom+xml" => lower.replace(' ', "").contains("type=entry"),
        "application/opds-publication+json" => true,
        _ => false,
    }
}

/// The acquisition kind of a link relation; `None` for other relations, and for unknown
/// `.../acquisition/...` sub-relations (better absent than shown as something they are not).
pub(crate) fn acquisition_kind(rel: &str) -> Option<AcquisitionKind> {
    match rel {
        "http://opds-spec.org/acquisition" => Some(AcquisitionKind::Acquisition),
        "http://opds-spec.org/acquisition/open-access" => Some(AcquisitionKind::OpenAccess),
        "http://opds-spec.org/acquisition/borrow" => Some(AcquisitionKind::Borrow),
        "http://opds-spec.org/acquisition/buy" => Some(AcquisitionKind::Buy),
        "http://opds-spec.org/acquisition/sample" | "preview" => Some(AcquisitionKind::Sample),
        "http://opds-spec.org/acquisition/subscribe" => Some(AcquisitionKind::Subscribe),
        _ => None,
    }
}

/// An acquisition, with `downloadable` decided by [`downloadable`].
pub(crate) fn acquisition(
    kind: AcquisitionKind,
    href: Url,
    media_type: Option<String>,
    indirect: Vec<String>,
    prices: Vec<Price>,
) -> Acquisition {
    let downloadable = downloadable(kind, media_type.as_deref(), &indirect);
    Acquisition { kind, href, media_type, indirect, prices, downloadable }
}

/// Whether fetching the link gives Cartable a book it opens, with nothing in between.
///
/// The kind must be free, generic or a sample (a loan, purchase or subscription involves the
/// catalogue's own process, never a plain download), and every step of the chain must be a PDF
/// or an EPUB: the link's own type, then each indirect type. An HTML page, an Adobe ACSM or a
/// Readium LCP licence in the chain means the file at `href` is not the book, so the
/// acquisition is not offered as a download even if a PDF or EPUB comes at the end.
pub(crate) fn downloadable(kind: AcquisitionKind, media_type: Option<&str>, indirect: &[String]) -> bool {
    let free = matches!(kind, AcquisitionKind::OpenAccess | AcquisitionKind::Acquisition | AcquisitionKind::Sample);
    free && media_type.is_some_and(is_book) && indirect.iter().all(|step| is_book(step))
}

/// Whether a relation is one of the image relations, and which: `Some(false)` for the full
/// image, `Some(true)` for the thumbnail. OPDS 1.0 and Stanza names are accepted too.
pub(crate) fn image_rel(rel: &str) -> Option<bool> {
    match rel {
        "http://opds-spec.org/image" | "http://opds-spec.org/cover" | "x-stanza-cover-image" | "cover" => Some(false),
        "http://opds-spec.org/image/thumbnail"
        | "http://opds-spec.org/thumbnail"
        | "x-stanza-cover-image-thumbnail" => Some(true),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downloadable_needs_a_free_kind_and_a_book_all_along_the_chain() {
        use AcquisitionKind::*;
        // (kind, link type, indirect chain, downloadable, why)
        type Case = (AcquisitionKind, Option<&'static str>, &'static [&'static str], bool, &'static str);
        let cases: [Case; 12] = [
            (OpenAccess, Some("application/epub+zip"), &[], true, "a free EPUB"),
            (Acquisition, Some("application/pdf"), &[], true, "a generic PDF"),
            (Sample, Some("application/epub+zip"), &[], true, "an EPUB sample"),
            (OpenAccess, Some("Application/EPUB+zip; charset=binary"), &[], true, "parameters and case do not matter"),
            (Borrow, Some("application/epub+zip"), &[], false, "a loan is never a plain download"),
            (Buy, Some("application/epub+zip"), &[], false, "a purchase is never a plain download"),
            (Subscribe, Some("application/pdf"), &[], false, "a subscription is never a plain download"),
            (OpenAccess, Some("application/x-mobipocket-ebook"), &[], false, "a format Cartable does not open"),
            (OpenAccess, None, &[], false, "an unknown type is not promised"),
            (Acquisition, Some("text/html"), &["application/epub+zip"], false, "a web page before the EPUB"),
            (Acquisition, Some("application/vnd.adobe.adept+xml"), &["application/pdf"], false, "Adobe DRM"),
            (OpenAccess, Some("application/audiobook+json"), &[], false, "an audiobook manifest"),
        ];
        for (kind, media_type, indirect, expected, why) in cases {
            let indirect: Vec<String> = indirect.iter().map(|s| (*s).to_owned()).collect();
            assert_eq!(downloadable(kind, media_type, &indirect), expected, "{why}");
        }
    }

    #[test]
    fn media_types_are_classified() {
        let cases = [
            ("application/atom+xml;profile=opds-catalog;kind=navigation", true, false),
            ("application/atom+xml; profile=opds-catalog; kind=acquisition", true, false),
            ("application/atom+xml;type=entry;profile=opds-catalog", false, true),
            ("application/opds+json", true, false),
            ("application/opds-publication+json", false, true),
            ("text/html", false, false),
        ];
        for (media_type, page, entry) in cases {
            assert_eq!(is_catalog_page(media_type), page, "is {media_type} a catalogue page");
            assert_eq!(is_entry(media_type), entry, "is {media_type} an entry");
        }
    }

    #[test]
    fn acquisition_relations_map_to_kinds() {
        use AcquisitionKind::*;
        let cases = [
            ("http://opds-spec.org/acquisition", Some(Acquisition)),
            ("http://opds-spec.org/acquisition/open-access", Some(OpenAccess)),
            ("http://opds-spec.org/acquisition/borrow", Some(Borrow)),
            ("http://opds-spec.org/acquisition/buy", Some(Buy)),
            ("http://opds-spec.org/acquisition/sample", Some(Sample)),
            ("preview", Some(Sample)),
            ("http://opds-spec.org/acquisition/subscribe", Some(Subscribe)),
            ("http://opds-spec.org/acquisition/unknown", None),
            ("alternate", None),
        ];
        for (rel, kind) in cases {
            assert_eq!(acquisition_kind(rel), kind, "kind of {rel}");
        }
    }
}
