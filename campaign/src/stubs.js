// The Durable Objects by name: one Campaign per campaign id, one SenderLedger per account link,
// one TeamBudget and one ReplyFeed for the token.

export const campaignStub = (env, id) => env.CAMPAIGN.get(env.CAMPAIGN.idFromName(id));
export const senderStub = (env, sender) => env.SENDER.get(env.SENDER.idFromName(sender));
export const teamStub = (env) => env.TEAM.get(env.TEAM.idFromName("team"));
export const feedStub = (env) => env.FEED.get(env.FEED.idFromName("team"));
