// GET /campaigns/{id}/results.csv: one row per DM, RFC 4180 (CRLF line ends; a field holding a
// comma, a quote, CR or LF is quoted, its quotes doubled), streamed page by page from the
// campaign's ledger, so a campaign is never held in memory whole.

export const CSV_COLUMNS = [
  "index", "sender", "recipient", "state", "attempts", "error_kind", "error_message", "message_id", "thread_id", "updated_at",
  "steps_sent", "steps", "replied_at", "after_step",
];
const PAGE = 500;

/**
 * One RFC 4180 field (null and undefined are empty). Text that a spreadsheet would run as a
 * formula (it starts with =, +, -, @, a tab or CR: an error message the API wrote, say) gets a
 * leading `'`, which spreadsheets show as text; numbers are written as they are.
 */
export function csvField(value) {
  let text = value === null || value === undefined ? "" : String(value);
  if (typeof value !== "number" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CRLF-terminated record. */
export const csvRecord = (fields) => `${fields.map(csvField).join(",")}\r\n`;

/** A prospect's steps in one field: `<step>:<state>:<messageId>@<sentAt>` joined by `;` (messageId and time only for a step that left). */
const stepsText = (steps) => steps.map((st) => `${st.step}:${st.state}${st.sentAt === null ? "" : `:${st.messageId}@${st.sentAt}`}`).join(";");

/**
 * A stream of the CSV: the header, then every DM in index order, read with
 * `page(cursor, limit)` → { results, cursor } (the campaign's `results`) one page per pull.
 */
export function resultsCsv(page) {
  const encoder = new TextEncoder();
  let cursor = -1;
  return new ReadableStream({
    start(controller) {
      controller.enqueue(encoder.encode(csvRecord(CSV_COLUMNS)));
    },
    async pull(controller) {
      const { results, cursor: next } = await page(cursor, PAGE);
      const text = results
        .map((r) => csvRecord([
          r.index, r.accountLinkId, r.recipient, r.state, r.attempts, r.error?.kind, r.error?.message, r.messageId, r.threadId, r.updatedAt,
          r.steps.filter((st) => st.sentAt !== null).length, stepsText(r.steps), r.repliedAt, r.afterStep,
        ]))
        .join("");
      if (text) controller.enqueue(encoder.encode(text));
      if (next === null) controller.close();
      else cursor = Number(next);
    },
  });
}
