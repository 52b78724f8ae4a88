//! Catalogue passwords go to the system keyring where there is one: a real Secret Service
//! (GNOME Keyring) on a private D-Bus session bus, read back with `secret-tool`; with no
//! keyring they go to the library's encrypted file, and move into the keyring once it appears.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::Home;

/// `eleve:1234`, as HTTP Basic sends it.
const AUTHORIZATION: &str = "Basic ZWxldmU6MTIzNA==";

const FEED: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>urn:cartable:test:mediatheque</id>
  <title>Médiathèque du collège</title>
  <updated>2026-11-01T00:00:00Z</updated>
  <entry>
    <id>urn:cartable:test:atlas</id>
    <title>Atlas des océans</title>
    <updated>2026-11-01T00:00:00Z</updated>
  </entry>
</feed>"#;

/// A catalogue behind HTTP Basic: the feed for `eleve:1234`, a 401 for anyone else.
fn signed_in_catalog() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("loopback");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let Ok(read) = stream.try_clone() else { continue };
            let mut reader = BufReader::new(read);
            let mut stream = stream;
            let mut signed_in = false;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
                    break;
                }
                if let Some((k, v)) = line.split_once(':') {
                    signed_in |= k.eq_ignore_ascii_case("authorization") && v.trim() == AUTHORIZATION;
                }
            }
            let answer = if signed_in {
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/atom+xml;profile=opds-catalog\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{FEED}",
                    FEED.len()
                )
            } else {
                "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"college\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_owned()
            };
            stream.write_all(answer.as_bytes()).ok();
        }
    });
    format!("http://127.0.0.1:{port}/opds.xml")
}

const BUS_CONFIG: &str = r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>"#;

/// A private session bus with GNOME Keyring on it, unlocked, in a folder of its own.
struct Keyring {
    dir: tempfile::TempDir,
    address: String,
    bus: Child,
    daemon: Child,
}

impl Keyring {
    fn start() -> Keyring {
        let dir = tempfile::tempdir().expect("tmp");
        // A bus that starts nothing by itself: only the daemon started below answers for the
        // Secret Service.
        let config = dir.path().join("bus.conf");
        std::fs::write(&config, BUS_CONFIG).expect("bus config");
        let mut bus = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon (package dbus-daemon; `scripts/setup --test` installs it)");
        let mut address = String::new();
        BufReader::new(bus.stdout.take().expect("stdout")).read_line(&mut address).expect("bus address");
        let address = address.trim().to_owned();
        assert!(!address.is_empty(), "dbus-daemon gave no address");
        for sub in ["data", "run", "config"] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("mkdir");
        }
        let mut daemon = session(&mut Command::new("gnome-keyring-daemon"), dir.path(), &address)
            .args(["--foreground", "--unlock", "--components=secrets"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon (package gnome-keyring; `scripts/setup --test` installs it)");
        let mut stdin = daemon.stdin.take().expect("stdin");
        stdin.write_all(b"mot-de-passe-de-session").expect("unlock password");
        drop(stdin);
        let ring = Keyring { dir, address, bus, daemon };
        // The keyring is up once `secret-tool` gets an answer from it.
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let out = ring.secret_tool(&["search", "--all", "probe", "probe"]);
            if out.status.success() || String::from_utf8_lossy(&out.stderr).trim().is_empty() {
                break;
            }
            assert!(Instant::now() < deadline, "GNOME Keyring did not start: {}", String::from_utf8_lossy(&out.stderr));
            std::thread::sleep(Duration::from_millis(100));
        }
        ring
    }

    /// `command` with this keyring's session: bus, home and runtime folders.
    fn env<'a>(&self, command: &'a mut Command) -> &'a mut Command {
        session(command, self.dir.path(), &self.address)
    }

    fn secret_tool(&self, args: &[&str]) -> std::process::Output {
        self.env(&mut Command::new("secret-tool"))
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("secret-tool (package libsecret-tools; `scripts/setup --test` installs it)")
    }

    /// What the keyring holds for a library folder, as `secret-tool` prints it.
    fn items_of(&self, home: &Path) -> String {
        let service = format!("Cartable {}", home.display());
        let out = self.secret_tool(&["search", "--all", "service", &service]);
        let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
        text.push_str(&String::from_utf8_lossy(&out.stderr));
        text
    }

    /// `cartable` on `home`, in this keyring's session.
    fn cartable(&self, home: &Home, args: &[&str], stdin: &str) -> (bool, String) {
        cartable(self.env(&mut home.command(args)), stdin)
    }
}

impl Drop for Keyring {
    fn drop(&mut self) {
        for child in [&mut self.daemon, &mut self.bus] {
            child.kill().ok();
            child.wait().ok();
        }
    }
}

/// `command` in the session of a bus at `address`, with its home and runtime folders in `dir`.
fn session<'a>(command: &'a mut Command, dir: &Path, address: &str) -> &'a mut Command {
    command
        .env("DBUS_SESSION_BUS_ADDRESS", address)
        .env("HOME", dir)
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_RUNTIME_DIR", dir.join("run"))
        .env_remove("CARTABLE_KEYRING")
}

/// Runs a prepared `cartable` command with `stdin`; whether it succeeded, and its output.
fn cartable(command: &mut Command, stdin: &str) -> (bool, String) {
    let mut child =
        command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("cartable");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write stdin");
    let mut text = String::new();
    child.stdout.take().expect("stdout").read_to_string(&mut text).expect("stdout");
    child.stderr.take().expect("stderr").read_to_string(&mut text).expect("stderr");
    (child.wait().expect("wait").success(), text)
}

/// `cartable` on `home` with no session bus at all, so no keyring.
fn without_keyring(home: &Home, args: &[&str], stdin: &str) -> (bool, String) {
    cartable(home.command(args).env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus"), stdin)
}

#[test]
fn catalogue_passwords_live_in_the_system_keyring_when_there_is_one() {
    let url = signed_in_catalog();
    let ring = Keyring::start();
    let home = Home::new();

    let (ok, out) = ring.cartable(&home, &["catalog", "add", &url, "--user", "eleve", "--password-stdin"], "1234\n");
    assert!(ok, "add: {out}");
    assert!(out.contains("the password is kept in the system keyring"), "{out}");
    let items = ring.items_of(home.path());
    assert!(items.contains(r#""password":"1234""#), "the keyring holds the credential: {items}");
    assert!(items.contains(&url), "named after the catalogue: {items}");
    assert!(!home.path().join("secrets.bin").exists(), "nothing in the file store");

    let (ok, out) = ring.cartable(&home, &["catalog", "browse", "Médiathèque du collège"], "");
    assert!(ok && out.contains("Atlas des océans"), "the saved password opens the catalogue: {out}");
    let (ok, out) = ring.cartable(&home, &["catalog", "list"], "");
    assert!(ok && out.contains("signed in as eleve, the system keyring"), "{out}");

    // The same library with no keyring around cannot read the password (it is not in a file):
    // the catalogue asks to sign in again instead of failing strangely.
    let (ok, out) = without_keyring(&home, &["catalog", "browse", "Médiathèque du collège"], "");
    assert!(!ok && out.to_lowercase().contains("sign in"), "{out}");

    let (ok, out) = ring.cartable(&home, &["catalog", "remove", "Médiathèque du collège"], "");
    assert!(ok, "remove: {out}");
    let items = ring.items_of(home.path());
    assert!(!items.contains("1234"), "removing the catalogue removes its password: {items}");
}

#[test]
fn with_no_keyring_passwords_go_to_the_encrypted_file_and_move_into_a_keyring_later() {
    let url = signed_in_catalog();
    let home = Home::new();
    let (ok, out) = without_keyring(&home, &["catalog", "add", &url, "--user", "eleve", "--password-stdin"], "1234\n");
    assert!(ok, "add: {out}");
    assert!(out.contains("the library's encrypted password file"), "{out}");
    let stored = std::fs::read(home.path().join("secrets.bin")).expect("the encrypted file");
    assert!(!stored.windows(4).any(|w| w == b"1234"), "not in clear");
    let (ok, out) = without_keyring(&home, &["catalog", "browse", "Médiathèque du collège"], "");
    assert!(ok && out.contains("Atlas des océans"), "{out}");

    let ring = Keyring::start();
    let (ok, out) = ring.cartable(&home, &["catalog", "browse", "Médiathèque du collège"], "");
    assert!(ok && out.contains("Atlas des océans"), "{out}");
    let items = ring.items_of(home.path());
    assert!(items.contains(r#""password":"1234""#), "the password moved into the keyring: {items}");
    let (ok, out) = without_keyring(&home, &["catalog", "browse", "Médiathèque du collège"], "");
    assert!(!ok, "and left the file: {out}");

    // CARTABLE_KEYRING=off keeps a library on its file even with a keyring around.
    let other = Home::new();
    let mut add = other.command(&["catalog", "add", &url, "--user", "eleve", "--password-stdin"]);
    ring.env(&mut add).env("CARTABLE_KEYRING", "off");
    let (ok, out) = cartable(&mut add, "1234\n");
    assert!(ok && out.contains("encrypted password file"), "{out}");
    assert!(!ring.items_of(other.path()).contains("1234"));
}
