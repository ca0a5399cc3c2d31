//! Test harness: starts the emulator binary and speaks raw HTTP/1.1 over `std::net::TcpStream`.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

/// The token the harness starts the emulator with.
pub const TOKEN: &str = "test-token-123";

/// A running emulator, killed on drop.
pub struct Emulator {
    child: Child,
    /// `127.0.0.1:<port>`
    pub addr: String,
    /// `http://127.0.0.1:<port>`
    pub base: String,
}

/// A response read off the wire.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    /// Header names exactly as sent.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

impl Emulator {
    /// Starts the binary with these flags (and no `INBOX_EMULATOR_WINDOWS` from outside).
    pub fn start(extra: &[&str]) -> Self {
        Emulator::start_with_env(extra, &[])
    }

    /// Starts the binary with these flags and environment variables.
    pub fn start_with_env(extra: &[&str], env: &[(&str, &str)]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_inbox-emulator"))
            .env_remove("INBOX_EMULATOR_WINDOWS")
            .envs(env.iter().copied())
            .args(["--token", TOKEN])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn emulator");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout);
        let mut first = String::new();
        lines.read_line(&mut first).expect("read first line");
        let mut second = String::new();
        lines.read_line(&mut second).expect("read second line");
        assert_eq!(second.trim_end(), format!("token: {TOKEN}"));
        let base = first
            .trim_end()
            .strip_prefix("inbox-emulator listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
            .to_string();
        let addr = base.trim_start_matches("http://").to_string();
        Emulator { child, addr, base }
    }

    /// Sends raw bytes on a fresh connection and reads until the server closes it.
    /// `None` when the server closed without sending anything.
    pub fn raw(&self, bytes: &[u8], timeout: Duration) -> std::io::Result<Option<Resp>> {
        let mut stream = TcpStream::connect(&self.addr)?;
        stream.set_read_timeout(Some(timeout))?;
        stream.write_all(bytes)?;
        let mut buf = Vec::new();
        match stream.read_to_end(&mut buf) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
            Err(e) => return Err(e),
        }
        Ok(parse_response(&buf))
    }

    /// One request with `Connection: close`.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Option<Resp> {
        let req = build_request(method, path, headers, body, true);
        self.raw(req.as_bytes(), Duration::from_secs(10))
            .expect("request I/O")
    }

    /// An authenticated API request.
    pub fn api(&self, method: &str, path: &str, body: Option<&str>) -> Resp {
        let auth = format!("Bearer {TOKEN}");
        self.request(
            method,
            path,
            &[
                ("Authorization", &auth),
                ("Content-Type", "application/json"),
            ],
            body,
        )
        .expect("a response")
    }

    /// `POST /api/v1/threads/messages` with a JSON body.
    pub fn send(&self, body: &Value) -> Resp {
        self.api("POST", "/api/v1/threads/messages", Some(&body.to_string()))
    }

    /// `POST /api/v2/messages` with an `Idempotency-Key` (none when `key` is `None`).
    pub fn send_v2(&self, key: Option<&str>, body: &Value) -> Resp {
        let auth = format!("Bearer {TOKEN}");
        let mut headers = vec![
            ("Authorization", auth.as_str()),
            ("Content-Type", "application/json"),
        ];
        if let Some(k) = key {
            headers.push(("Idempotency-Key", k));
        }
        self.request(
            "POST",
            "/api/v2/messages",
            &headers,
            Some(&body.to_string()),
        )
        .expect("a response")
    }

    /// `GET /__emulator/stats`.
    pub fn stats(&self) -> Value {
        self.control("GET", "/__emulator/stats", None)
    }

    /// `POST /__emulator/config`.
    pub fn config(&self, body: Value) -> Value {
        self.control("POST", "/__emulator/config", Some(&body))
    }

    /// A control API call returning JSON.
    pub fn control(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        let body = body.map(|b| b.to_string());
        let resp = self
            .request(
                method,
                path,
                &[("Content-Type", "application/json")],
                body.as_deref(),
            )
            .expect("a response");
        assert_eq!(resp.status, 200, "{method} {path}: {}", resp.text());
        resp.json()
    }

    pub fn stored_messages(&self) -> Vec<Value> {
        self.control("GET", "/__emulator/messages", None)
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    pub fn requests(&self) -> Vec<Value> {
        self.control("GET", "/__emulator/requests", None)
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    pub fn add_faults(&self, faults: Value) {
        self.control(
            "POST",
            "/__emulator/faults",
            Some(&serde_json::json!({ "faults": faults })),
        );
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn build_request(
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
    close: bool,
) -> String {
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (n, v) in headers {
        req.push_str(&format!("{n}: {v}\r\n"));
    }
    if let Some(b) = body {
        req.push_str(&format!("Content-Length: {}\r\n", b.len()));
    }
    if close {
        req.push_str("Connection: close\r\n");
    }
    req.push_str("\r\n");
    req.push_str(body.unwrap_or(""));
    req
}

/// Parses one response (the body is whatever followed the head, cut at Content-Length).
pub fn parse_response(buf: &[u8]) -> Option<Resp> {
    if buf.is_empty() {
        return None;
    }
    let end = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("complete head");
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status code");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.to_string(), v.trim().to_string()))
        .collect();
    let mut body = buf[end + 4..].to_vec();
    let len = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok());
    if let Some(len) = len {
        body.truncate(len);
    }
    Some(Resp {
        status,
        headers,
        body,
    })
}

/// `^[0-9a-z]+$`
pub fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ`
pub fn is_iso_ms(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 24
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'.'
        && b[23] == b'Z'
        && s.chars()
            .enumerate()
            .all(|(i, c)| [4, 7, 10, 13, 16, 19, 23].contains(&i) || c.is_ascii_digit())
}

/// The test's clock, in Unix ms (the emulator's runs on the same machine).
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// Unix ms of a `YYYY-MM-DDTHH:MM:SS.mmmZ` timestamp.
pub fn iso_ms(s: &str) -> u64 {
    assert!(is_iso_ms(s), "{s:?}");
    let n = |a: usize, b: usize| s[a..b].parse::<i64>().expect("digits");
    let (y, m, d) = (n(0, 4), n(5, 7), n(8, 10));
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + n(11, 13) * 3600 + n(14, 16) * 60 + n(17, 19);
    (secs * 1000 + n(20, 23)) as u64
}
