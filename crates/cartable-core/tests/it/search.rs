//! Search: case and accents ignored, phrases, prefixes, ranking, one book.

use cartable_core::Error;

use crate::{corpus, library};

#[test]
fn french_search_ignores_accents_and_case() {
    let (_dir, library) = library();
    let lshort = library.import(&corpus("pdf/fr-lshort-fr.pdf"), None).expect("import").book.id;
    library.import(&corpus("epub/tc-bovary-fr.epub"), None).expect("import");
    for query in ["typographique", "TYPOGRAPHIQUE", "typogràphiqué", "\"qualite typographique\"", "typograph*"] {
        let hits = library.search(query, None, 20).expect(query);
        assert!(
            hits.iter().any(|h| h.book == lshort && h.index == 19),
            "{query}: page 20 of lshort-fr speaks of « qualité typographique »: {:?}",
            hits.iter().map(|h| (h.title.clone(), h.index)).collect::<Vec<_>>()
        );
    }
    let accented = library.search("élève", None, 50).expect("élève");
    let plain = library.search("ELEVE", None, 50).expect("ELEVE");
    assert!(!accented.is_empty(), "French books speak of pupils");
    let key = |h: &cartable_core::Hit| (h.book.clone(), h.index);
    assert_eq!(
        accented.iter().map(key).collect::<Vec<_>>(),
        plain.iter().map(key).collect::<Vec<_>>(),
        "élève = ELEVE"
    );
    assert!(accented[0].snippet.contains("<mark>"), "the match is marked: {}", accented[0].snippet);
}

#[test]
fn hits_carry_printed_labels_and_can_be_limited_to_one_book() {
    let (_dir, library) = library();
    let master = library.import(&corpus("pdf/fr-masterCollegeComplet.pdf"), None).expect("import").book.id;
    let lshort = library.import(&corpus("pdf/fr-lshort-fr.pdf"), None).expect("import").book.id;
    let hits = library.search("Remerciements", Some(&master), 10).expect("search");
    assert!(!hits.is_empty() && hits.iter().all(|h| h.book == master), "limited to one book");
    assert!(hits.iter().any(|h| h.label.is_some()), "hits carry the printed page label: {hits:?}");
    let everywhere = library.search("le", None, 5).expect("common word");
    assert_eq!(everywhere.len(), 5, "the limit is respected");
    assert!(library.search("le", Some(&lshort), 5).expect("one book").iter().all(|h| h.book == lshort));
    assert!(matches!(library.search("  \"\" ", None, 5), Err(Error::EmptyQuery)));
    assert!(library.search("NEAR( AND OR *", None, 5).is_ok(), "FTS5 syntax typed by a user is taken literally");
}
