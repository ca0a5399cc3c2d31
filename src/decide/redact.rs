//! Keeping the token out of every error: each string the server supplied is redacted here
//! before it is cut or stored.
//!
//! A server can echo the token in several forms, and all of them are found, in any mix within
//! one echo: as sent; JSON-escaped (`\/`, `\"`, `\\`, or any character as `\u00XX`); and
//! percent-encoded (`%2F`, either case). Texts are redacted whole and cut afterwards, so a cut
//! never leaves a piece of an echo behind. The token is ASCII (the token rules), which keeps the
//! matcher to bytes.

use alloc::string::String;

/// What replaces each echo of the token.
const MARK: &str = "***";

/// `text` with every echo of `secret` replaced by `***`.
#[inline(never)]
pub(crate) fn redact(text: &str, secret: &str) -> String {
    let (bytes, secret) = (text.as_bytes(), secret.as_bytes());
    let mut out = String::with_capacity(text.len());
    let (mut copied, mut at) = (0, 0);
    while at < bytes.len() {
        match echo_end(bytes, at, secret) {
            Some(end) if end > at => {
                out.push_str(text.get(copied..at).unwrap_or_default());
                out.push_str(MARK);
                (copied, at) = (end, end);
            }
            _ => at += 1,
        }
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    out
}

/// How many bytes (or UTF-16 units) an echo of `secret` can span at most: 6 per character
/// (`\u00XX`). An echo that starts before a cut ends before the cut plus this.
pub(crate) fn reach(secret: &str) -> u32 {
    (secret.len() as u32).saturating_mul(6)
}

/// The start of a server text for an error: redacted first, then cut to at most `bytes` bytes
/// on a character boundary. `None` for an empty text. `cut` says that `text` is only the start
/// of the body (the read limit cut it): an echo at its end may then have been cut in half,
/// where no form matches it, so the last [`reach`] bytes are dropped, not kept.
pub(crate) fn excerpt(text: &str, secret: &str, bytes: usize, cut: bool) -> Option<String> {
    if text.is_empty() {
        return None;
    }
    let mut clean = redact(text, secret);
    // When the read cut the text, the text after the last whole echo is copied as it is, so a
    // piece of an echo at the end of `text` is at the end of `clean`, within `reach` bytes.
    let tail = if cut { reach(secret) as usize } else { 0 };
    let mut end = bytes.min(clean.len().saturating_sub(tail));
    while !clean.is_char_boundary(end) {
        end -= 1;
    }
    clean.truncate(end);
    Some(clean)
}

/// Where an echo of `secret` (ASCII: the token rules make it so) that starts at `at` ends,
/// trying every form of each character, and backtracking only where two forms both fit (as
/// `%` and `%25` can). Matches start and end on character boundaries: every form is ASCII.
fn echo_end(text: &[u8], mut at: usize, secret: &[u8]) -> Option<usize> {
    for (index, &c) in secret.iter().enumerate() {
        let ends = forms(text, at, c);
        let mut fits = ends.iter().flatten();
        let first = *fits.next()?;
        if fits.next().is_none() {
            at = first;
            continue;
        }
        let rest = secret.get(index + 1..).unwrap_or_default();
        return ends
            .iter()
            .flatten()
            .find_map(|&end| echo_end(text, end, rest));
    }
    Some(at)
}

/// The ends of each form of the ASCII character `c` found at `at`: as is, a short JSON escape
/// (`\/`, `\"`, `\\`), `\u00XX`, `%XX`.
fn forms(text: &[u8], at: usize, c: u8) -> [Option<usize>; 4] {
    let rest = text.get(at..).unwrap_or_default();
    let hex_is = |from: usize, digits: usize| {
        let digits = rest.get(from..from + digits).unwrap_or_default();
        let value = digits
            .iter()
            .try_fold(0, |n, &b| Some(n * 16 + char::from(b).to_digit(16)?));
        !digits.is_empty() && value == Some(u32::from(c))
    };
    let short = matches!(c, b'/' | b'"' | b'\\') && rest.get(..2) == Some(&[b'\\', c]);
    [
        (rest.first() == Some(&c)).then_some(at + 1),
        short.then_some(at + 2),
        (rest.starts_with(b"\\u") && hex_is(2, 4)).then_some(at + 6),
        (rest.first() == Some(&b'%') && hex_is(1, 2)).then_some(at + 3),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tokens with the characters that change form: `/`, `+`, `=`, `%`, `\`, `"`, non-ASCII.
    const TOKENS: &[&str] = &[
        "sk_live/AbC+def==",
        "a/b+c=d",
        "tok%25en",
        "back\\slash\"quote",
        "%%/\\\\u0041",
    ];

    /// Every form an echo of `token` can take.
    fn echoes(token: &str) -> Vec<String> {
        let json_slash = token
            .replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('/', "\\/");
        let unicode: String = token
            .encode_utf16()
            .map(|u| format!("\\u{u:04x}"))
            .collect();
        let unicode_upper: String = token
            .encode_utf16()
            .map(|u| format!("\\u{u:04X}"))
            .collect();
        let percent: String = token.bytes().map(|b| format!("%{b:02X}")).collect();
        let percent_lower: String = token.bytes().map(|b| format!("%{b:02x}")).collect();
        // Only the reserved characters encoded, the rest as is (what encodeURIComponent does).
        let percent_reserved: String = token
            .chars()
            .map(|c| match c {
                'a'..='z' | 'A'..='Z' | '0'..='9' | '_' | '-' | '.' => c.to_string(),
                _ => c.to_string().bytes().map(|b| format!("%{b:02X}")).collect(),
            })
            .collect();
        // Half JSON-escaped, half percent-encoded.
        let mixed: String = token
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if i % 2 == 0 {
                    c.to_string()
                        .encode_utf16()
                        .map(|u| format!("\\u{u:04x}"))
                        .collect::<String>()
                } else {
                    c.to_string().bytes().map(|b| format!("%{b:02x}")).collect()
                }
            })
            .collect();
        vec![
            token.to_owned(),
            json_slash,
            unicode,
            unicode_upper,
            percent,
            percent_lower,
            percent_reserved,
            mixed,
        ]
    }

    #[test]
    fn every_form_of_every_token_is_redacted() {
        for token in TOKENS {
            for echo in echoes(token) {
                let text = format!("invalid token {echo}, got {echo}!");
                assert_eq!(
                    redact(&text, token),
                    "invalid token ***, got ***!",
                    "{token:?} as {echo:?}"
                );
            }
        }
    }

    #[test]
    fn text_without_the_token_is_unchanged() {
        for text in [
            "",
            "plain",
            "sk_live/AbC+def=",
            "%2",
            "\\u00",
            "é😀",
            "sk_live\\/AbC+de",
        ] {
            assert_eq!(redact(text, "sk_live/AbC+def=="), text);
        }
    }

    #[test]
    fn a_cut_never_leaves_a_piece_of_an_echo() {
        const BYTES: usize = 2048;
        for token in TOKENS {
            for echo in echoes(token) {
                let len = echo.len();
                // Echoes ending just before the cut, straddling it at every offset, and
                // starting just after it.
                for start in BYTES.saturating_sub(len + 3)..BYTES + 3 {
                    let body = format!("{}{echo}{}", ".".repeat(start), ".".repeat(50));
                    let cut = excerpt(&body, token, BYTES, false).unwrap();
                    assert!(cut.len() <= BYTES);
                    assert!(
                        cut.chars().all(|c| c == '.' || c == '*'),
                        "{token:?} as {echo:?} at {start}: {:?}",
                        cut.get(cut.len().saturating_sub(40)..)
                    );
                }
            }
        }
    }

    /// A body read only up to `units` UTF-16 units, as the I/O layer reads one.
    fn read(body: &str, units: usize) -> String {
        String::from_utf16_lossy(&body.encode_utf16().take(units).collect::<Vec<_>>())
    }

    #[test]
    fn nothing_the_read_limit_cut_survives() {
        const BYTES: usize = 2048;
        for token in TOKENS {
            let units = BYTES + reach(token) as usize;
            // A piece of the token long enough to mean something, in none of its forms.
            let piece = &token[..4.min(token.len())];
            for echo in echoes(token) {
                // Echoes before the limit shrink on redaction (`***` is shorter), so the
                // redacted text is under the excerpt's size and no cut of its own happens.
                let lead = format!("{echo} ").repeat(units / (echo.len() + 1) / 2);
                for offset in 0..echo.len() + 4 {
                    let start = units.saturating_sub(offset);
                    let pad = ".".repeat(start.saturating_sub(lead.len()));
                    let body = format!("{lead}{pad}{echo}{}", ".".repeat(60));
                    let text = read(&body, units);
                    let cut = excerpt(&text, token, BYTES, text.len() < body.len()).unwrap();
                    assert!(cut.len() <= BYTES);
                    for form in echoes(piece) {
                        assert!(
                            !cut.contains(&form),
                            "{token:?} as {echo:?}, cut {offset} before the limit: {:?}",
                            cut.get(cut.len().saturating_sub(60)..)
                        );
                    }
                    assert!(!cut.contains(piece), "{token:?} as {echo:?} at {offset}");
                }
            }
        }
    }

    #[test]
    fn a_body_the_read_limit_did_not_cut_is_kept_whole() {
        let body = format!("{}tok", ".".repeat(100));
        assert_eq!(
            excerpt(&body, "tok", 2048, false).unwrap(),
            format!("{}***", ".".repeat(100))
        );
    }

    #[test]
    fn excerpts_cut_on_character_boundaries() {
        let body = "😀".repeat(2000);
        let cut = excerpt(&body, "tok", 2047, false).unwrap();
        assert_eq!(cut.len(), 2044);
        assert_eq!(excerpt("", "tok", 10, false), None);
        assert_eq!(excerpt("short", "tok", 10, false).as_deref(), Some("short"));
    }

    #[test]
    fn reach_covers_the_longest_form() {
        for token in TOKENS {
            let longest = echoes(token)
                .iter()
                .map(|e| e.len().max(e.encode_utf16().count()))
                .max()
                .unwrap();
            assert!(reach(token) as usize >= longest, "{token:?}");
        }
    }
}
