//! The one error type of the crate.
//!
//! Every variant is something a caller can branch on (show "download it again", "this book has
//! DRM", "refused for safety"...), and every message is written for the parent of a pupil: what
//! is wrong, then what to do.

use std::io;

/// Why a book could not be opened or a part of it could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The book file itself could not be read (permissions, disk error, file removed).
    #[error("could not read the book file ({source}); check that it still exists and that Cartable may read it")]
    Io {
        /// The operating system's error.
        #[source]
        source: io::Error,
    },

    /// The file is empty or is not a ZIP archive at all.
    #[error(
        "this file is not an EPUB book (it is empty or not a ZIP archive); check that you picked the right file, or download it again"
    )]
    NotZip,

    /// The file starts like a ZIP archive but its end (the central directory) is missing or broken,
    /// typically an interrupted download.
    #[error("this EPUB is damaged (the archive is cut short); download it again")]
    Truncated,

    /// The archive has no `mimetype` entry, so it does not declare itself as an EPUB.
    #[error(
        "this EPUB is damaged (its 'mimetype' entry is missing); download it again or ask the publisher for a corrected copy"
    )]
    MissingMimetype,

    /// The `mimetype` entry does not say `application/epub+zip`.
    #[error("this file is not an EPUB book (it declares itself as '{found}'); check that you picked the right file")]
    WrongMimetype {
        /// What the entry contains (shortened, lossy).
        found: String,
    },

    /// An entry name could escape a folder if extracted (`..`, absolute path, backslash, drive
    /// letter, NUL): the archive was crafted or badly broken.
    #[error(
        "this EPUB was refused for safety: it contains a file with a dangerous name ({name:?}); delete it and get the book from a trusted source"
    )]
    UnsafePath {
        /// The offending entry name.
        name: String,
    },

    /// An entry name is not valid UTF-8, which EPUB requires.
    #[error(
        "this EPUB is damaged (a file name inside it, {name:?}, is not valid UTF-8); ask the publisher for a corrected copy"
    )]
    NonUtf8Name {
        /// The name, with invalid bytes replaced by U+FFFD.
        name: String,
    },

    /// Two entries have the same name, so which one is read depends on the reader.
    #[error(
        "this EPUB was refused for safety: it contains two files named '{name}'; get the book from a trusted source"
    )]
    DuplicateEntry {
        /// The repeated name.
        name: String,
    },

    /// The entries together declare more uncompressed data than a book may unpack to.
    #[error(
        "this EPUB is too large to open: it would unpack to {size} bytes, more than the {limit} bytes Cartable allows"
    )]
    TooLarge {
        /// The declared total uncompressed size.
        size: u64,
        /// The limit it exceeds.
        limit: u64,
    },

    /// One entry is larger than a single read may be (256 MiB for a resource, 32 MiB for an XML
    /// document).
    #[error(
        "this EPUB contains a file too large to read ('{name}' is {size} bytes, the limit is {limit}); ask the publisher for a lighter edition"
    )]
    EntryTooLarge {
        /// The entry name.
        name: String,
        /// Its declared uncompressed size.
        size: u64,
        /// The limit it exceeds.
        limit: u64,
    },

    /// An entry expands more than 100 times and beyond 1 MiB: the shape of a "zip bomb".
    #[error(
        "this EPUB was refused for safety: '{name}' is compressed suspiciously well (a sign of a \"zip bomb\"); delete it and get the book from a trusted source"
    )]
    SuspiciousCompression {
        /// The entry name.
        name: String,
    },

    /// An entry's data is corrupt: bad checksum, broken deflate stream, or more or less data than
    /// the archive declares.
    #[error("this EPUB is damaged ('{name}' cannot be unpacked: {reason}); download it again")]
    CorruptEntry {
        /// The entry name.
        name: String,
        /// What went wrong, for the logs.
        reason: String,
    },

    /// An entry uses a compression method other than stored or deflate.
    #[error(
        "this EPUB uses a compression method Cartable cannot read (for '{name}'); ask the publisher for a standard EPUB"
    )]
    UnsupportedCompression {
        /// The entry name.
        name: String,
    },

    /// An XML document declares entities in its DOCTYPE (the "billion laughs" attack vector).
    #[error(
        "this EPUB was refused for safety: '{path}' declares XML entities, which can be used to exhaust memory; get the book from a trusted source"
    )]
    EntityDeclaration {
        /// The document's path inside the archive.
        path: String,
    },

    /// An XML document (container, package, navigation or content) is not well-formed, or is
    /// nested deeper than 1024 elements. WebKit shows nothing for such a content document.
    #[error(
        "this EPUB is damaged ('{path}' is not well-formed XML: {message}); ask the publisher for a corrected copy"
    )]
    MalformedContent {
        /// The document's path inside the archive.
        path: String,
        /// The parser's explanation.
        message: String,
    },

    /// `META-INF/container.xml` is missing or names no package document.
    #[error("this EPUB is damaged (META-INF/container.xml is missing or names no package file); download it again")]
    MissingContainer,

    /// The package document named by the container does not exist in the archive.
    #[error("this EPUB is damaged (its package file '{path}' is missing); download it again")]
    MissingPackage {
        /// The path the container names.
        path: String,
    },

    /// The spine lists no readable document.
    #[error("this EPUB has nothing to read (its list of chapters is empty); ask the publisher for a corrected copy")]
    NoSpine,

    /// A content document or the package is encrypted with something other than font
    /// obfuscation: the book has DRM.
    #[error(
        "this EPUB is protected by DRM ('{path}' is encrypted) and Cartable cannot open it; read it in the app of the shop that sold it, or ask for a DRM-free copy"
    )]
    Drm {
        /// The encrypted entry.
        path: String,
    },

    /// A path asked for is not in the archive.
    #[error("this EPUB has no file '{path}'; the book may be incomplete, ask the publisher for a corrected copy")]
    MissingResource {
        /// The path asked for.
        path: String,
    },

    /// `section_text` was asked for a spine index the book does not have.
    #[error("chapter {index} does not exist (this book has {len}); this is a bug in Cartable, please report it")]
    SpineIndexOutOfRange {
        /// The index asked for.
        index: usize,
        /// The spine length.
        len: usize,
    },
}
