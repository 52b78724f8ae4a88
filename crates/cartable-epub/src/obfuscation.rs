//! Font obfuscation (EPUB OCF §4.5 and Adobe's older scheme): not protection, only a scramble
//! of a font's first bytes keyed by the book's identifier, so that the font is not reused
//! outside the book. The reader needs the fonts as they were, so they are unscrambled here.

use sha1::{Digest, Sha1};

/// How a font was scrambled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Obfuscation {
    /// `http://www.idpf.org/2008/embedding`: the first 1040 bytes XOR the SHA-1 of the unique identifier.
    Idpf,
    /// `http://ns.adobe.com/pdf/enc#RC`: the first 1024 bytes XOR the 16 bytes of the identifier's UUID.
    Adobe,
}

impl Obfuscation {
    pub(crate) fn from_algorithm(uri: &str) -> Option<Obfuscation> {
        match uri {
            "http://www.idpf.org/2008/embedding" => Some(Obfuscation::Idpf),
            "http://ns.adobe.com/pdf/enc#RC" => Some(Obfuscation::Adobe),
            _ => None,
        }
    }

    /// The original font bytes (the scramble is its own inverse). Without a usable key
    /// (no identifier, or no UUID for Adobe's scheme) the bytes are returned as they are.
    pub(crate) fn reverse(self, mut bytes: Vec<u8>, identifier: &str) -> Vec<u8> {
        let (key, span): (Vec<u8>, usize) = match self {
            Obfuscation::Idpf => {
                let squeezed: String = identifier.chars().filter(|c| !matches!(c, ' ' | '\t' | '\r' | '\n')).collect();
                if squeezed.is_empty() {
                    return bytes;
                }
                (Sha1::digest(squeezed.as_bytes()).to_vec(), 1040)
            }
            Obfuscation::Adobe => match uuid_bytes(identifier) {
                Some(key) => (key.to_vec(), 1024),
                None => return bytes,
            },
        };
        for (i, byte) in bytes.iter_mut().take(span).enumerate() {
            *byte ^= key[i % key.len()];
        }
        bytes
    }
}

/// The 16 bytes of a UUID written anywhere in `identifier` (`urn:uuid:…`, with or without dashes).
fn uuid_bytes(identifier: &str) -> Option<[u8; 16]> {
    let hex: String = identifier.trim().trim_start_matches("urn:uuid:").chars().filter(|c| *c != '-').collect();
    if hex.len() != 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut out = [0u8; 16];
    for (i, chunk) in hex.as_bytes().chunks(2).enumerate() {
        out[i] = u8::from_str_radix(std::str::from_utf8(chunk).ok()?, 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrambling_twice_gives_the_font_back_and_touches_only_the_head() {
        let font: Vec<u8> = (0..3000u32).map(|i| (i % 251) as u8).collect();
        for scheme in [Obfuscation::Idpf, Obfuscation::Adobe] {
            let id = "urn:uuid:0b7d1a2e-1111-4222-8333-944455556666";
            let scrambled = scheme.reverse(font.clone(), id);
            assert_ne!(scrambled[..16], font[..16], "{scheme:?} changes the head");
            assert_eq!(scrambled[1040..], font[1040..], "{scheme:?} leaves the rest");
            assert_eq!(scheme.reverse(scrambled, id), font, "{scheme:?} is its own inverse");
        }
    }

    #[test]
    fn idpf_keys_ignore_whitespace_in_the_identifier() {
        let font = vec![0u8; 64];
        assert_eq!(Obfuscation::Idpf.reverse(font.clone(), " urn:x\n"), Obfuscation::Idpf.reverse(font, "urn:x"));
    }

    #[test]
    fn adobe_needs_a_uuid() {
        assert_eq!(Obfuscation::Adobe.reverse(vec![1, 2, 3], "isbn:978"), vec![1, 2, 3], "no key, no change");
        assert!(uuid_bytes("urn:uuid:0b7d1a2e-1111-4222-8333-944455556666").is_some());
    }
}
