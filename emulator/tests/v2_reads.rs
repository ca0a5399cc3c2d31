//! v2 reads in the vendor's shapes: `GET /api/v2/contacts` (by platform identity, repeated
//! keys, up to 100; reads never create a contact) and `GET /api/v2/threads` (by account link
//! and contact, `folder`, `order`), paged by `cursor`, counted against the team budget, and
//! refused with `400 invalidRequest` issues naming the parameter.

mod common;

use common::{Emulator, Resp};
use serde_json::{json, Value};

const MAYA: &str = "1566123362161725440";
const THEO: &str = "1420000000000000042";
const PRIYA: &str = "987654321012345678";

/// The required fields of the vendor's `Contact`, `Profile` and `Thread`.
const CONTACT: &[&str] = &[
    "id",
    "profiles",
    "statusId",
    "tagIds",
    "notes",
    "valuation",
    "assigneeId",
    "createdAt",
    "updatedAt",
];
const PROFILE: &[&str] = &[
    "id",
    "platform",
    "platformId",
    "username",
    "handle",
    "displayName",
    "avatarUrl",
    "bio",
    "location",
    "websiteUrl",
    "websiteDomain",
    "verified",
    "isOrganization",
    "isProtected",
    "followerCount",
    "followingCount",
    "postCount",
    "engagementCount",
    "listedCount",
    "accountStatus",
    "platformCreatedAt",
    "profileUrl",
    "updatedAt",
    "platformData",
];
const THREAD: &[&str] = &[
    "id",
    "platform",
    "platformId",
    "accountLinkId",
    "profileId",
    "contactId",
    "assigneeId",
    "isRequest",
    "acceptanceState",
    "archived",
    "unread",
    "restrictions",
    "syncing",
    "typingIndicators",
    "lastMessage",
    "activity",
    "createdAt",
];

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
    k.sort();
    k
}

fn sorted(list: &[&str]) -> Vec<String> {
    let mut k: Vec<String> = list.iter().map(|s| s.to_string()).collect();
    k.sort();
    k
}

fn get(emu: &Emulator, path: &str) -> Resp {
    emu.api("GET", path, None)
}

fn ids(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|x| x["id"].as_str().expect("id").to_string())
        .collect()
}

/// The first issue of a 400 `invalidRequest`: its path and message.
fn issue(r: &Resp) -> (Value, String) {
    assert_eq!(r.status, 400, "{}", r.text());
    let body = r.json();
    assert_eq!(body["code"], "invalidRequest", "{body}");
    let first = &body["details"]["issues"][0];
    (
        first["path"].clone(),
        first["message"].as_str().unwrap_or("").to_string(),
    )
}

fn send(emu: &Emulator, link: &str, platform_id: &str, key: &str) -> Value {
    let body = json!({"target": {"type": "profile", "accountLinkId": link, "platform": "twitter", "platformId": platform_id}, "content": key});
    let r = emu.send_v2(Some(key), &body);
    assert_eq!(r.status, 201, "{}", r.text());
    r.json()
}

#[test]
fn contacts_are_found_by_platform_id_or_username_and_reads_create_none() {
    let emu = Emulator::start(&[]);
    let path = format!(
        "/api/v2/contacts?platform=twitter&platformId={PRIYA}&platformId={MAYA}&platformId=555"
    );
    let first = get(&emu, &path);
    assert_eq!(first.status, 200, "{}", first.text());
    let page = first.json();
    assert_eq!(
        ids(&page),
        ["p1maya", "p3priya"],
        "oldest first; no contact for 555"
    );
    assert_eq!(page["nextCursor"], Value::Null);
    let maya = &page["data"][0];
    assert_eq!(keys(maya), sorted(CONTACT));
    assert_eq!(keys(&maya["profiles"][0]), sorted(PROFILE));
    assert_eq!(maya["profiles"][0]["platformId"], MAYA);
    assert_eq!(maya["profiles"][0]["handle"], "@mayabuilds");
    assert_eq!(maya["profiles"][0]["platformData"]["_tag"], "twitter");
    let left = first.header("x-ratelimit-remaining").expect("counted");

    let again = get(&emu, "/api/v2/contacts?platform=twitter&platformId=555");
    assert_eq!(
        again.json(),
        json!({"data": [], "nextCursor": null}),
        "the read made no contact"
    );
    let after: u64 = again
        .header("x-ratelimit-remaining")
        .and_then(|v| v.parse().ok())
        .expect("n");
    assert_eq!(
        after + 1,
        left.parse::<u64>().expect("n"),
        "each read spends one request"
    );

    // A send to a profile makes its contact.
    send(&emu, "acct1sales", "555", "hello 555");
    let made = get(&emu, "/api/v2/contacts?platform=twitter&platformId=555").json();
    assert_eq!(ids(&made), ["ext555"]);
    let by_name = get(
        &emu,
        "/api/v2/contacts?platform=twitter&username=Theo_Ships&username=nobody",
    )
    .json();
    assert_eq!(ids(&by_name), ["p2theo"], "usernames match ignoring case");

    // Pages of one.
    let p1 = get(
        &emu,
        &format!("/api/v2/contacts?platform=twitter&platformId={MAYA}&platformId={THEO}&limit=1"),
    )
    .json();
    assert_eq!(
        (ids(&p1), p1["nextCursor"].clone()),
        (vec!["p1maya".to_string()], json!("p1maya"))
    );
    let p2 = get(&emu, &format!("/api/v2/contacts?platform=twitter&platformId={MAYA}&platformId={THEO}&limit=1&cursor=p1maya")).json();
    assert_eq!(
        (ids(&p2), p2["nextCursor"].clone()),
        (vec!["p2theo".to_string()], Value::Null)
    );
    let stale = get(
        &emu,
        &format!("/api/v2/contacts?platform=twitter&platformId={THEO}&cursor=p3priya"),
    );
    assert_eq!(
        (stale.status, stale.json()["code"].clone()),
        (400, json!("invalidCursor"))
    );
}

#[test]
fn contact_queries_are_checked_parameter_by_parameter() {
    let emu = Emulator::start(&[]);
    let many: String = (0..101).map(|i| format!("&platformId={i}")).collect();
    let cases: &[(String, Value, &str)] = &[
        (
            format!("platformId={MAYA}"),
            json!(["query", "platform"]),
            "Required",
        ),
        (
            "platform=twitter".into(),
            json!(["query", "platformId"]),
            "platformId or username",
        ),
        (
            format!("platform=twitter{many}"),
            json!(["query", "platformId"]),
            "at most 100",
        ),
        (
            "platform=twitter&platformId=".into(),
            json!(["query", "platformId", 0]),
            "at least 1",
        ),
        (
            format!("platform=twitter&platformId={MAYA}&username=maya"),
            json!(["query", "username"]),
            "not both",
        ),
        (
            format!("platform=twitter&platformId[]={MAYA}"),
            json!(["query", "platformId[]"]),
            "no brackets",
        ),
        (
            format!("platform=twitter&platformId={MAYA}&limit=0"),
            json!(["query", "limit"]),
            "from 1 to 100",
        ),
        (
            format!("platform=twitter&platformId={MAYA}&limit=101"),
            json!(["query", "limit"]),
            "from 1 to 100",
        ),
        (
            format!("platform=twitter&platformId={MAYA}&expand=tags"),
            json!(["query", "expand"]),
            "Not supported",
        ),
        (
            format!("platform=twitter&platform=twitter&platformId={MAYA}"),
            json!(["query", "platform"]),
            "single value",
        ),
    ];
    for (query, path, words) in cases {
        let r = get(&emu, &format!("/api/v2/contacts?{query}"));
        let (got, message) = issue(&r);
        assert_eq!(&got, path, "{query}");
        assert!(message.contains(words), "{query}: {message}");
        assert!(r.json()["message"]
            .as_str()
            .unwrap_or("")
            .starts_with("Invalid request: query."));
    }
    let other = get(
        &emu,
        &format!("/api/v2/contacts?platform=linkedin&platformId={MAYA}"),
    );
    assert_eq!(other.status, 403);
    assert_eq!(other.json()["code"], "platformNotAvailable");
    assert_eq!(other.json()["details"], json!({"platform": "linkedin"}));
    let anonymous = emu
        .request(
            "GET",
            &format!("/api/v2/contacts?platform=twitter&platformId={MAYA}"),
            &[],
            None,
        )
        .expect("response");
    assert_eq!(anonymous.status, 401);
}

#[test]
fn threads_are_found_by_account_link_and_contact_in_inbox_order() {
    let emu = Emulator::start(&[]);
    send(&emu, "acct1sales", MAYA, "to maya");
    send(&emu, "acct2founder", MAYA, "maya from the founder");
    std::thread::sleep(std::time::Duration::from_millis(5));
    let theo = send(&emu, "acct1sales", THEO, "to theo");
    let theo_thread = theo["thread"]["id"].as_str().expect("id").to_string();

    let path = "/api/v2/threads?accountLinkId=acct1sales&contactId=p1maya&contactId=p2theo&contactId=p3priya&folder=all";
    let r = get(&emu, path);
    assert_eq!(r.status, 200, "{}", r.text());
    let page = r.json();
    let found = page["data"].as_array().expect("data").clone();
    assert_eq!(found.len(), 2, "only acct1sales's threads; none with priya");
    assert_eq!(
        found[0]["id"],
        theo_thread.as_str(),
        "newest activity first"
    );
    assert_eq!(found[1]["contactId"], "p1maya");
    assert_eq!(keys(&found[0]), sorted(THREAD));
    assert_eq!(found[0]["lastMessage"]["direction"], "outbound");
    assert_eq!(found[0]["activity"]["preview"], "to theo");
    assert_eq!(page["nextCursor"], Value::Null);

    let asc = get(&emu, &format!("{path}&order=asc")).json();
    assert_eq!(asc["data"][0]["contactId"], "p1maya");
    let founder = get(
        &emu,
        "/api/v2/threads?accountLinkId=acct2founder&contactId=p1maya&folder=all",
    )
    .json();
    assert_eq!(founder["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(founder["data"][0]["accountLinkId"], "acct2founder");
    let inbox = get(&emu, "/api/v2/threads?contactId=p1maya").json();
    assert_eq!(
        inbox["data"].as_array().map(Vec::len),
        Some(2),
        "inbox is the default folder"
    );
    for empty in ["noReply", "archived", "requests"] {
        let r = get(&emu, &format!("/api/v2/threads?folder={empty}")).json();
        assert_eq!(
            r["data"],
            json!([]),
            "{empty}: no reply, archive or request yet"
        );
    }

    let one = get(&emu, "/api/v2/threads?accountLinkId=acct1sales&limit=1").json();
    assert_eq!(one["nextCursor"], theo_thread.as_str());
    let next = get(
        &emu,
        &format!("/api/v2/threads?accountLinkId=acct1sales&limit=1&cursor={theo_thread}"),
    )
    .json();
    assert_eq!(
        (
            next["data"][0]["contactId"].clone(),
            next["nextCursor"].clone()
        ),
        (json!("p1maya"), Value::Null)
    );

    let many: String = (0..101).map(|i| format!("&contactId=c{i}")).collect();
    let cases: &[(String, Value, &str)] = &[
        (
            "folder=everything".into(),
            json!(["query", "folder"]),
            "'inbox' | 'noReply'",
        ),
        (
            "accountLinkId=ACCT".into(),
            json!(["query", "accountLinkId", 0]),
            "^[0-9a-z]+$",
        ),
        (
            format!("accountLinkId=acct1sales{many}"),
            json!(["query", "contactId"]),
            "at most 100",
        ),
        (
            "order=newest".into(),
            json!(["query", "order"]),
            "'desc' | 'asc'",
        ),
        ("tag=warm".into(), json!(["query", "tag"]), "Not supported"),
        (
            "threadId=t1".into(),
            json!(["query", "threadId"]),
            "Unrecognized key",
        ),
    ];
    for (query, path, words) in cases {
        let (got, message) = issue(&get(&emu, &format!("/api/v2/threads?{query}")));
        assert_eq!(&got, path, "{query}");
        assert!(message.contains(words), "{query}: {message}");
    }
    let bad_cursor = get(&emu, "/api/v2/threads?cursor=t999");
    assert_eq!(bad_cursor.json()["code"], "invalidCursor");
    let other = get(&emu, "/api/v2/threads?platform=instagram");
    assert_eq!(other.status, 403);
}
