//! Profiles: the pupils who share one computer. Each has their own reading positions,
//! settings and annotations; the books are shared. A PIN (4 to 6 digits) keeps a younger
//! brother out of an older sister's notes; it is stored only as an argon2id hash.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::Serialize;

use crate::{Error, Result};

/// A profile's id: a uuid, as text.
pub type ProfileId = String;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub id: ProfileId,
    pub name: String,
    pub has_pin: bool,
    /// One of [`COLORS`]: the colour of the profile's badge.
    pub color: String,
    pub created_at: i64,
}

/// Badge colours, given in turn to new profiles.
pub const COLORS: [&str; 6] = ["blue", "green", "orange", "purple", "red", "teal"];

/// The name as it will be kept: trimmed, 1 to 40 characters, no control characters.
pub(crate) fn clean_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 40 || name.chars().any(char::is_control) {
        return Err(Error::InvalidProfileName);
    }
    Ok(name.to_owned())
}

fn check_pin(pin: &str) -> Result<()> {
    if (4..=6).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(Error::InvalidPin)
    }
}

/// The argon2id hash of a PIN, with a random salt (PHC string).
pub(crate) fn hash_pin(pin: &str) -> Result<String> {
    check_pin(pin)?;
    let mut salt = [0u8; 16];
    salt.copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    let salt = SaltString::encode_b64(&salt).map_err(|_| Error::InvalidPin)?;
    let hash = argon2::Argon2::default().hash_password(pin.as_bytes(), &salt).map_err(|_| Error::InvalidPin)?;
    Ok(hash.to_string())
}

/// Whether `pin` opens a profile whose stored hash is `hash` (`None`: the profile has no PIN).
pub(crate) fn check(hash: Option<&str>, pin: Option<&str>) -> Result<()> {
    let Some(hash) = hash else { return Ok(()) };
    let pin = pin.ok_or(Error::PinRequired)?;
    let parsed = PasswordHash::new(hash).map_err(|_| Error::WrongPin)?;
    argon2::Argon2::default().verify_password(pin.as_bytes(), &parsed).map_err(|_| Error::WrongPin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pin_is_kept_only_as_a_hash_that_checks_it() {
        let hash = hash_pin("4821").expect("valid pin");
        assert!(hash.starts_with("$argon2id$") && !hash.contains("4821"), "{hash}");
        assert!(check(Some(&hash), Some("4821")).is_ok());
        assert!(matches!(check(Some(&hash), Some("4822")), Err(Error::WrongPin)));
        assert!(matches!(check(Some(&hash), None), Err(Error::PinRequired)));
        assert!(check(None, None).is_ok(), "no PIN, nothing to ask");
        assert_ne!(hash_pin("4821").expect("valid"), hash, "each hash has its own salt");
    }

    #[test]
    fn pins_are_four_to_six_digits_and_names_are_sane() {
        for bad in ["123", "1234567", "12a4", ""] {
            assert!(matches!(hash_pin(bad), Err(Error::InvalidPin)), "{bad:?}");
        }
        assert_eq!(clean_name("  Léa ").expect("valid"), "Léa");
        assert!(clean_name(" ").is_err() && clean_name("a\u{7}b").is_err());
    }
}
