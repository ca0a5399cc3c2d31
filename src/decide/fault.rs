//! How one HTTP attempt ended, as the fetch loop observed it: the crate's only fault vocabulary.
//! The loop (`io/transport.js`) reports plain observations; [`Fault::observed`] names them.

/// How an attempt ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fault {
    /// No attempt started: the caller's signal had fired before one (or during a wait).
    Idle,
    /// A complete answer arrived: status, headers and the whole body.
    None,
    /// The caller's abort signal fired during the attempt.
    Aborted,
    /// The attempt's own timeout fired.
    TimedOut,
    /// The runtime refused to build the request (a header value or URL `fetch` cannot use):
    /// no byte left this machine.
    Refused,
    /// The connection failed; the request may have reached the server.
    Network,
}

impl Fault {
    /// Names what the fetch loop saw: whether an attempt started at all, whether its answer
    /// arrived complete, whether the caller's signal had fired, whether the attempt's timer had,
    /// and whether the runtime refused to build the request. The caller's abort wins over the
    /// timeout, which wins over the rest.
    pub(crate) fn observed(
        started: bool,
        complete: bool,
        aborted: bool,
        timed_out: bool,
        refused: bool,
    ) -> Fault {
        match (started, complete, aborted, timed_out, refused) {
            (false, ..) => Fault::Idle,
            (true, true, ..) => Fault::None,
            (true, false, true, ..) => Fault::Aborted,
            (true, false, false, true, _) => Fault::TimedOut,
            (true, false, false, false, true) => Fault::Refused,
            (true, false, false, false, false) => Fault::Network,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn observations_name_one_fault() {
        // (complete, aborted, timed out, refused) → fault, for an attempt that started
        let table = [
            ((true, false, false, false), Fault::None),
            ((true, true, true, true), Fault::None),
            ((false, true, false, false), Fault::Aborted),
            ((false, true, true, true), Fault::Aborted),
            ((false, false, true, false), Fault::TimedOut),
            ((false, false, true, true), Fault::TimedOut),
            ((false, false, false, true), Fault::Refused),
            ((false, false, false, false), Fault::Network),
        ];
        for ((complete, aborted, timed_out, refused), fault) in table {
            assert_eq!(
                Fault::observed(true, complete, aborted, timed_out, refused),
                fault,
                "{complete} {aborted} {timed_out} {refused}"
            );
            assert_eq!(
                Fault::observed(false, complete, aborted, timed_out, refused),
                Fault::Idle
            );
        }
    }
}
