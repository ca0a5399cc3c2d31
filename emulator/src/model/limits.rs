//! Fixed-window rate limiting, pure over plain data: the team's windows (300/minute,
//! 10,000/hour, 100,000/day by default) and each sender's X windows (200 per 15 minutes,
//! 1,000 per day). A window of length W starts on a whole multiple of W since the Unix epoch
//! ([`Windows::Clock`], so a minute window resets on a whole minute) or with the first request
//! after the previous one ended ([`Windows::FirstRequest`]). Another client may spend a share
//! of every window (the background): evenly, `floor(share · limit · t / W)` at t into a window,
//! or in a burst, `floor(share · limit)` from the window's first instant.

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

/// Where a window starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Windows {
    /// On a whole multiple of its length since the Unix epoch (the vendor's model).
    Clock,
    /// With the first request after the previous window ended.
    FirstRequest,
}

impl Windows {
    /// Parses `clock` or `first-request`.
    pub fn parse(text: &str) -> Result<Self, String> {
        match text {
            "clock" => Ok(Windows::Clock),
            "first-request" => Ok(Windows::FirstRequest),
            other => Err(format!("expected clock or first-request, got {other:?}")),
        }
    }

    /// The start of a window of `window_ms` opened at `now`.
    fn start(self, window_ms: u64, now: u64) -> u64 {
        match self {
            Windows::Clock => now - now % window_ms,
            Windows::FirstRequest => now,
        }
    }
}

/// How another client spends its share of every team window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Shape {
    /// Evenly over the window.
    Even,
    /// All of it in the window's first instant.
    Burst,
}

impl Shape {
    /// Parses `even` or `burst`.
    pub fn parse(text: &str) -> Result<Self, String> {
        match text {
            "even" => Ok(Shape::Even),
            "burst" => Ok(Shape::Burst),
            other => Err(format!("expected even or burst, got {other:?}")),
        }
    }
}

/// How a list of windows counts: their limits, where they start, and the share of each that
/// another client spends (`0.0` for none) and how.
#[derive(Debug, Clone, Copy)]
pub struct Rules<'a> {
    pub limits: &'a [Limit],
    pub windows: Windows,
    pub background: f64,
    pub shape: Shape,
}

/// One open window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Window {
    /// Unix ms when it started.
    pub start: u64,
    /// Requests counted in it.
    pub count: u32,
    /// Background requests in it at the last check.
    pub background: u32,
    /// Background requests counted at this position since the last reset, this window's too.
    pub background_total: u64,
}

/// The background another client has spent `elapsed` ms into a window.
fn background(rules: &Rules, limit: &Limit, elapsed: u64) -> u32 {
    let whole = rules.background * f64::from(limit.limit);
    let share = match rules.shape {
        Shape::Even => whole * elapsed as f64 / limit.window_ms as f64,
        Shape::Burst => whole,
    };
    // The nudge keeps a share such as 0.29 · 100 (28.999…96 in binary) from losing one.
    (share + 1e-9).floor() as u32
}

/// The state of one window at `now`: a fresh one when it has ended, its background brought up
/// to `now`.
fn current(rules: &Rules, limit: &Limit, w: Option<Window>, now: u64) -> Window {
    let mut w = match w {
        Some(w) if now < w.start.saturating_add(limit.window_ms) => w,
        old => Window {
            start: rules.windows.start(limit.window_ms, now),
            background_total: old.map_or(0, |o| o.background_total),
            ..Window::default()
        },
    };
    let spent = background(rules, limit, now.saturating_sub(w.start));
    if spent > w.background {
        w.background_total += u64::from(spent - w.background);
        w.background = spent;
    }
    w
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
/// The background counts as used. `None` when there are no windows.
pub fn check(
    rules: &Rules,
    windows: &mut Vec<Option<Window>>,
    now: u64,
    count: bool,
) -> Option<Verdict> {
    let limits = rules.limits;
    windows.resize(limits.len(), None);
    let states: Vec<Window> = limits
        .iter()
        .zip(windows.iter())
        .map(|(l, w)| current(rules, l, *w, now))
        .collect();
    let used = |i: usize| states[i].count.saturating_add(states[i].background);
    let verdict = |i: usize, used: u32, limited: bool| {
        let end = states[i].start.saturating_add(limits[i].window_ms);
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
        .filter(|&i| used(i) >= limits[i].limit)
        .max_by_key(|&i| states[i].start.saturating_add(limits[i].window_ms));
    if let Some(i) = full {
        for (w, s) in windows.iter_mut().zip(&states) {
            *w = Some(*s);
        }
        return Some(verdict(i, used(i), true));
    }
    let added = u32::from(count);
    for (w, s) in windows.iter_mut().zip(&states) {
        *w = Some(Window {
            count: s.count + added,
            ..*s
        });
    }
    (0..limits.len())
        .min_by_key(|&i| limits[i].limit.saturating_sub(used(i) + added))
        .map(|i| verdict(i, used(i) + added, false))
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

    fn rules(limits: &[Limit], windows: Windows, background: f64) -> Rules<'_> {
        Rules {
            limits,
            windows,
            background,
            shape: Shape::Even,
        }
    }

    fn first(limits: &[Limit]) -> Rules<'_> {
        rules(limits, Windows::FirstRequest, 0.0)
    }

    #[test]
    fn clock_windows_start_on_whole_multiples_of_their_length() {
        let limits = [Limit {
            limit: 2,
            window_ms: 60_000,
        }];
        let clock = rules(&limits, Windows::Clock, 0.0);
        let mut w = Vec::new();
        let a = check(&clock, &mut w, 125_000, true).expect("verdict");
        assert_eq!((a.reset_ms, a.retry_after_ms), (180_000, 55_000));
        check(&clock, &mut w, 179_000, true);
        assert!(check(&clock, &mut w, 179_999, true).expect("v").limited);
        let b = check(&clock, &mut w, 180_000, true).expect("verdict");
        assert_eq!((b.limited, b.remaining, b.reset_ms), (false, 1, 240_000));
        let mut w = Vec::new();
        let c = check(&first(&limits), &mut w, 125_000, true).expect("verdict");
        assert_eq!(c.reset_ms, 185_000);
    }

    #[test]
    fn the_background_spends_its_share_evenly_and_is_totalled() {
        let limits = [Limit {
            limit: 100,
            window_ms: 1000,
        }];
        let shared = rules(&limits, Windows::Clock, 0.3);
        let mut w = Vec::new();
        // Half-way through: 15 of the 30 already spent, the request is the 16th.
        let a = check(&shared, &mut w, 10_500, true).expect("verdict");
        assert_eq!(a.remaining, 84);
        let w0 = w[0].expect("window");
        assert_eq!((w0.background, w0.background_total), (15, 15));
        // Near the end, 29 spent: 71 of ours in all fill it.
        for _ in 0..70 {
            check(&shared, &mut w, 10_990, true);
        }
        let full = check(&shared, &mut w, 10_990, true).expect("verdict");
        assert_eq!((full.limited, full.remaining), (true, 0));
        // The next window starts with none spent; the total carries on.
        let next = check(&shared, &mut w, 11_000, true).expect("verdict");
        assert_eq!(next.remaining, 99);
        assert_eq!(w[0].expect("window").background_total, 29);
    }

    #[test]
    fn a_burst_spends_the_whole_share_at_the_start_of_every_window() {
        let limits = [Limit {
            limit: 100,
            window_ms: 1000,
        }];
        for windows in [Windows::Clock, Windows::FirstRequest] {
            let burst = Rules {
                shape: Shape::Burst,
                ..rules(&limits, windows, 0.45)
            };
            let mut w = Vec::new();
            let a = check(&burst, &mut w, 10_000, true).expect("verdict");
            assert_eq!(
                a.remaining, 54,
                "{windows:?}: 45 spent at once, ours the 46th"
            );
            let late = check(&burst, &mut w, 10_999, false).expect("verdict");
            assert_eq!(
                late.remaining, 54,
                "{windows:?}: nothing more later in the window"
            );
            let next = check(&burst, &mut w, 11_000, false).expect("verdict");
            assert_eq!(next.remaining, 55, "{windows:?}: the next window's burst");
            assert_eq!(w[0].expect("window").background_total, 90);
        }
        assert_eq!(Shape::parse("burst"), Ok(Shape::Burst));
        assert!(Shape::parse("spiky").is_err());
    }

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
        let a = check(&first(&limits), &mut w, 0, true).expect("verdict");
        assert_eq!((a.limited, a.index, a.remaining), (false, 0, 1));
        let b = check(&first(&limits), &mut w, 10, true).expect("verdict");
        assert_eq!((b.limited, b.remaining), (false, 0));
        let c = check(&first(&limits), &mut w, 20, true).expect("verdict");
        assert_eq!((c.limited, c.index, c.retry_after_ms), (true, 0, 80));
        // The minute window reopens; the long window has one left, then is full.
        let d = check(&first(&limits), &mut w, 100, true).expect("verdict");
        assert_eq!((d.limited, d.index, d.remaining), (false, 1, 0));
        let e = check(&first(&limits), &mut w, 250, true).expect("verdict");
        assert_eq!((e.limited, e.index, e.retry_after_ms), (true, 1, 750));
        assert!(check(&first(&[]), &mut w, 0, true).is_none());
    }

    #[test]
    fn peeking_does_not_count() {
        let limits = [Limit {
            limit: 1,
            window_ms: 100,
        }];
        let mut w = Vec::new();
        assert_eq!(
            check(&first(&limits), &mut w, 0, false).map(|v| v.remaining),
            Some(1)
        );
        assert!(!check(&first(&limits), &mut w, 0, true).expect("v").limited);
        assert!(check(&first(&limits), &mut w, 1, true).expect("v").limited);
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
