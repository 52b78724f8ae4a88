//! The one error type of the crate, with a stable code for each case a user can act on.

use std::path::PathBuf;
use std::time::Duration;

use url::Url;

/// A source error from the HTTP stack, boxed so that its crate is not part of this API.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What went wrong with a catalogue request or a download, and what the user can do about it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The link is not `http:` or `https:`.
    #[error("{url}: only http and https links can be opened; check the catalogue address")]
    UnsupportedUrl { url: Url },

    /// No connection to the server could be made (no network, DNS failure, refused, TLS failure).
    #[error("could not reach {host}; check that this computer is connected to the internet, then try again")]
    Connect {
        host: String,
        #[source]
        source: BoxError,
    },

    /// The server stopped sending for longer than the idle timeout, or a document took too long.
    #[error("{host} stopped answering; the connection may be too slow or cut, try again later")]
    Timeout { host: String },

    /// The connection broke while a response was being read (body cut short, reset).
    #[error("the connection to {host} was interrupted; try again")]
    Network {
        host: String,
        #[source]
        source: BoxError,
    },

    /// The server redirects in a loop, or more than the configured number of times.
    #[error("{url} keeps redirecting ({redirects} redirects); the server is misconfigured, try again later")]
    RedirectLoop { url: Url, redirects: u32 },

    /// The server wants credentials (401); what it said about signing in is boxed to keep
    /// `Error` small (it travels in every `Result` of the crate and of its callers).
    #[error("{}", unauthorized_message(.0.refused_credentials, .0.realm.as_deref()))]
    Unauthorized(Box<Unauthorized>),

    /// 403: the credentials are valid but do not give access to this resource.
    #[error("{url}: the server refuses access (403); this account may not include it")]
    Forbidden { url: Url },

    /// 404 or 410.
    #[error("{url} is not on the server ({status}); refresh the catalogue, the book may have moved")]
    NotFound { url: Url, status: u16 },

    /// 429: the server asks to slow down.
    #[error("{url}: the server is receiving too many requests; wait a few minutes and try again")]
    RateLimited { url: Url, retry_after: Option<Duration> },

    /// A 5xx or 408: a problem on the server's side that may pass.
    #[error("{url}: the server has a problem ({status}); try again later")]
    Server { url: Url, status: u16 },

    /// Another 4xx: this request will not work by repeating it.
    #[error("{url}: the server refused the request ({status}); the link may be out of date, refresh the catalogue")]
    Refused { url: Url, status: u16 },

    /// The server's answers to a download contradict each other (a misplaced range, a size
    /// that changes); reported inside [`Error::GaveUp`] when it goes on.
    #[error("{host} sent an answer that does not fit the download ({problem}); try again later")]
    UnexpectedResponse { host: String, problem: &'static str },

    /// A catalogue document larger than the limit (64 MiB by default).
    #[error("{url} is larger than {limit} bytes, too large for a catalogue document; check the address")]
    TooLarge { url: Url, limit: u64 },

    /// The download's size is not the announced or expected one. The `.part` file was removed.
    #[error(
        "the download has the wrong size ({actual} bytes where {expected} were expected) and was discarded; \
         download it again later, and tell the catalogue's publisher if this happens again"
    )]
    SizeMismatch { expected: u64, actual: u64 },

    /// The finished file's sha256 is not the expected one. The `.part` file was removed.
    #[error(
        "the downloaded file is damaged (sha256 {actual}, expected {expected}) and was discarded; download it again"
    )]
    ChecksumMismatch { expected: String, actual: String },

    /// The disk (or the user's quota) is full. The `.part` file was removed.
    #[error("the disk is full: free some space, then download again (the incomplete file {} was removed)", .path.display())]
    DiskFull { path: PathBuf },

    /// Another file-system error on the `.part` file.
    #[error("{context} {}: {source}", .path.display())]
    Io {
        context: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// [`crate::Control::pause`] stopped the download. The `.part` file and the [`crate::State`]
    /// are kept: calling [`crate::download`] again with them resumes.
    #[error("the download is paused; what was downloaded is kept, and downloading again resumes it")]
    Paused,

    /// [`crate::Control::cancel`] stopped the download. The `.part` file was removed.
    #[error("the download was cancelled and its incomplete file removed")]
    Cancelled,

    /// Too many failures in a row without progress. The `.part` file and the State are kept.
    #[error(
        "the download failed {failures} times in a row ({last}); what was downloaded is kept, \
         download again when the connection is better to continue"
    )]
    GaveUp { failures: u32, last: Box<Error> },

    /// The request itself is malformed (for example an expected sha256 that is not 64 hex digits).
    #[error("invalid download request: {0}")]
    InvalidRequest(String),

    /// The HTTP client could not be created (TLS set-up).
    #[error("the network layer could not start: {0}")]
    Setup(#[source] BoxError),
}

/// What a 401 said about signing in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unauthorized {
    /// The OPDS Authentication Document named by
    /// `Link: <…>; rel="http://opds-spec.org/auth/document"`, resolved against the URL.
    pub auth_document_url: Option<Url>,
    /// The `realm` of the `WWW-Authenticate` challenge, to show the user.
    pub realm: Option<String>,
    /// The 401 body itself when it is an authentication document
    /// (`application/opds-authentication+json`), at most 1 MiB.
    pub auth_document: Option<Vec<u8>>,
    /// Credentials were sent and refused: they are wrong or expired.
    pub refused_credentials: bool,
}

fn unauthorized_message(refused: bool, realm: Option<&str>) -> String {
    let place = match realm {
        Some(realm) if !realm.is_empty() => format!("\"{realm}\""),
        _ => "this catalogue".to_owned(),
    };
    if refused {
        format!("{place} refused the user name or password; check them (capital letters count) and try again")
    } else {
        format!("{place} needs you to sign in; enter the user name and password you were given")
    }
}

impl Error {
    /// A stable, machine-readable name for the UI to branch on.
    pub fn code(&self) -> &'static str {
        match self {
            Error::UnsupportedUrl { .. } => "UnsupportedUrl",
            Error::Connect { .. } => "Offline",
            Error::Timeout { .. } => "Timeout",
            Error::Network { .. } => "ConnectionLost",
            Error::RedirectLoop { .. } => "RedirectLoop",
            Error::Unauthorized(_) => "Unauthorized",
            Error::Forbidden { .. } => "Forbidden",
            Error::NotFound { .. } => "NotFound",
            Error::RateLimited { .. } => "RateLimited",
            Error::Server { .. } => "ServerError",
            Error::Refused { .. } => "Refused",
            Error::UnexpectedResponse { .. } => "UnexpectedResponse",
            Error::TooLarge { .. } => "TooLarge",
            Error::SizeMismatch { .. } => "SizeMismatch",
            Error::ChecksumMismatch { .. } => "ChecksumMismatch",
            Error::DiskFull { .. } => "DiskFull",
            Error::Io { .. } => "Io",
            Error::Paused => "Paused",
            Error::Cancelled => "Cancelled",
            Error::GaveUp { .. } => "GaveUp",
            Error::InvalidRequest(_) => "InvalidRequest",
            Error::Setup(_) => "Setup",
        }
    }

    /// Whether repeating the same request later may succeed: connection problems, timeouts,
    /// 5xx, 408 and 429. The download loop retries exactly these.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Error::Connect { .. }
                | Error::Timeout { .. }
                | Error::Network { .. }
                | Error::RateLimited { .. }
                | Error::Server { .. }
        )
    }

    /// A file-system error on `path`, with a full disk or quota told apart.
    pub(crate) fn io(context: &'static str, path: &std::path::Path, source: std::io::Error) -> Error {
        if is_disk_full(&source) {
            Error::DiskFull { path: path.to_owned() }
        } else {
            Error::Io { context, path: path.to_owned(), source }
        }
    }
}

/// `ENOSPC` and `EDQUOT` (and their Windows equivalents), as the standard library maps them.
pub(crate) fn is_disk_full(e: &std::io::Error) -> bool {
    matches!(e.kind(), std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_stays_small() {
        // It is carried in every Result here and in the callers' own error enums.
        assert!(
            std::mem::size_of::<Error>() <= 104,
            "Error is {} bytes: box the large variant",
            std::mem::size_of::<Error>()
        );
    }

    #[test]
    fn disk_full_and_quota_are_disk_full() {
        let path = std::path::Path::new("/tmp/book.part");
        for kind in [std::io::ErrorKind::StorageFull, std::io::ErrorKind::QuotaExceeded] {
            let e = Error::io("writing", path, std::io::Error::from(kind));
            assert_eq!(e.code(), "DiskFull", "{kind:?} must reach the user as a full disk, with its own message");
        }
        let e = Error::io("writing", path, std::io::Error::from(std::io::ErrorKind::PermissionDenied));
        assert_eq!(e.code(), "Io", "other file errors keep their cause");
    }

    #[test]
    fn unauthorized_message_tells_sign_in_from_wrong_password() {
        let ask = Error::Unauthorized(Box::new(Unauthorized {
            auth_document_url: None,
            realm: Some("Bibliothèque".into()),
            auth_document: None,
            refused_credentials: false,
        }));
        assert!(ask.to_string().contains("needs you to sign in"), "no credentials sent: ask for them");
        assert!(ask.to_string().contains("Bibliothèque"), "the realm tells the user which account");
        let refused = Error::Unauthorized(Box::new(Unauthorized {
            auth_document_url: None,
            realm: None,
            auth_document: None,
            refused_credentials: true,
        }));
        assert!(refused.to_string().contains("refused the user name or password"), "credentials sent: they are wrong");
    }
}
