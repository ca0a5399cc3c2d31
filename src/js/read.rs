//! Reading what a JavaScript caller passed (typed for TypeScript callers through tsify), so a
//! wrong type from plain JavaScript is an `invalid_request` naming the field: never a panic,
//! never a throw out of a call. `read.js` checks each field's type and hands the fields over
//! in a shape's order; the rules about their values are checked here and in `input`.

use alloc::string::String;
use js_sys::{Array, JsString};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

use crate::client::SendOptions;
use crate::input::options::{
    ClientOptions, MAX_RETRIES_LIMIT, MAX_RETRIES_RULE, MAX_RETRY_DELAY_RULE, MAX_TIMER_MS,
    TIMEOUT_RULE,
};
use crate::input::types::{Recipient, SendMessageRequest, SendRequest, Target};
use crate::input::validate::{Invalid, MAX_CONTENT_CHARS, TOO_LONG_RULE};
use crate::io::parse::field;

#[wasm_bindgen(module = "/src/js/read.js")]
extern "C" {
    /// The fields of `value` that `shape` lists, as an object of the same names; throws
    /// `[field, rule]` (a rule's name in [`rule`]) when one is not what its type allows.
    #[wasm_bindgen(catch)]
    fn fields(value: &JsValue, shape: &str) -> Result<JsValue, JsValue>;
    /// Whether `value` is an object with a `target` key (a v2 request).
    #[wasm_bindgen(js_name = hasTarget)]
    pub(crate) fn has_target(value: &JsValue) -> bool;
    /// `get`'s query percent-encoded (`a=1&b=2`); throws `[field, rule]` as [`fields`].
    #[wasm_bindgen(catch)]
    fn query(query: &JsValue) -> Result<String, JsValue>;
}

// The shapes `read.js` checks, in its words: the place named when the value itself is wrong,
// the prefix of its fields' names, then its fields, each with the kind of value it takes (`s` a
// well-formed string, `b` a boolean, `g` an `AbortSignal`, `f` a function; none: any value,
// checked here).

/// `new InboxClient(options)`.
const CLIENT_OPTIONS: &str =
    "options  token:s baseUrl:s timeoutMs maxRetries maxRetryDelayMs pace:b fetch:f";
/// `sendMessage`'s options.
const SEND_OPTIONS: &str = "options  signal:g timeoutMs";
/// `send`'s options.
const KEY_OPTIONS: &str = "options  signal:g timeoutMs idempotencyKey:s";
/// `get`'s options.
const GET_OPTIONS: &str = "options  signal:g timeoutMs query";
/// `findSent`'s options.
const SINCE_OPTIONS: &str = "options  signal:g timeoutMs since";
/// A v1 request.
const REQUEST: &str = "request  accountLinkId:s content:s externalPlatformId:s externalId:s";
/// A v2 request.
const SEND_REQUEST: &str = "request  target content:s replyToMessageId:s";
/// A v2 request's target.
const TARGET: &str =
    "target target. type:s threadId:s accountLinkId:s contactId:s platform:s platformId:s";

/// The rule `read.js` names.
fn rule(name: &str) -> &'static str {
    match name {
        "object" => "must be an object",
        "keys" => "could not be read: listing its keys threw",
        "unknown" => "is not a known field; check its spelling",
        "read" => "could not be read: reading it threw",
        "s" => "must be a string",
        "wellFormed" => "must be well-formed text (it contains an unpaired UTF-16 surrogate)",
        "g" => "must be an AbortSignal",
        "b" => "must be true or false",
        "query" => "must be a string, a finite number, true or false, or an array of them",
        _ => "must be a function",
    }
}

/// What `read.js` threw: `[field, rule]`, the rule by its name in [`rule`].
fn refusal(thrown: JsValue) -> Invalid {
    let thrown = Array::from(&thrown);
    let name = thrown.get(1).as_string().unwrap_or_default();
    Invalid::new(thrown.get(0).as_string().unwrap_or_default(), rule(&name))
}

/// A value's fields as a shape lists them, each of the type it allows, by name.
struct Fields(JsValue);

impl Fields {
    fn read(value: &JsValue, shape: &str) -> Result<Self, Invalid> {
        fields(value, shape).map(Fields).map_err(refusal)
    }

    /// Field `name` as it is (`undefined` when absent).
    fn get(&self, name: &str) -> JsValue {
        field(&self.0, name)
    }

    /// String field `name` (`read.js` checked its type).
    fn string(&self, name: &str) -> Option<String> {
        self.get(name).as_string()
    }

    /// Whole-number field `name` within `min..=max`; `undefined` is absent.
    fn whole_number(
        &self,
        name: &'static str,
        (min, max): (u32, u32),
        rule: &'static str,
    ) -> Result<Option<u32>, Invalid> {
        let value = self.get(name);
        if value.is_undefined() {
            return Ok(None);
        }
        match value.as_f64() {
            Some(n) if n >= f64::from(min) && n <= f64::from(max) && n == f64::from(n as u32) => {
                Ok(Some(n as u32))
            }
            _ => Err(Invalid::new(name, rule)),
        }
    }
}

/// Reads `{ token, baseUrl?, timeoutMs?, maxRetries?, maxRetryDelayMs?, pace? }`.
pub(crate) fn client_options(value: &JsValue) -> Result<ClientOptions, Invalid> {
    let fields = Fields::read(value, CLIENT_OPTIONS)?;
    let token = fields
        .string("token")
        .ok_or(Invalid::new("token", "is required"))?;
    let mut options = ClientOptions::new(token);
    if let Some(base_url) = fields.string("baseUrl") {
        options = options.base_url(base_url);
    }
    let timer = (1, MAX_TIMER_MS);
    if let Some(ms) = fields.whole_number("timeoutMs", timer, TIMEOUT_RULE)? {
        options = options.timeout_ms(ms);
    }
    let retries = (0, MAX_RETRIES_LIMIT);
    if let Some(n) = fields.whole_number("maxRetries", retries, MAX_RETRIES_RULE)? {
        options = options.max_retries(n);
    }
    let delay = (0, MAX_TIMER_MS);
    if let Some(ms) = fields.whole_number("maxRetryDelayMs", delay, MAX_RETRY_DELAY_RULE)? {
        options = options.max_retry_delay_ms(ms);
    }
    if let Some(pace) = fields.get("pace").as_bool() {
        options = options.pace(pace);
    }
    // `read.js` checked that it is a function.
    options.fetch = Some(fields.get("fetch"))
        .filter(|fetch| !fetch.is_undefined())
        .map(JsCast::unchecked_into);
    Ok(options)
}

/// What else a call's options may hold besides `signal` and `timeoutMs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Extra {
    /// Nothing (`sendMessage`).
    None,
    /// `idempotencyKey` (`send`).
    Key,
    /// `since`, required (`findSent`).
    Since,
    /// `query` (`get`).
    Query,
}

/// Reads `{ signal?, timeoutMs? }` plus the call's `extra` option; `undefined` and `null` mean
/// no options. Returns the options (with `idempotencyKey`) and the value of `since` or `query`
/// as given (`undefined` when absent).
pub(crate) fn call_options(
    value: Option<&JsValue>,
    extra: Extra,
) -> Result<(SendOptions, JsValue), Invalid> {
    let Some(value) = value else {
        return Ok((SendOptions::default(), JsValue::UNDEFINED));
    };
    let (shape, named) = match extra {
        Extra::None => (SEND_OPTIONS, ""),
        Extra::Key => (KEY_OPTIONS, ""),
        Extra::Since => (SINCE_OPTIONS, "since"),
        Extra::Query => (GET_OPTIONS, "query"),
    };
    let fields = Fields::read(value, shape)?;
    let timer = (1, MAX_TIMER_MS);
    let options = SendOptions {
        timeout_ms: fields.whole_number("timeoutMs", timer, TIMEOUT_RULE)?,
        signal: Some(fields.get("signal"))
            .filter(|signal| !signal.is_undefined())
            .map(JsCast::unchecked_into::<AbortSignal>),
        // Only `send`'s shape hands it over.
        idempotency_key: fields.string("idempotencyKey"),
    };
    Ok((options, fields.get(named)))
}

/// `get`'s query (as [`call_options`] hands it over), percent-encoded: `a=1&b=2`, or empty.
pub(crate) fn query_string(value: &JsValue) -> Result<String, Invalid> {
    query(value).map_err(refusal)
}

/// Reads `{ target, content, replyToMessageId? }`, the target by its `type`.
pub(crate) fn send_request(value: &JsValue) -> Result<SendRequest, Invalid> {
    let fields = Fields::read(value, SEND_REQUEST)?;
    let target = read_target(&fields.get("target"))?;
    let content = checked_content(fields.get("content"))?;
    let mut request = SendRequest::new(target, content);
    request.reply_to_message_id = fields.string("replyToMessageId");
    Ok(request)
}

/// Reads one of the three target shapes. A field of another shape (a thread target with an
/// `accountLinkId`) is refused by name.
fn read_target(value: &JsValue) -> Result<Target, Invalid> {
    if !value.is_object() {
        return Err(Invalid::new(
            "target",
            "is required: { type: \"profile\" | \"contact\" | \"thread\", ... }",
        ));
    }
    let fields = Fields::read(value, TARGET)?;
    // The ids each type takes.
    let takes: &[&str] = match fields.string("type").as_deref() {
        Some("thread") => &["threadId"],
        Some("contact") => &["accountLinkId", "contactId"],
        Some("profile") => &["accountLinkId", "platform", "platformId"],
        _ => {
            return Err(Invalid::new(
                "target.type",
                "must be \"profile\", \"contact\" or \"thread\"",
            ))
        }
    };
    const IDS: [(&str, &str); 5] = [
        ("threadId", "target.threadId"),
        ("accountLinkId", "target.accountLinkId"),
        ("contactId", "target.contactId"),
        ("platform", "target.platform"),
        ("platformId", "target.platformId"),
    ];
    for (id, field) in IDS {
        let wanted = takes.contains(&id);
        if fields.get(id).is_undefined() == wanted {
            let rule = if wanted {
                "is required for this target type"
            } else {
                "is not a field of this target type"
            };
            return Err(Invalid::new(field, rule));
        }
    }
    // Every id this type takes is a string (`read.js` checked the types).
    let id = |name| fields.string(name).unwrap_or_default();
    Ok(match takes.len() {
        1 => Target::Thread {
            thread_id: id("threadId"),
        },
        2 => Target::Contact {
            account_link_id: id("accountLinkId"),
            contact_id: id("contactId"),
        },
        _ => Target::Profile {
            account_link_id: id("accountLinkId"),
            platform: id("platform"),
            platform_id: id("platformId"),
        },
    })
}

/// Reads `{ accountLinkId, content, externalPlatformId?, externalId? }`.
pub(crate) fn request(value: &JsValue) -> Result<SendMessageRequest, Invalid> {
    let fields = Fields::read(value, REQUEST)?;
    let account_link_id = fields
        .string("accountLinkId")
        .ok_or(Invalid::new("accountLinkId", "is required"))?;
    let content = checked_content(fields.get("content"))?;
    let recipient = Recipient::from_ids(
        fields.string("externalPlatformId"),
        fields.string("externalId"),
    )
    .ok_or(Invalid::new(
        "externalPlatformId",
        "or externalId is required (the recipient)",
    ))?;
    Ok(SendMessageRequest::new(account_link_id, recipient, content))
}

/// The `content` field (a string or `undefined`): a text longer than any valid content is
/// refused before it is copied into wasm (each character takes at most two UTF-16 units).
fn checked_content(content: JsValue) -> Result<String, Invalid> {
    if content
        .dyn_ref::<JsString>()
        .is_some_and(|s| s.length() as usize > 2 * MAX_CONTENT_CHARS)
    {
        return Err(Invalid::new("content", TOO_LONG_RULE));
    }
    content
        .as_string()
        .ok_or(Invalid::new("content", "is required"))
}
