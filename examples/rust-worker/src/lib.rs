//! A Cloudflare Worker written in Rust with `workers-rs`: `POST /send` with
//! `{"accountLinkId", "externalPlatformId", "content"}` sends that DM through the Inbox API with
//! the `inbox-sender` crate's `Client::send_message` and answers with the ids, or with the
//! error's kind, sentence and `maybeSent`.
//!
//! Configuration: the secret `INBOX_API_TOKEN`, the variable `INBOX_BASE_URL` (optional; the
//! real API when unset).

use inbox_sender::{Client, ClientOptions, Error, SendMessageRequest};
use serde::Deserialize;
use serde_json::json;
use worker::{event, Context, Env, Method, Request, Response, Result};

/// The body of `POST /send`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SendBody {
    account_link_id: String,
    external_platform_id: String,
    content: String,
}

#[event(fetch)]
async fn fetch(mut req: Request, env: Env, _ctx: Context) -> Result<Response> {
    if req.path() != "/send" {
        return Response::error("not found", 404);
    }
    if req.method() != Method::Post {
        return Response::error("method not allowed", 405);
    }
    let Ok(body) = req.json::<SendBody>().await else {
        return Response::error("expected {accountLinkId, externalPlatformId, content}", 400);
    };
    let token = env.secret("INBOX_API_TOKEN")?.to_string();
    let mut options = ClientOptions::new(token);
    if let Ok(base_url) = env.var("INBOX_BASE_URL") {
        options = options.base_url(base_url.to_string());
    }
    let request = SendMessageRequest::to_platform_id(
        body.account_link_id,
        body.external_platform_id,
        body.content,
    );
    let sent = match Client::new(options) {
        Ok(client) => client.send_message(&request).await,
        Err(error) => Err(error),
    };
    match sent {
        Ok(sent) => Response::from_json(
            &json!({ "messageId": sent.message.id, "threadId": sent.thread.id }),
        ),
        Err(error) => failure(&error),
    }
}

/// The error as JSON, with the API's status when there was one (400 for invalid input, 502 for
/// a failure without a response).
fn failure(error: &Error) -> Result<Response> {
    let status = match error.details() {
        None => 400,
        Some(details) => details
            .status
            .filter(|s| (400..600).contains(s))
            .unwrap_or(502),
    };
    let body = json!({
        "kind": error.kind().as_str(),
        "message": error.to_string(),
        "maybeSent": error.maybe_sent(),
    });
    Ok(Response::from_json(&body)?.with_status(status))
}
