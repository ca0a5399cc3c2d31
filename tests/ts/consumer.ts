// A TypeScript application using the package, type-checked with `tsc --strict` against the
// generated pkg/inbox_sender.d.ts. Each @ts-expect-error line must stay an error.
import init, {
  InboxClient,
  type GetOptions,
  type GetResult,
  type InboxError,
  type InboxErrorKind,
  type InboxErrorScope,
  type RateLimit,
  type SendMessageRequest,
  type SendMessageResponse,
  type SendRequest,
  type SendResult,
  type Message,
  type Meta,
  type RequestProblem,
  type Target,
} from "inbox-sender";
import { verifyWebhook, type WebhookEvent } from "inbox-sender/webhook";

export async function sendOne(token: string): Promise<string> {
  await init();
  const client = new InboxClient({ token, baseUrl: "http://127.0.0.1:8787", timeoutMs: 5000 });
  const request: SendMessageRequest = {
    accountLinkId: "acct1sales",
    content: "Hello!",
    externalPlatformId: "1566123362161725440",
  };
  const byExternalId: SendMessageRequest = { accountLinkId: "a1", content: "Hi", externalId: "p1" };
  const controller = new AbortController();
  const result: SendMessageResponse = await client.sendMessage(request, { signal: controller.signal });
  await client.sendMessage(byExternalId);
  const handle: string | null | undefined = result.thread.prospect?.handle;
  const followers: number | null | undefined = result.thread.prospect?.followerCount;
  const limits: RateLimit | undefined = client.rateLimit;
  void [handle, followers, limits?.resetAt];
  // Unknown enum values are allowed and still autocomplete the known ones.
  const platform: typeof result.message.platform = "mastodon";
  void platform;
  return result.message.id + result.thread.id + result.message.content;
}

export function explain(error: InboxError): string {
  const kind: InboxErrorKind = error.kind;
  const wait: number | undefined = error.retryAfterMs;
  return `${kind} ${error.status ?? ""} ${error.maybeSent} ${error.attempts} ${wait ?? ""} ${error.field ?? ""}`;
}

// @ts-expect-error a request without a recipient does not compile
export const noRecipient: SendMessageRequest = { accountLinkId: "a1", content: "Hi" };

// @ts-expect-error a misspelled field does not compile
export const misspelled: SendMessageRequest = { accountLinkId: "a1", content: "Hi", externalId: "p1", externalPlatformID: "1" };

// @ts-expect-error content must be a string
export const numeric: SendMessageRequest = { accountLinkId: "a1", content: 5, externalId: "p1" };

// @ts-expect-error the token is required
export const noToken = () => new InboxClient({ baseUrl: "https://inboxapp.com" });

// @ts-expect-error a misspelled option does not compile
export const badOption = () => new InboxClient({ token: "t", timeoutMS: 5 });

/** What a queue sets aside after a failure, from the error's facts alone. */
export function setAside(error: InboxError): InboxErrorScope | "nothing" {
  const scope: InboxErrorScope = error.scope;
  const retryable: boolean = error.retryable;
  return retryable ? "nothing" : scope;
}

export const badScope = (error: InboxError) => {
  // @ts-expect-error scopes are a closed set of strings
  const scope: InboxErrorScope = "world";
  return scope === error.scope;
};

export const badKind = (error: InboxError) => {
  // @ts-expect-error kinds are a closed set of strings
  const kind: InboxErrorKind = "teapot";
  return kind === error.kind;
};

// ---- v2 send, findSent, pace ----

export async function exactlyOnce(client: InboxClient): Promise<string> {
  const paced = new InboxClient({ token: "t", pace: false, maxRetryDelayMs: 1000 });
  void paced;
  const target: Target = { type: "profile", accountLinkId: "acct1sales", platform: "twitter", platformId: "1566123362161725440" };
  const request: SendRequest = { target, content: "Hi", replyToMessageId: "m1" };
  const sent: SendResult = await client.send(request, { idempotencyKey: "order-42", timeoutMs: 5000 });
  const replayed: boolean = sent.replayed;
  await client.send({ target: { type: "thread", threadId: "t1" }, content: "In the thread" });
  await client.send({ target: { type: "contact", accountLinkId: "a1", contactId: "c1" }, content: "To a contact" });
  const since = Date.now();
  const found: Message | null = await client.findSent(
    { accountLinkId: "acct1sales", content: "Hi", externalPlatformId: "1566123362161725440" },
    { since, signal: AbortSignal.timeout(10_000) },
  );
  return `${replayed} ${sent.message.id} ${sent.thread.id} ${found?.id ?? "not found"}`;
}

export function keyOf(error: InboxError): string | undefined {
  return error.idempotencyKey ?? error.messageId;
}

// @ts-expect-error a profile target needs its platformId
export const noPlatformId: Target = { type: "profile", accountLinkId: "a1", platform: "twitter" };

// @ts-expect-error a thread target takes no accountLinkId
export const threadWithAccount: Target = { type: "thread", threadId: "t1", accountLinkId: "a1" };

// @ts-expect-error an unknown target type does not compile
export const unknownType: Target = { type: "dm", threadId: "t1" };

// @ts-expect-error findSent needs since
export const noSince = (client: InboxClient) => client.findSent({ accountLinkId: "a1", content: "Hi", externalId: "p1" }, {});

// @ts-expect-error pace is a boolean
export const paceString = () => new InboxClient({ token: "t", pace: "yes" });

// @ts-expect-error sendMessage (v1) takes no idempotency key
export const v1Key = (client: InboxClient) => client.sendMessage({ accountLinkId: "a1", content: "Hi", externalId: "p1" }, { idempotencyKey: "k" });

// ---- what each call reports, checks and uses (SPEC 12) ----

export async function facts(token: string): Promise<string> {
  const traced = new InboxClient({ token, fetch: (url, init) => fetch(url, init) });
  const bound = new InboxClient({ token, fetch: globalThis.fetch.bind(globalThis) });
  void bound;
  const result = await traced.sendMessage({ accountLinkId: "a1", content: "Hi", externalId: "p1" });
  const meta: Meta = result.meta;
  const status: number = meta.status;
  const attempts: number = meta.attempts;
  const requestId: string | undefined = meta.requestId;
  const remaining: number | undefined = meta.rateLimit?.remaining;
  const sent = await traced.send({ target: { type: "thread", threadId: "t1" }, content: "Hi" });
  const v2: Meta = sent.meta;
  const problem: RequestProblem | null = traced.validate({ accountLinkId: "a1", content: "", externalId: "p1" });
  const v2Problem: RequestProblem | null = traced.validate({ target: { type: "thread", threadId: "t1" }, content: "" });
  return `${status} ${attempts} ${requestId} ${remaining} ${v2.status} ${problem?.field} ${problem?.rule} ${problem?.message} ${v2Problem?.field}`;
}

export function budgetOf(error: InboxError): number | undefined {
  const budget: RateLimit | undefined = error.rateLimit;
  return budget?.resetAt;
}

// @ts-expect-error the fetch option is a function
export const notAFetch = new InboxClient({ token: "t", fetch: "https://proxy" });

// @ts-expect-error validate takes a request
export const validateNothing = (client: InboxClient) => client.validate(42);

// ---- get: any read, typed by the caller ----
interface ContactPage {
  data: { id: string }[];
}

export async function contacts(client: InboxClient, ids: string[]): Promise<string[]> {
  const options: GetOptions = { query: { platform: "twitter", platformId: ids, limit: 100 } };
  const page: GetResult<ContactPage> = await client.get<ContactPage>("/api/v2/contacts", options);
  const untyped: unknown = (await client.get("/api/v2/threads")).data;
  const status: number = page.meta.status;
  return [...page.data.data.map((contact) => contact.id), `${status}`, `${untyped}`];
}

// @ts-expect-error a query value is a string, number or boolean (or an array of them)
export const nestedQuery = (client: InboxClient) => client.get("/api/v2/contacts", { query: { platform: { x: 1 } } });

// ---- inbox-sender/webhook ----
export async function received(body: ArrayBuffer, header: string | null, secret: string): Promise<string> {
  try {
    const event: WebhookEvent = await verifyWebhook(body, header, secret, { toleranceSeconds: 60 });
    const thread: unknown = event.data.threadId;
    return `${event.seq} ${event.type} ${event.object.url} ${thread}`;
  } catch (error) {
    const failed = error as InboxError;
    const check: "missing" | "malformed" | "stale" | "mismatch" | undefined = failed.check;
    return `${failed.kind} ${check}`;
  }
}

// @ts-expect-error the payload is the raw body, not a parsed object
export const parsedBody = (secret: string) => verifyWebhook({ id: "evt" }, null, secret);
