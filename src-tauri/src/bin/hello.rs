//! A Tauri hello-world window, built with the same Tauri, profile and webview as Cartable:
//! the baseline of the start-up and memory benchmarks (`cargo bench -p cartable-app`).

use tauri::http::Response;
use tauri::{WebviewUrl, WebviewWindowBuilder};

const PAGE: &str = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Hello</title></head>\
<body><h1 id=\"hello\">Hello, world</h1></body></html>";

fn main() {
    let mut context = tauri::generate_context!();
    // Only the hello window: not Cartable's.
    context.config_mut().app.windows.clear();
    let result = tauri::Builder::default()
        .register_uri_scheme_protocol("hello", |_, _| {
            Response::builder().header("Content-Type", "text/html").body(PAGE.as_bytes().to_vec()).unwrap_or_default()
        })
        .setup(|app| {
            let url = "hello://localhost/".parse().map_err(|e| format!("{e}"))?;
            WebviewWindowBuilder::new(app, "main", WebviewUrl::CustomProtocol(url))
                .title("Hello")
                .inner_size(1200.0, 800.0)
                .build()?;
            Ok(())
        })
        .run(context);
    if let Err(e) = result {
        eprintln!("hello: {e}");
        std::process::exit(1);
    }
}
