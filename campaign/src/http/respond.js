// The answers the HTTP API gives: JSON bodies, and errors as { error: { kind, message, … } }.

/** A JSON answer that no cache keeps. */
export function json(status, body, headers = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

/** An error answer: `{ error }` with its status. */
export const failure = (status, error, headers = {}) => json(status, { error }, headers);

/** 400 with every problem found, so a caller fixes them all in one go. */
export const invalid = (problems) =>
  json(400, {
    error: {
      kind: "invalid_request",
      message: `${problems.length} problem(s); nothing was queued. Fix every one and send the call again.`,
      problems,
    },
  });

/** 400 for one bad part of a request (a query parameter, the body as a whole). */
export const badField = (field, message) => failure(400, { kind: "invalid_request", field, message });

export const notFound = () => failure(404, { kind: "not_found", message: "No such endpoint: see README.md (POST /campaigns, GET /campaigns/{id}, …)." });
export const noCampaign = (id) => failure(404, { kind: "not_found", message: `No campaign ${id}.` });
export const methodNotAllowed = (allow) => failure(405, { kind: "method_not_allowed", message: `Use ${allow}.` }, { allow });
export const misconfigured = (detail) => failure(500, { kind: "misconfigured", message: `This Worker is misconfigured: ${detail}` });
export const unauthenticated = () =>
  failure(
    401,
    { kind: "unauthenticated", message: "Missing or wrong credentials: send Authorization: Bearer <CAMPAIGN_SECRET>." },
    { "www-authenticate": 'Bearer realm="inbox-campaigns"' },
  );
