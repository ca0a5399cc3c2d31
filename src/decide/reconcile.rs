//! Did an uncertain v1 send land? Reading a thread's messages newest first, page by page: the
//! newest message with exactly the request's content, not written by the prospect, at or
//! after the time the send started (less a clock-skew allowance).
//!
//! A page may say the thread is still syncing (`isSyncing`: "additional messages may become
//! available shortly"): nothing found there is not an answer, since the caller would send the DM
//! again. The thread is read again after a wait, and if it never settles the caller is told so
//! ([`when_absent`]).
//!
//! "Not written by the prospect" is the only author rule the vendor's contract allows: it
//! documents `authorId` as "the `accountLinkId` or the `externalId` of the thread", in the form
//! of "a cuid2 or a legacy external ID", so the sender's own messages may carry the account
//! link id, its X user id or an id never seen before. A rule that wanted the account link id
//! would miss a DM that landed, and the caller would send it twice.

use crate::decide::error::{Details, Error, ErrorKind};
use crate::decide::retry::{self, Limits};
use alloc::{string::String, vec::Vec};

/// How far the server's clock may be behind the caller's: messages this much older than the
/// send's start still count. 2 minutes.
pub(crate) const SKEW_MS: f64 = 120_000.0;

/// One page of `GET /api/v1/threads/{id}/messages`, as far as reconciling needs it.
#[derive(Debug, Default)]
pub(crate) struct Page {
    /// The messages, newest first.
    pub(crate) messages: Vec<Entry>,
    /// The cursor of the next (older) page.
    pub(crate) next_cursor: Option<Cursor>,
    /// `isSyncing`: more messages may appear shortly.
    pub(crate) syncing: bool,
}

/// Where the next page starts: v1's `nextCursor` object, sent back as `cursorId` and
/// `cursorTimestamp` (the API wants both).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Cursor {
    /// The id of the message the next page starts after.
    pub(crate) id: String,
    /// That message's time (ISO 8601).
    pub(crate) timestamp: String,
}

/// A message on a page: only what identifies it and its author.
#[derive(Debug)]
pub(crate) struct Entry {
    /// Its text.
    pub(crate) content: Option<String>,
    /// Its author's id: the account link's, the prospect's, in any form the API uses.
    pub(crate) author_id: Option<String>,
    /// When it was created (ISO 8601).
    pub(crate) created_at: Option<String>,
}

/// What one page says.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Scan {
    /// The message at this index is the DM.
    Found(usize),
    /// Not on this page; read the page at its `next_cursor`.
    Next,
    /// Not there: the rest is older than the bound, or there is no more.
    Absent,
}

/// Scans one page for the DM `content` created at or after `bound_ms` (Unix ms; the send's
/// start less [`SKEW_MS`]) by anyone but the prospect: `prospect` says whether an author id is
/// one of theirs (the request's recipient ids, the thread's prospect ids). `date_ms` reads an
/// ISO 8601 time.
pub(crate) fn scan(
    page: &Page,
    content: &str,
    prospect: impl Fn(&str) -> bool,
    bound_ms: f64,
    date_ms: impl Fn(&str) -> Option<f64>,
) -> Scan {
    for (index, entry) in page.messages.iter().enumerate() {
        let at = entry.created_at.as_deref().and_then(&date_ms);
        if at.is_some_and(|at| at < bound_ms) {
            // Newest first: everything after this is older still.
            return Scan::Absent;
        }
        // Byte for byte, and never one the prospect wrote (a message without an author id is
        // not the prospect's by any id we know).
        let theirs = entry.author_id.as_deref().is_some_and(&prospect);
        if !theirs && entry.content.as_deref() == Some(content) {
            return Scan::Found(index);
        }
    }
    match &page.next_cursor {
        Some(_) if !page.messages.is_empty() => Scan::Next,
        _ => Scan::Absent,
    }
}

/// What a search that found nothing on a page answers.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Absent {
    /// Not there: `null` (the page was not syncing).
    Null,
    /// The thread is syncing: read it again from its newest page after this many milliseconds.
    Again(u32),
    /// Still syncing after every read allowed: the caller's error.
    Unsettled(Error),
}

/// After a scan found nothing on a page that was `syncing` or not, with `rereads` of the thread
/// made so far: `null` only from a settled page; while syncing, another read after a backoff,
/// at most `max_retries` of them. `random` is in `[0, 1)`.
pub(crate) fn when_absent(syncing: bool, rereads: u32, limits: Limits, random: f64) -> Absent {
    if !syncing {
        return Absent::Null;
    }
    if rereads < limits.max_retries {
        return Absent::Again(retry::pause(rereads + 1, limits, random));
    }
    Absent::Unsettled(Error::failed(ErrorKind::Unsettled, Details::default()))
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

    fn by(content: &str, author: Option<&str>, at_s: u32) -> Entry {
        Entry {
            content: Some(content.to_owned()),
            author_id: author.map(str::to_owned),
            created_at: Some(format!("t{at_s}")),
        }
    }

    fn entry(content: &str, author: &str, at_s: u32) -> Entry {
        by(content, Some(author), at_s)
    }

    fn cursor(id: &str) -> Cursor {
        Cursor {
            id: id.to_owned(),
            timestamp: "2026-01-01T00:00:00.000Z".to_owned(),
        }
    }

    fn page(messages: Vec<Entry>, next: Option<&str>) -> Page {
        Page {
            messages,
            next_cursor: next.map(cursor),
            syncing: false,
        }
    }

    #[test]
    fn nothing_found_is_null_only_from_a_page_that_was_not_syncing() {
        let limits = Limits {
            max_retries: 2,
            max_delay_ms: 60_000,
        };
        // (syncing, rereads so far) → answer
        let table = [
            (false, 0, "null"),
            (false, 2, "null"),
            (true, 0, "again 500"),
            (true, 1, "again 1000"),
            (true, 2, "unsettled"),
        ];
        for (syncing, rereads, want) in table {
            let got = match when_absent(syncing, rereads, limits, 0.0) {
                Absent::Null => "null".to_owned(),
                Absent::Again(ms) => format!("again {ms}"),
                Absent::Unsettled(e) => {
                    assert_eq!(e.kind(), ErrorKind::Unsettled);
                    assert!(!e.maybe_sent());
                    let text = e.message();
                    assert!(text.contains("still syncing"), "{text}");
                    assert!(text.contains("ask again later"), "{text}");
                    "unsettled".to_owned()
                }
            };
            assert_eq!(got, want, "{syncing} {rereads}");
        }
        let short = Limits {
            max_retries: 1,
            max_delay_ms: 200,
        };
        assert_eq!(when_absent(true, 0, short, 0.0), Absent::Again(200));
    }

    const BOUND: f64 = 1_000_000.0; // t1000
    /// The prospect's ids: the request's platform id, the thread's prospect external id.
    const PROSPECT: &[&str] = &["1566123362161725440", "p1maya"];

    fn theirs(author: &str) -> bool {
        PROSPECT.contains(&author)
    }

    #[test]
    fn the_sender_counts_in_every_form_of_author_id() {
        // The vendor: "the accountLinkId or the externalId of the thread", "a cuid2 or a
        // legacy external ID". The sender's own message in each form the API may use.
        for author in [
            Some("acct1sales"),                // the account link id
            Some("1690000000000000001"),       // the account's X user id
            Some("ckz9w3m0x0001qv7h2a8d5j6e"), // an unknown cuid2
            Some(""),                          // empty
            None,                              // missing
        ] {
            let p = page(vec![by("hello", author, 1_100)], None);
            assert_eq!(
                scan(&p, "hello", theirs, BOUND, date_ms),
                Scan::Found(0),
                "{author:?}"
            );
        }
    }

    #[test]
    fn the_prospect_never_counts_by_any_of_their_ids() {
        for author in PROSPECT {
            let p = page(vec![entry("hello", author, 1_100)], None);
            assert_eq!(
                scan(&p, "hello", theirs, BOUND, date_ms),
                Scan::Absent,
                "{author}"
            );
        }
    }

    #[test]
    fn the_newest_matching_message_not_from_the_prospect_is_found() {
        let p = page(
            vec![
                entry("hello", "p1maya", 1_300),      // the prospect's, same words
                entry("hello!", "acct1sales", 1_200), // not byte for byte
                entry("hello", "1690000000000000001", 1_100), // this one
                entry("hello", "acct1sales", 1_050),  // older duplicate
            ],
            Some("c2"),
        );
        assert_eq!(scan(&p, "hello", theirs, BOUND, date_ms), Scan::Found(2));
    }

    #[test]
    fn paging_stops_past_the_bound_and_at_the_end() {
        let older = page(
            vec![entry("x", "acct1", 1_500), entry("hello", "acct1", 999)],
            Some("c9"),
        );
        assert_eq!(scan(&older, "hello", theirs, BOUND, date_ms), Scan::Absent);
        let more = page(vec![entry("x", "acct1", 1_500)], Some("c2"));
        assert_eq!(scan(&more, "hello", theirs, BOUND, date_ms), Scan::Next);
        let last = page(vec![entry("x", "acct1", 1_500)], None);
        assert_eq!(scan(&last, "hello", theirs, BOUND, date_ms), Scan::Absent);
        assert_eq!(
            scan(&page(vec![], Some("c3")), "hello", theirs, BOUND, date_ms),
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
            scan(&p, "cafe\u{301}", theirs, BOUND, date_ms),
            Scan::Absent
        );
        assert_eq!(scan(&p, "hi", theirs, BOUND, date_ms), Scan::Absent);
        assert_eq!(
            scan(&p, "caf\u{e9}", theirs, BOUND, date_ms),
            Scan::Found(0)
        );
    }
}
