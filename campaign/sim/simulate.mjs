// npm run simulate -- --prospects N --senders N --seed N [--background-shape even|burst]
//   [--windows clock|first-request] [--background F] [--outages on|off] [--seeds A..B]
// (--outages off: no disconnected senders and no refused token, whose holds wait for a probe
// every HOLD_PROBE_MS and so are not part of the budgets' floor).
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
    background: { type: "string", default: "0.3" },
    outages: { type: "string", default: "on" },
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
const base = {
  prospects: whole("prospects", 1), senders: whole("senders", 1), shape: oneOf("background-shape", ["even", "burst"]),
  windows: oneOf("windows", ["clock", "first-request"]), background,
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
  console.log(
    `seed ${seed}: ${base.prospects} prospects, ${base.senders} senders, ${base.windows} windows, ${base.shape} background ${base.background * 100} %, outages ${values.outages}: ` +
      `delivered in ${(f.deliveryMs / 1000).toFixed(1)} s, floor ${(f.floorMs / 1000).toFixed(1)} s, ratio ${f.ratio.toFixed(3)}; ` +
      `requests/DM ${f.requestsPerDm.toFixed(3)} (lookups ${(100 * f.lookupsShare).toFixed(2)} % of DMs); ` +
      `429s from limits ${f.limit429s} (injected ${f.injected429s}); duplicates ${f.duplicates}; openers into conversations ${f.intoConversation}; ` +
      `holds ${f.holds} sender + ${f.teamHolds > 0 ? "team" : "no team"} (${f.holdRefusals} refused requests); deaths ${f.deaths}; ` +
      `sent ${c.sent}, skipped ${c.skipped}, failed ${c.failed}, unconfirmed ${c.unconfirmed}, open ${c.open}; ` +
      `${r.events} events in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
}
console.log(`simulation: seeds=${seeds.length} worst-ratio=${worst.toFixed(3)} time=${((performance.now() - started) / 1000).toFixed(1)}s violations=${violations}`);
process.exit(violations > 0 ? 1 : 0);
