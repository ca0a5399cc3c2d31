//! Webhooks: each event posted to the configured URL, signed as Inbox signs them
//! (`X-Inbox-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` under the
//! endpoint's secret), and what each attempt got back.

use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

/// Where webhooks go: an `http://host[:port][/path]` URL (the emulator speaks no TLS).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub url: String,
    pub host: String,
    pub port: u16,
    pub path: String,
}

impl Target {
    /// Parses an `http://` URL.
    pub fn parse(url: &str) -> Result<Self, String> {
        let rest = url
            .strip_prefix("http://")
            .ok_or_else(|| format!("{url:?}: only http:// URLs (the emulator speaks no TLS)"))?;
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) => (
                h,
                p.parse()
                    .map_err(|_| format!("{url:?}: invalid port {p:?}"))?,
            ),
            None => (authority, 80),
        };
        if host.is_empty() || path.contains(char::is_whitespace) {
            return Err(format!("{url:?}: expected http://host[:port][/path]"));
        }
        Ok(Target {
            url: url.to_string(),
            host: host.to_string(),
            port,
            path: path.to_string(),
        })
    }
}

/// The `X-Inbox-Signature` value for `body` sent at `t` (Unix seconds).
pub fn signature(secret: &str, t: u64, body: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(format!("{t}.").as_bytes());
    mac.update(body.as_bytes());
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// One event waiting to be posted.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub seq: u64,
    pub kind: &'static str,
    pub target: Target,
    pub secret: String,
    /// The event JSON, exactly as signed and sent.
    pub body: String,
}

/// One post and what came of it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    pub seq: u64,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub url: String,
    pub signature: String,
    pub body: String,
    /// The receiver's HTTP status.
    pub status: Option<u16>,
    /// Why no status came back (connection refused, timeout, an unreadable answer).
    pub error: Option<String>,
}

/// Posts waiting to leave and attempts made since the last reset.
#[derive(Debug, Default)]
pub struct Webhooks {
    outbox: Vec<Delivery>,
    pub attempts: Vec<Attempt>,
}

impl Webhooks {
    pub fn enqueue(&mut self, delivery: Delivery) {
        self.outbox.push(delivery);
    }

    /// Takes every waiting post, in `seq` order.
    pub fn take(&mut self) -> Vec<Delivery> {
        std::mem::take(&mut self.outbox)
    }

    pub fn clear(&mut self) {
        self.outbox.clear();
        self.attempts.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_like_the_vendor_and_parses_http_urls() {
        // Python's hmac.new(b"whsec_test", b'1700000000.{"seq":1}', sha256).hexdigest().
        assert_eq!(
            signature("whsec_test", 1_700_000_000, r#"{"seq":1}"#),
            "t=1700000000,v1=926c3c48823e4dc937cdb0992313bcbbc472579d779ab54f0d4e09e4049838aa"
        );
        let t = Target::parse("http://127.0.0.1:8788/webhooks/inbox").expect("url");
        assert_eq!(
            (t.host.as_str(), t.port, t.path.as_str()),
            ("127.0.0.1", 8788, "/webhooks/inbox")
        );
        assert_eq!(Target::parse("http://localhost").expect("url").path, "/");
        assert!(Target::parse("https://example.com/x").is_err());
        assert!(Target::parse("http://h:port/").is_err());
    }
}
