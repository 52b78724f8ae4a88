//! The one error type of the library, with a stable code for each case a user can act on.

use std::path::PathBuf;

use serde::Serialize;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("no book matches \"{0}\"; `cartable list` shows the books and their ids")]
    BookNotFound(String),

    #[error("\"{query}\" matches several books ({}); give more of the title or the id", .matches.join(", "))]
    AmbiguousBook { query: String, matches: Vec<String> },

    #[error("{path}: this file is neither a PDF nor an EPUB")]
    UnsupportedFormat { path: PathBuf },

    #[error("{path}: file not found")]
    FileNotFound { path: PathBuf },

    #[error("this PDF is protected by a password; import it again with --password-stdin and type the password")]
    PasswordRequired,

    #[error("the password is wrong for this PDF; check it (capital letters count) and try again")]
    WrongPassword,

    #[error("page {page} does not exist: the book has {count} pages")]
    PageOutOfRange { page: usize, count: usize },

    #[error("a page width must be between 16 and {max} pixels, not {width}")]
    InvalidWidth { width: u32, max: u32 },

    #[error("no page is labelled \"{0}\" in this book")]
    LabelNotFound(String),

    #[error("this book is an EPUB: its pages are laid out by the reader, not rendered as images")]
    NotRenderable,

    #[error("this reading position is not valid ({0})")]
    InvalidPosition(&'static str),

    #[error("the search is empty; type at least one word")]
    EmptyQuery,

    #[error("the disk is full; free some space and try again (nothing was saved from this operation)")]
    DiskFull,

    #[error("the operation was interrupted; what was done so far is kept, and running it again resumes")]
    Cancelled,

    #[error("no catalogue matches \"{0}\"; `cartable catalog list` shows them")]
    CatalogNotFound(String),

    #[error("\"{0}\" is not a catalogue address; give one that starts with https:// or http://")]
    InvalidAddress(String),

    #[error("{}", if *.wrong_password { "the catalogue refused this user name or password; check them and sign in again" } else { "this catalogue asks you to sign in first" })]
    SignInRequired { wrong_password: bool, auth: Option<Box<cartable_opds::AuthDocument>> },

    #[error("this catalogue has no search; browse its pages instead")]
    NoCatalogSearch,

    #[error("no download has the number {0}; `cartable downloads` lists them")]
    DownloadNotFound(i64),

    #[error(
        "the catalogue sent a file that is neither a PDF nor an EPUB; the book could not be added (nothing was kept)"
    )]
    NotABook,

    #[error("choose who is reading first (no profile is open)")]
    NoProfile,

    #[error("no profile is called {0:?}; `cartable profiles list` shows them")]
    ProfileNotFound(String),

    #[error("a profile called {0:?} already exists; choose another name")]
    ProfileNameTaken(String),

    #[error("a profile name has 1 to 40 characters")]
    InvalidProfileName,

    #[error("the last profile cannot be removed; add another one first")]
    LastProfile,

    #[error("this profile is protected by a PIN; type it to open it")]
    PinRequired,

    #[error("wrong PIN; try again")]
    WrongPin,

    #[error("a PIN has 4 to 6 digits")]
    InvalidPin,

    #[error("this annotation does not exist (any more)")]
    AnnotationNotFound(String),

    #[error("this annotation cannot be saved: {0}")]
    InvalidAnnotation(String),

    #[error("this file is not a set of annotations Cartable can read: {0}")]
    BadAnnotationFile(String),

    #[error(transparent)]
    Net(#[from] cartable_net::Error),

    #[error(transparent)]
    Opds(#[from] cartable_opds::Error),

    #[error(transparent)]
    Pdf(#[from] cartable_pdf::Error),

    #[error(transparent)]
    Epub(#[from] cartable_epub::Error),

    #[error("the library database is damaged or unreadable ({0}); run `cartable check`")]
    Database(rusqlite::Error),

    #[error("{context}: {source}")]
    Io { context: String, source: std::io::Error },
}

impl Error {
    /// A stable, machine-readable name for the UI and scripts to branch on.
    pub fn code(&self) -> &'static str {
        match self {
            Error::BookNotFound(_) => "BookNotFound",
            Error::AmbiguousBook { .. } => "AmbiguousBook",
            Error::UnsupportedFormat { .. } => "UnsupportedFormat",
            Error::FileNotFound { .. } => "FileNotFound",
            Error::PasswordRequired | Error::Pdf(cartable_pdf::Error::PasswordRequired) => "PasswordRequired",
            Error::WrongPassword | Error::Pdf(cartable_pdf::Error::WrongPassword) => "WrongPassword",
            Error::PageOutOfRange { .. } | Error::Pdf(cartable_pdf::Error::PageOutOfRange { .. }) => "PageOutOfRange",
            Error::LabelNotFound(_) => "LabelNotFound",
            Error::InvalidWidth { .. } => "InvalidWidth",
            Error::NotRenderable => "NotRenderable",
            Error::EmptyQuery => "EmptyQuery",
            Error::InvalidPosition(_) => "InvalidPosition",
            Error::DiskFull => "DiskFull",
            Error::Cancelled => "Cancelled",
            Error::CatalogNotFound(_) => "CatalogNotFound",
            Error::InvalidAddress(_) => "InvalidAddress",
            Error::SignInRequired { wrong_password: true, .. } => "WrongCredentials",
            Error::SignInRequired { .. } => "SignInRequired",
            Error::NoCatalogSearch => "NoCatalogSearch",
            Error::DownloadNotFound(_) => "DownloadNotFound",
            Error::NotABook => "NotABook",
            Error::NoProfile => "NoProfile",
            Error::ProfileNotFound(_) => "ProfileNotFound",
            Error::ProfileNameTaken(_) => "ProfileNameTaken",
            Error::InvalidProfileName => "InvalidProfileName",
            Error::LastProfile => "LastProfile",
            Error::PinRequired => "PinRequired",
            Error::WrongPin => "WrongPin",
            Error::InvalidPin => "InvalidPin",
            Error::AnnotationNotFound(_) => "AnnotationNotFound",
            Error::InvalidAnnotation(_) => "InvalidAnnotation",
            Error::BadAnnotationFile(_) => "BadAnnotationFile",
            Error::Net(e) => e.code(),
            Error::Opds(_) => "BadCatalog",
            Error::Pdf(cartable_pdf::Error::LibraryMissing { .. } | cartable_pdf::Error::LibraryLoad { .. }) => {
                "PdfEngineMissing"
            }
            Error::Pdf(cartable_pdf::Error::UnsupportedSecurity) => "UnsupportedSecurity",
            Error::Pdf(cartable_pdf::Error::InvalidMark { .. }) => "InvalidAnnotation",
            Error::Pdf(cartable_pdf::Error::Annotate { .. }) => "ExportFailed",
            Error::Pdf(_) => "CorruptPdf",
            Error::Epub(e) => epub_code(e),
            Error::Database(_) => "Database",
            Error::Io { .. } => "Io",
        }
    }

    pub(crate) fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> Error {
        let context = context.into();
        move |source| {
            if source.kind() == std::io::ErrorKind::StorageFull {
                Error::DiskFull
            } else {
                Error::Io { context, source }
            }
        }
    }
}

fn epub_code(e: &cartable_epub::Error) -> &'static str {
    use cartable_epub::Error as E;
    match e {
        E::NotZip | E::WrongMimetype { .. } => "NotEpub",
        E::UnsafePath { .. }
        | E::DuplicateEntry { .. }
        | E::SuspiciousCompression { .. }
        | E::EntityDeclaration { .. } => "EpubRefused",
        E::TooLarge { .. } | E::EntryTooLarge { .. } => "EpubTooLarge",
        E::Drm { .. } => "Drm",
        E::MissingResource { .. } => "ResourceNotFound",
        E::Io { .. } => "Io",
        _ => "EpubDamaged",
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DiskFull) => Error::DiskFull,
            _ => Error::Database(e),
        }
    }
}

/// What crosses to a UI or a script: `{ "code": "BookNotFound", "message": "…" }`, and for
/// some codes the details a UI needs (`SignInRequired`: how the catalogue signs in).
#[derive(Debug, Clone, Serialize)]
pub struct ErrorView {
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
}

impl From<Error> for ErrorView {
    fn from(e: Error) -> Self {
        ErrorView::from(&e)
    }
}

impl From<&Error> for ErrorView {
    fn from(e: &Error) -> Self {
        let details = match e {
            Error::SignInRequired { auth: Some(auth), .. } => serde_json::to_value(auth).ok(),
            _ => None,
        };
        ErrorView { code: e.code(), message: e.to_string(), details }
    }
}
