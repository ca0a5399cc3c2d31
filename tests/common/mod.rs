//! The delivery suite shared by the Node, page and service-worker test binaries: real DMs sent
//! through `inbox_sender::Client` to the emulator, then read back through the emulator's API.
//!
//! The emulator's URL and token come from the environment at build time
//! (`INBOX_EMULATOR_URL`, `INBOX_EMULATOR_TOKEN`); `scripts/test.sh` starts it and sets both.

use gloo_net::http::Request;
use inbox_sender::{Client, ClientOptions, SendMessageRequest};
use serde_json::Value;

/// The emulator under test.
pub const URL: &str = match option_env!("INBOX_EMULATOR_URL") {
    Some(url) => url,
    None => "http://127.0.0.1:8787",
};
/// Its token.
pub const TOKEN: &str = match option_env!("INBOX_EMULATOR_TOKEN") {
    Some(token) => token,
    None => "dev-token",
};
/// A seeded account link.
pub const ACCOUNT: &str = "acct1sales";
/// A seeded prospect's X user id.
pub const PROSPECT: &str = "1566123362161725440";

/// A client for the emulator.
pub fn client() -> Client {
    Client::new(ClientOptions::new(TOKEN).base_url(URL)).expect("valid options")
}

/// A marker that makes a test's content unique, so counts are per test.
pub fn nonce() -> String {
    let n = (js_sys::Math::random() * 1e12) as u64;
    format!("[{n}]")
}

/// GET a JSON document from the emulator (with the token, for the API paths).
pub async fn get_json(path: &str) -> Value {
    let response = Request::get(&format!("{URL}{path}"))
        .header("Authorization", &format!("Bearer {TOKEN}"))
        .send()
        .await
        .expect("emulator reachable");
    assert_eq!(response.status(), 200, "GET {path}");
    serde_json::from_str(&response.text().await.expect("body")).expect("JSON")
}

/// Scripts the emulator's next answers (see emulator/README.md, "faults").
pub async fn script_faults(faults: Value) {
    let response = Request::post(&format!("{URL}/__emulator/faults"))
        .header("Content-Type", "application/json")
        .body(serde_json::json!({ "faults": faults }).to_string())
        .expect("request")
        .send()
        .await
        .expect("emulator reachable");
    assert_eq!(response.status(), 200, "faults accepted");
}

/// How many requests carrying exactly this content the emulator received.
pub async fn received_count(content: &str) -> usize {
    let all = get_json("/__emulator/requests").await;
    all.as_array()
        .expect("array")
        .iter()
        .filter_map(|r| serde_json::from_str::<Value>(r["body"].as_str()?).ok())
        .filter(|body| body["content"].as_str() == Some(content))
        .count()
}

/// How many stored messages have exactly this content.
pub async fn stored_count(content: &str) -> usize {
    let all = get_json("/__emulator/messages").await;
    all.as_array()
        .expect("array")
        .iter()
        .filter(|m| m["content"].as_str() == Some(content))
        .count()
}

/// How many requests the emulator has recorded so far.
pub async fn request_count() -> usize {
    get_json("/__emulator/requests")
        .await
        .as_array()
        .expect("array")
        .len()
}

/// Sends `content`, then proves it arrived once, byte-exact, and reads back through the API.
pub async fn deliver_exactly_once(content: String) {
    let client = client();
    let request = SendMessageRequest::to_platform_id(ACCOUNT, PROSPECT, content.clone());
    let sent = client.send_message(&request).await.expect("sent");
    assert_eq!(sent.message.content, content, "echoed content");
    assert_eq!(stored_count(&content).await, 1, "stored exactly once");
    // What the answer said besides: the same facts a JavaScript caller reads in `meta`.
    assert_eq!(sent.meta.status, 200);
    assert_eq!(sent.meta.attempts, 1);
    assert!(sent.meta.request_id.is_some(), "X-Request-Id");
    let budget = sent.meta.rate_limit.expect("X-RateLimit-* of this answer");
    assert_eq!(
        Some(budget),
        client.rate_limit(),
        "the client's last budget is this answer's"
    );
    let listed = get_json(&format!(
        "/api/v1/threads/{}/messages?limit=100",
        sent.thread.id
    ))
    .await;
    let found: Vec<&Value> = listed["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter(|m| m["id"].as_str() == Some(sent.message.id.as_str()))
        .collect();
    assert_eq!(found.len(), 1, "listed once in its thread");
    assert_eq!(
        found[0]["content"].as_str(),
        Some(content.as_str()),
        "byte-exact"
    );
}

/// Expands to the suite's `#[wasm_bindgen_test]` functions in the including test binary.
#[macro_export]
macro_rules! delivery_suite {
    () => {
        use common::*;
        use inbox_sender::*;
        use wasm_bindgen_test::wasm_bindgen_test;

        #[wasm_bindgen_test]
        async fn delivers_emoji_rtl_and_combining_marks_byte_exact() {
            for text in [
                "Hi 👋🏽 — family: 👨‍👩‍👧‍👦, flags: 🇫🇷",
                "مرحبا بك في Inbox — שלום",
                "e\u{301}te\u{301} n\u{303}o Z\u{351}\u{34a}a\u{35b}",
                "line one\nline \"two\"\t\\ end  ",
            ] {
                deliver_exactly_once(format!("{text} {}", nonce())).await;
            }
        }

        #[wasm_bindgen_test]
        async fn delivers_10000_characters() {
            let marker = nonce();
            let filler = "😀".repeat(10_000 - marker.chars().count());
            let content = format!("{marker}{filler}");
            assert_eq!(content.chars().count(), 10_000);
            deliver_exactly_once(content).await;
        }

        #[wasm_bindgen_test]
        async fn reuses_the_thread_for_the_same_prospect() {
            let client = client();
            let first =
                SendMessageRequest::to_platform_id(ACCOUNT, PROSPECT, format!("one {}", nonce()));
            let second =
                SendMessageRequest::to_platform_id(ACCOUNT, PROSPECT, format!("two {}", nonce()));
            let a = client.send_message(&first).await.expect("first");
            let b = client.send_message(&second).await.expect("second");
            assert_eq!(a.thread.id, b.thread.id);
            assert_ne!(a.message.id, b.message.id);
            let prospect = b.thread.prospect.expect("prospect");
            assert_eq!(prospect.platform_id.as_deref(), Some(PROSPECT));
        }

        #[wasm_bindgen_test]
        async fn sends_to_an_external_id_and_a_new_numeric_id() {
            let client = client();
            let first =
                SendMessageRequest::to_platform_id(ACCOUNT, PROSPECT, format!("first {}", nonce()));
            let sent = client
                .send_message(&first)
                .await
                .expect("sent by platform id");
            let lookup = get_json(&format!(
                "/api/v1/threads/lookup?accountLinkId={ACCOUNT}&externalPlatformId={PROSPECT}"
            ))
            .await;
            assert_eq!(
                lookup["id"].as_str(),
                Some(sent.thread.id.as_str()),
                "lookup finds the thread"
            );
            let external_id = lookup["prospect"]["externalId"]
                .as_str()
                .expect("externalId")
                .to_owned();
            let content = format!("by external id {}", nonce());
            let request = SendMessageRequest::new(
                ACCOUNT,
                Recipient::ExternalId(external_id),
                content.clone(),
            );
            let again = client
                .send_message(&request)
                .await
                .expect("sent by external id");
            assert_eq!(
                again.thread.id, sent.thread.id,
                "same prospect, same thread"
            );
            assert_eq!(stored_count(&content).await, 1);
            let fresh = format!("9{}", (js_sys::Math::random() * 1e15) as u64);
            let request = SendMessageRequest::to_platform_id(
                ACCOUNT,
                fresh.clone(),
                format!("new {}", nonce()),
            );
            let sent = client
                .send_message(&request)
                .await
                .expect("sent to a new prospect");
            assert_eq!(
                sent.thread.prospect.and_then(|p| p.platform_id),
                Some(fresh)
            );
        }

        #[wasm_bindgen_test]
        async fn rejects_invalid_input_before_any_request() {
            let client = client();
            let before = request_count().await;
            let bad = [
                SendMessageRequest::to_platform_id("Bad-Id", PROSPECT, "hi"),
                SendMessageRequest::to_platform_id(ACCOUNT, PROSPECT, " \n\t "),
                SendMessageRequest::to_platform_id(ACCOUNT, "@someone", "hi"),
                SendMessageRequest::to_platform_id(ACCOUNT, PROSPECT, "x".repeat(10_001)),
            ];
            for request in &bad {
                let error = client.send_message(request).await.expect_err("rejected");
                assert_eq!(error.kind(), ErrorKind::InvalidRequest, "{error}");
            }
            assert_eq!(
                request_count().await,
                before,
                "nothing reached the emulator"
            );
        }

        #[wasm_bindgen_test]
        async fn a_wrong_token_is_unauthorized_and_never_echoed() {
            let secret = "wrong-token-5f1e2d";
            let client = Client::new(ClientOptions::new(secret).base_url(URL)).expect("client");
            let content = format!("unauthorized {}", nonce());
            let request = SendMessageRequest::to_platform_id(ACCOUNT, PROSPECT, content.clone());
            let error = client.send_message(&request).await.expect_err("401");
            assert_eq!(error.kind(), ErrorKind::Unauthorized);
            assert_eq!(error.details().and_then(|d| d.status), Some(401));
            assert!(!error.maybe_sent());
            assert!(!error.to_string().contains(secret), "{error}");
            assert!(!format!("{error:?}").contains(secret));
            assert_eq!(stored_count(&content).await, 0);
        }

        #[wasm_bindgen_test]
        async fn an_unknown_account_link_is_not_found() {
            let request = SendMessageRequest::to_platform_id(
                "nosuchlink",
                PROSPECT,
                format!("x {}", nonce()),
            );
            let error = client().send_message(&request).await.expect_err("404");
            assert_eq!(error.kind(), ErrorKind::NotFound, "{error}");
            assert!(
                error.details().and_then(|d| d.api_code.clone()).is_some(),
                "{error}"
            );
        }

        #[wasm_bindgen_test]
        async fn retries_a_429_after_the_requested_wait_and_delivers_once() {
            script_faults(serde_json::json!([{ "status": 429, "headers": { "retry-after-ms": "50" } }])).await;
            let content = format!("retried {}", nonce());
            let request = SendMessageRequest::to_platform_id(ACCOUNT, PROSPECT, content.clone());
            let sent = client().send_message(&request).await.expect("delivered on the retry");
            assert_eq!(sent.meta.attempts, 2, "meta counts the refused attempt");
            assert_eq!(received_count(&content).await, 2, "one refusal, one delivery");
            assert_eq!(stored_count(&content).await, 1);
        }

        #[wasm_bindgen_test]
        async fn a_timeout_is_not_retried_and_says_it_may_have_been_sent() {
            script_faults(serde_json::json!([{ "action": "hang" }])).await;
            let content = format!("timeout {}", nonce());
            let request = SendMessageRequest::to_platform_id(ACCOUNT, PROSPECT, content.clone());
            let options = SendOptions::default().timeout_ms(300);
            let error = client().send_message_with(&request, &options).await.expect_err("timeout");
            assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
            assert!(error.maybe_sent());
            assert_eq!(error.details().map(|d| d.attempts), Some(1));
            assert_eq!(received_count(&content).await, 1, "sent once, never resent");
            let next = SendMessageRequest::to_platform_id(ACCOUNT, PROSPECT, format!("after {}", nonce()));
            client().send_message(&next).await.expect("the next send works");
        }

        #[wasm_bindgen_test]
        async fn an_abort_during_the_retry_wait_stops_without_sending() {
            script_faults(serde_json::json!([{ "status": 503, "headers": { "Retry-After": "5" } }])).await;
            let content = format!("aborted {}", nonce());
            let request = SendMessageRequest::to_platform_id(ACCOUNT, PROSPECT, content.clone());
            let options = SendOptions::default().signal(web_sys::AbortSignal::timeout_with_u32(200));
            let started = js_sys::Date::now();
            let error = client().send_message_with(&request, &options).await.expect_err("aborted");
            assert!(js_sys::Date::now() - started < 3000.0, "did not sit out the wait");
            assert_eq!(error.kind(), ErrorKind::Aborted, "{error}");
            assert!(!error.maybe_sent(), "the only attempt was refused unprocessed");
            assert_eq!(received_count(&content).await, 1);
            assert_eq!(stored_count(&content).await, 0);
        }

        #[wasm_bindgen_test]
        async fn remembers_the_rate_limit_headers() {
            let client = client();
            assert!(client.rate_limit().is_none());
            let request =
                SendMessageRequest::to_platform_id(ACCOUNT, PROSPECT, format!("rl {}", nonce()));
            client.send_message(&request).await.expect("sent");
            let limits = client.rate_limit().expect("rate limit");
            assert!(limits.limit > 0 && limits.remaining < limits.limit);
            assert!(limits.reset_at_ms as f64 > js_sys::Date::now() - 1000.0);
        }

        #[wasm_bindgen_test]
        async fn v2_processed_then_lost_answers_resolve_once_as_replays() {
            // Processed, then: a 500, a dropped connection, a hang past the timeout. Each send
            // resolves once, replayed, and one DM is stored.
            for (name, fault) in [
                ("500", serde_json::json!({ "api": "v2", "process": true, "status": 500 })),
                ("close", serde_json::json!({ "api": "v2", "process": true, "action": "close" })),
                ("hang", serde_json::json!({ "api": "v2", "process": true, "action": "hang" })),
            ] {
                script_faults(serde_json::json!([fault])).await;
                let content = format!("v2 {name} {}", nonce());
                let request = SendRequest::new(Target::x_user(ACCOUNT, PROSPECT), content.clone());
                let options = SendOptions::default().timeout_ms(1_000);
                let sent = client().send(&request, &options).await.expect(name);
                assert!(sent.replayed, "{name}: the retry replayed the key");
                assert_eq!(sent.message.content, content);
                assert_eq!(stored_count(&content).await, 1, "{name}: stored once");
            }
        }

        #[wasm_bindgen_test]
        async fn v2_send_unconfirmed_is_never_resent_but_settled_by_reading_the_message() {
            // X has it: the read confirms it, one DM.
            script_faults(serde_json::json!([{ "api": "v2", "process": true, "status": 502 }])).await;
            let content = format!("v2 unconfirmed sent {}", nonce());
            let request = SendRequest::new(Target::x_user(ACCOUNT, PROSPECT), content.clone());
            let sent = client().send(&request, &SendOptions::default()).await.expect("confirmed");
            assert!(!sent.replayed);
            assert_eq!(sent.meta.confirmed_by, Some(inbox_sender::ConfirmedBy::Read));
            assert_eq!(sent.message.content, content);
            assert_eq!(received_count(&content).await, 1, "one POST");
            assert_eq!(stored_count(&content).await, 1);

            // X never got it: the read is a 404, nothing stored, and the caller is told so.
            script_faults(serde_json::json!([{ "api": "v2", "status": 502, "code": "sendUnconfirmed" }])).await;
            let content = format!("v2 unconfirmed lost {}", nonce());
            let request = SendRequest::new(Target::x_user(ACCOUNT, PROSPECT), content.clone());
            let error = client().send(&request, &SendOptions::default()).await.expect_err("not sent");
            let details = error.details().expect("details");
            assert_eq!(details.api_code.as_deref(), Some("sendUnconfirmed"));
            assert!(details.message_id.is_some());
            assert!(!error.maybe_sent());
            assert_eq!(received_count(&content).await, 1, "one POST");
            assert_eq!(stored_count(&content).await, 0);
        }

        #[wasm_bindgen_test]
        async fn get_reads_any_api_path_with_its_meta_and_refuses_paths_outside() {
            let content = format!("get {}", nonce());
            let request = SendRequest::new(Target::x_user(ACCOUNT, PROSPECT), content.clone());
            let sent = client().send(&request, &SendOptions::default()).await.expect("sent");
            let path = format!("/api/v2/messages/{}", sent.message.id);
            let (message, meta) = client().get(&path, &[("expand", "thread")]).await.expect("read");
            assert_eq!(message["content"], content.as_str());
            assert_eq!(message["thread"]["id"], sent.thread.id.as_str());
            assert_eq!((meta.status, meta.attempts), (200, 1));
            assert!(meta.rate_limit.is_some(), "the budget the answer reported");
            let missing = client().get("/api/v2/messages/nosuchmessage", &[]).await.expect_err("404");
            assert_eq!(missing.kind(), ErrorKind::NotFound, "{missing}");
            assert!(!missing.maybe_sent());
            let before = request_count().await;
            let outside = client().get("/api/v2/../../__emulator/reset", &[]).await.expect_err("outside");
            assert_eq!(outside.kind(), ErrorKind::InvalidRequest);
            assert_eq!(request_count().await, before, "nothing was requested");
        }

        #[wasm_bindgen_test]
        async fn v2_a_new_send_and_its_replay() {
            let content = format!("v2 replay {}", nonce());
            let request = SendRequest::new(Target::x_user(ACCOUNT, PROSPECT), content.clone());
            let options = SendOptions::default().idempotency_key(format!("key {content}"));
            let first = client().send(&request, &options).await.expect("sent");
            assert!(!first.replayed);
            let again = client().send(&request, &options).await.expect("replayed");
            assert!(again.replayed);
            assert_eq!(again.message.id, first.message.id);
            assert_eq!(stored_count(&content).await, 1);
        }

        #[wasm_bindgen_test]
        async fn find_sent_tells_whether_an_uncertain_v1_send_landed() {
            let client = client();
            let since = js_sys::Date::now();
            script_faults(serde_json::json!([{ "process": true, "status": 500 }])).await;
            let landed = SendMessageRequest::to_platform_id(ACCOUNT, PROSPECT, format!("landed {}", nonce()));
            let error = client.send_message(&landed).await.expect_err("500");
            assert!(error.maybe_sent());
            let found = client.find_sent(&landed, since).await.expect("read").expect("it landed");
            assert_eq!(found.content, landed.content);
            // Never processed, the answer never came (a hang past the timeout; a closed
            // connection would make Chromium re-send the POST by itself).
            script_faults(serde_json::json!([{ "action": "hang" }])).await;
            let lost = SendMessageRequest::to_platform_id(ACCOUNT, PROSPECT, format!("lost {}", nonce()));
            let options = SendOptions::default().timeout_ms(300);
            let error = client.send_message_with(&lost, &options).await.expect_err("timed out");
            assert!(error.maybe_sent());
            assert_eq!(client.find_sent(&lost, since).await.expect("read"), None, "it did not land");
            assert_eq!(stored_count(&lost.content).await, 0);
        }
    };
}
