//! Book files on disk, content-addressed by sha256: `files/ab/abcdef….pdf`.
//!
//! A file enters through `tmp/`, is renamed into `files/` and only then recorded in the database;
//! until the database commit, the importing process holds an exclusive lock on it. A file in
//! `files/` or `tmp/` that no book refers to and that nobody holds is a leftover of an
//! interrupted import, and [`sweep`] removes it.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::{Error, Result};

pub(crate) const FILES_DIR: &str = "files";
pub(crate) const TMP_DIR: &str = "tmp";

/// A file being imported: written under `tmp/`, locked until dropped.
pub(crate) struct Staged {
    pub path: PathBuf,
    pub sha256: String,
    pub size: u64,
    file: File,
}

impl Staged {
    /// Moves the staged file to its content address; keeps holding the lock.
    pub fn place(mut self, root: &Path, extension: &str) -> Result<Placed> {
        let relative = relative_path(&self.sha256, extension);
        let target = root.join(&relative);
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir).map_err(Error::io(format!("creating {}", dir.display())))?;
        }
        fs::rename(&self.path, &target).map_err(Error::io(format!("storing {}", target.display())))?;
        sync_dir(target.parent());
        self.path = target;
        Ok(Placed { relative, staged: self })
    }
}

/// A file at its place in `files/`, still locked by this process until dropped.
pub(crate) struct Placed {
    pub relative: String,
    pub staged: Staged,
}

pub(crate) fn relative_path(sha256: &str, extension: &str) -> String {
    format!("{FILES_DIR}/{}/{sha256}.{extension}", &sha256[..2])
}

/// Copies `source` into `tmp/` while hashing it, and fsyncs the copy.
pub(crate) fn stage_copy(root: &Path, source: &Path) -> Result<Staged> {
    let mut input = File::open(source).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => Error::FileNotFound { path: source.to_path_buf() },
        _ => Error::Io { context: format!("reading {}", source.display()), source: e },
    })?;
    let (path, mut file) = new_tmp(root)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = match input.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                let _ = fs::remove_file(&path);
                return Err(Error::Io { context: format!("reading {}", source.display()), source: e });
            }
        };
        hasher.update(&buffer[..n]);
        if let Err(e) = file.write_all(&buffer[..n]) {
            let _ = fs::remove_file(&path);
            return Err(Error::io(format!("copying {} into the library", source.display()))(e));
        }
        size += n as u64;
    }
    finish(path, file, hasher, size)
}

/// Moves a finished download (already hashed and fsynced) into `tmp/`, without copying it.
pub(crate) fn stage_moved(root: &Path, source: &Path, sha256: String) -> Result<Staged> {
    let (path, file) = new_tmp(root)?;
    if let Err(e) = fs::rename(source, &path) {
        let _ = fs::remove_file(&path);
        return Err(Error::io(format!("moving {} into the library", source.display()))(e));
    }
    // The lock taken by `new_tmp` is on the placeholder's inode, replaced by the rename:
    // take it again on the moved file.
    drop(file);
    let file =
        File::options().read(true).write(true).open(&path).map_err(Error::io(format!("opening {}", path.display())))?;
    file.lock().map_err(Error::io(format!("locking {}", path.display())))?;
    let size = file.metadata().map_err(Error::io("reading the download's size"))?.len();
    Ok(Staged { path, sha256, size, file })
}

/// Writes `bytes` into `tmp/` and fsyncs them.
pub(crate) fn stage_bytes(root: &Path, bytes: &[u8]) -> Result<Staged> {
    let (path, mut file) = new_tmp(root)?;
    if let Err(e) = file.write_all(bytes) {
        let _ = fs::remove_file(&path);
        return Err(Error::io("writing into the library")(e));
    }
    let mut hasher = Sha256::new();
    hasher.update(bytes);
    finish(path, file, hasher, bytes.len() as u64)
}

fn new_tmp(root: &Path) -> Result<(PathBuf, File)> {
    let dir = root.join(TMP_DIR);
    fs::create_dir_all(&dir).map_err(Error::io(format!("creating {}", dir.display())))?;
    let name = format!("{}-{}.part", std::process::id(), uuid::Uuid::now_v7().simple());
    let path = dir.join(name);
    let file = File::options()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(Error::io(format!("creating {}", path.display())))?;
    file.lock().map_err(Error::io(format!("locking {}", path.display())))?;
    Ok((path, file))
}

fn finish(path: PathBuf, file: File, hasher: Sha256, size: u64) -> Result<Staged> {
    if let Err(e) = file.sync_all() {
        let _ = fs::remove_file(&path);
        return Err(Error::io("saving into the library")(e));
    }
    Ok(Staged { path, sha256: hex::encode(hasher.finalize()), size, file })
}

impl Drop for Staged {
    fn drop(&mut self) {
        let _ = self.file.unlock();
        // A staged file that never reached `files/` is of no use to anyone.
        if self.path.parent().and_then(Path::file_name).is_some_and(|n| n == TMP_DIR) {
            let _ = fs::remove_file(&self.path);
        }
    }
}

fn sync_dir(dir: Option<&Path>) {
    if let Some(dir) = dir
        && let Ok(d) = File::open(dir)
    {
        let _ = d.sync_all();
    }
}

/// sha256 of a stored file, in hex.
pub(crate) fn sha256_of(path: &Path) -> io::Result<String> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        match file.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => hasher.update(&buffer[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(hex::encode(hasher.finalize()))
}

/// Removes the leftovers of interrupted imports: staged files and stored files that no book
/// refers to, unless another process holds them. `is_referenced` is asked while holding the
/// file's lock, so a file committed by another process in the meantime is kept.
pub(crate) fn sweep(root: &Path, is_referenced: &dyn Fn(&str) -> Result<bool>) -> Result<Vec<String>> {
    let mut removed = Vec::new();
    let mut candidates = Vec::new();
    if let Ok(entries) = fs::read_dir(root.join(TMP_DIR)) {
        candidates.extend(entries.flatten().map(|e| e.path()));
    }
    if let Ok(shards) = fs::read_dir(root.join(FILES_DIR)) {
        for shard in shards.flatten() {
            if let Ok(entries) = fs::read_dir(shard.path()) {
                candidates.extend(entries.flatten().map(|e| e.path()));
            }
        }
    }
    for path in candidates {
        let Ok(relative) = path.strip_prefix(root) else { continue };
        let relative = relative.to_string_lossy().replace('\\', "/");
        let Ok(file) = File::open(&path) else { continue };
        // Held by a live import: not ours to judge.
        if file.try_lock().is_err() {
            continue;
        }
        if relative.starts_with(FILES_DIR) && is_referenced(&relative)? {
            continue;
        }
        if fs::remove_file(&path).is_ok() {
            removed.push(relative);
        }
    }
    Ok(removed)
}
