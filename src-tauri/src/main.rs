//! Cartable, the desktop app: a window over the library core. Commands are a few lines each
//! (`commands`), page images and book files come through the `cartable:` scheme (`protocol`).

mod commands;
mod protocol;

use std::path::PathBuf;
use std::sync::Arc;

use cartable_core::online::Online;
use cartable_core::{Library, Options, Seed, SystemClock};

/// What every command and the scheme handler share.
pub struct AppState {
    pub library: Arc<Library>,
    pub online: Arc<Online>,
    /// The task that runs the download queue, while it runs.
    pub downloads: std::sync::Mutex<Option<tauri::async_runtime::JoinHandle<()>>>,
    /// The profile of the pupil reading now, once chosen (and its PIN given).
    pub current: std::sync::Mutex<Option<String>>,
}

impl AppState {
    /// The open profile, or `NoProfile` before the pupil has chosen one.
    pub fn profile(&self) -> Result<String, cartable_core::ErrorView> {
        let current = self.current.lock().unwrap_or_else(|p| p.into_inner()).clone();
        current.ok_or_else(|| cartable_core::Error::NoProfile.into())
    }
}

/// Which build of the interface is embedded (set by build.rs): reading it here ties this
/// crate's compilation to the interface's files.
const _UI_STAMP: &str = env!("CARTABLE_UI_STAMP");

fn main() {
    paint_on_cpu_without_gpu();
    if let Err(message) = run() {
        eprintln!("cartable: {message}");
        std::process::exit(1);
    }
}

/// Without a GPU (no DRM render node this user may open: a virtual machine, a computer without
/// its graphics driver, a user outside the `render` group) WebKit's GPU painting runs on Mesa's
/// software OpenGL, compiling a shader per kind of drawing: ≈ 35 MiB more in the web process for
/// the library view than Skia's own CPU painter, which draws the same pages without them (see
/// BENCHMARKS.md). Compositing stays on OpenGL. A value already set by the user wins.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn paint_on_cpu_without_gpu() {
    const CPU_PAINTING: &str = "WEBKIT_SKIA_ENABLE_CPU_RENDERING";
    if std::env::var_os(CPU_PAINTING).is_some() || has_render_node() {
        return;
    }
    // SAFETY: the first thing `main` does, before any thread exists: nothing reads the
    // environment at the same time. WebKit's processes, started later, inherit it.
    unsafe { std::env::set_var(CPU_PAINTING, "1") };
}

/// A DRM render node that this user can open, as Mesa would to draw on the GPU.
#[cfg(target_os = "linux")]
fn has_render_node() -> bool {
    std::fs::read_dir("/dev/dri").is_ok_and(|dir| {
        dir.flatten().any(|e| {
            e.file_name().to_string_lossy().starts_with("renderD")
                && std::fs::OpenOptions::new().read(true).write(true).open(e.path()).is_ok()
        })
    })
}

#[cfg(not(target_os = "linux"))]
fn paint_on_cpu_without_gpu() {}

/// `--home DIR` on the command line (the rest is Tauri's).
fn home_flag() -> Option<PathBuf> {
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--home" {
            return args.next().map(PathBuf::from);
        }
    }
    None
}

/// Run by the main window before the page's own scripts (not in book frames): asks for the start
/// session at once, so that its round trip overlaps the loading of the interface's scripts
/// instead of following it (`session` in ui/src/lib/api.ts takes the answer).
const EARLY_SESSION: &str = "if (window.__TAURI_INTERNALS__) {
  const early = window.__TAURI_INTERNALS__.invoke('session');
  early.catch(() => {});
  window.__CARTABLE_SESSION__ = early;
}";

fn run() -> Result<(), String> {
    let root = cartable_core::home::from_env(home_flag())
        .ok_or("no library folder: set CARTABLE_HOME or HOME, or pass --home DIR")?;
    let seed = cartable_books::BUNDLED.iter().map(|b| Seed { name: b.file_name, bytes: b.bytes }).collect();
    let library = Library::open(&root, Options { clock: Arc::new(SystemClock), pdfium: None, seed })
        .map_err(|e| format!("opening the library in {}: {e}", root.display()))?;
    // A family with one pupil and no PIN goes straight to the shelf.
    let profiles = library.profiles().map_err(|e| format!("reading the profiles: {e}"))?;
    let current = match profiles.as_slice() {
        [only] if !only.has_pin => Some(only.id.clone()),
        _ => None,
    };
    let library = Arc::new(library);
    let bundled: Vec<(&'static str, &'static [u8])> = std::iter::once(("catalogue.xml", cartable_books::CATALOGUE))
        .chain(cartable_books::BUNDLED.iter().map(|b| (b.file_name, b.bytes)))
        .collect();
    let online = Arc::new(Online::new(library.clone(), &bundled).map_err(|e| format!("starting the catalogues: {e}"))?);
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(AppState {
            library,
            online,
            downloads: std::sync::Mutex::new(None),
            current: std::sync::Mutex::new(current),
        })
        .setup(|app| {
            // The window of tauri.conf.json ("create": false there), with the early session.
            let config = app.config().app.windows.first().cloned().ok_or("no window in tauri.conf.json")?;
            tauri::WebviewWindowBuilder::from_config(app.handle(), &config)?
                .initialization_script(EARLY_SESSION)
                .build()?;
            // Downloads left unfinished (closed window, crash) go on where they stopped.
            commands::run_downloads(app.handle());
            Ok(())
        })
        .register_asynchronous_uri_scheme_protocol("cartable", protocol::handle)
        .invoke_handler(tauri::generate_handler![
            commands::list_books,
            commands::get_book,
            commands::open_book,
            commands::save_position,
            commands::import_files,
            commands::remove_book,
            commands::search,
            commands::text_layer,
            commands::page_for_label,
            commands::list_catalogs,
            commands::add_catalog,
            commands::rename_catalog,
            commands::remove_catalog,
            commands::sign_in,
            commands::browse_catalog,
            commands::search_catalog,
            commands::list_downloads,
            commands::start_download,
            commands::pause_download,
            commands::resume_download,
            commands::cancel_download,
            commands::clear_downloads,
            commands::get_bandwidth,
            commands::set_bandwidth,
            commands::check_updates,
            commands::accept_update,
            commands::list_profiles,
            commands::current_profile,
            commands::session,
            commands::choose_profile,
            commands::add_profile,
            commands::rename_profile,
            commands::set_pin,
            commands::remove_profile,
            commands::get_settings,
            commands::set_setting,
            commands::list_annotations,
            commands::add_annotation,
            commands::update_annotation,
            commands::delete_annotation,
            commands::search_notes,
            commands::book_annotation_count,
            commands::export_annotations,
            commands::import_annotations,
        ])
        .run(tauri::generate_context!())
        .map_err(|e| format!("the window could not start: {e}"))
}
