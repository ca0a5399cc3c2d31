//! Did an uncertain v1 send land? Reading a thread's messages newest first, page by page: the
//! newest message with exactly the request's content, written by the sending account link, at
//! or after the time the send started (less a clock-skew allowance).

/// How far the server's clock may be behind the caller's: messages this much older than the
/// send's start still count. 2 minutes.
pub(crate) const SKEW_MS: f64 = 120_000.0;

/// One page of `GET /api/v1/threads/{id}/messages`, as far as reconciling needs it.
#[derive(Debug, Default)]
pub(crate) struct Page {
    /// The messages, newest first.
    pub(crate) messages: Vec<Entry>,
    /// The cursor of the next (older) page.
    pub(crate) next_cursor: Option<String>,
}

/// A message on a page: only what identifies it and its author.
#[derive(Debug)]
pub(crate) struct Entry {
    /// Its text.
    pub(crate) content: Option<String>,
    /// The account link id, or the prospect's external id, of its author.
    pub(crate) author_id: Option<String>,
    /// When it was created (ISO 8601).
    pub(crate) created_at: Option<String>,
}

/// What one page says.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Scan {
    /// The message at this index is the DM.
    Found(usize),
    /// Not on this page; read the page at this cursor.
    Next(String),
    /// Not there: the rest is older than the bound, or there is no more.
    Absent,
}

/// Scans one page for the DM `content` sent from `account_link_id` at or after `bound_ms`
/// (Unix ms; the send's start less [`SKEW_MS`]). `date_ms` reads an ISO 8601 time.
pub(crate) fn scan(
    page: &Page,
    content: &str,
    account_link_id: &str,
    bound_ms: f64,
    date_ms: impl Fn(&str) -> Option<f64>,
) -> Scan {
    for (index, entry) in page.messages.iter().enumerate() {
        let at = entry.created_at.as_deref().and_then(&date_ms);
        if at.is_some_and(|at| at < bound_ms) {
            // Newest first: everything after this is older still.
            return Scan::Absent;
        }
        // Byte for byte, and never one the prospect wrote.
        let ours = entry.author_id.as_deref() == Some(account_link_id);
        if ours && entry.content.as_deref() == Some(content) {
            return Scan::Found(index);
        }
    }
    match &page.next_cursor {
        Some(cursor) if !page.messages.is_empty() => Scan::Next(cursor.clone()),
        _ => Scan::Absent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Seconds since the epoch written as "t<seconds>", read back in ms (a stand-in clock).
    fn date_ms(text: &str) -> Option<f64> {
        text.strip_prefix('t')?
            .parse::<f64>()
            .ok()
            .map(|s| s * 1000.0)
    }

    fn entry(content: &str, author: &str, at_s: u32) -> Entry {
        Entry {
            content: Some(content.to_owned()),
            author_id: Some(author.to_owned()),
            created_at: Some(format!("t{at_s}")),
        }
    }

    fn page(messages: Vec<Entry>, next: Option<&str>) -> Page {
        Page {
            messages,
            next_cursor: next.map(str::to_owned),
        }
    }

    const BOUND: f64 = 1_000_000.0; // t1000

    #[test]
    fn the_newest_matching_message_from_the_sender_is_found() {
        let p = page(
            vec![
                entry("hello", "p1maya", 1_300), // the prospect's, same words
                entry("hello!", "acct1", 1_200), // not byte for byte
                entry("hello", "acct1", 1_100),  // this one
                entry("hello", "acct1", 1_050),  // older duplicate
            ],
            Some("c2"),
        );
        assert_eq!(scan(&p, "hello", "acct1", BOUND, date_ms), Scan::Found(2));
    }

    #[test]
    fn paging_stops_past_the_bound_and_at_the_end() {
        let older = page(
            vec![entry("x", "acct1", 1_500), entry("hello", "acct1", 999)],
            Some("c9"),
        );
        assert_eq!(scan(&older, "hello", "acct1", BOUND, date_ms), Scan::Absent);
        let more = page(vec![entry("x", "acct1", 1_500)], Some("c2"));
        assert_eq!(
            scan(&more, "hello", "acct1", BOUND, date_ms),
            Scan::Next("c2".into())
        );
        let last = page(vec![entry("x", "acct1", 1_500)], None);
        assert_eq!(scan(&last, "hello", "acct1", BOUND, date_ms), Scan::Absent);
        assert_eq!(
            scan(&page(vec![], Some("c3")), "hello", "acct1", BOUND, date_ms),
            Scan::Absent
        );
    }

    #[test]
    fn content_is_compared_byte_for_byte() {
        // NFC and NFD "é", and trailing whitespace: different bytes, different DMs.
        let p = page(
            vec![
                entry("caf\u{e9}", "acct1", 1_100),
                entry("hi ", "acct1", 1_100),
            ],
            None,
        );
        assert_eq!(
            scan(&p, "cafe\u{301}", "acct1", BOUND, date_ms),
            Scan::Absent
        );
        assert_eq!(scan(&p, "hi", "acct1", BOUND, date_ms), Scan::Absent);
        assert_eq!(
            scan(&p, "caf\u{e9}", "acct1", BOUND, date_ms),
            Scan::Found(0)
        );
    }
}
