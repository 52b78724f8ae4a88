//! Profiles and annotations on real books: highlights placed from the text layer, notes,
//! bookmarks and ink, kept per profile, exported and placed again in a fresh library.

use cartable_core::annotations::{Anchor, Ink, Kind, Quote, Style, Tool, anchor};
use cartable_core::{AnnotationChange, BookId, ExportFormat, Library, NewAnnotation};

use crate::{corpus, library};

fn new(kind: Kind, anchor: Anchor) -> NewAnnotation {
    serde_json::from_value(serde_json::json!({ "kind": kind, "anchor": anchor })).expect("a new annotation")
}

/// A highlight of `words` on PDF page `page`, anchored from the page's text layer as the reader does.
fn highlight_on(library: &Library, book: &BookId, page: usize, words: &str) -> NewAnnotation {
    let runs = library.text_layer(book, page).expect("text layer");
    let text = anchor::layer_text(&runs);
    let quote = Quote { exact: words.into(), ..Quote::default() };
    let (start, end) = anchor::find_quote(&text, &quote, None).expect("the words are on the page");
    let mut n = new(
        Kind::Highlight,
        Anchor::Pdf {
            page,
            label: None,
            start,
            end,
            quads: anchor::quads(&runs, start, end),
            quote: anchor::quote_of(&text, start, end),
        },
    );
    n.color = Some("green".into());
    n
}

fn place(page: usize) -> Anchor {
    Anchor::Place { page, loc: format!("page:{page}"), label: None, x: None, y: None }
}

#[test]
fn annotations_are_per_profile_survive_removal_of_the_book_and_come_back_with_it() {
    let (_dir, library) = library();
    let file = corpus("pdf/fr-lshort-fr.pdf");
    let book = library.import(&file, None).expect("import").book.id;
    let me = library.default_profile().expect("first profile").id;
    let sister = library.add_profile("Inès", Some("2468")).expect("second profile").id;

    let hl = library.add_annotation(&me, &book, highlight_on(&library, &book, 10, "document")).expect("highlight");
    assert_eq!(hl.color.as_deref(), Some("green"));
    let Anchor::Pdf { quads, .. } = &hl.anchor else { panic!("a PDF anchor") };
    assert!(!quads.is_empty() && quads.iter().all(|q| q[0] < q[2] && q[1] < q[3]), "quads on the page: {quads:?}");
    let mut note = new(Kind::Note, hl.anchor.clone());
    note.text = Some("À revoir pour le contrôle".into());
    note.highlight = Some(hl.id);
    library.add_annotation(&me, &book, note).expect("note on the highlight");
    library.add_annotation(&me, &book, new(Kind::Bookmark, place(3))).expect("bookmark");

    assert_eq!(library.annotations(&me, &book, None).expect("list").len(), 3);
    assert_eq!(library.annotations(&me, &book, Some(10)).expect("page 10").len(), 2);
    assert!(library.annotations(&sister, &book, None).expect("list").is_empty(), "a sister sees none of it");
    let found = library.search_notes(&me, "controle", 10).expect("search");
    assert_eq!(found.len(), 1, "accents ignored: {found:?}");
    assert!(found[0].snippet.contains("<mark>contrôle</mark>"), "{}", found[0].snippet);
    assert!(library.search_notes(&sister, "controle", 10).expect("search").is_empty());

    // Removing the book keeps the notes; they come back with the book.
    assert_eq!(library.annotation_count(&book).expect("count"), 3);
    library.remove(&book).expect("remove");
    assert_eq!(library.annotations(&me, &book, None).expect("list").len(), 3, "kept while the book is away");
    library.import(&file, None).expect("import again");
    let back = library.annotations(&me, &book, None).expect("list");
    assert_eq!(back.len(), 3);
    assert_eq!(
        library.search_notes(&me, "controle", 10).expect("search")[0].title,
        library.book(&book).expect("book").summary.title
    );

    // Deleting the highlight takes its note along, as tombstones.
    library.delete_annotation(&me, hl.id).expect("delete");
    let left = library.annotations(&me, &book, None).expect("list");
    assert_eq!(left.iter().map(|a| a.kind).collect::<Vec<_>>(), vec![Kind::Bookmark]);
    assert_eq!(library.delete_annotation(&me, hl.id).expect_err("gone").code(), "AnnotationNotFound");
    assert_eq!(
        library
            .update_annotation(&me, hl.id, AnnotationChange { color: Some("pink".into()), ..Default::default() })
            .expect_err("a later write never revives a tombstone")
            .code(),
        "AnnotationNotFound"
    );
}

#[test]
fn changes_keep_what_they_do_not_touch_and_bad_input_is_refused() {
    let (_dir, library) = library();
    let book = library.import(&corpus("pdf/fr-lshort-fr.pdf"), None).expect("import").book.id;
    let me = library.default_profile().expect("profile").id;
    let hl = library.add_annotation(&me, &book, highlight_on(&library, &book, 12, "document")).expect("highlight");
    let changed = library
        .update_annotation(&me, hl.id, AnnotationChange { style: Some(Style::Underline), ..Default::default() })
        .expect("underline");
    assert_eq!((changed.color.as_deref(), changed.style), (Some("green"), Some(Style::Underline)));
    let mut bad = highlight_on(&library, &book, 12, "document");
    bad.color = Some("javascript:alert(1)".into());
    assert_eq!(library.add_annotation(&me, &book, bad).expect_err("refused").code(), "InvalidAnnotation");
    let mut orphan = new(Kind::Note, place(1));
    orphan.highlight = Some(uuid::Uuid::now_v7());
    assert_eq!(library.add_annotation(&me, &book, orphan).expect_err("no such highlight").code(), "AnnotationNotFound");
    let nobody = BookId::parse(&"ab".repeat(32)).expect("an id");
    assert_eq!(
        library.add_annotation(&me, &nobody, new(Kind::Bookmark, place(0))).expect_err("no book").code(),
        "BookNotFound"
    );
}

#[test]
fn profiles_with_a_pin_open_only_with_it() {
    let (_dir, library) = library();
    let lea = library.add_profile("Léa", Some("1234")).expect("add");
    assert!(lea.has_pin);
    assert_eq!(library.unlock_profile(&lea.id, None).expect_err("pin").code(), "PinRequired");
    assert_eq!(library.unlock_profile(&lea.id, Some("9999")).expect_err("pin").code(), "WrongPin");
    assert_eq!(library.unlock_profile(&lea.id, Some("1234")).expect("opens").name, "Léa");
    assert_eq!(library.add_profile("léa", None).expect_err("taken").code(), "ProfileNameTaken");
    library.set_profile_setting(&lea.id, "theme", &serde_json::json!("sepia")).expect("setting");
    assert_eq!(library.profile_settings(&lea.id).expect("settings")["theme"], "sepia");
    let first = library.default_profile().expect("first").id;
    assert!(library.profile_settings(&first).expect("settings").is_empty(), "settings are per profile");
    library.remove_profile(&lea.id).expect("remove");
    assert_eq!(library.remove_profile(&first).expect_err("last").code(), "LastProfile");
}

#[test]
fn ink_strokes_are_kept_exactly_enough_and_erased_as_tombstones() {
    let (_dir, library) = library();
    let book = library.import(&corpus("pdf/fr-lshort-fr.pdf"), None).expect("import").book.id;
    let me = library.default_profile().expect("profile").id;
    let points: Vec<[f32; 2]> =
        (0..200).map(|i| [0.1 + i as f32 / 400.0, 0.3 + (i as f32 / 15.0).sin() * 0.05]).collect();
    let mut stroke = new(Kind::Ink, place(5));
    stroke.ink = Some(Ink { tool: Tool::Pen, color: "#d11a2a".into(), width: 0.004, points: points.clone() });
    let made = library.add_annotation(&me, &book, stroke).expect("stroke");
    let kept = library.annotations(&me, &book, Some(5)).expect("page").remove(0).ink.expect("ink").points();
    assert_eq!(kept.len(), 200);
    assert!(kept.iter().zip(&points).all(|(a, b)| (a[0] - b[0]).abs() < 1e-4 && (a[1] - b[1]).abs() < 1e-4));
    library.delete_annotation(&me, made.id).expect("erase");
    assert!(library.annotations(&me, &book, Some(5)).expect("page").is_empty());
}

#[test]
fn a_w3c_export_places_again_in_a_fresh_library_and_a_second_import_changes_nothing() {
    let file = corpus("pdf/fr-lshort-fr.pdf");
    let (_a, first) = library();
    let book = first.import(&file, None).expect("import").book.id;
    let me = first.default_profile().expect("profile").id;
    let hl = first.add_annotation(&me, &book, highlight_on(&first, &book, 20, "commande")).expect("highlight");
    let mut note = new(Kind::Note, hl.anchor.clone());
    note.text = Some("Une commande commence par \\".into());
    note.highlight = Some(hl.id);
    first.add_annotation(&me, &book, note).expect("note");
    let mut pinned =
        new(Kind::Note, Anchor::Place { page: 2, loc: "page:2".into(), label: None, x: Some(0.5), y: Some(0.25) });
    pinned.text = Some("Question pour la prof".into());
    first.add_annotation(&me, &book, pinned).expect("pinned note");
    let mut stroke = new(Kind::Ink, place(7));
    stroke.ink = Some(Ink {
        tool: Tool::Highlighter,
        color: "#ffcc00".into(),
        width: 0.02,
        points: vec![[0.1, 0.1], [0.4, 0.2]],
    });
    first.add_annotation(&me, &book, stroke).expect("ink");
    let before = first.annotations(&me, &book, None).expect("list");

    let set = first.export_annotations(&me, &book, ExportFormat::W3c, "fr").expect("export");
    let json: serde_json::Value = serde_json::from_slice(&set).expect("JSON");
    assert_eq!(json["type"], "AnnotationSet");
    assert_eq!(json["items"].as_array().expect("items").len(), 4);
    let first_highlight = json["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["cartable"]["kind"] == "highlight")
        .expect("the highlight");
    let selectors = first_highlight["target"]["selector"].to_string();
    assert!(selectors.contains("TextQuoteSelector") && selectors.contains("page="), "{selectors}");

    let (_b, second) = library();
    second.import(&file, None).expect("import");
    let her = second.default_profile().expect("profile").id;
    let report = second.import_annotations(&her, &set).expect("import annotations");
    assert_eq!((report.placed, report.already, report.unplaced.len()), (4, 0, 0), "{report:?}");
    let after = second.annotations(&her, &book, None).expect("list");
    assert_eq!(after.len(), before.len());
    for (a, b) in before.iter().zip(&after) {
        assert_eq!((a.id, a.kind, &a.text, &a.color, &a.highlight), (b.id, b.kind, &b.text, &b.color, &b.highlight));
        assert_eq!(a.anchor.place(), b.anchor.place());
        assert_eq!(a.anchor.quote(), b.anchor.quote(), "the same text is quoted");
    }
    let again = second.import_annotations(&her, &set).expect("import again");
    assert_eq!((again.placed, again.already), (0, 4), "{again:?}");

    // Text that moved is found again; text that is gone is reported, not placed somewhere wrong.
    let mut moved: serde_json::Value = serde_json::from_slice(&set).expect("JSON");
    let items = moved["items"].as_array_mut().expect("items");
    items.retain(|i| i["cartable"]["kind"] == "highlight");
    items[0]["id"] = serde_json::json!(format!("urn:uuid:{}", uuid::Uuid::now_v7()));
    for s in items[0]["target"]["selector"].as_array_mut().expect("selectors") {
        if s["type"] == "FragmentSelector" {
            s["value"] = serde_json::json!("page=24"); // three pages after where it was
        }
    }
    let mut gone = items[0].clone();
    gone["id"] = serde_json::json!(format!("urn:uuid:{}", uuid::Uuid::now_v7()));
    for s in gone["target"]["selector"].as_array_mut().expect("selectors") {
        if s["type"] == "TextQuoteSelector" {
            s["exact"] = serde_json::json!("un passage qui n'existe dans aucune édition");
        }
    }
    items.push(gone);
    let report = second.import_annotations(&her, &serde_json::to_vec(&moved).expect("bytes")).expect("import");
    assert_eq!(report.placed, 1, "{report:?}");
    assert_eq!(report.unplaced.len(), 1);
    assert!(report.unplaced[0].reason.contains("n'existe"), "{:?}", report.unplaced);
    let replaced = second.annotations(&her, &book, Some(20)).expect("page 21");
    assert_eq!(replaced.iter().filter(|a| a.kind == Kind::Highlight).count(), 2, "found back on its own page");
}

#[test]
fn markdown_export_quotes_with_printed_labels_and_notes() {
    let (_dir, library) = library();
    let book = library.import(&corpus("pdf/fr-lshort-fr.pdf"), None).expect("import").book.id;
    let me = library.default_profile().expect("profile").id;
    let mut hl = highlight_on(&library, &book, 20, "commande");
    if let Anchor::Pdf { label, .. } = &mut hl.anchor {
        *label = Some("9".into());
    }
    let hl = library.add_annotation(&me, &book, hl).expect("highlight");
    let mut note = new(Kind::Note, hl.anchor.clone());
    note.text = Some("Important !".into());
    note.highlight = Some(hl.id);
    library.add_annotation(&me, &book, note).expect("note");
    let md = String::from_utf8(library.export_annotations(&me, &book, ExportFormat::Markdown, "fr").expect("md"))
        .expect("utf-8");
    assert!(md.contains("## Page 9"), "{md}");
    assert!(md.contains("> commande"), "{md}");
    assert!(md.contains("**Note** : Important !"), "{md}");
}

#[test]
fn an_epub_highlight_is_kept_by_cfi_and_checked_by_its_quote() {
    let (_dir, library) = library();
    let book = library.import(&corpus("epub/tc-bovary-fr.epub"), None).expect("import").book.id;
    let me = library.default_profile().expect("profile").id;
    let meta = library.book(&book).expect("book");
    // A section whose text holds "Charles".
    let section = library.search("Charles", Some(&book), 1).expect("search")[0].index;
    let href = meta.spine[section].href.clone();
    let anchor = Anchor::Epub {
        section,
        href,
        cfi: format!("epubcfi(/6/{}!/4/2,/1:0,/1:7)", (section + 1) * 2),
        quote: Quote { prefix: String::new(), exact: "Charles".into(), suffix: String::new() },
    };
    let hl = library.add_annotation(&me, &book, new(Kind::Highlight, anchor)).expect("highlight");
    let set = library.export_annotations(&me, &book, ExportFormat::W3c, "en").expect("export");
    let text = String::from_utf8(set.clone()).expect("utf-8");
    assert!(text.contains("epub-cfi.html") && text.contains("epubcfi(/6/"), "{text}");
    let (_b, fresh) = crate::library();
    fresh.import(&corpus("epub/tc-bovary-fr.epub"), None).expect("import");
    let her = fresh.default_profile().expect("profile").id;
    let report = fresh.import_annotations(&her, &set).expect("import");
    assert_eq!(report.placed, 1, "{report:?}");
    assert_eq!(fresh.annotations(&her, &book, None).expect("list")[0].id, hl.id);
}

#[test]
fn the_annotated_pdf_holds_real_annotations_with_the_notes() {
    let (dir, library) = library();
    let book = library.import(&corpus("pdf/fr-lshort-fr.pdf"), None).expect("import").book.id;
    let me = library.default_profile().expect("profile").id;
    let hl = library.add_annotation(&me, &book, highlight_on(&library, &book, 20, "commande")).expect("highlight");
    let mut note = new(Kind::Note, hl.anchor.clone());
    note.text = Some("À revoir : élève".into());
    note.highlight = Some(hl.id);
    library.add_annotation(&me, &book, note).expect("note");
    let mut stroke = new(Kind::Ink, place(20));
    stroke.ink =
        Some(Ink { tool: Tool::Pen, color: "#0044cc".into(), width: 0.004, points: vec![[0.2, 0.2], [0.6, 0.5]] });
    library.add_annotation(&me, &book, stroke).expect("ink");
    let bytes = library.export_annotations(&me, &book, ExportFormat::Pdf, "fr").expect("annotated copy");
    let copy = dir.path().join("copy.pdf");
    std::fs::write(&copy, bytes).expect("write");
    let engine = cartable_core::cartable_pdf::Engine::global().expect("engine");
    let found = engine.annotations(&copy, None, 20).expect("read back");
    let highlight = found.iter().find(|a| a.subtype == "Highlight").expect("a highlight annotation");
    assert_eq!(highlight.contents.as_deref(), Some("À revoir : élève"), "the note is the highlight's text");
    assert!(found.iter().any(|a| a.subtype == "Ink"), "{found:?}");
    let epub = library.import(&corpus("epub/tc-bovary-fr.epub"), None).expect("import").book.id;
    assert_eq!(
        library.export_annotations(&me, &epub, ExportFormat::Pdf, "fr").expect_err("no PDF").code(),
        "NotRenderable"
    );
}
