//! Pagination: units of fixed height are stacked down the pages.
//!
//! A unit is the smallest thing that never splits: a line of a paragraph, a
//! framed block, a figure. A unit that must stay with the next one (a heading,
//! the first line of a paragraph) moves to the next page with it.

use crate::pdf::content::Content;

/// Draws a unit whose top edge is at the given height.
pub(crate) type Paint = Box<dyn Fn(&mut Content, f64)>;

/// Something placed in the flow.
pub(crate) struct Unit {
    pub(crate) height: f64,
    /// Space above the unit, dropped at the top of a page.
    pub(crate) space_before: f64,
    pub(crate) keep_with_next: bool,
    /// Chapters and sections are recorded for the outline and the contents.
    pub(crate) mark: Option<Mark>,
    pub(crate) paint: Paint,
}

impl Unit {
    /// A unit with no mark that may end a page.
    pub(crate) fn new(height: f64, space_before: f64, paint: Paint) -> Unit {
        Unit { height, space_before, keep_with_next: false, mark: None, paint }
    }
}

/// A heading reached by the flow.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Mark {
    /// Starts a new page, which shows the chapter opener instead of a running head.
    Chapter {
        number: usize,
        title: String,
    },
    Section {
        title: String,
    },
}

/// A page filled by the flow.
#[derive(Default)]
pub(crate) struct FlowPage {
    pub(crate) content: Content,
    /// The chapter the page belongs to, for the running head.
    pub(crate) chapter: Option<(usize, String)>,
    /// The page opens a chapter.
    pub(crate) opener: bool,
}

/// Where a heading landed.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Placed {
    pub(crate) mark: Mark,
    pub(crate) page: usize,
    pub(crate) top: f64,
}

/// The result of pagination.
#[derive(Default)]
pub(crate) struct Laid {
    pub(crate) pages: Vec<FlowPage>,
    pub(crate) placed: Vec<Placed>,
}

/// A unit taller than a page: the sources must split it.
#[derive(Debug)]
pub(crate) struct TooTall {
    pub(crate) height: f64,
}

struct Cursor {
    laid: Laid,
    y: f64,
    empty: bool,
    top: f64,
}

impl Cursor {
    fn new_page(&mut self) {
        let chapter = self.laid.pages.last().and_then(|p| p.chapter.clone());
        self.laid.pages.push(FlowPage { chapter, ..FlowPage::default() });
        self.y = self.top;
        self.empty = true;
    }
}

/// Stacks units between `top` and `bottom`, starting a page whenever the next
/// unit (with those it keeps with) does not fit.
pub(crate) fn paginate(units: &[Unit], top: f64, bottom: f64) -> Result<Laid, TooTall> {
    let mut cursor = Cursor { laid: Laid::default(), y: top, empty: true, top };
    cursor.new_page();
    for (i, unit) in units.iter().enumerate() {
        if unit.height > top - bottom {
            return Err(TooTall { height: unit.height });
        }
        if let Some(Mark::Chapter { number, title }) = &unit.mark {
            if !cursor.empty {
                cursor.new_page();
            }
            if let Some(page) = cursor.laid.pages.last_mut() {
                page.chapter = Some((*number, title.clone()));
                page.opener = true;
            }
        }
        let needed = kept_height(&units[i..], top - bottom);
        let space = if cursor.empty { 0.0 } else { unit.space_before };
        if !cursor.empty && cursor.y - space - needed < bottom {
            cursor.new_page();
        }
        place(&mut cursor, unit);
    }
    Ok(cursor.laid)
}

fn place(cursor: &mut Cursor, unit: &Unit) {
    let space = if cursor.empty { 0.0 } else { unit.space_before };
    let top = cursor.y - space;
    let page_index = cursor.laid.pages.len().saturating_sub(1);
    if let Some(page) = cursor.laid.pages.last_mut() {
        (unit.paint)(&mut page.content, top);
    }
    if let Some(mark) = &unit.mark {
        cursor.laid.placed.push(Placed { mark: mark.clone(), page: page_index, top });
    }
    cursor.y = top - unit.height;
    cursor.empty = false;
}

/// The height of the first unit and of those it keeps with; if that chain cannot
/// fit on any page, only the first unit counts.
fn kept_height(units: &[Unit], room: f64) -> f64 {
    let Some(first) = units.first() else {
        return 0.0;
    };
    let mut total = first.height;
    let mut previous = first;
    for unit in &units[1..] {
        if !previous.keep_with_next {
            break;
        }
        total += unit.space_before + unit.height;
        previous = unit;
    }
    if total > room { first.height } else { total }
}

/// The height of units stacked without page breaks.
pub(crate) fn stack_height(units: &[Unit]) -> f64 {
    units.iter().enumerate().map(|(i, u)| if i == 0 { u.height } else { u.space_before + u.height }).sum()
}

/// Paints units stacked from `top`, as [`stack_height`] measures them.
pub(crate) fn paint_stack(units: &[Unit], content: &mut Content, top: f64) {
    let mut y = top;
    for (i, unit) in units.iter().enumerate() {
        if i > 0 {
            y -= unit.space_before;
        }
        (unit.paint)(content, y);
        y -= unit.height;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(height: f64, keep: bool) -> Unit {
        Unit { keep_with_next: keep, ..Unit::new(height, 10.0, Box::new(|_, _| {})) }
    }

    #[test]
    fn units_flow_onto_a_new_page_when_full() {
        let units: Vec<Unit> = (0..5).map(|_| unit(40.0, false)).collect();
        let laid = paginate(&units, 100.0, 0.0).expect("each unit fits a page");
        // 40, then 10 + 40 = 90; the third does not fit.
        assert_eq!(laid.pages.len(), 3, "two units per page");
    }

    #[test]
    fn a_heading_moves_with_the_unit_it_keeps_with() {
        let mut units = vec![unit(50.0, false), unit(10.0, true), unit(40.0, false)];
        units[1].mark = Some(Mark::Section { title: "S".to_owned() });
        let laid = paginate(&units, 100.0, 0.0).expect("fits");
        assert_eq!(laid.placed[0].page, 1, "the heading must not be left alone at the bottom");
        assert_eq!(laid.placed[0].top, 100.0, "and it starts the new page without space above");
    }

    #[test]
    fn a_chapter_starts_a_page_and_sets_the_running_head() {
        let mut units = vec![unit(10.0, false), unit(10.0, false), unit(10.0, false)];
        units[1].mark = Some(Mark::Chapter { number: 2, title: "Fractions".to_owned() });
        let laid = paginate(&units, 100.0, 0.0).expect("fits");
        assert_eq!(laid.pages.len(), 2);
        assert!(laid.pages[1].opener);
        assert_eq!(laid.pages[1].chapter, Some((2, "Fractions".to_owned())));
    }

    #[test]
    fn a_unit_taller_than_a_page_is_an_error() {
        assert!(paginate(&[unit(120.0, false)], 100.0, 0.0).is_err());
    }
}
