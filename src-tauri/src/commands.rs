//! The IPC commands: each one extracts the state, calls one function of the core and maps the
//! error to `{ code, message }`. They are `async` so that they run off the window's thread.

use std::path::PathBuf;

use serde::Serialize;
use tauri::{AppHandle, Emitter, State};

use cartable_core::online::{Catalog, Credential, DownloadRequest, DownloadView, FeedPage, Update};
use cartable_core::{BookId, ErrorView, Hit, ImportLine, Opened, Position, ShelfBook, TextRun};
use tauri::Manager;

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
    tauri::async_runtime::spawn_blocking(work).await.map_err(|e| ErrorView {
        code: "Internal",
        message: format!("the import stopped unexpectedly: {e}"),
        details: None,
    })
}

// ----- catalogues ---------------------------------------------------------------------------

#[tauri::command]
pub async fn list_catalogs(state: State<'_, AppState>) -> Reply<Vec<Catalog>> {
    Ok(state.online.catalogs()?)
}

#[tauri::command]
pub async fn add_catalog(
    state: State<'_, AppState>,
    url: String,
    name: Option<String>,
    username: Option<String>,
    password: Option<String>,
) -> Reply<Catalog> {
    let credential =
        username.map(|username| Credential { username, password: password.unwrap_or_default(), token: None });
    Ok(state.online.add_catalog(&url, name.as_deref(), credential).await?)
}

#[tauri::command]
pub async fn rename_catalog(state: State<'_, AppState>, id: i64, name: String) -> Reply<()> {
    Ok(state.online.rename_catalog(id, &name)?)
}

#[tauri::command]
pub async fn remove_catalog(state: State<'_, AppState>, id: i64) -> Reply<()> {
    Ok(state.online.remove_catalog(id)?)
}

#[tauri::command]
pub async fn sign_in(state: State<'_, AppState>, id: i64, username: String, password: String) -> Reply<()> {
    Ok(state.online.sign_in(id, Credential { username, password, token: None })?)
}

#[tauri::command]
pub async fn browse_catalog(state: State<'_, AppState>, catalog: i64, url: Option<String>) -> Reply<FeedPage> {
    Ok(state.online.browse(catalog, url.as_deref()).await?)
}

#[tauri::command]
pub async fn search_catalog(state: State<'_, AppState>, catalog: i64, query: String) -> Reply<FeedPage> {
    Ok(state.online.search(catalog, &query).await?)
}

// ----- downloads ----------------------------------------------------------------------------

/// Runs the download queue in the background, unless it already runs; every change is sent
/// to the window as `download-progress`.
pub fn run_downloads(app: &AppHandle) {
    let state = app.state::<AppState>();
    let mut running = state.downloads.lock().unwrap_or_else(|p| p.into_inner());
    if running.as_ref().is_some_and(|task| !task.inner().is_finished()) {
        return;
    }
    let online = state.online.clone();
    let events = app.clone();
    *running = Some(tauri::async_runtime::spawn(async move {
        let emit: std::sync::Arc<dyn Fn(DownloadView) + Send + Sync> = std::sync::Arc::new(move |view| {
            let _ = events.emit("download-progress", view);
        });
        online.run_queue(2, emit).await;
    }));
}

#[tauri::command]
pub async fn list_downloads(state: State<'_, AppState>) -> Reply<Vec<DownloadView>> {
    Ok(state.online.downloads()?)
}

#[tauri::command]
pub async fn start_download(app: AppHandle, state: State<'_, AppState>, request: DownloadRequest) -> Reply<i64> {
    let id = state.online.enqueue(&request)?;
    run_downloads(&app);
    Ok(id)
}

#[tauri::command]
pub async fn pause_download(state: State<'_, AppState>, id: i64) -> Reply<()> {
    Ok(state.online.pause(id)?)
}

#[tauri::command]
pub async fn resume_download(app: AppHandle, state: State<'_, AppState>, id: i64) -> Reply<()> {
    state.online.resume(id)?;
    run_downloads(&app);
    Ok(())
}

#[tauri::command]
pub async fn cancel_download(state: State<'_, AppState>, id: i64) -> Reply<()> {
    Ok(state.online.cancel(id)?)
}

#[tauri::command]
pub async fn clear_downloads(state: State<'_, AppState>) -> Reply<usize> {
    Ok(state.online.clear_finished()?)
}

#[tauri::command]
pub async fn set_bandwidth(state: State<'_, AppState>, bytes_per_second: Option<u64>) -> Reply<()> {
    Ok(state.online.set_bandwidth(bytes_per_second)?)
}

#[tauri::command]
pub async fn check_updates(state: State<'_, AppState>) -> Reply<Vec<Update>> {
    Ok(state.online.check_updates().await?)
}

#[tauri::command]
pub async fn accept_update(app: AppHandle, state: State<'_, AppState>, update: Update) -> Reply<i64> {
    let id = state.online.accept_update(&update)?;
    run_downloads(&app);
    Ok(id)
}
