//! `ClientOptions` → `Client::new`: the base URL rules, the numeric limits, the token rules,
//! and that the token never prints.

use inbox_sender::{Client, ClientOptions, Error, ErrorKind, Token, DEFAULT_BASE_URL};

const TOKEN: &str = "sk_live_S3cr3tT0ken42";
const PATH: &str = "/api/v1/threads/messages";

/// `Ok(endpoint)` or `Err((field, rule fragment))`.
type Expect = Result<&'static str, (&'static str, &'static str)>;

/// The `Invalid` inside an `InvalidRequest`, or a panic naming `case`.
fn invalid(case: &str, result: Result<Client, Error>) -> (String, &'static str) {
    match result {
        Err(Error::InvalidRequest(invalid)) => (invalid.field.into_owned(), invalid.rule),
        Err(other) => panic!("{case}: expected InvalidRequest, got {other:?}"),
        Ok(client) => panic!("{case}: accepted, endpoint {}", client.endpoint()),
    }
}

fn run(cases: &[(&str, Expect)]) {
    let mut failures = Vec::new();
    for (base_url, expect) in cases {
        let result = Client::new(ClientOptions::new(TOKEN).base_url(*base_url));
        match (expect, &result) {
            (Ok(endpoint), Ok(client)) if client.endpoint() == *endpoint => {}
            (Err((field, fragment)), Err(Error::InvalidRequest(invalid)))
                if invalid.field == *field && invalid.rule.contains(fragment) => {}
            _ => failures.push(format!(
                "{base_url:?}: expected {expect:?}, got {:?}",
                result.as_ref().map(Client::endpoint)
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

const HTTPS_ONLY: &str = "must use https://";
const ABSOLUTE: &str = "absolute https:// URL";

const BASE_URLS: &[(&str, Expect)] = &[
    // Accepted, with the endpoint built from them.
    (
        "https://inboxapp.com",
        Ok("https://inboxapp.com/api/v1/threads/messages"),
    ),
    (
        "https://inboxapp.com/",
        Ok("https://inboxapp.com/api/v1/threads/messages"),
    ),
    (
        "https://inboxapp.com///",
        Ok("https://inboxapp.com/api/v1/threads/messages"),
    ),
    (
        "https://proxy.example/inbox",
        Ok("https://proxy.example/inbox/api/v1/threads/messages"),
    ),
    (
        "https://proxy.example/inbox/",
        Ok("https://proxy.example/inbox/api/v1/threads/messages"),
    ),
    (
        "https://proxy.example:8443/a/b//",
        Ok("https://proxy.example:8443/a/b/api/v1/threads/messages"),
    ),
    (
        "https://proxy.example/api/v1x",
        Ok("https://proxy.example/api/v1x/api/v1/threads/messages"),
    ),
    (
        "http://localhost:8787",
        Ok("http://localhost:8787/api/v1/threads/messages"),
    ),
    (
        "http://localhost:8787/",
        Ok("http://localhost:8787/api/v1/threads/messages"),
    ),
    (
        "http://localhost",
        Ok("http://localhost/api/v1/threads/messages"),
    ),
    (
        "http://LOCALHOST:1",
        Ok("http://LOCALHOST:1/api/v1/threads/messages"),
    ),
    (
        "http://127.0.0.1:1",
        Ok("http://127.0.0.1:1/api/v1/threads/messages"),
    ),
    (
        "http://127.5.6.7",
        Ok("http://127.5.6.7/api/v1/threads/messages"),
    ),
    (
        "http://127.255.255.255/x/",
        Ok("http://127.255.255.255/x/api/v1/threads/messages"),
    ),
    (
        "http://[::1]:9",
        Ok("http://[::1]:9/api/v1/threads/messages"),
    ),
    ("http://[::1]", Ok("http://[::1]/api/v1/threads/messages")),
    // http:// to anything but loopback: the token would travel in clear text.
    ("http://example.com", Err(("baseUrl", HTTPS_ONLY))),
    ("http://inboxapp.com", Err(("baseUrl", HTTPS_ONLY))),
    ("http://127.0.0.1.evil.com", Err(("baseUrl", HTTPS_ONLY))),
    (
        "http://127.0.0.1.evil.com:80/",
        Err(("baseUrl", HTTPS_ONLY)),
    ),
    ("http://localhost.evil.com", Err(("baseUrl", HTTPS_ONLY))),
    ("http://evil-localhost", Err(("baseUrl", HTTPS_ONLY))),
    ("http://[::2]", Err(("baseUrl", HTTPS_ONLY))),
    ("http://128.0.0.1", Err(("baseUrl", HTTPS_ONLY))),
    ("http://127.0.0.256", Err(("baseUrl", HTTPS_ONLY))),
    ("http://127.0.0", Err(("baseUrl", HTTPS_ONLY))),
    ("http://0.0.0.0:8787", Err(("baseUrl", HTTPS_ONLY))),
    ("http://10.0.0.1", Err(("baseUrl", HTTPS_ONLY))),
    // Not an absolute https:// URL.
    ("ftp://x", Err(("baseUrl", ABSOLUTE))),
    ("inboxapp.com", Err(("baseUrl", ABSOLUTE))),
    ("", Err(("baseUrl", ABSOLUTE))),
    ("//inboxapp.com", Err(("baseUrl", ABSOLUTE))),
    ("https:/inboxapp.com", Err(("baseUrl", ABSOLUTE))),
    ("wss://inboxapp.com", Err(("baseUrl", ABSOLUTE))),
    ("https://", Err(("baseUrl", "must include a host"))),
    ("https:///api", Err(("baseUrl", "must include a host"))),
    // Credentials, query, fragment.
    ("https://user:pw@host", Err(("baseUrl", "credentials"))),
    ("https://user@host/", Err(("baseUrl", "credentials"))),
    (
        "http://localhost:8787@evil.com",
        Err(("baseUrl", "credentials")),
    ),
    ("https://host/?q", Err(("baseUrl", "query or fragment"))),
    ("https://host?q=1", Err(("baseUrl", "query or fragment"))),
    ("https://host/#f", Err(("baseUrl", "query or fragment"))),
    // The API path is the client's to add.
    ("https://host/api/v1", Err(("baseUrl", "/api/v1"))),
    ("https://host/api/v1/", Err(("baseUrl", "/api/v1"))),
    (
        "https://proxy.example/inbox/api/v1",
        Err(("baseUrl", "/api/v1")),
    ),
    // Whitespace and control characters.
    (
        " https://inboxapp.com",
        Err(("baseUrl", "whitespace or control")),
    ),
    (
        "https://inboxapp.com ",
        Err(("baseUrl", "whitespace or control")),
    ),
    (
        "https://inbox app.com",
        Err(("baseUrl", "whitespace or control")),
    ),
    (
        "https://inboxapp.com\n",
        Err(("baseUrl", "whitespace or control")),
    ),
    (
        "https://inboxapp.com/\u{0}",
        Err(("baseUrl", "whitespace or control")),
    ),
];

#[test]
fn base_url_rules() {
    run(BASE_URLS);
}

#[test]
fn default_base_url_is_inboxapp() {
    assert_eq!(DEFAULT_BASE_URL, "https://inboxapp.com");
    let options = ClientOptions::new(TOKEN);
    assert_eq!(options.base_url, DEFAULT_BASE_URL);
    assert_eq!(options.timeout_ms, 30_000);
    assert_eq!(options.max_retries, 2);
    assert_eq!(options.max_retry_delay_ms, 60_000);
    let client = Client::new(options).unwrap();
    assert_eq!(client.endpoint(), format!("{DEFAULT_BASE_URL}{PATH}"));
    assert_eq!(client.rate_limit(), None);
}

/// A host-less https URL (only a port) is not an absolute URL with a host.
#[test]
fn base_url_with_port_but_no_host_is_rejected() {
    run(&[
        ("https://:443", Err(("baseUrl", "host"))),
        ("https://:443/inbox", Err(("baseUrl", "host"))),
    ]);
}

/// Authorities the WHATWG URL parser (fetch) refuses: junk after an IPv6 loopback literal
/// (which also passes the http:// loopback check), bad ports, an unclosed `[`. The mistake
/// surfaces only at send time, as a `network` error with `maybeSent: true`, instead of from
/// `Client::new`.
#[test]
fn base_url_malformed_authority_is_rejected() {
    run(&[
        ("http://[::1].evil.com", Err(("baseUrl", ""))),
        ("http://[::1]evil.com", Err(("baseUrl", ""))),
        ("http://[::1]:9.evil", Err(("baseUrl", ""))),
        ("http://localhost:99999", Err(("baseUrl", ""))),
        ("http://localhost:87a", Err(("baseUrl", ""))),
        ("https://inboxapp.com:abc", Err(("baseUrl", ""))),
        ("https://[::1", Err(("baseUrl", ""))),
    ]);
}

// ---------------------------------------------------------------------------------------------
// Numbers

#[test]
fn numeric_option_limits() {
    type Build = fn(ClientOptions) -> ClientOptions;
    type Rejection = Option<(&'static str, &'static str)>;
    const CASES: &[(&str, Build, Rejection)] = &[
        ("timeout 1", |o| o.timeout_ms(1), None),
        ("timeout 2^31-1", |o| o.timeout_ms(2_147_483_647), None),
        (
            "timeout 0",
            |o| o.timeout_ms(0),
            Some(("timeoutMs", "from 1 to 2147483647")),
        ),
        (
            "timeout 2^31",
            |o| o.timeout_ms(2_147_483_648),
            Some(("timeoutMs", "from 1 to 2147483647")),
        ),
        (
            "timeout u32::MAX",
            |o| o.timeout_ms(u32::MAX),
            Some(("timeoutMs", "from 1 to 2147483647")),
        ),
        ("retries 0", |o| o.max_retries(0), None),
        ("retries 10", |o| o.max_retries(10), None),
        (
            "retries 11",
            |o| o.max_retries(11),
            Some(("maxRetries", "from 0 to 10")),
        ),
        (
            "retries u32::MAX",
            |o| o.max_retries(u32::MAX),
            Some(("maxRetries", "from 0 to 10")),
        ),
        ("retry delay 0", |o| o.max_retry_delay_ms(0), None),
        (
            "retry delay 2^31-1",
            |o| o.max_retry_delay_ms(2_147_483_647),
            None,
        ),
    ];
    let mut failures = Vec::new();
    for (name, build, expect) in CASES {
        let result = Client::new(build(ClientOptions::new(TOKEN)));
        let ok = match (expect, &result) {
            (None, Ok(_)) => true,
            (Some((field, fragment)), Err(Error::InvalidRequest(invalid))) => {
                invalid.field == *field && invalid.rule.contains(fragment)
            }
            _ => false,
        };
        if !ok {
            failures.push(format!("{name}: expected {expect:?}, got {result:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The JS constructor refuses `maxRetryDelayMs` above 2^31 - 1 (a JS timer cannot wait
/// longer: `setTimeout` fires at once), but the Rust `Client::new` does not check it.
#[test]
fn max_retry_delay_above_timer_limit_is_rejected() {
    for delay in [2_147_483_648, u32::MAX] {
        let result = Client::new(ClientOptions::new(TOKEN).max_retry_delay_ms(delay));
        let (field, rule) = invalid(&format!("max_retry_delay_ms({delay})"), result);
        assert_eq!(field, "maxRetryDelayMs");
        assert!(rule.contains("2147483647"), "{rule}");
    }
}

// ---------------------------------------------------------------------------------------------
// Token

#[test]
fn token_rules_reach_client_new() {
    const CASES: &[(&str, &str)] = &[
        ("", "must not be empty"),
        ("Bearer sk_live_abc123", "\"Bearer \" prefix"),
        ("sk_live abc123", "whitespace or control"),
        ("sk_live_abc123\n", "whitespace or control"),
        ("sk_live_abc123\r\nX-Injected: 1", "whitespace or control"),
        ("\tsk_live_abc123", "whitespace or control"),
        ("sk_live_é123", "must be ASCII"),
        ("sk_live_\u{20ac}", "must be ASCII"),
    ];
    for (token, fragment) in CASES {
        let result = Client::new(ClientOptions::new(*token));
        let error = result.as_ref().err().cloned();
        let (field, rule) = invalid(&format!("token {token:?}"), result);
        assert_eq!(field, "token", "{token:?}");
        assert!(rule.contains(fragment), "{token:?}: {rule}");
        let error = error.unwrap();
        assert_eq!(error.kind(), ErrorKind::InvalidRequest);
        assert_eq!(error.kind().as_str(), "invalid_request");
        assert!(!error.maybe_sent());
        assert!(std::error::Error::source(&error).is_some());
        // The message names the rule but never echoes the token.
        let shown = error.to_string();
        assert!(shown.contains("token"), "{shown}");
        if token.len() > 1 {
            assert!(!shown.contains("sk_live"), "{shown:?} shows the token");
            assert!(
                !format!("{error:?}").contains("sk_live"),
                "Debug shows the token"
            );
        }
    }
}

#[test]
fn token_is_checked_before_base_url() {
    let result = Client::new(ClientOptions::new("").base_url("ftp://x").timeout_ms(0));
    assert_eq!(invalid("empty token", result).0, "token");
    let result = Client::new(ClientOptions::new(TOKEN).base_url("ftp://x").timeout_ms(0));
    assert_eq!(invalid("bad timeout", result).0, "timeoutMs");
}

// ---------------------------------------------------------------------------------------------
// The token never prints

#[test]
fn token_never_appears_in_debug_output() {
    let options = ClientOptions::new(TOKEN).base_url("http://localhost:8787/");
    let shown = format!("{options:?}");
    assert!(!shown.contains(TOKEN), "ClientOptions Debug: {shown}");
    assert!(!shown.contains("S3cr3t"), "ClientOptions Debug: {shown}");
    assert!(shown.contains("***"), "ClientOptions Debug: {shown}");
    assert!(
        shown.contains("localhost:8787"),
        "other options still show: {shown}"
    );
    let pretty = format!("{options:#?}");
    assert!(
        !pretty.contains(TOKEN),
        "ClientOptions pretty Debug: {pretty}"
    );

    let client = Client::new(options).unwrap();
    let shown = format!("{client:?}");
    assert!(!shown.contains(TOKEN), "Client Debug: {shown}");
    assert!(!shown.contains("S3cr3t"), "Client Debug: {shown}");
    assert!(shown.contains("***"), "Client Debug: {shown}");
    let pretty = format!("{client:#?}");
    assert!(!pretty.contains(TOKEN), "Client pretty Debug: {pretty}");

    // Errors about other options do not carry the token either.
    let error = Client::new(ClientOptions::new(TOKEN).base_url("http://example.com")).unwrap_err();
    assert!(!format!("{error} {error:?}").contains(TOKEN));
}

#[test]
fn token_display_and_debug_are_masked() {
    let token = Token::new(TOKEN);
    assert_eq!(token.to_string(), "***");
    assert_eq!(format!("{token}"), "***");
    assert!(!format!("{token:?}").contains(TOKEN));
    assert!(format!("{token:?}").contains("***"));
    assert_eq!(Token::new("").to_string(), "***");
    assert_eq!(token, Token::new(TOKEN));
    assert_ne!(token, Token::new("other"));
}
