//! Catalogue documents: redirects, sign-in, limits, transport errors.

use cartable_net::{Auth, Error, Unauthorized, Url};

use crate::server::{AUTH_DOCUMENT, REALM, Server, basic_header};
use crate::{MIB, book, client, client_with};

#[tokio::test]
async fn a_document_comes_with_its_type_and_validators() {
    let server = Server::start(book(10_000, 1)).await;
    let url = server.url("/feed");
    let doc = client().get_document(&url, None).await.expect("feed");
    assert_eq!(doc.bytes, *server.file(), "the body, whole");
    assert_eq!(doc.content_type.as_deref(), Some("application/atom+xml;profile=opds-catalog;kind=acquisition"));
    assert_eq!(doc.final_url, url);
    assert_eq!(doc.etag.as_deref(), Some(server.etag().as_str()), "the ETag is kept for the next conditional fetch");
    assert!(doc.last_modified.is_some());
}

#[tokio::test]
async fn redirects_are_followed_to_the_final_url() {
    let server = Server::start(book(1000, 2)).await;
    let doc = client().get_document(&server.url("/hops/4"), None).await.expect("feed after redirects");
    assert_eq!(doc.final_url, server.url("/book"), "relative links in the feed resolve against the final URL");
    assert_eq!(doc.bytes, *server.file());
    assert_eq!(server.hits().len(), 6, "4 hops, then /hops/0, then the book");
}

#[tokio::test]
async fn a_redirect_loop_is_reported_as_such() {
    let server = Server::start(book(1000, 3)).await;
    let err = client().get_document(&server.url("/loop/a"), None).await.expect_err("loop");
    assert!(matches!(&err, Error::RedirectLoop { redirects: 2, .. }), "{err:?}");
    assert_eq!(err.code(), "RedirectLoop");
    assert_eq!(server.hits().len(), 2, "the loop is seen as soon as a URL comes back");
}

#[tokio::test]
async fn more_than_ten_redirects_are_refused() {
    let server = Server::start(book(1000, 4)).await;
    client().get_document(&server.url("/hops/9"), None).await.expect("10 redirects are followed");
    let err = client().get_document(&server.url("/hops/10"), None).await.expect_err("11 redirects");
    assert!(matches!(&err, Error::RedirectLoop { redirects: 11, .. }), "{err:?}");
}

#[tokio::test]
async fn a_401_names_the_auth_document_and_the_realm() {
    let server = Server::start(book(1000, 5)).await;
    server.require_basic("eleve", "secret");
    let err = client().get_document(&server.url("/feed"), None).await.expect_err("401");
    let Error::Unauthorized(challenge) = &err else { panic!("expected Unauthorized, got {err:?}") };
    let Unauthorized { auth_document_url, realm, auth_document, refused_credentials } = &**challenge;
    assert_eq!(
        auth_document_url.as_ref(),
        Some(&server.url("/auth.json")),
        "the Link, resolved against the feed's URL"
    );
    assert_eq!(realm.as_deref(), Some(REALM));
    assert_eq!(*auth_document, None, "the body is not an authentication document here");
    assert!(!refused_credentials, "none were sent: the UI asks for them");

    let err = client().get_document(&server.url("/feed"), Some(&Auth::basic("eleve", "wrong"))).await.expect_err("401");
    assert!(
        matches!(&err, Error::Unauthorized(u) if u.refused_credentials),
        "wrong credentials are told apart: {err:?}"
    );

    let doc =
        client().get_document(&server.url("/feed"), Some(&Auth::basic("eleve", "secret"))).await.expect("signed in");
    assert_eq!(doc.bytes, *server.file());
    assert_eq!(
        server.hits().last().and_then(|h| h.authorization.clone()),
        Some(basic_header("eleve", "secret")),
        "HTTP Basic as RFC 7617 encodes it"
    );
    assert_eq!(basic_header("user", "pass"), "Basic dXNlcjpwYXNz", "the test server's own encoder is right");
}

#[tokio::test]
async fn a_401_whose_body_is_the_auth_document_returns_it() {
    let server = Server::start(book(1000, 6)).await;
    let err = client().get_document(&server.url("/auth-body"), None).await.expect_err("401");
    let Error::Unauthorized(challenge) = err else { panic!("expected Unauthorized") };
    let Unauthorized { auth_document, auth_document_url, .. } = *challenge;
    assert_eq!(auth_document.as_deref(), Some(AUTH_DOCUMENT), "the authentication document, to show the sign-in form");
    assert_eq!(auth_document_url, None);
}

#[tokio::test]
async fn a_bearer_token_is_sent() {
    let server = Server::start(book(1000, 7)).await;
    client().get_document(&server.url("/feed"), Some(&Auth::bearer("jeton"))).await.expect("feed");
    assert_eq!(server.hits()[0].authorization.as_deref(), Some("Bearer jeton"));
}

#[tokio::test]
async fn credentials_do_not_follow_a_redirect_to_another_origin() {
    let first = Server::start(book(1000, 8)).await;
    let other = Server::start(book(1000, 9)).await;
    first.redirect_away_to(&other.url("/feed"));
    let doc = client().get_document(&first.url("/away"), Some(&Auth::basic("eleve", "secret"))).await.expect("feed");
    assert_eq!(doc.final_url, other.url("/feed"));
    assert!(first.hits()[0].authorization.is_some(), "the origin the credentials are for gets them");
    assert_eq!(other.hits()[0].authorization, None, "another server (another port is another origin) never sees them");
}

#[tokio::test]
async fn documents_over_the_limit_are_refused() {
    let server = Server::start(book(2 * MIB, 10)).await;
    let err = client().get_document(&server.url("/huge"), None).await.expect_err("65 MiB announced");
    assert!(matches!(err, Error::TooLarge { limit, .. } if limit == 64 * MIB as u64), "{err:?}");

    // Without a Content-Length, the bytes are counted as they come.
    let small = client_with(|c| c.max_document_size = MIB as u64);
    let err = small.get_document(&server.url("/chunked"), None).await.expect_err("2 MiB chunked");
    assert!(matches!(err, Error::TooLarge { .. }), "{err:?}");
    let doc = client().get_document(&server.url("/chunked"), None).await.expect("within the default limit");
    assert_eq!(doc.bytes, *server.file(), "chunked bodies are read whole");
}

#[tokio::test]
async fn a_closed_port_is_offline() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port is free");
    let url: Url = format!("http://{}/feed", listener.local_addr().expect("bound")).parse().expect("url");
    drop(listener);
    let err = client().get_document(&url, None).await.expect_err("nobody listens");
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert!(err.is_transient());
    assert!(err.to_string().contains("connected to the internet"), "the message says what to check: {err}");
}

#[tokio::test]
async fn only_http_and_https_are_fetched() {
    let url: Url = "file:///etc/passwd".parse().expect("url");
    let err = client().get_document(&url, None).await.expect_err("file:");
    assert!(matches!(err, Error::UnsupportedUrl { .. }), "{err:?}");
}

#[tokio::test]
async fn a_404_is_not_found() {
    let server = Server::start(book(1000, 11)).await;
    let err = client().get_document(&server.url("/nothing"), None).await.expect_err("404");
    assert!(matches!(err, Error::NotFound { status: 404, .. }), "{err:?}");
    assert!(!err.is_transient());
}
