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

#[wasm_bindgen(module = "/src/js/read.js")]
extern "C" {
    /// The fields of `value` that `shape` lists, in its order; throws `[field, rule]` (a rule's
    /// name in [`rule`]) when one is not what its type allows.
    #[wasm_bindgen(catch)]
    fn fields(value: &JsValue, shape: &str) -> Result<Array, JsValue>;
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

/// Where field `name` is among `shape`'s fields (after its place and its prefix, each field
/// `name` or `name:kind`). Only called at compile time, through [`field!`].
const fn place(shape: &str, name: &str) -> u32 {
    let (shape, name) = (shape.as_bytes(), name.as_bytes());
    let (mut at, mut words) = (0, 0);
    loop {
        // `at` starts word number `words`: is it `name`?
        let mut i = 0;
        while i < name.len() && at + i < shape.len() && shape[at + i] == name[i] {
            i += 1;
        }
        let end = at + i;
        if words >= 2
            && i == name.len()
            && (end == shape.len() || shape[end] == b':' || shape[end] == b' ')
        {
            return words - 2;
        }
        while at < shape.len() && shape[at] != b' ' {
            at += 1;
        }
        assert!(at < shape.len(), "the shape does not list this field");
        at += 1;
        words += 1;
    }
}

/// Field `$name` of `$shape`, placed when the crate is compiled (a name the shape does not list
/// fails the build): fields are read by place, so no name is copied to JavaScript.
macro_rules! field {
    ($shape:expr, $name:literal) => {
        const { place($shape, $name) }
    };
    // With its name, for an error about its value.
    ($shape:expr, $name:literal, named) => {
        (field!($shape, $name), $name)
    };
}

/// A value's fields as a shape lists them, in its order, each of the type it allows.
struct Fields(Array);

impl Fields {
    fn read(value: &JsValue, shape: &str) -> Result<Self, Invalid> {
        fields(value, shape).map(Fields).map_err(refusal)
    }

    /// The field at `place` (from [`field!`]) as it is (`undefined` when absent).
    fn get(&self, place: u32) -> JsValue {
        self.0.get(place)
    }

    /// The string field at `place` (`read.js` checked its type).
    fn string(&self, place: u32) -> Option<String> {
        self.get(place).as_string()
    }

    /// The whole-number field at `place` named `name` (`field!(.., named)`), within `min..=max`;
    /// `undefined` is absent.
    fn whole_number(
        &self,
        (place, name): (u32, &'static str),
        (min, max): (u32, u32),
        rule: &'static str,
    ) -> Result<Option<u32>, Invalid> {
        let value = self.get(place);
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
        .string(field!(CLIENT_OPTIONS, "token"))
        .ok_or(Invalid::new("token", "is required"))?;
    let mut options = ClientOptions::new(token);
    if let Some(base_url) = fields.string(field!(CLIENT_OPTIONS, "baseUrl")) {
        options = options.base_url(base_url);
    }
    let timer = (1, MAX_TIMER_MS);
    if let Some(ms) = fields.whole_number(
        field!(CLIENT_OPTIONS, "timeoutMs", named),
        timer,
        TIMEOUT_RULE,
    )? {
        options = options.timeout_ms(ms);
    }
    let retries = (0, MAX_RETRIES_LIMIT);
    if let Some(n) = fields.whole_number(
        field!(CLIENT_OPTIONS, "maxRetries", named),
        retries,
        MAX_RETRIES_RULE,
    )? {
        options = options.max_retries(n);
    }
    let delay = (0, MAX_TIMER_MS);
    if let Some(ms) = fields.whole_number(
        field!(CLIENT_OPTIONS, "maxRetryDelayMs", named),
        delay,
        MAX_RETRY_DELAY_RULE,
    )? {
        options = options.max_retry_delay_ms(ms);
    }
    if let Some(pace) = fields.get(field!(CLIENT_OPTIONS, "pace")).as_bool() {
        options = options.pace(pace);
    }
    // `read.js` checked that it is a function.
    options.fetch = Some(fields.get(field!(CLIENT_OPTIONS, "fetch")))
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
    let shape = match extra {
        Extra::None => SEND_OPTIONS,
        Extra::Key => KEY_OPTIONS,
        Extra::Since => SINCE_OPTIONS,
        Extra::Query => GET_OPTIONS,
    };
    let fields = Fields::read(value, shape)?;
    // `signal` and `timeoutMs` lead every options shape; the call's extra option follows.
    let timer = (1, MAX_TIMER_MS);
    let mut options = SendOptions {
        timeout_ms: fields.whole_number(
            field!(SEND_OPTIONS, "timeoutMs", named),
            timer,
            TIMEOUT_RULE,
        )?,
        signal: Some(fields.get(field!(SEND_OPTIONS, "signal")))
            .filter(|signal| !signal.is_undefined())
            .map(JsCast::unchecked_into::<AbortSignal>),
        idempotency_key: None,
    };
    let extra = match extra {
        Extra::None => JsValue::UNDEFINED,
        Extra::Key => {
            options.idempotency_key = fields.string(field!(KEY_OPTIONS, "idempotencyKey"));
            JsValue::UNDEFINED
        }
        Extra::Since => fields.get(field!(SINCE_OPTIONS, "since")),
        Extra::Query => fields.get(field!(GET_OPTIONS, "query")),
    };
    Ok((options, extra))
}

/// `get`'s query (as [`call_options`] hands it over), percent-encoded: `a=1&b=2`, or empty.
pub(crate) fn query_string(value: &JsValue) -> Result<String, Invalid> {
    query(value).map_err(refusal)
}

/// Reads `{ target, content, replyToMessageId? }`, the target by its `type`.
pub(crate) fn send_request(value: &JsValue) -> Result<SendRequest, Invalid> {
    let fields = Fields::read(value, SEND_REQUEST)?;
    let target = read_target(&fields.get(field!(SEND_REQUEST, "target")))?;
    let content = checked_content(fields.get(field!(SEND_REQUEST, "content")))?;
    let mut request = SendRequest::new(target, content);
    request.reply_to_message_id = fields.string(field!(SEND_REQUEST, "replyToMessageId"));
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
    let thread_id = field!(TARGET, "threadId");
    let account_link_id = field!(TARGET, "accountLinkId");
    let contact_id = field!(TARGET, "contactId");
    let platform = field!(TARGET, "platform");
    let platform_id = field!(TARGET, "platformId");
    // The ids each type takes, by their place in the shape.
    let takes: &[u32] = match fields.string(field!(TARGET, "type")).as_deref() {
        Some("thread") => &[thread_id],
        Some("contact") => &[account_link_id, contact_id],
        Some("profile") => &[account_link_id, platform, platform_id],
        _ => {
            return Err(Invalid::new(
                "target.type",
                "must be \"profile\", \"contact\" or \"thread\"",
            ))
        }
    };
    let ids = [
        (thread_id, "target.threadId"),
        (account_link_id, "target.accountLinkId"),
        (contact_id, "target.contactId"),
        (platform, "target.platform"),
        (platform_id, "target.platformId"),
    ];
    for (id, name) in ids {
        let wanted = takes.contains(&id);
        if fields.get(id).is_undefined() == wanted {
            let rule = if wanted {
                "is required for this target type"
            } else {
                "is not a field of this target type"
            };
            return Err(Invalid::new(name, rule));
        }
    }
    // Every id this type takes is a string (`read.js` checked the types).
    let id = |place| fields.string(place).unwrap_or_default();
    Ok(match takes.len() {
        1 => Target::Thread {
            thread_id: id(thread_id),
        },
        2 => Target::Contact {
            account_link_id: id(account_link_id),
            contact_id: id(contact_id),
        },
        _ => Target::Profile {
            account_link_id: id(account_link_id),
            platform: id(platform),
            platform_id: id(platform_id),
        },
    })
}

/// Reads `{ accountLinkId, content, externalPlatformId?, externalId? }`.
pub(crate) fn request(value: &JsValue) -> Result<SendMessageRequest, Invalid> {
    let fields = Fields::read(value, REQUEST)?;
    let account_link_id = fields
        .string(field!(REQUEST, "accountLinkId"))
        .ok_or(Invalid::new("accountLinkId", "is required"))?;
    let content = checked_content(fields.get(field!(REQUEST, "content")))?;
    let recipient = Recipient::from_ids(
        fields.string(field!(REQUEST, "externalPlatformId")),
        fields.string(field!(REQUEST, "externalId")),
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
