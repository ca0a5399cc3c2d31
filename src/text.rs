//! Substring search without `core::str::pattern`'s two-way searcher, whose panicking paths link
//! `Debug` formatting and Unicode tables into the wasm (about 8 KB). The inputs are short.

/// The byte offset of the first `needle` in `haystack`.
pub(crate) fn find(haystack: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|window| window == needle.as_bytes())
}

/// `haystack` with every `needle` replaced by `with`. UTF-8 matches of a UTF-8 needle always
/// start and end on character boundaries, so the result is valid text.
pub(crate) fn replace_all(haystack: &str, needle: &str, with: &str) -> String {
    let mut out = String::with_capacity(haystack.len());
    let mut rest = haystack;
    while let Some(at) = find(rest, needle).filter(|_| !needle.is_empty()) {
        out.push_str(rest.get(..at).unwrap_or_default());
        out.push_str(with);
        rest = rest.get(at + needle.len()..).unwrap_or_default();
    }
    out.push_str(rest);
    out
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
    fn finds_and_replaces_like_std() {
        for (hay, needle) in [
            ("token abc token", "token"),
            ("ééx€", "x"),
            ("aaaa", "aa"),
            ("nothing here", "zz"),
            ("", "a"),
            ("😀tok😀", "tok"),
        ] {
            assert_eq!(find(hay, needle), hay.find(needle), "{hay:?} {needle:?}");
            assert_eq!(replace_all(hay, needle, "***"), hay.replace(needle, "***"));
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
