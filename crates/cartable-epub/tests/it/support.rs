//! Shared test tools: the real-world corpus listing, and EPUBs built in code.

use std::collections::BTreeMap;
use std::io::{Cursor, Write};
use std::path::PathBuf;

use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

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

/// One EPUB row of `MANIFEST.tsv`.
#[derive(Debug, Clone)]
pub struct CorpusBook {
    /// Path relative to the corpus folder (`epub/x.epub`).
    pub file: String,
    /// Column 5: `epub`, `epub-fxl`, `epub-broken`...
    pub kind: String,
    /// Column 6, free text.
    pub notes: String,
    /// The `[k=v; ...]` facts at the end of the notes (`spine`, `layout`, `ppd`, `lang`, `epub`).
    pub facts: BTreeMap<String, String>,
}

impl CorpusBook {
    pub fn path(&self) -> PathBuf {
        corpus_dir().join(&self.file)
    }

    pub fn fact(&self, key: &str) -> Option<&str> {
        self.facts.get(key).map(String::as_str)
    }
}

/// Every `epub/*.epub` row of the manifest.
pub fn corpus_epubs() -> Vec<CorpusBook> {
    let manifest = std::fs::read_to_string(corpus_dir().join("MANIFEST.tsv")).expect("MANIFEST.tsv is readable");
    let books: Vec<CorpusBook> = manifest
        .lines()
        .skip(1)
        .filter_map(|line| {
            let columns: Vec<&str> = line.split('\t').collect();
            let file = *columns.first()?;
            if !(file.starts_with("epub/") && file.ends_with(".epub")) {
                return None;
            }
            let notes = columns.get(5).copied().unwrap_or("").to_owned();
            Some(CorpusBook {
                file: file.to_owned(),
                kind: columns.get(4).copied().unwrap_or("").to_owned(),
                facts: facts(&notes),
                notes,
            })
        })
        .collect();
    assert!(books.len() >= 20, "MANIFEST.tsv lists only {} EPUBs; the corpus looks incomplete", books.len());
    books
}

fn facts(notes: &str) -> BTreeMap<String, String> {
    let Some(open) = notes.rfind('[') else {
        return BTreeMap::new();
    };
    notes[open + 1..]
        .trim_end_matches(']')
        .split(';')
        .filter_map(|fact| {
            let (key, value) = fact.split_once('=')?;
            Some((key.trim().to_owned(), value.trim().to_owned()))
        })
        .collect()
}

/// How an entry is stored.
#[derive(Debug, Clone, Copy)]
pub enum Method {
    Stored,
    Deflated,
}

/// A small, valid EPUB 3 (with an EPUB 2 NCX too) whose entries tests replace or remove.
#[derive(Debug, Clone)]
pub struct Fixture {
    entries: Vec<(String, Vec<u8>, Method)>,
}

pub const OPF: &str = r##"<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid"
         prefix="rendition: http://www.idpf.org/vocab/rendition/#">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="uid">urn:uuid:0f3c1a6e-5b0b-4c1e-9a53-4e0a3a1b2c3d</dc:identifier>
    <dc:identifier id="isbn">9782070612758</dc:identifier>
    <meta refines="#isbn" property="identifier-type" scheme="onix:codelist5">15</meta>
    <dc:title>Le Petit Livre d'essai</dc:title>
    <dc:creator id="a1">Antoine Auteur</dc:creator>
    <meta refines="#a1" property="role" scheme="marc:relators">aut</meta>
    <dc:creator id="a2">Iris Illustratrice</dc:creator>
    <meta refines="#a2" property="role" scheme="marc:relators">ill</meta>
    <dc:language>fr</dc:language>
    <dc:publisher>Éditions de test</dc:publisher>
    <dc:description>&lt;p&gt;Un livre &lt;b&gt;minuscule&lt;/b&gt;.&lt;/p&gt;</dc:description>
    <dc:date>2024-09-02</dc:date>
    <meta property="dcterms:modified">2024-09-03T10:00:00Z</meta>
  </metadata>
  <manifest>
    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
    <item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>
    <item id="ch1" href="text/ch1.xhtml" media-type="application/xhtml+xml"/>
    <item id="ch2" href="text/ch%202.xhtml" media-type="application/xhtml+xml"/>
    <item id="cover" href="images/cover.png" media-type="image/png" properties="cover-image"/>
    <item id="font" href="fonts/f.otf" media-type="font/otf"/>
  </manifest>
  <spine toc="ncx">
    <itemref idref="ch1"/>
    <itemref idref="ch2" linear="no"/>
  </spine>
</package>
"##;

pub const NAV: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">
<head><title>Sommaire</title></head>
<body>
  <nav epub:type="toc"><ol>
    <li><a href="text/ch1.xhtml">Chapitre 1</a>
      <ol><li><a href="text/ch1.xhtml#s1">Section 1.1</a></li></ol></li>
    <li><a href="text/ch%202.xhtml">Chapitre 2</a></li>
  </ol></nav>
  <nav epub:type="page-list" hidden=""><ol>
    <li><a href="text/ch1.xhtml#p1">1</a></li>
    <li><a href="text/ch%202.xhtml#p2">2</a></li>
  </ol></nav>
</body>
</html>
"#;

pub const NCX: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">
  <head/><docTitle><text>Le Petit Livre d'essai</text></docTitle>
  <navMap>
    <navPoint id="n1" playOrder="1"><navLabel><text>NCX chapitre 1</text></navLabel><content src="text/ch1.xhtml"/></navPoint>
  </navMap>
</ncx>
"#;

pub const CH1: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" "http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">
<head><title>Chapitre 1</title><style>p { margin: 0 }</style></head>
<body>
  <h1>Chapitre&nbsp;1</h1>
  <p>Il &eacute;tait une fois&hellip; &laquo;&thinsp;Bonjour&thinsp;&raquo;, dit l&rsquo;&OElig;uf.</p>
  <span id="p1"/>
  <p id="s1">Page une, <em>suite</em>.</p>
</body>
</html>
"#;

pub const CH2: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">
<head><title>Chapitre 2</title></head>
<body>
  <p>Fin de la page une.</p>
  <span epub:type="pagebreak" id="p2" title="2">2</span>
  <p>Page deux.</p>
</body>
</html>
"#;

pub const CONTAINER: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"#;

/// Bytes of the fixture cover image (a PNG signature is enough for these tests).
pub const COVER: &[u8] = b"\x89PNG\r\n\x1a\nnot really a picture";

impl Fixture {
    /// The valid book every hostile test starts from.
    pub fn valid() -> Fixture {
        let text = |name: &str, content: &str| (name.to_owned(), content.as_bytes().to_vec());
        let entries = vec![
            text("META-INF/container.xml", CONTAINER),
            text("OEBPS/content.opf", OPF),
            text("OEBPS/nav.xhtml", NAV),
            text("OEBPS/toc.ncx", NCX),
            text("OEBPS/text/ch1.xhtml", CH1),
            text("OEBPS/text/ch 2.xhtml", CH2),
            ("OEBPS/images/cover.png".to_owned(), COVER.to_vec()),
            ("OEBPS/fonts/f.otf".to_owned(), b"OTTO fake font".to_vec()),
        ];
        let mut fixture =
            Fixture { entries: vec![("mimetype".to_owned(), b"application/epub+zip".to_vec(), Method::Stored)] };
        for (name, content) in entries {
            fixture.entries.push((name, content, Method::Deflated));
        }
        fixture
    }

    /// Replaces (or adds) an entry, deflated.
    pub fn with(self, name: &str, content: impl Into<Vec<u8>>) -> Fixture {
        self.with_method(name, content, Method::Deflated)
    }

    /// Replaces (or adds) an entry with the given method.
    pub fn with_method(mut self, name: &str, content: impl Into<Vec<u8>>, method: Method) -> Fixture {
        let content = content.into();
        match self.entries.iter_mut().find(|(n, _, _)| n == name) {
            Some(entry) => *entry = (name.to_owned(), content, method),
            None => self.entries.push((name.to_owned(), content, method)),
        }
        self
    }

    /// Removes an entry.
    pub fn without(mut self, name: &str) -> Fixture {
        self.entries.retain(|(n, _, _)| n != name);
        self
    }

    /// The archive bytes.
    pub fn zip(&self) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, content, method) in &self.entries {
            let method = match method {
                Method::Stored => CompressionMethod::Stored,
                Method::Deflated => CompressionMethod::Deflated,
            };
            writer
                .start_file(name, SimpleFileOptions::default().compression_method(method))
                .expect("the zip writer accepts the entry");
            writer.write_all(content).expect("writing to memory");
        }
        writer.finish().expect("finishing the zip").into_inner()
    }
}

/// Replaces every occurrence of `from` by `to` (same length) in `bytes`: entry names appear in
/// the local header and in the central directory, and the zip writer refuses what the tests need
/// (duplicate or non-UTF-8 names).
pub fn replace_bytes(bytes: &mut [u8], from: &[u8], to: &[u8]) -> usize {
    assert_eq!(from.len(), to.len(), "patching must keep offsets");
    let mut count = 0;
    let mut at = 0;
    while at + from.len() <= bytes.len() {
        if &bytes[at..at + from.len()] == from {
            bytes[at..at + from.len()].copy_from_slice(to);
            count += 1;
            at += from.len();
        } else {
            at += 1;
        }
    }
    count
}

/// Applies `patch` to the central-directory header of entry `name` (46 fixed bytes: sizes at
/// 20 and 24, method at 10, flags at 8).
pub fn patch_central_header(bytes: &mut [u8], name: &str, patch: impl Fn(&mut [u8])) {
    let mut at = 0;
    while at + 46 <= bytes.len() {
        if bytes[at..at + 4] == *b"PK\x01\x02" {
            let name_len = usize::from(u16::from_le_bytes([bytes[at + 28], bytes[at + 29]]));
            if bytes.get(at + 46..at + 46 + name_len) == Some(name.as_bytes()) {
                patch(&mut bytes[at..at + 46]);
                return;
            }
        }
        at += 1;
    }
    panic!("no central directory header for {name}");
}

/// Applies `patch` to the local header of entry `name` (30 fixed bytes: method at 8, flags at 6).
pub fn patch_local_header(bytes: &mut [u8], name: &str, patch: impl Fn(&mut [u8])) {
    let mut at = 0;
    while at + 30 <= bytes.len() {
        if bytes[at..at + 4] == *b"PK\x03\x04" {
            let name_len = usize::from(u16::from_le_bytes([bytes[at + 26], bytes[at + 27]]));
            if bytes.get(at + 30..at + 30 + name_len) == Some(name.as_bytes()) {
                patch(&mut bytes[at..at + 30]);
                return;
            }
        }
        at += 1;
    }
    panic!("no local header for {name}");
}

/// Writes a little-endian u32 at `offset`.
pub fn put_u32(header: &mut [u8], offset: usize, value: u32) {
    header[offset..offset + 4].copy_from_slice(&value.to_le_bytes());
}

/// Writes a little-endian u16 at `offset`.
pub fn put_u16(header: &mut [u8], offset: usize, value: u16) {
    header[offset..offset + 2].copy_from_slice(&value.to_le_bytes());
}

/// xorshift64*: deterministic pseudo-random numbers without a dependency.
pub struct XorShift(u64);

impl XorShift {
    pub fn new(seed: u64) -> XorShift {
        XorShift(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..bound` (`bound` > 0).
    pub fn below(&mut self, bound: usize) -> usize {
        (self.next_u64() % bound as u64) as usize
    }
}
