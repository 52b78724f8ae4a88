//! The `cartable` binary as a user runs it: exit codes, JSON, signals, kill -9.

mod commands;
mod downloads;
mod helper;
mod keyring;
mod notes;
mod robustness;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn corpus(file: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    assert!(dir.join("MANIFEST.tsv").is_file(), "the shared corpus must be at {}", dir.display());
    dir.join(file)
}

/// A library folder for one test.
pub struct Home {
    pub dir: tempfile::TempDir,
}

impl Default for Home {
    fn default() -> Home {
        Home { dir: tempfile::tempdir().expect("tmp") }
    }
}

impl Home {
    pub fn new() -> Home {
        Home::default()
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cartable"));
        cmd.arg("--home").arg(self.path()).args(args).env_remove("CARTABLE_HOME");
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).stdin(Stdio::null()).output().expect("run cartable")
    }

    /// Imports `file` (which must succeed); its line of `import --json`.
    pub fn import(&self, file: &Path) -> serde_json::Value {
        let mut lines = self.json(&["import", "--json", file.to_str().expect("utf8")]);
        lines[0].take()
    }

    /// Imports `file`; the book's id.
    pub fn import_id(&self, file: &Path) -> String {
        self.import(file)["book"].as_str().expect("book id").to_owned()
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let out = self.run(args);
        assert!(out.status.success(), "cartable {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).expect("JSON output")
    }
}

/// Exit code 1 with a message, never a panic (101) nor a death by signal.
pub fn assert_clean_failure(out: &Output, what: &str) {
    assert_eq!(
        out.status.code(),
        Some(1),
        "{what}: must fail with exit 1; stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error"), "{what}: says what went wrong: {stderr}");
    assert!(!stderr.contains("panicked"), "{what}: must not panic: {stderr}");
}
