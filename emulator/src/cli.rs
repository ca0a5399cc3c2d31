//! Command-line parsing.

use std::path::PathBuf;

/// Usage text for `--help` and errors.
pub const USAGE: &str = "usage: inbox-emulator [--port N] [--token T] [--rate-limit-per-minute N] [--serve-dir DIR] [--log]

  --port N                   port on 127.0.0.1 (default 0: an ephemeral port)
  --token T                  bearer token (default: $INBOX_EMULATOR_TOKEN, else dev-token)
  --rate-limit-per-minute N  team rate limit (default 300)
  --serve-dir DIR            serve other GET paths from DIR (/ -> index.html)
  --log                      log each request to stderr";

/// Parsed options.
#[derive(Debug)]
pub struct Args {
    pub port: u16,
    pub token: String,
    pub rate_limit_per_minute: u32,
    pub serve_dir: Option<PathBuf>,
    pub log: bool,
    pub help: bool,
}

/// Parses the arguments (without the program name).
pub fn parse(
    args: impl IntoIterator<Item = String>,
    env_token: Option<String>,
) -> Result<Args, String> {
    let mut out = Args {
        port: 0,
        token: env_token
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| "dev-token".to_string()),
        rate_limit_per_minute: 300,
        serve_dir: None,
        log: false,
        help: false,
    };
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
                out.rate_limit_per_minute = v
                    .parse()
                    .map_err(|_| format!("--rate-limit-per-minute: invalid number {v:?}"))?;
            }
            "--serve-dir" => out.serve_dir = Some(PathBuf::from(value("--serve-dir")?)),
            "--log" => out.log = true,
            "-h" | "--help" => out.help = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
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
    use super::parse;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn defaults_and_flags() {
        let a = parse(args(&[]), None).expect("defaults");
        assert_eq!(
            (a.port, a.token.as_str(), a.rate_limit_per_minute),
            (0, "dev-token", 300)
        );
        let a = parse(
            args(&[
                "--port",
                "8080",
                "--token=abc",
                "--rate-limit-per-minute",
                "5",
            ]),
            Some("env".into()),
        )
        .expect("flags");
        assert_eq!(
            (a.port, a.token.as_str(), a.rate_limit_per_minute),
            (8080, "abc", 5)
        );
        assert_eq!(
            parse(args(&[]), Some("env".into())).expect("env").token,
            "env"
        );
        assert!(parse(args(&["--port", "x"]), None).is_err());
        assert!(parse(args(&["--bogus"]), None).is_err());
    }
}
