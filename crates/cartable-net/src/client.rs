//! The HTTP client: timeouts, user agent, credentials, redirects, and catalogue documents.

use std::fmt;
use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap, HeaderValue};
use url::Url;

use crate::error::{BoxError, Error, Unauthorized};
use crate::headers;

/// How the client behaves. [`Config::default`] holds the product's values; tests shorten them.
#[derive(Debug, Clone)]
pub struct Config {
    /// Sent as `User-Agent`; `Cartable/<version>` by default.
    pub user_agent: String,
    /// Time to open a connection (TCP and TLS): 10 s.
    pub connect_timeout: Duration,
    /// Longest silence while waiting for headers or body bytes: 30 s. A slow but steady
    /// connection never trips it.
    pub read_timeout: Duration,
    /// Whole-request limit for [`Client::get_document`] (feeds are small): 60 s.
    /// Downloads have no total limit.
    pub document_timeout: Duration,
    /// Largest document [`Client::get_document`] accepts: 64 MiB.
    pub max_document_size: u64,
    /// Redirects followed per request: 10.
    pub max_redirects: u32,
    /// Retries of downloads.
    pub retry: Retry,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            user_agent: format!("Cartable/{}", env!("CARGO_PKG_VERSION")),
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            document_timeout: Duration::from_secs(60),
            max_document_size: 64 * 1024 * 1024,
            max_redirects: 10,
            retry: Retry::default(),
        }
    }
}

/// Exponential backoff with jitter for downloads: the n-th consecutive failure waits a random
/// time between half and all of `first_delay × 2ⁿ⁻¹`, capped at `max_delay`; a server's
/// `Retry-After` is honoured up to `max_retry_after`.
#[derive(Debug, Clone)]
pub struct Retry {
    /// 1 s.
    pub first_delay: Duration,
    /// 60 s.
    pub max_delay: Duration,
    /// 10: after that many failures in a row without new bytes, [`Error::GaveUp`].
    pub max_failures: u32,
    /// 10 min: a longer `Retry-After` is shortened to this.
    pub max_retry_after: Duration,
}

impl Default for Retry {
    fn default() -> Retry {
        Retry {
            first_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
            max_failures: 10,
            max_retry_after: Duration::from_secs(600),
        }
    }
}

impl Retry {
    /// The wait before retrying after the `failures`-th consecutive failure (1-based).
    pub(crate) fn delay(&self, failures: u32, retry_after: Option<Duration>) -> Duration {
        let exponent = failures.saturating_sub(1).min(30);
        let full = self.first_delay.saturating_mul(1 << exponent).min(self.max_delay);
        let half = full / 2;
        let jittered = half + half.mul_f64(fastrand::f64());
        match retry_after {
            Some(asked) => asked.min(self.max_retry_after).max(jittered),
            None => jittered,
        }
    }
}

/// Credentials for one request. `Debug` never shows them.
#[derive(Clone, PartialEq, Eq)]
pub struct Auth(Secret);

#[derive(Clone, PartialEq, Eq)]
enum Secret {
    Basic { username: String, password: String },
    Bearer(String),
}

impl Auth {
    /// HTTP Basic (`Authorization: Basic …`), as OPDS catalogues with accounts use.
    pub fn basic(username: impl Into<String>, password: impl Into<String>) -> Auth {
        Auth(Secret::Basic { username: username.into(), password: password.into() })
    }

    /// A bearer token (`Authorization: Bearer …`), as OPDS authentication flows hand out.
    pub fn bearer(token: impl Into<String>) -> Auth {
        Auth(Secret::Bearer(token.into()))
    }

    fn apply(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.0 {
            Secret::Basic { username, password } => request.basic_auth(username, Some(password)),
            Secret::Bearer(token) => request.bearer_auth(token),
        }
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Secret::Basic { .. } => f.write_str("Auth::Basic(***)"),
            Secret::Bearer(_) => f.write_str("Auth::Bearer(***)"),
        }
    }
}

/// A catalogue document (an OPDS feed, an authentication document, a cover…).
#[derive(Debug, Clone)]
pub struct Document {
    pub bytes: Vec<u8>,
    /// The `Content-Type` header as sent.
    pub content_type: Option<String>,
    /// The URL after redirects: relative links in the document resolve against it.
    pub final_url: Url,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// One per app: holds the connection pool and the [`Config`].
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    pub(crate) config: Config,
}

impl Client {
    /// A client with the product's settings.
    pub fn new() -> Result<Client, Error> {
        Client::with_config(Config::default())
    }

    pub fn with_config(config: Config) -> Result<Client, Error> {
        let http = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .connect_timeout(config.connect_timeout)
            .read_timeout(config.read_timeout)
            // Redirects are followed by hand: loops are reported as such, and credentials
            // never follow a redirect to another origin.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Setup(Box::new(e)))?;
        Ok(Client { http, config })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// GETs a small document (a feed), following redirects, within
    /// [`Config::document_timeout`] and [`Config::max_document_size`].
    ///
    /// A 401 becomes [`Error::Unauthorized`] with what the server said about signing in.
    pub async fn get_document(&self, url: &Url, auth: Option<&Auth>) -> Result<Document, Error> {
        let host = host_of(url);
        match tokio::time::timeout(self.config.document_timeout, self.fetch_document(url, auth)).await {
            Ok(result) => result,
            Err(_) => Err(Error::Timeout { host }),
        }
    }

    /// POSTs an `application/x-www-form-urlencoded` form (an OAuth token request) and returns
    /// the answer like [`Client::get_document`]. No redirect is followed: a token endpoint
    /// answers where it is asked.
    pub async fn post_form(&self, url: &Url, fields: &[(&str, &str)], auth: Option<&Auth>) -> Result<Document, Error> {
        check_scheme(url)?;
        let host = host_of(url);
        let body: String = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
        let work = async {
            let mut request = self
                .http
                .post(url.clone())
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::ACCEPT, "application/json")
                .body(body);
            if let Some(auth) = auth {
                request = auth.apply(request);
            }
            let mut response = request.send().await.map_err(|e| network_error(url, e))?;
            let status = response.status();
            if !status.is_success() {
                return Err(status_error(&mut response, auth.is_some()).await);
            }
            let content_type = header_str(response.headers(), header::CONTENT_TYPE).map(str::to_owned);
            let mut bytes = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(|e| network_error(url, e))? {
                if bytes.len() + chunk.len() > 1 << 20 {
                    return Err(Error::TooLarge { url: url.clone(), limit: 1 << 20 });
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(Document { bytes, content_type, final_url: url.clone(), etag: None, last_modified: None })
        };
        match tokio::time::timeout(self.config.document_timeout, work).await {
            Ok(result) => result,
            Err(_) => Err(Error::Timeout { host }),
        }
    }

    async fn fetch_document(&self, url: &Url, auth: Option<&Auth>) -> Result<Document, Error> {
        let mut response = self.send(url, auth, &HeaderMap::new()).await?;
        let final_url = response.url().clone();
        let status = response.status();
        if !status.is_success() {
            return Err(status_error(&mut response, auth.is_some()).await);
        }
        let limit = self.config.max_document_size;
        let declared = content_length(response.headers());
        if declared.is_some_and(|n| n > limit) {
            return Err(Error::TooLarge { url: final_url, limit });
        }
        let text =
            |name: header::HeaderName| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let content_type = text(header::CONTENT_TYPE);
        let etag = text(header::ETAG);
        let last_modified = text(header::LAST_MODIFIED);
        // Preallocate from the declared size (already checked against the limit).
        let mut bytes = Vec::with_capacity(usize::try_from(declared.unwrap_or(0)).unwrap_or(0));
        while let Some(chunk) = response.chunk().await.map_err(|e| network_error(&final_url, e))? {
            if bytes.len() as u64 + chunk.len() as u64 > limit {
                return Err(Error::TooLarge { url: final_url, limit });
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(Document { bytes, content_type, final_url, etag, last_modified })
    }

    /// Sends a GET with `extra` headers, following up to [`Config::max_redirects`] redirects.
    /// The returned response may have any status but a redirect; its `url()` is the final URL.
    pub(crate) async fn send(
        &self,
        url: &Url,
        auth: Option<&Auth>,
        extra: &HeaderMap,
    ) -> Result<reqwest::Response, Error> {
        check_scheme(url)?;
        let mut current = url.clone();
        let mut seen = vec![url.clone()];
        loop {
            let mut request = self.http.get(current.clone()).headers(extra.clone());
            // Credentials go only to the origin they were given for.
            if let Some(auth) = auth.filter(|_| current.origin() == url.origin()) {
                request = auth.apply(request);
            }
            let response = request.send().await.map_err(|e| network_error(&current, e))?;
            if !response.status().is_redirection() || response.status() == StatusCode::NOT_MODIFIED {
                return Ok(response);
            }
            let Some(next) = response
                .headers()
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|location| current.join(location.trim()).ok())
            else {
                // A 3xx without a usable Location is the final answer.
                return Ok(response);
            };
            check_scheme(&next)?;
            let redirects = seen.len() as u32;
            if seen.contains(&next) || redirects > self.config.max_redirects {
                return Err(Error::RedirectLoop { url: url.clone(), redirects });
            }
            seen.push(next.clone());
            current = next;
        }
    }
}

fn check_scheme(url: &Url) -> Result<(), Error> {
    match url.scheme() {
        "http" | "https" => Ok(()),
        _ => Err(Error::UnsupportedUrl { url: url.clone() }),
    }
}

pub(crate) fn host_of(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        (None, _) => url.to_string(),
    }
}

/// A transport error, classified so that the download loop knows what to retry.
pub(crate) fn network_error(url: &Url, e: reqwest::Error) -> Error {
    let host = host_of(url);
    if e.is_timeout() {
        Error::Timeout { host }
    } else if e.is_connect() {
        Error::Connect { host, source: Box::new(e) as BoxError }
    } else {
        Error::Network { host, source: Box::new(e) }
    }
}

pub(crate) fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(headers::parse_digits)
}

pub(crate) fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The error for a final non-2xx response. Reads a small body only for 401 (the OPDS
/// Authentication Document may be the body itself).
pub(crate) async fn status_error(response: &mut reqwest::Response, sent_credentials: bool) -> Error {
    let url = response.url().clone();
    let status = response.status();
    let headers = response.headers();
    match status.as_u16() {
        401 => {
            let auth_document_url = headers::find_link(
                headers.get_all(header::LINK).iter().filter_map(|v| v.to_str().ok()),
                headers::AUTH_DOCUMENT_REL,
                &url,
            );
            let realm =
                headers::find_realm(headers.get_all(header::WWW_AUTHENTICATE).iter().filter_map(|v| v.to_str().ok()));
            let is_document = header_str(headers, header::CONTENT_TYPE)
                .is_some_and(|t| headers::media_type(t) == headers::AUTH_DOCUMENT_TYPE);
            let auth_document = if is_document { read_small_body(response, 1024 * 1024).await } else { None };
            Error::Unauthorized(Box::new(Unauthorized {
                auth_document_url,
                realm,
                auth_document,
                refused_credentials: sent_credentials,
            }))
        }
        403 => Error::Forbidden { url },
        404 | 410 => Error::NotFound { url, status: status.as_u16() },
        429 => Error::RateLimited { url, retry_after: retry_after(headers) },
        s if s == 408 || s >= 500 => Error::Server { url, status: s },
        s => Error::Refused { url, status: s },
    }
}

/// The wait a 429 or 503 asks for.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    header_str(headers, header::RETRY_AFTER)
        .and_then(|v| headers::parse_retry_after(v, header_str(headers, header::DATE), SystemTime::now()))
}

/// The body if it fits in `limit` bytes and arrives whole, else `None`.
async fn read_small_body(response: &mut reqwest::Response, limit: usize) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.ok()? {
        if body.len() + chunk.len() > limit {
            return None;
        }
        body.extend_from_slice(&chunk);
    }
    Some(body)
}

/// `Accept-Encoding: identity`: byte ranges and sizes must refer to the file itself.
pub(crate) fn identity_encoding() -> (header::HeaderName, HeaderValue) {
    (header::ACCEPT_ENCODING, HeaderValue::from_static("identity"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_never_show_in_debug() {
        let basic = Auth::basic("eleve", "motdepasse");
        let bearer = Auth::bearer("jeton-secret");
        let shown = format!("{basic:?} {bearer:?} {:?}", Some(&basic));
        assert!(!shown.contains("eleve") && !shown.contains("motdepasse") && !shown.contains("jeton"), "{shown}");
        assert!(shown.contains("***"), "the masked form says something is there: {shown}");
    }

    #[test]
    fn backoff_doubles_within_jitter_and_caps() {
        let retry = Retry {
            first_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
            max_failures: 10,
            max_retry_after: Duration::from_secs(600),
        };
        for (failures, full) in [(1, 1), (2, 2), (3, 4), (6, 32), (7, 60), (40, 60)] {
            for _ in 0..50 {
                let d = retry.delay(failures, None);
                let full = Duration::from_secs(full);
                assert!(d >= full / 2 && d <= full, "failure {failures}: {d:?} must lie in [{:?}, {full:?}]", full / 2);
            }
        }
        assert_eq!(retry.delay(1, Some(Duration::from_secs(120))), Duration::from_secs(120), "Retry-After is honoured");
        assert_eq!(
            retry.delay(1, Some(Duration::from_secs(86_400))),
            Duration::from_secs(600),
            "a day-long Retry-After must not freeze the download"
        );
        assert!(
            retry.delay(7, Some(Duration::ZERO)) >= Duration::from_secs(30),
            "Retry-After: 0 does not skip backoff"
        );
    }

    #[test]
    fn host_names_the_port_when_there_is_one() {
        let url = Url::parse("http://127.0.0.1:8080/x").expect("valid url");
        assert_eq!(host_of(&url), "127.0.0.1:8080");
        let url = Url::parse("https://books.example/x").expect("valid url");
        assert_eq!(host_of(&url), "books.example");
    }
}
