//! EPUB books: a source folder that is the unzipped book (without `mimetype`),
//! checked ([`lint`]) then packed into a byte-for-byte reproducible container.
//!
//! `mimetype` comes first and is stored; every other file is deflated at a fixed
//! level, in a fixed order (`META-INF/` first, then by path), with the date of
//! `dcterms:modified` as its timestamp and `rw-r--r--` permissions.

mod lint;
mod xml;

use std::fs;
use std::io::{Cursor, Write as _};
use std::path::Path;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::Error;
use lint::Files;

const MIMETYPE: &[u8] = b"application/epub+zip";
/// The deflate level of every entry; fixed so that builds are reproducible.
const LEVEL: i64 = 9;

/// Builds the EPUB whose unzipped sources are in `dir`.
pub(crate) fn build(dir: &Path) -> Result<Vec<u8>, Error> {
    let files = read_tree(dir)?;
    let package = lint::check(&files).map_err(|b| Error::Epub { path: dir.join(&b.file), message: b.message })?;
    pack(&files, &package.modified).map_err(|source| Error::Zip { path: dir.to_owned(), source })
}

/// Every file under `dir`, by path with `/` separators.
fn read_tree(dir: &Path) -> Result<Files, Error> {
    let mut files = Files::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(folder) = pending.pop() {
        let read_error = |source| Error::Read { path: folder.clone(), source };
        for entry in fs::read_dir(&folder).map_err(read_error)? {
            let path = entry.map_err(read_error)?.path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let bytes = fs::read(&path).map_err(|source| Error::Read { path: path.clone(), source })?;
            let relative = path
                .strip_prefix(dir)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            if relative == "mimetype" && bytes != MIMETYPE {
                return Err(Error::Epub {
                    path,
                    message: "mimetype must hold exactly application/epub+zip".to_owned(),
                });
            }
            files.insert(relative, bytes);
        }
    }
    files.remove("mimetype");
    Ok(files)
}

/// The zip timestamp of `YYYY-MM-DDThh:mm:ssZ`.
fn timestamp(modified: &str) -> DateTime {
    let field = |range: std::ops::Range<usize>| modified.get(range).and_then(|s| s.parse::<u16>().ok()).unwrap_or(0);
    let small = |range| u8::try_from(field(range)).unwrap_or(0);
    DateTime::from_date_and_time(field(0..4), small(5..7), small(8..10), small(11..13), small(14..16), small(17..19))
        .unwrap_or_default()
}

fn pack(files: &Files, modified: &str) -> zip::result::ZipResult<Vec<u8>> {
    let base = SimpleFileOptions::default().last_modified_time(timestamp(modified)).unix_permissions(0o644);
    let stored = base.compression_method(CompressionMethod::Stored);
    let deflated = base.compression_method(CompressionMethod::Deflated).compression_level(Some(LEVEL));
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file("mimetype", stored)?;
    zip.write_all(MIMETYPE)?;
    let (meta_inf, rest): (Vec<_>, Vec<_>) = files.iter().partition(|(path, _)| path.starts_with("META-INF/"));
    for (path, bytes) in meta_inf.into_iter().chain(rest) {
        zip.start_file(path.as_str(), deflated)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_zip_timestamp_is_the_modification_date() {
        let t = timestamp("2026-11-27T08:30:10Z");
        assert_eq!((t.year(), t.month(), t.day()), (2026, 11, 27));
        assert_eq!((t.hour(), t.minute(), t.second()), (8, 30, 10));
    }
}
