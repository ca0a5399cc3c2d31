//! The other client's burst (`--team-background-shape burst`, `teamBackgroundShape`): its whole
//! share of every team window is spent at the window's first instant, in both window modes.

mod common;

use std::time::Duration;

use common::{now_ms, Emulator, Resp};
use serde_json::{json, Value};

fn profile(content: &str) -> Value {
    json!({"target": {"type": "profile", "accountLinkId": "acct1sales", "platform": "twitter", "platformId": "1420000000000000042"}, "content": content})
}

fn remaining(r: &Resp) -> u64 {
    r.header("x-ratelimit-remaining")
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("remaining in {:?}", r.headers))
}

#[test]
fn a_burst_takes_its_share_at_once_in_either_window_mode() {
    for mode in ["clock", "first-request"] {
        let emu = Emulator::start(&[
            "--windows",
            mode,
            "--team-background",
            "0.45",
            "--team-background-shape",
            "burst",
            "--team-limits",
            "20/2000",
            "--sender-limits",
            "none",
        ]);
        assert_eq!(
            emu.control("GET", "/__emulator/config", None)["teamBackgroundShape"],
            "burst"
        );
        if mode == "clock" {
            // Start just after a window turns, so every request below falls in one window.
            std::thread::sleep(Duration::from_millis(2020 - now_ms() % 2000));
        }
        // 9 of 20 gone at the window's first instant, whatever the moment: 11 are ours.
        let first = emu.send_v2(Some("b0"), &profile("b0"));
        assert_eq!(first.status, 201, "{mode}");
        assert_eq!(remaining(&first), 10, "{mode}: 20 - 9 - 1");
        let mut ours = 1;
        loop {
            let key = format!("b{ours}");
            let r = emu.send_v2(Some(&key), &profile(&key));
            if r.status == 429 {
                break;
            }
            assert_eq!(r.status, 201);
            ours += 1;
            assert!(ours <= 11, "{mode}: more than the burst left");
        }
        assert_eq!(ours, 11, "{mode}");
        let stats = emu.stats();
        assert_eq!(stats["background"]["shape"], "burst");
        let counted = stats["background"]["counted"].as_u64().expect("counted");
        assert_eq!(counted, 9, "{mode}");

        // The next window starts with the next burst.
        std::thread::sleep(Duration::from_millis(2100));
        let next = emu.send_v2(Some("next"), &profile("next"));
        assert_eq!((next.status, remaining(&next)), (201, 10), "{mode}");
    }
}

#[test]
fn the_shape_is_a_runtime_setting_checked_by_name() {
    let emu = Emulator::start(&["--team-limits", "100/60000", "--sender-limits", "none"]);
    let config = emu.config(json!({"teamBackground": 0.5, "teamBackgroundShape": "burst"}));
    assert_eq!(config["teamBackgroundShape"], "burst");
    let r = emu.send_v2(Some("k"), &profile("k"));
    assert_eq!(
        remaining(&r),
        49,
        "the burst is spent before our first request"
    );
    let even = emu.config(json!({"teamBackgroundShape": "even"}));
    assert_eq!(even["teamBackgroundShape"], "even");
    let bad = emu
        .request(
            "POST",
            "/__emulator/config",
            &[],
            Some(r#"{"teamBackgroundShape": "spiky"}"#),
        )
        .expect("response");
    assert_eq!(bad.status, 400);
    assert!(bad.text().contains("spiky"), "{}", bad.text());
}
