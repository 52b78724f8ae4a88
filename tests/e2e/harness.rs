//! A small WebDriver client and the harness that starts Cartable in a real WebKit window:
//! an X server (Xvfb, unless a display is already there), WebKitWebDriver, and the app on a
//! fresh library folder. Tests drive the app through the `data-testid` hooks listed in
//! tests/e2e/README.md.

#![allow(dead_code)]

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// The app binary under test.
pub fn app_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_cartable-app"))
}

pub fn corpus(file: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    assert!(dir.join("MANIFEST.tsv").is_file(), "the shared corpus must be at {}", dir.display());
    dir.join(file)
}

/// Where screenshots go: tests/e2e/artifacts/ (ignored by git).
pub fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/e2e/artifacts");
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// The X display the windows open on: $DISPLAY, or an Xvfb this process starts once.
fn display() -> String {
    static DISPLAY: OnceLock<String> = OnceLock::new();
    DISPLAY
        .get_or_init(|| {
            if let Some(d) = std::env::var_os("DISPLAY").filter(|d| !d.is_empty()) {
                return d.to_string_lossy().into_owned();
            }
            let have_xvfb = Command::new("sh").args(["-c", "command -v Xvfb"]).stdout(Stdio::null()).status();
            assert!(have_xvfb.is_ok_and(|s| s.success()), "Xvfb is missing: run scripts/setup");
            for n in 90..140 {
                if Path::new(&format!("/tmp/.X{n}-lock")).exists() {
                    continue;
                }
                // A watchdog shell ends the server when this test process ends.
                let watchdog = format!(
                    "Xvfb :{n} -screen 0 1280x900x24 -nolisten tcp >/dev/null 2>&1 & x=$!; \
                     while kill -0 {parent} 2>/dev/null && kill -0 $x 2>/dev/null; do sleep 1; done; kill $x 2>/dev/null",
                    parent = std::process::id()
                );
                let child = Command::new("sh").args(["-c", &watchdog]).stdout(Stdio::null()).stderr(Stdio::null()).spawn();
                let socket = format!("/tmp/.X11-unix/X{n}");
                let start = Instant::now();
                while start.elapsed() < Duration::from_secs(10) {
                    if Path::new(&socket).exists() {
                        // The watchdog lives as long as the test process.
                        std::mem::forget(child);
                        return format!(":{n}");
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
            }
            panic!("no X display could be started")
        })
        .clone()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// Which binary to start, on which library folder.
pub struct Launch {
    binary: PathBuf,
    home: PathBuf,
}

impl Launch {
    pub fn app(home: &Path) -> Launch {
        Launch { binary: app_binary(), home: home.to_path_buf() }
    }

    /// The Tauri hello-world window the benchmarks compare against (built with `--features bench`).
    pub fn hello() -> Launch {
        let binary = option_env!("CARGO_BIN_EXE_hello").map(PathBuf::from).expect("build with --features bench");
        Launch { binary, home: std::env::temp_dir() }
    }
}

/// A running WebKitWebDriver with one session on the app.
pub struct App {
    driver: Child,
    base: String,
    session: String,
    http: ureq::Agent,
    pub home: PathBuf,
    /// When the binary was asked for (the session's creation starts it): the driver's own
    /// start is not the app's.
    pub launched: Instant,
}

impl App {
    /// Starts the app on the library folder `home`.
    pub fn start(home: &Path) -> App {
        App::launch(Launch::app(home))
    }

    /// Starts a binary through WebKitWebDriver and opens a session on it.
    pub fn launch(launch: Launch) -> App {
        let home = launch.home.as_path();
        let port = free_port();
        let driver = Command::new("WebKitWebDriver")
            .arg(format!("--port={port}"))
            .env("DISPLAY", display())
            .env("TAURI_WEBVIEW_AUTOMATION", "true")
            .env("CARTABLE_HOME", home)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("WebKitWebDriver is missing: run scripts/setup");
        let http: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let base = format!("http://127.0.0.1:{port}");
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if http.get(&format!("{base}/status")).call().is_ok() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "webkitgtk:browserOptions": {"binary": launch.binary, "args": []}
        }}});
        let launched = Instant::now();
        let mut app = App { driver, base, session: String::new(), http, home: home.to_path_buf(), launched };
        let created = app.call("POST", "/session", Some(caps));
        app.session = created["sessionId"].as_str().expect("a session id").to_owned();
        app
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{}", self.base, path);
        let response = match (method, body) {
            ("GET", _) => self.http.get(&url).call(),
            ("DELETE", _) => self.http.delete(&url).call(),
            (_, body) => self.http.post(&url).send_json(body.unwrap_or_else(|| json!({}))),
        };
        let mut response = response.unwrap_or_else(|e| panic!("WebDriver {method} {path}: {e}"));
        let status = response.status();
        let value: Value = response.body_mut().read_json().unwrap_or(Value::Null);
        if !status.is_success() {
            panic!("WebDriver {method} {path} answered {status}: {value}");
        }
        value.get("value").cloned().unwrap_or(value)
    }

    fn session_call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.call(method, &format!("/session/{}{}", self.session, path), body)
    }

    /// Runs `script` in the app's page (`return …` gives a value; `arguments[i]` are `args`).
    pub fn execute(&self, script: &str, args: Vec<Value>) -> Value {
        self.session_call("POST", "/execute/sync", Some(json!({"script": script, "args": args})))
    }

    /// Runs an asynchronous script: it ends by calling its last argument with the result.
    pub fn execute_async(&self, script: &str, args: Vec<Value>) -> Value {
        self.session_call("POST", "/execute/async", Some(json!({"script": script, "args": args})))
    }

    /// The app's process (a child of WebKitWebDriver).
    pub fn pid(&self) -> u32 {
        let driver = self.driver.id();
        for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
            let after = stat.rsplit(')').next().unwrap_or_default();
            if after.split_whitespace().nth(1).and_then(|p| p.parse::<u32>().ok()) == Some(driver) {
                return pid;
            }
        }
        driver
    }

    /// Every element with this test id, now.
    pub fn all(&self, testid: &str) -> Vec<Element<'_>> {
        self.session_call(
            "POST",
            "/elements",
            Some(json!({"using": "css selector", "value": format!("[data-testid='{testid}']")})),
        )
        .as_array()
        .map(|a| {
            a.iter().filter_map(|e| e[ELEMENT].as_str()).map(|id| Element { app: self, id: id.to_owned() }).collect()
        })
        .unwrap_or_default()
    }

    /// Waits (up to 20 s) for a visible element with this test id.
    pub fn wait(&self, testid: &str) -> Element<'_> {
        self.wait_for(testid, Duration::from_secs(20), |e| e.displayed())
    }

    /// Waits for an element with this test id that satisfies `ok`.
    pub fn wait_for(&self, testid: &str, timeout: Duration, ok: impl Fn(&Element) -> bool) -> Element<'_> {
        let start = Instant::now();
        loop {
            if let Some(found) = self.all(testid).into_iter().find(|e| ok(e)) {
                return found;
            }
            if start.elapsed() > timeout {
                let shot = self.screenshot(&format!("timeout-{testid}"));
                panic!("no [data-testid={testid}] as expected after {timeout:?}; screenshot {}", shot.display());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until `check` holds, re-evaluating it every 100 ms.
    pub fn until(&self, what: &str, timeout: Duration, check: impl Fn() -> bool) {
        let start = Instant::now();
        while !check() {
            if start.elapsed() > timeout {
                let shot = self.screenshot("timeout");
                panic!("timed out waiting for {what}; screenshot {}", shot.display());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Presses keys on whatever has the focus (WebDriver key codes, e.g. "\u{E014}" = →).
    pub fn keys(&self, keys: &str) {
        let actions: Vec<Value> = keys
            .chars()
            .flat_map(|c| {
                [json!({"type": "keyDown", "value": c.to_string()}), json!({"type": "keyUp", "value": c.to_string()})]
            })
            .collect();
        self.session_call(
            "POST",
            "/actions",
            Some(json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})),
        );
        self.session_call("DELETE", "/actions", None);
    }

    /// Drags the mouse over `element` through `points` (fractions of its width and height), as
    /// a pupil drawing with the pointer: real input events, not synthetic ones.
    pub fn draw(&self, element: &Element, points: &[(f64, f64)]) {
        let (_, _, w, h) = element.rect();
        let at = |(fx, fy): (f64, f64)| {
            json!({
                "type": "pointerMove", "duration": 16, "origin": element.as_arg(),
                "x": ((fx - 0.5) * w).round() as i64, "y": ((fy - 0.5) * h).round() as i64,
            })
        };
        let mut actions = Vec::new();
        if let Some(first) = points.first() {
            actions.push(at(*first));
            actions.push(json!({"type": "pointerDown", "button": 0}));
            actions.extend(points[1..].iter().map(|p| at(*p)));
            actions.push(json!({"type": "pointerUp", "button": 0}));
        }
        self.session_call(
            "POST",
            "/actions",
            Some(json!({"actions": [{
                "type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"}, "actions": actions,
            }]})),
        );
        self.session_call("DELETE", "/actions", None);
    }

    /// A PNG of the window, saved in the artifacts folder.
    pub fn screenshot(&self, name: &str) -> PathBuf {
        let b64 = self.session_call("GET", "/screenshot", None);
        let bytes = base64_decode(b64.as_str().unwrap_or_default());
        let path = artifacts().join(format!("{name}.png"));
        let _ = std::fs::write(&path, bytes);
        path
    }

    /// Resizes the window (its outer size, in CSS pixels).
    pub fn resize(&self, width: u32, height: u32) {
        self.session_call("POST", "/window/rect", Some(json!({"width": width, "height": height})));
        self.until("the window takes its size", Duration::from_secs(5), || {
            self.execute("return outerWidth", vec![]).as_u64() == Some(u64::from(width))
        });
    }

    /// Checks that the view fits the window at its own size and at the narrowest the window
    /// allows (760 px, tauri.conf.json), then gives the window its size back.
    pub fn assert_fits_narrow_too(&self, view: &str) {
        self.assert_fits(view);
        let size = self.execute("return [outerWidth, outerHeight]", vec![]);
        let at = |i: usize| size.get(i).and_then(Value::as_u64).and_then(|v| u32::try_from(v).ok()).unwrap_or(800);
        self.resize(760, 560);
        self.assert_fits(&format!("{view} at 760 px"));
        self.resize(at(0), at(1));
    }

    /// Checks that the view fits the window: the page does not scroll sideways and no toolbar
    /// holds more than its width (a control pushed past the edge cannot be clicked).
    pub fn assert_fits(&self, view: &str) {
        let overflow = self.execute(
            "const wide = [];
             const root = document.documentElement;
             if (root.scrollWidth > innerWidth) wide.push(`the page: ${root.scrollWidth} px`);
             for (const bar of document.querySelectorAll('header')) {
               if (bar.scrollWidth > bar.clientWidth + 1) wide.push(`${bar.className}: ${bar.scrollWidth} px in ${bar.clientWidth}`);
             }
             return wide.join('; ');",
            vec![],
        );
        let overflow = overflow.as_str().unwrap_or_default();
        assert!(
            overflow.is_empty(),
            "{view} is wider than the window ({} px): {overflow}",
            self.execute("return innerWidth", vec![])
        );
    }

    /// Saves a screenshot and checks that the area of `testid` is not blank (not one colour),
    /// once the images in it have loaded.
    pub fn assert_not_blank(&self, name: &str, testid: &str) {
        let loaded = format!(
            "const el = document.querySelector(\"[data-testid='{testid}']\"); if (!el) return false;
             const imgs = el.tagName === 'IMG' ? [el] : [...el.querySelectorAll('img')];
             const current = document.querySelector(\"[data-testid='page-indicator']\")?.dataset.pageIndex;
             const shown = [...document.querySelectorAll(\"[data-testid='reader-page']\")];
             const pageReady = current === undefined || shown.length === 0
               || shown.some(i => i.dataset.pageIndex === current && i.complete && i.naturalWidth > 0
                                  && getComputedStyle(i).opacity === '1');
             return pageReady && imgs.every(i => i.complete && i.naturalWidth > 0);"
        );
        self.until(&format!("the images of {testid}"), Duration::from_secs(20), || {
            self.execute(&loaded, vec![]).as_bool() == Some(true)
        });
        // One more frame for the decoded image to be painted.
        std::thread::sleep(Duration::from_millis(150));
        let path = self.screenshot(name);
        let rect = self.wait(testid).rect();
        let bytes = std::fs::read(&path).expect("screenshot");
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().expect("png");
        let mut pixels = vec![0; reader.output_buffer_size().unwrap_or_default()];
        let info = reader.next_frame(&mut pixels).expect("frame");
        let channels = info.line_size / info.width as usize;
        let (x0, y0) = (rect.0.max(0.0) as usize, rect.1.max(0.0) as usize);
        let x1 = ((rect.0 + rect.2) as usize).min(info.width as usize);
        let y1 = ((rect.1 + rect.3) as usize).min(info.height as usize);
        assert!(x1 > x0 + 10 && y1 > y0 + 10, "{testid} has no visible area: {rect:?}");
        let mut distinct = std::collections::HashSet::new();
        let mut dark = 0usize;
        for y in (y0..y1).step_by(2) {
            for x in (x0..x1).step_by(2) {
                let p = &pixels[y * info.line_size + x * channels..][..3];
                distinct.insert((p[0] / 16, p[1] / 16, p[2] / 16));
                if (p[0] as u32 + p[1] as u32 + p[2] as u32) < 384 {
                    dark += 1;
                }
            }
        }
        assert!(
            distinct.len() > 3 && dark > 20,
            "{testid} looks blank in {} ({} colours, {dark} dark pixels)",
            path.display(),
            distinct.len()
        );
    }
}

impl Drop for App {
    fn drop(&mut self) {
        let app = self.pid();
        if !self.session.is_empty() {
            let _ = self.http.delete(&format!("{}/session/{}", self.base, self.session)).call();
        }
        // Closing the session closes the window; make sure the app is gone all the same.
        if app != self.driver.id() {
            let _ = Command::new("kill").arg(app.to_string()).stderr(Stdio::null()).status();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// An element found by test id.
pub struct Element<'a> {
    app: &'a App,
    id: String,
}

impl Element<'_> {
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.app.session_call(method, &format!("/element/{}{}", self.id, path), body)
    }

    pub fn click(&self) {
        self.call("POST", "/click", Some(json!({})));
    }

    /// The rendered text (`innerText`: WebKitWebDriver's own text command gives nothing for
    /// line-clamped boxes).
    pub fn text(&self) -> String {
        self.app.execute("return arguments[0].innerText", vec![self.as_arg()]).as_str().unwrap_or_default().to_owned()
    }

    pub fn attr(&self, name: &str) -> Option<String> {
        self.call("GET", &format!("/attribute/{name}"), None).as_str().map(str::to_owned)
    }

    pub fn displayed(&self) -> bool {
        self.call("GET", "/displayed", None).as_bool().unwrap_or(false)
    }

    pub fn clear(&self) {
        self.call("POST", "/clear", Some(json!({})));
    }

    /// Types into the element (WebDriver key codes allowed, "\u{E007}" = Enter).
    pub fn type_text(&self, text: &str) {
        self.call("POST", "/value", Some(json!({"text": text})));
    }

    /// (x, y, width, height) in CSS pixels of the window.
    pub fn rect(&self) -> (f64, f64, f64, f64) {
        let r = self.call("GET", "/rect", None);
        let n = |k: &str| r[k].as_f64().unwrap_or_default();
        (n("x"), n("y"), n("width"), n("height"))
    }

    /// The element as a script argument.
    pub fn as_arg(&self) -> Value {
        json!({ ELEMENT: self.id })
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(text.trim()).unwrap_or_default()
}

/// Reads everything a loopback connection sends (used by the hostile-book test).
pub fn drain(mut stream: std::net::TcpStream) -> String {
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    let mut text = String::new();
    let _ = stream.read_to_string(&mut text);
    text
}

pub const ENTER: &str = "\u{E007}";
pub const RIGHT: &str = "\u{E014}";
pub const LEFT: &str = "\u{E012}";
