//! Paths inside the archive: which entry names are safe, and how an `href` written in a package,
//! navigation or content document resolves to a full entry name.
//!
//! Hrefs are URLs relative to the document they appear in: percent-encoded, with `./`, `../`
//! and `#fragment`. Entry names are plain UTF-8 paths from the archive root, `/`-separated.

/// Why an entry name is refused (see [`check_entry_name`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unsafe {
    Empty,
    Absolute,
    Backslash,
    DriveLetter,
    Nul,
    ParentComponent,
}

/// Refuses entry names that could escape a folder if a caller ever extracted them ("zip slip"),
/// or that no reading system could address.
pub(crate) fn check_entry_name(name: &str) -> Result<(), Unsafe> {
    let bytes = name.as_bytes();
    if name.is_empty() {
        return Err(Unsafe::Empty);
    }
    if name.contains('\0') {
        return Err(Unsafe::Nul);
    }
    if name.contains('\\') {
        return Err(Unsafe::Backslash);
    }
    if name.starts_with('/') {
        return Err(Unsafe::Absolute);
    }
    if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        return Err(Unsafe::DriveLetter);
    }
    if name.split('/').any(|component| component == "..") {
        return Err(Unsafe::ParentComponent);
    }
    Ok(())
}

/// The folder part of an entry name, with its trailing slash ("" for a root file).
pub(crate) fn directory(path: &str) -> &str {
    match path.rfind('/') {
        Some(slash) => &path[..=slash],
        None => "",
    }
}

/// An href resolved against the document it appears in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    /// Full, normalised entry name.
    pub path: String,
    /// Percent-decoded fragment, without `#`.
    pub fragment: Option<String>,
}

impl Target {
    /// `path#fragment`, the form the public API hands out.
    pub(crate) fn to_href(&self) -> String {
        match &self.fragment {
            Some(fragment) => format!("{}#{}", self.path, fragment),
            None => self.path.clone(),
        }
    }
}

/// Resolves `href`, found in the document at `base` (a full entry name), to a full entry name.
///
/// Returns `None` for what is not an entry of this archive: URLs with a scheme (`http:`,
/// `mailto:`, `data:`...), network paths (`//host`), paths climbing above the root, and
/// percent-encodings that are not UTF-8 or that encode a path separator.
pub(crate) fn resolve(base: &str, href: &str) -> Option<Target> {
    let href = href.trim();
    let (before_fragment, fragment) = match href.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (href, None),
    };
    let path_part = before_fragment.split_once('?').map_or(before_fragment, |(path, _query)| path);
    if has_scheme(path_part) || path_part.starts_with("//") {
        return None;
    }
    let fragment = match fragment {
        Some(raw) if !raw.is_empty() => Some(percent_decode(raw)?),
        _ => None,
    };

    let mut segments: Vec<String> = Vec::new();
    if path_part.is_empty() {
        // "#note1": the document itself.
        return Some(Target { path: base.to_owned(), fragment });
    }
    let joined;
    let full = if let Some(from_root) = path_part.strip_prefix('/') {
        from_root
    } else {
        joined = format!("{}{}", directory(base), path_part);
        &joined
    };
    for raw in full.split('/') {
        let segment = percent_decode(raw)?;
        if segment.contains('/') || segment.contains('\\') {
            return None;
        }
        match segment.as_str() {
            "" | "." => {}
            ".." => {
                segments.pop()?;
            }
            _ => segments.push(segment),
        }
    }
    if segments.is_empty() {
        return None;
    }
    Some(Target { path: segments.join("/"), fragment })
}

/// RFC 3986 scheme: a letter, then letters, digits, `+`, `-`, `.`, then `:` before any `/`.
fn has_scheme(href: &str) -> bool {
    let Some(colon) = href.find(':') else {
        return false;
    };
    let scheme = &href[..colon];
    let mut chars = scheme.chars();
    matches!(chars.next(), Some(first) if first.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Decodes `%XX` escapes; a `%` not followed by two hex digits is kept as is (real books have
/// bare `%` in file names). `None` when the decoded bytes are not UTF-8.
pub(crate) fn percent_decode(raw: &str) -> Option<String> {
    if !raw.contains('%') {
        return Some(raw.to_owned());
    }
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        // No let-chains: the workspace promises Rust 1.85.
        let escape = match bytes[i] {
            b'%' => bytes.get(i + 1).and_then(|b| hex_value(*b)).zip(bytes.get(i + 2).and_then(|b| hex_value(*b))),
            _ => None,
        };
        match escape {
            Some((high, low)) => {
                out.push(high << 4 | low);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_names_that_could_escape_are_refused() {
        let cases: &[(&str, Result<(), Unsafe>)] = &[
            ("OEBPS/content.opf", Ok(())),
            ("META-INF/", Ok(())),
            ("a/./b.xhtml", Ok(())),
            ("dots..in..name.xhtml", Ok(())),
            ("", Err(Unsafe::Empty)),
            ("/etc/passwd", Err(Unsafe::Absolute)),
            ("../evil.sh", Err(Unsafe::ParentComponent)),
            ("OEBPS/../../evil.sh", Err(Unsafe::ParentComponent)),
            ("OEBPS/..", Err(Unsafe::ParentComponent)),
            ("OEBPS\\..\\evil", Err(Unsafe::Backslash)),
            ("C:/Windows/evil.dll", Err(Unsafe::DriveLetter)),
            ("c:evil", Err(Unsafe::DriveLetter)),
            ("ok\0.xhtml", Err(Unsafe::Nul)),
        ];
        for (name, expected) in cases {
            assert_eq!(check_entry_name(name), *expected, "entry name {name:?} must be judged {expected:?}");
        }
    }

    #[test]
    fn hrefs_resolve_to_full_normalised_entry_names() {
        // (document, href, expected (path, fragment)).
        type Case<'a> = (&'a str, &'a str, Option<(&'a str, Option<&'a str>)>);
        let cases: &[Case<'_>] = &[
            ("OEBPS/content.opf", "text/ch1.xhtml", Some(("OEBPS/text/ch1.xhtml", None))),
            ("OEBPS/content.opf", "./ch1.xhtml", Some(("OEBPS/ch1.xhtml", None))),
            ("OEBPS/text/nav.xhtml", "../images/a.png", Some(("OEBPS/images/a.png", None))),
            ("OEBPS/text/nav.xhtml", "ch1.xhtml#sec2", Some(("OEBPS/text/ch1.xhtml", Some("sec2")))),
            ("OEBPS/text/nav.xhtml", "#top", Some(("OEBPS/text/nav.xhtml", Some("top")))),
            ("content.opf", "Text/chapter%201.xhtml", Some(("Text/chapter 1.xhtml", None))),
            ("content.opf", "caf%C3%A9.xhtml", Some(("café.xhtml", None))),
            ("content.opf", "100%.xhtml", Some(("100%.xhtml", None))),
            ("content.opf", "a.xhtml#%C3%A9t%C3%A9", Some(("a.xhtml", Some("été")))),
            ("content.opf", "a.xhtml?x=1#f", Some(("a.xhtml", Some("f")))),
            ("OEBPS/content.opf", "/images/a.png", Some(("images/a.png", None))),
            ("OEBPS/content.opf", "a//b/./c.xhtml", Some(("OEBPS/a/b/c.xhtml", None))),
            ("OEBPS/content.opf", "  ch1.xhtml  ", Some(("OEBPS/ch1.xhtml", None))),
            ("OEBPS/content.opf", "../../escape.xhtml", None),
            ("OEBPS/content.opf", "http://example.com/a.xhtml", None),
            ("OEBPS/content.opf", "mailto:someone@example.com", None),
            ("OEBPS/content.opf", "//example.com/a", None),
            ("OEBPS/content.opf", "a%2Fb.xhtml", None),
            ("OEBPS/content.opf", "%FF.xhtml", None),
            ("OEBPS/content.opf", "..", None),
        ];
        for (base, href, expected) in cases {
            let got = resolve(base, href);
            let got = got.as_ref().map(|target| (target.path.as_str(), target.fragment.as_deref()));
            assert_eq!(got, *expected, "{href:?} seen from {base:?}");
        }
    }

    #[test]
    fn to_href_keeps_the_fragment() {
        let target = resolve("OPS/toc.ncx", "ch1.xhtml#p5").expect("a plain relative href resolves");
        assert_eq!(target.to_href(), "OPS/ch1.xhtml#p5", "fragments are kept after '#'");
    }
}
