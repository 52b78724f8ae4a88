//! The committed books are exactly what their sources give.

use std::fs;
use std::path::Path;

use cartable_books::{BUNDLED, RECIPES, Reason, books_dir, check};

#[test]
fn committed_books_match_their_sources() {
    let stale = check(&books_dir()).expect("every book builds from its sources");
    let report: Vec<String> = stale.iter().map(ToString::to_string).collect();
    assert!(stale.is_empty(), "run `cargo run -p cartable-books -- build`: {report:?}");
}

#[test]
fn bundled_bytes_are_the_committed_files_in_recipe_order() {
    assert_eq!(BUNDLED.len(), 3, "the app imports exactly three books");
    for (bundled, recipe) in BUNDLED.iter().zip(RECIPES) {
        assert_eq!(bundled.file_name, recipe.file_name, "BUNDLED and RECIPES list the books in the same order");
        let committed = fs::read(books_dir().join(bundled.file_name)).expect("the committed book is readable");
        assert!(bundled.bytes == committed.as_slice(), "{} was compiled from another version", bundled.file_name);
    }
}

#[test]
fn building_twice_gives_the_same_bytes() {
    for recipe in RECIPES {
        let first = recipe.build(&books_dir()).expect("the book builds");
        let second = recipe.build(&books_dir()).expect("the book builds again");
        assert!(first == second, "{} must not depend on time or chance", recipe.file_name);
    }
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("a folder in the temporary directory");
    for entry in fs::read_dir(from).expect("a readable folder") {
        let path = entry.expect("a readable entry").path();
        let target = to.join(path.file_name().expect("a named entry"));
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            fs::copy(&path, &target).expect("a copied file");
        }
    }
}

#[test]
fn check_names_the_book_that_differs_and_the_one_that_is_missing() {
    let temp = tempfile::tempdir().expect("a temporary directory");
    let books = temp.path().join("books");
    copy_tree(&books_dir(), &books);
    let pdf = books.join("mathematiques-6e.pdf");
    let mut bytes = fs::read(&pdf).expect("the copied PDF");
    bytes.push(b'\n');
    fs::write(&pdf, &bytes).expect("a modified PDF");
    fs::remove_file(books.join("geometrie-cahier-fxl.epub")).expect("a removed EPUB");

    let stale = check(&books).expect("the sources still build");
    assert_eq!(stale.len(), 2, "{stale:?}");
    assert_eq!(stale[0].path, pdf);
    assert!(matches!(stale[0].reason, Reason::Differs { .. }));
    assert!(stale[0].to_string().contains("mathematiques-6e.pdf"), "the message names the file");
    assert_eq!(stale[1].reason, Reason::Missing);

    cartable_books::write_all(&books).expect("the books are rewritten");
    assert!(check(&books).expect("the sources build").is_empty(), "build repairs what check reports");
}
