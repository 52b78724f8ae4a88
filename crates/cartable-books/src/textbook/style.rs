//! Page geometry, type sizes and colours of the textbook.

use crate::pdf::content::Rgb;

/// A4, in points.
pub(crate) const PAGE_WIDTH: f64 = 595.276;
pub(crate) const PAGE_HEIGHT: f64 = 841.89;

/// The text block.
pub(crate) const LEFT: f64 = 64.0;
pub(crate) const MEASURE: f64 = PAGE_WIDTH - 2.0 * LEFT;
/// The top of the text block on every page but chapter openers.
pub(crate) const TOP: f64 = 772.0;
/// Nothing is drawn below this line except the footer.
pub(crate) const BOTTOM: f64 = 72.0;
/// The baseline of the running head and of the footer.
pub(crate) const HEAD_BASELINE: f64 = 796.0;
pub(crate) const FOOT_BASELINE: f64 = 38.0;

/// Body text.
pub(crate) const BODY_SIZE: f64 = 10.5;
pub(crate) const LEADING: f64 = 15.5;
/// From the top of a line box to its baseline: room for a stacked fraction above.
pub(crate) const ASCENT: f64 = 11.2;
/// Space between paragraphs.
pub(crate) const PARAGRAPH_GAP: f64 = 5.0;

/// Text colour: a soft black.
pub(crate) const INK: Rgb = Rgb(0.13, 0.13, 0.16);
/// Secondary text: running heads, captions.
pub(crate) const MUTED: Rgb = Rgb(0.40, 0.40, 0.45);
/// The blue of the book, used on the cover and in the front matter.
pub(crate) const BOOK_BLUE: Rgb = Rgb(0.11, 0.33, 0.62);

/// Each chapter has its own colour, as in printed textbooks.
const CHAPTER_COLOURS: [Rgb; 4] = [BOOK_BLUE, Rgb(0.80, 0.33, 0.09), Rgb(0.10, 0.50, 0.34), Rgb(0.47, 0.24, 0.62)];

/// The colour of chapter `number` (from 1).
pub(crate) fn chapter_colour(number: usize) -> Rgb {
    let index = number.saturating_sub(1) % CHAPTER_COLOURS.len();
    CHAPTER_COLOURS[index]
}
