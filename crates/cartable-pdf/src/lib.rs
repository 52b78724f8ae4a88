//! The one owner of PDFium in Cartable.
//!
//! PDFium is not thread-safe, so a process holds exactly one [`Engine`]: a dedicated thread
//! that binds the library, keeps a few documents open, and answers jobs sent over a channel.
//! Callers on any thread get plain data back (document facts, page text, RGB bitmaps);
//! nothing borrowed from PDFium ever leaves the engine thread.

mod annotate;
pub mod baseline;
mod decrypt;
mod engine;
mod error;
mod locate;
mod marks;
mod pool;

pub use engine::{Bitmap, DocumentInfo, Engine, OutlineEntry, PageFacts, TextBox};
pub use error::Error;
pub use locate::{ENV_VAR, LIBRARY_FILE, candidates, locate};
pub use marks::{AnnotationFacts, Mark, MarkKind, Rect};
