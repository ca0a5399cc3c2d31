//! The JavaScript surface: `InboxClient` and `InboxError`, a thin adapter over the Rust
//! [`Client`]. Inputs are handed over by `read.js`, their types checked, and their rules checked
//! in Rust ([`read`]); results are the parsed JSON the server sent, so new API fields reach
//! callers as they are.

mod error;
mod read;
mod types;

use alloc::rc::Rc;
use core::cell::Cell;

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use crate::client::{Client, Job, SendOptions};
use crate::decide::error::Error;
use crate::input::validate::Invalid;
use crate::io::finder;
use crate::io::parse::rate_limit_value;
use error::{problem, to_js_error};
use read::Extra;
use types::{
    JsClientOptions, JsFindSentOptions, JsGetOptions, JsIdempotentOptions, JsRateLimit,
    JsSendOptions,
};

/// Sends X direct messages through the Inbox API.
#[wasm_bindgen]
#[derive(Debug)]
pub struct InboxClient {
    client: Client,
}

#[wasm_bindgen]
impl InboxClient {
    /// Creates a client. Throws an `InboxError` (`kind: "invalid_request"`, `field`) when an
    /// option is invalid.
    #[wasm_bindgen(constructor)]
    pub fn new(options: &JsClientOptions) -> Result<InboxClient, JsValue> {
        read::client_options(options)
            .map_err(Error::from)
            .and_then(Client::new)
            .map(|client| InboxClient { client })
            .map_err(|error| to_js_error(&error))
    }

    /// Sends a DM; creates the thread if needed. Resolves to the stored message and its
    /// thread. Rejects with an `InboxError`; invalid input rejects before any network I/O.
    #[wasm_bindgen(
        js_name = sendMessage,
        unchecked_return_type = "Promise<SendMessageResponse>"
    )]
    pub fn send_message(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SendMessageRequest")] request: JsValue,
        options: Option<JsSendOptions>,
    ) -> Promise {
        self.launch(self.job(&request, options.as_deref(), false))
    }

    /// Sends a DM through v2, exactly once: every attempt of this call carries the same
    /// `Idempotency-Key` (`options.idempotencyKey`, or a random one), so every transient
    /// failure is retried without risk of a duplicate. Resolves to `{ message, thread,
    /// replayed }`; `replayed` is true when the key had already delivered this DM. A `502
    /// sendUnconfirmed` is never sent again: the message it names is read instead
    /// (`meta.confirmedBy: "read"` when X has it).
    #[wasm_bindgen(js_name = send, unchecked_return_type = "Promise<SendResult>")]
    pub fn send(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SendRequest")] request: JsValue,
        options: Option<JsIdempotentOptions>,
    ) -> Promise {
        self.launch(self.job(&request, options.as_deref(), true))
    }

    /// Finds out whether a v1 DM that failed with `maybeSent` landed: resolves to the message,
    /// or `null` when it did not (then sending it again cannot duplicate it). `options.since`
    /// is when that send started (Unix ms). Never `null` from a thread still syncing: it reads
    /// again, then rejects with kind `unsettled` (ask again later).
    #[wasm_bindgen(js_name = findSent, unchecked_return_type = "Promise<Message | null>")]
    pub fn find_sent(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SendMessageRequest")] request: JsValue,
        options: Option<JsFindSentOptions>,
    ) -> Promise {
        let read = read::request(&request)
            .and_then(|request| {
                let (options, since) = read::call_options(options.as_deref(), Extra::Since)?;
                Ok((request, options, since.as_f64()))
            })
            .map_err(Error::from)
            .and_then(|(request, options, since)| {
                Ok((
                    request,
                    (options, since.ok_or_else(crate::client::invalid_since)?),
                ))
            });
        let (request, (options, since)) = match read {
            Ok(read) => read,
            Err(error) => return Promise::reject(&to_js_error(&error)),
        };
        match self
            .client
            .finder(&request, since, &options, Some(to_js_error))
        {
            Ok(finder) => finder::reconcile(finder),
            Err(error) => Promise::reject(&to_js_error(&error)),
        }
    }

    /// Any read of the Inbox API: `GET` of `path` (under `/api/v1/` or `/api/v2/`) with
    /// `options.query` percent-encoded (an array repeats its key), retried like `findSent`'s
    /// reads, paced, its errors redacted. Resolves to `{ data, meta }`, `data` the parsed JSON.
    /// A path outside the API rejects with `invalid_request` naming `path`, before any I/O.
    #[wasm_bindgen(unchecked_return_type = "Promise<GetResult>")]
    pub fn get(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] path: JsValue,
        options: Option<JsGetOptions>,
    ) -> Promise {
        self.launch(self.get_job(&path, options.as_deref()))
    }

    /// The job of a `get`: its path and options read and checked.
    fn get_job(
        &self,
        path: &JsValue,
        options: Option<&JsValue>,
    ) -> Result<(Job, SendOptions), Error> {
        let path = path
            .as_string()
            .ok_or(Invalid::new("path", "must be a string"))?;
        let (options, query) = read::call_options(options, Extra::Query)?;
        Ok((
            self.client.get_job(&path, &read::query_string(&query)?)?,
            options,
        ))
    }

    /// Checks a request with exactly the rules a send applies, with no I/O: a v2 request (one
    /// with `target`) as `send` would, any other as `sendMessage` would. Returns `null`, or the
    /// first problem: `{ field, rule, message }`, the field and rule the send would reject
    /// with and the sentence its `InboxError` would say.
    #[wasm_bindgen(unchecked_return_type = "RequestProblem | null")]
    pub fn validate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SendMessageRequest | SendRequest")] request: JsValue,
    ) -> JsValue {
        // The job a send would start, made and dropped: nothing is sent.
        match self.job(&request, None, read::has_target(&request)) {
            Ok(_) => JsValue::NULL,
            Err(error) => problem(&to_js_error(&error)),
        }
    }

    /// The job of a send (v2 when `v2`), read and validated: the request first, then the
    /// call's options, then the rules, in the order a caller's mistakes are reported.
    fn job(
        &self,
        request: &JsValue,
        options: Option<&JsValue>,
        v2: bool,
    ) -> Result<(Job, SendOptions), Error> {
        let job = if v2 {
            let request = read::send_request(request)?;
            let (options, _) = read::call_options(options, Extra::Key)?;
            (self.client.v2_job(&request, &options)?, options)
        } else {
            let request = read::request(request)?;
            let (options, _) = read::call_options(options, Extra::None)?;
            (self.client.v1_job(&request, &options)?, options)
        };
        Ok(job)
    }

    /// Starts a validated job, or rejects with why it could not start.
    fn launch(&self, job: Result<(Job, SendOptions), Error>) -> Promise {
        job.and_then(|(job, options)| {
            let outcome = Rc::new(Cell::new(None));
            self.client.start(job, &options, outcome, Some(to_js_error))
        })
        .unwrap_or_else(|error| Promise::reject(&to_js_error(&error)))
    }

    /// The rate-limit budget from the last response that reported one, or `undefined`.
    #[wasm_bindgen(getter, js_name = rateLimit)]
    pub fn rate_limit(&self) -> Option<JsRateLimit> {
        let limits = self.client.rate_limit()?;
        Some(rate_limit_value(&limits).unchecked_into())
    }
}
