//! Profiles and annotations from the command line: a set written by another reader is
//! placed by its selectors, listed per profile, and exported in the three formats.

use std::io::Write;
use std::process::Stdio;

use crate::{Home, corpus};

fn with_stdin(home: &Home, args: &[&str], input: &str) -> std::process::Output {
    let mut child =
        home.command(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write");
    child.wait_with_output().expect("wait")
}

#[test]
fn an_annotation_set_from_elsewhere_is_placed_listed_per_profile_and_exported() {
    let home = Home::new();
    let file = corpus("pdf/fr-lshort-fr.pdf");
    let book = home.import_id(&file);
    let added = with_stdin(&home, &["profiles", "add", "Léa", "--pin-stdin"], "2580\n");
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    let profiles = home.json(&["profiles", "list", "--json"]);
    assert_eq!(profiles.as_array().expect("list").len(), 2, "{profiles}");

    // A set as another reader writes it: a page fragment and a quote, no Cartable extension.
    let set = serde_json::json!({
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "AnnotationSet",
        "about": { "dc:identifier": [format!("urn:sha256:{book}")], "dc:title": "lshort" },
        "items": [
            {
                "id": "urn:uuid:0191c2a8-0001-7000-8000-00000000a001",
                "type": "Annotation",
                "motivation": "commenting",
                "body": { "type": "TextualBody", "value": "Définition à apprendre" },
                "target": { "source": format!("urn:sha256:{book}"), "selector": [
                    { "type": "FragmentSelector", "conformsTo": "http://tools.ietf.org/rfc/rfc3778", "value": "page=21" },
                    { "type": "TextQuoteSelector", "exact": "commande" }
                ] }
            },
            {
                "id": "urn:uuid:0191c2a8-0002-7000-8000-00000000a002",
                "type": "Annotation",
                "motivation": "highlighting",
                "body": { "type": "TextualBody", "value": "", "color": "pink" },
                "target": { "source": format!("urn:sha256:{book}"), "selector": [
                    { "type": "FragmentSelector", "conformsTo": "http://tools.ietf.org/rfc/rfc3778", "value": "page=2" },
                    { "type": "TextQuoteSelector", "exact": "zzz introuvable zzz" }
                ] }
            }
        ]
    });
    let set_file = home.path().join("set.json");
    std::fs::write(&set_file, serde_json::to_vec(&set).expect("json")).expect("write set");
    let set_path = set_file.to_str().expect("utf-8");
    let placed =
        with_stdin(&home, &["import-annotations", set_path, "--profile", "léa", "--pin-stdin", "--json"], "2580\n");
    assert_eq!(placed.status.code(), Some(1), "one could not be placed: exit 1");
    let report: serde_json::Value = serde_json::from_slice(&placed.stdout).expect("JSON report");
    assert_eq!(
        (report["placed"].as_u64(), report["unplaced"].as_array().map(Vec::len)),
        (Some(1), Some(1)),
        "{report}"
    );

    let wrong = with_stdin(&home, &["annotations", &book, "--profile", "Léa", "--pin-stdin"], "1111\n");
    assert_eq!(wrong.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("PIN"), "{}", String::from_utf8_lossy(&wrong.stderr));
    let no_pin = home.run(&["annotations", &book, "--profile", "Léa"]);
    assert_eq!(no_pin.status.code(), Some(1), "a PIN profile is not opened without its PIN");

    let listed = with_stdin(&home, &["annotations", &book, "--profile", "Léa", "--pin-stdin", "--json"], "2580\n");
    let notes: serde_json::Value = serde_json::from_slice(&listed.stdout).expect("JSON");
    assert_eq!(notes[0]["text"], "Définition à apprendre");
    assert_eq!(notes[0]["anchor"]["page"], 20);
    assert!(
        home.json(&["annotations", &book, "--json"]).as_array().expect("list").is_empty(),
        "the first profile has none"
    );

    for (format, name) in [("w3c", "notes.json"), ("md", "notes.md"), ("pdf", "annotated.pdf")] {
        let out = home.path().join(name);
        let done = with_stdin(
            &home,
            &[
                "export",
                &book,
                "--format",
                format,
                "--profile",
                "Léa",
                "--pin-stdin",
                "--out",
                out.to_str().expect("utf-8"),
            ],
            "2580\n",
        );
        assert!(done.status.success(), "{format}: {}", String::from_utf8_lossy(&done.stderr));
        let bytes = std::fs::read(&out).expect("written");
        match format {
            "md" => assert!(String::from_utf8_lossy(&bytes).contains("Définition à apprendre")),
            "pdf" => assert!(bytes.starts_with(b"%PDF-") && bytes.len() > 100_000),
            _ => assert!(String::from_utf8_lossy(&bytes).contains("TextQuoteSelector")),
        }
    }

    // Removing the book says its notes are kept.
    let removed = home.run(&["remove", &book]);
    assert!(String::from_utf8_lossy(&removed.stdout).contains("annotations are kept"));
}
