//! Catalogue credentials, kept out of the library database.
//!
//! Where the system has a keyring (the Secret Service of GNOME Keyring or KWallet on Linux,
//! the Keychain on macOS, the Credential Manager on Windows), each catalogue's credential is
//! an item there, named after the library and the catalogue's address: the keyring encrypts
//! it under the user's login and locks it when they log out. `CARTABLE_KEYRING=off` turns
//! this off.
//!
//! Where there is none (or it refuses), credentials go to `secrets.bin`, encrypted with
//! AES-256-GCM under a random key kept in `secrets.key` (created readable by its owner only).
//! Limits, written down on purpose: this keeps passwords out of the database, out of backups
//! that copy only the database, and unreadable to anyone who cannot read the key file; it
//! does not protect them from someone who can read the user's files (the key sits beside
//! them). A credential left in the file from before a keyring appeared moves into the keyring
//! the first time it is used.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use aes_gcm::aead::{Aead, KeyInit, OsRng, rand_core::RngCore};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// What signs a pupil in to a catalogue.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credential {
    pub username: String,
    pub password: String,
    /// An OAuth access token obtained with the password, when the catalogue uses OAuth.
    #[serde(default)]
    pub token: Option<String>,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Credential({}, ***)", self.username)
    }
}

pub(crate) struct Secrets {
    dir: PathBuf,
    /// The system keyring, looked for on first use; `None` when there is none.
    keyring: OnceLock<Option<Keyring>>,
}

const KEY_FILE: &str = "secrets.key";
const DATA_FILE: &str = "secrets.bin";

impl Secrets {
    pub(crate) fn new(dir: &Path) -> Secrets {
        Secrets { dir: dir.to_path_buf(), keyring: OnceLock::new() }
    }

    fn keyring(&self) -> Option<&Keyring> {
        self.keyring.get_or_init(|| Keyring::find(&self.dir)).as_ref()
    }

    pub(crate) fn get(&self, catalog_url: &str) -> Result<Option<Credential>> {
        if let Some(keyring) = self.keyring() {
            match keyring.get(catalog_url) {
                Ok(Some(credential)) => return Ok(Some(credential)),
                Ok(None) => {
                    let Some(credential) = self.file_get(catalog_url)? else { return Ok(None) };
                    // Saved before the keyring was there: it moves in. Should the file not be
                    // rewritten, its copy is only a leftover the next save drops.
                    if keyring.set(catalog_url, &credential).is_ok() {
                        self.file_remove(catalog_url).ok();
                    }
                    return Ok(Some(credential));
                }
                // A keyring that fails now (locked, gone): what the file has, if anything.
                Err(_) => {}
            }
        }
        self.file_get(catalog_url)
    }

    pub(crate) fn set(&self, catalog_url: &str, credential: Credential) -> Result<()> {
        if let Some(keyring) = self.keyring()
            && keyring.set(catalog_url, &credential).is_ok()
        {
            return self.file_remove(catalog_url);
        }
        self.file_set(catalog_url, credential)
    }

    pub(crate) fn remove(&self, catalog_url: &str) -> Result<()> {
        if let Some(keyring) = self.keyring() {
            keyring.remove(catalog_url)?;
        }
        self.file_remove(catalog_url)
    }

    /// Where the credentials are kept (`cartable catalog add` and `list` say it).
    pub(crate) fn store(&self) -> SecretStore {
        if self.keyring().is_some() { SecretStore::Keyring } else { SecretStore::File }
    }

    fn key(&self, create: bool) -> Result<Option<[u8; 32]>> {
        let path = self.dir.join(KEY_FILE);
        match fs::read(&path) {
            Ok(bytes) if bytes.len() == 32 => {
                let mut key = [0u8; 32];
                key.copy_from_slice(&bytes);
                Ok(Some(key))
            }
            Ok(_) => Err(Error::Io {
                context: format!("{} is damaged; delete it and sign in to your catalogues again", path.display()),
                source: std::io::Error::from(std::io::ErrorKind::InvalidData),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {
                let mut key = [0u8; 32];
                OsRng.fill_bytes(&mut key);
                write_private(&path, &key)?;
                Ok(Some(key))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(format!("reading {}", path.display()))(e)),
        }
    }

    fn load(&self) -> Result<BTreeMap<String, Credential>> {
        let Some(key) = self.key(false)? else { return Ok(BTreeMap::new()) };
        let data = match fs::read(self.dir.join(DATA_FILE)) {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
            Err(e) => return Err(Error::io("reading the saved passwords")(e)),
        };
        if data.len() < 12 {
            return Ok(BTreeMap::new());
        }
        let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&key));
        let plain = cipher.decrypt(Nonce::from_slice(&data[..12]), &data[12..]).map_err(|_| Error::Io {
            context: "the saved passwords cannot be read (the key does not match); sign in to your catalogues again"
                .into(),
            source: std::io::Error::from(std::io::ErrorKind::InvalidData),
        })?;
        Ok(serde_json::from_slice(&plain).unwrap_or_default())
    }

    fn save(&self, all: &BTreeMap<String, Credential>) -> Result<()> {
        let key = self.key(true)?.unwrap_or([0u8; 32]);
        let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&key));
        let mut nonce = [0u8; 12];
        OsRng.fill_bytes(&mut nonce);
        let plain =
            serde_json::to_vec(all).map_err(|e| Error::Io { context: "saving passwords".into(), source: e.into() })?;
        let sealed = cipher.encrypt(Nonce::from_slice(&nonce), plain.as_slice()).map_err(|_| Error::Io {
            context: "encrypting the saved passwords".into(),
            source: std::io::Error::other("encryption failed"),
        })?;
        let mut data = nonce.to_vec();
        data.extend_from_slice(&sealed);
        write_private(&self.dir.join(DATA_FILE), &data)
    }

    fn file_get(&self, catalog_url: &str) -> Result<Option<Credential>> {
        Ok(self.load()?.remove(catalog_url))
    }

    fn file_set(&self, catalog_url: &str, credential: Credential) -> Result<()> {
        let mut all = self.load()?;
        all.insert(catalog_url.to_owned(), credential);
        self.save(&all)
    }

    fn file_remove(&self, catalog_url: &str) -> Result<()> {
        let mut all = self.load()?;
        if all.remove(catalog_url).is_some() {
            self.save(&all)?;
        }
        Ok(())
    }
}

/// Where catalogue credentials are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SecretStore {
    /// The system keyring.
    Keyring,
    /// `secrets.bin` in the library folder, encrypted with the key beside it.
    File,
}

/// The system keyring: one item per catalogue, its service naming the library folder (two
/// libraries of one user keep their own passwords) and its user the catalogue's address.
struct Keyring {
    service: String,
}

impl Keyring {
    /// The keyring, if there is one that answers.
    fn find(library: &Path) -> Option<Keyring> {
        if std::env::var_os("CARTABLE_KEYRING").is_some_and(|v| v == "off") {
            return None;
        }
        let keyring = Keyring { service: format!("Cartable {}", library.display()) };
        // A lookup that finds nothing is an answer; anything else (no session bus, no
        // Secret Service) means there is no keyring to use.
        keyring.get("cartable:probe").ok().map(|_| keyring)
    }

    fn entry(&self, catalog_url: &str) -> keyring::Result<keyring::Entry> {
        keyring::Entry::new(&self.service, catalog_url)
    }

    fn get(&self, catalog_url: &str) -> keyring::Result<Option<Credential>> {
        match self.entry(catalog_url)?.get_password() {
            // A damaged item is as good as none: the catalogue asks to sign in again.
            Ok(json) => Ok(serde_json::from_str(&json).ok()),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn set(&self, catalog_url: &str, credential: &Credential) -> keyring::Result<()> {
        let json = serde_json::to_string(credential).map_err(|e| keyring::Error::PlatformFailure(e.into()))?;
        self.entry(catalog_url)?.set_password(&json)
    }

    fn remove(&self, catalog_url: &str) -> Result<()> {
        match self.entry(catalog_url).and_then(|entry| entry.delete_credential()) {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(Error::Io {
                context: "removing the catalogue's password from the system keyring (is it locked?)".into(),
                source: std::io::Error::other(e.to_string()),
            }),
        }
    }
}

/// Writes a file readable by its owner only, atomically.
fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&tmp).map_err(Error::io(format!("writing {}", tmp.display())))?;
    file.write_all(bytes).and_then(|()| file.sync_all()).map_err(Error::io(format!("writing {}", tmp.display())))?;
    fs::rename(&tmp, path).map_err(Error::io(format!("writing {}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_round_trip_encrypted_and_private() {
        let dir = tempfile::tempdir().expect("tmp");
        let secrets = Secrets::new(dir.path());
        secrets.keyring.set(None).ok();
        assert_eq!(secrets.store(), SecretStore::File);
        assert_eq!(secrets.get("https://a.example/").expect("empty"), None);
        let credential = Credential { username: "eleve".into(), password: "s3cret-mot".into(), token: None };
        secrets.set("https://a.example/", credential.clone()).expect("set");
        assert_eq!(secrets.get("https://a.example/").expect("get"), Some(credential.clone()));
        let stored = fs::read(dir.path().join(DATA_FILE)).expect("data");
        assert!(!stored.windows(10).any(|w| w == b"s3cret-mot"), "the password is not stored in clear");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.path().join(KEY_FILE)).expect("key").permissions().mode();
            assert_eq!(mode & 0o077, 0, "the key is readable by its owner only");
        }
        assert!(!format!("{credential:?}").contains("s3cret"), "debug output never shows the password");
        secrets.remove("https://a.example/").expect("remove");
        assert_eq!(secrets.get("https://a.example/").expect("gone"), None);
    }
}
