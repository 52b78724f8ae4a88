//! A second PDFium process for pre-rendering a whole book.
//!
//! PDFium is single-threaded, so one process renders on one core. A pre-render asked for
//! explicitly (`cartable prerender`, `cartable import --prerender`) may use the other core
//! too: the host binary starts itself again with [`FLAG`], and that helper renders and
//! encodes pages from the same queue as the library's own engine, so both finish together.
//! The window never starts one: while a pupil reads, the second core belongs to them.
//!
//! The helper reads one JSON line (the document, the width, where PDFium is) and then page
//! numbers, one per line; for each it writes a frame: page, height and length as
//! little-endian `u32`, then the PNG. If it dies or says something unexpected, the pages it
//! held go back to the library's own engine: a helper can only make a pre-render faster.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use serde::{Deserialize, Serialize};

use crate::render;

/// The argument that turns a host binary into a render helper (see [`serve_if_asked`]).
pub const FLAG: &str = "--cartable-render-helper";

/// Pages a helper is given ahead of the one it renders, so that it never waits for the next.
const IN_FLIGHT: usize = 2;
/// No page image is larger than this (a 4096-pixel RGBA page deflates to far less).
const MAX_FRAME: u32 = 256 << 20;

#[derive(Debug, Serialize, Deserialize)]
struct Job {
    pdfium: Option<PathBuf>,
    pdf: PathBuf,
    width: u32,
}

/// A rendered page as the helper sends it.
pub(crate) struct Frame {
    pub index: usize,
    pub height: u32,
    pub png: Vec<u8>,
}

/// Serves as a render helper, then exits, when the process was started with [`FLAG`]; else
/// returns at once. Binaries that let the library pre-render on two cores call it first in
/// `main`.
pub fn serve_if_asked() {
    if std::env::args_os().nth(1).is_some_and(|a| a == FLAG) {
        let code = match serve(std::io::stdin().lock(), std::io::stdout().lock()) {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("render helper: {e}");
                1
            }
        };
        std::process::exit(code);
    }
}

fn serve(input: impl BufRead, output: impl Write) -> crate::Result<()> {
    let io = |source| crate::Error::Io { context: "render helper".into(), source };
    let mut lines = input.take(1 << 20).lines();
    let header = lines.next().ok_or_else(|| protocol("no job"))?.map_err(io)?;
    let job: Job = serde_json::from_str(&header).map_err(|_| protocol("a job that is not JSON"))?;
    let engine = match &job.pdfium {
        Some(path) => cartable_pdf::Engine::start(path)?,
        None => cartable_pdf::Engine::global()?,
    };
    let mut out = BufWriter::new(output);
    for line in lines {
        let index: usize = line.map_err(io)?.trim().parse().map_err(|_| protocol("a page that is not a number"))?;
        let bitmap = engine.render(&job.pdf, None, index, job.width)?;
        let png = render::encode(&bitmap)?;
        let length = u32::try_from(png.len()).map_err(|_| protocol("a page image too large"))?;
        for field in [index as u32, bitmap.height, length] {
            out.write_all(&field.to_le_bytes()).map_err(io)?;
        }
        out.write_all(&png).map_err(io)?;
        out.flush().map_err(io)?;
    }
    Ok(())
}

fn protocol(what: &str) -> crate::Error {
    crate::Error::Io { context: format!("render helper: {what}"), source: std::io::Error::other(what.to_owned()) }
}

/// A running helper, killed when dropped.
pub(crate) struct Helper {
    child: Child,
    input: Option<ChildStdin>,
    output: BufReader<ChildStdout>,
}

impl Helper {
    /// Starts `exe` as a helper rendering `pdf` at `width`; `None` when it cannot start.
    pub(crate) fn start(exe: &Path, pdfium: Option<&Path>, pdf: &Path, width: u32) -> Option<Helper> {
        let mut child = Command::new(exe)
            .arg(FLAG)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let (Some(mut input), Some(output)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        };
        let job = Job { pdfium: pdfium.map(Path::to_path_buf), pdf: pdf.to_path_buf(), width };
        let sent = serde_json::to_string(&job).ok().is_some_and(|line| writeln!(input, "{line}").is_ok());
        let helper = Helper { child, input: Some(input), output: BufReader::new(output) };
        sent.then_some(helper)
    }

    /// Renders the pages `take` gives until it gives none, handing each to `deliver`; stops
    /// early when `deliver` returns false. When the helper fails, the pages it was given and
    /// did not render are handed back to `give_back`, last first.
    pub(crate) fn run(
        mut self,
        take: &dyn Fn() -> Option<usize>,
        give_back: &dyn Fn(usize),
        deliver: &mut dyn FnMut(Frame) -> bool,
    ) {
        let mut given: VecDeque<usize> = VecDeque::new();
        loop {
            while given.len() < IN_FLIGHT {
                let next = take();
                match (next, self.input.as_mut()) {
                    (Some(index), Some(input)) => {
                        if writeln!(input, "{index}").and_then(|()| input.flush()).is_err() {
                            given.push_back(index);
                            return Helper::give_back(given, give_back);
                        }
                        given.push_back(index);
                    }
                    (Some(index), None) => {
                        give_back(index);
                        break;
                    }
                    (None, _) => {
                        // Nothing more to give: closing its input lets the helper end.
                        self.input = None;
                        break;
                    }
                }
            }
            let Some(&expected) = given.front() else { return };
            match self.read_frame() {
                Some(frame) if frame.index == expected => {
                    given.pop_front();
                    if !deliver(frame) {
                        return;
                    }
                }
                _ => return Helper::give_back(given, give_back),
            }
        }
    }

    fn give_back(given: VecDeque<usize>, give_back: &dyn Fn(usize)) {
        for index in given.into_iter().rev() {
            give_back(index);
        }
    }

    fn read_frame(&mut self) -> Option<Frame> {
        let mut header = [0u8; 12];
        self.output.read_exact(&mut header).ok()?;
        let field = |i: usize| u32::from_le_bytes([header[i], header[i + 1], header[i + 2], header[i + 3]]);
        let (index, height, length) = (field(0), field(4), field(8));
        if length > MAX_FRAME {
            return None;
        }
        let mut png = vec![0u8; length as usize];
        self.output.read_exact(&mut png).ok()?;
        png.starts_with(b"\x89PNG\r\n\x1a\n").then_some(Frame { index: index as usize, height, png })
    }
}

impl Drop for Helper {
    fn drop(&mut self) {
        self.input = None;
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_helper_answers_nothing_to_a_job_it_cannot_read() {
        let mut out = Vec::new();
        assert!(serve(&b"not json\n1\n"[..], &mut out).is_err());
        assert!(serve(&b""[..], &mut out).is_err());
        assert!(out.is_empty());
    }
}
