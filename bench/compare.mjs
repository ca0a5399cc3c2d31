// Repeated, interleaved batches of sends per contender; per-send medians with min and max.

/** { median, min, max } of numbers. */
export function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted.at(-1) };
}

/** A batch that takes longer than this is a stall, not a measurement: the section fails. */
const BATCH_DEADLINE_MS = 60_000;

function withDeadline(promise, what) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${BATCH_DEADLINE_MS / 1000} s`)), BATCH_DEADLINE_MS);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Runs `runBatch(name, count, inFlight)` (resolving to elapsed ms) for every contender, one
 * warm-up batch each, then `runs` rounds with the contenders interleaved, in a rotated order
 * each round (so no contender always follows the one whose garbage the collector is still
 * clearing). Resolves to { [name]: { median, min, max, ratio, rounds } }: microseconds per
 * send, `ratio` against the first contender (the baseline, see `pairedRatio`), and the
 * per-round times.
 */
export async function compare(runBatch, names, { runs, count, inFlight }) {
  const timed = (name) => withDeadline(runBatch(name, count, inFlight), `a batch of ${count} ${name} sends`);
  for (const name of names) await timed(name);
  const perSend = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < runs; r++) {
    const order = names.map((_, i) => names[(i + r) % names.length]);
    for (const name of order) perSend[name].push(((await timed(name)) * 1000) / count);
  }
  return Object.fromEntries(
    names.map((n) => [n, { ...stats(perSend[n]), ratio: pairedRatio(perSend[n], perSend[names[0]]), rounds: perSend[n] }]),
  );
}

/**
 * The median over rounds of `times[r] / baseline[r]`: each round's ratio is taken within the
 * round, so drift between rounds cancels out.
 */
export function pairedRatio(times, baseline) {
  return stats(times.map((t, r) => t / baseline[r])).median;
}
