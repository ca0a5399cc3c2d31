// The one word that says where a campaign stands, derived from its counts and its control flag,
// so that the API and the dashboard can never say two contradictory things ("running · finished").

/**
 * "queued" (nothing has moved yet), "running", "paused", "cancelled" or "finished" (nothing left
 * open), from { status, queued, sending, sent, replied, skipped, failed, unconfirmed, cancelled }.
 */
export function campaignState(s) {
  const open = s.queued + s.sending;
  const ended = s.sent + (s.replied ?? 0) + (s.skipped ?? 0) + s.failed + s.unconfirmed + s.cancelled;
  if (s.status === "cancelled") return "cancelled";
  if (open === 0) return "finished";
  if (s.status === "paused") return "paused";
  if (ended === 0 && s.sending === 0) return "queued";
  return "running";
}
