//! The IPC commands: each one extracts the state, calls one function of the core and maps the
//! error to `{ code, message }`. They are `async` so that they run off the window's thread.

use std::path::PathBuf;

use serde::Serialize;
use tauri::{AppHandle, Emitter, State};

use cartable_core::online::{Catalog, Credential, DownloadRequest, DownloadView, FeedPage, Update};
use cartable_core::{
    Annotation, AnnotationChange, AnnotationsImport, BookId, ErrorView, ExportFormat, Hit, ImportLine, NewAnnotation,
    NoteHit, Opened, Position, Profile, ShelfBook, TextRun,
};
use tauri::Manager;

use crate::AppState;

type Reply<T> = Result<T, ErrorView>;

fn id(text: &str) -> Result<BookId, ErrorView> {
    BookId::parse(text).map_err(ErrorView::from)
}

#[tauri::command]
pub async fn list_books(state: State<'_, AppState>) -> Reply<Vec<ShelfBook>> {
    Ok(state.library.shelf(&state.profile()?)?)
}

#[tauri::command]
pub async fn get_book(state: State<'_, AppState>, id: String) -> Reply<cartable_core::Book> {
    Ok(state.library.book(&self::id(&id)?)?)
}

#[tauri::command]
pub async fn open_book(state: State<'_, AppState>, id: String) -> Reply<Opened> {
    Ok(state.library.open_book(&state.profile()?, &self::id(&id)?)?)
}

#[tauri::command]
pub async fn save_position(state: State<'_, AppState>, id: String, position: Position) -> Reply<()> {
    Ok(state.library.save_position(&state.profile()?, &self::id(&id)?, &position)?)
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
pub async fn get_bandwidth(state: State<'_, AppState>) -> Reply<Option<u64>> {
    Ok(state.online.bandwidth()?)
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

// ----- profiles ------------------------------------------------------------------------

#[tauri::command]
pub async fn list_profiles(state: State<'_, AppState>) -> Reply<Vec<Profile>> {
    Ok(state.library.profiles()?)
}

/// What the window needs at start, in one round trip: the open profile, its settings and its
/// shelf (when one is open), and the profiles to choose from.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    profile: Option<Profile>,
    profiles: Vec<Profile>,
    settings: Option<serde_json::Map<String, serde_json::Value>>,
    shelf: Option<Vec<ShelfBook>>,
}

#[tauri::command]
pub async fn session(state: State<'_, AppState>) -> Reply<Session> {
    let current = state.current.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let profile = current.map(|id| state.library.profile(&id)).transpose()?;
    let settings = profile.as_ref().map(|p| state.library.profile_settings(&p.id)).transpose()?;
    let shelf = profile.as_ref().map(|p| state.library.shelf(&p.id)).transpose()?;
    Ok(Session { profile, profiles: state.library.profiles()?, settings, shelf })
}

#[tauri::command]
pub async fn current_profile(state: State<'_, AppState>) -> Reply<Option<Profile>> {
    let current = state.current.lock().unwrap_or_else(|p| p.into_inner()).clone();
    Ok(current.map(|id| state.library.profile(&id)).transpose()?)
}

#[tauri::command]
pub async fn choose_profile(state: State<'_, AppState>, id: String, pin: Option<String>) -> Reply<Profile> {
    let profile = state.library.unlock_profile(&id, pin.as_deref())?;
    *state.current.lock().unwrap_or_else(|p| p.into_inner()) = Some(profile.id.clone());
    Ok(profile)
}

#[tauri::command]
pub async fn add_profile(state: State<'_, AppState>, name: String, pin: Option<String>) -> Reply<Profile> {
    Ok(state.library.add_profile(&name, pin.as_deref())?)
}

#[tauri::command]
pub async fn rename_profile(state: State<'_, AppState>, id: String, name: String) -> Reply<()> {
    Ok(state.library.rename_profile(&id, &name)?)
}

/// Sets or removes the PIN of the profile that is open (never another one's).
#[tauri::command]
pub async fn set_pin(state: State<'_, AppState>, id: String, pin: Option<String>) -> Reply<()> {
    if state.profile()? != id {
        return Err(cartable_core::Error::PinRequired.into());
    }
    Ok(state.library.set_pin(&id, pin.as_deref())?)
}

/// Removes a profile and what it wrote; its PIN is asked when it has one.
#[tauri::command]
pub async fn remove_profile(state: State<'_, AppState>, id: String, pin: Option<String>) -> Reply<()> {
    state.library.unlock_profile(&id, pin.as_deref())?;
    state.library.remove_profile(&id)?;
    let mut current = state.current.lock().unwrap_or_else(|p| p.into_inner());
    if current.as_deref() == Some(id.as_str()) {
        *current = None;
    }
    Ok(())
}

#[tauri::command]
pub async fn get_settings(state: State<'_, AppState>) -> Reply<serde_json::Map<String, serde_json::Value>> {
    Ok(state.library.profile_settings(&state.profile()?)?)
}

#[tauri::command]
pub async fn set_setting(state: State<'_, AppState>, key: String, value: serde_json::Value) -> Reply<()> {
    Ok(state.library.set_profile_setting(&state.profile()?, &key, &value)?)
}

// ----- annotations ---------------------------------------------------------------------

fn annotation_id(text: &str) -> Result<uuid::Uuid, ErrorView> {
    uuid::Uuid::parse_str(text).map_err(|_| cartable_core::Error::AnnotationNotFound(text.to_owned()).into())
}

#[tauri::command]
pub async fn list_annotations(state: State<'_, AppState>, id: String, page: Option<usize>) -> Reply<Vec<Annotation>> {
    Ok(state.library.annotations(&state.profile()?, &self::id(&id)?, page)?)
}

#[tauri::command]
pub async fn add_annotation(state: State<'_, AppState>, id: String, annotation: NewAnnotation) -> Reply<Annotation> {
    Ok(state.library.add_annotation(&state.profile()?, &self::id(&id)?, annotation)?)
}

#[tauri::command]
pub async fn update_annotation(
    state: State<'_, AppState>,
    annotation_id: String,
    change: AnnotationChange,
) -> Reply<Annotation> {
    Ok(state.library.update_annotation(&state.profile()?, self::annotation_id(&annotation_id)?, change)?)
}

#[tauri::command]
pub async fn delete_annotation(state: State<'_, AppState>, annotation_id: String) -> Reply<()> {
    Ok(state.library.delete_annotation(&state.profile()?, self::annotation_id(&annotation_id)?)?)
}

#[tauri::command]
pub async fn search_notes(state: State<'_, AppState>, query: String, limit: usize) -> Reply<Vec<NoteHit>> {
    Ok(state.library.search_notes(&state.profile()?, &query, limit)?)
}

#[tauri::command]
pub async fn book_annotation_count(state: State<'_, AppState>, id: String) -> Reply<usize> {
    Ok(state.library.annotation_count(&self::id(&id)?)?)
}

/// Writes the export to `path` (chosen by the pupil in the save dialog) through a temporary
/// file, so that a failure never leaves half a file.
#[tauri::command]
pub async fn export_annotations(
    state: State<'_, AppState>,
    id: String,
    format: ExportFormat,
    path: PathBuf,
) -> Reply<()> {
    let profile = state.profile()?;
    let lang = state.library.profile_settings(&profile)?.get("lang").and_then(|v| v.as_str().map(str::to_owned));
    let bytes = state.library.export_annotations(&profile, &self::id(&id)?, format, lang.as_deref().unwrap_or("fr"))?;
    cartable_core::write_file_atomically(&path, &bytes)?;
    Ok(())
}

#[tauri::command]
pub async fn import_annotations(state: State<'_, AppState>, path: PathBuf) -> Reply<AnnotationsImport> {
    let bytes = cartable_core::read_small_file(&path, 64 << 20)?;
    Ok(state.library.import_annotations(&state.profile()?, &bytes)?)
}
