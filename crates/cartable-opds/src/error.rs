//! The one error type of the crate.
//!
//! Every variant is something a caller can branch on (show the login page, offer to retry,
//! tell the teacher the catalogue is broken), and every message says what is wrong and then
//! what to do, in words a parent or a teacher understands.

/// Why a catalogue document could not be read, or a search address could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The document is larger than [`MAX_DOCUMENT_SIZE`](crate::MAX_DOCUMENT_SIZE).
    #[error(
        "this catalogue page is too large to read ({size} bytes, Cartable reads at most {limit}); ask the catalogue's publisher to split it into pages"
    )]
    TooLarge {
        /// The document's size in bytes.
        size: usize,
        /// The limit it exceeds.
        limit: usize,
    },

    /// The document is not what was asked for: a web page (often a login or error page), an
    /// RSS feed, JSON of another kind, an authentication document where a feed was expected...
    #[error(
        "this address does not lead to an OPDS catalogue (it returned {found}); check the address of the catalogue"
    )]
    NotOpds {
        /// What the document is instead, in words (`"a web page (HTML)"`).
        found: String,
    },

    /// The document is OPDS but broken: not well-formed XML or JSON, cut short, or missing
    /// something the catalogue cannot work without (a publication without a title or links).
    #[error("this catalogue page is damaged ({message}, at {at}); try again later, or tell the catalogue's publisher")]
    Malformed {
        /// Where: `line 12, column 5` for syntax errors, a JSON path such as
        /// `publications[0].metadata.title` for missing parts.
        at: String,
        /// What is wrong.
        message: String,
    },

    /// An XML document declares entities in its DOCTYPE (the "billion laughs" attack vector).
    #[error(
        "this catalogue page was refused for safety: it declares XML entities, which can be used to exhaust memory; tell the catalogue's publisher"
    )]
    EntityDeclaration,

    /// The XML declaration names a character encoding other than UTF-8, UTF-16 or ISO-8859-1.
    #[error(
        "this catalogue page uses the '{encoding}' character encoding, which Cartable cannot read; ask the catalogue's publisher to serve it as UTF-8"
    )]
    UnsupportedEncoding {
        /// The encoding the document declares.
        encoding: String,
    },

    /// An OpenSearch description offers no search whose results are an OPDS or Atom feed.
    #[error("this catalogue's search description offers no search Cartable can use; browse the catalogue instead")]
    NoSearchTemplate,

    /// A search template cannot be expanded into a URL (unclosed `{`, unknown operator, or the
    /// result is not a URL).
    #[error("this catalogue's search address is broken ({message} in '{template}'); tell the catalogue's publisher")]
    InvalidTemplate {
        /// The template as the catalogue wrote it.
        template: String,
        /// What is wrong with it.
        message: String,
    },
}

impl Error {
    pub(crate) fn malformed(at: impl Into<String>, message: impl Into<String>) -> Error {
        Error::Malformed { at: at.into(), message: message.into() }
    }

    pub(crate) fn not_opds(found: impl Into<String>) -> Error {
        Error::NotOpds { found: found.into() }
    }
}
