// npm run simulate -- --prospects N --senders N --seed N [--background-shape even|burst]
//   [--windows clock|first-request] [--opener other|us] [--background F] [--outages on|off] [--seeds A..B]
//   [--steps N] [--replies F] [--hours on|off] [--webhooks on|off]
// (--opener: with first-request windows, whether the other client opens each window the moment
// the last one ends, or only our requests do, as in the emulator; --outages off: no
// disconnected senders and no refused token, whose holds wait for a probe every HOLD_PROBE_MS
// and so are not part of the budgets' floor; --steps: the opener and N-1
// follow-ups; --replies: the share of prospects who reply; --hours on: sending hours in
// America/New_York, every fifth sender in America/Chicago, from the Thursday before the end of
// daylight saving, with jitter; --webhooks off: replies reach the campaign through the events
// feed alone).
// Runs the seeded simulation (world.js) and prints its figures; the last line says
// `simulation: … violations=N`, and the exit code is 1 when N > 0.
import { parseArgs } from "node:util";
import { simulate } from "./world.js";

const { values } = parseArgs({
  options: {
    prospects: { type: "string", default: "10000" },
    senders: { type: "string", default: "25" },
    seed: { type: "string", default: "1" },
    seeds: { type: "string" },
    "background-shape": { type: "string", default: "even" },
    windows: { type: "string", default: "clock" },
    opener: { type: "string", default: "other" },
    background: { type: "string", default: "0.3" },
    outages: { type: "string", default: "on" },
    steps: { type: "string", default: "1" },
    replies: { type: "string", default: "0" },
    hours: { type: "string", default: "off" },
    webhooks: { type: "string", default: "on" },
  },
});

const whole = (name, min) => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number ≥ ${min} (got ${values[name]})`);
  return n;
};
const oneOf = (name, allowed) => {
  if (!allowed.includes(values[name])) throw new Error(`--${name} must be one of ${allowed.join(", ")} (got ${values[name]})`);
  return values[name];
};
const background = Number(values.background);
if (!(background >= 0 && background < 1)) throw new Error(`--background must be in [0, 1) (got ${values.background})`);
const replies = Number(values.replies);
if (!(replies >= 0 && replies <= 1)) throw new Error(`--replies must be in [0, 1] (got ${values.replies})`);
const steps = whole("steps", 1);
if (steps > 6) throw new Error(`--steps must be at most 6 (the opener and 5 follow-ups; got ${steps})`);
const base = {
  prospects: whole("prospects", 1), senders: whole("senders", 1), shape: oneOf("background-shape", ["even", "burst"]),
  windows: oneOf("windows", ["clock", "first-request"]), opener: oneOf("opener", ["other", "us"]), background, steps, replies, hours: oneOf("hours", ["on", "off"]) === "on",
  ...(oneOf("webhooks", ["on", "off"]) === "off" ? { webhooks: { lost: 1, twice: 0 } } : {}),
  ...(oneOf("outages", ["on", "off"]) === "off" ? { disconnects: 0, tokenRefusals: 0 } : {}),
};
let seeds = [whole("seed", 0)];
if (values.seeds) {
  const m = /^(\d+)\.\.(\d+)$/.exec(values.seeds);
  if (!m) throw new Error(`--seeds must be A..B (got ${values.seeds})`);
  seeds = Array.from({ length: Number(m[2]) - Number(m[1]) + 1 }, (_, k) => Number(m[1]) + k);
}

let violations = 0;
let worst = 0;
const started = performance.now();
for (const seed of seeds) {
  const t = performance.now();
  const r = simulate({ ...base, seed });
  const f = r.figures;
  worst = Math.max(worst, f.ratio);
  violations += r.violations.length;
  for (const v of r.violations.slice(0, 10)) console.log(`  violation (seed ${seed}): ${v}`);
  const c = r.counts;
  const hours = (ms) => (ms / 3_600_000).toFixed(2);
  console.log(
    `seed ${seed}: ${base.prospects} prospects × ${steps} steps, ${base.senders} senders, ${base.windows} windows${base.windows === "first-request" ? ` (opened by ${base.opener === "us" ? "us" : "the other client"})` : ""}, ${base.shape} background ${base.background * 100} %, outages ${values.outages}, ` +
      `replies ${replies * 100} % (webhooks ${values.webhooks}), sending hours ${values.hours}: ` +
      (base.hours
        ? `delivered in ${hours(f.deliveryMs)} open h (${hours(f.wallMs)} h on the clock), floor ${hours(f.floorMs)} open h, ratio ${f.ratio.toFixed(3)}; `
        : `delivered in ${(f.deliveryMs / 1000).toFixed(1)} s, floor ${(f.floorMs / 1000).toFixed(1)} s, ratio ${f.ratio.toFixed(3)}; `) +
      `requests/DM ${f.requestsPerDm.toFixed(3)} (lookups ${(100 * f.lookupsShare).toFixed(2)} % of DMs, event reads ${f.eventReads}); ` +
      `429s from limits ${f.limit429s} (injected ${f.injected429s}); duplicates ${f.duplicates}; openers into conversations ${f.intoConversation}; ` +
      `follow-ups after a reply: ${f.afterReply} beyond the freshness, ${f.raced} within it; sends outside hours ${f.outsideHours}; ` +
      `holds ${f.holds} sender + ${f.teamHolds > 0 ? "team" : "no team"} (${f.holdRefusals} refused requests); deaths ${f.deaths}; webhooks ${f.webhooks}; ` +
      `steps sent ${c.steps}; sent ${c.sent} (${c.repliedAfterEnd} replied after the last step), replied ${c.replied}, skipped ${c.skipped}, failed ${c.failed}, unconfirmed ${c.unconfirmed}, open ${c.open}; ` +
      `${r.events} events in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
}
console.log(`simulation: seeds=${seeds.length} worst-ratio=${worst.toFixed(3)} time=${((performance.now() - started) / 1000).toFixed(1)}s violations=${violations}`);
process.exit(violations > 0 ? 1 : 0);
