// Loads the campaign Worker into workerd (Miniflare: real Queues, real SQLite Durable Objects)
// with the queue and Durable Object settings of wrangler.toml, pointed at a local emulator.
import { randomUUID } from "node:crypto";
import { Miniflare } from "miniflare";
import { unstable_readConfig } from "wrangler";

export { startEmulator } from "../../tests/js/helpers.mjs";

const campaign = new URL("../", import.meta.url).pathname;
const root = new URL("../../", import.meta.url).pathname;
export const config = unstable_readConfig({ config: `${campaign}wrangler.toml` });

export const TOKEN = `tok_${randomUUID()}`;
export const SECRET = `campaign_${randomUUID()}`;

/**
 * A Worker of `test/workers/` (`script`, its file name) in workerd with one SQLite Durable Object
 * class `className` bound as `binding`, the campaign's modules importable. Dispose of it in `finally`.
 */
export const objectWorker = (script, binding, className) =>
  new Miniflare({
    modules: true, host: "127.0.0.1", port: 0,
    scriptPath: `${campaign}test/workers/${script}`, modulesRoot: campaign,
    modulesRules: [{ type: "ESModule", include: ["**/*.js"] }],
    compatibilityDate: "2025-04-01",
    durableObjects: { [binding]: { className, useSQLite: true } },
  });

/** wrangler.toml's consumer settings, in Miniflare's words (max_concurrency: Miniflare has none). */
function consumers() {
  return Object.fromEntries(
    config.queues.consumers.map((c) => [
      c.queue,
      {
        maxBatchSize: c.max_batch_size,
        maxBatchTimeout: c.max_batch_timeout,
        maxRetries: c.max_retries,
        retryDelay: c.retry_delay,
        ...(c.dead_letter_queue ? { deadLetterQueue: c.dead_letter_queue } : {}),
      },
    ]),
  );
}

/**
 * workerd fails to start ("The Workers runtime failed to start") when the machine is overloaded
 * or pkg/ is being rebuilt by another process at that moment (its glue and wasm briefly out of
 * step): not the Worker's fault, so a start is tried up to three times, a few seconds apart.
 */
async function started(options) {
  for (let attempt = 1; ; attempt += 1) {
    const mf = new Miniflare(options);
    try {
      await mf.ready;
      return mf;
    } catch (error) {
      await mf.dispose().catch(() => {});
      if (attempt === 3) throw error;
      await new Promise((r) => setTimeout(r, 3_000 * attempt));
    }
  }
}

/** Starts the Worker with wrangler.toml's vars, overridden by `vars`. */
export async function startWorker(vars = {}) {
  const bindings = { ...config.vars, INBOX_API_TOKEN: TOKEN, CAMPAIGN_SECRET: SECRET, ...vars };
  const options = {
    modules: true,
    host: "127.0.0.1",
    port: 0,
    scriptPath: `${campaign}src/worker.js`,
    modulesRoot: root,
    modulesRules: [
      { type: "ESModule", include: ["**/*.js"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: config.compatibility_date,
    cf: false,
    bindings: Object.fromEntries(Object.entries(bindings).filter(([, v]) => v !== undefined)),
    queueProducers: Object.fromEntries(config.queues.producers.map((p) => [p.binding, { queueName: p.queue }])),
    queueConsumers: consumers(),
    durableObjects: Object.fromEntries(
      config.durable_objects.bindings.map((b) => [b.name, { className: b.class_name, useSQLite: true }]),
    ),
  };
  const mf = await started(options);
  const call = async (path, { method = "GET", body, secret = SECRET, headers = {}, ...init } = {}) => {
    const response = await mf.dispatchFetch(`http://campaign.test${path}`, {
      method,
      headers: { ...(secret === null ? {} : { authorization: `Bearer ${secret}` }), ...headers },
      body: body === undefined || typeof body === "string" || body instanceof Uint8Array || body instanceof ReadableStream ? body : JSON.stringify(body),
      ...init,
    });
    const text = await response.text();
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  };
  return { mf, call, url: async () => (await mf.ready).href };
}

/** Polls `check` every `everyMs` until it returns a truthy value (which it returns) or time runs out. */
export async function until(check, { timeoutMs = 60_000, everyMs = 200, what = "condition" } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const ACCOUNTS = ["acct1sales", "acct2founder"];
export const PROSPECTS = ["1566123362161725440", "1420000000000000042", "987654321012345678"];
