// The campaign Worker: the HTTP API (http/routes.js) to create and steer campaigns and to take
// Inbox webhooks, a queue consumer that hands each DM to its sender's ledger, a dead-letter
// consumer, and the Durable Objects.
import { settings } from "./inbox.js";
import { route } from "./http/routes.js";
import { failure } from "./http/respond.js";
import { campaignStub, senderStub } from "./stubs.js";

export { Campaign } from "./campaign.js";
export { ReplyFeed } from "./feed.js";
export { SenderLedger } from "./sender.js";
export { TeamBudget } from "./team.js";

export default {
  async fetch(request, env) {
    try {
      return await route(request, env);
    } catch (error) {
      return failure(500, { kind: "internal", message: `Unexpected failure: ${error?.message ?? error}` });
    }
  },

  /** One queue message per DM: hand it to its sender's ledger, then ack it on its own. */
  async queue(batch, env) {
    if (batch.queue === (env.DEAD_LETTER_QUEUE_NAME || "campaign-dms-dead")) return deadLetters(batch, env);
    const bySender = new Map();
    for (const message of batch.messages) {
      const sender = message.body?.dm?.accountLinkId;
      if (typeof sender !== "string") {
        message.ack(); // not ours (no DM in it): nothing to deliver
        continue;
      }
      if (!bySender.has(sender)) bySender.set(sender, []);
      bySender.get(sender).push(message);
    }
    const handedOver = [];
    const faults = settings(env).testFaults;
    await Promise.all(
      [...bySender].map(async ([sender, messages]) => {
        try {
          // Test fault: this sender's ledger cannot be reached, so its messages are retried
          // until they exhaust their retries and reach the dead-letter queue.
          if (faults.handOffFailsFor?.includes(sender)) throw new Error("test fault: ledger unreachable");
          await senderStub(env, sender).accept(
            sender,
            messages.map(({ body }) => ({ campaign: body.c, idx: body.i, api: body.api, ifConversation: body.ifc, schedule: body.sched, dm: body.dm })),
          );
          handedOver.push(...messages);
        } catch (error) {
          console.error(`handing ${messages.length} DMs to ${sender} failed: ${error?.message ?? error}`);
          for (const message of messages) message.retry();
        }
      }),
    );
    if (faults.consumerThrowEvery && ++consumerBatches % faults.consumerThrowEvery === 0) {
      // Test fault: the consumer dies after the hand-off, before acking: the batch comes again.
      throw new Error("test fault: consumer died between hand-off and ack");
    }
    for (const message of handedOver) message.ack();
  },
};
let consumerBatches = 0;

/** Messages that exhausted their retries: try the ledger once more, else record them as failed. */
async function deadLetters(batch, env) {
  for (const message of batch.messages) {
    const { c, i, api, ifc, sched, dm } = message.body ?? {};
    if (typeof c !== "string" || typeof dm?.accountLinkId !== "string") {
      message.ack();
      continue;
    }
    try {
      if (settings(env).testFaults.deadLetterHandOffFailsFor === dm.accountLinkId) {
        throw new Error("test fault: ledger still unreachable");
      }
      await senderStub(env, dm.accountLinkId).accept(dm.accountLinkId, [{ campaign: c, idx: i, api, ifConversation: ifc, schedule: sched, dm }]);
    } catch (error) {
      await campaignStub(env, c).update([
        {
          idx: i,
          state: "failed",
          errorKind: "dead_letter",
          errorMessage: `Could not be handed to the ledger of ${dm.accountLinkId} after ${message.attempts} deliveries (${error?.message ?? error}); it was not sent.`,
        },
      ]);
    }
    message.ack();
  }
}
