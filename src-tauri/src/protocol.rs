//! The `cartable:` scheme: page images, thumbnails, covers and EPUB files for the webview,
//! served from the cache (rendering on a miss) on a worker thread, never the window's.
//!
//! ```text
//! cartable://localhost/page/{book}/{index}/{width}   PNG of a PDF page (index from 0)
//! cartable://localhost/thumb/{book}/{index}          PNG thumbnail of a PDF page
//! cartable://localhost/cover/{book}                  the cover image
//! cartable://localhost/epub/{book}/{path}            a file inside an EPUB (documents sanitised)
//! cartable://localhost/catalog-image/{catalog}/{url}  a catalogue's cover or thumbnail (url
//!                                                     percent-encoded; kept to show offline)
//! ```

use std::borrow::Cow;

use tauri::http::{Request, Response, StatusCode, header};
use tauri::{Manager, Runtime, UriSchemeContext, UriSchemeResponder};

use cartable_core::{BookId, Error, ErrorView, Library, THUMBNAIL_WIDTH};

use crate::AppState;

/// What a request asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Route {
    Page { book: BookId, index: usize, width: u32 },
    Thumb { book: BookId, index: usize },
    Cover { book: BookId },
    Epub { book: BookId, path: String },
    CatalogImage { catalog: Option<i64>, url: String },
}

/// Why a request cannot be served, before the library is asked.
#[derive(Debug, PartialEq, Eq)]
pub enum BadRequest {
    UnknownRoute,
    BadNumber,
    BadBook,
    BadPath,
}

/// Parses the path of a request (percent-encoded, as it arrives).
pub fn route(path: &str) -> Result<Route, BadRequest> {
    let path = path.strip_prefix('/').unwrap_or(path);
    let (kind, rest) = path.split_once('/').ok_or(BadRequest::UnknownRoute)?;
    if kind == "catalog-image" {
        let (catalog, url) = rest.split_once('/').ok_or(BadRequest::BadPath)?;
        let catalog = if catalog == "-" { None } else { Some(catalog.parse().map_err(|_| BadRequest::BadNumber)?) };
        let url = percent_decode(url).ok_or(BadRequest::BadPath)?;
        return Ok(Route::CatalogImage { catalog, url });
    }
    let (book, rest) = rest.split_once('/').unwrap_or((rest, ""));
    let book = BookId::parse(book).map_err(|_| BadRequest::BadBook)?;
    let number = |s: &str| s.parse::<usize>().map_err(|_| BadRequest::BadNumber);
    match kind {
        "page" => {
            let (index, width) = rest.split_once('/').ok_or(BadRequest::BadNumber)?;
            Ok(Route::Page { book, index: number(index)?, width: width.parse().map_err(|_| BadRequest::BadNumber)? })
        }
        "thumb" => Ok(Route::Thumb { book, index: number(rest)? }),
        "cover" if rest.is_empty() => Ok(Route::Cover { book }),
        "epub" => Ok(Route::Epub { book, path: archive_path(rest)? }),
        _ => Err(BadRequest::UnknownRoute),
    }
}

/// A path inside an archive: percent-decoded, relative, without `.` or `..` segments.
fn archive_path(raw: &str) -> Result<String, BadRequest> {
    let decoded = percent_decode(raw).ok_or(BadRequest::BadPath)?;
    let safe = !decoded.is_empty()
        && !decoded.starts_with('/')
        && !decoded.contains('\\')
        && !decoded.contains('\0')
        && decoded.split('/').all(|s| !s.is_empty() && s != "." && s != "..");
    if safe { Ok(decoded) } else { Err(BadRequest::BadPath) }
}

fn percent_decode(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Called by Tauri for every `cartable:` request; answers from a worker thread.
pub fn handle<R: Runtime>(ctx: UriSchemeContext<'_, R>, request: Request<Vec<u8>>, responder: UriSchemeResponder) {
    let state = ctx.app_handle().state::<AppState>();
    let (library, online) = (state.library.clone(), state.online.clone());
    let head = request.method() == tauri::http::Method::HEAD;
    let path = request.uri().path().to_owned();
    let finish = move |mut response: Response<Cow<'static, [u8]>>| {
        if head {
            *response.body_mut() = Cow::Borrowed(&[][..]);
        }
        responder.respond(response)
    };
    if let Ok(Route::CatalogImage { catalog, url }) = route(&path) {
        // Fetching a catalogue image awaits the network: an async task, not a blocked thread.
        tauri::async_runtime::spawn(async move { finish(served(online.image(catalog, &url).await)) });
        return;
    }
    tauri::async_runtime::spawn_blocking(move || finish(respond(&library, &path)));
}

/// The response to a request for `path`.
pub fn respond(library: &Library, path: &str) -> Response<Cow<'static, [u8]>> {
    let served = match route(path) {
        Err(bad) => return error(StatusCode::BAD_REQUEST, "BadRequest", &format!("{bad:?}: {path}")),
        Ok(Route::Page { book, index, width }) => {
            library.page_image(&book, index, width).map(|p| (p.bytes, p.mime.to_owned()))
        }
        Ok(Route::Thumb { book, index }) => {
            library.page_image(&book, index, THUMBNAIL_WIDTH).map(|p| (p.bytes, p.mime.to_owned()))
        }
        Ok(Route::Cover { book }) => {
            library.cover(&book).and_then(|c| c.ok_or_else(|| Error::BookNotFound(format!("{book}: no cover"))))
        }
        Ok(Route::Epub { book, path }) => library.resource(&book, &path),
        Ok(Route::CatalogImage { .. }) => Err(Error::InvalidAddress(path.to_owned())),
    };
    self::served(served)
}

fn served(served: cartable_core::Result<(Vec<u8>, String)>) -> Response<Cow<'static, [u8]>> {
    match served {
        Ok((bytes, mime)) => Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, mime)
            .header(header::CONTENT_LENGTH, bytes.len())
            // A book's bytes never change under its id.
            .header(header::CACHE_CONTROL, "max-age=31536000, immutable")
            .header(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")
            .body(Cow::Owned(bytes))
            .unwrap_or_else(|_| Response::new(Cow::Borrowed(&[][..]))),
        Err(e) => {
            let status = match e.code() {
                "BookNotFound" | "ResourceNotFound" | "NotRenderable" | "NotFound" => StatusCode::NOT_FOUND,
                "Offline" | "Timeout" | "ConnectionLost" => StatusCode::SERVICE_UNAVAILABLE,
                "PageOutOfRange" | "InvalidWidth" => StatusCode::BAD_REQUEST,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            let view = ErrorView::from(&e);
            error(status, view.code, &view.message)
        }
    }
}

fn error(status: StatusCode, code: &str, message: &str) -> Response<Cow<'static, [u8]>> {
    let body = serde_json::json!({ "code": code, "message": message }).to_string().into_bytes();
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")
        .body(Cow::Owned(body))
        .unwrap_or_else(|_| Response::new(Cow::Borrowed(&[][..])))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "3a18b1a9a7605c1955dc0a7c63daba2d23cc1fac0fe507758c5adc69c83f8865";

    fn book() -> BookId {
        BookId::parse(ID).expect("id")
    }

    #[test]
    fn routes_table() {
        let cases = [
            (format!("/page/{ID}/3/1200"), Ok(Route::Page { book: book(), index: 3, width: 1200 })),
            (format!("/thumb/{ID}/0"), Ok(Route::Thumb { book: book(), index: 0 })),
            (format!("/cover/{ID}"), Ok(Route::Cover { book: book() })),
            (
                format!("/epub/{ID}/OEBPS/Text/chap%C3%AEtre%201.xhtml"),
                Ok(Route::Epub { book: book(), path: "OEBPS/Text/chapître 1.xhtml".into() }),
            ),
            (format!("/epub/{ID}/OEBPS/../../etc/passwd"), Err(BadRequest::BadPath)),
            (format!("/epub/{ID}/%2e%2e/x"), Err(BadRequest::BadPath)),
            (format!("/epub/{ID}//etc/passwd"), Err(BadRequest::BadPath)),
            (format!("/page/{ID}/-1/100"), Err(BadRequest::BadNumber)),
            ("/page/nothex/1/100".to_owned(), Err(BadRequest::BadBook)),
            (format!("/other/{ID}"), Err(BadRequest::UnknownRoute)),
            (format!("/epub/{ID}/a%zz"), Err(BadRequest::BadPath)),
            (
                "/catalog-image/3/https%3A%2F%2Fexample.org%2Fcover.jpg".to_owned(),
                Ok(Route::CatalogImage { catalog: Some(3), url: "https://example.org/cover.jpg".into() }),
            ),
            (
                "/catalog-image/-/data%3Aimage%2Fpng%3Bbase64%2CAA".to_owned(),
                Ok(Route::CatalogImage { catalog: None, url: "data:image/png;base64,AA".into() }),
            ),
        ];
        for (path, want) in cases {
            assert_eq!(route(&path), want, "{path}");
        }
    }
}
