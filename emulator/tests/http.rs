//! The HTTP layer on hyper: keep-alive through faults that hyper can send, the raw path for
//! the ones it cannot, limits on heads, HTTP/1.0, start-up time and a clean exit on SIGTERM.

mod common;

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use common::{build_request, Emulator, TOKEN};
use serde_json::json;

fn v1_body() -> String {
    json!({"accountLinkId": "acct1sales", "content": "http", "externalId": "p2theo"}).to_string()
}

/// Sends several requests on one connection and returns everything read until it closed.
fn exchange_on_one_connection(emu: &Emulator, requests: &[String]) -> String {
    let mut stream = std::net::TcpStream::connect(&emu.addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    stream
        .write_all(requests.concat().as_bytes())
        .expect("write");
    let mut buf = Vec::new();
    let _ = stream.read_to_end(&mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

#[test]
fn a_fault_hyper_can_send_keeps_the_connection_a_raw_one_closes_it() {
    let emu = Emulator::start(&[]);
    let auth = format!("Bearer {TOKEN}");
    let req = |close| {
        build_request(
            "POST",
            "/api/v1/threads/messages",
            &[("Authorization", &auth)],
            Some(&v1_body()),
            close,
        )
    };
    emu.add_faults(json!([{"status": 503, "headers": {"Retry-After": "1"}}]));
    let text = exchange_on_one_connection(&emu, &[req(false), req(true)]);
    assert!(text.starts_with("HTTP/1.1 503"), "{text}");
    assert_eq!(
        text.matches("HTTP/1.1 ").count(),
        2,
        "both answered on one connection: {text}"
    );
    assert!(text.contains("HTTP/1.1 200 OK"));
    assert!(text.contains("\r\nDate: "), "hyper wrote it");

    // Exact casing cannot go through hyper: the raw path writes it and closes the connection.
    emu.add_faults(json!([{"status": 503, "headers": {"retry-AFTER": "1"}}]));
    let text = exchange_on_one_connection(&emu, &[req(false), req(true)]);
    assert_eq!(text.matches("HTTP/1.1 ").count(), 1, "{text}");
    assert!(text.contains("\r\nretry-AFTER: 1\r\n"));
    assert!(text.contains("\r\nConnection: close\r\n"));
    assert_eq!(
        emu.stored_messages().len(),
        1,
        "the second request of each pair: once"
    );
}

#[test]
fn a_lying_content_length_goes_out_as_scripted() {
    let emu = Emulator::start(&[]);
    emu.add_faults(json!([{"status": 200, "headers": {"Content-Length": "100"}, "body": "{}"}]));
    let resp = emu.send(&serde_json::from_str(&v1_body()).expect("json"));
    assert_eq!(resp.header("content-length"), Some("100"));
    assert_eq!(resp.text(), "{}");
}

#[test]
fn every_response_has_a_request_id_and_content_length() {
    let emu = Emulator::start(&[]);
    for (method, path) in [
        ("GET", "/nowhere"),
        ("GET", "/avatars/mayabuilds.svg"),
        ("GET", "/__emulator/config"),
        ("GET", "/api/v1/account-links"),
        ("POST", "/api/v2/messages"),
        ("OPTIONS", "/api/v2/messages"),
    ] {
        let resp = emu.request(method, path, &[], None).expect("response");
        assert!(
            resp.header("x-request-id")
                .is_some_and(|v| v.starts_with("req_")),
            "{method} {path}"
        );
        if resp.status == 204 {
            assert!(resp.body.is_empty() && resp.header("content-length").is_none());
            continue;
        }
        let len: usize = resp
            .header("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{method} {path}: Content-Length"));
        assert_eq!(len, resp.body.len(), "{method} {path}");
    }
}

#[test]
fn http10_heads_over_64_kib_and_bodies_over_1_mib() {
    let emu = Emulator::start(&[]);
    let resp = emu
        .raw(
            b"GET /__emulator/config HTTP/1.0\r\n\r\n",
            Duration::from_secs(5),
        )
        .expect("io")
        .expect("response");
    assert_eq!(resp.status, 200);
    let huge = format!(
        "GET /__emulator/config HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "a".repeat(70_000)
    );
    let resp = emu
        .raw(huge.as_bytes(), Duration::from_secs(5))
        .expect("io")
        .expect("response");
    assert_eq!(resp.status, 431);
    let big = format!(
        "POST /api/v1/threads/messages HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n",
        2 * 1024 * 1024
    );
    let resp = emu
        .raw(big.as_bytes(), Duration::from_secs(5))
        .expect("io")
        .expect("response");
    assert_eq!(resp.status, 413);
    assert_eq!(emu.requests().last().expect("recorded")["status"], 413);
}

#[test]
fn starts_well_under_a_second_and_exits_cleanly_on_sigterm() {
    let started = Instant::now();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_inbox-emulator"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let mut out = child.stdout.take().expect("stdout");
    let mut seen = Vec::new();
    let mut byte = [0u8; 1];
    while seen.iter().filter(|&&b| b == b'\n').count() < 2 {
        if out.read(&mut byte).expect("read") == 0 {
            break;
        }
        seen.push(byte[0]);
    }
    let elapsed = started.elapsed();
    let text = String::from_utf8_lossy(&seen).into_owned();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("inbox-emulator listening on http://127.0.0.1:"),
        "{text}"
    );
    assert_eq!(lines[1], "token: dev-token");
    assert!(
        elapsed < Duration::from_millis(500),
        "start-up took {elapsed:?}"
    );
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let exit = child.wait().expect("wait");
    assert_eq!(exit.code(), Some(0));
}
