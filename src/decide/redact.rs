//! Keeping the token out of every error: each string the server supplied is redacted here
//! before it is cut or stored.
//!
//! A server can echo the token in several forms, and all of them are found, in any mix within
//! one echo: as sent; JSON-escaped (`\/`, `\"`, `\\`, or any character as `\uXXXX`, surrogate
//! pairs included); and percent-encoded (`%2F`, either case). Texts are redacted whole and cut
//! afterwards, so a cut never leaves a piece of an echo behind.

/// What replaces each echo of the token.
const MARK: &str = "***";

/// `text` with every echo of `secret` replaced by `***`.
pub(crate) fn redact(text: &str, secret: &str) -> String {
    let bytes = text.as_bytes();
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

/// True when `text` holds an echo of `secret` in any form.
pub(crate) fn contains(text: &str, secret: &str) -> bool {
    let bytes = text.as_bytes();
    (0..bytes.len()).any(|at| echo_end(bytes, at, secret).is_some_and(|end| end > at))
}

/// How many UTF-16 units an echo of `secret` can span at most (12 per character: two `\uXXXX`
/// escapes, or four `%XX`). An echo that starts before a cut ends before the cut plus this.
pub(crate) fn reach(secret: &str) -> u32 {
    (secret.chars().count() as u32).saturating_mul(12)
}

/// The start of a server text for an error: redacted first, then cut to at most `units`
/// UTF-16 units on a character boundary. `None` for an empty text.
pub(crate) fn excerpt(text: &str, secret: &str, units: usize) -> Option<String> {
    if text.is_empty() {
        return None;
    }
    let mut clean = redact(text, secret);
    let mut used = 0;
    if let Some((cut, _)) = clean.char_indices().find(|(_, c)| {
        used += c.len_utf16();
        used > units
    }) {
        clean.truncate(cut);
    }
    Some(clean)
}

/// Where an echo of `secret` that starts at `at` ends, trying every form of each character
/// (backtracking only where two forms both fit, as `%` and `%25` can).
fn echo_end(text: &[u8], mut at: usize, secret: &str) -> Option<usize> {
    for (index, c) in secret.char_indices() {
        let ends = forms(text, at, c);
        let mut fits = ends.iter().flatten();
        let first = *fits.next()?;
        if fits.next().is_none() {
            at = first;
            continue;
        }
        let rest = secret.get(index + c.len_utf8()..).unwrap_or_default();
        return ends
            .iter()
            .flatten()
            .find_map(|&end| echo_end(text, end, rest));
    }
    Some(at)
}

/// The ends of each form of `c` found at `at`: as is, a short JSON escape, `\uXXXX` escapes,
/// percent-encoded UTF-8.
fn forms(text: &[u8], at: usize, c: char) -> [Option<usize>; 4] {
    let mut utf8 = [0; 4];
    let literal = c.encode_utf8(&mut utf8).as_bytes();
    let starts = |form: &[u8]| text.get(at..at + form.len()) == Some(form);
    let short = matches!(c, '/' | '"' | '\\') && starts(&[b'\\', literal[0]]);
    let mut units = [0; 2];
    let escaped = c.encode_utf16(&mut units).iter().try_fold(at, |p, &unit| {
        let ok = text.get(p..p + 2) == Some(b"\\u") && hex_at(text, p + 2, 4) == Some(unit.into());
        ok.then_some(p + 6)
    });
    let percent = literal.iter().try_fold(at, |p, &byte| {
        let ok = text.get(p) == Some(&b'%') && hex_at(text, p + 1, 2) == Some(byte.into());
        ok.then_some(p + 3)
    });
    [
        starts(literal).then_some(at + literal.len()),
        short.then_some(at + 2),
        escaped,
        percent,
    ]
}

/// The value of `digits` hexadecimal digits (either case) at `at`.
fn hex_at(text: &[u8], at: usize, digits: usize) -> Option<u32> {
    text.get(at..at + digits)?.iter().try_fold(0, |n, &b| {
        let digit = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => return None,
        };
        Some(n * 16 + u32::from(digit))
    })
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
        "ünï/cödé😀",
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
                assert!(contains(&text, token), "{echo:?}");
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
            assert!(!contains(text, "sk_live/AbC+def=="));
        }
    }

    #[test]
    fn a_cut_never_leaves_a_piece_of_an_echo() {
        const UNITS: usize = 2048;
        for token in TOKENS {
            for echo in echoes(token) {
                let len = echo.encode_utf16().count();
                // Echoes ending just before the cut, straddling it at every offset, and
                // starting just after it.
                for start in UNITS.saturating_sub(len + 3)..UNITS + 3 {
                    let body = format!("{}{echo}{}", ".".repeat(start), ".".repeat(50));
                    let cut = excerpt(&body, token, UNITS).unwrap();
                    assert!(cut.encode_utf16().count() <= UNITS);
                    assert!(
                        cut.chars().all(|c| c == '.' || c == '*'),
                        "{token:?} as {echo:?} at {start}: {:?}",
                        cut.get(cut.len().saturating_sub(40)..)
                    );
                }
            }
        }
    }

    #[test]
    fn excerpts_cut_on_character_boundaries() {
        let body = "😀".repeat(2000);
        let cut = excerpt(&body, "tok", 2047).unwrap();
        assert_eq!(cut.encode_utf16().count(), 2046);
        assert_eq!(excerpt("", "tok", 10), None);
        assert_eq!(excerpt("short", "tok", 10).as_deref(), Some("short"));
    }

    #[test]
    fn reach_covers_the_longest_form() {
        for token in TOKENS {
            let longest = echoes(token)
                .iter()
                .map(|e| e.encode_utf16().count())
                .max()
                .unwrap();
            assert!(reach(token) as usize >= longest, "{token:?}");
        }
    }
}
