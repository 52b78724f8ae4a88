//! Annotated copies: the marks must be real annotations that other viewers draw.
//!
//! The copies are rendered with PDFium (the app), MuPDF (`mutool draw`) and Poppler
//! (`pdftoppm`), the last two installed by `scripts/setup --test`.

use std::path::{Path, PathBuf};
use std::process::Command;

use cartable_pdf::{Engine, Error, Mark, MarkKind, Rect};

use super::{corpus, engine};

const YELLOW: [u8; 3] = [255, 230, 0];
const RED: [u8; 3] = [220, 0, 0];
const ORANGE: [u8; 3] = [255, 140, 0];
/// Lines 2 and 3 of the first page of sf-pdflatex-4-pages.pdf (from `mutool draw -F stext`).
const HIGHLIGHTED: Rect = Rect { left: 0.15, top: 0.1194, right: 0.85, bottom: 0.1484 };
const INK_FROM: (f32, f32) = (0.2, 0.5);
const INK_TO: (f32, f32) = (0.8, 0.8);
const NOTE_AT: (f32, f32) = (0.05, 0.9);
const REMARK: &str = "À revoir : élève";

fn text_page() -> PathBuf {
    corpus().join("pdf/sf-pdflatex-4-pages.pdf")
}

fn marks(page: usize) -> Vec<Mark> {
    vec![
        Mark {
            page,
            kind: MarkKind::Highlight { quads: vec![HIGHLIGHTED] },
            color: YELLOW,
            opacity: 0.4,
            contents: Some(REMARK.into()),
            author: Some("Zoé".into()),
        },
        Mark {
            page,
            kind: MarkKind::Ink { strokes: vec![vec![INK_FROM, INK_TO]], width: 0.01 },
            color: RED,
            opacity: 1.0,
            contents: None,
            author: Some("Zoé".into()),
        },
        Mark {
            page,
            kind: MarkKind::Note { x: NOTE_AT.0, y: NOTE_AT.1 },
            color: ORANGE,
            opacity: 1.0,
            contents: Some("Une note".into()),
            author: None,
        },
    ]
}

/// An RGB picture of a page.
struct Picture {
    width: usize,
    height: usize,
    rgb: Vec<u8>,
}

impl Picture {
    fn at(&self, x: usize, y: usize) -> [u8; 3] {
        let i = (y.min(self.height - 1) * self.width + x.min(self.width - 1)) * 3;
        [self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]]
    }

    fn pixel(&self, fx: f32, fy: f32) -> (usize, usize) {
        ((fx * self.width as f32) as usize, (fy * self.height as f32) as usize)
    }

    /// The pixels inside `r`, a pixel in from its edges (antialiasing differs between viewers).
    fn inside(&self, r: Rect) -> Vec<(usize, usize)> {
        let (l, t) = self.pixel(r.left, r.top);
        let (rr, b) = self.pixel(r.right, r.bottom);
        (t + 1..b.saturating_sub(1)).flat_map(|y| (l + 1..rr.saturating_sub(1)).map(move |x| (x, y))).collect()
    }

    fn decode(path: &Path) -> Picture {
        let file = std::io::BufReader::new(std::fs::File::open(path).expect("the rendered PNG"));
        let mut decoder = png::Decoder::new(file);
        decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
        let mut reader = decoder.read_info().expect("a PNG header");
        let mut buf = vec![0; reader.output_buffer_size().expect("a sane PNG size")];
        let info = reader.next_frame(&mut buf).expect("PNG pixels");
        let channels = info.color_type.samples();
        let rgb = buf[..info.buffer_size()]
            .chunks_exact(channels)
            .flat_map(|px| if channels >= 3 { [px[0], px[1], px[2]] } else { [px[0]; 3] })
            .collect();
        Picture { width: info.width as usize, height: info.height as usize, rgb }
    }
}

fn yellowish([r, g, b]: [u8; 3]) -> bool {
    r > 180 && g > 150 && i32::from(b) < i32::from(r) - 60
}

fn near([r, g, b]: [u8; 3], [er, eg, eb]: [u8; 3]) -> bool {
    [(r, er), (g, eg), (b, eb)].iter().all(|&(a, e)| a.abs_diff(e) <= 40)
}

/// Checks one viewer's render of the annotated page against its render of the original page.
fn check_render(viewer: &str, copy: &Picture, original: &Picture) {
    assert_eq!((copy.width, copy.height), (original.width, original.height), "{viewer}: same page size");

    let region = copy.inside(HIGHLIGHTED);
    assert!(region.len() > 200, "{viewer}: the highlight covers a real area");
    let yellow = region.iter().filter(|&&(x, y)| yellowish(copy.at(x, y))).count();
    let was_yellow = region.iter().filter(|&&(x, y)| yellowish(original.at(x, y))).count();
    assert!(
        yellow * 2 > region.len(),
        "{viewer}: most of the highlighted area must be yellowish, {yellow} of {} pixels are",
        region.len()
    );
    assert_eq!(was_yellow, 0, "{viewer}: the original page has no yellow there (else the test proves nothing)");
    let changed = region.iter().filter(|&&(x, y)| copy.at(x, y) != original.at(x, y)).count();
    assert!(changed * 2 > region.len(), "{viewer}: the highlight must change the pixels under it");

    // Along the stroke, away from its ends, the pen's centre is the ink colour.
    for step in 1..10 {
        let t = step as f32 / 10.0;
        let (x, y) = copy.pixel(INK_FROM.0 + t * (INK_TO.0 - INK_FROM.0), INK_FROM.1 + t * (INK_TO.1 - INK_FROM.1));
        // The best of the 3×3 pixels around: renderers round the pen's edges differently.
        let found = (0..9).map(|i| copy.at(x + i % 3 - 1, y + i / 3 - 1)).any(|px| near(px, RED));
        assert!(found, "{viewer}: the ink stroke must be red at {t} of its length, got {:?}", copy.at(x, y));
        assert!(!near(original.at(x, y), RED), "{viewer}: the original page is not red there");
    }

    // The sticky note's icon (20 pt square hanging from the point) shows its colour.
    let (nx, ny) = copy.pixel(NOTE_AT.0, NOTE_AT.1);
    let side = copy.width * 20 / 595;
    let icon = (ny..ny + side).flat_map(|y| (nx..nx + side).map(move |x| (x, y)));
    assert!(
        icon.clone().any(|(x, y)| near(copy.at(x, y), ORANGE)),
        "{viewer}: the sticky note's icon must show in the note's colour"
    );
    assert!(!icon.clone().any(|(x, y)| near(original.at(x, y), ORANGE)), "{viewer}: no orange in the original");
}

/// Whether `name` is on PATH. Absent, the test skips that viewer, unless it runs in CI, where
/// every viewer must be checked.
fn viewer_present(name: &str) -> bool {
    let found =
        std::env::var_os("PATH").is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(name).is_file()));
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "{name} is missing; CI must check annotations in it (scripts/setup --test installs it)"
        );
        eprintln!("skipping the {name} render check: {name} is not installed (scripts/setup --test)");
    }
    found
}

fn run(command: &mut Command) {
    let out = command.output().expect("the viewer runs");
    assert!(out.status.success(), "{command:?} failed: {}", String::from_utf8_lossy(&out.stderr));
}

fn mutool(pdf: &Path, out: &Path) -> Picture {
    run(Command::new("mutool").arg("draw").arg("-q").arg("-o").arg(out).args(["-r", "50"]).arg(pdf).arg("1"));
    Picture::decode(out)
}

fn pdftoppm(pdf: &Path, out: &Path) -> Picture {
    // -singlefile: the output is `<prefix>.png`, without a page number to guess.
    let prefix = out.with_extension("");
    run(Command::new("pdftoppm").args(["-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile"]).arg(pdf).arg(&prefix));
    Picture::decode(&prefix.with_extension("png"))
}

fn pdfium(engine: &Engine, pdf: &Path, page: usize) -> Picture {
    // 50 dpi, as for the other viewers.
    let bitmap = engine.render(pdf, None, page, 413).expect("PDFium renders the page");
    Picture { width: bitmap.width as usize, height: bitmap.height as usize, rgb: bitmap.to_rgb() }
}

#[test]
fn annotated_copy_shows_highlight_ink_and_note_in_pdfium_mupdf_and_poppler() {
    let engine = engine();
    let original = text_page();
    let before = std::fs::read(&original).expect("the original");
    let bytes = engine.annotated_copy(&original, None, marks(0)).expect("an annotated copy");
    assert_eq!(std::fs::read(&original).expect("the original"), before, "the original file must not change");

    let dir = tempfile::tempdir().expect("tmp");
    let copy = dir.path().join("copy.pdf");
    std::fs::write(&copy, &bytes).expect("write the copy");

    check_render("PDFium", &pdfium(&engine, &copy, 0), &pdfium(&engine, &original, 0));
    if viewer_present("mutool") {
        check_render(
            "MuPDF",
            &mutool(&copy, &dir.path().join("mu.png")),
            &mutool(&original, &dir.path().join("mu0.png")),
        );
    }
    if viewer_present("pdftoppm") {
        check_render(
            "Poppler",
            &pdftoppm(&copy, &dir.path().join("pp.png")),
            &pdftoppm(&original, &dir.path().join("pp0.png")),
        );
    }
}

#[test]
fn pdfium_reads_the_annotations_back_with_their_text() {
    let engine = engine();
    let dir = tempfile::tempdir().expect("tmp");
    let copy = dir.path().join("copy.pdf");
    std::fs::write(&copy, engine.annotated_copy(&text_page(), None, marks(1)).expect("copy")).expect("write");

    let found = engine.annotations(&copy, None, 1).expect("read back");
    let subtypes: Vec<&str> = found.iter().map(|a| a.subtype.as_str()).collect();
    assert_eq!(subtypes, ["Highlight", "Ink", "Text"], "one real annotation per mark, in order");
    assert_eq!(found[0].contents.as_deref(), Some(REMARK), "a highlight's note keeps its French accents");
    assert_eq!(found[0].author.as_deref(), Some("Zoé"), "the author is /T");
    assert_eq!(found[2].contents.as_deref(), Some("Une note"), "the sticky note carries its text");
    assert_eq!(found[2].author, None, "no author given, none written");
    assert!(engine.annotations(&copy, None, 0).expect("page 1").is_empty(), "other pages are left alone");
}

#[test]
fn marks_off_the_document_or_without_shape_are_refused() {
    let engine = engine();
    let mut off = marks(0);
    off[1].page = 4;
    assert!(
        matches!(engine.annotated_copy(&text_page(), None, off), Err(Error::PageOutOfRange { page: 4, count: 4 })),
        "a mark on page 5 of a 4-page book"
    );
    let mut empty = marks(0);
    empty[2].kind = MarkKind::Ink { strokes: vec![], width: 0.01 };
    assert!(
        matches!(engine.annotated_copy(&text_page(), None, empty), Err(Error::InvalidMark { index: 2, .. })),
        "ink without a stroke names the mark"
    );
}

#[test]
fn annotated_copy_of_a_protected_pdf_keeps_its_password() {
    let engine = engine();
    let path = corpus().join("pdf/pypdf-r6-user-password.pdf");
    assert!(matches!(engine.annotated_copy(&path, None, marks(0)), Err(Error::PasswordRequired)));
    let dir = tempfile::tempdir().expect("tmp");
    let copy = dir.path().join("copy.pdf");
    std::fs::write(&copy, engine.annotated_copy(&path, Some("asdfzxcv"), marks(0)).expect("copy")).expect("write");
    assert!(matches!(engine.read(&copy, None), Err(Error::PasswordRequired)), "the copy stays protected");
    let found = engine.annotations(&copy, Some("asdfzxcv"), 0).expect("read back with the password");
    assert_eq!(found.len(), 3, "the marks are in the protected copy");
    assert_eq!(found[0].contents.as_deref(), Some(REMARK), "text survives the re-encryption");
}

#[test]
fn marks_on_rotated_pages_land_where_the_reader_showed_them() {
    // The four pages of this file carry /Rotate 90, 180, 270 and 360.
    let engine = engine();
    let path = corpus().join("pdf/sf-habibi-rotated.pdf");
    let dir = tempfile::tempdir().expect("tmp");
    for page in 0..4 {
        let copy = dir.path().join(format!("copy{page}.pdf"));
        let mark = Mark {
            page,
            kind: MarkKind::Highlight { quads: vec![Rect { left: 0.05, top: 0.05, right: 0.3, bottom: 0.1 }] },
            color: YELLOW,
            opacity: 0.5,
            contents: None,
            author: None,
        };
        std::fs::write(&copy, engine.annotated_copy(&path, None, vec![mark]).expect("copy")).expect("write");
        let shown = pdfium(&engine, &copy, page);
        let (x, y) = shown.pixel(0.15, 0.07);
        assert!(yellowish(shown.at(x, y)), "page {}: the highlight is at the top left as shown", page + 1);
        let (x, y) = shown.pixel(0.85, 0.93);
        assert!(!yellowish(shown.at(x, y)), "page {}: and not at the opposite corner", page + 1);
    }
}
