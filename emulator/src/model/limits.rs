//! Fixed-window rate limiting, pure over plain data: the team's windows (300/minute,
//! 10,000/hour, 100,000/day by default) and each sender's X windows (200 per 15 minutes,
//! 1,000 per day). A window starts with the first request after the previous one ended.

use serde::{Deserialize, Serialize};

/// One window: at most `limit` requests per `window_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Limit {
    pub limit: u32,
    pub window_ms: u64,
}

/// The team windows of the vendor's docs.
pub fn default_team_limits() -> Vec<Limit> {
    vec![
        Limit {
            limit: 300,
            window_ms: 60_000,
        },
        Limit {
            limit: 10_000,
            window_ms: 3_600_000,
        },
        Limit {
            limit: 100_000,
            window_ms: 86_400_000,
        },
    ]
}

/// X's per-sender DM limits.
pub fn default_sender_limits() -> Vec<Limit> {
    vec![
        Limit {
            limit: 200,
            window_ms: 900_000,
        },
        Limit {
            limit: 1_000,
            window_ms: 86_400_000,
        },
    ]
}

/// Parses `300/60000,10000/3600000` (count/window in ms, comma-separated); `none` or an empty
/// string = no windows.
pub fn parse_list(text: &str) -> Result<Vec<Limit>, String> {
    let text = text.trim();
    if text.is_empty() || text == "none" {
        return Ok(Vec::new());
    }
    text.split(',')
        .map(|part| {
            let (count, window) = part
                .trim()
                .split_once('/')
                .ok_or_else(|| format!("{part:?}: expected COUNT/WINDOW_MS"))?;
            let limit = count
                .trim()
                .parse()
                .map_err(|_| format!("{part:?}: invalid count"))?;
            let window_ms: u64 = window
                .trim()
                .parse()
                .map_err(|_| format!("{part:?}: invalid window"))?;
            if window_ms == 0 {
                return Err(format!("{part:?}: the window must be at least 1 ms"));
            }
            Ok(Limit { limit, window_ms })
        })
        .collect()
}

/// A window's start and count so far.
pub type Window = Option<(u64, u32)>;

/// The state of one window at `now`: a fresh one when it has ended.
fn current(limit: &Limit, w: Window, now: u64) -> (u64, u32) {
    match w {
        Some((start, count)) if now < start.saturating_add(limit.window_ms) => (start, count),
        _ => (now, 0),
    }
}

/// What a check found, for headers and error bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// A window is full: the request must be refused.
    pub limited: bool,
    /// The window reported: the full one that ends last when limited, else the tightest one
    /// (fewest remaining; the first such).
    pub index: usize,
    pub limit: u32,
    pub remaining: u32,
    /// Unix ms when that window ends.
    pub reset_ms: u64,
    /// Milliseconds until that window ends (at least 1).
    pub retry_after_ms: u64,
}

/// Checks the windows and, when `count` is true and none is full, counts one request in each.
/// `None` when there are no windows.
pub fn check(
    limits: &[Limit],
    windows: &mut Vec<Window>,
    now: u64,
    count: bool,
) -> Option<Verdict> {
    windows.resize(limits.len(), None);
    let states: Vec<(u64, u32)> = limits
        .iter()
        .zip(windows.iter())
        .map(|(l, w)| current(l, *w, now))
        .collect();
    let verdict = |i: usize, used: u32, limited: bool| {
        let end = states[i].0.saturating_add(limits[i].window_ms);
        Verdict {
            limited,
            index: i,
            limit: limits[i].limit,
            remaining: limits[i].limit.saturating_sub(used),
            reset_ms: end,
            retry_after_ms: end.saturating_sub(now).max(1),
        }
    };
    let full = (0..limits.len())
        .filter(|&i| states[i].1 >= limits[i].limit)
        .max_by_key(|&i| states[i].0.saturating_add(limits[i].window_ms));
    if let Some(i) = full {
        for (w, s) in windows.iter_mut().zip(&states) {
            *w = Some(*s);
        }
        return Some(verdict(i, states[i].1, true));
    }
    let added = u32::from(count);
    for (w, s) in windows.iter_mut().zip(&states) {
        *w = Some((s.0, s.1 + added));
    }
    (0..limits.len())
        .min_by_key(|&i| limits[i].limit.saturating_sub(states[i].1 + added))
        .map(|i| verdict(i, states[i].1 + added, false))
}

/// A window's name in the v2 `rateLimited` details: by position (minute, hour, day).
pub fn window_name(index: usize) -> &'static str {
    ["minute", "hour", "day"][index.min(2)]
}

/// A window's length in words for messages: `minute`, `hour`, `day`, `15 minutes` or `N ms`.
pub fn window_words(ms: u64) -> String {
    match ms {
        60_000 => "minute".into(),
        3_600_000 => "hour".into(),
        86_400_000 => "day".into(),
        ms if ms % 60_000 == 0 => format!("{} minutes", ms / 60_000),
        ms => format!("{ms} ms"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_refuses_and_reopens() {
        let limits = [
            Limit {
                limit: 2,
                window_ms: 100,
            },
            Limit {
                limit: 3,
                window_ms: 1000,
            },
        ];
        let mut w = Vec::new();
        let a = check(&limits, &mut w, 0, true).expect("verdict");
        assert_eq!((a.limited, a.index, a.remaining), (false, 0, 1));
        let b = check(&limits, &mut w, 10, true).expect("verdict");
        assert_eq!((b.limited, b.remaining), (false, 0));
        let c = check(&limits, &mut w, 20, true).expect("verdict");
        assert_eq!((c.limited, c.index, c.retry_after_ms), (true, 0, 80));
        // The minute window reopens; the long window has one left, then is full.
        let d = check(&limits, &mut w, 100, true).expect("verdict");
        assert_eq!((d.limited, d.index, d.remaining), (false, 1, 0));
        let e = check(&limits, &mut w, 250, true).expect("verdict");
        assert_eq!((e.limited, e.index, e.retry_after_ms), (true, 1, 750));
        assert!(check(&[], &mut w, 0, true).is_none());
    }

    #[test]
    fn peeking_does_not_count() {
        let limits = [Limit {
            limit: 1,
            window_ms: 100,
        }];
        let mut w = Vec::new();
        assert_eq!(
            check(&limits, &mut w, 0, false).map(|v| v.remaining),
            Some(1)
        );
        assert!(!check(&limits, &mut w, 0, true).expect("v").limited);
        assert!(check(&limits, &mut w, 1, true).expect("v").limited);
    }

    #[test]
    fn parses_lists() {
        assert_eq!(
            parse_list("200/900000, 1000/86400000").expect("list"),
            default_sender_limits()
        );
        assert!(parse_list("none").expect("none").is_empty());
        assert!(parse_list("5").is_err());
        assert!(parse_list("5/0").is_err());
    }
}
