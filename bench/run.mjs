// The benchmark command: node bench/run.mjs [--quick]
// Prints size, per-send time (Node, Chromium, workerd), start-up, decode and memory, each
// figure next to its baseline and ratio from the same run, then the per-send and size targets (bench/README.md).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { initSync, InboxClient } from "../pkg/inbox_sender.js";
import { startServer, RESPONSES } from "./server.mjs";
import { contenders, batch } from "./sends.mjs";
import { compare, pairedRatio } from "./compare.mjs";
import { sendWithFetch } from "./baselines/fetch.mjs";
import { sendWithFetchTimeout } from "./baselines/fetch-timeout.mjs";
import { sendWithKy } from "./baselines/ky.mjs";
import { sizeRows, twiggyTop } from "./sizes.mjs";
import { nodeStartup } from "./startup.mjs";
import { pageFiles, startBrowser } from "./browser.mjs";
import { startWorker, workerdSends, workerdStartup } from "./workerd.mjs";

const quick = process.argv.includes("--quick");
const plan = quick
  ? { runs: 5, count: 100, startups: 30, memorySends: 10_000 }
  : { runs: 21, count: 300, startups: 200, memorySends: 100_000 };
const began = performance.now();
const NAMES = ["fetch", "fetch+timeout", "InboxClient", "InboxClient.send", "ky"];
const results = {};

const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`;
const us = (n) => `${n.toFixed(1)} µs`;
const ms = (n) => `${n.toFixed(3)} ms`;
const x = (n) => `${n.toFixed(2)}x`;

/** Prints a titled table; the first column left-aligned, the others right-aligned. */
function table(title, headers, rows) {
  const cells = [headers, ...rows].map((r) => r.map(String));
  const width = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i ? c.padStart(width[i]) : c.padEnd(width[i]))).join("  ");
  console.log(`\n## ${title}\n${line(cells[0])}\n${width.map((w) => "-".repeat(w)).join("  ")}`);
  for (const r of cells.slice(1)) console.log(line(r));
}

/** Per-send rows: median, min, max, and the paired ratios to fetch and to fetch+timeout. */
function sendRows(byName) {
  const reference = byName["fetch+timeout"].rounds;
  return Object.entries(byName).map(([name, s]) => [name, us(s.median), us(s.min), us(s.max), x(s.ratio), x(pairedRatio(s.rounds, reference))]);
}

/** `InboxClient`'s paired ratio to `fetch+timeout` in one section's results. */
const vsTimeout = (byName) => pairedRatio(byName.InboxClient.rounds, byName["fetch+timeout"].rounds);

function printSends(runtime, sequential, parallel) {
  const headers = ["contender", "median/send", "min", "max", "vs fetch", "vs fetch+timeout"];
  const note = `${plan.runs} runs of ${plan.count} sends after a warm-up`;
  table(`per-send time, ${runtime}, sequential (${note})`, headers, sendRows(sequential));
  table(`per-send time, ${runtime}, 16 in flight (${note})`, headers, sendRows(parallel));
}

async function sizeSection() {
  const rows = await sizeRows();
  const fetchRow = rows.find((r) => r.baseline === "fetch");
  const kyRow = rows.find((r) => r.baseline === "ky");
  table(
    "size (esbuild bundles minified; gzip -9, brotli -11)",
    ["what", "raw", "gzip", "brotli", "brotli vs fetch", "brotli vs ky"],
    rows.map((r) => [r.name, kb(r.raw), kb(r.gzip), kb(r.brotli), x(r.brotli / fetchRow.brotli), x(r.brotli / kyRow.brotli)]),
  );
  results.brotli = rows.find((r) => r.name === "shipped: wasm + JS").brotli;
  const top = twiggyTop();
  console.log(`\n## twiggy top 15 (names-kept build, wasm-opt -Oz -g)\n${top.table ?? `skipped: ${top.skipped}`}`);
}

async function nodeSection(server) {
  initSync({ module: readFileSync(new URL("../pkg/inbox_sender_bg.wasm", import.meta.url)) });
  const sends = contenders({ InboxClient, sendWithFetch, sendWithFetchTimeout, sendWithKy, baseUrl: server.url });
  const runBatch = (name, count, inFlight) => batch(sends[name], count, inFlight);
  const sequential = await compare(runBatch, NAMES, { ...plan, inFlight: 1 });
  const parallel = await compare(runBatch, NAMES, { ...plan, inFlight: 16 });
  printSends("Node", sequential, parallel);
  results.nodeRatio = sequential.InboxClient.ratio;
  results.nodeTimeoutRatio = vsTimeout(sequential);
  results.nodeParallelRatio = vsTimeout(parallel);
  results.timeoutCost = sequential["fetch+timeout"].ratio;

  // Decode: the same sends answered with the seed response and with the ~100 KB one.
  const rows = [];
  for (const [prefix, label] of [["", "seed"], ["/large", "~100 KB"]]) {
    const bytes = RESPONSES[prefix].length;
    const sized = contenders({ InboxClient, sendWithFetch, baseUrl: server.url + prefix });
    const timed = await compare((name, count, inFlight) => batch(sized[name], count, inFlight), ["fetch", "InboxClient"], { ...plan, inFlight: 1 });
    const rate = (name) => bytes / (timed[name].median / 1e6);
    for (const name of ["fetch", "InboxClient"]) {
      // Rate over rate is the inverse of the paired time ratio.
      rows.push([`${label} (${kb(bytes)})`, name, us(timed[name].median), `${(rate(name) / 1e6).toFixed(1)} MB/s`, x(1 / timed[name].ratio)]);
    }
    if (prefix === "") results.decodeRatio = 1 / timed.InboxClient.ratio;
  }
  table("decode throughput, Node, sequential (whole send: response bytes / median time per send)", ["response", "contender", "median/send", "rate", "vs fetch+JSON.parse"], rows);
}

async function browserSection(server) {
  let browser;
  try {
    browser = await startBrowser(server.url);
    const sequential = await browser.sends(NAMES, { ...plan, inFlight: 1 });
    const parallel = await browser.sends(NAMES, { ...plan, inFlight: 16 });
    printSends("headless Chromium", sequential, parallel);
    results.chromiumRatio = sequential.InboxClient.ratio;
  } catch (error) {
    console.log(`\n## headless Chromium\nskipped: ${error.message}`);
  } finally {
    await browser?.close();
  }
}

async function workerdSection(server) {
  let worker;
  try {
    worker = await startWorker(server.url);
    const sequential = await workerdSends(worker, NAMES, { ...plan, inFlight: 1 });
    const parallel = await workerdSends(worker, NAMES, { ...plan, inFlight: 16 });
    printSends("workerd (Miniflare)", sequential, parallel);
    results.workerdTimeoutRatio = vsTimeout(sequential);
    results.workerdParallelRatio = vsTimeout(parallel);
    results.workerdStartup = await workerdStartup(worker);
  } catch (error) {
    console.log(`\n## workerd (Miniflare)\nskipped: ${error.message}`);
  } finally {
    await worker?.dispose();
  }
}

async function startupSection() {
  const node = await nodeStartup(plan.startups);
  results.startup = node;
  const rows = [
    ["Node, initSync({ module: WebAssembly.Module })", node.fromModule, 1],
    ["Node, initSync({ module: bytes })", node.fromBytes, 10],
  ];
  if (results.workerdStartup) rows.push(["workerd, initSync({ module: CompiledWasm })", results.workerdStartup, 1]);
  table(
    `start-up (fresh glue instance each time; Node: ${plan.startups} loads, workerd: 6 batches of 10, timed from outside)`,
    ["what", "median", "min", "max", "target", "vs target"],
    rows.map(([what, s, target]) => [what, ms(s.median), ms(s.min), ms(s.max), `< ${target} ms`, x(s.median / target)]),
  );
  console.log("workerd, from bytes: not possible (workerd refuses to compile wasm at run time)");
}

function memorySection() {
  const run = (contender) => {
    const script = new URL("memory.mjs", import.meta.url).pathname;
    const out = execFileSync(process.execPath, ["--expose-gc", script, String(plan.memorySends), contender]);
    return JSON.parse(out.toString().trim().split("\n").at(-1));
  };
  const mb = (n) => `${(n / 1048576).toFixed(2)} MB`;
  const rows = [];
  let seconds = 0;
  for (const contender of ["InboxClient", "fetch"]) {
    const m = run(contender);
    seconds += m.seconds;
    const keys = contender === "fetch" ? ["heap"] : ["wasm", "heap"];
    for (const key of keys) {
      const values = m.samples.map((s) => s[key]);
      // samples[0] is after the warm-up, then one per tenth of the sends.
      const firstHalf = Math.max(...values.slice(0, 6));
      const secondHalf = Math.max(...values.slice(6));
      const what = `${contender}: ${key === "wasm" ? "wasm memory.buffer" : "JS heapUsed"}`;
      rows.push([what, mb(values[0]), mb(firstHalf), mb(secondHalf), mb(values.at(-1)), m.verdicts[key]]);
    }
  }
  table(
    `memory, Node, ${plan.memorySends.toLocaleString("en")} sends per contender, 16 in flight (${seconds.toFixed(1)} s; after gc, sampled every tenth)`,
    ["what", "start", "max, 1st half", "max, 2nd half", "end", "verdict"],
    rows,
  );
  console.log("memory.mjs's verdicts: FLAT = every sample within 10% of the start (wasm: equal); GROWING = the last third's lowest sample over 10% above the first third's highest (wasm: at all); PLATEAU = between");
}

function targetsSection() {
  // A ratio row: `value` at most `limit`; `undefined` (its runtime was skipped) leaves it out.
  const ratio = (what, value, limit) => value !== undefined && [what, x(value), `<= ${limit.toFixed(2)}x`, value <= limit];
  const rows = [
    ["shipped size (wasm + JS), brotli", kb(results.brotli), "<= 29,184 B", results.brotli <= 29_184],
    ratio("per-send vs fetch+timeout, Node sequential", results.nodeTimeoutRatio, 1.1),
    ratio("per-send vs fetch+timeout, Node 16 in flight", results.nodeParallelRatio, 1.1),
    ratio("per-send vs fetch+timeout, workerd sequential", results.workerdTimeoutRatio, 1.1),
    ratio("per-send vs fetch+timeout, workerd 16 in flight", results.workerdParallelRatio, 1.1),
    ratio("per-send vs fetch, Chromium sequential", results.chromiumRatio, 1.05),
    ["initSync from module, Node", ms(results.startup.fromModule.median), "< 1 ms", results.startup.fromModule.median < 1],
    ["initSync from bytes, Node", ms(results.startup.fromBytes.median), "< 10 ms", results.startup.fromBytes.median < 10],
    ["decode rate vs JSON.parse, seed response", x(results.decodeRatio), ">= 0.50x", results.decodeRatio >= 0.5],
    results.workerdStartup && ["initSync from module, workerd", ms(results.workerdStartup.median), "< 1 ms", results.workerdStartup.median < 1],
  ].filter(Boolean);
  table("targets", ["target", "measured", "limit", "result"], rows.map((r) => [...r.slice(0, 3), r[3] ? "PASS" : "FAIL"]));
  console.log(
    `context: in Node, fetch+timeout alone is ${x(results.timeoutCost)} fetch; InboxClient is ${x(results.nodeTimeoutRatio)} fetch+timeout (sequential)`,
  );
}

console.log(`# inbox-sender bench${quick ? " (--quick)" : ""} — Node ${process.version}, ${new Date().toISOString()}`);
const server = await startServer(await pageFiles());
try {
  await sizeSection();
  await nodeSection(server);
  await browserSection(server);
  await workerdSection(server);
  await startupSection();
  memorySection();
  targetsSection();
} finally {
  await server.close();
}
console.log(`\nbench finished in ${((performance.now() - began) / 1000).toFixed(0)} s`);
