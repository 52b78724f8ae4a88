//! `META-INF/container.xml` (where the package document is) and `META-INF/encryption.xml`
//! (which entries are encrypted, and how).

use crate::error::Error;
use crate::path;
use crate::xml;

/// Path of the OCF container document.
pub(crate) const CONTAINER_PATH: &str = "META-INF/container.xml";
/// Path of the OCF encryption document.
pub(crate) const ENCRYPTION_PATH: &str = "META-INF/encryption.xml";

const PACKAGE_MEDIA_TYPE: &str = "application/oebps-package+xml";

/// The full path of the package document: the first `rootfile` of the package media type
/// (the default rendition when there are several), else the first `rootfile` at all.
pub(crate) fn package_path(container: &[u8]) -> Result<String, Error> {
    let root = xml::parse(container, CONTAINER_PATH)?;
    let rootfiles: Vec<&xml::Element> =
        root.descendants().into_iter().filter(|element| element.name() == "rootfile").collect();
    let chosen = rootfiles
        .iter()
        .find(|rootfile| rootfile.attr("media-type").is_some_and(|media_type| media_type.trim() == PACKAGE_MEDIA_TYPE))
        .or_else(|| rootfiles.first())
        .ok_or(Error::MissingContainer)?;
    let full_path = chosen.attr("full-path").ok_or(Error::MissingContainer)?;
    // full-path is a path from the container root, percent-encoding allowed.
    path::resolve("", full_path).map(|target| target.path).ok_or(Error::MissingContainer)
}

/// One `EncryptedData` of `encryption.xml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Encrypted {
    /// Full path of the encrypted entry.
    pub(crate) path: String,
    /// The `EncryptionMethod/@Algorithm` URI ("" when absent).
    pub(crate) algorithm: String,
}

/// Lists the encrypted entries declared by `encryption.xml`.
pub(crate) fn encrypted_entries(encryption: &[u8]) -> Result<Vec<Encrypted>, Error> {
    let root = xml::parse(encryption, ENCRYPTION_PATH)?;
    let mut found = Vec::new();
    for data in root.descendants().into_iter().filter(|element| element.name() == "EncryptedData") {
        let algorithm = data
            .descendants()
            .into_iter()
            .find(|element| element.name() == "EncryptionMethod")
            .and_then(|method| method.attr("Algorithm"))
            .unwrap_or("")
            .trim()
            .to_owned();
        for reference in data.descendants().into_iter().filter(|element| element.name() == "CipherReference") {
            // URIs are relative to the container root, not to META-INF/.
            if let Some(target) = reference.attr("URI").and_then(|uri| path::resolve("", uri)) {
                found.push(Encrypted { path: target.path, algorithm: algorithm.clone() });
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_package_path_comes_from_the_default_rendition() {
        let cases: &[(&str, Option<&str>)] = &[
            (
                r#"<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>
                <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
                </rootfiles></container>"#,
                Some("OEBPS/content.opf"),
            ),
            (
                r#"<container><rootfiles>
                <rootfile full-path="book.pdf" media-type="application/pdf"/>
                <rootfile full-path="EPUB/text.opf" media-type="application/oebps-package+xml"/>
                <rootfile full-path="EPUB/braille.opf" media-type="application/oebps-package+xml"/>
                </rootfiles></container>"#,
                Some("EPUB/text.opf"),
            ),
            (
                r#"<container><rootfiles><rootfile full-path="My%20Book/p.opf"/></rootfiles></container>"#,
                Some("My Book/p.opf"),
            ),
            (r#"<container><rootfiles/></container>"#, None),
            (
                r#"<container><rootfiles><rootfile media-type="application/oebps-package+xml"/></rootfiles></container>"#,
                None,
            ),
        ];
        for (source, expected) in cases {
            let got = package_path(source.as_bytes());
            match expected {
                Some(path) => {
                    assert_eq!(got.expect("a container naming a package"), *path, "rootfile chosen from {source}")
                }
                None => assert!(
                    matches!(got, Err(Error::MissingContainer)),
                    "a container without usable rootfile is MissingContainer: {source}"
                ),
            }
        }
    }

    #[test]
    fn encryption_entries_tell_obfuscation_from_drm() {
        let source = r#"<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container"
            xmlns:enc="http://www.w3.org/2001/04/xmlenc#">
          <enc:EncryptedData><enc:EncryptionMethod Algorithm="http://www.idpf.org/2008/embedding"/>
            <enc:CipherData><enc:CipherReference URI="EPUB/fonts/a.otf"/></enc:CipherData></enc:EncryptedData>
          <enc:EncryptedData><enc:EncryptionMethod Algorithm="http://ns.adobe.com/pdf/enc#RC"/>
            <enc:CipherData><enc:CipherReference URI="EPUB/fonts/b.otf"/></enc:CipherData></enc:EncryptedData>
          <enc:EncryptedData><enc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>
            <enc:CipherData><enc:CipherReference URI="EPUB/ch%201.xhtml"/></enc:CipherData></enc:EncryptedData>
        </encryption>"#;
        let entries = encrypted_entries(source.as_bytes()).expect("well-formed encryption.xml");
        let summary: Vec<(&str, bool)> = entries
            .iter()
            .map(|entry| {
                (entry.path.as_str(), crate::obfuscation::Obfuscation::from_algorithm(&entry.algorithm).is_some())
            })
            .collect();
        assert_eq!(
            summary,
            [("EPUB/fonts/a.otf", true), ("EPUB/fonts/b.otf", true), ("EPUB/ch 1.xhtml", false)],
            "IDPF and Adobe obfuscation are fine, AES on a chapter is DRM"
        );
    }
}
