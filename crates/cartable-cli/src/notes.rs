//! Profiles and annotations from the command line: list them, export a book's notes,
//! import a W3C annotation set.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, anyhow};
use clap::{Subcommand, ValueEnum};

use cartable_core::annotations::{Anchor, Kind};
use cartable_core::{ExportFormat, Library, Profile};

use crate::output::Out;

#[derive(Subcommand)]
pub(crate) enum ProfileAction {
    /// List the profiles
    List {
        #[arg(long)]
        json: bool,
    },
    /// Add a profile (with a 4–6 digit PIN read from standard input, if asked)
    Add {
        name: String,
        #[arg(long)]
        pin_stdin: bool,
    },
    /// Remove a profile and everything it wrote (its PIN is read from standard input if it has one)
    Remove {
        profile: String,
        #[arg(long)]
        pin_stdin: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Format {
    /// W3C Web Annotation (a Readium annotation set, JSON)
    W3c,
    /// Markdown, by printed page
    Md,
    /// A copy of the PDF with the annotations in it
    Pdf,
}

/// Whose annotations: `--profile` (name or id), else the first profile; its PIN from stdin.
pub(crate) struct Who {
    pub profile: Option<String>,
    pub pin_stdin: bool,
}

fn read_pin() -> anyhow::Result<String> {
    crate::read_password().context("reading the PIN")
}

fn resolve(library: &Library, who: &Who) -> anyhow::Result<Profile> {
    let profile = match &who.profile {
        Some(p) => library.find_profile(p)?,
        None => library.default_profile()?,
    };
    let pin = if who.pin_stdin { Some(read_pin()?) } else { None };
    if profile.has_pin && pin.is_none() {
        return Err(anyhow!("the profile {:?} has a PIN: give it on standard input with --pin-stdin", profile.name));
    }
    Ok(library.unlock_profile(&profile.id, pin.as_deref())?)
}

pub(crate) fn profiles(library: &Library, action: ProfileAction, out: &mut Out) -> anyhow::Result<ExitCode> {
    match action {
        ProfileAction::List { json } => {
            let all = library.profiles()?;
            if json {
                out.json(&all)?;
            } else {
                for p in &all {
                    let pin = if p.has_pin { "  (PIN)" } else { "" };
                    out.line(&format!("{}  {}{pin}", p.id, p.name))?;
                }
            }
        }
        ProfileAction::Add { name, pin_stdin } => {
            let pin = if pin_stdin { Some(read_pin()?) } else { None };
            let p = library.add_profile(&name, pin.as_deref())?;
            out.line(&format!("added {} ({})", p.name, p.id))?;
        }
        ProfileAction::Remove { profile, pin_stdin } => {
            let p = resolve(library, &Who { profile: Some(profile), pin_stdin })?;
            library.remove_profile(&p.id)?;
            out.line(&format!("removed {} and everything it wrote", p.name))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn list(library: &Library, book: &str, who: &Who, json: bool, out: &mut Out) -> anyhow::Result<ExitCode> {
    let id = library.find(book)?;
    let profile = resolve(library, who)?;
    let all = library.annotations(&profile.id, &id, None)?;
    if json {
        out.json(&all)?;
        return Ok(ExitCode::SUCCESS);
    }
    if all.is_empty() {
        out.line(&format!("{} has written nothing in this book", profile.name))?;
    }
    for a in &all {
        let place = match (&a.anchor, a.anchor.label()) {
            (Anchor::Epub { section, .. }, _) => format!("section {}", section + 1),
            (_, Some(label)) => format!("p. {label}"),
            (anchor, None) => format!("page {}", anchor.place() + 1),
        };
        let what = match a.kind {
            Kind::Highlight => format!(
                "{} {}: \u{201c}{}\u{201d}",
                a.style.map_or("highlight", |s| if s == cartable_core::annotations::Style::Underline {
                    "underline"
                } else {
                    "highlight"
                }),
                a.color.as_deref().unwrap_or_default(),
                a.anchor.quote().map(|q| q.exact.as_str()).unwrap_or_default()
            ),
            Kind::Note => format!("note: {}", a.text.as_deref().unwrap_or_default()),
            Kind::Bookmark => format!("bookmark {}", a.label.as_deref().unwrap_or_default()),
            Kind::Ink => format!("ink, {} points", a.ink.as_ref().map_or(0, |i| i.points().len())),
        };
        out.line(&format!("{place:>12}  {what}"))?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn export(
    library: &Library,
    book: &str,
    who: &Who,
    format: Format,
    lang: &str,
    file: &Path,
    out: &mut Out,
) -> anyhow::Result<ExitCode> {
    let id = library.find(book)?;
    let profile = resolve(library, who)?;
    let format = match format {
        Format::W3c => ExportFormat::W3c,
        Format::Md => ExportFormat::Markdown,
        Format::Pdf => ExportFormat::Pdf,
    };
    let bytes = library.export_annotations(&profile.id, &id, format, lang)?;
    cartable_core::write_file_atomically(file, &bytes)?;
    let n = library.annotations(&profile.id, &id, None)?.len();
    out.line(&format!("wrote {n} annotations to {}", file.display()))?;
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn import(library: &Library, file: &Path, who: &Who, json: bool, out: &mut Out) -> anyhow::Result<ExitCode> {
    let profile = resolve(library, who)?;
    let bytes = cartable_core::read_small_file(file, 64 << 20)?;
    let report = library.import_annotations(&profile.id, &bytes)?;
    if json {
        out.json(&report)?;
    } else {
        out.line(&format!(
            "{} placed, {} already there, {} not placed",
            report.placed,
            report.already,
            report.unplaced.len()
        ))?;
        for u in &report.unplaced {
            out.line(&format!("  not placed {}: {}", u.id, u.reason))?;
        }
    }
    Ok(if report.unplaced.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
