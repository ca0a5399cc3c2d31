//! Conversations and replies: earlier conversations made by the control API, prospects who
//! answer at a given moment (an inbound message both versions read, a `message.received` event
//! in `GET /api/v2/events`), the feed's own events for sends, and each event posted as a
//! webhook signed with `X-Inbox-Signature` to the configured URL.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

use common::{now_ms, Emulator};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

const MAYA: &str = "1566123362161725440";
const SECRET: &str = "whsec_emulator_test";

/// One webhook as received: its `X-Inbox-Signature` and its raw body.
struct Hook {
    signature: String,
    body: String,
}

/// A receiver on an ephemeral port answering 200 to every post; the URL and what arrives.
fn receiver() -> (String, Receiver<Hook>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!(
        "http://{}/webhooks/inbox",
        listener.local_addr().expect("addr")
    );
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let (mut signature, mut length) = (String::new(), 0usize);
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                if let Some((name, value)) = line.trim_end().split_once(':') {
                    match name.to_ascii_lowercase().as_str() {
                        "x-inbox-signature" => signature = value.trim().to_string(),
                        "content-length" => length = value.trim().parse().unwrap_or(0),
                        _ => {}
                    }
                }
                line.clear();
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).expect("body");
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            let body = String::from_utf8(body).expect("utf-8");
            if tx.send(Hook { signature, body }).is_err() {
                return;
            }
        }
    });
    (url, rx)
}

/// Checks a signature as a receiver must: `t` recent, `v1` the HMAC of `"<t>.<body>"`.
fn verify(hook: &Hook) -> Value {
    let (t, v1) = hook
        .signature
        .split_once(',')
        .and_then(|(t, v)| Some((t.strip_prefix("t=")?, v.strip_prefix("v1=")?)))
        .unwrap_or_else(|| panic!("signature {:?}", hook.signature));
    let secs: u64 = t.parse().expect("t");
    assert!(secs.abs_diff(now_ms() / 1000) <= 5, "t is now");
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).expect("key");
    mac.update(format!("{t}.{}", hook.body).as_bytes());
    assert_eq!(
        v1,
        hex::encode(mac.finalize().into_bytes()),
        "signed over the exact body"
    );
    serde_json::from_str(&hook.body).expect("JSON")
}

fn events(emu: &Emulator, query: &str) -> Value {
    let r = emu.api("GET", &format!("/api/v2/events{query}"), None);
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

/// acct1sales's threads with Maya, read through v2.
fn maya_threads(emu: &Emulator) -> Value {
    let path = "/api/v2/threads?accountLinkId=acct1sales&contactId=p1maya&folder=all";
    emu.api("GET", path, None).json()
}

fn reply(emu: &Emulator, body: Value) -> Value {
    emu.control("POST", "/__emulator/replies", Some(&body))["reply"].clone()
}

fn send(emu: &Emulator, key: &str) -> Value {
    let body = json!({"target": {"type": "profile", "accountLinkId": "acct1sales", "platform": "twitter", "platformId": MAYA}, "content": key});
    let r = emu.send_v2(Some(key), &body);
    assert_eq!(r.status, 201, "{}", r.text());
    r.json()
}

#[test]
fn an_earlier_conversation_is_a_thread_both_versions_read() {
    let emu = Emulator::start(&[]);
    let now = now_ms();
    let made = emu.control(
        "POST",
        "/__emulator/conversations",
        Some(
            &json!({"accountLinkId": "acct1sales", "contactId": "p1maya", "messages": [
                {"direction": "outbound", "content": "Hi Maya", "at": now - 60_000},
                {"direction": "inbound", "content": "Hi! Tell me more", "at": now - 30_000},
            ]}),
        ),
    );
    let thread_id = made["threadId"].as_str().expect("threadId").to_string();
    assert_eq!(made["messageIds"].as_array().map(Vec::len), Some(2));

    let v2 = maya_threads(&emu);
    assert_eq!(v2["data"][0]["id"], thread_id.as_str());
    assert_eq!(v2["data"][0]["lastMessage"]["direction"], "inbound");
    assert_eq!(v2["data"][0]["activity"]["preview"], "Hi! Tell me more");
    let no_reply = emu
        .api("GET", "/api/v2/threads?folder=noReply", None)
        .json();
    assert_eq!(
        no_reply["data"][0]["id"],
        thread_id.as_str(),
        "the prospect spoke last"
    );

    let lookup = emu
        .api(
            "GET",
            &format!("/api/v1/threads/lookup?accountLinkId=acct1sales&externalPlatformId={MAYA}"),
            None,
        )
        .json();
    assert_eq!(lookup["id"], thread_id.as_str());
    let list = emu
        .api(
            "GET",
            &format!("/api/v1/threads/{thread_id}/messages"),
            None,
        )
        .json();
    let messages = list["messages"].as_array().expect("messages");
    assert_eq!(messages.len(), 2);
    assert_eq!(
        (
            messages[0]["content"].clone(),
            messages[0]["authorId"].clone(),
            messages[0]["userId"].clone()
        ),
        (json!("Hi! Tell me more"), json!("p1maya"), Value::Null)
    );
    assert_eq!(messages[1]["authorId"], "acct1sales");

    let stored = emu.stored_messages();
    let origin: Vec<(Value, Value)> = stored
        .iter()
        .map(|m| (m["direction"].clone(), m["api"].clone()))
        .collect();
    assert_eq!(
        origin,
        [
            (json!("outbound"), json!("control")),
            (json!("inbound"), json!("control"))
        ]
    );
    let stats = emu.stats();
    assert_eq!(stats["sent"]["total"], 0, "history is not a send");
    assert_eq!(
        events(&emu, "?type=message.sent&type=message.received")["data"],
        json!([]),
        "nor an event"
    );

    for (body, field) in [
        (
            json!({"accountLinkId": "acct1sales", "contactId": "p1maya", "messages": [{"direction": "inbound", "content": "x", "at": now + 60_000}]}),
            "messages[0].at",
        ),
        (
            json!({"accountLinkId": "acct1sales", "contactId": "p1maya", "messages": [{"direction": "sideways", "content": "x"}]}),
            "messages[0].direction",
        ),
        (
            json!({"accountLinkId": "acct1sales", "contactId": "nobody", "messages": [{"direction": "inbound", "content": "x"}]}),
            "contactId",
        ),
        (
            json!({"accountLinkId": "acct1sales", "platformId": "abc", "messages": [{"direction": "inbound", "content": "x"}]}),
            "platformId",
        ),
        (
            json!({"accountLinkId": "acct1sales", "contactId": "p1maya", "messages": []}),
            "messages",
        ),
    ] {
        let r = emu
            .request(
                "POST",
                "/__emulator/conversations",
                &[],
                Some(&body.to_string()),
            )
            .expect("response");
        assert_eq!(r.status, 400, "{body}");
        assert!(
            r.text().contains(&format!("\"message\":\"{field}")),
            "{field}: {}",
            r.text()
        );
    }
}

#[test]
fn a_reply_lands_at_its_moment_in_both_versions_the_feed_and_a_signed_webhook() {
    let (url, hooks) = receiver();
    let emu = Emulator::start(&["--webhook-url", &url, "--webhook-secret", SECRET]);
    let sent = send(&emu, "opener");
    let thread_id = sent["thread"]["id"].as_str().expect("thread").to_string();
    let message_id = sent["message"]["id"].as_str().expect("message").to_string();

    // The send's own events, in seq order, each posted.
    let feed = events(&emu, "");
    let kinds: Vec<&str> = feed["data"]
        .as_array()
        .expect("data")
        .iter()
        .filter_map(|e| e["type"].as_str())
        .collect();
    assert_eq!(kinds, ["thread.created", "message.sent"]);
    let sent_event = &feed["data"][1];
    assert_eq!(
        sent_event["object"],
        json!({"type": "message", "id": message_id, "url": format!("/messages/{message_id}")})
    );
    assert_eq!(sent_event["data"], json!({"threadId": thread_id}));
    assert_eq!(sent_event["apiVersion"], "2");
    assert_eq!(
        (feed["lastSeq"].clone(), feed["hasMore"].clone()),
        (feed["data"][1]["seq"].clone(), json!(false))
    );
    let mut posted: Vec<Value> = (0..2)
        .map(|_| verify(&hooks.recv_timeout(Duration::from_secs(5)).expect("webhook")))
        .collect();
    posted.sort_by_key(|e| e["seq"].as_u64());
    assert_eq!(
        posted,
        feed["data"].as_array().expect("data").clone(),
        "the webhook body is the feed's event"
    );

    // A reply 400 ms from now: not there before, there after, with nothing else asked meanwhile.
    let after = feed["lastSeq"].as_u64().expect("lastSeq");
    let scheduled = reply(
        &emu,
        json!({"threadId": thread_id, "content": "Sounds good, call me", "afterMs": 400}),
    );
    assert_eq!(
        emu.control("GET", "/__emulator/replies", None)
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    let early = events(&emu, &format!("?afterSeq={after}&type=message.received"));
    assert_eq!(
        (
            early["data"].clone(),
            early["lastSeq"].clone(),
            early["hasMore"].clone()
        ),
        (json!([]), Value::Null, json!(false))
    );
    let hook = hooks
        .recv_timeout(Duration::from_secs(5))
        .expect("the reply's webhook");
    let event = verify(&hook);
    assert_eq!(event["type"], "message.received");
    assert_eq!(event["data"]["threadId"], thread_id.as_str());
    let at = common::iso_ms(event["createdAt"].as_str().expect("createdAt"));
    assert_eq!(
        at,
        scheduled["at"].as_u64().expect("at"),
        "recorded at the moment asked for"
    );
    assert!(now_ms() >= at);

    let fed = events(&emu, &format!("?afterSeq={after}&type=message.received"));
    assert_eq!(fed["data"], json!([event.clone()]));
    let reply_id = event["object"]["id"].as_str().expect("id");
    let v1 = emu
        .api(
            "GET",
            &format!("/api/v1/threads/{thread_id}/messages"),
            None,
        )
        .json();
    assert_eq!(
        (
            v1["messages"][0]["id"].clone(),
            v1["messages"][0]["content"].clone()
        ),
        (json!(reply_id), json!("Sounds good, call me"))
    );
    assert_eq!(v1["messages"][0]["authorId"], "p1maya");
    let v2 = maya_threads(&emu);
    assert_eq!(
        v2["data"][0]["lastMessage"],
        json!({"id": reply_id, "direction": "inbound", "createdAt": event["createdAt"]})
    );
    let listed = emu
        .api(
            "GET",
            &format!("/api/v2/threads/{thread_id}/messages"),
            None,
        )
        .json();
    assert_eq!(listed["data"][0]["direction"], "inbound", "newest first");
    assert_eq!(listed["data"][0]["sentBy"], Value::Null);
    assert_eq!(listed["data"][1]["id"], message_id.as_str());
    assert_eq!(listed["data"][1]["direction"], "outbound");
    let asc = emu
        .api(
            "GET",
            &format!("/api/v2/threads/{thread_id}/messages?order=asc&limit=1"),
            None,
        )
        .json();
    assert_eq!(
        (asc["data"][0]["id"].clone(), asc["nextCursor"].clone()),
        (json!(message_id), json!(message_id))
    );
    let missing = emu.api("GET", "/api/v2/threads/t404/messages", None);
    assert_eq!(
        (missing.status, missing.json()["code"].clone()),
        (404, json!("threadNotFound"))
    );
    let bad = emu.api("GET", "/api/v2/threads/T-1/messages", None);
    assert_eq!(
        bad.json()["details"]["issues"][0]["path"],
        json!(["path", "threadId"])
    );

    let attempts = emu.control("GET", "/__emulator/webhooks", None);
    let statuses: Vec<Value> = attempts
        .as_array()
        .expect("attempts")
        .iter()
        .map(|a| a["status"].clone())
        .collect();
    assert_eq!(statuses, [json!(200), json!(200), json!(200)]);
    assert_eq!(emu.control("GET", "/__emulator/replies", None), json!([]));
}

#[test]
fn the_feed_pages_by_seq_and_webhooks_follow_the_settings() {
    let (url, hooks) = receiver();
    let emu = Emulator::start(&[]);
    // Posting needs a secret; then only the types asked for are posted.
    let refused = emu
        .request(
            "POST",
            "/__emulator/config",
            &[],
            Some(&json!({"webhookUrl": url}).to_string()),
        )
        .expect("response");
    assert_eq!(refused.status, 400);
    assert!(refused.text().contains("webhookSecret"));
    let https = emu
        .request(
            "POST",
            "/__emulator/config",
            &[],
            Some(r#"{"webhookUrl":"https://example.com/x","webhookSecret":"s"}"#),
        )
        .expect("response");
    assert!(https.text().contains("webhookUrl"), "{}", https.text());
    let config = emu.config(
        json!({"webhookUrl": url, "webhookSecret": SECRET, "webhookEvents": ["message.received"]}),
    );
    assert_eq!(
        (
            config["webhookUrl"].clone(),
            config["webhookSecretSet"].clone()
        ),
        (json!(url), json!(true))
    );

    for i in 0..3 {
        send(&emu, &format!("s{i}"));
    }
    reply(
        &emu,
        json!({"accountLinkId": "acct1sales", "platformId": MAYA, "content": "stop please"}),
    );
    let hook = verify(&hooks.recv_timeout(Duration::from_secs(5)).expect("webhook"));
    assert_eq!(hook["type"], "message.received", "only the type asked for");
    assert!(
        hooks.recv_timeout(Duration::from_millis(300)).is_err(),
        "nothing else posted"
    );

    // thread.created, 3 × message.sent, message.received: read two at a time.
    let mut after = 0;
    let mut pages = Vec::new();
    loop {
        let page = events(
            &emu,
            &format!("?afterSeq={after}&limit=2&type=message.received"),
        );
        pages.push(page["data"].as_array().map_or(0, Vec::len));
        match page["lastSeq"].as_u64() {
            Some(last) => after = last,
            None => break,
        }
        if page["hasMore"] == false {
            break;
        }
    }
    assert_eq!(
        pages,
        [0, 0, 1],
        "a page reads `limit` events and keeps the asked types"
    );
    let all = events(&emu, "?limit=1000");
    let seqs: Vec<u64> = all["data"]
        .as_array()
        .expect("data")
        .iter()
        .filter_map(|e| e["seq"].as_u64())
        .collect();
    assert_eq!(seqs.len(), 5);
    assert!(seqs.windows(2).all(|w| w[1] == w[0] + 1), "{seqs:?}");

    for (query, path) in [
        ("?type=message.bounced", json!(["query", "type", 0])),
        ("?afterSeq=-1", json!(["query", "afterSeq"])),
        ("?limit=1001", json!(["query", "limit"])),
        ("?cursor=x", json!(["query", "cursor"])),
    ] {
        let r = emu.api("GET", &format!("/api/v2/events{query}"), None);
        assert_eq!(r.status, 400, "{query}");
        assert_eq!(r.json()["details"]["issues"][0]["path"], path, "{query}");
    }
    // Seqs carry on across a reset, so a stored afterSeq never skips new events.
    emu.control("POST", "/__emulator/reset", None);
    send(&emu, "after reset");
    let fresh = events(&emu, &format!("?afterSeq={after}"));
    assert_eq!(fresh["data"][0]["seq"].as_u64(), Some(seqs[4] + 1));

    let now = now_ms();
    for (body, field) in [
        (json!({"threadId": "t404", "content": "x"}), "threadId"),
        (
            json!({"accountLinkId": "acct1sales", "platformId": MAYA, "content": "x", "at": now - 10_000}),
            "at",
        ),
        (
            json!({"accountLinkId": "acct1sales", "platformId": MAYA, "content": "x", "at": now + 1, "afterMs": 1}),
            "at",
        ),
        (
            json!({"accountLinkId": "acct1sales", "content": "x"}),
            "platformId",
        ),
        (
            json!({"accountLinkId": "acct1sales", "platformId": MAYA, "content": ""}),
            "content",
        ),
        (
            json!({"accountLinkId": "acct1sales", "platformId": MAYA, "content": "x", "when": 1}),
            "when",
        ),
    ] {
        let r = emu
            .request("POST", "/__emulator/replies", &[], Some(&body.to_string()))
            .expect("response");
        assert_eq!(r.status, 400, "{body}");
        assert!(r.text().contains(field), "{field}: {}", r.text());
    }
}

#[test]
fn a_receiver_that_is_down_is_an_attempt_with_its_error_and_the_feed_still_has_the_event() {
    let closed = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/hooks", closed.local_addr().expect("addr"));
    drop(closed);
    let emu = Emulator::start(&["--webhook-url", &url, "--webhook-secret", SECRET]);
    reply(
        &emu,
        json!({"accountLinkId": "acct2founder", "contactId": "p2theo", "content": "first!"}),
    );
    let mut attempts = Value::Null;
    for _ in 0..100 {
        attempts = emu.control("GET", "/__emulator/webhooks", None);
        if attempts.as_array().is_some_and(|a| a.len() == 2) {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let list = attempts.as_array().expect("two attempts");
    assert!(list.iter().all(|a| a["status"].is_null()), "{attempts}");
    assert!(list.iter().all(|a| a["error"]
        .as_str()
        .is_some_and(|e| e.starts_with("connect"))));
    let feed = events(&emu, "?type=message.received");
    assert_eq!(
        feed["data"].as_array().map(Vec::len),
        Some(1),
        "a reply with no thread opens one"
    );
    assert_eq!(
        events(&emu, "?type=thread.created")["data"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
}
