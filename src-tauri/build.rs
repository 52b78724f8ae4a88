//! Declares the app's commands (so that capabilities must allow each one by name) and makes
//! sure a front end exists to embed: `cargo build` works from a clean clone even before
//! `npm run build` has made `ui/dist` (the window then says how to build it).

use std::path::Path;

/// Every command the shell exposes; `capabilities/default.json` allows them one by one.
const COMMANDS: &[&str] = &[
    "list_books",
    "get_book",
    "open_book",
    "save_position",
    "import_files",
    "remove_book",
    "search",
    "text_layer",
    "page_for_label",
    "list_catalogs",
    "add_catalog",
    "rename_catalog",
    "remove_catalog",
    "sign_in",
    "browse_catalog",
    "search_catalog",
    "list_downloads",
    "start_download",
    "pause_download",
    "resume_download",
    "cancel_download",
    "clear_downloads",
    "get_bandwidth",
    "set_bandwidth",
    "check_updates",
    "accept_update",
    "list_profiles",
    "current_profile",
    "session",
    "choose_profile",
    "add_profile",
    "rename_profile",
    "set_pin",
    "remove_profile",
    "get_settings",
    "set_setting",
    "list_annotations",
    "add_annotation",
    "update_annotation",
    "delete_annotation",
    "search_notes",
    "book_annotation_count",
    "export_annotations",
    "import_annotations",
];

fn main() {
    let dist = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/dist");
    println!("cargo:rerun-if-changed=../ui/dist");
    if !dist.join("index.html").is_file() {
        println!("cargo:warning=ui/dist is missing: embedding a placeholder page (run `npm run build` in ui/)");
        let placeholder = concat!(
            "<!doctype html><html lang=\"fr\"><meta charset=\"utf-8\"><title>Cartable</title>",
            "<body><h1>Cartable</h1><p>L'interface n'a pas été construite : lancez <code>scripts/run</code>.</p>",
            "<p lang=\"en\">The interface was not built: run <code>scripts/run</code>.</p></body></html>"
        );
        if std::fs::create_dir_all(&dist).and_then(|()| std::fs::write(dist.join("index.html"), placeholder)).is_err() {
            println!("cargo:warning=could not write the placeholder page in {}", dist.display());
        }
    }
    // The window's files are embedded when this crate compiles: a stamp of them (names, sizes,
    // times) in the environment makes any new build of the interface recompile the crate, so
    // that an index.html is never embedded beside the scripts of an older build.
    println!("cargo:rustc-env=CARTABLE_UI_STAMP={}", stamp(&dist));
    let attributes = tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {e:#}");
    }
}

/// Every file under `dir` with its size and modification time, folded into one number.
fn stamp(dir: &Path) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            match entry.metadata() {
                Ok(m) if m.is_dir() => pending.push(path),
                Ok(m) => files.push((path, m.len(), m.modified().ok())),
                Err(_) => {}
            }
        }
    }
    files.sort();
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    files.hash(&mut hasher);
    hasher.finish()
}
