//! Reading what a JavaScript caller passed, field by field with `Reflect` (typed for
//! TypeScript callers through tsify), so a wrong type from plain JavaScript is an
//! `invalid_request` naming the field: never a panic, never a throw out of a call.

use js_sys::{Array, JsString, Reflect};
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
use crate::io::names::{names, Name};
use crate::text;

#[wasm_bindgen]
extern "C" {
    /// `Object.keys`, which throws on a proxy whose `ownKeys` trap throws.
    #[wasm_bindgen(js_namespace = Object, js_name = keys, catch)]
    fn keys(value: &JsValue) -> Result<Array, JsValue>;
    /// `String.prototype.isWellFormed`: false when the text has an unpaired surrogate. Throws
    /// where the runtime lacks it.
    #[wasm_bindgen(js_namespace = ["String", "prototype", "isWellFormed"], js_name = call, catch)]
    fn is_well_formed(text: &JsValue) -> Result<bool, JsValue>;
}

names! {
    /// The input field names, as the caller spells them.
    pub(crate) struct InputNames {
        token = "token",
        base_url = "baseUrl",
        timeout_ms = "timeoutMs",
        max_retries = "maxRetries",
        max_retry_delay_ms = "maxRetryDelayMs",
        signal = "signal",
        account_link_id = "accountLinkId",
        content = "content",
        external_platform_id = "externalPlatformId",
        external_id = "externalId",
        pace = "pace",
        idempotency_key = "idempotencyKey",
        since = "since",
        target = "target",
        reply_to_message_id = "replyToMessageId",
        kind = "type",
        thread_id = "threadId",
        contact_id = "contactId",
        platform = "platform",
        platform_id = "platformId",
    }
}

/// Reads `{ token, baseUrl?, timeoutMs?, maxRetries?, maxRetryDelayMs? }`.
pub(crate) fn client_options(value: &JsValue) -> Result<ClientOptions, Invalid> {
    let names = InputNames::get();
    let fields = Fields::new(
        value,
        "options",
        &[
            &names.token,
            &names.base_url,
            &names.timeout_ms,
            &names.max_retries,
            &names.max_retry_delay_ms,
            &names.pace,
        ],
    )?;
    let token = fields
        .string(&names.token)?
        .ok_or(Invalid::new("token", "is required"))?;
    let mut options = ClientOptions::new(token);
    if let Some(base_url) = fields.string(&names.base_url)? {
        options = options.base_url(base_url);
    }
    if let Some(ms) = fields.whole_number(&names.timeout_ms, 1, MAX_TIMER_MS, TIMEOUT_RULE)? {
        options = options.timeout_ms(ms);
    }
    let max_retries = &names.max_retries;
    if let Some(n) = fields.whole_number(max_retries, 0, MAX_RETRIES_LIMIT, MAX_RETRIES_RULE)? {
        options = options.max_retries(n);
    }
    let max_delay = &names.max_retry_delay_ms;
    if let Some(ms) = fields.whole_number(max_delay, 0, MAX_TIMER_MS, MAX_RETRY_DELAY_RULE)? {
        options = options.max_retry_delay_ms(ms);
    }
    let pace = fields.get(&names.pace)?;
    if !pace.is_undefined() {
        let pace = pace
            .as_bool()
            .ok_or(Invalid::new("pace", "must be true or false"))?;
        options = options.pace(pace);
    }
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
    let names = InputNames::get();
    let known: &[&Name] = match extra {
        Extra::None => &[&names.signal, &names.timeout_ms],
        Extra::Key => &[&names.signal, &names.timeout_ms, &names.idempotency_key],
        Extra::Since => &[&names.signal, &names.timeout_ms, &names.since],
    };
    let fields = Fields::new(value, "options", known)?;
    options.timeout_ms = fields.whole_number(&names.timeout_ms, 1, MAX_TIMER_MS, TIMEOUT_RULE)?;
    let signal = fields.get(&names.signal)?;
    if !signal.is_undefined() {
        let signal = signal
            .dyn_into::<AbortSignal>()
            .map_err(|_| Invalid::new("signal", "must be an AbortSignal"))?;
        options.signal = Some(signal);
    }
    let mut since = 0.0;
    match extra {
        Extra::None => {}
        Extra::Key => options.idempotency_key = fields.string(&names.idempotency_key)?,
        Extra::Since => {
            since = fields
                .get(&names.since)?
                .as_f64()
                .ok_or_else(crate::client::invalid_since)?;
        }
    }
    Ok((options, since))
}

/// Reads `{ target, content, replyToMessageId? }`, the target by its `type`.
pub(crate) fn send_request(value: &JsValue) -> Result<SendRequest, Invalid> {
    let names = InputNames::get();
    let known = [&names.target, &names.content, &names.reply_to_message_id];
    let fields = Fields::new(value, "request", &known)?;
    let target = fields.get(&names.target)?;
    let target = read_target(&target).map_err(|mut invalid| {
        if !invalid.field.starts_with("target") {
            invalid.field.insert_str(0, "target.");
        }
        invalid
    })?;
    let content = fields.get(&names.content)?;
    let content = checked_content(&fields, content)?;
    let mut request = SendRequest::new(target, content);
    request.reply_to_message_id = fields.string(&names.reply_to_message_id)?;
    Ok(request)
}

/// Reads one of the three target shapes; fields are named without the `target.` prefix. A
/// field of another shape (a thread target with an `accountLinkId`) is refused by name.
fn read_target(value: &JsValue) -> Result<Target, Invalid> {
    let names = InputNames::get();
    if !value.is_object() {
        return Err(Invalid::new(
            "target",
            "is required: { type: \"profile\" | \"contact\" | \"thread\", ... }",
        ));
    }
    let all = [
        &names.kind,
        &names.thread_id,
        &names.account_link_id,
        &names.contact_id,
        &names.platform,
        &names.platform_id,
    ];
    let fields = Fields::new(value, "target", &all)?;
    let kind = fields.string(&names.kind)?.unwrap_or_default();
    // The ids this type takes, in `all`'s order after `type`.
    let takes: [bool; 5] = match kind.as_str() {
        "thread" => [true, false, false, false, false],
        "contact" => [false, true, true, false, false],
        "profile" => [false, true, false, true, true],
        _ => {
            return Err(Invalid::new(
                "target.type",
                "must be \"profile\", \"contact\" or \"thread\"",
            ))
        }
    };
    let mut ids: [String; 5] = Default::default();
    for ((name, wanted), id) in all[1..].iter().zip(takes).zip(&mut ids) {
        match (fields.string(name)?, wanted) {
            (Some(value), true) => *id = value,
            (None, false) => {}
            (None, true) => {
                return Err(Invalid::new(name.text, "is required for this target type"))
            }
            (Some(_), false) => {
                return Err(Invalid::new(
                    name.text,
                    "is not a field of this target type",
                ))
            }
        }
    }
    let [thread_id, account_link_id, contact_id, platform, platform_id] = ids;
    Ok(match kind.as_str() {
        "thread" => Target::Thread { thread_id },
        "contact" => Target::Contact {
            account_link_id,
            contact_id,
        },
        _ => Target::Profile {
            account_link_id,
            platform,
            platform_id,
        },
    })
}

/// Reads `{ accountLinkId, content, externalPlatformId?, externalId? }`.
pub(crate) fn request(value: &JsValue) -> Result<SendMessageRequest, Invalid> {
    let names = InputNames::get();
    let fields = Fields::new(
        value,
        "request",
        &[
            &names.account_link_id,
            &names.content,
            &names.external_platform_id,
            &names.external_id,
        ],
    )?;
    let account_link_id = fields
        .string(&names.account_link_id)?
        .ok_or(Invalid::new("accountLinkId", "is required"))?;
    let content = fields.get(&names.content)?;
    let content = checked_content(&fields, content)?;
    let recipient = Recipient::from_ids(
        fields.string(&names.external_platform_id)?,
        fields.string(&names.external_id)?,
    )
    .ok_or(Invalid::new(
        "externalPlatformId",
        "or externalId is required (the recipient)",
    ))?;
    Ok(SendMessageRequest::new(account_link_id, recipient, content))
}

/// The `content` field: a text longer than any valid content is refused before it is copied
/// into wasm (each character takes at most two UTF-16 units).
fn checked_content(fields: &Fields, content: JsValue) -> Result<String, Invalid> {
    if content
        .dyn_ref::<JsString>()
        .is_some_and(|s| s.length() as usize > 2 * MAX_CONTENT_CHARS)
    {
        return Err(Invalid::new("content", TOO_LONG_RULE));
    }
    let names = InputNames::get();
    fields
        .text(&names.content, content)?
        .ok_or(Invalid::new("content", "is required"))
}

/// A plain object from JavaScript whose keys are checked against a known list, so a
/// misspelled field is reported instead of silently ignored.
struct Fields<'a> {
    object: &'a JsValue,
}

impl<'a> Fields<'a> {
    fn new(value: &'a JsValue, name: &'static str, known: &[&Name]) -> Result<Self, Invalid> {
        // `is_object` is false for functions (their typeof is "function") and null.
        if !value.is_object() || Array::is_array(value) {
            return Err(Invalid::new(name, "must be an object"));
        }
        let keys = keys(value)
            .map_err(|_| Invalid::new(name, "could not be read: listing its keys threw"))?;
        // Compared as JavaScript strings: only an unknown key is converted, for its message.
        for key in keys.iter() {
            if !known
                .iter()
                .any(|name| AsRef::<JsValue>::as_ref(&name.js) == &key)
            {
                return Err(Invalid::new(
                    key.as_string().unwrap_or_default(),
                    "is not a known field; check its spelling",
                ));
            }
        }
        Ok(Fields { object: value })
    }

    /// The field's value; a getter or proxy trap that throws is an error naming the field.
    fn get(&self, name: &Name) -> Result<JsValue, Invalid> {
        Reflect::get(self.object, &name.js)
            .map_err(|_| Invalid::new(name.text, "could not be read: reading it threw"))
    }

    /// A string field; `undefined` is absent.
    fn string(&self, name: &Name) -> Result<Option<String>, Invalid> {
        self.text(name, self.get(name)?)
    }

    /// `value` as the string field `name`; `undefined` is absent. Text with unpaired
    /// surrogates is refused: it could not be sent byte-exact.
    fn text(&self, name: &Name, value: JsValue) -> Result<Option<String>, Invalid> {
        let Some(text) = value.as_string() else {
            if value.is_undefined() {
                return Ok(None);
            }
            return Err(Invalid::new(name.text, "must be a string"));
        };
        // The conversion turned lone surrogates into U+FFFD: only text that now holds one
        // (rare) is checked on the JavaScript string.
        if text::find(&text, "\u{FFFD}").is_some() && !matches!(is_well_formed(&value), Ok(true)) {
            return Err(Invalid::new(
                name.text,
                "must be well-formed text (it contains an unpaired UTF-16 surrogate)",
            ));
        }
        Ok(Some(text))
    }

    /// A whole-number field within `min..=max`; `undefined` is absent.
    fn whole_number(
        &self,
        name: &Name,
        min: u32,
        max: u32,
        rule: &'static str,
    ) -> Result<Option<u32>, Invalid> {
        let value = self.get(name)?;
        if value.is_undefined() {
            return Ok(None);
        }
        match value.as_f64() {
            Some(n) if n.fract() == 0.0 && n >= f64::from(min) && n <= f64::from(max) => {
                Ok(Some(n as u32))
            }
            _ => Err(Invalid::new(name.text, rule)),
        }
    }
}
