// The fetch loop: the I/O half of a send. Every decision (what an answer means, whether and
// when to retry, which error the caller gets) is made in Rust (src/decide/, through the
// delivery in src/io/delivery.rs); this loop only runs the attempts it asks for and reports
// what it saw of each one.
//
// Plain JavaScript rather than Rust futures: awaiting two promises per attempt through
// wasm-bindgen-futures costs a closure pair each, and the code to poll them, in every send.

/**
 * Runs `delivery` to its end and settles with its answer. Each attempt POSTs `body` to `url`
 * (a GET when there is no body) through `fetcher` (the client's `fetch` option; else the
 * global `fetch`, looked up at each attempt), with `key` as its `Idempotency-Key` when given,
 * its own timeout (`timeoutMs`) and the caller's `signal`, both of which cancel the fetch itself.
 * Before each attempt the delivery admits it or says how long to hold it (pacing); between
 * attempts the loop waits as long as the delivery says, or until `signal`, and GETs another
 * URL from then on when the delivery names one.
 */
export async function deliver(delivery, fetcher, url, authorization, body, key, timeoutMs, signal) {
  const headers = { authorization };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (key !== undefined) headers["idempotency-key"] = key;
  // A redirect is never followed, so the token never goes to another host.
  let init = { method: body === undefined ? "GET" : "POST", headers, body, redirect: "manual" };
  try {
    for (;;) {
      // When the caller's signal fired before an attempt, there is nothing to report: no
      // response, no text, nothing thrown (what "no attempt started" means to the delivery).
      let wait = signal?.aborted
        ? delivery.settle(undefined, undefined, undefined, false, false, false)
        : delivery.admit();
      if (wait === 0) wait = await attempt(delivery, fetcher, url, init, timeoutMs, signal);
      if (wait < 0) return settled(delivery.finish());
      await pause(wait, signal);
      // A send X did not confirm is never sent again: the message it named is read instead.
      const read = delivery.reroute();
      if (read) {
        url = read;
        init = { headers: { authorization }, redirect: "manual" };
      }
    }
  } finally {
    delivery.free();
  }
}

/**
 * Drives `finder` (one findSent) to its end: each step is one read, whose outcome the finder
 * keeps and judges before the next; settles with the message found, `null`, or its error.
 */
export async function reconcile(finder) {
  try {
    for (let read; (read = finder.next()); ) await read;
    return settled(finder.result());
  } finally {
    finder.free();
  }
}

/** A finished call's answer: returned, or thrown when it is the error to reject with. */
function settled(answer) {
  if (answer instanceof Error) throw answer;
  return answer;
}

/** A fresh idempotency key: a random UUID (122 random bits). */
export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // Pages served over plain http (not localhost) lack randomUUID; 16 random bytes instead.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * One fetch (called as `fetch(url, init)`) with the whole body read as text. Reports to `delivery.settle` the response (if
 * its headers arrived), the text (if it all arrived), what was thrown, and whether the
 * caller's signal or the timeout had fired, or the runtime could not even build the request.
 */
async function attempt(delivery, fetcher, url, init, timeoutMs, signal) {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const stop = () => controller.abort(signal.reason);
  signal?.addEventListener("abort", stop);
  init.signal = controller.signal;
  let response, text, cause, aborted = false, refused = false;
  try {
    response = await (fetcher ?? fetch)(url, init);
    text = await response.text();
  } catch (error) {
    cause = error;
    aborted = signal?.aborted === true;
    refused = !response && !aborted && !timedOut && unbuildable(url, init);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", stop);
  }
  return delivery.settle(response, text, cause, aborted, timedOut, refused);
}

/** True when the runtime refuses to build this request at all (nothing could have left). */
function unbuildable(url, init) {
  try {
    new Request(url, init);
    return false;
  } catch {
    return true;
  }
}

/** Waits `ms` milliseconds, or until `signal` fires (at once if it already has). */
function pause(ms, signal) {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done);
  });
}
