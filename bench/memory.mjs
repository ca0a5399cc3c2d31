// Memory over many sends in one Node process, against an in-process bench server, 16 in flight.
// Run by run.mjs as `node --expose-gc bench/memory.mjs <sends> [InboxClient|fetch]`; prints one
// JSON line: wasm memory (bytes) and JS heap after gc, after a warm-up and after every tenth.
import { readFileSync } from "node:fs";
import { initSync, InboxClient } from "../pkg/inbox_sender.js";
import { startServer } from "./server.mjs";
import { contenders, batch } from "./sends.mjs";
import { sendWithFetch } from "./baselines/fetch.mjs";

const total = Number(process.argv[2] ?? 100_000);
const contender = process.argv[3] ?? "InboxClient";
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
  for (let tenth = 0; tenth < 10; tenth++) {
    await batch(send, total / 10, 16);
    samples.push(await sample());
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ contender, sends: total, seconds, samples }));
} finally {
  await server.close();
}
