//! The download queue: persisted in the database, resumed after a restart or a kill, each
//! file checked (size, sha256, PDF or EPUB) before it is imported in one step.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;
use url::Url;

use super::{BUNDLED_SCHEME, Online, parse_address};
use crate::db::catalogs::{self, SourceRow};
use crate::db::downloads::{self, DownloadRow, NewDownload};
use crate::db::settings;
use crate::model::Source;
use crate::{BookId, Error, Result};

/// What to download: an acquisition link, and the catalogue entry it belongs to.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DownloadRequest {
    pub url: String,
    pub catalog: Option<i64>,
    pub entry_id: Option<String>,
    pub entry_url: Option<String>,
    pub title: Option<String>,
    /// The entry's `updated` date, remembered to notice a new edition.
    pub updated: Option<String>,
    pub expected_size: Option<u64>,
}

/// A download as the interface shows it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DownloadView {
    pub id: i64,
    pub url: String,
    pub title: Option<String>,
    /// `queued`, `running`, `paused`, `failed`, `done` or `cancelled`.
    pub state: String,
    pub bytes: u64,
    pub total: Option<u64>,
    pub bytes_per_second: u64,
    pub eta_seconds: Option<u64>,
    pub error_code: Option<String>,
    pub error: Option<String>,
    /// The book it became, once done.
    pub book: Option<String>,
    /// The edition it replaces, for an update.
    pub replaces: Option<String>,
}

/// A book whose catalogue entry changed since it was downloaded.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Update {
    pub book: BookId,
    pub title: String,
    pub catalog: Option<i64>,
    pub current: Option<String>,
    pub available: Option<String>,
    pub url: String,
    pub entry_id: Option<String>,
    pub entry_url: Option<String>,
}

fn view(row: &DownloadRow, speed: u64, eta: Option<Duration>) -> DownloadView {
    DownloadView {
        id: row.id,
        url: row.url.clone(),
        title: row.title.clone(),
        state: row.state.clone(),
        bytes: row.bytes,
        total: row.total,
        bytes_per_second: speed,
        eta_seconds: eta.map(|d| d.as_secs()),
        error_code: row.error_code.clone(),
        error: row.error.clone(),
        book: row.book_id.clone(),
        replaces: row.replaces.clone(),
    }
}

/// How often a running download saves where it is.
const SAVE_EVERY: Duration = Duration::from_secs(1);

impl Online {
    fn part_path(&self, id: i64) -> PathBuf {
        self.library.root().join("downloads").join(format!("{id}.part"))
    }

    /// Queues a download (the same address already waiting is not queued twice).
    pub fn enqueue(&self, request: &DownloadRequest) -> Result<i64> {
        self.enqueue_replacing(request, None)
    }

    fn enqueue_replacing(&self, r: &DownloadRequest, replaces: Option<&str>) -> Result<i64> {
        let url = parse_address(&r.url)?;
        let now = self.library.now();
        let new = NewDownload {
            url: url.as_str(),
            catalog_id: r.catalog,
            entry_id: r.entry_id.as_deref(),
            entry_url: r.entry_url.as_deref(),
            title: r.title.as_deref(),
            updated: r.updated.as_deref(),
            expected_size: r.expected_size,
            replaces,
        };
        self.library.with_db(|c| downloads::enqueue(c, &new, now))
    }

    pub fn downloads(&self) -> Result<Vec<DownloadView>> {
        Ok(self.library.with_db(downloads::list)?.iter().map(|r| view(r, 0, None)).collect())
    }

    fn row(&self, id: i64) -> Result<DownloadRow> {
        self.library.with_db(|c| downloads::get(c, id))?.ok_or(Error::DownloadNotFound(id))
    }

    /// Pauses a download: a running one stops after its current chunk and keeps what it has.
    pub fn pause(&self, id: i64) -> Result<()> {
        let row = self.row(id)?;
        if let Some(control) = self.control(id) {
            control.pause();
        } else if row.state == "queued" || row.state == "failed" {
            let now = self.library.now();
            self.library.with_db(|c| downloads::set_state(c, id, "paused", None, now))?;
        }
        Ok(())
    }

    /// Queues a paused or failed download again; it resumes where it stopped.
    pub fn resume(&self, id: i64) -> Result<()> {
        let row = self.row(id)?;
        if matches!(row.state.as_str(), "paused" | "failed") {
            let now = self.library.now();
            self.library.with_db(|c| downloads::set_state(c, id, "queued", None, now))?;
        }
        Ok(())
    }

    /// Cancels a download and deletes what it had fetched.
    pub fn cancel(&self, id: i64) -> Result<()> {
        self.row(id)?;
        if let Some(control) = self.control(id) {
            control.cancel();
            return Ok(());
        }
        let _ = std::fs::remove_file(self.part_path(id));
        let now = self.library.now();
        self.library.with_db(|c| downloads::set_state(c, id, "cancelled", None, now))
    }

    /// Forgets finished and cancelled downloads.
    pub fn clear_finished(&self) -> Result<usize> {
        self.library.with_db(downloads::clear_finished)
    }

    /// Caps the speed of every download (bytes per second), for weak connections; `None` lifts it.
    /// The cap is remembered, and applies to the downloads running now; caps below
    /// `cartable_net::MIN_BANDWIDTH` are raised to it.
    pub fn set_bandwidth(&self, bytes_per_second: Option<u64>) -> Result<()> {
        let cap = bytes_per_second.map(|b| b.max(cartable_net::MIN_BANDWIDTH));
        let value = cap.map(|b| b.to_string()).unwrap_or_default();
        self.library.with_db(|c| settings::set(c, "download_bandwidth", &value))?;
        for control in self.running.lock().unwrap_or_else(|p| p.into_inner()).values() {
            control.set_bandwidth_limit(cap);
        }
        Ok(())
    }

    /// The speed cap of downloads (bytes per second), if one is set.
    pub fn bandwidth(&self) -> Result<Option<u64>> {
        Ok(self.library.with_db(|c| settings::get(c, "download_bandwidth"))?.and_then(|v| v.parse().ok()))
    }

    fn control(&self, id: i64) -> Option<Arc<cartable_net::Control>> {
        self.running.lock().unwrap_or_else(|p| p.into_inner()).get(&id).cloned()
    }

    /// Runs queued downloads, `concurrency` at a time, until none is left; `progress` hears of
    /// every change (several times a second while bytes flow).
    pub async fn run_queue(self: &Arc<Self>, concurrency: usize, progress: Arc<dyn Fn(DownloadView) + Send + Sync>) {
        let mut tasks = tokio::task::JoinSet::new();
        loop {
            while tasks.len() < concurrency.max(1) {
                let now = self.library.now();
                let Ok(Some(row)) = self.library.with_db(|c| downloads::claim_next(c, now)) else { break };
                let online = Arc::clone(self);
                let progress = Arc::clone(&progress);
                tasks.spawn(async move {
                    let _ = online.run(row, progress.as_ref()).await;
                });
            }
            if tasks.join_next().await.is_none() {
                break;
            }
        }
    }

    /// Runs one queued download to the end: fetched (resuming what is on disk), checked,
    /// imported. Its final state is in the database either way.
    pub async fn run_one(&self, id: i64, progress: &(dyn Fn(DownloadView) + Send + Sync)) -> Result<BookId> {
        let now = self.library.now();
        self.library.with_db(|c| downloads::set_state(c, id, "running", None, now))?;
        let row = self.row(id)?;
        self.run(row, progress).await
    }

    async fn run(&self, row: DownloadRow, progress: &(dyn Fn(DownloadView) + Send + Sync)) -> Result<BookId> {
        let id = row.id;
        let control = Arc::new(cartable_net::Control::new());
        control.set_bandwidth_limit(self.bandwidth()?);
        self.running.lock().unwrap_or_else(|p| p.into_inner()).insert(id, control.clone());
        let outcome = self.transfer(&row, &control, progress).await;
        self.running.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
        let now = self.library.now();
        let state = match &outcome {
            Ok(_) => None,
            Err(Error::Net(cartable_net::Error::Paused)) => Some(("paused", None)),
            Err(Error::Net(cartable_net::Error::Cancelled)) => Some(("cancelled", None)),
            Err(e) => Some(("failed", Some((e.code(), e.to_string())))),
        };
        if let Some((state, error)) = state {
            let error = error.as_ref().map(|(code, message)| (*code, message.as_str()));
            self.library.with_db(|c| downloads::set_state(c, id, state, error, now))?;
            if state == "cancelled" {
                let _ = std::fs::remove_file(self.part_path(id));
            }
        }
        if let Ok(latest) = self.row(id) {
            progress(view(&latest, 0, None));
        }
        outcome
    }

    async fn transfer(
        &self,
        row: &DownloadRow,
        control: &cartable_net::Control,
        progress: &(dyn Fn(DownloadView) + Send + Sync),
    ) -> Result<BookId> {
        let url = parse_address(&row.url)?;
        let part = self.part_path(row.id);
        if let Some(dir) = part.parent() {
            std::fs::create_dir_all(dir).map_err(Error::io(format!("creating {}", dir.display())))?;
        }
        let (path, sha256) = if url.scheme() == BUNDLED_SCHEME {
            self.copy_bundled(&url, &part)?
        } else {
            self.fetch_to(row, &url, &part, control, progress).await?
        };
        self.import_download(row, &path, sha256).await
    }

    async fn fetch_to(
        &self,
        row: &DownloadRow,
        url: &Url,
        part: &std::path::Path,
        control: &cartable_net::Control,
        progress: &(dyn Fn(DownloadView) + Send + Sync),
    ) -> Result<(PathBuf, String)> {
        let credential = self.credential_for(row.catalog_id)?;
        let request = cartable_net::Request {
            url: url.clone(),
            auth: credential.as_ref().map(super::auth_of),
            dest: part.to_path_buf(),
            expected_size: row.expected_size,
            expected_sha256: None,
        };
        let mut state: cartable_net::State =
            row.resume.as_deref().and_then(|json| serde_json::from_str(json).ok()).unwrap_or_default();
        let saved_at = std::sync::Mutex::new(Instant::now() - SAVE_EVERY);
        let last_bytes = AtomicU64::new(row.bytes);
        let mut current = row.clone();
        current.state = "running".into();
        let result = cartable_net::download(&self.client, &request, &mut state, control, |p| {
            last_bytes.store(p.bytes, Ordering::Relaxed);
            current.bytes = p.bytes;
            current.total = p.total;
            let mut saved = saved_at.lock().unwrap_or_else(|e| e.into_inner());
            if saved.elapsed() >= SAVE_EVERY {
                *saved = Instant::now();
                if let Ok(json) = serde_json::to_string(&p.state) {
                    let now = self.library.now();
                    let _ = self.library.with_db(|c| downloads::save_progress(c, row.id, &json, p.bytes, p.total, now));
                }
            }
            progress(view(&current, p.bytes_per_second, p.eta));
        })
        .await;
        // Whatever happened, remember where the transfer is, for the next attempt.
        if let Ok(json) = serde_json::to_string(&state) {
            let now = self.library.now();
            let (bytes, total) = (state.bytes(), state.total());
            self.library.with_db(|c| downloads::save_progress(c, row.id, &json, bytes, total, now))?;
        }
        let done = result?;
        Ok((done.path, done.sha256))
    }

    fn copy_bundled(&self, url: &Url, part: &std::path::Path) -> Result<(PathBuf, String)> {
        let name = url.path().trim_start_matches('/');
        let bytes = self.bundled_file(name).ok_or_else(|| Error::InvalidAddress(url.to_string()))?;
        std::fs::write(part, bytes).map_err(Error::io(format!("writing {}", part.display())))?;
        Ok((part.to_path_buf(), crate::store::sha256_of(part).map_err(Error::io("hashing the download"))?))
    }

    /// Checks that the file is a book and imports it in one step; the catalogue entry is
    /// remembered; an update replaces its old edition once the new one is in.
    async fn import_download(&self, row: &DownloadRow, path: &std::path::Path, sha256: String) -> Result<BookId> {
        let library = Arc::clone(&self.library);
        let catalog_name = match row.catalog_id {
            Some(id) => self.library.with_db(|c| catalogs::get(c, id))?.map(|c| c.name),
            None => None,
        };
        let source = Source::Catalog { url: row.url.clone(), catalog: catalog_name };
        let name = row.title.clone().unwrap_or_else(|| file_name_of(&row.url));
        let path = path.to_path_buf();
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or_default();
        let imported = tokio::task::spawn_blocking(move || library.import_downloaded(&path, sha256, &name, source))
            .await
            .map_err(|_| Error::Pdf(cartable_pdf::Error::EngineStopped))?;
        let imported = match imported {
            Ok(imported) => imported,
            Err(e) => {
                // What came is not a readable book: nothing of it stays.
                let _ = std::fs::remove_file(self.part_path(row.id));
                return Err(e);
            }
        };
        let id = imported.book.id.clone();
        let now = self.library.now();
        let source = SourceRow {
            book_id: id.to_string(),
            catalog_id: row.catalog_id,
            entry_id: row.entry_id.clone(),
            entry_url: row.entry_url.clone(),
            acquisition_url: row.url.clone(),
            updated: row.updated.clone(),
        };
        self.library.with_db(|c| catalogs::set_source(c, &source, now))?;
        self.library.with_db(|c| downloads::finish(c, row.id, id.as_str(), size, now))?;
        if let Some(old) = row.replaces.as_deref().and_then(|o| BookId::parse(o).ok())
            && old != id
        {
            // The new edition is complete: the old one goes.
            let _ = self.library.remove(&old);
        }
        Ok(id)
    }

    /// Books whose catalogue entry changed since they were downloaded (a newer `updated`).
    pub async fn check_updates(&self) -> Result<Vec<Update>> {
        let sources = self.library.with_db(catalogs::sources)?;
        let mut found = Vec::new();
        let (mut reached, mut offline) = (0usize, None);
        for source in sources {
            let Some(page_url) = source.entry_url.clone() else { continue };
            let Ok(url) = parse_address(&page_url) else { continue };
            let credential = self.credential_for(source.catalog_id)?;
            let fetched = match self.fetch(&url, credential.as_ref()).await {
                Ok(f) => f,
                // One catalogue out of reach does not hide the others' new editions.
                Err(Error::Net(e)) if super::is_offline(&e) => {
                    offline = Some(e);
                    continue;
                }
                Err(_) => continue,
            };
            reached += 1;
            let Ok(feed) = cartable_opds::parse_feed(&fetched.bytes, &fetched.url, fetched.content_type.as_deref())
            else {
                continue;
            };
            let entry = feed
                .publications
                .iter()
                .find(|p| source.entry_id.is_some() && p.id.as_deref() == source.entry_id.as_deref())
                .or_else(|| (feed.publications.len() == 1).then(|| &feed.publications[0]));
            let now = self.library.now();
            self.library.with_db(|c| catalogs::touch_checked(c, &source.book_id, now))?;
            let Some(entry) = entry else { continue };
            let newer = match (&entry.updated, &source.updated) {
                (Some(new), Some(old)) => new > old,
                (Some(_), None) => false,
                _ => false,
            };
            let Some(acquisition) = entry.acquisitions.iter().find(|a| a.downloadable) else { continue };
            if !newer {
                continue;
            }
            let Ok(book) = BookId::parse(&source.book_id) else { continue };
            let title = self.library.book(&book).map(|b| b.summary.title).unwrap_or_else(|_| entry.title.clone());
            found.push(Update {
                book,
                title,
                catalog: source.catalog_id,
                current: source.updated.clone(),
                available: entry.updated.clone(),
                url: acquisition.href.to_string(),
                entry_id: entry.id.clone(),
                entry_url: source.entry_url.clone(),
            });
        }
        match offline {
            // Nothing could be reached at all: say so (the caller tries again when online).
            Some(e) if reached == 0 => Err(Error::Net(e)),
            _ => Ok(found),
        }
    }

    /// Queues the new edition of an updated book; the old edition stays until it is in.
    pub fn accept_update(&self, update: &Update) -> Result<i64> {
        let request = DownloadRequest {
            url: update.url.clone(),
            catalog: update.catalog,
            entry_id: update.entry_id.clone(),
            entry_url: update.entry_url.clone(),
            title: Some(update.title.clone()),
            updated: update.available.clone(),
            expected_size: None,
        };
        self.enqueue_replacing(&request, Some(update.book.as_str()))
    }
}

fn file_name_of(url: &str) -> String {
    url.rsplit('/').next().filter(|n| !n.is_empty()).unwrap_or("livre").to_owned()
}
