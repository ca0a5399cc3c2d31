// POST /webhooks/inbox: Inbox's signed webhooks, taken when WEBHOOK_SECRET is set. The body is
// verified exactly as received with the package's verifyWebhook (the signature, and its time
// within the tolerance); a `message.received` event goes to the reply feed, which drops one it
// has already seen (by seq). A bad or stale signature is a 401 and changes nothing.
import { verifyWebhook } from "../../../pkg/webhook.js";
import { settings } from "../inbox.js";
import { feedStub } from "../stubs.js";
import { failure, json, misconfigured, notFound } from "./respond.js";

export async function webhook(request, env) {
  if (!env.WEBHOOK_SECRET) return notFound();
  let toleranceSeconds;
  try {
    toleranceSeconds = settings(env).webhookToleranceS;
  } catch (error) {
    return misconfigured(error.message);
  }
  const body = new Uint8Array(await request.arrayBuffer());
  let event;
  try {
    event = await verifyWebhook(body, request.headers.get("x-inbox-signature"), env.WEBHOOK_SECRET, { toleranceSeconds });
  } catch (error) {
    if (error?.kind === "invalid_signature") return failure(401, { kind: error.kind, check: error.check, message: error.message });
    if (error?.kind === "invalid_request" && error.field === "payload") return failure(400, { kind: error.kind, field: "body", message: error.message });
    return misconfigured(`WEBHOOK_SECRET cannot verify a webhook: ${error?.message ?? error}`);
  }
  const threadId = event?.data?.threadId;
  const at = Date.parse(event?.createdAt);
  if (event?.type !== "message.received" || typeof threadId !== "string" || !Number.isInteger(event.seq) || Number.isNaN(at)) {
    return json(200, { taken: false, reason: "not a reply this campaign reads (message.received with data.threadId)" });
  }
  const taken = await feedStub(env).webhook({ seq: event.seq, threadId, at });
  return json(200, { taken: taken > 0, seq: event.seq });
}
