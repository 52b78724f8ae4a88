//! The OCF ZIP container, validated once on open and then read with bounds.
//!
//! On open every central-directory entry is checked (UTF-8 name, safe path, no duplicate,
//! plausible compression ratio, total declared size) before any data is inflated. Reads never
//! trust the declared size: at most `declared + 1` bytes are inflated, and more is an error.

use std::collections::{HashMap, HashSet};
use std::io::{self, BufReader, Read, Seek, SeekFrom};

use zip::result::ZipError;
use zip::{CompressionMethod, ZipArchive};

use crate::error::Error;
use crate::path;

/// Total declared uncompressed size an archive may have.
pub(crate) const MAX_TOTAL_SIZE: u64 = 2 << 30;
/// Largest single entry [`Archive::read`] hands out as a resource.
pub(crate) const MAX_RESOURCE_SIZE: u64 = 256 << 20;
/// Entries expanding beyond this size must not exceed [`MAX_RATIO`].
const RATIO_THRESHOLD: u64 = 1 << 20;
/// Largest compression ratio accepted for entries above [`RATIO_THRESHOLD`].
const MAX_RATIO: u64 = 100;
/// The `mimetype` entry holds 20 bytes; anything longer is not an EPUB's.
const MAX_MIMETYPE_SIZE: u64 = 256;
/// Upper bound of central-directory headers walked when naming a duplicate.
const MAX_SCANNED_HEADERS: usize = 1 << 20;

/// What the book is read from: a file or bytes in memory.
pub(crate) trait Source: Read + Seek + Send {}
impl<T: Read + Seek + Send> Source for T {}

/// A validated EPUB archive.
pub(crate) struct Archive {
    zip: ZipArchive<Box<dyn Source>>,
    /// Entry name → index in `zip`, files only (no directory entries).
    files: HashMap<String, usize>,
    /// Entries encrypted with something other than font obfuscation (from `encryption.xml`).
    protected: HashSet<String>,
}

impl std::fmt::Debug for Archive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Archive")
            .field("files", &self.files.len())
            .field("protected", &self.protected)
            .finish_non_exhaustive()
    }
}

impl Archive {
    /// Opens and validates the archive; checks the `mimetype` entry.
    pub(crate) fn open(mut source: Box<dyn Source>) -> Result<Archive, Error> {
        let looks_like_zip = starts_like_zip(&mut source)?;
        let zip = match ZipArchive::new(source) {
            Ok(zip) => zip,
            Err(ZipError::Io(source)) if source.kind() != io::ErrorKind::UnexpectedEof => {
                return Err(Error::Io { source });
            }
            Err(_) if looks_like_zip => return Err(Error::Truncated),
            Err(_) => return Err(Error::NotZip),
        };
        if zip.has_duplicate_names() {
            let directory_start = zip.central_directory_start();
            let name = first_duplicate(zip.into_inner(), directory_start)
                .unwrap_or_else(|| "(name not recoverable)".to_owned());
            return Err(Error::DuplicateEntry { name });
        }

        let mut files = HashMap::with_capacity(zip.len());
        let mut total: u64 = 0;
        for index in 0..zip.len() {
            let entry = zip.by_index_data(index).map_err(|_| Error::Truncated)?;
            let name = match std::str::from_utf8(entry.name_raw()) {
                Ok(name) => name.to_owned(),
                Err(_) => {
                    return Err(Error::NonUtf8Name { name: String::from_utf8_lossy(entry.name_raw()).into_owned() });
                }
            };
            if path::check_entry_name(&name).is_err() {
                return Err(Error::UnsafePath { name });
            }
            let size = entry.size();
            if size > RATIO_THRESHOLD && entry.compressed_size().saturating_mul(MAX_RATIO) < size {
                return Err(Error::SuspiciousCompression { name });
            }
            total = total.saturating_add(size);
            if total > MAX_TOTAL_SIZE {
                return Err(Error::TooLarge { size: total, limit: MAX_TOTAL_SIZE });
            }
            if !entry.is_dir() {
                files.insert(name, index);
            }
        }

        let mut archive = Archive { zip, files, protected: HashSet::new() };
        archive.check_mimetype()?;
        Ok(archive)
    }

    fn check_mimetype(&mut self) -> Result<(), Error> {
        if !self.contains("mimetype") {
            return Err(Error::MissingMimetype);
        }
        let bytes = match self.read("mimetype", MAX_MIMETYPE_SIZE) {
            Ok(bytes) => bytes,
            Err(Error::EntryTooLarge { size, .. }) => {
                return Err(Error::WrongMimetype { found: format!("{size} bytes of data") });
            }
            Err(other) => return Err(other),
        };
        let found = String::from_utf8_lossy(&bytes);
        // Some real books end the line ("application/epub+zip\r\n"); readers accept it.
        let found = found.trim_matches(|c: char| c.is_ascii_whitespace());
        if found != "application/epub+zip" {
            return Err(Error::WrongMimetype { found: found.chars().take(64).collect() });
        }
        Ok(())
    }

    /// Whether a file entry has this exact name.
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.files.contains_key(name)
    }

    /// Marks entries that `encryption.xml` says are encrypted with a real cipher.
    /// The declared uncompressed size of an entry (the archive was checked on open: every
    /// declared size is bounded, and reads never go past it).
    pub(crate) fn size(&mut self, name: &str) -> Option<u64> {
        let index = *self.files.get(name)?;
        self.zip.by_index_raw(index).ok().map(|entry| entry.size())
    }

    pub(crate) fn set_protected(&mut self, protected: HashSet<String>) {
        self.protected = protected;
    }

    /// Whether an entry is encrypted (by `encryption.xml` or by ZIP itself).
    pub(crate) fn is_protected(&self, name: &str) -> bool {
        if self.protected.contains(name) {
            return true;
        }
        self.files.get(name).is_some_and(|&index| self.zip.by_index_data(index).is_ok_and(|entry| entry.encrypted()))
    }

    /// Reads a whole entry, refusing entries declared larger than `limit` and data longer or
    /// shorter than declared.
    pub(crate) fn read(&mut self, name: &str, limit: u64) -> Result<Vec<u8>, Error> {
        let Some(&index) = self.files.get(name) else {
            return Err(Error::MissingResource { path: name.to_owned() });
        };
        if self.is_protected(name) {
            return Err(Error::Drm { path: name.to_owned() });
        }
        let corrupt = |reason: String| Error::CorruptEntry { name: name.to_owned(), reason };
        let declared = {
            let entry = self.zip.by_index_data(index).map_err(|error| corrupt(error.to_string()))?;
            if !matches!(entry.compression(), CompressionMethod::Stored | CompressionMethod::Deflated) {
                return Err(Error::UnsupportedCompression { name: name.to_owned() });
            }
            entry.size()
        };
        if declared > limit {
            return Err(Error::EntryTooLarge { name: name.to_owned(), size: declared, limit });
        }
        let file = match self.zip.by_index(index) {
            Ok(file) => file,
            Err(ZipError::UnsupportedArchive(ZipError::PASSWORD_REQUIRED)) => {
                return Err(Error::Drm { path: name.to_owned() });
            }
            Err(ZipError::CompressionMethodNotSupported(_)) => {
                return Err(Error::UnsupportedCompression { name: name.to_owned() });
            }
            Err(error) => return Err(corrupt(error.to_string())),
        };
        // Start small: the declared size is a claim, not a fact.
        let capacity = usize::try_from(declared.min(1 << 20)).unwrap_or(0);
        let mut data = Vec::with_capacity(capacity);
        file.take(declared.saturating_add(1)).read_to_end(&mut data).map_err(|error| corrupt(error.to_string()))?;
        let actual = data.len() as u64;
        if actual != declared {
            return Err(corrupt(format!("{actual} bytes of data where the archive declares {declared}")));
        }
        Ok(data)
    }
}

/// Reads the first bytes to tell "not a ZIP at all" from "a damaged ZIP"; rewinds.
fn starts_like_zip(source: &mut Box<dyn Source>) -> Result<bool, Error> {
    let mut magic = [0u8; 4];
    let mut filled = 0;
    while filled < magic.len() {
        match source.read(&mut magic[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(source) => return Err(Error::Io { source }),
        }
    }
    source.seek(SeekFrom::Start(0)).map_err(|source| Error::Io { source })?;
    if filled == 0 {
        return Err(Error::NotZip);
    }
    Ok(filled == magic.len() && matches!(&magic, b"PK\x03\x04" | b"PK\x05\x06" | b"PK\x07\x08"))
}

/// Walks the central directory to name the first repeated entry name. The zip crate only says
/// that there is one, as it keeps the last entry of each name.
fn first_duplicate(source: Box<dyn Source>, directory_start: u64) -> Option<String> {
    let mut reader = BufReader::new(source);
    reader.seek(SeekFrom::Start(directory_start)).ok()?;
    let mut seen = HashSet::new();
    for _ in 0..MAX_SCANNED_HEADERS {
        let mut header = [0u8; 46];
        reader.read_exact(&mut header).ok()?;
        if header[..4] != *b"PK\x01\x02" {
            return None;
        }
        let field = |at: usize| u16::from_le_bytes([header[at], header[at + 1]]);
        let (name_len, extra_len, comment_len) = (field(28), field(30), field(32));
        let mut name = vec![0u8; usize::from(name_len)];
        reader.read_exact(&mut name).ok()?;
        reader.seek_relative(i64::from(extra_len) + i64::from(comment_len)).ok()?;
        if !seen.insert(name.clone()) {
            return Some(String::from_utf8_lossy(&name).into_owned());
        }
    }
    None
}
