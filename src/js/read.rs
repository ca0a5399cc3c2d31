//! Reading what a JavaScript caller passed (typed for TypeScript callers through tsify), so a
//! wrong type from plain JavaScript is an `invalid_request` naming the field: never a panic,
//! never a throw out of a call. `read.js` checks each field's type and hands the fields over
//! in a shape's order; the rules about their values are checked here and in `input`.

use js_sys::{Array, JsString};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

use crate::client::SendOptions;
use crate::decide::error::Error;
use crate::input::options::{
    ClientOptions, MAX_RETRIES_LIMIT, MAX_RETRIES_RULE, MAX_RETRY_DELAY_RULE, MAX_TIMER_MS,
    TIMEOUT_RULE,
};
use crate::input::types::{Recipient, SendMessageRequest, SendRequest, Target};
use crate::input::validate::{Invalid, MAX_CONTENT_CHARS, TOO_LONG_RULE};

#[wasm_bindgen(module = "/src/js/read.js")]
extern "C" {
    /// The fields of `value` in the order shape number `shape` lists them; throws
    /// `[field, rule]` (an index into [`RULES`]) when one is not what its type allows.
    #[wasm_bindgen(catch)]
    fn fields(value: &JsValue, shape: u32) -> Result<Array, JsValue>;
    /// Whether `value` is an object with a `target` key (a v2 request).
    #[wasm_bindgen(js_name = hasTarget)]
    pub(crate) fn has_target(value: &JsValue) -> bool;
}

/// The shapes `read.js` knows, in its `SHAPES` order; each lists its fields in that order.
#[derive(Clone, Copy, Debug)]
enum Shape {
    /// `token, baseUrl, timeoutMs, maxRetries, maxRetryDelayMs, pace, fetch`.
    ClientOptions,
    /// `signal, timeoutMs` (`sendMessage`).
    SendOptions,
    /// `signal, timeoutMs, idempotencyKey` (`send`).
    KeyOptions,
    /// `signal, timeoutMs, since` (`findSent`).
    SinceOptions,
    /// `accountLinkId, content, externalPlatformId, externalId`.
    Request,
    /// `target, content, replyToMessageId`.
    SendRequest,
    /// `type, threadId, accountLinkId, contactId, platform, platformId`.
    Target,
}

/// The rules `read.js` reports by number.
const RULES: [&str; 9] = [
    "must be an object",
    "could not be read: listing its keys threw",
    "is not a known field; check its spelling",
    "could not be read: reading it threw",
    "must be a string",
    "must be well-formed text (it contains an unpaired UTF-16 surrogate)",
    "must be an AbortSignal",
    "must be true or false",
    "must be a function",
];

/// A value's fields as `shape` lists them, each of the type it allows.
struct Fields(Array);

impl Fields {
    fn read(value: &JsValue, shape: Shape) -> Result<Self, Invalid> {
        fields(value, shape as u32).map(Fields).map_err(|thrown| {
            let thrown = Array::from(&thrown);
            let rule = thrown.get(1).as_f64().unwrap_or_default() as usize;
            Invalid::new(
                thrown.get(0).as_string().unwrap_or_default(),
                RULES.get(rule).copied().unwrap_or_default(),
            )
        })
    }

    /// Field `index` as it is (`undefined` when absent).
    fn get(&self, index: u32) -> JsValue {
        self.0.get(index)
    }

    /// String field `index` (`read.js` checked its type).
    fn string(&self, index: u32) -> Option<String> {
        self.get(index).as_string()
    }

    /// Whole-number field `index` (named `name`) within `min..=max`; `undefined` is absent.
    fn whole_number(
        &self,
        index: u32,
        name: &'static str,
        (min, max): (u32, u32),
        rule: &'static str,
    ) -> Result<Option<u32>, Invalid> {
        let value = self.get(index);
        if value.is_undefined() {
            return Ok(None);
        }
        match value.as_f64() {
            Some(n) if n.fract() == 0.0 && n >= f64::from(min) && n <= f64::from(max) => {
                Ok(Some(n as u32))
            }
            _ => Err(Invalid::new(name, rule)),
        }
    }
}

/// Reads `{ token, baseUrl?, timeoutMs?, maxRetries?, maxRetryDelayMs?, pace? }`.
pub(crate) fn client_options(value: &JsValue) -> Result<ClientOptions, Invalid> {
    let fields = Fields::read(value, Shape::ClientOptions)?;
    let token = fields
        .string(0)
        .ok_or(Invalid::new("token", "is required"))?;
    let mut options = ClientOptions::new(token);
    if let Some(base_url) = fields.string(1) {
        options = options.base_url(base_url);
    }
    let timer = (1, MAX_TIMER_MS);
    if let Some(ms) = fields.whole_number(2, "timeoutMs", timer, TIMEOUT_RULE)? {
        options = options.timeout_ms(ms);
    }
    let retries = (0, MAX_RETRIES_LIMIT);
    if let Some(n) = fields.whole_number(3, "maxRetries", retries, MAX_RETRIES_RULE)? {
        options = options.max_retries(n);
    }
    let delay = (0, MAX_TIMER_MS);
    if let Some(ms) = fields.whole_number(4, "maxRetryDelayMs", delay, MAX_RETRY_DELAY_RULE)? {
        options = options.max_retry_delay_ms(ms);
    }
    if let Some(pace) = fields.get(5).as_bool() {
        options = options.pace(pace);
    }
    // `read.js` checked that it is a function.
    options.fetch = Some(fields.get(6))
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
}

/// Reads `{ signal?, timeoutMs? }` plus the call's `extra` option; `undefined` and `null` mean
/// no options. Returns the options and `since` (0 unless asked for).
pub(crate) fn call_options(
    value: Option<&JsValue>,
    extra: Extra,
) -> Result<(SendOptions, f64), Error> {
    let mut options = SendOptions::default();
    let Some(value) = value else {
        return match extra {
            Extra::Since => Err(crate::client::invalid_since()),
            _ => Ok((options, 0.0)),
        };
    };
    let shape = match extra {
        Extra::None => Shape::SendOptions,
        Extra::Key => Shape::KeyOptions,
        Extra::Since => Shape::SinceOptions,
    };
    let fields = Fields::read(value, shape)?;
    options.signal = Some(fields.get(0))
        .filter(|signal| !signal.is_undefined())
        .map(JsCast::unchecked_into::<AbortSignal>);
    let timer = (1, MAX_TIMER_MS);
    options.timeout_ms = fields.whole_number(1, "timeoutMs", timer, TIMEOUT_RULE)?;
    let mut since = 0.0;
    match extra {
        Extra::None => {}
        Extra::Key => options.idempotency_key = fields.string(2),
        Extra::Since => {
            since = fields
                .get(2)
                .as_f64()
                .ok_or_else(crate::client::invalid_since)?;
        }
    }
    Ok((options, since))
}

/// Reads `{ target, content, replyToMessageId? }`, the target by its `type`.
pub(crate) fn send_request(value: &JsValue) -> Result<SendRequest, Invalid> {
    let fields = Fields::read(value, Shape::SendRequest)?;
    let target = read_target(&fields.get(0))?;
    let content = checked_content(fields.get(1))?;
    let mut request = SendRequest::new(target, content);
    request.reply_to_message_id = fields.string(2);
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
    let fields = Fields::read(value, Shape::Target)?;
    // The ids each type takes, by their index in the shape (after `type`).
    let takes: &[u32] = match fields.string(0).as_deref() {
        Some("thread") => &[1],
        Some("contact") => &[2, 3],
        Some("profile") => &[2, 4, 5],
        _ => {
            return Err(Invalid::new(
                "target.type",
                "must be \"profile\", \"contact\" or \"thread\"",
            ))
        }
    };
    const NAMES: [&str; 5] = [
        "target.threadId",
        "target.accountLinkId",
        "target.contactId",
        "target.platform",
        "target.platformId",
    ];
    for (index, name) in (1..).zip(NAMES) {
        let wanted = takes.contains(&index);
        if fields.get(index).is_undefined() == wanted {
            let rule = if wanted {
                "is required for this target type"
            } else {
                "is not a field of this target type"
            };
            return Err(Invalid::new(name, rule));
        }
    }
    // Every id this type takes is a string (`read.js` checked the types).
    let id = |index| fields.string(index).unwrap_or_default();
    Ok(match takes {
        [thread_id] => Target::Thread {
            thread_id: id(*thread_id),
        },
        [_, _] => Target::Contact {
            account_link_id: id(2),
            contact_id: id(3),
        },
        _ => Target::Profile {
            account_link_id: id(2),
            platform: id(4),
            platform_id: id(5),
        },
    })
}

/// Reads `{ accountLinkId, content, externalPlatformId?, externalId? }`.
pub(crate) fn request(value: &JsValue) -> Result<SendMessageRequest, Invalid> {
    let fields = Fields::read(value, Shape::Request)?;
    let account_link_id = fields
        .string(0)
        .ok_or(Invalid::new("accountLinkId", "is required"))?;
    let content = checked_content(fields.get(1))?;
    let recipient = Recipient::from_ids(fields.string(2), fields.string(3)).ok_or(Invalid::new(
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
