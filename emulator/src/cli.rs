//! Command-line parsing.

use std::path::PathBuf;

use crate::model::authors::AuthorIds;
use crate::model::keys::DEFAULT_KEY_TTL_MS;
use crate::model::limits::{self, Limit, Shape, Windows};
use crate::model::webhooks::Target;

/// Usage text for `--help` and errors.
pub const USAGE: &str = "usage: inbox-emulator [--port N] [--token T] [--rate-limit-per-minute N]
       [--rate-limit-window-ms MS] [--team-limits LIST] [--sender-limits LIST]
       [--windows MODE] [--team-background F] [--team-background-shape SHAPE]
       [--author-ids FORM] [--webhook-url URL --webhook-secret S] [--webhook-events LIST]
       [--idempotency-key-ttl-ms MS] [--account-links N] [--serve-dir DIR] [--log]

  --port N                     port on 127.0.0.1 (default 0: an ephemeral port)
  --token T                    bearer token (default: $INBOX_EMULATOR_TOKEN, else dev-token)
  --rate-limit-per-minute N    count of the first team window (default 300)
  --rate-limit-window-ms MS    length of the first team window (default 60000)
  --team-limits LIST           team windows, COUNT/MS comma-separated
                               (default 300/60000,10000/3600000,100000/86400000)
  --sender-limits LIST         per-account-link X windows, COUNT/MS comma-separated, or none
                               (default 200/900000,1000/86400000)
  --windows MODE               where windows start: clock (on whole multiples of their
                               length since the epoch) or first-request (default:
                               $INBOX_EMULATOR_WINDOWS, else clock)
  --team-background F          share 0 <= F < 1 of every team window another client
                               spends (default 0)
  --team-background-shape SHAPE
                               how it spends it: even (spread over the window) or
                               burst (all at the window's start) (default even)
  --author-ids FORM            authorId of the account's messages in v1 answers: link,
                               x-user, cuid2 or missing (default link)
  --webhook-url URL            post every event to this http:// URL, signed with
                               X-Inbox-Signature (needs --webhook-secret)
  --webhook-secret S           the secret webhooks are signed with
  --webhook-events LIST        event types to post, comma-separated (default: all)
  --idempotency-key-ttl-ms MS  how long v2 idempotency keys are kept (default 86400000)
  --account-links N            N more account links beside the two seeded: acct01bulk,
                               acct02bulk, ... (default 0; at most 999)
  --serve-dir DIR              serve other GET paths from DIR (/ -> index.html)
  --log                        log each request to stderr";

/// Parsed options.
#[derive(Debug)]
pub struct Args {
    pub port: u16,
    pub token: String,
    pub team_limits: Vec<Limit>,
    pub sender_limits: Vec<Limit>,
    pub windows: Windows,
    pub team_background: f64,
    pub team_background_shape: Shape,
    pub author_ids: AuthorIds,
    pub webhook_target: Option<Target>,
    pub webhook_secret: Option<String>,
    pub webhook_events: Vec<String>,
    pub idempotency_key_ttl_ms: u64,
    /// Extra account links beside the seeded two.
    pub extra_account_links: usize,
    pub serve_dir: Option<PathBuf>,
    pub log: bool,
    pub help: bool,
}

/// The environment variables that give defaults.
#[derive(Debug, Default)]
pub struct Env {
    /// `INBOX_EMULATOR_TOKEN`
    pub token: Option<String>,
    /// `INBOX_EMULATOR_WINDOWS`
    pub windows: Option<String>,
}

impl Env {
    /// Reads the process environment.
    pub fn read() -> Self {
        Env {
            token: std::env::var("INBOX_EMULATOR_TOKEN").ok(),
            windows: std::env::var("INBOX_EMULATOR_WINDOWS").ok(),
        }
    }
}

/// Parses the arguments (without the program name).
pub fn parse(args: impl IntoIterator<Item = String>, env: Env) -> Result<Args, String> {
    let windows = match env.windows.as_deref().filter(|w| !w.is_empty()) {
        Some(w) => Windows::parse(w).map_err(|e| format!("INBOX_EMULATOR_WINDOWS: {e}"))?,
        None => Windows::Clock,
    };
    let mut out = Args {
        port: 0,
        token: env
            .token
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| "dev-token".to_string()),
        team_limits: limits::default_team_limits(),
        sender_limits: limits::default_sender_limits(),
        windows,
        team_background: 0.0,
        team_background_shape: Shape::Even,
        author_ids: AuthorIds::Link,
        webhook_target: None,
        webhook_secret: None,
        webhook_events: Vec::new(),
        idempotency_key_ttl_ms: DEFAULT_KEY_TTL_MS,
        extra_account_links: 0,
        serve_dir: None,
        log: false,
        help: false,
    };
    let mut per_minute: Option<u32> = None;
    let mut window_ms: Option<u64> = None;
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "--port" => {
                let v = value("--port")?;
                out.port = v
                    .parse()
                    .map_err(|_| format!("--port: invalid port {v:?}"))?;
            }
            "--token" => out.token = value("--token")?,
            "--rate-limit-per-minute" => {
                let v = value("--rate-limit-per-minute")?;
                per_minute = Some(
                    v.parse()
                        .map_err(|_| format!("--rate-limit-per-minute: invalid number {v:?}"))?,
                );
            }
            "--rate-limit-window-ms" => {
                let v = value("--rate-limit-window-ms")?;
                window_ms = Some(
                    v.parse()
                        .ok()
                        .filter(|&ms: &u64| ms > 0)
                        .ok_or_else(|| format!("--rate-limit-window-ms: invalid number {v:?}"))?,
                );
            }
            "--team-limits" => {
                out.team_limits = limits::parse_list(&value("--team-limits")?)
                    .map_err(|e| format!("--team-limits: {e}"))?;
            }
            "--sender-limits" => {
                out.sender_limits = limits::parse_list(&value("--sender-limits")?)
                    .map_err(|e| format!("--sender-limits: {e}"))?;
            }
            "--windows" => {
                out.windows =
                    Windows::parse(&value("--windows")?).map_err(|e| format!("--windows: {e}"))?;
            }
            "--team-background" => {
                let v = value("--team-background")?;
                out.team_background = v
                    .parse()
                    .ok()
                    .filter(|f: &f64| (0.0..1.0).contains(f))
                    .ok_or_else(|| {
                        format!("--team-background: a share at least 0 and below 1, got {v:?}")
                    })?;
            }
            "--team-background-shape" => {
                out.team_background_shape = Shape::parse(&value("--team-background-shape")?)
                    .map_err(|e| format!("--team-background-shape: {e}"))?;
            }
            "--author-ids" => {
                out.author_ids = AuthorIds::parse(&value("--author-ids")?)
                    .map_err(|e| format!("--author-ids: {e}"))?;
            }
            "--webhook-url" => {
                out.webhook_target = Some(
                    Target::parse(&value("--webhook-url")?)
                        .map_err(|e| format!("--webhook-url: {e}"))?,
                );
            }
            "--webhook-secret" => {
                let v = value("--webhook-secret")?;
                if v.is_empty() {
                    return Err("--webhook-secret: must not be empty".to_string());
                }
                out.webhook_secret = Some(v);
            }
            "--webhook-events" => {
                out.webhook_events = value("--webhook-events")?
                    .split(',')
                    .map(|t| t.trim().to_string())
                    .filter(|t| !t.is_empty())
                    .collect();
            }
            "--idempotency-key-ttl-ms" => {
                let v = value("--idempotency-key-ttl-ms")?;
                out.idempotency_key_ttl_ms = v
                    .parse()
                    .map_err(|_| format!("--idempotency-key-ttl-ms: invalid number {v:?}"))?;
            }
            "--account-links" => {
                let v = value("--account-links")?;
                out.extra_account_links =
                    v.parse().ok().filter(|n| *n <= 999).ok_or_else(|| {
                        format!("--account-links: a number from 0 to 999, got {v:?}")
                    })?;
            }
            "--serve-dir" => out.serve_dir = Some(PathBuf::from(value("--serve-dir")?)),
            "--log" => out.log = true,
            "-h" | "--help" => out.help = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if out.webhook_target.is_some() != out.webhook_secret.is_some() {
        return Err("--webhook-url and --webhook-secret go together".to_string());
    }
    if out.team_limits.is_empty() {
        return Err("--team-limits: at least one team window is needed".to_string());
    }
    if let Some(n) = per_minute {
        out.team_limits[0].limit = n;
    }
    if let Some(ms) = window_ms {
        out.team_limits[0].window_ms = ms;
    }
    if out.token.is_empty()
        || out
            .token
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err("token must be non-empty without whitespace".to_string());
    }
    if let Some(dir) = &out.serve_dir {
        if !dir.is_dir() {
            return Err(format!("--serve-dir: {} is not a directory", dir.display()));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::{parse, Env};
    use crate::model::authors::AuthorIds;
    use crate::model::limits::{Shape, Windows};

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn env_token(token: &str) -> Env {
        Env {
            token: Some(token.into()),
            windows: None,
        }
    }

    #[test]
    fn window_modes_background_and_author_ids() {
        let a = parse(args(&[]), Env::default()).expect("defaults");
        assert_eq!(
            (a.windows, a.team_background, a.author_ids),
            (Windows::Clock, 0.0, AuthorIds::Link)
        );
        let env = || Env {
            token: None,
            windows: Some("first-request".into()),
        };
        assert_eq!(
            parse(args(&[]), env()).expect("env").windows,
            Windows::FirstRequest
        );
        let a = parse(
            args(&[
                "--windows=clock",
                "--team-background",
                "0.3",
                "--author-ids",
                "cuid2",
                "--team-background-shape=burst",
            ]),
            env(),
        )
        .expect("flags");
        assert_eq!(a.team_background_shape, Shape::Burst);
        assert_eq!(
            (a.windows, a.team_background, a.author_ids),
            (Windows::Clock, 0.3, AuthorIds::Cuid2)
        );
        for bad in [
            &["--windows", "rolling"][..],
            &["--team-background", "1"],
            &["--team-background", "-0.1"],
            &["--author-ids", "email"],
            &["--team-background-shape", "spiky"],
        ] {
            assert!(parse(args(bad), Env::default()).is_err(), "{bad:?}");
        }
        let wrong_env = Env {
            token: None,
            windows: Some("sliding".into()),
        };
        let err = parse(args(&[]), wrong_env).expect_err("bad env");
        assert!(err.starts_with("INBOX_EMULATOR_WINDOWS"), "{err}");
    }

    #[test]
    fn defaults_and_flags() {
        let a = parse(args(&[]), Env::default()).expect("defaults");
        assert_eq!(
            (a.port, a.token.as_str(), a.team_limits[0].limit),
            (0, "dev-token", 300)
        );
        assert_eq!((a.team_limits.len(), a.sender_limits[0].limit), (3, 200));
        let a = parse(
            args(&[
                "--port",
                "8080",
                "--token=abc",
                "--rate-limit-per-minute",
                "5",
            ]),
            env_token("env"),
        )
        .expect("flags");
        assert_eq!(
            (a.port, a.token.as_str(), a.team_limits[0].limit),
            (8080, "abc", 5)
        );
        let a = parse(
            args(&[
                "--rate-limit-per-minute=7",
                "--team-limits",
                "50/1000,60/2000",
                "--sender-limits=none",
                "--idempotency-key-ttl-ms",
                "500",
            ]),
            Env::default(),
        )
        .expect("limits");
        assert_eq!(
            (a.team_limits[0].limit, a.team_limits[1].window_ms),
            (7, 2000)
        );
        assert!(a.sender_limits.is_empty());
        assert_eq!(a.idempotency_key_ttl_ms, 500);
        assert!(parse(args(&["--team-limits", "none"]), Env::default()).is_err());
        assert_eq!(
            parse(args(&[]), env_token("env")).expect("env").token,
            "env"
        );
        assert!(parse(args(&["--port", "x"]), Env::default()).is_err());
        assert!(parse(args(&["--bogus"]), Env::default()).is_err());
    }
}
