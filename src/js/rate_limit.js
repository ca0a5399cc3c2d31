// The `RateLimit` object a JavaScript caller reads from `client.rateLimit` and
// `InboxError.rateLimit` (src/js/mod.rs).

/** `{ limit, remaining, resetAt }` (resetAt in Unix milliseconds). */
export function rateLimit(limit, remaining, resetAt) {
  return { limit, remaining, resetAt };
}
