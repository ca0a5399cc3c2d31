//! API behaviour: auth, send, threads, validation, rate limit, CORS, reset, HTTP limits.

mod common;

use std::time::Duration;

use common::{build_request, is_id, is_iso_ms, Emulator, TOKEN};
use serde_json::{json, Value};

const MAYA: &str = "1566123362161725440";

#[test]
fn auth_failure_has_the_v1_shape_and_never_echoes_the_token() {
    let emu = Emulator::start(&[]);
    let body = r#"{"accountLinkId":"acct1sales","content":"hi","externalId":"p1maya"}"#;
    let missing = emu
        .request("POST", "/api/v1/threads/messages", &[], Some(body))
        .expect("response");
    assert_eq!(missing.status, 401);
    assert_eq!(
        missing.json(),
        json!({"error": "Unauthorized", "message": "Invalid or missing API token"})
    );
    assert_eq!(missing.header("access-control-allow-origin"), Some("*"));
    let wrong = emu
        .request(
            "POST",
            "/api/v1/threads/messages",
            &[("Authorization", "Bearer sekrit-wrong")],
            Some(body),
        )
        .expect("response");
    assert_eq!(wrong.status, 401);
    assert!(!wrong.text().contains("sekrit"));
    assert!(emu.stored_messages().is_empty());
}

#[test]
fn send_returns_full_shapes_and_stores_the_message_once() {
    let emu = Emulator::start(&[]);
    let content = "  Hi Maya, 👋 café\n\ttabs & \"quotes\"  ";
    let resp = emu.send(
        &json!({"accountLinkId": "acct1sales", "content": content, "externalPlatformId": MAYA}),
    );
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert!(resp
        .header("x-request-id")
        .is_some_and(|v| v.starts_with("req_")));
    assert_eq!(resp.header("x-ratelimit-limit"), Some("300"));
    assert_eq!(resp.header("x-ratelimit-remaining"), Some("299"));
    let v = resp.json();
    let m = &v["message"];
    assert_eq!(m["content"], content);
    assert_eq!(m["origin"], "api");
    assert_eq!(m["authorId"], "acct1sales");
    assert_eq!(m["platform"], "twitter");
    assert!(is_id(m["id"].as_str().expect("id")));
    assert!(is_id(m["teamId"].as_str().expect("teamId")));
    assert!(is_iso_ms(m["createdAt"].as_str().expect("createdAt")));
    for field in [
        "replyData",
        "forwardData",
        "entities",
        "attachment",
        "reactions",
        "isEdited",
        "isEncrypted",
        "deletedAt",
        "platformDeletedAt",
        "campaignId",
        "userId",
        "updatedAt",
        "platformId",
    ] {
        assert!(m.get(field).is_some(), "message.{field} missing");
    }
    let t = &v["thread"];
    assert!(is_id(t["id"].as_str().expect("thread id")));
    assert_eq!(m["threadId"], t["id"]);
    assert_eq!(t["variant"], "unencrypted");
    assert_eq!(t["status"], "active");
    assert_eq!(t["accountLinkId"], "acct1sales");
    assert!(t["platformId"].is_string());
    assert_eq!(t["lastMessage"]["id"], m["id"]);
    assert_eq!(t["lastMessage"]["content"], content);
    let p = &t["prospect"];
    assert_eq!(p["platformId"], MAYA);
    assert_eq!(p["externalId"], "p1maya");
    assert_eq!(p["handle"], "@mayabuilds");
    assert_eq!(p["image"], format!("{}/avatars/mayabuilds.svg", emu.base));
    assert!(p["platformData"]["urlEntities"].is_array());
    assert!(p["platformData"].get("rawData").is_some());
    assert!(p["context"]["tags"].is_array());

    let stored = emu.stored_messages();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["content"], content);
    let requests = emu.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0]["processed"], true);
    assert_eq!(requests[0]["status"], 200);
    assert_eq!(
        requests[0]["headers"]["authorization"],
        format!("Bearer {TOKEN}")
    );
    let sent: Value =
        serde_json::from_str(requests[0]["body"].as_str().expect("body")).expect("json body");
    assert_eq!(sent["content"], content);

    let avatar = emu
        .request("GET", "/avatars/mayabuilds.svg", &[], None)
        .expect("avatar");
    assert_eq!(avatar.header("content-type"), Some("image/svg+xml"));
    assert!(avatar.text().contains("<svg"));
}

#[test]
fn threads_are_reused_per_account_link_and_prospect() {
    let emu = Emulator::start(&[]);
    let a = emu
        .send(&json!({"accountLinkId": "acct1sales", "content": "one", "externalPlatformId": MAYA}))
        .json();
    let b = emu
        .send(&json!({"accountLinkId": "acct1sales", "content": "two", "externalId": "p1maya"}))
        .json();
    let c = emu
        .send(&json!({"accountLinkId": "acct2founder", "content": "three", "externalId": "p1maya"}))
        .json();
    let thread = a["thread"]["id"].as_str().expect("thread id").to_string();
    assert_eq!(b["thread"]["id"], thread.as_str());
    assert_ne!(c["thread"]["id"], thread.as_str());
    assert_eq!(b["thread"]["lastMessage"]["content"], "two");

    let list = emu
        .api(
            "GET",
            &format!("/api/v1/threads/{thread}/messages?limit=10"),
            None,
        )
        .json();
    let contents: Vec<&str> = list["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter_map(|m| m["content"].as_str())
        .collect();
    assert_eq!(contents, ["two", "one"]);
    assert_eq!(list["threadId"], thread.as_str());
    assert_eq!(list["nextCursor"], Value::Null);
    // The cursor's two halves only together, as the vendor's document says.
    for (query, field) in [
        ("cursorId=abc", "cursorId"),
        (
            "cursorTimestamp=2025-11-10T18:03:16.000Z",
            "cursorTimestamp",
        ),
    ] {
        let alone = emu.api(
            "GET",
            &format!("/api/v1/threads/{thread}/messages?{query}"),
            None,
        );
        assert_eq!(alone.status, 400, "{query}");
        let message = alone.json()["error"]["message"].clone();
        assert!(
            message.as_str().is_some_and(|m| m.starts_with(field)),
            "{message}"
        );
    }

    let found = emu
        .api(
            "GET",
            &format!("/api/v1/threads/lookup?accountLinkId=acct1sales&externalPlatformId={MAYA}"),
            None,
        )
        .json();
    assert_eq!(found["id"], thread.as_str());
    let none = emu.api(
        "GET",
        "/api/v1/threads/lookup?accountLinkId=acct1sales&externalId=p3priya",
        None,
    );
    assert_eq!((none.status, none.text().as_str()), (200, "null"));
    let missing = emu.api("GET", "/api/v1/threads/zzz404/messages", None);
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["error"]["code"], "THREAD_NOT_FOUND");

    let links = emu.api("GET", "/api/v1/account-links", None).json();
    let ids: Vec<&str> = links
        .as_array()
        .expect("links")
        .iter()
        .filter_map(|l| l["id"].as_str())
        .collect();
    assert_eq!(ids, ["acct1sales", "acct2founder"]);
}

#[test]
fn more_account_links_on_request_send_like_the_seeded_ones() {
    let emu = Emulator::start(&["--account-links", "20"]);
    let links = emu.api("GET", "/api/v1/account-links", None).json();
    let ids: Vec<&str> = links
        .as_array()
        .expect("links")
        .iter()
        .filter_map(|l| l["id"].as_str())
        .collect();
    assert_eq!(ids.len(), 22);
    assert_eq!(&ids[..3], ["acct1sales", "acct2founder", "acct01bulk"]);
    assert_eq!(ids[21], "acct20bulk");
    let sent = emu.send(
        &json!({"accountLinkId": "acct20bulk", "content": "from a bulk sender", "externalPlatformId": "1234"}),
    );
    assert_eq!(sent.status, 200, "{}", sent.text());
    assert_eq!(sent.json()["thread"]["accountLinkId"], "acct20bulk");
    let unknown = emu.send(
        &json!({"accountLinkId": "acct21bulk", "content": "no such link", "externalPlatformId": "1234"}),
    );
    assert_eq!(unknown.status, 404);
}

#[test]
fn unknown_numeric_ids_get_a_synthesised_prospect() {
    let emu = Emulator::start(&[]);
    let v = emu
        .send(
            &json!({"accountLinkId": "acct1sales", "content": "hey", "externalPlatformId": "1234"}),
        )
        .json();
    assert_eq!(v["thread"]["prospect"]["displayName"], "User 1234");
    assert_eq!(v["thread"]["prospect"]["username"], "user1234");
}

#[test]
fn validation_errors_name_the_field() {
    let emu = Emulator::start(&[]);
    let long = "x".repeat(10_001);
    let cases: Vec<(String, &str)> = vec![
        ("not json".into(), "body:"),
        ("[1]".into(), "body:"),
        (
            json!({"content": "hi", "externalId": "p1maya"}).to_string(),
            "accountLinkId:",
        ),
        (
            json!({"accountLinkId": "Acct-1", "content": "hi", "externalId": "p1maya"}).to_string(),
            "accountLinkId:",
        ),
        (
            json!({"accountLinkId": "acct1sales", "externalId": "p1maya"}).to_string(),
            "content:",
        ),
        (
            json!({"accountLinkId": "acct1sales", "content": "", "externalId": "p1maya"})
                .to_string(),
            "content:",
        ),
        (
            json!({"accountLinkId": "acct1sales", "content": 5, "externalId": "p1maya"})
                .to_string(),
            "content:",
        ),
        (
            json!({"accountLinkId": "acct1sales", "content": long, "externalId": "p1maya"})
                .to_string(),
            "content:",
        ),
        (
            json!({"accountLinkId": "acct1sales", "content": "hi"}).to_string(),
            "externalPlatformId:",
        ),
        (
            json!({"accountLinkId": "acct1sales", "content": "hi", "externalPlatformId": "@maya"})
                .to_string(),
            "externalPlatformId:",
        ),
    ];
    for (body, field) in cases {
        let resp = emu.api("POST", "/api/v1/threads/messages", Some(&body));
        assert_eq!(resp.status, 400, "{body}");
        let err = &resp.json()["error"];
        assert_eq!(err["code"], "BAD_REQUEST");
        assert_eq!(err["status"], 400);
        let msg = err["message"].as_str().expect("message");
        assert!(msg.starts_with(field), "{body}: {msg}");
    }
    let max = "é".repeat(10_000);
    let ok =
        emu.send(&json!({"accountLinkId": "acct1sales", "content": max, "externalId": "p1maya"}));
    assert_eq!(ok.status, 200, "10,000 scalar values are allowed");
    assert_eq!(emu.stored_messages().len(), 1);
}

#[test]
fn unknown_account_link_and_prospect_are_404() {
    let emu = Emulator::start(&[]);
    let resp =
        emu.send(&json!({"accountLinkId": "nosuchlink", "content": "hi", "externalId": "p1maya"}));
    assert_eq!(resp.status, 404);
    assert_eq!(
        resp.json()["error"],
        json!({"code": "ACCOUNT_LINK_NOT_FOUND", "message": "No account link with id nosuchlink", "status": 404})
    );
    let resp =
        emu.send(&json!({"accountLinkId": "acct1sales", "content": "hi", "externalId": "nobody"}));
    assert_eq!(resp.status, 404);
    assert_eq!(resp.json()["error"]["code"], "PROSPECT_NOT_FOUND");
    assert!(emu.stored_messages().is_empty());
}

#[test]
fn rate_limit_answers_429_with_retry_after_and_does_not_store() {
    let emu = Emulator::start(&["--windows", "first-request", "--rate-limit-per-minute", "2"]);
    let body = json!({"accountLinkId": "acct1sales", "content": "hi", "externalId": "p2theo"});
    assert_eq!(emu.send(&body).status, 200);
    let second = emu.send(&body);
    assert_eq!(second.header("x-ratelimit-remaining"), Some("0"));
    let limited = emu.send(&body);
    assert_eq!(limited.status, 429);
    assert_eq!(limited.json()["error"]["code"], "RATE_LIMITED");
    let retry: u64 = limited
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!((1..=60).contains(&retry));
    assert_eq!(limited.header("x-ratelimit-limit"), Some("2"));
    assert_eq!(limited.header("x-ratelimit-remaining"), Some("0"));
    let reset: u64 = limited
        .header("x-ratelimit-reset")
        .and_then(|v| v.parse().ok())
        .expect("reset");
    assert!(reset > 1_600_000_000);
    assert_eq!(emu.stored_messages().len(), 2);

    emu.control(
        "POST",
        "/__emulator/config",
        Some(&json!({"rateLimitPerMinute": 3})),
    );
    assert_eq!(emu.send(&body).status, 200);
    emu.control("POST", "/__emulator/reset", None);
    assert_eq!(emu.send(&body).status, 200, "reset clears the window");
}

#[test]
fn rate_limit_window_is_a_runtime_setting() {
    let emu = Emulator::start(&["--windows", "first-request"]);
    let config = emu.control("GET", "/__emulator/config", None);
    assert_eq!(config["rateLimitWindowMs"], 60_000);
    let config = emu.control(
        "POST",
        "/__emulator/config",
        Some(&json!({"rateLimitPerMinute": 1, "rateLimitWindowMs": 700})),
    );
    assert_eq!(config["rateLimitWindowMs"], 700);
    let body = json!({"accountLinkId": "acct1sales", "content": "hi", "externalId": "p2theo"});
    assert_eq!(emu.send(&body).status, 200);
    let limited = emu.send(&body);
    assert_eq!(limited.status, 429);
    let wait_ms: u64 = limited
        .header("retry-after-ms")
        .and_then(|v| v.parse().ok())
        .expect("retry-after-ms");
    assert!(
        (1..=700).contains(&wait_ms),
        "remaining time of the short window: {wait_ms}"
    );
    assert_eq!(limited.header("retry-after"), Some("1"));
    assert!(limited.json()["error"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("per 700 ms")));
    std::thread::sleep(Duration::from_millis(wait_ms + 20));
    assert_eq!(emu.send(&body).status, 200, "a new window has started");
    assert_eq!(emu.stored_messages().len(), 2);
    let refused = emu.api(
        "POST",
        "/__emulator/config",
        Some(r#"{"rateLimitWindowMs": 0}"#),
    );
    assert_eq!(refused.status, 400);
}

#[test]
fn cors_preflight_allows_authorization_by_name() {
    let emu = Emulator::start(&[]);
    let resp = emu
        .request(
            "OPTIONS",
            "/api/v1/threads/messages",
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
    assert_eq!(resp.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        resp.header("access-control-allow-methods"),
        Some("GET, POST, OPTIONS")
    );
    assert_eq!(
        resp.header("access-control-allow-headers"),
        Some("authorization, content-type, idempotency-key")
    );
    assert_eq!(resp.header("access-control-max-age"), Some("600"));
    assert!(resp
        .header("access-control-expose-headers")
        .is_some_and(|v| v.contains("Retry-After")));
}

#[test]
fn reset_clears_messages_threads_requests_and_faults() {
    let emu = Emulator::start(&[]);
    let v = emu
        .send(&json!({"accountLinkId": "acct1sales", "content": "hi", "externalId": "p1maya"}))
        .json();
    emu.add_faults(json!([{"status": 503}]));
    emu.control("POST", "/__emulator/reset", None);
    assert!(emu.stored_messages().is_empty());
    assert!(emu.requests().is_empty());
    let thread = v["thread"]["id"].as_str().expect("id").to_string();
    assert_eq!(
        emu.api("GET", &format!("/api/v1/threads/{thread}/messages"), None)
            .status,
        404
    );
    assert_eq!(
        emu.send(&json!({"accountLinkId": "acct1sales", "content": "hi", "externalId": "p1maya"}))
            .status,
        200,
        "fault cleared"
    );
}

#[test]
fn keep_alive_serves_several_requests_on_one_connection() {
    use std::io::{Read, Write};
    let emu = Emulator::start(&[]);
    let mut stream = std::net::TcpStream::connect(&emu.addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let auth = format!("Bearer {TOKEN}");
    let first = build_request(
        "GET",
        "/api/v1/account-links",
        &[("Authorization", &auth)],
        None,
        false,
    );
    let second = build_request(
        "GET",
        "/api/v1/account-links",
        &[("Authorization", &auth)],
        None,
        true,
    );
    stream
        .write_all(format!("{first}{second}").as_bytes())
        .expect("write");
    let mut buf = Vec::new();
    stream.read_to_end(&mut buf).expect("read");
    let text = String::from_utf8_lossy(&buf);
    assert_eq!(text.matches("HTTP/1.1 200 OK").count(), 2, "{text}");
}

#[test]
fn chunked_and_oversized_bodies_are_refused() {
    let emu = Emulator::start(&[]);
    let chunked = "POST /api/v1/threads/messages HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n";
    let resp = emu
        .raw(chunked.as_bytes(), Duration::from_secs(5))
        .expect("io")
        .expect("response");
    assert_eq!(resp.status, 411);
    assert!(resp.text().contains("chunked"));
    let big =
        "POST /api/v1/threads/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n";
    let resp = emu
        .raw(big.as_bytes(), Duration::from_secs(5))
        .expect("io")
        .expect("response");
    assert_eq!(resp.status, 413);
}

#[test]
fn serve_dir_serves_files_and_refuses_traversal() {
    let dir = std::env::temp_dir().join(format!("inbox-emu-www-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("index.html"), "<h1>demo</h1>").expect("write");
    std::fs::write(dir.join("app_bg.wasm"), b"\0asm").expect("write");
    let emu = Emulator::start(&["--serve-dir", dir.to_str().expect("utf-8 path")]);
    let index = emu.request("GET", "/", &[], None).expect("index");
    assert_eq!(
        (index.status, index.text().as_str()),
        (200, "<h1>demo</h1>")
    );
    let wasm = emu.request("GET", "/app_bg.wasm", &[], None).expect("wasm");
    assert_eq!(wasm.header("content-type"), Some("application/wasm"));
    let up = emu
        .request("GET", "/../Cargo.toml", &[], None)
        .expect("traversal");
    assert_eq!(up.status, 400);
    let up = emu
        .request("GET", "/%2e%2e/Cargo.toml", &[], None)
        .expect("traversal");
    assert_eq!(up.status, 400);
    assert_eq!(
        emu.request("GET", "/missing.js", &[], None)
            .expect("404")
            .status,
        404
    );
    let _ = std::fs::remove_dir_all(&dir);
}
