//! The mathematics textbook: a well-formed PDF with page labels, outline, metadata
//! and text in WinAnsi-encoded standard fonts.

use std::io::Read as _;

use crate::{bundled, find};

fn book() -> &'static [u8] {
    bundled("mathematiques-6e.pdf").bytes
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The offsets of the cross-reference table, by object number.
fn xref_offsets(pdf: &[u8]) -> Vec<(usize, usize)> {
    let start = find(pdf, b"startxref\n").expect("a startxref line") + "startxref\n".len();
    let end = start + pdf[start..].iter().position(|b| *b == b'\n').expect("the xref offset line");
    let xref: usize = text(&pdf[start..end]).parse().expect("a decimal xref offset");
    assert!(pdf[xref..].starts_with(b"xref\n0 "), "startxref must point at the xref table");
    let header_end = xref + 5 + pdf[xref + 5..].iter().position(|b| *b == b'\n').expect("the subsection header") + 1;
    let count: usize = text(&pdf[xref + 7..header_end - 1]).parse().expect("the number of entries");
    (1..count)
        .map(|number| {
            let entry = &pdf[header_end + 20 * number..header_end + 20 * (number + 1)];
            assert!(entry.ends_with(b" 00000 n\r\n"), "entry {number} is a 20-byte in-use entry");
            (number, text(&entry[..10]).parse().expect("a decimal offset"))
        })
        .collect()
}

#[test]
fn every_xref_offset_points_at_its_object() {
    let pdf = book();
    assert!(pdf.starts_with(b"%PDF-1.7\n"), "a PDF 1.7 header");
    assert!(pdf.ends_with(b"%%EOF\n"), "the file ends with %%EOF");
    let offsets = xref_offsets(pdf);
    assert!(offsets.len() > 50, "a textbook has many objects");
    for (number, offset) in offsets {
        let header = format!("{number} 0 obj\n");
        assert!(pdf[offset..].starts_with(header.as_bytes()), "the xref offset of object {number} is wrong");
    }
    let trailer = text(&pdf[find(pdf, b"trailer\n").expect("a trailer")..]);
    for key in ["/Root ", "/Info ", "/ID [<"] {
        assert!(trailer.contains(key), "the trailer needs {key}");
    }
}

#[test]
fn page_count_labels_outline_and_language() {
    let all = text(book());
    let pages = all.matches("/Type /Page ").count();
    assert!((14..=20).contains(&pages), "14 to 20 A4 pages, found {pages}");
    assert!(all.contains("/Type /Pages /Kids ["), "a page tree");
    assert!(all.contains(&format!("/Count {pages} ")), "the page tree counts every page");
    assert!(all.contains("/MediaBox [0 0 595.276 841.89]"), "A4 pages");
    assert!(
        all.contains("/PageLabels <</Nums [0 <</S /r /St 1 >> 4 <</S /D /St 1 >>]"),
        "front matter i–iv, then 1, 2, 3…"
    );
    assert!(all.contains("/Outlines "), "an outline");
    assert!(all.contains("/Type /Outlines "), "an outline root");
    assert!(all.contains("/PageMode /UseOutlines"), "the outline opens with the book");
    assert!(all.contains("/Lang (fr-FR)"), "the language is declared");
    assert!(all.matches("/XYZ 0 ").count() > 20, "outline entries and contents links open at a position");
}

#[test]
fn metadata_is_fixed_and_fonts_are_standard_and_not_embedded() {
    let all = text(book());
    for key in ["/Title <FEFF", "/Author <FEFF", "/Subject ", "/Keywords ", "/Creator (cartable-books)"] {
        assert!(all.contains(key), "the Info dictionary needs {key}");
    }
    assert!(all.contains("/CreationDate (D:20261127080000Z)"), "the date comes from livre.txt");
    for font in ["/Helvetica ", "/Helvetica-Bold ", "/Helvetica-Oblique "] {
        assert!(all.contains(&format!("/BaseFont {font}/Encoding /WinAnsiEncoding")), "{font} in WinAnsi");
    }
    assert!(!all.contains("/FontFile"), "no font file may be embedded");
}

/// Every stream, inflated.
fn streams(pdf: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut rest = pdf;
    while let Some(start) = find(rest, b"\nstream\n") {
        let body = &rest[start + 8..];
        let end = find(body, b"\nendstream").expect("a stream ends");
        let mut inflated = Vec::new();
        flate2::read::ZlibDecoder::new(&body[..end]).read_to_end(&mut inflated).expect("a valid Flate stream");
        out.push(inflated);
        rest = &body[end..];
    }
    out
}

#[test]
fn french_text_is_encoded_in_win_ansi() {
    let content: Vec<u8> = streams(book()).concat();
    let cases: [(&[u8], &str); 4] = [
        (b"(Le p\\351rim\\350tre d'un polygone est la longueur de son contour.) Tj", "the sentence tests search for"),
        (b"\\351l\\350ve", "the word élève"),
        (b"\\234ufs", "oe ligature, 0x9C"),
        (b"\\253", "French quotes, 0xAB"),
    ];
    for (needle, what) in cases {
        assert!(find(&content, needle).is_some(), "the body must contain {what}");
    }
}
