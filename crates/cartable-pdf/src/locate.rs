//! Where the PDFium shared library is looked for, in order.

use std::path::{Path, PathBuf};

use crate::Error;

/// The environment variable that overrides every other place (a file, or a folder holding it).
pub const ENV_VAR: &str = "CARTABLE_PDFIUM";

/// The library's file name on this platform.
pub const LIBRARY_FILE: &str = "libpdfium.so";

/// The places searched, in order: `$CARTABLE_PDFIUM`; beside the executable; the packaged
/// location next to it (`../lib/cartable/`, as the .deb installs it); the project's `.pdfium/`
/// folder where `scripts/setup` puts the pinned library.
pub fn candidates(exe: Option<&Path>, env: Option<&std::ffi::OsStr>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Some(value) = env.filter(|v| !v.is_empty()) {
        let path = PathBuf::from(value);
        if path.is_dir() {
            out.push(path.join(LIBRARY_FILE));
        } else {
            out.push(path);
        }
    }
    if let Some(dir) = exe.and_then(Path::parent) {
        out.push(dir.join(LIBRARY_FILE));
        out.push(dir.join("../lib/cartable").join(LIBRARY_FILE));
    }
    out.push(project_dir().join(".pdfium").join(LIBRARY_FILE));
    out
}

/// The first candidate that exists, or [`Error::LibraryMissing`] naming every place searched.
pub fn locate() -> Result<PathBuf, Error> {
    let exe = std::env::current_exe().ok();
    let env = std::env::var_os(ENV_VAR);
    let searched = candidates(exe.as_deref(), env.as_deref());
    match searched.iter().find(|p| p.is_file()) {
        Some(found) => Ok(found.clone()),
        None => Err(Error::LibraryMissing { searched }),
    }
}

/// The workspace folder this crate was built from (`crates/cartable-pdf/../..`).
fn project_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_override_comes_first_and_accepts_a_folder() {
        let dir = tempfile_dir();
        let found = candidates(Some(Path::new("/opt/x/bin/cartable")), Some(dir.as_os_str()));
        assert_eq!(found[0], dir.join(LIBRARY_FILE), "a folder in CARTABLE_PDFIUM means the library inside it");
        assert_eq!(found[1], Path::new("/opt/x/bin/libpdfium.so"), "then beside the executable");
        assert!(found.last().is_some_and(|p| p.ends_with(".pdfium/libpdfium.so")), "the project folder comes last");
    }

    #[test]
    fn empty_env_var_is_ignored() {
        let found = candidates(None, Some(std::ffi::OsStr::new("")));
        assert_eq!(found.len(), 1, "an empty CARTABLE_PDFIUM must not add a candidate");
    }

    fn tempfile_dir() -> PathBuf {
        std::env::temp_dir()
    }
}
