//! Small text helpers working on bytes. `core::str`'s pattern searchers (`find`, `split_once`,
//! `trim_matches`) and integer parsing each add generic code to the wasm, and the two-way
//! searcher's panicking paths link `Debug` formatting and Unicode tables. The
//! inputs here are short, so plain byte loops cost nothing.

use alloc::string::String;

/// `x` rounded up to a whole number, for `x` ≥ 0 (`f64::ceil` is std's, which the npm
/// package's wasm does not link). NaN gives 0.
pub(crate) fn ceil(x: f64) -> f64 {
    let whole = x as u64 as f64;
    if whole < x {
        whole + 1.0
    } else {
        whole
    }
}

/// The byte offset of the first `byte` (an ASCII character) in `text`.
pub(crate) fn position(text: &str, byte: u8) -> Option<usize> {
    text.bytes().position(|b| b == byte)
}

/// `text` split around the first `byte` (an ASCII character), which is in neither part.
pub(crate) fn split_at_byte(text: &str, byte: u8) -> Option<(&str, &str)> {
    let at = position(text, byte)?;
    Some((text.get(..at)?, text.get(at + 1..)?))
}

/// An unsigned decimal integer, all of `text` (an optional leading `+`, then ASCII digits), as
/// `str::parse::<u64>` reads it; `None` when empty, not a number, or too large.
pub(crate) fn parse_decimal(text: &str) -> Option<u64> {
    let digits = text.strip_prefix('+').unwrap_or(text);
    if digits.is_empty() {
        return None;
    }
    digits.bytes().try_fold(0u64, |n, b| {
        let digit = b.checked_sub(b'0').filter(|d| *d <= 9)?;
        n.checked_mul(10)?.checked_add(u64::from(digit))
    })
}

/// Appends `n` in decimal.
pub(crate) fn push_decimal(out: &mut String, n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for &digit in digits.iter().skip(at) {
        out.push(char::from(digit));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_decimals_like_std() {
        for text in [
            "0",
            "42",
            "+7",
            "007",
            "18446744073709551615",
            "18446744073709551616",
            "",
            "+",
            "-1",
            "1.5",
            " 1",
            "1a",
            "٣",
        ] {
            assert_eq!(parse_decimal(text), text.parse::<u64>().ok(), "{text:?}");
        }
    }

    #[test]
    fn splits_at_a_byte_like_std() {
        for (text, byte) in [
            ("a:b", b':'),
            ("a:b:c", b':'),
            ("ab", b':'),
            (":", b':'),
            ("é:é", b':'),
        ] {
            assert_eq!(
                split_at_byte(text, byte),
                text.split_once(char::from(byte)),
                "{text:?}"
            );
            assert_eq!(
                position(text, byte),
                text.find(char::from(byte)),
                "{text:?}"
            );
        }
    }

    #[test]
    fn writes_decimals_like_std() {
        for n in [0, 7, 10, 429, 65_535, 2_147_483_647, u64::MAX] {
            let mut out = String::new();
            push_decimal(&mut out, n);
            assert_eq!(out, n.to_string());
        }
    }
}
