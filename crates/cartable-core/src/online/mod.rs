//! Catalogues and downloads: what needs the network. Everything here is `async` (the network
//! is awaited) and works over a [`Library`]; what was seen of a catalogue is kept to browse
//! offline, and downloads are queued in the database so that they survive a restart or a kill.

mod downloads;
mod secrets;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use url::Url;

pub use cartable_opds::{Acquisition, AcquisitionKind, AuthDocument, Feed, Link, Publication};
pub use downloads::{DownloadRequest, DownloadView, Update};
pub use secrets::{Credential, SecretStore};

use crate::db::catalogs::{self, CatalogRow};
use crate::{Error, Library, Result};

/// The scheme of the catalogue bundled with Cartable: it lists the bundled textbooks and works
/// with no connection.
pub const BUNDLED_SCHEME: &str = "bundled";
/// The address of the bundled catalogue.
pub const BUNDLED_CATALOG: &str = "bundled://cartable/catalogue.xml";

/// A catalogue, as the interface lists it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Catalog {
    pub id: i64,
    pub name: String,
    pub url: String,
    pub username: Option<String>,
    pub bundled: bool,
    /// How the catalogue asks to sign in (labels, logo), when it does.
    pub auth: Option<AuthDocument>,
}

/// One page of a catalogue, and whether it comes from the network or from what was saved.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedPage {
    pub catalog: Option<i64>,
    pub url: String,
    pub feed: Feed,
    /// No connection: this is the copy saved when the page was last seen.
    pub offline: bool,
    pub fetched_at: i64,
}

/// The network side of a library: one per app.
pub struct Online {
    pub(crate) library: Arc<Library>,
    pub(crate) client: cartable_net::Client,
    secrets: secrets::Secrets,
    /// Controls of the downloads running now, by id.
    pub(crate) running: Mutex<HashMap<i64, Arc<cartable_net::Control>>>,
    /// Files of the bundled catalogue, by name.
    bundled: HashMap<String, &'static [u8]>,
}

/// A fetched document.
pub(crate) struct Fetched {
    pub bytes: Vec<u8>,
    pub content_type: Option<String>,
    pub url: Url,
}

impl Online {
    /// `bundled` names the files of the bundled catalogue (`catalogue.xml` and the books it
    /// lists); the catalogue itself is added to the library the first time.
    pub fn new(library: Arc<Library>, bundled: &[(&'static str, &'static [u8])]) -> Result<Online> {
        let client = cartable_net::Client::new().map_err(Error::from)?;
        let online = Online {
            secrets: secrets::Secrets::new(library.root()),
            library,
            client,
            running: Mutex::new(HashMap::new()),
            bundled: bundled.iter().map(|(name, bytes)| ((*name).to_owned(), *bytes)).collect(),
        };
        let now = online.library.now();
        online.library.with_db(|c| crate::db::downloads::requeue_interrupted(c, now))?;
        if online.bundled.contains_key("catalogue.xml") {
            let known = online.library.with_db(catalogs::list)?.iter().any(|c| c.bundled);
            if !known {
                online.library.with_db(|c| catalogs::add(c, "Cartable", BUNDLED_CATALOG, None, true, now))?;
            }
        }
        Ok(online)
    }

    pub fn library(&self) -> &Arc<Library> {
        &self.library
    }

    // ----- catalogues -------------------------------------------------------------------

    pub fn catalogs(&self) -> Result<Vec<Catalog>> {
        Ok(self.library.with_db(catalogs::list)?.into_iter().map(catalog_view).collect())
    }

    fn catalog_row(&self, id: i64) -> Result<CatalogRow> {
        self.library.with_db(|c| catalogs::get(c, id))?.ok_or(Error::CatalogNotFound(id.to_string()))
    }

    /// The catalogue named by `query`: its id, its name (any case), or its address.
    pub fn find_catalog(&self, query: &str) -> Result<Catalog> {
        let all = self.catalogs()?;
        let folded = crate::text::fold(query);
        all.iter()
            .find(|c| c.id.to_string() == query || c.url == query)
            .or_else(|| all.iter().find(|c| crate::text::fold(&c.name) == folded))
            .or_else(|| {
                let starting: Vec<&Catalog> =
                    all.iter().filter(|c| crate::text::fold(&c.name).starts_with(&folded)).collect();
                (starting.len() == 1).then(|| starting[0])
            })
            .cloned()
            .ok_or_else(|| Error::CatalogNotFound(query.to_owned()))
    }

    /// Adds a catalogue by its address: its first page is fetched (with `credential` when it
    /// asks for one) and checked. A catalogue that asks to sign in without a credential gives
    /// [`Error::SignInRequired`] with its authentication document, to ask the pupil.
    pub async fn add_catalog(
        &self,
        address: &str,
        name: Option<&str>,
        credential: Option<Credential>,
    ) -> Result<Catalog> {
        let url = parse_address(address)?;
        let (fetched, credential) = self.fetch_signed_in(&url, credential).await?;
        let feed = cartable_opds::parse_feed(&fetched.bytes, &fetched.url, fetched.content_type.as_deref())?;
        let name = name.map(str::to_owned).filter(|n| !n.trim().is_empty()).unwrap_or_else(|| {
            if feed.title.trim().is_empty() {
                url.host_str().unwrap_or("Catalogue").to_owned()
            } else {
                feed.title.clone()
            }
        });
        let now = self.library.now();
        let username = credential.as_ref().map(|c| c.username.clone());
        let id = self.library.with_db(|c| catalogs::add(c, &name, url.as_str(), username.as_deref(), false, now))?;
        if let Some(credential) = credential {
            self.secrets.set(url.as_str(), credential)?;
        }
        self.library.with_db(|c| {
            catalogs::save_feed(c, url.as_str(), Some(id), &fetched.bytes, fetched.content_type.as_deref(), now)
        })?;
        Ok(catalog_view(self.catalog_row(id)?))
    }

    pub fn rename_catalog(&self, id: i64, name: &str) -> Result<()> {
        if name.trim().is_empty() {
            return Err(Error::InvalidAddress("a catalogue needs a name".into()));
        }
        if !self.library.with_db(|c| catalogs::rename(c, id, name.trim()))? {
            return Err(Error::CatalogNotFound(id.to_string()));
        }
        Ok(())
    }

    /// Removes a catalogue and its saved password; the books downloaded from it stay.
    pub fn remove_catalog(&self, id: i64) -> Result<()> {
        let row = self.catalog_row(id)?;
        self.secrets.remove(&row.url)?;
        self.library.with_db(|c| catalogs::remove(c, id))?;
        Ok(())
    }

    /// Where catalogue passwords are kept on this machine.
    pub fn secret_store(&self) -> SecretStore {
        self.secrets.store()
    }

    /// The credential saved for a catalogue; one never signed in to has none (and the keyring
    /// is not asked).
    fn saved_credential(&self, row: &CatalogRow) -> Result<Option<Credential>> {
        if row.username.is_none() {
            return Ok(None);
        }
        self.secrets.get(&row.url)
    }

    /// Saves the credential of a catalogue (after it asked to sign in).
    pub fn sign_in(&self, id: i64, credential: Credential) -> Result<()> {
        let row = self.catalog_row(id)?;
        let username = credential.username.clone();
        self.secrets.set(&row.url, credential)?;
        self.library.with_db(|c| catalogs::set_auth(c, id, Some(&username), None))
    }

    /// A page of a catalogue (its first page when `url` is none). With no connection, the
    /// copy saved when the page was last seen, marked `offline`.
    pub async fn browse(&self, catalog: i64, url: Option<&str>) -> Result<FeedPage> {
        let row = self.catalog_row(catalog)?;
        let url = parse_address(url.unwrap_or(&row.url))?;
        let credential = self.saved_credential(&row)?;
        let before = credential.clone();
        match self.fetch_signed_in(&url, credential).await {
            Ok((fetched, credential)) => {
                if credential != before
                    && let Some(credential) = credential
                {
                    // A new access token: keep it for the next pages.
                    self.secrets.set(&row.url, credential)?;
                }
                let feed = cartable_opds::parse_feed(&fetched.bytes, &fetched.url, fetched.content_type.as_deref())?;
                let now = self.library.now();
                self.library.with_db(|c| {
                    catalogs::save_feed(
                        c,
                        url.as_str(),
                        Some(catalog),
                        &fetched.bytes,
                        fetched.content_type.as_deref(),
                        now,
                    )
                })?;
                Ok(FeedPage {
                    catalog: Some(catalog),
                    url: fetched.url.to_string(),
                    feed,
                    offline: false,
                    fetched_at: now,
                })
            }
            Err(Error::Net(e)) if is_offline(&e) => {
                let saved = self.library.with_db(|c| catalogs::saved_feed(c, url.as_str()))?;
                let Some(saved) = saved else { return Err(Error::Net(e)) };
                let feed = cartable_opds::parse_feed(&saved.body, &url, saved.content_type.as_deref())?;
                Ok(FeedPage {
                    catalog: Some(catalog),
                    url: url.to_string(),
                    feed,
                    offline: true,
                    fetched_at: saved.fetched_at,
                })
            }
            Err(e) => Err(e),
        }
    }

    /// A catalogue page by its address, without adding the catalogue (nothing signs in).
    pub async fn browse_address(&self, address: &str) -> Result<FeedPage> {
        let url = parse_address(address)?;
        match self.fetch(&url, None).await {
            Ok(fetched) => {
                let feed = cartable_opds::parse_feed(&fetched.bytes, &fetched.url, fetched.content_type.as_deref())?;
                Ok(FeedPage {
                    catalog: None,
                    url: fetched.url.to_string(),
                    feed,
                    offline: false,
                    fetched_at: self.library.now(),
                })
            }
            Err(e) => Err(e),
        }
    }

    /// A cover or thumbnail of a catalogue entry: from what was saved, else fetched (with the
    /// catalogue's credentials) and saved, so that covers show offline too. Only images.
    pub async fn image(&self, catalog: Option<i64>, address: &str) -> Result<(Vec<u8>, String)> {
        if let Some((bytes, content_type)) = self.library.with_db(|c| catalogs::saved_image(c, address))? {
            return Ok((bytes, content_type.unwrap_or_else(|| "image/jpeg".into())));
        }
        if let Some(data) = address.strip_prefix("data:") {
            return data_url(data).ok_or_else(|| Error::InvalidAddress(address.chars().take(40).collect()));
        }
        let url = parse_address(address)?;
        let credential = self.credential_for(catalog)?;
        let fetched = self.fetch(&url, credential.as_ref()).await?;
        let content_type = fetched.content_type.clone().unwrap_or_default();
        if !content_type.starts_with("image/") {
            return Err(Error::InvalidAddress(address.to_owned()));
        }
        let now = self.library.now();
        self.library
            .with_db(|c| catalogs::save_image(c, address, catalog, &fetched.bytes, Some(&content_type), now))?;
        Ok((fetched.bytes, content_type))
    }

    /// Searches a catalogue (through its OpenSearch description or its search template).
    pub async fn search(&self, catalog: i64, query: &str) -> Result<FeedPage> {
        if query.trim().is_empty() {
            return Err(Error::EmptyQuery);
        }
        let root = self.browse(catalog, None).await?;
        let template = match root.feed.search.clone() {
            None => return Err(Error::NoCatalogSearch),
            Some(cartable_opds::SearchLink::Template { template }) => template,
            Some(cartable_opds::SearchLink::Description { href }) => {
                let row = self.catalog_row(catalog)?;
                let credential = self.saved_credential(&row)?;
                let fetched = self.fetch(&href, credential.as_ref()).await?;
                cartable_opds::parse_opensearch(&fetched.bytes, &fetched.url)?
            }
        };
        let url = template.expand(query.trim())?;
        self.browse(catalog, Some(url.as_str())).await
    }

    /// Fetches a document, signing in when the catalogue asks: HTTP Basic with the credential,
    /// or, when the catalogue's authentication document offers the OAuth password flow, an
    /// access token asked for with the credential's user name and password (and asked for
    /// again when it expired). Gives back the credential as it is now (with its token).
    pub(crate) async fn fetch_signed_in(
        &self,
        url: &Url,
        credential: Option<Credential>,
    ) -> Result<(Fetched, Option<Credential>)> {
        let outcome = self.fetch(url, credential.as_ref()).await;
        let (Err(Error::SignInRequired { auth: Some(document), wrong_password }), Some(credential)) =
            (&outcome, &credential)
        else {
            return outcome.map(|fetched| (fetched, credential));
        };
        let has_basic = document.flows.iter().any(|f| f.kind == cartable_opds::AuthKind::Basic);
        let oauth = document.flows.iter().find(|f| f.kind == cartable_opds::AuthKind::OAuthPassword);
        let endpoint = oauth.and_then(|f| f.authenticate_url.clone());
        match endpoint {
            // Basic is tried first when offered; OAuth when it is the way in, or when a token expired.
            Some(endpoint) if !has_basic || credential.token.is_some() => {
                let token = self.oauth_token(&endpoint, credential, document).await?;
                let credential = Credential { token: Some(token), ..credential.clone() };
                let fetched = self.fetch(url, Some(&credential)).await?;
                Ok((fetched, Some(credential)))
            }
            _ => Err(Error::SignInRequired { auth: Some(document.clone()), wrong_password: *wrong_password }),
        }
    }

    /// An OAuth 2.0 access token for the pupil's user name and password (resource owner
    /// password grant, as OPDS authentication defines it).
    async fn oauth_token(&self, endpoint: &Url, credential: &Credential, document: &AuthDocument) -> Result<String> {
        let fields = [
            ("grant_type", "password"),
            ("username", credential.username.as_str()),
            ("password", credential.password.as_str()),
        ];
        let refused = || Error::SignInRequired { auth: Some(Box::new(document.clone())), wrong_password: true };
        let answer = match self.client.post_form(endpoint, &fields, None).await {
            Ok(answer) => answer,
            Err(cartable_net::Error::Unauthorized(_) | cartable_net::Error::Refused { .. }) => return Err(refused()),
            Err(e) => return Err(e.into()),
        };
        #[derive(serde::Deserialize)]
        struct Token {
            access_token: String,
        }
        serde_json::from_slice::<Token>(&answer.bytes).map(|t| t.access_token).map_err(|_| refused())
    }

    /// Fetches a document: from the bundled catalogue, or over the network.
    pub(crate) async fn fetch(&self, url: &Url, credential: Option<&Credential>) -> Result<Fetched> {
        if url.scheme() == BUNDLED_SCHEME {
            let name = url.path().trim_start_matches('/');
            let bytes = self.bundled.get(name).ok_or_else(|| Error::InvalidAddress(url.to_string()))?;
            let content_type = name.ends_with(".xml").then(|| "application/atom+xml;profile=opds-catalog".to_owned());
            return Ok(Fetched { bytes: bytes.to_vec(), content_type, url: url.clone() });
        }
        let auth = credential.map(auth_of);
        match self.client.get_document(url, auth.as_ref()).await {
            Ok(document) => {
                Ok(Fetched { bytes: document.bytes, content_type: document.content_type, url: document.final_url })
            }
            Err(cartable_net::Error::Unauthorized(details)) => Err(self.sign_in_error(*details, url).await),
            Err(e) => Err(e.into()),
        }
    }

    pub(crate) fn credential_for(&self, catalog: Option<i64>) -> Result<Option<Credential>> {
        match catalog {
            Some(id) => match self.library.with_db(|c| catalogs::get(c, id))? {
                Some(row) => self.saved_credential(&row),
                None => Ok(None),
            },
            None => Ok(None),
        }
    }

    pub(crate) fn bundled_file(&self, name: &str) -> Option<&'static [u8]> {
        self.bundled.get(name).copied()
    }

    /// The error that asks the pupil to sign in, with what the catalogue says about how.
    async fn sign_in_error(&self, details: cartable_net::Unauthorized, asked: &Url) -> Error {
        let document = match (&details.auth_document, &details.auth_document_url) {
            (Some(bytes), _) => {
                // A document sent in the 401 body is relative to the address that was asked.
                let base = details.auth_document_url.clone().unwrap_or_else(|| asked.clone());
                cartable_opds::parse_authentication(bytes, &base).ok()
            }
            (None, Some(url)) => match self.client.get_document(url, None).await {
                Ok(doc) => cartable_opds::parse_authentication(&doc.bytes, &doc.final_url).ok(),
                Err(_) => None,
            },
            (None, None) => None,
        };
        Error::SignInRequired { wrong_password: details.refused_credentials, auth: document.map(Box::new) }
    }
}

/// The bytes and type of a base64 `data:` image URL (what follows `data:`).
fn data_url(rest: &str) -> Option<(Vec<u8>, String)> {
    let (meta, payload) = rest.split_once(',')?;
    let mime = meta.strip_suffix(";base64")?;
    if !mime.starts_with("image/") {
        return None;
    }
    let mut out = Vec::with_capacity(payload.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0;
    for c in payload.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Some((out, mime.to_owned()))
}

fn auth_of(credential: &Credential) -> cartable_net::Auth {
    match &credential.token {
        Some(token) => cartable_net::Auth::bearer(token.clone()),
        None => cartable_net::Auth::basic(credential.username.clone(), credential.password.clone()),
    }
}

fn catalog_view(row: CatalogRow) -> Catalog {
    let auth = row.auth.as_ref().and_then(|json| {
        let base = Url::parse(&row.url).ok()?;
        cartable_opds::parse_authentication(json.as_bytes(), &base).ok()
    });
    Catalog { id: row.id, name: row.name, url: row.url, username: row.username, bundled: row.bundled, auth }
}

/// An address as typed: `http(s)://…`, or a host without scheme (https is assumed), or the
/// bundled catalogue.
pub(crate) fn parse_address(text: &str) -> Result<Url> {
    let text = text.trim();
    let candidate = if text.contains("://") { text.to_owned() } else { format!("https://{text}") };
    let url = Url::parse(&candidate).map_err(|_| Error::InvalidAddress(text.to_owned()))?;
    match url.scheme() {
        "http" | "https" | BUNDLED_SCHEME => Ok(url),
        _ => Err(Error::InvalidAddress(text.to_owned())),
    }
}

/// Whether a network error means "no connection" (show what was saved) rather than a
/// problem with the catalogue.
pub(crate) fn is_offline(e: &cartable_net::Error) -> bool {
    matches!(e.code(), "Offline" | "Timeout" | "ConnectionLost")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_images_decode() {
        assert_eq!(data_url("image/png;base64,aGVsbG8="), Some((b"hello".to_vec(), "image/png".into())));
        assert_eq!(data_url("text/html;base64,aGVsbG8="), None, "only images");
    }

    #[test]
    fn addresses_as_typed() {
        assert_eq!(
            parse_address("catalogue.example.org/opds").expect("host").as_str(),
            "https://catalogue.example.org/opds"
        );
        assert_eq!(parse_address(" http://127.0.0.1:8080/opds ").expect("http").as_str(), "http://127.0.0.1:8080/opds");
        assert!(parse_address(BUNDLED_CATALOG).is_ok());
        assert!(matches!(parse_address("file:///etc/passwd"), Err(Error::InvalidAddress(_))), "no local files");
        assert!(matches!(parse_address("javascript:alert(1)"), Err(Error::InvalidAddress(_))));
    }
}
