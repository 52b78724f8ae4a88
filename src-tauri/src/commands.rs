//! The IPC commands: each one extracts the state, calls one function of the core and maps the
//! error to `{ code, message }`. They are `async` so that they run off the window's thread.

use std::path::PathBuf;

use serde::Serialize;
use tauri::{AppHandle, Emitter, State};

use cartable_core::{BookId, ErrorView, Hit, ImportLine, Opened, Position, ShelfBook, TextRun};

use crate::AppState;

type Reply<T> = Result<T, ErrorView>;

fn id(text: &str) -> Result<BookId, ErrorView> {
    BookId::parse(text).map_err(ErrorView::from)
}

#[tauri::command]
pub async fn list_books(state: State<'_, AppState>) -> Reply<Vec<ShelfBook>> {
    Ok(state.library.shelf()?)
}

#[tauri::command]
pub async fn get_book(state: State<'_, AppState>, id: String) -> Reply<cartable_core::Book> {
    Ok(state.library.book(&self::id(&id)?)?)
}

#[tauri::command]
pub async fn open_book(state: State<'_, AppState>, id: String) -> Reply<Opened> {
    Ok(state.library.open_book(&self::id(&id)?)?)
}

#[tauri::command]
pub async fn save_position(state: State<'_, AppState>, id: String, position: Position) -> Reply<()> {
    Ok(state.library.save_position(&self::id(&id)?, &position)?)
}

#[tauri::command]
pub async fn remove_book(state: State<'_, AppState>, id: String) -> Reply<()> {
    Ok(state.library.remove(&self::id(&id)?)?)
}

#[tauri::command]
pub async fn search(
    state: State<'_, AppState>,
    query: String,
    book: Option<String>,
    limit: Option<usize>,
) -> Reply<Vec<Hit>> {
    let book = book.as_deref().map(id).transpose()?;
    Ok(state.library.search(&query, book.as_ref(), limit.unwrap_or(50).min(500))?)
}

#[tauri::command]
pub async fn text_layer(state: State<'_, AppState>, id: String, page: usize) -> Reply<Vec<TextRun>> {
    Ok(state.library.text_layer(&self::id(&id)?, page)?)
}

#[tauri::command]
pub async fn page_for_label(state: State<'_, AppState>, id: String, label: String) -> Reply<usize> {
    Ok(state.library.page_for_label(&self::id(&id)?, &label)?)
}

/// Sent as `import-progress` before and after each file.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct ImportProgress<'a> {
    index: usize,
    total: usize,
    file: &'a str,
    status: &'static str,
    error: Option<&'a str>,
}

#[tauri::command]
pub async fn import_files(
    app: AppHandle,
    state: State<'_, AppState>,
    paths: Vec<PathBuf>,
    password: Option<String>,
) -> Reply<Vec<ImportLine>> {
    let library = state.library.clone();
    let work = move || {
        let total = paths.len();
        let mut lines = Vec::with_capacity(total);
        for (index, path) in paths.iter().enumerate() {
            let file = path.display().to_string();
            let _ = app
                .emit("import-progress", ImportProgress { index, total, file: &file, status: "started", error: None });
            let line = ImportLine::new(file, &library.import(path, password.as_deref()));
            let _ = app.emit(
                "import-progress",
                ImportProgress { index, total, file: &line.file, status: line.status, error: line.error.as_deref() },
            );
            lines.push(line);
        }
        lines
    };
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| ErrorView { code: "Internal", message: format!("the import stopped unexpectedly: {e}") })
}
