//! A small PDF writer: objects and cross-reference table ([`file`]), the standard
//! Helvetica fonts ([`font`]), drawing ([`content`]) and the document structure
//! with outline and page labels ([`document`]).
//!
//! It writes only what the bundled textbook needs, and always the same bytes for
//! the same input: no clock, no randomness, fixed compression level.

pub(crate) mod content;
pub(crate) mod document;
pub(crate) mod file;
pub(crate) mod font;
pub(crate) mod object;
