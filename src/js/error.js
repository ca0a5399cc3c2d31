// Making the InboxError a JavaScript caller receives (src/js/error.rs sets its properties by
// name).

/** A real `Error` named "InboxError" with this message. */
export function inboxError(message) {
  const error = new Error(message);
  error.name = "InboxError";
  return error;
}

/** What `client.validate` finds wrong with a request: `{ field, rule, message }` of the error a send would reject with. */
export function problem({ field, rule, message }) {
  return { field, rule, message };
}
