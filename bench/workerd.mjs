// workerd via Miniflare (offline, cf: false): the module worker in worker.mjs importing the
// glue as an ES module and the wasm as CompiledWasm, like a Cloudflare Worker does.
import { readFileSync } from "node:fs";
import { Miniflare } from "miniflare";
import { bundle } from "./sizes.mjs";
import { compare, stats } from "./compare.mjs";

const here = new URL("./", import.meta.url);
const pkg = new URL("../pkg/", import.meta.url);
const GLUE_COPIES = 60;

/** Starts the worker; `serverUrl` is the bench server the sends go to. */
export async function startWorker(serverUrl) {
  const glue = readFileSync(new URL("inbox_sender.js", pkg), "utf8");
  const copies = Array.from({ length: GLUE_COPIES }, (_, i) => ({ type: "ESModule", path: `glue/${i}.js`, contents: glue }));
  const glues =
    copies.map((c, i) => `import * as g${i} from "./${c.path}";`).join("\n") +
    `\nexport default [${copies.map((_, i) => `g${i}`).join(", ")}];`;
  const source = (name) => readFileSync(new URL(name, here), "utf8");
  const mf = new Miniflare({
    modulesRoot: "/",
    modules: [
      { type: "ESModule", path: "worker.mjs", contents: source("worker.mjs") },
      { type: "ESModule", path: "inbox_sender.js", contents: glue },
      { type: "CompiledWasm", path: "inbox_sender_bg.wasm", contents: readFileSync(new URL("inbox_sender_bg.wasm", pkg)) },
      { type: "ESModule", path: "glues.mjs", contents: glues },
      ...copies,
      { type: "ESModule", path: "sends.mjs", contents: source("sends.mjs") },
      { type: "ESModule", path: "baselines/fetch.mjs", contents: source("baselines/fetch.mjs") },
      { type: "ESModule", path: "baselines/fetch-timeout.mjs", contents: source("baselines/fetch-timeout.mjs") },
      { type: "ESModule", path: "ky.mjs", contents: await bundle(new URL("baselines/ky.mjs", here).pathname, false) },
    ],
    compatibilityDate: "2025-09-01",
    bindings: { SERVER: serverUrl },
    cf: false,
  });
  await mf.ready;
  const get = async (path) => {
    const response = await mf.dispatchFetch(`http://worker${path}`);
    const text = await response.text();
    if (!response.ok) throw new Error(`worker ${path}: ${response.status} ${text.slice(0, 500)}`);
    return text;
  };
  return { get, dispose: () => mf.dispose() };
}

/** Per-send stats in workerd, timed inside the worker (its clock advances on every I/O). */
export function workerdSends(worker, names, options) {
  const runBatch = async (name, count, inFlight) =>
    JSON.parse(await worker.get(`/batch?contender=${encodeURIComponent(name)}&count=${count}&inFlight=${inFlight}`)).ms;
  return compare(runBatch, names, options);
}

/**
 * initSync from a CompiledWasm module in workerd, in ms per init: batches of 10 fresh glue
 * copies, each timed from Node minus the median time of a request that does nothing.
 * (From bytes is not possible: workerd forbids compiling wasm at run time.)
 */
export async function workerdStartup(worker) {
  const time = async (path) => {
    const t0 = performance.now();
    await worker.get(path);
    return performance.now() - t0;
  };
  const noop = [];
  for (let i = 0; i < 30; i++) noop.push(await time("/noop"));
  const base = stats(noop).median;
  const perInit = [];
  for (let from = 0; from < GLUE_COPIES; from += 10) {
    perInit.push(Math.max(0, (await time(`/init?from=${from}&to=${from + 10}`)) - base) / 10);
  }
  return stats(perInit);
}
