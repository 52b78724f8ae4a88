//! Hostile and broken archives built in code: each must give its own error variant.

use cartable_epub::{Book, Error, from_bytes};

use crate::support::{
    CH1, Fixture, Method, NAV, NCX, OPF, patch_central_header, patch_local_header, put_u16, put_u32, replace_bytes,
};

fn open_error(bytes: Vec<u8>) -> Error {
    match from_bytes(bytes) {
        Ok(book) => panic!("expected an error, the book opened: {book:?}"),
        Err(error) => error,
    }
}

fn opened(bytes: Vec<u8>) -> Book {
    from_bytes(bytes).expect("this variant must open; the failure is expected later")
}

#[test]
fn not_a_zip_empty_or_truncated_archives() {
    let valid = Fixture::valid().zip();
    type Case = (&'static str, Vec<u8>, fn(&Error) -> bool);
    let cases: Vec<Case> = vec![
        ("empty file", Vec::new(), |e| matches!(e, Error::NotZip)),
        ("plain text", b"Once upon a time".to_vec(), |e| matches!(e, Error::NotZip)),
        ("a PDF", b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec(), |e| matches!(e, Error::NotZip)),
        ("cut in half", valid[..valid.len() / 2].to_vec(), |e| matches!(e, Error::Truncated)),
        ("end record cut", valid[..valid.len() - 10].to_vec(), |e| matches!(e, Error::Truncated)),
        ("only the first header", valid[..30].to_vec(), |e| matches!(e, Error::Truncated)),
    ];
    for (why, bytes, expected) in cases {
        let error = open_error(bytes);
        assert!(expected(&error), "{why}: got {error:?}");
    }
}

#[test]
fn missing_or_wrong_mimetype() {
    let error = open_error(Fixture::valid().without("mimetype").zip());
    assert!(matches!(error, Error::MissingMimetype), "{error:?}");

    let cases: &[(&[u8], &str)] = &[
        (b"application/zip", "application/zip"),
        (b"application/epub+zip-evil", "application/epub+zip-evil"),
        (b"", ""),
    ];
    for (content, shown) in cases {
        let fixture = Fixture::valid().with_method("mimetype", *content, Method::Stored);
        match open_error(fixture.zip()) {
            Error::WrongMimetype { found } => assert_eq!(found, *shown),
            other => panic!("mimetype {content:?} must be WrongMimetype, got {other:?}"),
        }
    }
    let long = vec![b'a'; 10_000];
    let error = open_error(Fixture::valid().with("mimetype", long).zip());
    assert!(matches!(error, Error::WrongMimetype { .. }), "an oversized mimetype is refused unread: {error:?}");
    let tolerated = Fixture::valid().with_method("mimetype", "application/epub+zip\r\n", Method::Stored);
    opened(tolerated.zip());
}

#[test]
fn zip_slip_names_are_unsafe_paths() {
    let cases = [
        "../evil.xhtml",
        "OEBPS/../../evil.xhtml",
        "/etc/passwd",
        "OEBPS\\..\\evil.xhtml",
        "C:/Windows/evil.dll",
        "d:evil",
        "OEBPS/nul\0.xhtml",
    ];
    for name in cases {
        let error = open_error(Fixture::valid().with(name, "x").zip());
        match error {
            Error::UnsafePath { name: reported } => assert_eq!(reported, name),
            other => panic!("entry {name:?} must be UnsafePath, got {other:?}"),
        }
    }
}

#[test]
fn non_utf8_entry_names_are_refused() {
    let mut bytes = Fixture::valid().with("OEBPS/bad_X.xhtml", "x").zip();
    let patched = replace_bytes(&mut bytes, b"OEBPS/bad_X.xhtml", b"OEBPS/bad_\xFF.xhtml");
    assert_eq!(patched, 2, "the name is in the local header and the central directory");
    let error = open_error(bytes);
    assert!(matches!(&error, Error::NonUtf8Name { name } if name == "OEBPS/bad_\u{FFFD}.xhtml"), "{error:?}");
}

#[test]
fn duplicate_entry_names_are_refused() {
    let mut bytes =
        Fixture::valid().with("OEBPS/text/dup1.xhtml", "first").with("OEBPS/text/dup2.xhtml", "second").zip();
    replace_bytes(&mut bytes, b"OEBPS/text/dup2.xhtml", b"OEBPS/text/dup1.xhtml");
    let error = open_error(bytes);
    assert!(matches!(&error, Error::DuplicateEntry { name } if name == "OEBPS/text/dup1.xhtml"), "{error:?}");
}

#[test]
fn zip_bombs_by_ratio_are_refused() {
    // 4 MiB of zeros deflate to a few KiB: over 100:1 and over 1 MiB.
    let bomb = Fixture::valid().with("OEBPS/images/zeros.bin", vec![0u8; 4 << 20]);
    let error = open_error(bomb.zip());
    assert!(matches!(&error, Error::SuspiciousCompression { name } if name == "OEBPS/images/zeros.bin"), "{error:?}");
    // Under 1 MiB, a high ratio is just a very repetitive small file.
    opened(Fixture::valid().with("OEBPS/images/zeros.bin", vec![0u8; 512 << 10]).zip());
}

#[test]
fn total_declared_size_over_2_gib_is_too_large() {
    let mut bytes = Fixture::valid()
        .with_method("OEBPS/a.bin", "a", Method::Stored)
        .with_method("OEBPS/b.bin", "b", Method::Stored)
        .zip();
    // Ratio 1 (declared compressed = uncompressed), so only the total trips.
    for name in ["OEBPS/a.bin", "OEBPS/b.bin"] {
        patch_central_header(&mut bytes, name, |header| {
            put_u32(header, 20, 0x4800_0000);
            put_u32(header, 24, 0x4800_0000);
        });
    }
    let error = open_error(bytes);
    assert!(matches!(error, Error::TooLarge { limit, .. } if limit == 2 << 30), "{error:?}");
}

#[test]
fn declared_sizes_are_never_trusted_when_reading() {
    let chapter = "OEBPS/text/ch1.xhtml";
    let cases: &[(Method, &str)] = &[(Method::Stored, "stored"), (Method::Deflated, "deflated")];
    for (method, why) in cases {
        let mut bytes = Fixture::valid().with_method(chapter, CH1, *method).zip();
        // The archive claims 100 bytes; the data is longer.
        patch_central_header(&mut bytes, chapter, |header| put_u32(header, 24, 100));
        let mut book = opened(bytes);
        let error = book.section_text(0).expect_err("data longer than declared must not be read");
        assert!(matches!(&error, Error::CorruptEntry { name, .. } if name == chapter), "{why}: {error:?}");
    }
}

#[test]
fn oversized_entries_are_refused_before_reading() {
    let mut bytes = Fixture::valid().with_method("OEBPS/video.bin", "v", Method::Stored).zip();
    patch_central_header(&mut bytes, "OEBPS/video.bin", |header| {
        put_u32(header, 20, 300 << 20);
        put_u32(header, 24, 300 << 20);
    });
    patch_central_header(&mut bytes, "OEBPS/text/ch1.xhtml", |header| {
        put_u32(header, 20, 40 << 20);
        put_u32(header, 24, 40 << 20);
    });
    let mut book = opened(bytes);
    let error = book.resource("OEBPS/video.bin").expect_err("over 256 MiB");
    assert!(matches!(error, Error::EntryTooLarge { limit, .. } if limit == 256 << 20), "{error:?}");
    let error = book.section_text(0).expect_err("an XML document over 32 MiB");
    assert!(matches!(error, Error::EntryTooLarge { limit, .. } if limit == 32 << 20), "{error:?}");
}

#[test]
fn unsupported_compression_methods_are_reported() {
    let name = "OEBPS/images/cover.png";
    let mut bytes = Fixture::valid().zip();
    // 12 = bzip2, not built in.
    patch_central_header(&mut bytes, name, |header| put_u16(header, 10, 12));
    patch_local_header(&mut bytes, name, |header| put_u16(header, 8, 12));
    let mut book = opened(bytes);
    let error = book.resource(name).expect_err("bzip2 is not supported");
    assert!(matches!(error, Error::UnsupportedCompression { .. }), "{error:?}");
}

#[test]
fn zip_encrypted_entries_are_drm() {
    let name = "OEBPS/images/cover.png";
    let mut bytes = Fixture::valid().zip();
    patch_central_header(&mut bytes, name, |header| put_u16(header, 8, 1));
    patch_local_header(&mut bytes, name, |header| put_u16(header, 6, 1));
    let mut book = opened(bytes);
    let error = book.resource(name).expect_err("a password-protected entry");
    assert!(matches!(&error, Error::Drm { path } if path == name), "{error:?}");
}

const ENTITY_BOMB: &str = r#"<?xml version="1.0"?>
<!DOCTYPE html [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
]>
"#;

#[test]
fn entity_declarations_are_refused_in_every_document() {
    let with_bomb = |document: &str| {
        let body = document.trim_start_matches(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
        format!("{ENTITY_BOMB}{body}")
    };
    let at_open = [
        ("META-INF/container.xml", with_bomb(crate::support::CONTAINER)),
        ("OEBPS/content.opf", with_bomb(OPF)),
        ("OEBPS/nav.xhtml", with_bomb(NAV)),
        ("OEBPS/toc.ncx", with_bomb(NCX)),
    ];
    for (name, content) in at_open {
        // The NCX is only read when the nav lacks something: drop the nav's page list.
        let mut fixture = Fixture::valid().with(name, content);
        if name.ends_with(".ncx") {
            fixture = fixture.without("OEBPS/nav.xhtml");
        }
        let error = open_error(fixture.zip());
        assert!(matches!(&error, Error::EntityDeclaration { path } if path == name), "{name}: {error:?}");
    }
    let mut book = opened(Fixture::valid().with("OEBPS/text/ch1.xhtml", with_bomb(CH1)).zip());
    let error = book.section_text(0).expect_err("content with entity declarations");
    assert!(matches!(&error, Error::EntityDeclaration { path } if path == "OEBPS/text/ch1.xhtml"), "{error:?}");
}

#[test]
fn deep_nesting_is_malformed_content() {
    let deep = |depth: usize| format!("<html><body>{}x{}</body></html>", "<div>".repeat(depth), "</div>".repeat(depth));
    let mut book = opened(Fixture::valid().with("OEBPS/text/ch1.xhtml", deep(5000)).zip());
    let error = book.section_text(0).expect_err("5000 nested divs");
    assert!(matches!(error, Error::MalformedContent { .. }), "{error:?}");

    let mut book = opened(Fixture::valid().with("OEBPS/text/ch1.xhtml", deep(1000)).zip());
    let text = book.section_text(0).expect("1000 nested divs are fine");
    assert_eq!(text[0].text, "x");

    let deep_opf = OPF.replace("<dc:language>", &format!("{}{}<dc:language>", "<x>".repeat(2000), "</x>".repeat(2000)));
    let error = open_error(Fixture::valid().with("OEBPS/content.opf", deep_opf).zip());
    assert!(matches!(&error, Error::MalformedContent { path, .. } if path == "OEBPS/content.opf"), "{error:?}");
}

#[test]
fn unclosed_content_is_malformed_content() {
    let unclosed = "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><p>open</body></html>";
    let mut book = opened(Fixture::valid().with("OEBPS/text/ch1.xhtml", unclosed).zip());
    let error = book.section_text(0).expect_err("mismatched tags");
    assert!(matches!(&error, Error::MalformedContent { path, .. } if path == "OEBPS/text/ch1.xhtml"), "{error:?}");
    let error = open_error(Fixture::valid().with("OEBPS/content.opf", OPF.replace("</manifest>", "")).zip());
    assert!(matches!(error, Error::MalformedContent { .. }), "a broken OPF: {error:?}");
}

#[test]
fn missing_container_package_or_spine() {
    let error = open_error(Fixture::valid().without("META-INF/container.xml").zip());
    assert!(matches!(error, Error::MissingContainer), "{error:?}");

    let no_rootfile = r#"<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles/></container>"#;
    let error = open_error(Fixture::valid().with("META-INF/container.xml", no_rootfile).zip());
    assert!(matches!(error, Error::MissingContainer), "{error:?}");

    let error = open_error(Fixture::valid().without("OEBPS/content.opf").zip());
    assert!(matches!(&error, Error::MissingPackage { path } if path == "OEBPS/content.opf"), "{error:?}");

    let spine_start = OPF.find("<spine").expect("fixture has a spine");
    let spine_end = OPF.find("</spine>").expect("fixture has a spine") + "</spine>".len();
    let cases = [
        OPF.replace(&OPF[spine_start..spine_end], r#"<spine toc="ncx"></spine>"#),
        OPF.replace(&OPF[spine_start..spine_end], ""),
        OPF.replace(&OPF[spine_start..spine_end], r#"<spine><itemref idref="ghost"/></spine>"#),
    ];
    for opf in cases {
        let error = open_error(Fixture::valid().with("OEBPS/content.opf", opf).zip());
        assert!(matches!(error, Error::NoSpine), "{error:?}");
    }
}

fn encryption_xml(algorithm: &str, uri: &str) -> String {
    format!(
        r#"<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container"
            xmlns:enc="http://www.w3.org/2001/04/xmlenc#">
          <enc:EncryptedData><enc:EncryptionMethod Algorithm="{algorithm}"/>
          <enc:CipherData><enc:CipherReference URI="{uri}"/></enc:CipherData></enc:EncryptedData>
        </encryption>"#
    )
}

#[test]
fn real_encryption_of_content_is_drm_and_font_obfuscation_is_fine() {
    let aes = "http://www.w3.org/2001/04/xmlenc#aes128-cbc";
    let cases: &[(&str, &str, bool)] = &[
        (aes, "OEBPS/text/ch1.xhtml", true),
        (aes, "OEBPS/text/ch%202.xhtml", true),
        (aes, "OEBPS/content.opf", true),
        ("http://www.idpf.org/2008/embedding", "OEBPS/fonts/f.otf", false),
        ("http://ns.adobe.com/pdf/enc#RC", "OEBPS/fonts/f.otf", false),
    ];
    for (algorithm, uri, drm) in cases {
        let fixture = Fixture::valid().with("META-INF/encryption.xml", encryption_xml(algorithm, uri));
        let result = from_bytes(fixture.zip());
        if *drm {
            assert!(matches!(result, Err(Error::Drm { .. })), "{algorithm} on {uri} must be DRM: {result:?}");
        } else {
            let mut book = result.expect("obfuscated fonts do not stop reading");
            book.section_text(0).expect("content is readable");
            book.resource("OEBPS/fonts/f.otf").expect("the obfuscated font is served as stored");
        }
    }
    // Encrypted images do not stop reading, but the image itself cannot be served.
    let fixture = Fixture::valid().with("META-INF/encryption.xml", encryption_xml(aes, "OEBPS/images/cover.png"));
    let mut book = opened(fixture.zip());
    let error = book.resource("OEBPS/images/cover.png").expect_err("encrypted image");
    assert!(matches!(error, Error::Drm { .. }), "{error:?}");
}

#[test]
fn error_messages_tell_a_parent_what_to_do() {
    let cases = [
        (Error::Truncated, "download it again"),
        (Error::NotZip, "not an EPUB"),
        (Error::MissingMimetype, "download it again"),
        (Error::UnsafePath { name: "../x".to_owned() }, "refused for safety"),
        (Error::SuspiciousCompression { name: "a".to_owned() }, "zip bomb"),
        (Error::Drm { path: "a".to_owned() }, "DRM-free copy"),
    ];
    for (error, hint) in cases {
        let message = error.to_string();
        assert!(message.contains(hint), "{message:?} should say {hint:?}");
        assert!(!message.ends_with('.'), "messages are fragments without final period: {message:?}");
    }
}
