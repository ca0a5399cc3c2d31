// Memory over many sends in one Node process, against an in-process bench server, 16 in flight.
//
//   node --expose-gc bench/memory.mjs [sends] [InboxClient|fetch] [--samples N] [--report]
//
// `sends` (default 100,000; env MEMORY_SENDS) are sent after a 1,000-send warm-up; after the
// warm-up and after every 1/N of the sends (N = --samples, default 10) the heap is sampled after
// forced gc: wasm memory (bytes) and JS heapUsed. Prints one JSON line last (what run.mjs reads)
// with the samples and the verdicts; --report first prints them as a table. 1,000,000 sends:
// `node --expose-gc bench/memory.mjs 1000000 InboxClient --samples 20 --report` (8 to 14 min here).
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { initSync, InboxClient } from "../pkg/inbox_sender.js";
import { startServer } from "./server.mjs";
import { contenders, batch } from "./sends.mjs";
import { sendWithFetch } from "./baselines/fetch.mjs";

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: { samples: { type: "string", default: "10" }, report: { type: "boolean", default: false } },
});
const total = Number(positionals[0] ?? process.env.MEMORY_SENDS ?? 100_000);
const contender = positionals[1] ?? "InboxClient";
const parts = Number(flags.samples);
if (!globalThis.gc) throw new Error("run with node --expose-gc");

/**
 * The verdict on a series sampled after gc (samples[0] after the warm-up). FLAT: every sample
 * within `slack` of the start. GROWING: the last third's lowest sample is more than `slack`
 * above the first third's highest (the floor rose past the earlier ceiling: something is kept
 * per send). PLATEAU: anything between (it rose, then stopped). `slack` is a fraction: the JS
 * heap after gc moves by about ±10% between samples with the runtime's own caches and sockets
 * (plain fetch shows it), so single samples do not decide; wasm memory never shrinks, so any
 * growth of it counts (slack 0).
 */
function verdict(values, slack) {
  const start = values[0];
  if (values.every((v) => Math.abs(v - start) <= start * slack)) return "FLAT";
  const third = Math.max(1, Math.floor(values.length / 3));
  const early = Math.max(...values.slice(0, third));
  const late = Math.min(...values.slice(-third));
  return late > early * (1 + slack) ? "GROWING" : "PLATEAU";
}

/** Bytes per 1,000 sends over the second half (least squares): what is still being added. */
function slope(values, sendsPerSample) {
  const half = values.slice(Math.floor(values.length / 2));
  const n = half.length;
  const mx = (n - 1) / 2;
  const my = half.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  half.forEach((y, x) => ((num += (x - mx) * (y - my)), (den += (x - mx) ** 2)));
  return den === 0 ? 0 : ((num / den) * 1000) / sendsPerSample;
}

const wasm = initSync({ module: readFileSync(new URL("../pkg/inbox_sender_bg.wasm", import.meta.url)) });
const server = await startServer();
try {
  const send = contenders({ InboxClient, sendWithFetch, baseUrl: server.url })[contender];
  const sample = async () => {
    for (let i = 0; i < 3; i++) {
      global.gc();
      await new Promise((resolve) => setImmediate(resolve)); // let finalizers free wasm objects
    }
    return { wasm: wasm.memory.buffer.byteLength, heap: process.memoryUsage().heapUsed };
  };
  await batch(send, 1000, 16);
  const samples = [await sample()];
  const t0 = performance.now();
  const each = Math.ceil(total / parts);
  for (let done = 0; done < total; done += each) {
    await batch(send, Math.min(each, total - done), 16);
    samples.push(await sample());
    if (flags.report) console.error(`${contender}: ${Math.min(done + each, total)} sends, heap ${samples.at(-1).heap}, wasm ${samples.at(-1).wasm}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const series = { heap: samples.map((s) => s.heap) };
  if (contender !== "fetch") series.wasm = samples.map((s) => s.wasm);
  const verdicts = Object.fromEntries(Object.entries(series).map(([k, v]) => [k, verdict(v, k === "wasm" ? 0 : 0.1)]));
  if (flags.report) {
    const mb = (n) => `${(n / 1048576).toFixed(2)} MB`;
    console.log(`${contender}: ${total.toLocaleString("en")} sends, 16 in flight, ${seconds.toFixed(1)} s; after gc, every ${each.toLocaleString("en")} sends`);
    for (const [key, values] of Object.entries(series)) {
      const third = Math.max(1, Math.floor(values.length / 3));
      console.log(
        `${key.padEnd(4)}  start ${mb(values[0])}  max of the first third ${mb(Math.max(...values.slice(0, third)))}  min of the last third ${mb(Math.min(...values.slice(-third)))}  max ${mb(Math.max(...values))}  end ${mb(values.at(-1))}  2nd-half slope ${slope(values, each).toFixed(1)} B/1,000 sends  ${verdicts[key]}`,
      );
      console.log(`      samples (MB): ${values.map((v) => (v / 1048576).toFixed(2)).join(" ")}`);
    }
  }
  console.log(JSON.stringify({ contender, sends: total, seconds, samples, verdicts }));
} finally {
  await server.close();
}
