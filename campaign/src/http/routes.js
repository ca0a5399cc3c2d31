// The HTTP API as a table: a method and a path pattern → a handler. `:id` is a campaign id.
// Every route but the dashboard page needs `Authorization: Bearer <CAMPAIGN_SECRET>`.
import { dashboard } from "../dashboard.js";
import { resultsCsv } from "../csv.js";
import { campaignStub, senderStub, teamStub } from "../stubs.js";
import { create, ID } from "./create.js";
import { webhook } from "./webhook.js";
import { badField, json, methodNotAllowed, misconfigured, noCampaign, notFound, unauthenticated } from "./respond.js";

const RESULT_STATES = ["sent", "replied", "skipped", "failed", "unconfirmed", "queued", "sending", "cancelled"];

/** `{ method, path, handler(request, env, { id, url }), public? }`, in the order they are tried. */
const ROUTES = [
  { method: "POST", path: "/campaigns", handler: create },
  { method: "GET", path: "/campaigns/:id", handler: status },
  { method: "GET", path: "/campaigns/:id/results", handler: results },
  { method: "GET", path: "/campaigns/:id/results.csv", handler: csv },
  ...["pause", "resume", "cancel"].map((action) => ({ method: "POST", path: `/campaigns/:id/${action}`, handler: steer(action) })),
  { method: "GET", path: "/campaigns/:id/view", handler: view, public: true },
  // Signed by Inbox (verified in the handler), not by the campaign's secret.
  { method: "POST", path: "/webhooks/inbox", handler: webhook, public: true },
].map((route) => ({ ...route, pattern: compile(route.path) }));

/** Answers a request: 404 for an unknown path, 401 without the secret, 405 for a wrong method. */
export async function route(request, env) {
  const url = new URL(request.url);
  const matches = [];
  for (const candidate of ROUTES) {
    const found = candidate.pattern.exec(url.pathname);
    if (found) matches.push({ route: candidate, id: found.groups?.id });
  }
  if (matches.length === 0) return notFound();
  if (matches.some(({ route }) => !route.public)) {
    if (!env.CAMPAIGN_SECRET) return misconfigured("the CAMPAIGN_SECRET secret is not set, so no caller can be authenticated.");
    if (!(await authenticated(request, env.CAMPAIGN_SECRET))) return unauthenticated();
  }
  const match = matches.find(({ route }) => route.method === request.method);
  if (!match) return methodNotAllowed(matches.map(({ route }) => route.method).join(", "));
  return match.route.handler(request, env, { id: match.id, url });
}

/** `/campaigns/:id/results` → a regular expression with a named group for the id. */
function compile(path) {
  const source = path.replace(/[.]/g, "\\.").replace(":id", `(?<id>${ID.source.slice(1, -1)})`);
  return new RegExp(`^${source}$`);
}

async function status(_request, env, { id }) {
  const answer = await campaignStub(env, id).status();
  return answer ? json(200, answer) : noCampaign(id);
}

async function results(_request, env, { id, url }) {
  const state = url.searchParams.get("state");
  if (state !== null && !RESULT_STATES.includes(state)) return badField("state", "state must be sent, replied, skipped, failed, unconfirmed, queued, sending or cancelled.");
  const cursorText = url.searchParams.get("cursor");
  const cursor = cursorText === null ? -1 : Number(cursorText);
  if (!Number.isInteger(cursor) || cursor < -1) return badField("cursor", "cursor must be a value from an earlier answer.");
  const limit = Math.min(1000, Math.max(1, Number(url.searchParams.get("limit") ?? 100) || 100));
  const kind = url.searchParams.get("kind");
  const campaign = campaignStub(env, id);
  if ((await campaign.control()) === null) return noCampaign(id);
  return json(200, { id, state, kind, ...(await campaign.results(state, cursor, limit, kind)) });
}

async function csv(_request, env, { id }) {
  const campaign = campaignStub(env, id);
  if ((await campaign.control()) === null) return noCampaign(id);
  const stream = resultsCsv((cursor, limit) => campaign.results(null, cursor, limit));
  return new Response(stream, {
    headers: {
      "content-type": "text/csv; charset=utf-8; header=present",
      "content-disposition": `attachment; filename="campaign-${id}.csv"`,
      "cache-control": "no-store",
    },
  });
}

/** pause, resume or cancel: the campaign's flag, then every sender holding its DMs. */
function steer(action) {
  return async (_request, env, { id }) => {
    const campaign = campaignStub(env, id);
    const changed = await campaign.setStatus(action);
    if (!changed) return noCampaign(id);
    // A resume also probes a held team at once (each held sender probes when its ledger hears it).
    if (action === "resume") await teamStub(env).resume();
    await Promise.all(changed.senders.map((sender) => senderStub(env, sender).setCampaignStatus(sender, id, changed.status)));
    return json(200, await campaign.status());
  };
}

/** The page carries no data and is public; it reads the API with the secret the user gives. */
function view(_request, _env, { id }) {
  return new Response(dashboard(id), {
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "x-frame-options": "DENY",
      "content-security-policy": "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'",
    },
  });
}

/** Compares the bearer secret in constant time: SHA-256 both sides, then timingSafeEqual. */
async function authenticated(request, secret) {
  const match = /^Bearer +(\S+) *$/i.exec(request.headers.get("authorization") ?? "");
  if (!match) return false;
  const encoder = new TextEncoder();
  const [given, expected] = await Promise.all(
    [match[1], secret].map((value) => crypto.subtle.digest("SHA-256", encoder.encode(value))),
  );
  return crypto.subtle.timingSafeEqual(given, expected);
}
