//! The v2 send endpoint: new / replay / reused / in progress, validation, targets, key expiry.

mod common;

use std::time::Duration;

use common::{Emulator, TOKEN};
use serde_json::{json, Value};

fn profile(content: &str) -> Value {
    json!({"target": {"type": "profile", "accountLinkId": "acct1sales", "platform": "twitter", "platformId": "1566123362161725440"}, "content": content})
}

#[test]
fn a_new_send_is_201_and_a_replay_is_200_with_the_same_result() {
    let emu = Emulator::start(&[]);
    let first = emu.send_v2(Some("order-1"), &profile("hello v2"));
    assert_eq!(first.status, 201, "{}", first.text());
    let v = first.json();
    let message = &v["message"];
    assert!(common::is_id(message["id"].as_str().expect("id")));
    assert_eq!(message["content"], "hello v2");
    assert_eq!(message["direction"], "outbound");
    assert_eq!(message["accountLinkId"], "acct1sales");
    assert_eq!(message["sentBy"]["type"], "api");
    assert_eq!(message["platformData"]["_tag"], "twitter");
    assert_eq!(message["replyTo"], Value::Null);
    assert!(common::is_iso_ms(
        message["createdAt"].as_str().expect("createdAt")
    ));
    let thread = &v["thread"];
    assert_eq!(thread["id"], message["threadId"]);
    assert_eq!(thread["contactId"], "p1maya");
    assert_eq!(thread["lastMessage"]["id"], message["id"]);
    assert_eq!(thread["acceptanceState"], "notRequired");
    assert!(first.header("x-request-id").is_some());
    assert_eq!(first.header("x-ratelimit-remaining"), Some("299"));

    let replay = emu.send_v2(Some("order-1"), &profile("hello v2"));
    assert_eq!(replay.status, 200);
    assert_eq!(
        replay.json(),
        v,
        "the original result, byte for byte in JSON"
    );
    let stored = emu.stored_messages();
    assert_eq!(stored.len(), 1, "a replay stores nothing");
    assert_eq!(stored[0]["api"], "v2");
    assert_eq!(stored[0]["idempotencyKey"], "order-1");

    // Another key with the same body is another DM, into the same thread.
    let other = emu.send_v2(Some("order-2"), &profile("hello v2"));
    assert_eq!(other.status, 201);
    assert_eq!(other.json()["thread"]["id"], thread["id"]);
    assert_ne!(other.json()["message"]["id"], message["id"]);
    let stats = emu.stats();
    assert_eq!(stats["sent"]["v2"], 2);
    assert_eq!(stats["replays"], 1);
    assert_eq!(stats["idempotencyKeys"], 2);
}

#[test]
fn the_same_key_with_another_body_is_422_and_stores_nothing() {
    let emu = Emulator::start(&[]);
    assert_eq!(emu.send_v2(Some("k"), &profile("one")).status, 201);
    let reused = emu.send_v2(Some("k"), &profile("two"));
    assert_eq!(reused.status, 422);
    let body = reused.json();
    assert_eq!(body["code"], "idempotencyKeyReused");
    assert_eq!(body["details"], Value::Null);
    assert_eq!(body["requestId"].as_str(), reused.header("x-request-id"));
    assert_eq!(emu.stored_messages().len(), 1);
    assert_eq!(emu.stats()["idempotencyKeyReused"], 1);
    // Key order and whitespace in the JSON do not matter: still a replay.
    let reordered = r#"{ "content": "one", "target": {"platformId": "1566123362161725440", "platform": "twitter", "accountLinkId": "acct1sales", "type": "profile"} }"#;
    let auth = format!("Bearer {TOKEN}");
    let resp = emu
        .request(
            "POST",
            "/api/v2/messages",
            &[("Authorization", &auth), ("Idempotency-Key", "k")],
            Some(reordered),
        )
        .expect("response");
    assert_eq!(resp.status, 200);
}

#[test]
fn without_a_key_a_send_is_an_ordinary_send_and_each_one_is_new() {
    let emu = Emulator::start(&[]);
    let first = emu.send_v2(None, &profile("no key"));
    assert_eq!(first.status, 201, "{}", first.text());
    let second = emu.send_v2(None, &profile("no key"));
    assert_eq!(second.status, 201);
    assert_ne!(
        first.json()["message"]["id"],
        second.json()["message"]["id"]
    );
    let stored = emu.stored_messages();
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0]["idempotencyKey"], Value::Null);
    assert_eq!(emu.stats()["idempotencyKeys"], 0);
}

#[test]
fn an_invalid_key_and_bad_bodies_get_the_v2_validation_shape() {
    let emu = Emulator::start(&[]);
    let long = "k".repeat(256);
    let too_long = emu.send_v2(Some(&long), &profile("x"));
    assert_eq!(too_long.status, 400);
    let body = too_long.json();
    assert_eq!(body["code"], "invalidRequest");
    assert_eq!(
        body["details"]["issues"][0]["path"],
        json!(["headers", "idempotency-key"])
    );
    assert_eq!(body["requestId"].as_str(), too_long.header("x-request-id"));
    assert_eq!(
        emu.send_v2(Some(&"k".repeat(255)), &profile("x")).status,
        201
    );

    let cases = [
        (
            json!({"target": {"type": "thread", "threadId": "t1", "accountLinkId": "acct1sales"}, "content": "x"}),
            json!(["target", "accountLinkId"]),
        ),
        (
            json!({"target": {"type": "profile", "accountLinkId": "acct1sales", "platform": "twitter"}, "content": "x"}),
            json!(["target", "platformId"]),
        ),
        (
            json!({"target": {"type": "email", "to": "a@b"}, "content": "x"}),
            json!(["target", "type"]),
        ),
        (
            json!({"target": {"type": "contact", "accountLinkId": "Acct", "contactId": "p1maya"}, "content": "x"}),
            json!(["target", "accountLinkId"]),
        ),
        (
            json!({"target": {"type": "contact", "accountLinkId": "acct1sales", "contactId": "p1maya"}, "content": ""}),
            json!(["content"]),
        ),
        (
            json!({"target": {"type": "contact", "accountLinkId": "acct1sales", "contactId": "p1maya"}, "content": 5}),
            json!(["content"]),
        ),
        (
            json!({"target": {"type": "contact", "accountLinkId": "acct1sales", "contactId": "p1maya"}, "content": "x", "extra": 1}),
            json!(["extra"]),
        ),
        (json!({"content": "x"}), json!(["target"])),
        (json!([1]), json!([])),
    ];
    for (i, (body, path)) in cases.iter().enumerate() {
        let resp = emu.send_v2(Some(&format!("bad-{i}")), body);
        assert_eq!(resp.status, 400, "case {i}: {}", resp.text());
        let v = resp.json();
        assert_eq!(v["code"], "invalidRequest", "case {i}");
        assert!(
            v["details"]["issues"]
                .as_array()
                .expect("issues")
                .iter()
                .any(|x| &x["path"] == path),
            "case {i}: {v}"
        );
    }
    assert_eq!(emu.stored_messages().len(), 1, "only the 255-char key sent");
}

#[test]
fn targets_resolve_to_threads_and_unknown_ones_get_v2_errors() {
    let emu = Emulator::start(&[]);
    let v1 = emu.send(
        &json!({"accountLinkId": "acct1sales", "content": "v1 first", "externalId": "p1maya"}),
    );
    let thread_id = v1.json()["thread"]["id"].as_str().expect("id").to_string();
    let first_id = v1.json()["message"]["id"].as_str().expect("id").to_string();
    let by_thread = emu.send_v2(Some("a"), &json!({"target": {"type": "thread", "threadId": thread_id}, "content": "by thread", "replyToMessageId": first_id}));
    assert_eq!(by_thread.status, 201, "{}", by_thread.text());
    assert_eq!(by_thread.json()["thread"]["id"], thread_id.as_str());
    assert_eq!(
        by_thread.json()["message"]["replyTo"]["messageId"],
        first_id.as_str()
    );
    assert_eq!(
        by_thread.json()["message"]["replyTo"]["content"],
        "v1 first"
    );
    let by_contact = emu.send_v2(Some("b"), &json!({"target": {"type": "contact", "accountLinkId": "acct1sales", "contactId": "p1maya"}, "content": "by contact"}));
    assert_eq!(by_contact.json()["thread"]["id"], thread_id.as_str());
    assert_eq!(
        emu.stored_messages().len(),
        3,
        "v1 and v2 share the message store"
    );
    let listed = emu
        .api(
            "GET",
            &format!("/api/v1/threads/{thread_id}/messages"),
            None,
        )
        .json();
    assert_eq!(listed["messages"][0]["content"], "by contact");

    let errors = [
        (
            json!({"type": "thread", "threadId": "tnope"}),
            404,
            "threadNotFound",
        ),
        (
            json!({"type": "contact", "accountLinkId": "acct1sales", "contactId": "nobody"}),
            404,
            "contactNotFound",
        ),
        (
            json!({"type": "contact", "accountLinkId": "nolink", "contactId": "p1maya"}),
            404,
            "accountLinkNotFound",
        ),
        (
            json!({"type": "profile", "accountLinkId": "acct1sales", "platform": "linkedin", "platformId": "1"}),
            422,
            "platformNotSupported",
        ),
        (
            json!({"type": "profile", "accountLinkId": "acct1sales", "platform": "twitter", "platformId": "@maya"}),
            422,
            "recipientUnavailable",
        ),
    ];
    for (i, (target, status, code)) in errors.iter().enumerate() {
        let resp = emu.send_v2(
            Some(&format!("e{i}")),
            &json!({"target": target, "content": "x"}),
        );
        assert_eq!(
            (resp.status, resp.json()["code"].clone()),
            (*status, json!(code)),
            "case {i}"
        );
    }
    let long = emu.send_v2(Some("long"), &profile(&"é".repeat(10_001)));
    assert_eq!(
        (long.status, long.json()["code"].clone()),
        (422, json!("contentRejected"))
    );
    let unauth = emu
        .request(
            "POST",
            "/api/v2/messages",
            &[("Idempotency-Key", "z")],
            Some("{}"),
        )
        .expect("response");
    assert_eq!(
        (unauth.status, unauth.json()["code"].clone()),
        (401, json!("unauthorized"))
    );
    assert_eq!(emu.stored_messages().len(), 3);
}

#[test]
fn a_second_request_while_the_first_is_delayed_gets_409_send_in_progress() {
    let emu = Emulator::start(&[]);
    emu.add_faults(json!([{"api": "v2", "process": true, "status": 201, "delayMs": 1500}]));
    let first = std::thread::scope(|s| {
        let slow = s.spawn(|| emu.send_v2(Some("slow-1"), &profile("slow")));
        std::thread::sleep(Duration::from_millis(400));
        let busy = emu.send_v2(Some("slow-1"), &profile("slow"));
        assert_eq!(busy.status, 409, "{}", busy.text());
        let body = busy.json();
        assert_eq!(body["code"], "sendInProgress");
        let stored = emu.stored_messages();
        assert_eq!(stored.len(), 1);
        assert_eq!(body["details"]["messageId"], stored[0]["id"]);
        slow.join().expect("slow request")
    });
    assert_eq!(first.status, 201);
    let after = emu.send_v2(Some("slow-1"), &profile("slow"));
    assert_eq!(after.status, 200);
    assert_eq!(after.json(), first.json());
    assert_eq!(emu.stored_messages().len(), 1);
    assert_eq!(emu.stats()["sendInProgress"], 1);
}

#[test]
fn keys_expire_after_the_configured_time() {
    let emu = Emulator::start(&["--idempotency-key-ttl-ms", "60000"]);
    assert_eq!(
        emu.control("GET", "/__emulator/config", None)["idempotencyKeyTtlMs"],
        60_000
    );
    emu.config(json!({"idempotencyKeyTtlMs": 300}));
    assert_eq!(emu.send_v2(Some("ttl"), &profile("a")).status, 201);
    assert_eq!(emu.send_v2(Some("ttl"), &profile("a")).status, 200);
    std::thread::sleep(Duration::from_millis(350));
    let again = emu.send_v2(Some("ttl"), &profile("b"));
    assert_eq!(
        again.status,
        201,
        "an expired key is new again: {}",
        again.text()
    );
    assert_eq!(emu.stored_messages().len(), 2);
    emu.control("POST", "/__emulator/reset", None);
    assert_eq!(
        emu.send_v2(Some("ttl"), &profile("c")).status,
        201,
        "reset forgets keys"
    );
}

#[test]
fn cors_preflight_allows_the_idempotency_key_header() {
    let emu = Emulator::start(&[]);
    let resp = emu
        .request(
            "OPTIONS",
            "/api/v2/messages",
            &[
                ("Origin", "http://localhost:5173"),
                ("Access-Control-Request-Method", "POST"),
                (
                    "Access-Control-Request-Headers",
                    "authorization,content-type,idempotency-key",
                ),
            ],
            None,
        )
        .expect("response");
    assert_eq!(resp.status, 204);
    let allowed = resp
        .header("access-control-allow-headers")
        .expect("allow-headers");
    for name in ["authorization", "content-type", "idempotency-key"] {
        assert!(
            allowed.split(", ").any(|h| h == name),
            "{name} in {allowed}"
        );
    }
    let sent = emu.send_v2(Some("cors"), &profile("cors"));
    assert_eq!(sent.header("access-control-allow-origin"), Some("*"));
}
