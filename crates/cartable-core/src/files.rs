//! Files the pupil picks outside the library: exports written whole or not at all, imports
//! read with a size limit.

use std::io::{Read, Write};
use std::path::Path;

use crate::{Error, Result};

/// Writes `bytes` to `path` through a temporary file beside it, renamed into place once
/// synced: a full disk or a crash never leaves half a file under the chosen name.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let context = || format!("writing {}", path.display());
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(Error::io(context()))?;
    tmp.write_all(bytes).map_err(Error::io(context()))?;
    tmp.as_file().sync_all().map_err(Error::io(context()))?;
    tmp.persist(path).map_err(|e| Error::io(context())(e.error))?;
    Ok(())
}

/// The bytes of a file that should be small (an annotation set): refused beyond `limit`.
pub fn read_small_file(path: &Path, limit: u64) -> Result<Vec<u8>> {
    let context = || format!("reading {}", path.display());
    let file = std::fs::File::open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::FileNotFound { path: path.to_owned() }
        } else {
            Error::io(context())(e)
        }
    })?;
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes).map_err(Error::io(context()))?;
    if bytes.len() as u64 > limit {
        return Err(Error::BadAnnotationFile(format!("it is larger than {} MB", limit >> 20)));
    }
    Ok(bytes)
}
