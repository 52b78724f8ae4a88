//! The text layer of a PDF page: characters grouped into runs that a webview can lay over the
//! page image, for selecting text and highlighting search hits.

use serde::Serialize;

use cartable_pdf::TextBox;

/// A run of characters on one line, in fractions of the page (0 = left/top, 1 = right/bottom).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TextRun {
    pub text: String,
    pub left: f32,
    pub top: f32,
    pub right: f32,
    pub bottom: f32,
    /// The right edge of each character of `text`, for placing a highlight inside the run.
    pub edges: Vec<f32>,
}

/// Groups a page's character boxes into runs; `width` and `height` are the page size in points.
pub fn runs(boxes: &[TextBox], width: f32, height: f32) -> Vec<TextRun> {
    if width <= 0.0 || height <= 0.0 {
        return Vec::new();
    }
    let mut out: Vec<TextRun> = Vec::new();
    let mut current: Option<TextRun> = None;
    for b in boxes {
        if b.ch == '\r' || b.ch == '\n' {
            out.extend(current.take());
            continue;
        }
        let (left, top, right, bottom) = (b.left / width, b.top / height, b.right / width, b.bottom / height);
        // Generated spaces sometimes have no box: they extend the run they sit in.
        let empty = right <= left || bottom <= top;
        if let Some(run) = current.as_mut() {
            let line_height = (run.bottom - run.top).max(1e-4);
            let same_line = empty || ((top + bottom) / 2.0 - (run.top + run.bottom) / 2.0).abs() < line_height * 0.5;
            let gap = left - run.right;
            let near = empty || (-line_height..line_height * 1.5).contains(&gap);
            if same_line && near {
                run.text.push(b.ch);
                if !empty {
                    run.left = run.left.min(left);
                    run.top = run.top.min(top);
                    run.right = run.right.max(right);
                    run.bottom = run.bottom.max(bottom);
                }
                run.edges.push(run.right);
                continue;
            }
            out.extend(current.take());
        }
        if empty {
            continue;
        }
        current = Some(TextRun { text: b.ch.to_string(), left, top, right, bottom, edges: vec![right] });
    }
    out.extend(current);
    for run in &mut out {
        // A run never ends on the spaces that joined it to the next one.
        while run.text.ends_with(' ') {
            run.text.pop();
            run.edges.pop();
        }
    }
    out.retain(|r| !r.text.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(ch: char, left: f32, top: f32) -> TextBox {
        TextBox { ch, left, top, right: left + 5.0, bottom: top + 10.0 }
    }

    #[test]
    fn characters_on_a_line_make_one_run_and_a_new_line_starts_another() {
        let boxes = [
            b('L', 10.0, 10.0),
            b('e', 15.0, 10.0),
            b(' ', 20.0, 10.0),
            b('p', 25.0, 10.0),
            b('\n', 0.0, 0.0),
            b('x', 10.0, 30.0),
        ];
        let runs = runs(&boxes, 100.0, 100.0);
        assert_eq!(runs.len(), 2, "{runs:?}");
        assert_eq!(runs[0].text, "Le p");
        assert_eq!(runs[0].edges.len(), 4, "one edge per character");
        assert!((runs[0].left - 0.1).abs() < 1e-6 && (runs[0].right - 0.3).abs() < 1e-6, "fractions of the page");
        assert_eq!(runs[1].text, "x");
    }

    #[test]
    fn a_far_column_is_another_run() {
        let runs = runs(&[b('a', 10.0, 10.0), b('b', 60.0, 10.0)], 100.0, 100.0);
        assert_eq!(runs.len(), 2, "a gap of several line heights splits columns");
    }

    #[test]
    fn an_empty_page_size_gives_nothing() {
        assert!(runs(&[b('a', 1.0, 1.0)], 0.0, 0.0).is_empty());
    }
}
