//! The one date format of the sources: the edition date of a book.

/// Whether `text` is a UTC timestamp `YYYY-MM-DDThh:mm:ssZ`, the form of
/// `dcterms:modified` in EPUB and of the `date:` of the textbook.
pub(crate) fn is_utc_timestamp(text: &str) -> bool {
    let pattern = "0000-00-00T00:00:00Z";
    text.len() == pattern.len()
        && text.chars().zip(pattern.chars()).all(|(c, p)| if p == '0' { c.is_ascii_digit() } else { c == p })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_be_utc_timestamps() {
        assert!(is_utc_timestamp("2026-11-27T08:00:00Z"));
        assert!(!is_utc_timestamp("2026-11-27 08:00:00"), "the T separator is required");
        assert!(!is_utc_timestamp("2026-11-27T08:00:00+01:00"), "only UTC");
    }
}
