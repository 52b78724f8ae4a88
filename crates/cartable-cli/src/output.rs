//! Writing to the terminal: lines, JSON, bytes; a closed pipe ends the command quietly.

use std::io::{self, Write};

use cartable_core::PageLabel;

pub(crate) struct Out {
    stdout: io::Stdout,
}

impl Out {
    pub(crate) fn stdout() -> Out {
        Out { stdout: io::stdout() }
    }

    pub(crate) fn line(&mut self, text: &str) -> io::Result<()> {
        let mut lock = self.stdout.lock();
        lock.write_all(text.as_bytes())?;
        lock.write_all(b"\n")?;
        lock.flush()
    }

    pub(crate) fn json<T: serde::Serialize>(&mut self, value: &T) -> io::Result<()> {
        let text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
        self.line(&text)
    }

    pub(crate) fn bytes(&mut self, bytes: &[u8]) -> io::Result<()> {
        let mut lock = self.stdout.lock();
        lock.write_all(bytes)?;
        lock.flush()
    }
}

/// `cartable list | head -1` closes the pipe early: that is not an error.
pub(crate) fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<io::Error>().is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe))
}

/// An error with its context, on one line: "opening the library in X: the disk is full…".
pub(crate) fn describe(e: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if parts.last().is_none_or(|last| !last.contains(&text)) {
            parts.push(text);
        }
    }
    parts.join(": ")
}

pub(crate) fn bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 30 => format!("{:.1} GB", n as f64 / (1u64 << 30) as f64),
        n if n >= 1 << 20 => format!("{:.1} MB", n as f64 / (1u64 << 20) as f64),
        n if n >= 1 << 10 => format!("{:.0} kB", n as f64 / 1024.0),
        n => format!("{n} B"),
    }
}

/// A search snippet for a terminal: matches in bold (or between « » when not a terminal).
pub(crate) fn human_snippet(html: &str, color: bool) -> String {
    let (open, close) = if color { ("\x1b[1m", "\x1b[0m") } else { ("«", "»") };
    html.replace("<mark>", open)
        .replace("</mark>", close)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Page labels as ranges: "i–iv, 1–12" (PDF) or the list of labels (EPUB).
pub(crate) fn label_ranges(labels: &[PageLabel]) -> String {
    let mut ranges: Vec<(String, String)> = Vec::new();
    let mut previous: Option<(usize, &str)> = None;
    for l in labels {
        let continues = match (previous, l.page) {
            (Some((p, prev)), Some(page)) => page == p + 1 && same_style(prev, &l.label),
            _ => false,
        };
        match ranges.last_mut() {
            Some(last) if continues => last.1 = l.label.clone(),
            _ => ranges.push((l.label.clone(), l.label.clone())),
        }
        previous = l.page.map(|p| (p, l.label.as_str()));
    }
    ranges.into_iter().map(|(a, b)| if a == b { a } else { format!("{a}–{b}") }).collect::<Vec<_>>().join(", ")
}

fn same_style(a: &str, b: &str) -> bool {
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    digits(a) == digits(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(page: usize, label: &str) -> PageLabel {
        PageLabel { label: label.into(), page: Some(page), href: None }
    }

    #[test]
    fn labels_fold_into_ranges() {
        let labels = [label(0, "i"), label(1, "ii"), label(2, "iii"), label(3, "1"), label(4, "2")];
        assert_eq!(label_ranges(&labels), "i–iii, 1–2");
    }

    #[test]
    fn snippets_for_a_pipe_use_guillemets() {
        assert_eq!(human_snippet("a &lt;b&gt; <mark>élève</mark>", false), "a <b> «élève»");
    }
}
