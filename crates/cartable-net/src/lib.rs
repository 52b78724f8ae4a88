//! The network layer of Cartable: catalogue documents and resumable textbook downloads, for
//! pupils at home on weak connections. Independent of the library: the caller persists the
//! download [`State`] and imports the finished file.
//!
//! ```no_run
//! # async fn example() -> Result<(), cartable_net::Error> {
//! use cartable_net::{Client, Control, Request, State, download};
//!
//! let client = Client::new()?;
//! let feed = client.get_document(&"https://books.example/opds".parse().expect("url"), None).await?;
//!
//! let request = Request {
//!     url: "https://books.example/maths-6e.pdf".parse().expect("url"),
//!     auth: None,
//!     dest: "/library/tmp/maths-6e.pdf.part".into(),
//!     expected_size: Some(300_000_000),
//!     expected_sha256: None,
//! };
//! let mut state = State::default(); // or the one saved by an earlier, interrupted call
//! let control = Control::new(); // in an Arc, shared with the UI's pause/cancel buttons
//! let done = download(&client, &request, &mut state, &control, |p| {
//!     // show p.bytes / p.total, p.bytes_per_second, p.eta; save p.state
//! })
//! .await?;
//! // rename done.path into the library, then forget the state
//! # Ok(()) }
//! ```
//!
//! Only the network is `async` (tokio); parsing is plain functions (`headers`), and the
//! bandwidth cap and speed are arithmetic on instants (`pace`).
//!
//! Module map: `client` (the [`Client`], its [`Config`], credentials, redirects, documents),
//! `download` (the resumable download loop; its documentation says how resuming and
//! validation work), `control` (pause, cancel, bandwidth cap), `pace`, `headers`, `error`.

mod client;
mod control;
mod download;
mod error;
mod headers;
mod pace;

pub use client::{Auth, Client, Config, Document, Retry};
pub use control::{Control, MIN_BANDWIDTH};
pub use download::{Done, PartFile, Progress, Request, State, Validator, download, download_with};
pub use error::{BoxError, Error, Unauthorized};
pub use url::Url;
