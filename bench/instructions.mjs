// The package's own work per send, counted in instructions: node bench/instructions.mjs
// [--pkg DIR]...
//
// Timings of a send swing by more than the package's whole cost on these machines; instruction
// counts swing far less. Each figure is one `valgrind --tool=callgrind` run of a Node process
// (V8 with `--single-threaded`, so no background compiler or GC thread adds its own count)
// that makes 3,000 warm-up sends (the JIT done compiling the hot path) and then N measured
// ones, minus the same run with N = 0: the instructions of N sends. In these processes the
// global `fetch` answers at once with the seed response (a fresh `Response` per call, nothing
// read from a socket), so a send is what the caller's code and the contender do around the
// fetch. Every contender gets the same instant fetch; the package's own work is its count per
// send minus `fetch+timeout`'s (the reference every per-send target is measured against). This is a measurement, not a
// test: the package's behaviour against a real server is what tests/ checks.
//
// Two answers: `bare` (what bench/server.mjs sends: no request id, no budget) and `reported`
// (an `X-Request-Id` and the three `X-RateLimit-*` headers, as the vendor's v2 document says
// every response carries). Each `--pkg DIR` adds that build's `InboxClient` (`sendMessage`)
// and `InboxClient.send` (an earlier commit's `pkg/`, say), so two builds are compared on the
// same answers. Two runs of the same build can differ by up to about 15,000 instructions per
// send (where the JIT and the GC land is not the same every run): compare builds over more
// than one run.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { sendWithFetch } from "./baselines/fetch.mjs";
import { sendWithFetchTimeout } from "./baselines/fetch-timeout.mjs";
import { batch, contenders } from "./sends.mjs";
import { RESPONSES } from "./server.mjs";

const BASE = "http://127.0.0.1:9";
const HEADERS = {
  bare: { "content-type": "application/json" },
  reported: {
    "content-type": "application/json",
    "x-request-id": "req_01JE3V8K2M9Q4R7T6Y5W0X1Z2A",
    "x-ratelimit-limit": "100000",
    "x-ratelimit-remaining": "99999",
    "x-ratelimit-reset": "4102444800",
  },
};

/** In a child process: `contender` sends `warmUp` + `count` times to the instant fetch. */
async function sendAll(dir, contender, warmUp, count, answer) {
  const seed = RESPONSES[""].toString();
  globalThis.fetch = async () => new Response(seed, { status: 201, headers: HEADERS[answer] });
  const glue = await import(pathToFileURL(`${dir}/inbox_sender.js`).href);
  glue.initSync({ module: readFileSync(`${dir}/inbox_sender_bg.wasm`) });
  const sends = contenders({ InboxClient: glue.InboxClient, sendWithFetch, sendWithFetchTimeout, baseUrl: BASE });
  await batch(sends[contender], warmUp + count, 1);
}

/** The instructions callgrind counted for one child run. */
async function counted(dir, contender, warmUp, count, answer) {
  const args = ["--tool=callgrind", "--callgrind-out-file=/dev/null", process.execPath, "--single-threaded"];
  args.push(new URL(import.meta.url).pathname, "--child", dir, contender, String(warmUp), String(count), answer);
  const { stderr } = await promisify(execFile)("valgrind", args, { maxBuffer: 1 << 24 });
  const match = /Collected : (\d+)/.exec(stderr);
  if (!match) throw new Error(`callgrind printed no count for ${contender} in ${dir}:\n${stderr}`);
  return Number(match[1]);
}

/** Runs `jobs` (functions returning promises) two at a time; their results in `jobs`' order. */
async function twoAtATime(jobs) {
  const results = new Array(jobs.length);
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  };
  await Promise.all([lane(), lane()]);
  return results;
}

async function main() {
  const [warmUp, count] = [3_000, 4_000];
  const builds = [new URL("../pkg/", import.meta.url).pathname];
  process.argv.forEach((arg, i) => arg === "--pkg" && builds.push(resolve(process.argv[i + 1])));
  const rows = [];
  for (const answer of Object.keys(HEADERS)) {
    rows.push({ answer, build: builds[0], contender: "fetch+timeout" });
    for (const build of builds) for (const contender of ["InboxClient", "InboxClient.send"]) rows.push({ answer, build, contender });
  }
  const jobs = rows.flatMap((r) => [0, count].map((n) => () => counted(r.build, r.contender, warmUp, n, r.answer)));
  const t0 = performance.now();
  const totals = await twoAtATime(jobs);
  rows.forEach((r, i) => (r.perSend = (totals[2 * i + 1] - totals[2 * i]) / count));
  console.log(`# instructions per send (callgrind; instant fetch; ${count.toLocaleString("en")} sends after ${warmUp.toLocaleString("en")} warm-up) — Node ${process.version}, ${new Date().toISOString()}`);
  console.log("answer    contender                          per send   own work over fetch+timeout");
  for (const r of rows) {
    const reference = rows.find((o) => o.answer === r.answer && o.contender === "fetch+timeout").perSend;
    const name = r.build === builds[0] ? r.contender : `${r.contender} (${r.build})`;
    const own = Math.round(r.perSend - reference).toLocaleString("en");
    console.log(`${r.answer.padEnd(9)} ${name.padEnd(34)} ${Math.round(r.perSend).toLocaleString("en").padStart(9)}   ${own.padStart(9)}`);
  }
  console.log(`(${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}

const child = process.argv.indexOf("--child");
if (child >= 0) {
  const [dir, contender, warmUp, count, answer] = process.argv.slice(child + 1);
  await sendAll(dir, contender, Number(warmUp), Number(count), answer);
} else {
  await main();
}
