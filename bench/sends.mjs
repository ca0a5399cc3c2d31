// Runtime-neutral send loop, loaded as-is by Node, the Chromium page and the workerd worker.

/** The DM every contender sends: same headers, same body. */
export const REQUEST = {
  accountLinkId: "acct1sales",
  content: "Hi Maya — loved your post on pipeline reviews!",
  externalPlatformId: "1566123362161725440",
};
export const TOKEN = "dev-token";

/** The same DM as a v2 send (`client.send`): a profile target; a fresh key per call. */
export const V2_REQUEST = {
  target: { type: "profile", accountLinkId: REQUEST.accountLinkId, platform: "twitter", platformId: REQUEST.externalPlatformId },
  content: REQUEST.content,
};

/** The contenders of a runtime, each a `() => Promise<result>` sending REQUEST once. */
export function contenders({ InboxClient, sendWithFetch, sendWithFetchTimeout, sendWithKy, baseUrl }) {
  const client = new InboxClient({ token: TOKEN, baseUrl });
  const all = {
    fetch: () => sendWithFetch(baseUrl, TOKEN, REQUEST),
    InboxClient: () => client.sendMessage(REQUEST),
    "InboxClient.send": () => client.send(V2_REQUEST),
  };
  if (sendWithFetchTimeout) all["fetch+timeout"] = () => sendWithFetchTimeout(baseUrl, TOKEN, REQUEST);
  if (sendWithKy) all.ky = () => sendWithKy(baseUrl, TOKEN, REQUEST);
  return all;
}

/**
 * Sends `count` times with at most `inFlight` sends pending; resolves to the elapsed
 * milliseconds. Every result is checked, so a contender cannot win by failing fast.
 */
export async function batch(send, count, inFlight) {
  let started = 0;
  const lane = async () => {
    while (started < count) {
      started++;
      const { message, thread } = await send();
      if (typeof message?.id !== "string" || typeof thread?.id !== "string") {
        throw new Error("a send returned no message.id / thread.id");
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, lane));
  return performance.now() - t0;
}
