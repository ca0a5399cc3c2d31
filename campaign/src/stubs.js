// The Durable Objects by name: one Campaign per campaign id, one SenderLedger per account link.

export const campaignStub = (env, id) => env.CAMPAIGN.get(env.CAMPAIGN.idFromName(id));
export const senderStub = (env, sender) => env.SENDER.get(env.SENDER.idFromName(sender));
