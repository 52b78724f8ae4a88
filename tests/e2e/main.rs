//! End to end: the real Cartable app in a real WebKit window under Xvfb, driven over WebDriver.
//! Each test starts the app on a fresh library folder, saves screenshots in
//! tests/e2e/artifacts/ and checks that what should be drawn is not blank.

mod annotations;
mod catalogs;
mod harness;
mod library;
mod reader;
mod security;
