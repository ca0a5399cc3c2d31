//! Per-sender X limits and several team windows, at start (flags) and at run time (config),
//! with compressed windows; the 429s are counted per kind in the stats.

mod common;

use std::time::Duration;

use common::Emulator;
use serde_json::{json, Value};

fn v2(account: &str, content: &str) -> Value {
    json!({"target": {"type": "profile", "accountLinkId": account, "platform": "twitter", "platformId": "1420000000000000042"}, "content": content})
}

fn v1(account: &str, content: &str) -> Value {
    json!({"accountLinkId": account, "content": content, "externalId": "p2theo"})
}

#[test]
fn the_sender_limit_refuses_the_next_dm_in_both_shapes_until_the_window_ends() {
    let emu = Emulator::start(&["--windows", "first-request"]);
    let config = emu.control("GET", "/__emulator/config", None);
    assert_eq!(
        config["senderLimits"],
        json!([{"limit": 200, "windowMs": 900000}, {"limit": 1000, "windowMs": 86400000}])
    );
    emu.config(
        json!({"senderLimits": [{"limit": 2, "windowMs": 800}, {"limit": 100, "windowMs": 60000}]}),
    );
    assert_eq!(emu.send(&v1("acct1sales", "one")).status, 200);
    assert_eq!(
        emu.send_v2(Some("two"), &v2("acct1sales", "two")).status,
        201
    );

    let limited = emu.send_v2(Some("three"), &v2("acct1sales", "three"));
    assert_eq!(limited.status, 429, "{}", limited.text());
    let body = limited.json();
    assert_eq!(body["code"], "platformRateLimited");
    assert_eq!(body["details"]["retryAfterSeconds"], 1);
    assert_eq!(limited.header("retry-after"), Some("1"));
    let wait: u64 = limited
        .header("retry-after-ms")
        .and_then(|v| v.parse().ok())
        .expect("ms");
    assert!((1..=800).contains(&wait), "{wait}");
    assert!(
        limited.header("x-ratelimit-limit").is_some(),
        "team headers still there"
    );

    let v1_limited = emu.send(&v1("acct1sales", "four"));
    assert_eq!(v1_limited.status, 429);
    assert_eq!(v1_limited.json()["error"]["code"], "RATE_LIMITED");
    assert_eq!(v1_limited.json()["error"]["status"], 429);
    assert!(v1_limited.header("retry-after").is_some());

    // Another sender is not affected, and a replay is not a new DM.
    assert_eq!(
        emu.send_v2(Some("other"), &v2("acct2founder", "other"))
            .status,
        201
    );
    assert_eq!(
        emu.send_v2(Some("two"), &v2("acct1sales", "two")).status,
        200
    );
    assert_eq!(emu.stored_messages().len(), 3);

    let stats = emu.stats();
    assert_eq!(
        stats["rateLimited"],
        json!({"team": 0, "sender": 2, "fault": 0, "total": 2})
    );
    assert_eq!(stats["senders"]["acct1sales"][0]["remaining"], 0);

    std::thread::sleep(Duration::from_millis(wait + 30));
    assert_eq!(
        emu.send_v2(Some("three"), &v2("acct1sales", "three"))
            .status,
        201,
        "a new window"
    );
}

#[test]
fn sender_limits_come_from_flags_and_can_be_turned_off() {
    let emu = Emulator::start(&["--windows", "first-request", "--sender-limits", "1/60000"]);
    assert_eq!(emu.send(&v1("acct1sales", "a")).status, 200);
    assert_eq!(emu.send(&v1("acct1sales", "b")).status, 429);
    // Failed sends do not count: an unknown prospect is a 404, and the other sender still has its one.
    assert_eq!(
        emu.send(&json!({"accountLinkId": "acct2founder", "content": "x", "externalId": "nobody"}))
            .status,
        404
    );
    assert_eq!(emu.send(&v1("acct2founder", "c")).status, 200);
    emu.config(json!({"senderLimits": []}));
    assert_eq!(emu.send(&v1("acct1sales", "d")).status, 200);
    assert_eq!(emu.stored_messages().len(), 3);
}

#[test]
fn several_team_windows_report_the_tightest_and_refuse_in_the_v2_shape() {
    let emu = Emulator::start(&[
        "--windows",
        "first-request",
        "--team-limits",
        "50/60000,3/700,1000/86400000",
    ]);
    let first = emu.send_v2(Some("t1"), &v2("acct1sales", "t1"));
    assert_eq!(
        first.header("x-ratelimit-limit"),
        Some("3"),
        "the tightest window"
    );
    assert_eq!(first.header("x-ratelimit-remaining"), Some("2"));
    assert_eq!(emu.send(&v1("acct1sales", "t2")).status, 200);
    assert_eq!(emu.send_v2(Some("t3"), &v2("acct1sales", "t3")).status, 201);
    let refused = emu.send_v2(Some("t4"), &v2("acct1sales", "t4"));
    assert_eq!(refused.status, 429);
    let body = refused.json();
    assert_eq!(body["code"], "rateLimited");
    assert_eq!(
        body["details"]["window"], "hour",
        "the second window is the hour one"
    );
    assert_eq!(body["details"]["limit"], 3);
    assert!(common::is_iso_ms(
        body["details"]["resetAt"].as_str().expect("resetAt")
    ));
    assert_eq!(refused.header("x-ratelimit-remaining"), Some("0"));
    let v1_refused = emu.send(&v1("acct1sales", "t5"));
    assert_eq!(v1_refused.json()["error"]["code"], "RATE_LIMITED");
    assert_eq!(emu.stats()["rateLimited"]["team"], 2);
    assert_eq!(emu.stored_messages().len(), 3);

    // Runtime config: the old keys still set the first window, teamLimits replaces the list.
    let config = emu.config(json!({"rateLimitPerMinute": 7}));
    assert_eq!(
        config["teamLimits"][0],
        json!({"limit": 7, "windowMs": 60000})
    );
    let config = emu.config(json!({"teamLimits": [{"limit": 100, "windowMs": 1000}]}));
    assert_eq!(
        (
            config["rateLimitPerMinute"].clone(),
            config["rateLimitWindowMs"].clone()
        ),
        (json!(100), json!(1000))
    );
    let resp = emu.send_v2(Some("t6"), &v2("acct1sales", "t6"));
    assert_eq!(resp.header("x-ratelimit-limit"), Some("100"));
    let refused = emu
        .request(
            "POST",
            "/__emulator/config",
            &[],
            Some(r#"{"teamLimits": []}"#),
        )
        .expect("response");
    assert_eq!(refused.status, 400);
    let typo = emu
        .request(
            "POST",
            "/__emulator/config",
            &[],
            Some(r#"{"senderLimit": []}"#),
        )
        .expect("response");
    assert_eq!(typo.status, 400);
}
