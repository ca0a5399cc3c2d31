// A seeded random source for the simulation (sfc32, seeded through splitmix32): the same seed
// replays the same world exactly.

/** A function returning numbers in [0, 1), fully determined by `seed`. */
export function seeded(seed) {
  let x = seed >>> 0;
  const mix = () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = mix();
  let b = mix();
  let c = mix();
  let d = mix();
  return () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
}

/** Helpers over a random source: a uniform value in [lo, hi), a chance, a pick. */
export const tools = (random) => ({
  random,
  between: (lo, hi) => lo + (hi - lo) * random(),
  chance: (p) => random() < p,
  pick: (list) => list[Math.floor(random() * list.length)],
});
