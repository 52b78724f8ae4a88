//! Pure parsers for the response headers the crate relies on (RFC 9110, RFC 8288).
//! Every one takes text that a hostile or broken server may have sent, and never panics.

use std::time::{Duration, SystemTime};

use url::Url;

/// The `rel` of the OPDS Authentication Document link.
pub(crate) const AUTH_DOCUMENT_REL: &str = "http://opds-spec.org/auth/document";

/// The content type of an OPDS Authentication Document.
pub(crate) const AUTH_DOCUMENT_TYPE: &str = "application/opds-authentication+json";

/// A `Content-Range` value (RFC 9110 §14.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ContentRange {
    /// `bytes first-last/complete` (`complete` is `None` for `*`).
    Bytes { first: u64, last: u64, complete: Option<u64> },
    /// `bytes */complete`, sent with 416.
    Unsatisfied { complete: u64 },
}

pub(crate) fn parse_content_range(value: &str) -> Option<ContentRange> {
    let rest = value.trim().strip_prefix("bytes")?;
    // The unit must be followed by at least one space.
    let rest = rest.strip_prefix(' ')?.trim_start();
    let (range, complete) = rest.split_once('/')?;
    let complete = match complete.trim() {
        "*" => None,
        n => Some(parse_digits(n)?),
    };
    if range.trim() == "*" {
        return Some(ContentRange::Unsatisfied { complete: complete? });
    }
    let (first, last) = range.split_once('-')?;
    let (first, last) = (parse_digits(first.trim())?, parse_digits(last.trim())?);
    if last < first || complete.is_some_and(|c| last >= c) {
        return None;
    }
    Some(ContentRange::Bytes { first, last, complete })
}

/// Decimal digits only: no sign, no spaces, no overflow.
pub(crate) fn parse_digits(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `Retry-After` (RFC 9110 §10.2.3): delta-seconds, or an HTTP-date taken relative to the
/// response's `Date` when there is one (so a wrong local clock does not matter), else to `now`.
pub(crate) fn parse_retry_after(value: &str, date: Option<&str>, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Some(seconds) = parse_digits(value) {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    let base = date.and_then(|d| httpdate::parse_http_date(d.trim()).ok()).unwrap_or(now);
    Some(at.duration_since(base).unwrap_or(Duration::ZERO))
}

/// A strong entity tag, or `None` for a weak (`W/"…"`) or malformed one. If-Range must never
/// carry a weak tag (RFC 9110 §13.1.5).
pub(crate) fn strong_etag(value: &str) -> Option<&str> {
    let value = value.trim();
    let inner = value.strip_prefix('"')?.strip_suffix('"')?;
    if inner.contains('"') {
        return None;
    }
    Some(value)
}

/// Whether `Last-Modified` may serve as a strong validator: it must be at least one second
/// before the response's `Date` (RFC 9110 §8.8.2.2). Without a `Date`, it is taken as strong,
/// as curl and wget do; the final size and checksum checks still guard the result.
pub(crate) fn last_modified_is_strong(last_modified: &str, date: Option<&str>) -> bool {
    let Ok(modified) = httpdate::parse_http_date(last_modified.trim()) else {
        return false;
    };
    match date.map(|d| httpdate::parse_http_date(d.trim())) {
        None => true,
        Some(Err(_)) => true,
        Some(Ok(date)) => date.duration_since(modified).is_ok_and(|d| d >= Duration::from_secs(1)),
    }
}

/// The target of the first `Link` whose `rel` includes `rel`, resolved against `base`.
/// `values` are the `Link` header lines; each may hold several comma-separated links.
pub(crate) fn find_link<'a>(values: impl IntoIterator<Item = &'a str>, rel: &str, base: &Url) -> Option<Url> {
    for value in values {
        for link in parse_links(value) {
            let matches = link
                .params
                .iter()
                .filter(|(name, _)| name.eq_ignore_ascii_case("rel"))
                .flat_map(|(_, v)| v.split_ascii_whitespace())
                .any(|r| r.eq_ignore_ascii_case(rel));
            if matches && let Ok(url) = base.join(link.target) {
                return Some(url);
            }
        }
    }
    None
}

struct Link<'a> {
    target: &'a str,
    params: Vec<(&'a str, String)>,
}

/// RFC 8288 §3: `<target>; name=value; name="quoted, value", <next>…`. Malformed links are
/// skipped up to the next top-level comma.
fn parse_links(value: &str) -> Vec<Link<'_>> {
    let mut links = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches(|c: char| c == ',' || c.is_ascii_whitespace());
        if rest.is_empty() {
            return links;
        }
        let Some(after) = rest.strip_prefix('<') else {
            rest = skip_to_comma(rest);
            continue;
        };
        let Some(end) = after.find('>') else {
            return links;
        };
        let target = after[..end].trim();
        rest = &after[end + 1..];
        let mut params = Vec::new();
        loop {
            rest = rest.trim_start();
            let Some(after) = rest.strip_prefix(';') else {
                break;
            };
            let (param, after) = parse_param(after);
            rest = after;
            if let Some(param) = param {
                params.push(param);
            }
        }
        links.push(Link { target, params });
        rest = skip_to_comma(rest);
    }
}

/// One `name=value` or `name="value"` (or a bare `name`), and the text after it.
fn parse_param(s: &str) -> (Option<(&str, String)>, &str) {
    let s = s.trim_start();
    let name_end = s.find(|c: char| c == '=' || c == ';' || c == ',' || c.is_ascii_whitespace()).unwrap_or(s.len());
    let name = &s[..name_end];
    let rest = s[name_end..].trim_start();
    let Some(rest) = rest.strip_prefix('=') else {
        return (if name.is_empty() { None } else { Some((name, String::new())) }, rest);
    };
    let rest = rest.trim_start();
    let (value, rest) = if let Some(quoted) = rest.strip_prefix('"') {
        parse_quoted(quoted)
    } else {
        let end = rest.find([';', ',']).unwrap_or(rest.len());
        (rest[..end].trim().to_owned(), &rest[end..])
    };
    (if name.is_empty() { None } else { Some((name, value)) }, rest)
}

/// The inside of a quoted-string (after the opening quote), unescaped, and the text after it.
fn parse_quoted(s: &str) -> (String, &str) {
    let mut out = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return (out, &s[i + 1..]),
            '\\' => {
                if let Some((_, escaped)) = chars.next() {
                    out.push(escaped);
                }
            }
            c => out.push(c),
        }
    }
    (out, "")
}

/// Skips to the next comma outside a quoted string.
fn skip_to_comma(s: &str) -> &str {
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ',' if !quoted => return &s[i..],
            _ => {}
        }
    }
    ""
}

/// The `realm` of the first challenge in `WWW-Authenticate` values that has one.
pub(crate) fn find_realm<'a>(values: impl IntoIterator<Item = &'a str>) -> Option<String> {
    for value in values {
        let mut rest = value;
        while let Some(at) = find_ignore_case(rest, "realm") {
            let before = rest[..at].chars().next_back();
            let after = rest[at + "realm".len()..].trim_start();
            rest = &rest[at + "realm".len()..];
            // `realm` must be a whole parameter name: not part of `xrealm` or a quoted value.
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                continue;
            }
            if let Some(after) = after.strip_prefix('=') {
                let after = after.trim_start();
                let realm = match after.strip_prefix('"') {
                    Some(quoted) => parse_quoted(quoted).0,
                    None => after.split([',', ' ']).next().unwrap_or("").to_owned(),
                };
                return Some(realm);
            }
        }
    }
    None
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack.as_bytes().windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// The media type of a `Content-Type` value, lower case, without parameters.
pub(crate) fn media_type(content_type: &str) -> String {
    content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_range_table() {
        use ContentRange::*;
        let table: &[(&str, Option<ContentRange>)] = &[
            ("bytes 0-499/1234", Some(Bytes { first: 0, last: 499, complete: Some(1234) })),
            ("bytes 100-199/*", Some(Bytes { first: 100, last: 199, complete: None })),
            ("bytes */1234", Some(Unsatisfied { complete: 1234 })),
            ("  bytes   5-5/6 ", Some(Bytes { first: 5, last: 5, complete: Some(6) })),
            ("bytes 10-5/20", None),
            ("bytes 0-20/20", None),
            ("bytes */*", None),
            ("bytes -5/20", None),
            ("bytes +1-5/20", None),
            ("items 0-5/20", None),
            ("bytes0-5/20", None),
            ("bytes 0-99999999999999999999999/1", None),
            ("", None),
        ];
        for (value, expected) in table {
            assert_eq!(parse_content_range(value), *expected, "Content-Range {value:?}");
        }
    }

    #[test]
    fn retry_after_table() {
        let now = httpdate::parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").expect("valid date");
        let table: &[(&str, Option<&str>, Option<Duration>)] = &[
            ("120", None, Some(Duration::from_secs(120))),
            (" 0 ", None, Some(Duration::ZERO)),
            ("Wed, 21 Oct 2015 07:28:30 GMT", None, Some(Duration::from_secs(30))),
            // Relative to the server's Date, not to our clock.
            ("Wed, 21 Oct 2015 08:00:10 GMT", Some("Wed, 21 Oct 2015 08:00:00 GMT"), Some(Duration::from_secs(10))),
            ("Wed, 21 Oct 2015 07:00:00 GMT", None, Some(Duration::ZERO)),
            ("-5", None, None),
            ("soon", None, None),
        ];
        for (value, date, expected) in table {
            assert_eq!(parse_retry_after(value, *date, now), *expected, "Retry-After {value:?} with Date {date:?}");
        }
    }

    #[test]
    fn only_strong_etags_are_validators() {
        assert_eq!(strong_etag("\"abc\""), Some("\"abc\""));
        assert_eq!(strong_etag(" \"\" "), Some("\"\""));
        assert_eq!(strong_etag("W/\"abc\""), None, "a weak tag must never go into If-Range");
        assert_eq!(strong_etag("abc"), None, "an unquoted tag is malformed");
        assert_eq!(strong_etag("\"a\"b\""), None);
    }

    #[test]
    fn last_modified_strength_follows_the_date() {
        let lm = "Wed, 21 Oct 2015 07:28:00 GMT";
        assert!(last_modified_is_strong(lm, Some("Wed, 21 Oct 2015 07:28:01 GMT")));
        assert!(!last_modified_is_strong(lm, Some(lm)), "modified in the same second as sent: weak");
        assert!(last_modified_is_strong(lm, None));
        assert!(!last_modified_is_strong("yesterday", None), "an unparsable date validates nothing");
    }

    #[test]
    fn auth_document_link_table() {
        let base = Url::parse("https://books.example/opds/catalog.xml").expect("valid url");
        let table: &[(&[&str], Option<&str>)] = &[
            (&[r#"</auth.json>; rel="http://opds-spec.org/auth/document""#], Some("https://books.example/auth.json")),
            (
                &[
                    r#"<https://a.example/x, y>; rel="next", <auth>; type="application/opds-authentication+json"; rel="http://opds-spec.org/auth/document""#,
                ],
                Some("https://books.example/opds/auth"),
            ),
            (
                &[r#"<a>; rel="self", <b>; rel="start""#, r#"<c>;REL="HTTP://OPDS-SPEC.ORG/AUTH/DOCUMENT""#],
                Some("https://books.example/opds/c"),
            ),
            (&[r#"<d>; rel="alternate http://opds-spec.org/auth/document""#], Some("https://books.example/opds/d")),
            (&[r#"<e>; rel=http://opds-spec.org/auth/document"#], Some("https://books.example/opds/e")),
            (&[r#"<f>; title="a, \"quoted\" rel=http://opds-spec.org/auth/document"; rel="self""#], None),
            (&[r#"garbage, <g>; rel="http://opds-spec.org/auth/document""#], Some("https://books.example/opds/g")),
            (&[r#"<h; rel="http://opds-spec.org/auth/document""#], None),
            (&[], None),
        ];
        for (values, expected) in table {
            let found = find_link(values.iter().copied(), AUTH_DOCUMENT_REL, &base);
            assert_eq!(found.as_ref().map(Url::as_str), *expected, "Link {values:?}");
        }
    }

    #[test]
    fn realm_table() {
        let table: &[(&[&str], Option<&str>)] = &[
            (&[r#"Basic realm="Bibliothèque du collège""#], Some("Bibliothèque du collège")),
            (&[r#"Basic charset="UTF-8", realm="x \"y\"""#], Some("x \"y\"")),
            (&[r#"Bearer error="invalid_token""#, r#"Basic Realm=plain"#], Some("plain")),
            (&[r#"Basic xrealm="no""#], None),
            (&["Basic"], None),
        ];
        for (values, expected) in table {
            assert_eq!(find_realm(values.iter().copied()).as_deref(), *expected, "WWW-Authenticate {values:?}");
        }
    }

    #[test]
    fn media_type_drops_parameters() {
        assert_eq!(media_type("Application/OPDS-Authentication+JSON; charset=utf-8"), AUTH_DOCUMENT_TYPE);
    }
}
