//! Printing measurements: times per item and ratios against a goal.

use std::time::Duration;

pub struct Report {
    lines: Vec<String>,
}

impl Report {
    pub fn new(title: &str) -> Report {
        Report { lines: vec![format!("## {title}")] }
    }

    pub fn line(&mut self, text: &str) {
        self.lines.push(format!("  {text}"));
    }

    pub fn time(&mut self, what: &str, total: Duration, items: usize) {
        let per = total.as_secs_f64() * 1e3 / items.max(1) as f64;
        self.line(&format!("{what:<56} {:>9.1} ms total  {per:>8.3} ms each", total.as_secs_f64() * 1e3));
    }

    pub fn ratio(&mut self, what: &str, ratio: f64, goal: &str) {
        self.line(&format!("RATIO {what:<44} {ratio:>6.2}×   (goal {goal})"));
    }

    pub fn print(&self) {
        println!("{}\n", self.lines.join("\n"));
    }
}

/// The `p`th percentile (0–100) of some durations.
pub fn percentile(values: &mut [Duration], p: f64) -> Duration {
    if values.is_empty() {
        return Duration::ZERO;
    }
    values.sort();
    let rank = ((p / 100.0) * (values.len() - 1) as f64).round() as usize;
    values[rank.min(values.len() - 1)]
}
