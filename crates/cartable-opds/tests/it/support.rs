//! Shared test tools: the real-world corpus, feeds built in code, a seeded random generator.

use std::collections::BTreeMap;
use std::path::PathBuf;

use url::Url;

/// The shared corpus: `$CARTABLE_CORPUS`, else `../shared/corpus` next to the workspace.
/// Panics when it is missing: a corpus test that silently skips protects nothing.
pub fn corpus_dir() -> PathBuf {
    let dir = std::env::var_os("CARTABLE_CORPUS")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"), PathBuf::from);
    assert!(
        dir.join("MANIFEST.tsv").is_file(),
        "the real-world corpus is missing: expected {}/MANIFEST.tsv (set CARTABLE_CORPUS to its folder)",
        dir.display()
    );
    dir
}

/// The bytes of a corpus file, read in place (`opds/x.json`).
pub fn read(file: &str) -> Vec<u8> {
    let path = corpus_dir().join(file);
    std::fs::read(&path).unwrap_or_else(|error| panic!("corpus file {} is unreadable: {error}", path.display()))
}

pub fn url(text: &str) -> Url {
    Url::parse(text).unwrap_or_else(|error| panic!("{text} is not a URL: {error}"))
}

/// One OPDS row of `MANIFEST.tsv`.
#[derive(Debug, Clone)]
pub struct CorpusFeed {
    /// Path relative to the corpus folder (`opds/x.json`).
    pub file: String,
    /// Column 5: `opds1-atom`, `opds2-json`, `opds-auth`, `opds-broken`.
    pub kind: String,
    /// The `[k=v; ...]` facts at the end of the notes (`entries`, `navigation`, `publications`...).
    pub facts: BTreeMap<String, String>,
}

impl CorpusFeed {
    pub fn fact(&self, key: &str) -> Option<usize> {
        self.facts.get(key).and_then(|value| value.parse().ok())
    }
}

/// Every OPDS document of the manifest (images and other kinds left out).
pub fn corpus_feeds() -> Vec<CorpusFeed> {
    let manifest = std::fs::read_to_string(corpus_dir().join("MANIFEST.tsv")).expect("MANIFEST.tsv is readable");
    let feeds: Vec<CorpusFeed> = manifest
        .lines()
        .skip(1)
        .filter_map(|line| {
            let columns: Vec<&str> = line.split('\t').collect();
            let (file, kind) = (*columns.first()?, *columns.get(4)?);
            if !file.starts_with("opds/") || !kind.starts_with("opds") {
                return None;
            }
            let notes = columns.get(5).copied().unwrap_or("");
            let facts = notes
                .rsplit_once('[')
                .map(|(_, facts)| facts.trim_end_matches(']'))
                .unwrap_or("")
                .split(';')
                .filter_map(|pair| pair.split_once('='))
                .map(|(key, value)| (key.trim().to_owned(), value.trim().to_owned()))
                .collect();
            Some(CorpusFeed { file: file.to_owned(), kind: kind.to_owned(), facts })
        })
        .collect();
    assert!(feeds.len() >= 14, "the manifest lists {} OPDS documents, expected at least 14", feeds.len());
    feeds
}

/// The address each corpus document was published at (its links are relative to it).
pub fn base_of(file: &str) -> Url {
    let base = match file {
        "opds/test.opds.io/2.0/home.json" => "https://test.opds.io/2.0/home.json",
        "opds/test.opds.io/2.0/navigation.json" => "https://test.opds.io/2.0/navigation.json",
        "opds/test.opds.io/2.0/publications.json" => "https://test.opds.io/2.0/publications.json",
        "opds/w3c-epub-tests-opds.json" => "https://w3c.github.io/epub-tests/opds/opds.json",
        "opds/nypl-navigation.xml" => "https://feedbooks.github.io/opds-test-catalog/catalog/root.xml",
        "opds/nypl-acquisition.xml" => "https://feedbooks.github.io/opds-test-catalog/catalog/acquisition/main.xml",
        "opds/nypl-entry.xml" => "http://circulation.librarysimplified.org/works/Overdrive/135d0478",
        "opds/readium-feedbooks_catalog.atom" => "http://www.feedbooks.com/catalog.atom",
        "opds/readium-wiki_1_1.opds" => "https://opds-spec.org/opds-catalogs/unpopular.xml",
        "opds/readium-opds_2_0.json" => "https://readium2.feedbooks.net/publications.json",
        "opds/readium-opds-authentication.json" => "http://example.com/auth.json",
        "opds/palace-content_server.opds" => "http://localhost:5000/",
        "opds/palace-opds2-feed.json" | "opds/palace-opds2-bad_feed.json" => "http://example.com/new",
        "opds/aldiko-france.json" => "https://libraries.aldiko.com/countries/france.json",
        _ => "https://catalogue.example.org/opds/",
    };
    url(base)
}

/// A fixed-seed xorshift64 generator, so that a failing robustness case replays.
pub struct XorShift(u64);

impl XorShift {
    pub fn new(seed: u64) -> XorShift {
        XorShift(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `0..bound` (`bound` > 0).
    pub fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }
}
