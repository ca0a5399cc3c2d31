//! Scripted faults: consumption, close, close mid-body, process-then-fail, hang, redirects.

mod common;

use std::time::{Duration, Instant};

use common::Emulator;
use serde_json::{json, Value};

fn body() -> serde_json::Value {
    json!({"accountLinkId": "acct1sales", "content": "fault test", "externalId": "p2theo"})
}

#[test]
fn a_fault_is_consumed_after_times_with_exact_header_casing() {
    let emu = Emulator::start(&[]);
    emu.add_faults(json!([{"times": 2, "status": 503, "headers": {"retry-AFTER": "1"}, "body": "<html>busy</html>"}]));
    for _ in 0..2 {
        let resp = emu.send(&body());
        assert_eq!(resp.status, 503);
        assert!(resp
            .headers
            .iter()
            .any(|(n, v)| n == "retry-AFTER" && v == "1"));
        assert_eq!(resp.text(), "<html>busy</html>");
        assert_eq!(resp.header("access-control-allow-origin"), Some("*"));
    }
    assert_eq!(emu.send(&body()).status, 200);
    assert_eq!(emu.stored_messages().len(), 1);
    let requests = emu.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0]["fault"]["index"], 0);
    assert_eq!(requests[2]["fault"], serde_json::Value::Null);
}

#[test]
fn close_drops_the_connection_without_a_response() {
    let emu = Emulator::start(&[]);
    emu.add_faults(json!([{"action": "close"}]));
    let req = common::build_request(
        "POST",
        "/api/v1/threads/messages",
        &[("Authorization", "Bearer test-token-123")],
        Some(&body().to_string()),
        false,
    );
    let resp = emu.raw(req.as_bytes(), Duration::from_secs(5)).expect("io");
    assert!(resp.is_none());
    assert!(emu.stored_messages().is_empty());
    let requests = emu.requests();
    assert_eq!(requests[0]["status"], serde_json::Value::Null);
    assert_eq!(requests[0]["processed"], false);
}

#[test]
fn process_true_with_500_stores_the_message_then_fails() {
    let emu = Emulator::start(&[]);
    emu.add_faults(json!([{"process": true, "status": 500}]));
    let resp = emu.send(&body());
    assert_eq!(resp.status, 500);
    assert_eq!(resp.json()["error"]["status"], 500);
    assert_eq!(emu.stored_messages().len(), 1);
    let requests = emu.requests();
    assert_eq!(
        (
            requests[0]["processed"].clone(),
            requests[0]["status"].clone()
        ),
        (json!(true), json!(500))
    );
}

#[test]
fn close_mid_body_announces_more_bytes_than_it_sends() {
    let emu = Emulator::start(&[]);
    emu.add_faults(json!([{"action": "close_mid_body", "status": 200, "body": "{\"message\":{\"id\":\"m1\"}}"}]));
    let resp = emu.send(&body());
    let announced: usize = resp
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .expect("length");
    assert!(resp.body.len() < announced);
    assert!(emu.stored_messages().is_empty());
}

#[test]
fn hang_keeps_the_socket_open_and_delay_waits() {
    let emu = Emulator::start(&[]);
    emu.add_faults(json!([{"action": "hang"}, {"delayMs": 300, "status": 503}]));
    let req = common::build_request("POST", "/api/v1/threads/messages", &[], Some("{}"), true);
    let err = emu
        .raw(req.as_bytes(), Duration::from_millis(400))
        .expect_err("read times out");
    assert!(matches!(
        err.kind(),
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
    ));
    let started = Instant::now();
    assert_eq!(emu.send(&body()).status, 503);
    assert!(started.elapsed() >= Duration::from_millis(300));
    let hung = &emu.requests()[0];
    assert_eq!(hung["status"], Value::Null);
    assert_eq!(hung["clientClosed"], true, "the client left: {hung}");
    assert_eq!(emu.requests()[1]["clientClosed"], false);
}

#[test]
fn redirect_fault_points_at_a_recording_target() {
    let emu = Emulator::start(&[]);
    let target = format!("{}/__emulator/redirect-target", emu.base);
    emu.add_faults(json!([{"status": 307, "headers": {"Location": target}, "body": ""}]));
    let resp = emu.send(&body());
    assert_eq!(resp.status, 307);
    assert_eq!(resp.header("location"), Some(target.as_str()));
    assert!(
        emu.requests()
            .iter()
            .all(|r| r["path"] != "/__emulator/redirect-target"),
        "nothing followed it"
    );
    let hit = emu
        .request("POST", "/__emulator/redirect-target", &[], Some("{}"))
        .expect("response");
    assert_eq!(hit.json(), json!({"redirected": true}));
    assert!(emu
        .requests()
        .iter()
        .any(|r| r["path"] == "/__emulator/redirect-target"));
}

#[test]
fn body_repeat_builds_large_bodies_and_cors_can_be_disabled() {
    let emu = Emulator::start(&[]);
    emu.add_faults(json!([{"status": 502, "body": "0123456789", "bodyRepeat": 1_000_000, "cors": false, "rateLimitHeaders": false}]));
    let resp = emu.send(&body());
    assert_eq!(resp.status, 502);
    assert_eq!(resp.body.len(), 10_000_000);
    assert!(resp.header("access-control-allow-origin").is_none());
    assert!(resp.header("x-ratelimit-limit").is_none());
    assert!(resp.header("x-request-id").is_some());
}

#[test]
fn bad_fault_specs_are_rejected() {
    let emu = Emulator::start(&[]);
    let resp = emu
        .request(
            "POST",
            "/__emulator/faults",
            &[],
            Some(r#"{"faults":[{"stauts":500}]}"#),
        )
        .expect("response");
    assert_eq!(resp.status, 400);
    assert!(resp.text().contains("stauts"));
}
