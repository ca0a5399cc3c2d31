// The fetch loop on its own (src/io/transport.js): what it reports to the delivery for each way
// an attempt can end, and that it waits, stops and frees exactly as the delivery says. A
// recording delivery written in JS stands in for the Rust one; the server is the real emulator.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { deliver } from "../../src/io/transport.js";
import { startEmulator } from "./helpers.mjs";

// What the loop reports is plain observations; the recording below names them the way
// src/decide/fault.rs does (Fault::observed), so the assertions read as faults.
const fault = ({ status, text, cause, aborted, timedOut, refused }) =>
  status === undefined && text === undefined && cause === undefined
    ? "skipped"
    : typeof text === "string"
      ? "none"
      : aborted
        ? "aborted"
        : timedOut
          ? "timed out"
          : refused
            ? "refused"
            : "network";

let emulator;
before(async () => {
  emulator = await startEmulator();
});
after(() => emulator?.stop());

const BODY = JSON.stringify({ accountLinkId: "acct1sales", content: "transport test", externalPlatformId: "1566123362161725440" });

/**
 * A delivery that answers each settle from `plan` (a function of the call) and records calls;
 * after a wait, the next attempt GETs `reroutes` in turn (`undefined`: as before).
 */
function recording(plan, reroutes = []) {
  const calls = [];
  return {
    calls,
    freed: 0,
    reroute() {
      return reroutes.shift();
    },
    settle(response, text, cause, aborted, timedOut, refused) {
      const call = { status: response?.status, text, cause, aborted, timedOut, refused, at: performance.now() };
      call.fault = fault(call);
      calls.push(call);
      return plan(calls.length, call);
    },
    admit() {
      return 0;
    },
    finish() {
      return { settled: this.calls.length };
    },
    free() {
      this.freed++;
    },
  };
}

const send = (
  delivery,
  { timeoutMs = 30_000, signal, url = `${emulator.url}/api/v1/threads/messages`, authorization = `Bearer ${emulator.token}` } = {},
) => deliver(delivery, undefined, url, authorization, BODY, undefined, timeoutMs, signal);

test("a complete answer is reported with its text, then finish's value resolves and the delivery is freed", async () => {
  const delivery = recording(() => -1);
  const result = await send(delivery);
  assert.deepEqual(result, { settled: 1 });
  assert.equal(delivery.calls.length, 1);
  const [call] = delivery.calls;
  assert.equal(call.status, 200);
  assert.equal(call.fault, "none");
  assert.equal(JSON.parse(call.text).message.content, "transport test");
  assert.equal(delivery.freed, 1);
});

test("a retry waits as long as the delivery says, then attempts again", async () => {
  await emulator.control.faults({ status: 503 });
  const delivery = recording((n) => (n === 1 ? 150 : -1));
  await send(delivery);
  const [first, second] = delivery.calls;
  assert.equal(first.status, 503);
  assert.equal(second.status, 200);
  assert.ok(second.at - first.at >= 140, `waited ${second.at - first.at} ms`);
});

test("after a wait, a URL the delivery names is read with a GET: no body, no key, the same token", async () => {
  await emulator.control.reset();
  const sent = await fetch(`${emulator.url}/api/v2/messages`, {
    method: "POST",
    headers: { authorization: `Bearer ${emulator.token}`, "content-type": "application/json" },
    body: JSON.stringify({ target: { type: "profile", accountLinkId: "acct1sales", platform: "twitter", platformId: "1566123362161725440" }, content: "to read back" }),
  });
  const { message } = await sent.json();
  const read = `${emulator.url}/api/v2/messages/${message.id}?expand=thread`;
  const delivery = recording((n) => (n === 1 ? 10 : -1), [read]);
  await deliver(delivery, undefined, `${emulator.url}/api/v2/messages`, `Bearer ${emulator.token}`, BODY, "k-read", 30_000);
  const [first, second] = delivery.calls;
  assert.equal(first.status, 400, "the send itself (a v1 body on v2) was refused");
  assert.equal(second.status, 200);
  assert.equal(JSON.parse(second.text).thread.id, message.threadId);
  const requests = (await emulator.control.requests()).slice(-2);
  assert.deepEqual(requests.map((r) => r.method), ["POST", "GET"]);
  assert.equal(requests[1].path, `/api/v2/messages/${message.id}`);
  assert.equal(requests[1].headers["idempotency-key"], undefined);
  assert.equal(requests[1].headers["content-type"], undefined);
  assert.equal(requests[1].body, "");
});

test("a signal that fired before the first attempt sends nothing", async () => {
  const requestsBefore = (await emulator.control.requests()).length;
  const delivery = recording(() => -1);
  await send(delivery, { signal: AbortSignal.abort() });
  assert.deepEqual(delivery.calls.map((c) => c.fault), ["skipped"]);
  assert.equal((await emulator.control.requests()).length, requestsBefore);
  assert.equal(delivery.freed, 1);
});

test("a signal that fires while the delivery decides stops the wait at once", async () => {
  const controller = new AbortController();
  const delivery = recording((n) => {
    if (n === 1) {
      controller.abort();
      return 60_000; // a wait the abort must cut short
    }
    return -1;
  });
  const started = performance.now();
  await send(delivery, { signal: controller.signal });
  assert.deepEqual(delivery.calls.map((c) => c.fault), ["none", "skipped"]);
  assert.ok(performance.now() - started < 5_000, "the 60 s wait was not cut short");
});

test("a signal that fires during the wait ends it and sends nothing more", async () => {
  const controller = new AbortController();
  const delivery = recording((n) => (n === 1 ? 60_000 : -1));
  const requestsBefore = (await emulator.control.requests()).length;
  setTimeout(() => controller.abort(), 100);
  await send(delivery, { signal: controller.signal });
  assert.deepEqual(delivery.calls.map((c) => c.fault), ["none", "skipped"]);
  assert.equal((await emulator.control.requests()).length, requestsBefore + 1);
});

test("the attempt's timeout aborts the fetch and is reported as a timeout", async () => {
  await emulator.control.faults({ action: "hang" });
  const delivery = recording(() => -1);
  await send(delivery, { timeoutMs: 200 });
  const [call] = delivery.calls;
  assert.equal(call.fault, "timed out");
  assert.equal(call.status, undefined);
  assert.ok(call.cause instanceof Error, String(call.cause));
});

test("the caller's signal during an attempt aborts the fetch and is reported as aborted", async () => {
  await emulator.control.faults({ action: "hang" });
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error("caller gave up")), 100);
  const delivery = recording(() => -1);
  await send(delivery, { signal: controller.signal });
  const [call] = delivery.calls;
  assert.equal(call.fault, "aborted");
  assert.equal(call.cause.message, "caller gave up");
});

test("a refused connection is reported as a network fault with its cause", async () => {
  const delivery = recording(() => -1);
  await send(delivery, { url: "http://127.0.0.1:9/api/v1/threads/messages" });
  const [call] = delivery.calls;
  assert.equal(call.fault, "network");
  assert.ok(call.cause instanceof Error);
});

test("a header value fetch refuses is reported as refused: nothing left", async () => {
  const requestsBefore = (await emulator.control.requests()).length;
  const delivery = recording(() => -1);
  await send(delivery, { authorization: "Bearer tok\u20acen" });
  const [call] = delivery.calls;
  assert.equal(call.fault, "refused");
  assert.ok(call.cause instanceof Error);
  assert.equal((await emulator.control.requests()).length, requestsBefore);
});

test("an unusable URL is reported as refused", async () => {
  const delivery = recording(() => -1);
  await send(delivery, { url: "http://127.0.0.1:99999/api" });
  assert.equal(delivery.calls[0].fault, "refused");
});

test("when finish throws (the error for the caller), deliver rejects with it and still frees", async () => {
  const delivery = recording(() => -1);
  const problem = new Error("the InboxError");
  delivery.finish = () => {
    throw problem;
  };
  await assert.rejects(send(delivery), (error) => error === problem);
  assert.equal(delivery.freed, 1);
});
