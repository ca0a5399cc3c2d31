//! Faults on the v2 send endpoint: 502 sendUnconfirmed (processed: X has it, the key released;
//! unprocessed: a message X never got) read back through `GET /api/v2/messages/{id}`; processed
//! then 500 / dropped / hung, unprocessed 503, targeting (api v1 / v2 / both), and every other
//! retry is a replay.

mod common;

use std::time::Duration;

use common::{Emulator, TOKEN};
use serde_json::{json, Value};

fn profile(content: &str) -> Value {
    json!({"target": {"type": "profile", "accountLinkId": "acct2founder", "platform": "twitter", "platformId": "987654321012345678"}, "content": content})
}

fn raw_v2(key: &str, body: &Value) -> String {
    let auth = format!("Bearer {TOKEN}");
    common::build_request(
        "POST",
        "/api/v2/messages",
        &[("Authorization", &auth), ("Idempotency-Key", key)],
        Some(&body.to_string()),
        true,
    )
}

/// After a processed-then-failed first attempt, the retry is a 200 replay of the one stored DM.
fn assert_retry_replays(emu: &Emulator, key: &str, body: &Value) {
    let retry = emu.send_v2(Some(key), body);
    assert_eq!(retry.status, 200, "{}", retry.text());
    let stored = emu.stored_messages();
    assert_eq!(stored.len(), 1, "exactly one DM stored");
    assert_eq!(retry.json()["message"]["id"], stored[0]["id"]);
}

/// `GET /api/v2/messages/{id}` (with `?expand=thread` when `thread`).
fn read_message(emu: &Emulator, id: &str, thread: bool) -> common::Resp {
    let expand = if thread { "?expand=thread" } else { "" };
    emu.api("GET", &format!("/api/v2/messages/{id}{expand}"), None)
}

#[test]
fn processed_then_502_send_unconfirmed_names_the_message_x_has() {
    let emu = Emulator::start(&[]);
    emu.add_faults(json!([{"api": "v2", "process": true, "status": 502}]));
    let resp = emu.send_v2(Some("k502"), &profile("unconfirmed"));
    assert_eq!(resp.status, 502);
    let body = resp.json();
    assert_eq!(body["code"], "sendUnconfirmed");
    let stored = emu.stored_messages();
    let id = body["details"]["messageId"].as_str().expect("a message id");
    assert_eq!(id, stored[0]["id"]);
    assert_eq!(body["requestId"].as_str(), resp.header("x-request-id"));
    assert_eq!(emu.requests()[0]["processed"], true);

    // The read says X has it: the vendor's Message, its platformId set, the thread embedded.
    let read = read_message(&emu, id, true);
    assert_eq!(read.status, 200, "{}", read.text());
    let message = read.json();
    assert_eq!(message["id"], id);
    assert_eq!(message["content"], "unconfirmed");
    assert!(message["platformId"].is_string(), "{message}");
    assert_eq!(message["direction"], "outbound");
    assert_eq!(message["thread"]["id"], message["threadId"]);
    assert_eq!(read_message(&emu, id, false).json().get("thread"), None);
}

#[test]
fn after_send_unconfirmed_the_key_is_released_so_a_resend_is_a_duplicate() {
    let emu = Emulator::start(&[]);
    emu.add_faults(json!([{"api": "v2", "process": true, "status": 502}]));
    assert_eq!(emu.send_v2(Some("k502"), &profile("twice")).status, 502);
    // As the vendor: the key no longer protects the DM, so the same key sends it again.
    let again = emu.send_v2(Some("k502"), &profile("twice"));
    assert_eq!(again.status, 201, "{}", again.text());
    assert_eq!(emu.stored_messages().len(), 2, "the resend is a second DM");
}

#[test]
fn unprocessed_send_unconfirmed_names_a_message_x_never_got() {
    let emu = Emulator::start(&[]);
    emu.add_faults(json!([{"api": "v2", "status": 502, "code": "sendUnconfirmed"}]));
    let resp = emu.send_v2(Some("klost"), &profile("lost"));
    assert_eq!(resp.status, 502);
    let body = resp.json();
    assert_eq!(body["code"], "sendUnconfirmed");
    let id = body["details"]["messageId"].as_str().expect("a message id");
    assert!(common::is_id(id), "{id}");
    assert!(emu.stored_messages().is_empty());
    let read = read_message(&emu, id, true);
    assert_eq!(read.status, 404);
    assert_eq!(read.json()["code"], "messageNotFound");
    // The key was never used: a resend is the first and only DM.
    assert_eq!(emu.send_v2(Some("klost"), &profile("lost")).status, 201);
    assert_eq!(emu.stored_messages().len(), 1);
}

#[test]
fn processed_then_500_is_internal_and_the_retry_replays() {
    let emu = Emulator::start(&[]);
    emu.add_faults(json!([{"api": "v2", "process": true, "status": 500}]));
    let resp = emu.send_v2(Some("k500"), &profile("five hundred"));
    assert_eq!(
        (resp.status, resp.json()["code"].clone()),
        (500, json!("internal"))
    );
    assert_retry_replays(&emu, "k500", &profile("five hundred"));
}

#[test]
fn processed_then_dropped_connection_and_the_retry_replays() {
    let emu = Emulator::start(&[]);
    emu.add_faults(json!([{"api": "v2", "process": true, "action": "close"}]));
    let got = emu
        .raw(
            raw_v2("kclose", &profile("dropped")).as_bytes(),
            Duration::from_secs(5),
        )
        .expect("io");
    assert!(got.is_none(), "no response at all");
    assert_eq!(emu.requests()[0]["status"], Value::Null);
    assert_retry_replays(&emu, "kclose", &profile("dropped"));
}

#[test]
fn processed_then_hang_past_the_client_timeout_and_the_retry_replays() {
    let emu = Emulator::start(&[]);
    emu.add_faults(json!([{"api": "v2", "process": true, "action": "hang"}]));
    let err = emu
        .raw(
            raw_v2("khang", &profile("hung")).as_bytes(),
            Duration::from_millis(400),
        )
        .expect_err("the client times out");
    assert!(matches!(
        err.kind(),
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
    ));
    assert_retry_replays(&emu, "khang", &profile("hung"));
    // The timed-out client closed its socket; the emulator noticed.
    let mut closed = false;
    for _ in 0..50 {
        if emu.requests()[0]["clientClosed"] == true {
            closed = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(closed, "clientClosed on the hung request");
}

#[test]
fn processed_then_cut_mid_body() {
    let emu = Emulator::start(&[]);
    emu.add_faults(
        json!([{"api": "v2", "process": true, "status": 201, "action": "close_mid_body"}]),
    );
    let resp = emu
        .raw(
            raw_v2("kcut", &profile("cut")).as_bytes(),
            Duration::from_secs(5),
        )
        .expect("io")
        .expect("a head");
    let announced: usize = resp
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .expect("length");
    assert!(resp.body.len() < announced);
    assert_retry_replays(&emu, "kcut", &profile("cut"));
}

#[test]
fn unprocessed_faults_store_nothing_and_the_retry_is_a_new_send() {
    let emu = Emulator::start(&[]);
    emu.add_faults(json!([
        {"api": "v2", "status": 503, "headers": {"Retry-After": "1"}},
        {"api": "v2", "status": 429, "headers": {"retry-after-ms": "5"}},
        {"api": "v2", "status": 502},
    ]));
    let r = emu.send_v2(Some("u"), &profile("later"));
    assert_eq!(
        (r.status, r.json()["code"].clone()),
        (503, json!("platformUnavailable"))
    );
    assert_eq!(r.header("retry-after"), Some("1"));
    let r = emu.send_v2(Some("u"), &profile("later"));
    assert_eq!(
        (r.status, r.json()["code"].clone()),
        (429, json!("platformRateLimited"))
    );
    let r = emu.send_v2(Some("u"), &profile("later"));
    assert_eq!(
        (r.status, r.json()["code"].clone()),
        (502, json!("platformError"))
    );
    assert!(emu.stored_messages().is_empty());
    assert_eq!(emu.send_v2(Some("u"), &profile("later")).status, 201);
    let stats = emu.stats();
    assert_eq!(stats["rateLimited"]["fault"], 1);
    assert_eq!(stats["rateLimited"]["total"], 1);
}

#[test]
fn faults_target_v1_by_default_v2_or_both() {
    let emu = Emulator::start(&[]);
    let v1 = json!({"accountLinkId": "acct1sales", "content": "v1", "externalId": "p2theo"});
    emu.add_faults(json!([{"status": 503}]));
    assert_eq!(
        emu.send_v2(Some("a"), &profile("v2")).status,
        201,
        "a v1 fault leaves v2 alone"
    );
    assert_eq!(emu.send(&v1).status, 503);
    emu.add_faults(json!([{"api": "v2", "status": 504, "code": "gatewayTimeout"}]));
    assert_eq!(emu.send(&v1).status, 200, "a v2 fault leaves v1 alone");
    let r = emu.send_v2(Some("b"), &profile("v2 b"));
    assert_eq!(
        (r.status, r.json()["code"].clone()),
        (504, json!("gatewayTimeout"))
    );
    emu.add_faults(json!([{"api": "both", "times": 2, "status": 500}]));
    assert_eq!(emu.send(&v1).status, 500);
    assert_eq!(emu.send_v2(Some("c"), &profile("v2 c")).status, 500);
    assert_eq!(emu.control("GET", "/__emulator/faults", None), json!([]));
}
