//! `cartable-books build` writes the bundled books from their sources;
//! `cartable-books check` fails if a committed book is not what its sources give.

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: cartable-books <build|check> [--books <dir>]

  build   write books/*.pdf and books/*.epub from books/src/
  check   rebuild in memory; exit 1 if a committed book differs from its sources

--books defaults to the books/ folder of this workspace.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, books)) = parse(&args) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let result = match command.as_str() {
        "build" => build(&books),
        "check" => check(&books),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    result.unwrap_or_else(|error| {
        eprintln!("error: {error}");
        ExitCode::FAILURE
    })
}

fn parse(args: &[String]) -> Option<(String, PathBuf)> {
    match args {
        [command] => Some((command.clone(), cartable_books::books_dir())),
        [command, flag, dir] if flag == "--books" => Some((command.clone(), PathBuf::from(dir))),
        _ => None,
    }
}

fn build(books: &std::path::Path) -> Result<ExitCode, cartable_books::Error> {
    let written = cartable_books::write_all(books)?;
    if written.is_empty() {
        println!("every book is up to date");
    }
    for path in written {
        println!("wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn check(books: &std::path::Path) -> Result<ExitCode, cartable_books::Error> {
    let stale = cartable_books::check(books)?;
    if stale.is_empty() {
        println!("every book matches its sources");
        return Ok(ExitCode::SUCCESS);
    }
    for s in &stale {
        eprintln!("{s}");
    }
    eprintln!("run `cargo run -p cartable-books -- build` and commit the books");
    Ok(ExitCode::FAILURE)
}
