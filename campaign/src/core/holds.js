// Holds: a failure about the sender or the team (not about one DM) stops what it is about until
// a probe succeeds. One probe goes every `probeMs`; a resume probes at once. A hold never ends a
// DM: the DM that met it waits with the others.

/**
 * What fixes a hold, in the operator's words, from the failure's facts.
 * @param {import("./states.js").Failure} f
 * @param {string} [sender] the account link, named in the fix
 */
export function fixFor(f, sender = "the sender") {
  if (f.scope === "team") {
    if (f.kind === "unauthorized") return "The Inbox API refused INBOX_API_TOKEN: put a valid token (wrangler secret put INBOX_API_TOKEN), then resume.";
    return "The Inbox API refused the team (plan or workspace): fix it in Inbox, then resume.";
  }
  if (f.apiCode === "accountLinkDisconnected") {
    return f.status === "paused"
      ? `The X account of ${sender} is paused in Inbox: resume it there (it may resume by itself).`
      : `The X account of ${sender} is disconnected: reconnect it in Inbox, then resume.`;
  }
  return `Inbox does not let this token send from ${sender}: check the account link in Inbox, then resume.`;
}

/**
 * A hold begins (or an existing one is kept, with the latest facts): the next probe in `probeMs`.
 * @param {import("./states.js").Hold | null} hold
 * @param {number} now
 * @param {import("./states.js").Failure} f
 * @param {number} probeMs
 * @param {string} [sender]
 * @returns {import("./states.js").Hold}
 */
export function beginHold(hold, now, f, probeMs, sender) {
  return {
    scope: f.scope === "team" ? "team" : "sender",
    ...(sender !== undefined && f.scope !== "team" ? { accountLinkId: sender } : {}),
    kind: f.kind,
    apiCode: f.apiCode ?? null,
    message: f.message ?? "",
    fix: fixFor(f, sender),
    since: hold?.since ?? now,
    nextProbeAt: now + probeMs,
    probe: null,
    probes: hold?.probes ?? 0,
  };
}

/** Whether a probe may go now (its time came and none is out). */
export const probeDue = (hold, now) => hold.probe === null && now >= hold.nextProbeAt;

/** The probe `id` (a lease or a DM key) left. */
export const probeSent = (hold, id) => ({ ...hold, probe: id, probes: hold.probes + 1 });

/** The probe ended without lifting the hold: the next in `probeMs` (at once when it got no answer). */
export const probeFailed = (hold, now, probeMs, answered = true) => ({ ...hold, probe: null, nextProbeAt: answered ? now + probeMs : now });

/** A resume: probe at once. */
export const resumeHold = (hold, now) => (hold ? { ...hold, nextProbeAt: Math.min(hold.nextProbeAt, now) } : hold);

/** The hold as `GET /campaigns/{id}` shows it. */
export const holdView = ({ scope, accountLinkId, kind, apiCode, message, fix, since, nextProbeAt }) => ({
  scope, ...(accountLinkId ? { accountLinkId } : {}), kind, apiCode, message, fix, since, nextProbeAt,
});
