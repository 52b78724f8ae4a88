//! The commands that use the network: catalogues, downloads, updates.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Context;

use cartable_core::online::{Catalog, Credential, DownloadRequest, DownloadView, FeedPage, Online, SecretStore};
use cartable_core::{ErrorView, Library};

use crate::output::{Out, bytes};
use crate::{CatalogAction, progress_bar, read_password};

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread().enable_all().build().context("starting the network runtime")
}

fn connect(library: Library) -> anyhow::Result<Arc<Online>> {
    let bundled: Vec<(&'static str, &'static [u8])> = std::iter::once(("catalogue.xml", cartable_books::CATALOGUE))
        .chain(cartable_books::BUNDLED.iter().map(|b| (b.file_name, b.bytes)))
        .collect();
    Ok(Arc::new(Online::new(Arc::new(library), &bundled)?))
}

pub(crate) fn catalog(library: Library, action: CatalogAction, out: &mut Out) -> anyhow::Result<ExitCode> {
    let online = connect(library)?;
    let rt = runtime()?;
    match action {
        CatalogAction::Add { url, name, user, password_stdin, json } => {
            let credential = match (user, password_stdin) {
                (Some(username), true) => Some(Credential { username, password: read_password()?, token: None }),
                _ => None,
            };
            let added = rt.block_on(online.add_catalog(&url, name.as_deref(), credential));
            let added = match added {
                Err(e @ cartable_core::Error::SignInRequired { .. }) => {
                    let view = ErrorView::from(&e);
                    if json {
                        out.json(&view)?;
                    }
                    return Err(anyhow::Error::new(e).context(format!(
                        "{url}: give --user NAME --password-stdin{}",
                        sign_in_labels(&view).map(|l| format!(" ({l})")).unwrap_or_default()
                    )));
                }
                other => other?,
            };
            if json {
                out.json(&added)?;
            } else {
                out.line(&format!("added catalogue {} \"{}\" ({})", added.id, added.name, added.url))?;
                if added.username.is_some() {
                    out.line(&format!("the password is kept in {}", store_name(online.secret_store())))?;
                }
            }
        }
        CatalogAction::List { json } => {
            let all = online.catalogs()?;
            if json {
                out.json(&all)?;
            } else {
                // Asked only when a catalogue has a password (the keyring is not woken otherwise).
                let store =
                    if all.iter().any(|c| c.username.is_some()) { store_name(online.secret_store()) } else { "" };
                for c in all {
                    let who =
                        c.username.as_deref().map(|u| format!(" — signed in as {u}, {store}")).unwrap_or_default();
                    out.line(&format!("{:>3}  {}  {}{who}", c.id, c.name, c.url))?;
                }
            }
        }
        CatalogAction::Rename { catalog, name } => {
            let found = online.find_catalog(&catalog)?;
            online.rename_catalog(found.id, &name)?;
            out.line(&format!("renamed catalogue {} to \"{name}\"", found.id))?;
        }
        CatalogAction::Remove { catalog } => {
            let found = online.find_catalog(&catalog)?;
            online.remove_catalog(found.id)?;
            out.line(&format!("removed catalogue \"{}\" (its books stay in the library)", found.name))?;
        }
        CatalogAction::Browse { catalog, page, json } => {
            let found = match online.find_catalog(&catalog) {
                Ok(found) => Some(found),
                Err(_) if catalog.contains("://") || catalog.contains('.') => None,
                Err(e) => return Err(e.into()),
            };
            let result = match found {
                Some(c) => rt.block_on(online.browse(c.id, page.as_deref())),
                None => rt.block_on(online.browse_address(page.as_deref().unwrap_or(&catalog))),
            };
            show_page(&result?, json, out)?;
        }
        CatalogAction::Search { catalog, query, json } => {
            let found = online.find_catalog(&catalog)?;
            show_page(&rt.block_on(online.search(found.id, &query))?, json, out)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn store_name(store: SecretStore) -> &'static str {
    match store {
        SecretStore::Keyring => "the system keyring",
        SecretStore::File => "the library's encrypted password file",
    }
}

fn sign_in_labels(view: &ErrorView) -> Option<String> {
    let details = view.details.as_ref()?;
    let title = details.get("title").and_then(|t| t.as_str()).unwrap_or_default();
    Some(title.to_owned()).filter(|t| !t.is_empty())
}

fn show_page(page: &FeedPage, json: bool, out: &mut Out) -> anyhow::Result<()> {
    if json {
        out.json(page)?;
        return Ok(());
    }
    let feed = &page.feed;
    let offline = if page.offline { "  (offline: the copy saved when it was last seen)" } else { "" };
    out.line(&format!("{}{offline}", if feed.title.is_empty() { page.url.as_str() } else { feed.title.as_str() }))?;
    for link in &feed.navigation {
        out.line(&format!("  → {}  {}", link.title, link.href))?;
    }
    for group in &feed.groups {
        out.line(&format!(
            "  [{}] {} publications, {} links",
            group.title,
            group.publications.len(),
            group.navigation.len()
        ))?;
    }
    for p in &feed.publications {
        let authors = if p.authors.is_empty() { String::new() } else { format!(" — {}", p.authors.join(", ")) };
        out.line(&format!("  • {}{authors}", p.title))?;
        for a in &p.acquisitions {
            let mark = if a.downloadable { "download" } else { "not downloadable" };
            out.line(&format!("      {:?} {} ({mark}): {}", a.kind, a.media_type.as_deref().unwrap_or("?"), a.href))?;
        }
    }
    if let Some(next) = &feed.next {
        out.line(&format!("  next page: {next}"))?;
    }
    Ok(())
}

pub(crate) fn download(
    library: Library,
    url: &str,
    catalog: Option<&str>,
    limit_kb: Option<u64>,
    json: bool,
    out: &mut Out,
    interrupted: &Arc<AtomicBool>,
) -> anyhow::Result<ExitCode> {
    let online = connect(library)?;
    let catalog = catalog.map(|c| online.find_catalog(c)).transpose()?;
    if let Some(kb) = limit_kb {
        online.set_bandwidth(Some(kb * 1024))?;
    }
    let request = DownloadRequest {
        url: url.to_owned(),
        catalog: catalog.as_ref().map(|c: &Catalog| c.id),
        ..DownloadRequest::default()
    };
    let id = online.enqueue(&request)?;
    let rt = runtime()?;
    let bar = progress_bar(url, json);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes}, {bytes_per_sec}, {eta} left")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let progress = |v: DownloadView| {
        if let Some(total) = v.total {
            bar.set_length(total);
        }
        bar.set_position(v.bytes);
    };
    // Ctrl-C pauses: what was fetched stays, and the same command resumes it.
    let watcher = {
        let online = Arc::clone(&online);
        let interrupted = Arc::clone(interrupted);
        rt.spawn(async move {
            while !interrupted.load(Ordering::Relaxed) {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            let _ = online.pause(id);
        })
    };
    let result = rt.block_on(online.run_one(id, &progress));
    watcher.abort();
    bar.finish_and_clear();
    let view = online.downloads()?.into_iter().find(|d| d.id == id);
    match result {
        Ok(book) => {
            let title = online.library().book(&book)?.summary.title;
            if json {
                out.json(&view)?;
            } else {
                out.line(&format!("downloaded and added: {title} [{}]", book.short()))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(_) if view.as_ref().is_some_and(|v| v.state == "paused") => {
            eprintln!("paused: what was downloaded is kept; run the same command again to resume");
            Ok(ExitCode::from(1))
        }
        Err(e) => {
            if json {
                out.json(&view)?;
            }
            Err(anyhow::Error::new(e).context(url.to_owned()))
        }
    }
}

pub(crate) fn downloads(library: Library, clear: bool, json: bool, out: &mut Out) -> anyhow::Result<ExitCode> {
    let online = connect(library)?;
    if clear {
        online.clear_finished()?;
    }
    let all = online.downloads()?;
    if json {
        out.json(&all)?;
        return Ok(ExitCode::SUCCESS);
    }
    if all.is_empty() {
        out.line("no downloads")?;
    }
    for d in all {
        let size = match d.total {
            Some(total) => format!("{} / {}", bytes(d.bytes), bytes(total)),
            None => bytes(d.bytes),
        };
        let error = d.error.as_deref().map(|e| format!(" — {e}")).unwrap_or_default();
        out.line(&format!(
            "{:>4}  {:<9} {:>19}  {}{error}",
            d.id,
            d.state,
            size,
            d.title.as_deref().unwrap_or(&d.url)
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn updates(
    library: Library,
    apply: bool,
    json: bool,
    out: &mut Out,
    interrupted: &Arc<AtomicBool>,
) -> anyhow::Result<ExitCode> {
    let online = connect(library)?;
    let rt = runtime()?;
    let found = rt.block_on(online.check_updates())?;
    if json && !apply {
        out.json(&found)?;
        return Ok(ExitCode::SUCCESS);
    }
    if found.is_empty() {
        out.line("every book is up to date")?;
    }
    for u in &found {
        out.line(&format!(
            "new edition: {} ({} → {})",
            u.title,
            u.current.as_deref().unwrap_or("?"),
            u.available.as_deref().unwrap_or("?")
        ))?;
    }
    if apply && !found.is_empty() {
        for u in &found {
            online.accept_update(u)?;
        }
        let stop = Arc::clone(interrupted);
        let silent: Arc<dyn Fn(DownloadView) + Send + Sync> = Arc::new(|_| {});
        rt.block_on(online.run_queue(2, silent));
        if stop.load(Ordering::Relaxed) {
            return Ok(ExitCode::from(1));
        }
        let failed = online.downloads()?.into_iter().filter(|d| d.state == "failed").count();
        out.line(&format!(
            "{} new editions downloaded{}",
            found.len() - failed,
            if failed > 0 { ", some failed (see `cartable downloads`)" } else { "" }
        ))?;
        if failed > 0 {
            return Ok(ExitCode::from(1));
        }
    }
    Ok(ExitCode::SUCCESS)
}
