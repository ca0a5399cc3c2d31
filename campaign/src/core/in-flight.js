// Requests in flight, by Little's law: what must be out at once to keep a rate going is the rate
// times the latency. Sized with headroom from the rate the budget allows now and the latency
// observed, never above the configured ceiling.

const HEADROOM = 2;
const LATENCY_WEIGHT = 0.2;

/**
 * How many requests may be out at once.
 * @param {number} ratePerMs the rate the budget allows now (requests per ms)
 * @param {number} latencyMs the observed latency (request to answer)
 * @param {number} ceiling the setting (MAX_IN_FLIGHT)
 */
export const inFlightBound = (ratePerMs, latencyMs, ceiling) =>
  Math.max(1, Math.min(ceiling, Math.ceil(ratePerMs * latencyMs * HEADROOM)));

/** The observed latency after one more sample (an exponentially weighted mean). */
export const observeLatency = (latencyMs, sampleMs) =>
  latencyMs === undefined || latencyMs === null ? sampleMs : latencyMs + LATENCY_WEIGHT * (sampleMs - latencyMs);
