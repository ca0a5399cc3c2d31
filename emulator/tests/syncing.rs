//! A thread that syncs (`POST /__emulator/syncing {"threadId", "reads"}`): its next `reads`
//! message pages say `isSyncing: true`, and so does the thread meanwhile; then both say false. `reads: 0` stops it.

mod common;

use common::Emulator;
use serde_json::{json, Value};

const LINK: &str = "acct1sales";

fn page_syncing(emu: &Emulator, thread: &str) -> Value {
    let page = emu.api("GET", &format!("/api/v1/threads/{thread}/messages"), None);
    assert_eq!(page.status, 200, "{}", page.text());
    page.json()["isSyncing"].clone()
}

fn lookup_syncing(emu: &Emulator) -> Value {
    let path = format!("/api/v1/threads/lookup?accountLinkId={LINK}&externalId=p2theo");
    emu.api("GET", &path, None).json()["isSyncing"].clone()
}

#[test]
fn a_thread_syncs_for_the_reads_scripted_then_settles() {
    let emu = Emulator::start(&[]);
    let sent = emu.send(&json!({"accountLinkId": LINK, "content": "hi", "externalId": "p2theo"}));
    let thread = sent.json()["thread"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    assert_eq!(page_syncing(&emu, &thread), false);

    let set = emu.control(
        "POST",
        "/__emulator/syncing",
        Some(&json!({"threadId": thread, "reads": 2})),
    );
    assert_eq!(set["reads"], 2);
    assert_eq!(lookup_syncing(&emu), true);
    assert_eq!(page_syncing(&emu, &thread), true);
    assert_eq!(page_syncing(&emu, &thread), true);
    assert_eq!(page_syncing(&emu, &thread), false);
    assert_eq!(lookup_syncing(&emu), false);
}

#[test]
fn an_unknown_thread_is_refused_and_zero_reads_stops_the_sync() {
    let emu = Emulator::start(&[]);
    let refused = emu.request(
        "POST",
        "/__emulator/syncing",
        &[("Content-Type", "application/json")],
        Some(r#"{"threadId": "t404", "reads": 1}"#),
    );
    assert_eq!(refused.expect("a response").status, 400);

    let sent = emu.send(&json!({"accountLinkId": LINK, "content": "hi", "externalId": "p2theo"}));
    let thread = sent.json()["thread"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    for reads in [5, 0] {
        emu.control(
            "POST",
            "/__emulator/syncing",
            Some(&json!({"threadId": thread, "reads": reads})),
        );
    }
    assert_eq!(page_syncing(&emu, &thread), false);
    assert_eq!(lookup_syncing(&emu), false);
}
