// Building the InboxError a JavaScript caller receives (src/js/error.rs decides its fields).

/**
 * A real `Error` named "InboxError" with `kind` and every detail that is not `undefined` as
 * its own properties (the runtime's own error, when there was one, as `cause`).
 */
export function inboxError(message, kind, field, rule, status, apiCode, requestId, retryAfterMs, maybeSent, attempts, body, idempotencyKey, messageId, rateLimit, cause) {
  const error = new Error(message);
  const details = { name: "InboxError", kind, field, rule, status, apiCode, requestId, retryAfterMs, maybeSent, attempts, body, idempotencyKey, messageId, rateLimit, cause };
  for (const key in details) if (details[key] !== undefined) error[key] = details[key];
  return error;
}

/** What `client.validate` finds wrong with a request: `{ field, rule, message }` of the error a send would reject with. */
export function problem({ field, rule, message }) {
  return { field, rule, message };
}
