//! The `authorId` forms of the account's own messages in v1 answers (`--author-ids`,
//! `POST /__emulator/config {"authorIds"}`): the link id, the X user id, an unknown cuid2, or
//! no field. v2 answers keep `accountLinkId` whatever the form.

mod common;

use common::Emulator;
use serde_json::{json, Value};

const LINK: &str = "acct1sales";
const X_USER: &str = "1690000000000000001";

/// Every v1 view of one freshly sent message: the send's answer, the thread's message list,
/// the lookup's `lastMessage`.
fn v1_views(emu: &Emulator, content: &str) -> Vec<Value> {
    let sent =
        emu.send(&json!({"accountLinkId": LINK, "content": content, "externalId": "p2theo"}));
    assert_eq!(sent.status, 200, "{}", sent.text());
    let body = sent.json();
    let thread = body["thread"]["id"]
        .as_str()
        .expect("thread id")
        .to_string();
    let list = emu.api(
        "GET",
        &format!("/api/v1/threads/{thread}/messages?limit=1"),
        None,
    );
    let lookup = emu.api(
        "GET",
        &format!("/api/v1/threads/lookup?accountLinkId={LINK}&externalId=p2theo"),
        None,
    );
    vec![
        body["message"].clone(),
        body["thread"]["lastMessage"].clone(),
        list.json()["messages"][0].clone(),
        lookup.json()["lastMessage"].clone(),
    ]
}

fn author_ids(views: &[Value]) -> Vec<Option<String>> {
    views
        .iter()
        .map(|v| {
            assert!(v.is_object(), "{v}");
            v.get("authorId")
                .map(|a| a.as_str().expect("a string").to_string())
        })
        .collect()
}

fn is_cuid2(s: &str) -> bool {
    s.len() == 24
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
}

#[test]
fn each_form_shows_in_every_v1_view_and_v2_keeps_the_account_link() {
    let emu = Emulator::start(&[]);
    assert_eq!(
        emu.control("GET", "/__emulator/config", None)["authorIds"],
        "link",
        "today's form by default"
    );
    assert_eq!(author_ids(&v1_views(&emu, "a")), vec![Some(LINK.into()); 4]);

    emu.config(json!({"authorIds": "x-user"}));
    assert_eq!(
        author_ids(&v1_views(&emu, "b")),
        vec![Some(X_USER.into()); 4]
    );

    emu.config(json!({"authorIds": "cuid2"}));
    let ids = author_ids(&v1_views(&emu, "c"));
    let cuid = ids[0].clone().expect("an authorId");
    assert_eq!(ids, vec![Some(cuid.clone()); 4], "one id, in every view");
    assert!(is_cuid2(&cuid), "{cuid}");
    let known = [LINK, X_USER, "team1emulator", "user1emulator", "p2theo"];
    assert!(!known.contains(&cuid.as_str()), "nothing the caller knows");
    assert_eq!(
        author_ids(&v1_views(&emu, "d"))[0],
        Some(cuid.clone()),
        "stable"
    );
    let other =
        emu.send(&json!({"accountLinkId": "acct2founder", "content": "e", "externalId": "p2theo"}));
    let other_id = other.json()["message"]["authorId"]
        .as_str()
        .expect("id")
        .to_string();
    assert!(
        is_cuid2(&other_id) && other_id != cuid,
        "one per account link"
    );

    emu.config(json!({"authorIds": "missing"}));
    assert_eq!(author_ids(&v1_views(&emu, "f")), vec![None; 4]);
    // Older messages are shown in the current form too, and the control view still says who
    // sent each one.
    let stored = emu.stored_messages();
    assert!(stored.iter().all(|m| m.get("authorId").is_none()));
    assert!(stored.iter().all(|m| m["accountLinkId"].is_string()));

    let v2 = emu.send_v2(
        Some("v2-author"),
        &json!({"target": {"type": "contact", "accountLinkId": LINK, "contactId": "p2theo"}, "content": "g"}),
    );
    assert_eq!(v2.status, 201);
    assert_eq!(v2.json()["message"]["accountLinkId"], LINK);

    let typo = emu
        .request(
            "POST",
            "/__emulator/config",
            &[],
            Some(r#"{"authorIds": "email"}"#),
        )
        .expect("response");
    assert_eq!(typo.status, 400);
}

#[test]
fn the_form_comes_from_the_flag_and_survives_a_reset() {
    let emu = Emulator::start(&["--author-ids", "x-user"]);
    assert_eq!(author_ids(&v1_views(&emu, "h"))[0], Some(X_USER.into()));
    emu.control("POST", "/__emulator/reset", None);
    assert_eq!(
        emu.control("GET", "/__emulator/config", None)["authorIds"],
        "x-user"
    );
}
