//! Annotating: a highlight with its note and an ink stroke on a PDF page, still there after a
//! restart; a second profile sees none of them.

use std::time::Duration;

use crate::harness::App;
use crate::reader::{open, page_index};

/// Selects the first words of the page's text layer, as a drag over them would.
fn select_some_text(app: &App) -> String {
    let selected = app.execute(
        r#"
        const layer = document.querySelector('[data-testid="text-layer"]');
        if (!layer) return null;
        const walker = document.createTreeWalker(layer, NodeFilter.SHOW_TEXT);
        let node;
        while ((node = walker.nextNode())) {
          if (node.data.trim().length >= 6) break;
        }
        if (!node) return null;
        const range = document.createRange();
        const start = node.data.search(/\S/);
        range.setStart(node, start);
        range.setEnd(node, Math.min(node.data.length, start + 12));
        const sel = document.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        return sel.toString();
        "#,
        vec![],
    );
    selected.as_str().unwrap_or_default().to_owned()
}

fn strokes_on_page(app: &App) -> usize {
    app.all("ink-canvas").iter().filter_map(|c| c.attr("data-strokes").and_then(|n| n.parse::<usize>().ok())).sum()
}

/// Painted (non-transparent) pixels on the ink canvases: a stroke counted is also drawn.
fn ink_pixels(app: &App) -> u64 {
    app.execute(
        r#"
        let n = 0;
        for (const c of document.querySelectorAll('[data-testid="ink-canvas"]')) {
          if (!c.width || !c.height) continue;
          const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
        }
        return n;
        "#,
        vec![],
    )
    .as_u64()
    .unwrap_or(0)
}

#[test]
fn a_highlight_its_note_and_ink_survive_a_restart_and_stay_with_their_profile() {
    let home = tempfile::tempdir().expect("tmp");
    let page;
    {
        let app = App::start(home.path());
        open(&app, "Mathématiques");
        app.wait("reader-page");
        // Page 7 (printed label), where the text starts.
        let field = app.wait("page-number-input");
        field.clear();
        field.type_text("7");
        field.type_text(crate::harness::ENTER);
        app.until("page labelled 7", Duration::from_secs(10), || page_index(&app) == 10);
        page = page_index(&app);
        app.wait("text-layer");
        app.until("text in the text layer", Duration::from_secs(10), || !select_some_text(&app).trim().is_empty());
        app.wait("selection-toolbar");
        app.wait("note-button").click();
        let editor = app.wait("note-editor");
        editor.type_text("À revoir pour le contrôle");
        app.wait("note-save").click();
        app.until("the highlight is drawn", Duration::from_secs(10), || !app.all("annotation-highlight").is_empty());

        app.wait("ink-toggle").click();
        app.wait("ink-pen").click();
        let canvas = app.wait_for("ink-canvas", Duration::from_secs(10), |c| {
            c.displayed() && c.attr("data-page").and_then(|p| p.parse::<usize>().ok()) == Some(page)
        });
        let wave: Vec<(f64, f64)> =
            (0..24).map(|i| (0.2 + i as f64 * 0.02, 0.6 + (i as f64 / 3.0).sin() * 0.05)).collect();
        app.draw(&canvas, &wave);
        app.until("the stroke is stored and drawn", Duration::from_secs(10), || strokes_on_page(&app) == 1);
        app.assert_not_blank("annotated-pdf-page", "reader-page");
    }

    let app = App::start(home.path());
    open(&app, "Mathématiques");
    app.until("the book opens where it was", Duration::from_secs(10), || page_index(&app) == page);
    app.until("the highlight is back", Duration::from_secs(15), || !app.all("annotation-highlight").is_empty());
    app.until("the stroke is back", Duration::from_secs(15), || strokes_on_page(&app) == 1);
    app.until("the stroke is painted", Duration::from_secs(10), || ink_pixels(&app) > 100);
    app.wait("annotations-tab").click();
    app.wait("annotations-panel");
    app.until("the panel lists them", Duration::from_secs(10), || app.all("annotation-item").len() >= 2);
    let listed: String = app.all("annotation-item").iter().map(|i| i.text()).collect();
    assert!(listed.contains("À revoir pour le contrôle"), "the note is listed: {listed}");
    app.until("the stroke is painted beside the panel", Duration::from_secs(10), || ink_pixels(&app) > 100);
    app.screenshot("annotations-panel");
    app.assert_fits("the PDF reader with its notes panel");

    // A second pupil: a new profile sees a clean book.
    app.wait("reader-back").click();
    app.wait("profile-switch").click();
    app.wait("profile-picker");
    app.wait("profile-add").click();
    app.wait("profile-name-input").type_text("Inès");
    app.wait("profile-submit").click();
    open(&app, "Mathématiques");
    app.wait("reader-page");
    app.wait("text-layer");
    std::thread::sleep(Duration::from_millis(800));
    assert!(app.all("annotation-highlight").is_empty(), "another profile's highlights are not shown");
    assert_eq!(strokes_on_page(&app), 0, "nor its ink");
    app.assert_not_blank("second-profile", "reader-page");
}

/// Selects a few words inside the EPUB page that holds some text (the book's own frame).
fn select_in_epub(app: &App) -> String {
    app.execute(
        r#"
        const view = document.querySelector('foliate-view');
        const contents = view?.renderer?.getContents?.() ?? [];
        for (const { doc } of contents) {
          if (!doc?.body) continue;
          const walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
          let node;
          while ((node = walker.nextNode())) {
            if (node.data.trim().length >= 8) break;
          }
          if (!node) continue;
          const range = doc.createRange();
          const start = node.data.search(/\S/);
          range.setStart(node, start);
          range.setEnd(node, Math.min(node.data.length, start + 7));
          const sel = doc.getSelection();
          sel.removeAllRanges();
          sel.addRange(range);
          doc.dispatchEvent(new PointerEvent('pointerup', { bubbles: true }));
          return sel.toString();
        }
        return '';
        "#,
        vec![],
    )
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

/// Turns pages until one holds text (the first pages are covers), and selects some of it.
fn turn_to_text(app: &App) {
    for _ in 0..6 {
        std::thread::sleep(Duration::from_millis(1200));
        if !select_in_epub(app).trim().is_empty() {
            return;
        }
        app.wait("reader-next").click();
    }
    let shot = app.screenshot("no-text-in-epub");
    panic!("no page with text to select; screenshot {}", shot.display());
}

fn pick_green(app: &App) {
    let toolbar_colours = || app.all("highlight-color");
    app.until("the colours of the selection toolbar", Duration::from_secs(10), || {
        toolbar_colours().iter().any(|c| c.attr("data-color").as_deref() == Some("green") && c.displayed())
    });
    if let Some(green) = toolbar_colours().into_iter().find(|c| c.attr("data-color").as_deref() == Some("green")) {
        green.click();
    }
}

#[test]
fn epub_highlights_notes_and_ink_survive_kill_9_and_a_restart() {
    let home = tempfile::tempdir().expect("tmp");
    {
        let app = App::start(home.path());
        // Reflowable: a highlight, listed in the notes panel.
        open(&app, "cycle de l");
        app.wait("epub-view");
        turn_to_text(&app);
        app.wait("selection-toolbar");
        pick_green(&app);
        app.wait("annotations-tab").click();
        app.until("the highlight is listed", Duration::from_secs(10), || !app.all("annotation-item").is_empty());
        app.wait("reader-back").click();

        // Fixed layout: a highlight drawn over the page, and ink.
        open(&app, "géométrie");
        app.wait("epub-view");
        turn_to_text(&app);
        app.wait("selection-toolbar");
        pick_green(&app);
        app.until("the highlight over the page", Duration::from_secs(10), || {
            !app.all("annotation-highlight").is_empty()
        });
        app.wait("ink-toggle").click();
        app.wait("ink-pen").click();
        let canvas = app.wait("ink-canvas");
        app.draw(&canvas, &[(0.2, 0.5), (0.3, 0.55), (0.4, 0.5), (0.5, 0.6), (0.6, 0.5)]);
        app.until("the stroke is stored and drawn", Duration::from_secs(10), || strokes_on_page(&app) == 1);
        app.screenshot("epub-fixed-annotated");
        // A note on the highlight, typed and left open: it is saved as it is typed.
        app.wait("ink-toggle").click();
        // The page overlays are measured again when ink mode ends: click once they are settled.
        app.until("the highlight's popover", Duration::from_secs(10), || {
            app.execute("document.querySelector('[data-testid=annotation-highlight]')?.click()", vec![]);
            std::thread::sleep(Duration::from_millis(300));
            !app.all("annotation-popover").is_empty()
        });
        app.wait("note-edit").click();
        app.wait("note-editor").type_text("Le compas garde l'écartement");
        std::thread::sleep(Duration::from_millis(300));
        // Killed right after the stroke and the note: nothing is lost.
        let pid = app.pid();
        let killed = std::process::Command::new("kill").args(["-9", &pid.to_string()]).status();
        assert!(killed.is_ok_and(|s| s.success()), "the app ({pid}) was killed");
        app.until("the app is gone", Duration::from_secs(5), || {
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .map_or(true, |stat| stat.rsplit(')').next().is_some_and(|rest| rest.trim_start().starts_with('Z')))
        });
    }
    let app = App::start(home.path());
    open(&app, "géométrie");
    app.wait("epub-view");
    app.until("the fixed-layout highlight is back", Duration::from_secs(15), || {
        !app.all("annotation-highlight").is_empty()
    });
    app.until("the stroke is back", Duration::from_secs(15), || strokes_on_page(&app) == 1);
    app.assert_not_blank("epub-fixed-after-restart", "epub-view");
    app.wait("annotations-tab").click();
    app.until("the note on the fixed page is back", Duration::from_secs(10), || {
        app.all("annotation-item").iter().any(|i| i.text().contains("écartement"))
    });
    app.wait("reader-back").click();
    open(&app, "cycle de l");
    app.wait("epub-view");
    app.wait("annotations-tab").click();
    app.until("the reflowable highlight is back", Duration::from_secs(10), || !app.all("annotation-item").is_empty());
}
