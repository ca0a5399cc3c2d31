//! Client options: one object, defaults documented once, validated when the client is built.

use crate::input::token::Token;
use crate::input::validate::{self, has_space_or_control, Invalid};
use crate::text::{parse_decimal, position, split_at_byte};
use alloc::{borrow::ToOwned, string::String};

/// Where the Inbox API lives unless told otherwise.
pub const DEFAULT_BASE_URL: &str = "https://inboxapp.com";
/// Per-attempt timeout unless told otherwise: 30 s.
pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;
/// Automatic retries of 408 / 429 / 503 unless told otherwise.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// The longest server-requested wait the client sits out unless told otherwise: 60 s.
pub const DEFAULT_MAX_RETRY_DELAY_MS: u32 = 60_000;
/// The largest retry count accepted.
pub const MAX_RETRIES_LIMIT: u32 = 10;
/// The largest millisecond value a JavaScript timer accepts (2^31 - 1).
pub const MAX_TIMER_MS: u32 = 2_147_483_647;

/// How a client talks to the API.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ClientOptions {
    /// The API token (`Authorization: Bearer …`).
    pub token: Token,
    /// The API origin, optionally with a path prefix for a proxy. Default [`DEFAULT_BASE_URL`].
    pub base_url: String,
    /// Per-attempt timeout in milliseconds. Default 30,000.
    pub timeout_ms: u32,
    /// Automatic retries when the server did not process the request. Default 2.
    pub max_retries: u32,
    /// The longest server-requested wait to sit out, in milliseconds. Default 60,000.
    pub max_retry_delay_ms: u32,
    /// Hold requests the team budget says would be refused until the window resets, instead of
    /// drawing a 429. Default true.
    pub pace: bool,
    /// The function every request goes through, called as `fetch(url, init)`, instead of the
    /// global `fetch` (which is then looked up at each request): for proxies, instrumentation
    /// and runtimes whose `fetch` needs binding. Default `None`.
    pub fetch: Option<js_sys::Function>,
}

impl ClientOptions {
    /// Options with the given token and every default.
    pub fn new(token: impl Into<String>) -> Self {
        ClientOptions {
            token: Token::new(token),
            base_url: DEFAULT_BASE_URL.to_owned(),
            timeout_ms: DEFAULT_TIMEOUT_MS,
            max_retries: DEFAULT_MAX_RETRIES,
            max_retry_delay_ms: DEFAULT_MAX_RETRY_DELAY_MS,
            pace: true,
            fetch: None,
        }
    }

    /// Sends every request through `fetch` (called as `fetch(url, init)`) instead of the
    /// global `fetch`.
    pub fn fetch(mut self, fetch: js_sys::Function) -> Self {
        self.fetch = Some(fetch);
        self
    }

    /// Turns pacing on (the default) or off.
    pub fn pace(mut self, pace: bool) -> Self {
        self.pace = pace;
        self
    }

    /// Sets the base URL (`https://…`, or `http://` for loopback hosts only).
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Sets the per-attempt timeout in milliseconds.
    pub fn timeout_ms(mut self, timeout_ms: u32) -> Self {
        self.timeout_ms = timeout_ms;
        self
    }

    /// Sets how many times a 408 / 429 / 503 is retried.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// Sets the longest server-requested wait to sit out, in milliseconds.
    pub fn max_retry_delay_ms(mut self, max_retry_delay_ms: u32) -> Self {
        self.max_retry_delay_ms = max_retry_delay_ms;
        self
    }

    /// Checks every option and returns the API base URL (see [`base`]).
    pub(crate) fn validate(&self) -> Result<String, Invalid> {
        validate::token(self.token.expose())?;
        timeout_ms("timeoutMs", self.timeout_ms)?;
        if self.max_retries > MAX_RETRIES_LIMIT {
            return Err(Invalid::new("maxRetries", MAX_RETRIES_RULE));
        }
        if self.max_retry_delay_ms > MAX_TIMER_MS {
            return Err(Invalid::new("maxRetryDelayMs", MAX_RETRY_DELAY_RULE));
        }
        base(&self.base_url)
    }
}

/// The rule for `timeoutMs` (client and per call); the JS layer reports it too.
pub(crate) const TIMEOUT_RULE: &str = "must be a whole number of milliseconds from 1 to 2147483647";
/// The rule for `maxRetries`.
pub(crate) const MAX_RETRIES_RULE: &str = "must be a whole number from 0 to 10";
/// The rule for `maxRetryDelayMs`.
pub(crate) const MAX_RETRY_DELAY_RULE: &str =
    "must be a whole number of milliseconds from 0 to 2147483647";

/// A timeout: a whole number of milliseconds from 1 to 2^31 - 1.
pub(crate) fn timeout_ms(field: &'static str, value: u32) -> Result<(), Invalid> {
    if value == 0 || value > MAX_TIMER_MS {
        return Err(Invalid::new(field, TIMEOUT_RULE));
    }
    Ok(())
}

/// The API base every path is added to: scheme, host, port and any path prefix, without a
/// trailing slash. Refuses URLs that would send the token in clear text or anywhere
/// unexpected.
pub(crate) fn base(base_url: &str) -> Result<String, Invalid> {
    let field = "baseUrl";
    if has_space_or_control(base_url) {
        return Err(Invalid::new(
            field,
            "must not contain whitespace or control characters",
        ));
    }
    let (secure, rest) = if let Some(rest) = base_url.strip_prefix("https://") {
        (true, rest)
    } else if let Some(rest) = base_url.strip_prefix("http://") {
        (false, rest)
    } else {
        return Err(Invalid::new(
            field,
            "must be an absolute https:// URL, like https://inboxapp.com",
        ));
    };
    if rest.bytes().any(|b| b == b'?' || b == b'#') {
        return Err(Invalid::new(field, "must not contain a query or fragment"));
    }
    let (authority, path) = match position(rest, b'/') {
        Some(slash) => (
            rest.get(..slash).unwrap_or(""),
            rest.get(slash..).unwrap_or(""),
        ),
        None => (rest, ""),
    };
    if position(authority, b'@').is_some() {
        return Err(Invalid::new(
            field,
            "must not contain credentials; pass the token as the token option",
        ));
    }
    let host = host_of(authority)?;
    if !secure && !is_loopback(host) {
        return Err(Invalid::new(
            field,
            "must use https:// (http:// is allowed only for localhost, 127.0.0.0/8 and [::1], so the token never travels in clear text)",
        ));
    }
    let path = path
        .get(..path.len() - trailing_slashes(path))
        .unwrap_or(path);
    // `/api/v1` or `/api/v2` as a whole segment anywhere in the path.
    let bytes = path.as_bytes();
    let api = (0..bytes.len()).any(|at| {
        bytes
            .get(at..at + 7)
            .is_some_and(|w| w == b"/api/v1" || w == b"/api/v2")
            && matches!(bytes.get(at + 7), None | Some(b'/'))
    });
    if api {
        return Err(Invalid::new(
            field,
            "must not end with /api/v1 or /api/v2: the client adds the API path itself (use https://inboxapp.com)",
        ));
    }
    let scheme = if secure { "https://" } else { "http://" };
    let mut url = scheme.to_owned();
    url.push_str(authority);
    url.push_str(path);
    Ok(url)
}

/// The host of `host[:port]` or `[v6][:port]`, refusing what `fetch` would refuse later: an
/// empty host, characters outside a host name, a port that is not a number up to 65535.
fn host_of(authority: &str) -> Result<&str, Invalid> {
    let bad = |rule| Err(Invalid::new("baseUrl", rule));
    let (host, port) = if authority.starts_with('[') {
        let Some((host, after)) = split_at_byte(authority, b']') else {
            return bad("has an IPv6 host without its closing ]");
        };
        let ok = host
            .bytes()
            .skip(1)
            .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
        if !ok || host.len() < 3 {
            return bad("has an invalid IPv6 host");
        }
        let port = match after.strip_prefix(':') {
            Some(port) => Some(port),
            None if after.is_empty() => None,
            None => return bad("has characters after the IPv6 host"),
        };
        (authority.get(..host.len() + 1).unwrap_or(host), port)
    } else {
        match split_at_byte(authority, b':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return bad("must include a host");
    }
    if !host.starts_with('[')
        && !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    {
        return bad("has a host with characters a host name cannot contain");
    }
    if let Some(port) = port {
        let valid = !port.is_empty()
            && port.len() <= 5
            && port.bytes().all(|b| b.is_ascii_digit())
            && parse_decimal(port).is_some_and(|p| p <= 65_535);
        if !valid {
            return bad("has a port that is not a number from 0 to 65535");
        }
    }
    Ok(host)
}

/// `localhost`, `127.0.0.0/8` or `[::1]`.
fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") || host == "[::1]" {
        return true;
    }
    let Some(mut rest) = host.strip_prefix("127.") else {
        return false;
    };
    // Three more octets, each 1 to 3 digits up to 255.
    for last in [false, false, true] {
        let (octet, after) = match split_at_byte(rest, b'.') {
            Some(parts) if !last => parts,
            None if last => (rest, ""),
            _ => return false,
        };
        let digits = octet.len() <= 3 && octet.bytes().all(|b| b.is_ascii_digit());
        if !digits || !parse_decimal(octet).is_some_and(|n| n <= 255) {
            return false;
        }
        rest = after;
    }
    true
}

/// How many `/` end `path`.
fn trailing_slashes(path: &str) -> usize {
    path.bytes().rev().take_while(|b| *b == b'/').count()
}
