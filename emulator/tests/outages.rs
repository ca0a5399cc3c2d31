//! Scripted outages: an account link offline or paused in Inbox (`POST
//! /__emulator/account-links/{id}/status`) refuses its sends with `409 accountLinkDisconnected`
//! (v1: `ACCOUNT_LINK_DISCONNECTED`), and a refused token (`POST /__emulator/token`) answers
//! every API request 401, each for a time or until cleared; nothing is stored meanwhile.

mod common;

use std::time::Duration;

use common::{Emulator, Resp, TOKEN};
use serde_json::{json, Value};

fn profile(link: &str, content: &str) -> Value {
    json!({"target": {"type": "profile", "accountLinkId": link, "platform": "twitter", "platformId": "1420000000000000042"}, "content": content})
}

fn v1(link: &str, content: &str) -> Value {
    json!({"accountLinkId": link, "content": content, "externalPlatformId": "1420000000000000042"})
}

fn set_status(emu: &Emulator, link: &str, body: Value) -> Value {
    emu.control(
        "POST",
        &format!("/__emulator/account-links/{link}/status"),
        Some(&body),
    )
}

fn remaining(r: &Resp) -> u64 {
    r.header("x-ratelimit-remaining")
        .and_then(|v| v.parse().ok())
        .expect("X-RateLimit-Remaining")
}

#[test]
fn an_offline_link_refuses_its_sends_in_each_version_until_reconnected() {
    let emu = Emulator::start(&[]);
    // A send before the outage: its key replays whatever happens next.
    assert_eq!(
        emu.send_v2(Some("before"), &profile("acct1sales", "before"))
            .status,
        201
    );
    let outages = set_status(&emu, "acct1sales", json!({"status": "offline"}));
    assert_eq!(outages["accountLinks"]["acct1sales"]["status"], "offline");
    assert_eq!(outages["accountLinks"]["acct1sales"]["until"], Value::Null);

    let r = emu.send_v2(Some("during"), &profile("acct1sales", "during"));
    assert_eq!(r.status, 409, "{}", r.text());
    let body = r.json();
    assert_eq!(body["code"], "accountLinkDisconnected");
    assert_eq!(
        body["details"],
        json!({"accountLinkId": "acct1sales", "status": "offline"})
    );
    assert_eq!(body["requestId"].as_str(), r.header("x-request-id"));
    assert!(body["message"].as_str().unwrap_or("").contains("reconnect"));
    let before = remaining(&r);

    let r1 = emu.send(&v1("acct1sales", "during v1"));
    assert_eq!(r1.status, 409);
    assert_eq!(
        r1.json(),
        json!({"error": {"code": "ACCOUNT_LINK_DISCONNECTED", "message": "Account link acct1sales is offline: reconnect it in Inbox", "status": 409}})
    );
    assert_eq!(
        remaining(&r1),
        before - 1,
        "a refused send still spends the team budget"
    );

    // A thread target names its account link through the thread.
    let thread = emu
        .send_v2(Some("t"), &profile("acct2founder", "other link"))
        .json();
    assert_eq!(
        thread["message"]["content"], "other link",
        "another link is not affected"
    );
    let replay = emu.send_v2(Some("before"), &profile("acct1sales", "before"));
    assert_eq!(replay.status, 200, "a replay answers the first result");

    let links = emu.api("GET", "/api/v1/account-links", None).json();
    let status_of = |id: &str| {
        links
            .as_array()
            .and_then(|a| a.iter().find(|l| l["id"] == id))
            .map(|l| l["status"].clone())
    };
    assert_eq!(status_of("acct1sales"), Some(json!("offline")));
    assert_eq!(status_of("acct2founder"), Some(json!("active")));

    set_status(&emu, "acct1sales", json!({"status": "active"}));
    assert_eq!(
        emu.send_v2(Some("during"), &profile("acct1sales", "during"))
            .status,
        201
    );
    let stored: Vec<String> = emu
        .stored_messages()
        .iter()
        .map(|m| m["content"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        stored,
        ["before", "other link", "during"],
        "nothing stored while offline"
    );
}

#[test]
fn a_pause_for_a_time_ends_by_itself_and_reset_ends_every_outage() {
    let emu = Emulator::start(&[]);
    set_status(
        &emu,
        "acct2founder",
        json!({"status": "paused", "durationMs": 400}),
    );
    let r = emu.send_v2(Some("p"), &profile("acct2founder", "paused"));
    assert_eq!(r.status, 409);
    assert_eq!(r.json()["details"]["status"], "paused");
    assert!(r.json()["message"]
        .as_str()
        .unwrap_or("")
        .contains("resumes"));
    assert!(
        emu.control("GET", "/__emulator/outages", None)["accountLinks"]["acct2founder"]["until"]
            .is_string()
    );
    std::thread::sleep(Duration::from_millis(450));
    assert_eq!(
        emu.send_v2(Some("p"), &profile("acct2founder", "paused"))
            .status,
        201
    );
    assert_eq!(
        emu.control("GET", "/__emulator/outages", None)["accountLinks"],
        json!({})
    );

    set_status(&emu, "acct1sales", json!({"status": "offline"}));
    emu.control("POST", "/__emulator/reset", None);
    assert_eq!(emu.send(&v1("acct1sales", "after reset")).status, 200);

    for (path, body, names) in [
        (
            "/__emulator/account-links/acct9nobody/status",
            r#"{"status":"offline"}"#,
            "acct9nobody",
        ),
        (
            "/__emulator/account-links/acct1sales/status",
            r#"{"status":"gone"}"#,
            "gone",
        ),
        (
            "/__emulator/account-links/acct1sales/status",
            r#"{"status":"offline","for":1}"#,
            "for",
        ),
        ("/__emulator/token", r#"{"refused":"yes"}"#, "refused"),
        (
            "/__emulator/token",
            r#"{"refused":false,"durationMs":5}"#,
            "durationMs",
        ),
        (
            "/__emulator/account-links/acct1sales/status",
            r#"{"status":"active","durationMs":5}"#,
            "durationMs",
        ),
    ] {
        let r = emu
            .request("POST", path, &[], Some(body))
            .expect("response");
        assert_eq!(r.status, 400, "{path} {body}");
        assert!(r.text().contains(names), "{}", r.text());
    }
}

#[test]
fn a_refused_token_is_401_in_each_version_for_its_time_and_not_counted() {
    let emu = Emulator::start(&[]);
    let ok = emu.send_v2(Some("a"), &profile("acct1sales", "a"));
    let left = remaining(&ok);
    let token = emu.control(
        "POST",
        "/__emulator/token",
        Some(&json!({"refused": true, "durationMs": 500})),
    );
    assert_eq!(token["token"]["refused"], true);

    let r2 = emu.send_v2(Some("b"), &profile("acct1sales", "b"));
    assert_eq!(r2.status, 401);
    assert_eq!(r2.json()["code"], "unauthorized");
    assert_eq!(r2.json()["details"], Value::Null);
    let r1 = emu.send(&v1("acct1sales", "b1"));
    assert_eq!(r1.status, 401);
    assert_eq!(r1.json()["error"], "Unauthorized");
    let read = emu.api("GET", "/api/v2/events", None);
    assert_eq!(read.status, 401, "reads too");
    assert_eq!(remaining(&r1), left, "401s are not counted");
    assert!(!emu.requests().last().expect("recorded")["body"]
        .as_str()
        .unwrap_or("")
        .contains(TOKEN));

    std::thread::sleep(Duration::from_millis(550));
    assert_eq!(
        emu.send_v2(Some("b"), &profile("acct1sales", "b")).status,
        201
    );

    // Until restored.
    emu.control("POST", "/__emulator/token", Some(&json!({"refused": true})));
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(
        emu.send_v2(Some("c"), &profile("acct1sales", "c")).status,
        401
    );
    emu.control(
        "POST",
        "/__emulator/token",
        Some(&json!({"refused": false})),
    );
    assert_eq!(
        emu.send_v2(Some("c"), &profile("acct1sales", "c")).status,
        201
    );
    assert_eq!(emu.stored_messages().len(), 3);
}
