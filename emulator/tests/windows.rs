//! Window modes (`--windows clock|first-request`, `INBOX_EMULATOR_WINDOWS`), the team
//! background another client spends (`--team-background`), and what the headers, the 429s and
//! the stats say about them. Every expectation is computed from the request record's
//! `receivedAt` (the instant the emulator decided with), so no verdict depends on timing.

mod common;

use std::time::Duration;

use common::{iso_ms, Emulator, Resp};
use serde_json::{json, Value};

fn profile(content: &str) -> Value {
    json!({"target": {"type": "profile", "accountLinkId": "acct1sales", "platform": "twitter", "platformId": "1420000000000000042"}, "content": content})
}

fn header_u64(r: &Resp, name: &str) -> u64 {
    r.header(name)
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{name} in {:?}", r.headers))
}

/// v2 sends until the team refuses one (at most `most`); the answers in order.
fn until_refused(emu: &Emulator, label: &str, most: usize) -> Vec<Resp> {
    let mut out = Vec::new();
    for i in 0..most {
        let key = format!("{label}-{i}");
        let r = emu.send_v2(Some(&key), &profile(&key));
        let refused = r.status == 429;
        out.push(r);
        if refused {
            return out;
        }
    }
    panic!("no 429 within {most} requests");
}

/// `receivedAt` (Unix ms) and status of every v2 send in the record, in order.
fn sends(emu: &Emulator) -> Vec<(u64, u64)> {
    emu.requests()
        .iter()
        .filter(|r| r["path"] == "/api/v2/messages")
        .map(|r| {
            (
                iso_ms(r["receivedAt"].as_str().expect("receivedAt")),
                r["status"].as_u64().expect("status"),
            )
        })
        .collect()
}

/// Checks a team 429 against the window it names; returns (reset Unix ms, the receivedAt of
/// the one admitted request in that window).
fn refused_window(emu: &Emulator, refused: &Resp, window_ms: u64) -> (u64, u64) {
    assert_eq!(refused.status, 429, "{}", refused.text());
    let body = refused.json();
    assert_eq!(body["code"], "rateLimited");
    assert_eq!(body["details"]["window"], "minute", "the first window");
    let reset = iso_ms(body["details"]["resetAt"].as_str().expect("resetAt"));
    assert_eq!(
        header_u64(refused, "x-ratelimit-reset"),
        reset.div_ceil(1000)
    );
    let wait = header_u64(refused, "retry-after-ms");
    assert_eq!(
        header_u64(refused, "retry-after"),
        wait.div_ceil(1000).max(1)
    );
    let record = sends(emu);
    let (refused_at, _) = *record.last().expect("the 429 is recorded");
    assert_eq!(
        reset - refused_at,
        wait,
        "Retry-After is the time to the reset"
    );
    let admitted = record
        .iter()
        .rev()
        .find(|(_, status)| *status == 201)
        .expect("an admitted request")
        .0;
    assert!(reset - window_ms <= admitted && admitted < reset);
    (reset, admitted)
}

#[test]
fn clock_windows_reset_on_whole_multiples_of_their_length_by_default() {
    let emu = Emulator::start(&[]);
    assert_eq!(
        emu.control("GET", "/__emulator/config", None)["windows"],
        "clock"
    );
    emu.config(json!({"teamLimits": [{"limit": 1, "windowMs": 60000}], "senderLimits": []}));
    // With one request per window, the second or (when a minute turned in between) the third
    // is refused.
    let answers = until_refused(&emu, "minute", 3);
    let (reset, _) = refused_window(&emu, answers.last().expect("429"), 60_000);
    assert_eq!(
        reset % 60_000,
        0,
        "a minute window resets on a whole minute"
    );
    assert!(answers[answers.len() - 1].json()["details"]["resetAt"]
        .as_str()
        .is_some_and(|r| r.ends_with(":00.000Z")));
    let first = &answers[0];
    assert_eq!(header_u64(first, "x-ratelimit-reset") % 60, 0);

    // Short windows too: the next window opens on its boundary, whenever the first request was.
    emu.config(json!({"teamLimits": [{"limit": 1, "windowMs": 400}]}));
    emu.control("POST", "/__emulator/reset", None);
    let answers = until_refused(&emu, "short", 5);
    let refused = answers.last().expect("429");
    let (reset, _) = refused_window(&emu, refused, 400);
    assert_eq!(reset % 400, 0);
    std::thread::sleep(Duration::from_millis(
        header_u64(refused, "retry-after-ms") + 20,
    ));
    let next = emu.send_v2(Some("after"), &profile("after"));
    assert_eq!(next.status, 201, "a new window at the boundary");
    assert_eq!(next.header("x-ratelimit-remaining"), Some("0"));
    assert!(
        header_u64(&next, "x-ratelimit-reset") * 1000 >= reset + 400,
        "it ends one length after the refused one"
    );

    // The per-sender X windows are aligned the same way.
    emu.config(json!({"teamLimits": [{"limit": 100, "windowMs": 60000}], "senderLimits": [{"limit": 1, "windowMs": 60000}]}));
    emu.control("POST", "/__emulator/reset", None);
    assert_eq!(emu.send_v2(Some("s1"), &profile("s1")).status, 201);
    let reset = emu.stats()["senders"]["acct1sales"][0]["resetAt"]
        .as_str()
        .map(iso_ms)
        .expect("resetAt");
    assert_eq!(reset % 60_000, 0);
}

#[test]
fn first_request_windows_start_with_the_first_request_from_the_flag_or_the_environment() {
    let emu = Emulator::start_with_env(&[], &[("INBOX_EMULATOR_WINDOWS", "first-request")]);
    assert_eq!(
        emu.control("GET", "/__emulator/config", None)["windows"],
        "first-request"
    );
    emu.config(json!({"teamLimits": [{"limit": 1, "windowMs": 60000}], "senderLimits": []}));
    let answers = until_refused(&emu, "first", 2);
    assert_eq!(
        answers.len(),
        2,
        "no window turns before a minute has passed"
    );
    let (reset, admitted) = refused_window(&emu, &answers[1], 60_000);
    assert_eq!(
        reset,
        admitted + 60_000,
        "the window began with that request"
    );

    // The flag wins over the environment; switching modes at run time forgets open windows.
    let flagged = Emulator::start_with_env(
        &["--windows", "clock"],
        &[("INBOX_EMULATOR_WINDOWS", "first-request")],
    );
    assert_eq!(
        flagged.control("GET", "/__emulator/config", None)["windows"],
        "clock"
    );
    let config = emu.config(json!({"windows": "clock"}));
    assert_eq!(config["windows"], "clock");
    assert_eq!(
        emu.send_v2(Some("fresh"), &profile("fresh")).status,
        201,
        "a new mode starts with fresh windows"
    );
    let typo = emu
        .request(
            "POST",
            "/__emulator/config",
            &[],
            Some(r#"{"windows": "rolling"}"#),
        )
        .expect("response");
    assert_eq!(typo.status, 400);
}

#[test]
fn the_background_share_is_counted_in_remaining_and_in_the_429s_but_stores_nothing() {
    // Clock windows: at t into the minute, floor(0.5 · 100 · t / 60000) are already spent.
    let emu = Emulator::start(&["--team-background", "0.5", "--sender-limits", "none"]);
    emu.config(json!({"teamLimits": [{"limit": 100, "windowMs": 60000}]}));
    let first = emu.send_v2(Some("bg1"), &profile("bg1"));
    assert_eq!(first.status, 201);
    let (at, _) = sends(&emu)[0];
    let spent = 50 * (at % 60_000) / 60_000;
    assert_eq!(header_u64(&first, "x-ratelimit-remaining"), 99 - spent);
    let background = &emu.stats()["background"];
    assert_eq!(background["share"], 0.5);
    assert_eq!(background["windows"][0]["inWindow"], spent);

    // First-request windows of 4 s, 90 % spent by the other client: after 1.5 s at least 3 of
    // the 10 are gone, so our requests are refused before we sent 10.
    let emu = Emulator::start(&[
        "--windows",
        "first-request",
        "--team-background",
        "0.9",
        "--team-limits",
        "10/4000",
        "--sender-limits",
        "none",
    ]);
    assert_eq!(emu.send_v2(Some("b0"), &profile("b0")).status, 201);
    std::thread::sleep(Duration::from_millis(1500));
    let answers = until_refused(&emu, "busy", 10);
    let record = sends(&emu);
    let start = record[0].0;
    let spent_at = |at: u64| 9 * (at - start) / 4000;
    let (refused_at, _) = *record.last().expect("429");
    assert!(refused_at - start < 4000, "still the first window");
    let spent = spent_at(refused_at);
    let ours = record.iter().filter(|(_, s)| *s == 201).count() as u64;
    let (last_admitted, _) = record[record.len() - 2];
    assert!(spent >= 3, "{spent}");
    assert!(ours < 10, "the background took part of the budget");
    assert!(
        ours - 1 + spent_at(last_admitted) < 10 && ours + spent >= 10,
        "admitted while ours and theirs left room, refused once they filled it"
    );
    let refused = answers.last().expect("429");
    assert_eq!(refused.header("x-ratelimit-remaining"), Some("0"));
    assert_eq!(refused.json()["details"]["limit"], 10);

    let stats = emu.stats();
    assert_eq!(stats["background"]["counted"], spent);
    assert_eq!(stats["background"]["windows"][0]["inWindow"], spent);
    assert_eq!(stats["rateLimited"]["team"], 1);
    assert_eq!(
        stats["sent"]["total"], ours,
        "background requests store nothing"
    );
    assert_eq!(emu.stored_messages().len() as u64, ours);
    assert_eq!(
        emu.requests().len() as u64,
        ours + 1,
        "nor are they recorded"
    );

    // At run time, and refused outside 0 ≤ share < 1.
    assert_eq!(
        emu.config(json!({"teamBackground": 0}))["teamBackground"],
        0.0
    );
    for bad in [r#"{"teamBackground": 1}"#, r#"{"teamBackground": -0.5}"#] {
        let r = emu
            .request("POST", "/__emulator/config", &[], Some(bad))
            .expect("response");
        assert_eq!(r.status, 400, "{bad}");
        assert!(r.text().contains("teamBackground"));
    }
}
