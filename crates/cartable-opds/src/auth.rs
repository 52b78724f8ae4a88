//! Authentication for OPDS 1.0: the document a catalogue serves (with a 401, or linked from a
//! feed) to say how to sign in and what to show on the sign-in page.

use serde::{Deserialize, Serialize};
use url::Url;

use crate::error::Error;
use crate::json::{List, Object, Text, strip_trailing_commas, syntax_error};

/// What the sign-in page shows, and how to sign in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthDocument {
    /// The catalogue provider's identifier and the document's canonical address.
    pub id: Option<String>,
    /// The catalogue's name (empty when the document gives none).
    pub title: String,
    /// A text to show on the sign-in page.
    pub description: Option<String>,
    /// The provider's logo (`rel="logo"`).
    pub logo: Option<Url>,
    /// Where a user can register (`rel="register"`).
    pub register: Option<Url>,
    /// Where to get help (`rel="help"`): web pages, `mailto:` and `tel:` addresses.
    pub help: Vec<Url>,
    /// The ways to sign in, in the catalogue's order of preference.
    pub flows: Vec<AuthFlow>,
}

/// One way to sign in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthFlow {
    /// Which flow.
    pub kind: AuthKind,
    /// Labels for the login and password fields, when the catalogue has its own words
    /// ("Library card", "PIN").
    pub labels: Labels,
    /// Where to authenticate (`rel="authenticate"`): the token endpoint of the OAuth password
    /// flow, the page to open for the implicit flow.
    pub authenticate_url: Option<Url>,
    /// Where to refresh an access token (`rel="refresh"`).
    pub refresh_url: Option<Url>,
}

/// The authentication flows of the specification; others are kept by their type URI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum AuthKind {
    /// `http://opds-spec.org/auth/basic`: HTTP Basic with a login and a password.
    Basic,
    /// `http://opds-spec.org/auth/oauth/password`: OAuth 2.0 resource owner password grant.
    #[serde(rename = "oauthPassword")]
    OAuthPassword,
    /// Any other type (the OAuth implicit grant, vendor flows), by its URI.
    Other(String),
}

/// Alternate labels for the sign-in fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Labels {
    /// The label of the login field.
    pub login: Option<String>,
    /// The label of the password field.
    pub password: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawAuth {
    id: Text,
    title: Text,
    description: Text,
    links: List<RawAuthLink>,
    authentication: Option<List<RawFlow>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawAuthLink {
    href: Text,
    rel: List<Text>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawFlow {
    #[serde(rename = "type")]
    kind: Text,
    labels: Object<RawLabels>,
    links: List<RawAuthLink>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawLabels {
    login: Text,
    password: Text,
}

impl RawAuthLink {
    fn has_rel(&self, rel: &str) -> bool {
        self.rel.iter().filter_map(Text::get).any(|candidate| candidate == rel)
    }
}

/// The first link with relation `rel`, resolved.
fn link(links: &List<RawAuthLink>, rel: &str, base: &Url) -> Option<Url> {
    links
        .iter()
        .filter(|link| link.has_rel(rel))
        .find_map(|link| crate::media::resolve(base, base, link.href.get()?, rel == "logo"))
}

/// Reads an OPDS Authentication Document 1.0 (JSON). Relative links resolve against `base`.
///
/// Lenient like the feed parser: unknown fields are ignored, a comma before a closing bracket
/// is accepted, links without `href` are skipped.
///
/// # Errors
///
/// [`Error::TooLarge`]; [`Error::NotOpds`] for anything but a JSON object with an
/// `authentication` list (a web page, a feed); [`Error::Malformed`] for JSON syntax errors, an
/// empty `authentication` list or a flow without `type`.
pub fn parse_authentication(bytes: &[u8], base: &Url) -> Result<AuthDocument, Error> {
    crate::check_size(bytes)?;
    let bytes = crate::json::without_bom(bytes);
    if crate::first_significant_byte(bytes) != Some(b'{') {
        return Err(match crate::first_significant_byte(bytes) {
            Some(b'<') => Error::not_opds("an XML or HTML document, not an authentication document"),
            None => Error::not_opds("an empty document"),
            Some(_) => Error::not_opds("a document that is not an authentication document"),
        });
    }
    let bytes = strip_trailing_commas(bytes);
    let raw: RawAuth = serde_json::from_slice(&bytes).map_err(|error| syntax_error(&error))?;
    let Some(flows) = raw.authentication else {
        return Err(Error::not_opds("JSON that is not an OPDS authentication document"));
    };
    if flows.0.is_empty() {
        return Err(Error::malformed("authentication", "the document offers no way to sign in"));
    }
    let flows = flows
        .iter()
        .enumerate()
        .map(|(index, flow)| {
            let kind = match flow.kind.get() {
                Some("http://opds-spec.org/auth/basic") => AuthKind::Basic,
                Some("http://opds-spec.org/auth/oauth/password") => AuthKind::OAuthPassword,
                Some(other) => AuthKind::Other(other.to_owned()),
                None => {
                    return Err(Error::malformed(
                        format!("authentication[{index}].type"),
                        "a sign-in flow has no type",
                    ));
                }
            };
            let labels = flow.labels.0.as_ref().map_or_else(Labels::default, |labels| Labels {
                login: labels.login.owned(),
                password: labels.password.owned(),
            });
            Ok(AuthFlow {
                kind,
                labels,
                authenticate_url: link(&flow.links, "authenticate", base),
                refresh_url: link(&flow.links, "refresh", base),
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(AuthDocument {
        id: raw.id.owned(),
        title: raw.title.get().map(crate::html::normalize).unwrap_or_default(),
        description: raw.description.get().map(crate::html::to_text).filter(|d| !d.is_empty()),
        logo: link(&raw.links, "logo", base),
        register: link(&raw.links, "register", base),
        help: raw
            .links
            .iter()
            .filter(|link| link.has_rel("help"))
            // Help may be a web page, an e-mail address or a telephone number.
            .filter_map(|link| base.join(link.href.get()?.trim()).ok())
            .filter(|url| matches!(url.scheme(), "http" | "https" | "mailto" | "tel"))
            .collect(),
        flows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://library.example.org/opds/auth.json").expect("a valid base")
    }

    #[test]
    fn flows_are_read_with_labels_and_endpoints() {
        let document = r#"{
          "id": "https://library.example.org/auth", "title": "Bibliothèque",
          "links": [{"rel": "logo", "href": "/logo.png"}],
          "authentication": [
            {"type": "http://opds-spec.org/auth/oauth/password", "labels": {"login": "Identifiant ENT", "password": "Mot de passe"},
             "links": [{"rel": "authenticate", "href": "token"}, {"rel": "refresh", "href": "refresh"}]},
            {"type": "http://opds-spec.org/auth/basic"},
            {"type": "http://example.org/auth/saml"}
          ]}"#;
        let auth = parse_authentication(document.as_bytes(), &base()).expect("a valid document");
        assert_eq!(
            auth.logo.map(String::from).as_deref(),
            Some("https://library.example.org/logo.png"),
            "logo resolved"
        );
        let kinds: Vec<&AuthKind> = auth.flows.iter().map(|flow| &flow.kind).collect();
        assert_eq!(
            kinds,
            [&AuthKind::OAuthPassword, &AuthKind::Basic, &AuthKind::Other("http://example.org/auth/saml".to_owned())],
            "flows keep their order, unknown types by URI"
        );
        let password = &auth.flows[0];
        assert_eq!(password.labels.login.as_deref(), Some("Identifiant ENT"), "login label");
        assert_eq!(
            password.authenticate_url.as_ref().map(Url::as_str),
            Some("https://library.example.org/opds/token"),
            "the token endpoint is the authenticate link, resolved"
        );
        assert_eq!(
            password.refresh_url.as_ref().map(Url::as_str),
            Some("https://library.example.org/opds/refresh"),
            "refresh link resolved"
        );
        assert_eq!(auth.flows[1].labels, Labels::default(), "no labels means the client's own words");
    }

    #[test]
    fn documents_that_are_not_authentication_documents_are_refused() {
        let cases: [(&[u8], &str); 6] = [
            (b"<html><body>Sign in</body></html>", "not-opds"),
            (b"", "not-opds"),
            (br#"{"metadata": {"title": "a feed"}}"#, "not-opds"),
            (br#"{"authentication": []}"#, "malformed"),
            (br#"{"authentication": [{"labels": {}}]}"#, "malformed"),
            (br#"{"authentication": [}"#, "malformed"),
        ];
        for (document, expected) in cases {
            let kind = match parse_authentication(document, &base()) {
                Err(Error::NotOpds { .. }) => "not-opds",
                Err(Error::Malformed { .. }) => "malformed",
                other => panic!("{:?} gave {other:?}", String::from_utf8_lossy(document)),
            };
            assert_eq!(kind, expected, "{}", String::from_utf8_lossy(document));
        }
    }
}
