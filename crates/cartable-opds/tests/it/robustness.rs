//! Damaged copies of every corpus document: errors are fine, panics are not, and a cut-short
//! document is never read as a shorter page.
//!
//! Fixed seeds, so that a failure replays: truncations at random points, single bytes XORed
//! with a random mask, and single bytes replaced by a character that matters to the syntax
//! (`<`, `&`, `"`, `{`, `,`, NUL, an invalid UTF-8 byte...).

use std::panic::{self, AssertUnwindSafe};

use cartable_opds::{parse_authentication, parse_feed, parse_opensearch};
use url::Url;

use crate::support::{XorShift, base_of, corpus_feeds, read};

const TRUNCATIONS: usize = 40;
const FLIPS: usize = 80;
const REPLACEMENTS: usize = 80;
const SYNTAX_BYTES: [u8; 14] = [b'<', b'>', b'&', b'"', b'\'', b'{', b'}', b'[', b']', b',', b':', b'\\', 0x00, 0xFF];

/// Every parser on the bytes; `Ok` for each that read them (errors are fine).
fn exercise(bytes: &[u8], base: &Url) -> [bool; 3] {
    [
        parse_feed(bytes, base, None).is_ok(),
        parse_authentication(bytes, base).is_ok(),
        parse_opensearch(bytes, base).is_ok(),
    ]
}

fn no_panic(label: &str, bytes: &[u8], base: &Url) -> [bool; 3] {
    match panic::catch_unwind(AssertUnwindSafe(|| exercise(bytes, base))) {
        Ok(outcome) => outcome,
        Err(_) => panic!("{label}: a parser panicked (replay with the same seed)"),
    }
}

/// The position just after the document's last significant byte (`>` or `}`).
fn content_end(bytes: &[u8]) -> usize {
    bytes.iter().rposition(|b| !b.is_ascii_whitespace()).map_or(0, |last| last + 1)
}

#[test]
fn damaged_corpus_documents_never_panic() {
    let mut checked = 0usize;
    for (index, corpus) in corpus_feeds().into_iter().enumerate() {
        let original = read(&corpus.file);
        let base = base_of(&corpus.file);
        let mut random = XorShift::new(0x0BD5_u64 + index as u64);
        let end = content_end(&original);
        for _ in 0..TRUNCATIONS {
            let at = random.below(end);
            let outcome = no_panic(&format!("{} cut at {at}", corpus.file), &original[..at], &base);
            assert!(
                !outcome[0] && !outcome[1],
                "{} cut at byte {at} of {end} must be an error, never a shorter page",
                corpus.file
            );
            checked += 1;
        }
        for _ in 0..FLIPS {
            let at = random.below(original.len());
            let mask = (random.below(255) + 1) as u8;
            let mut bytes = original.clone();
            bytes[at] ^= mask;
            no_panic(&format!("{} byte {at} ^ {mask:#04x}", corpus.file), &bytes, &base);
            checked += 1;
        }
        for _ in 0..REPLACEMENTS {
            let at = random.below(original.len());
            let replacement = SYNTAX_BYTES[random.below(SYNTAX_BYTES.len())];
            let mut bytes = original.clone();
            bytes[at] = replacement;
            no_panic(&format!("{} byte {at} = {replacement:#04x}", corpus.file), &bytes, &base);
            checked += 1;
        }
    }
    assert!(checked > 2_000, "only {checked} damaged variants were checked");
}

#[test]
fn damaged_opensearch_descriptions_never_panic() {
    let original = br#"<?xml version="1.0" encoding="UTF-8"?>
<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">
  <ShortName>Manuels</ShortName>
  <Url type="application/atom+xml;profile=opds-catalog;kind=acquisition" template="https://example.org/search?q={searchTerms}&amp;p={startPage?}" pageOffset="1"/>
</OpenSearchDescription>"#;
    let base = Url::parse("https://example.org/opensearch.xml").expect("valid");
    let mut random = XorShift::new(0x5EA2C4);
    for _ in 0..400 {
        let mut bytes = original.to_vec();
        let at = random.below(bytes.len());
        bytes[at] = SYNTAX_BYTES[random.below(SYNTAX_BYTES.len())];
        let cut = random.below(bytes.len() + 1);
        let bytes = &bytes[..cut.max(at)];
        let template = panic::catch_unwind(AssertUnwindSafe(|| parse_opensearch(bytes, &base)))
            .unwrap_or_else(|_| panic!("parse_opensearch panicked (byte {at}, cut {cut})"));
        if let Ok(template) = template {
            let expanded = panic::catch_unwind(AssertUnwindSafe(|| template.expand("élève & prof")));
            assert!(expanded.is_ok(), "expanding a damaged template panicked: {}", template.template);
        }
    }
}
