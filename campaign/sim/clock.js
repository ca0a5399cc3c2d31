// The simulation's virtual clock and event queue: a binary heap ordered by time, then by the
// order events were scheduled (so equal times replay in the same order).

export class Clock {
  now = 0;
  #heap = [];
  #seq = 0;

  /** Schedules `fn` at `at` (never before now). */
  at(at, fn) {
    const item = [Math.max(at, this.now), this.#seq++, fn];
    const h = this.#heap;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i], h[parent])) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }

  /** Runs the next event; false when none is left. */
  step() {
    const h = this.#heap;
    if (h.length === 0) return false;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l], h[m])) m = l;
        if (r < h.length && before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    this.now = top[0];
    top[2]();
    return true;
  }

  get pending() {
    return this.#heap.length;
  }
}

const before = (a, b) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
