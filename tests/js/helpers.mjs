// Shared helpers for the package's Node tests: start/stop the emulator, load pkg/ in Node.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { after, before, beforeEach } from "node:test";

const root = new URL("../../", import.meta.url).pathname;

/** Starts the emulator on a free loopback port; resolves to { url, token, stop, control }. */
export async function startEmulator(args = []) {
  // Windows from the first request unless a test asks otherwise (`--windows` or the variable):
  // the timing of these tests' short windows assumes it; the emulator's default is `clock`.
  const env = { ...process.env, INBOX_EMULATOR_WINDOWS: process.env.INBOX_EMULATOR_WINDOWS ?? "first-request" };
  const child = spawn(`${root}target/release/inbox-emulator`, ["--port", "0", ...args], {
    stdio: ["ignore", "pipe", "inherit"],
    env,
  });
  const lines = createInterface({ input: child.stdout });
  const seen = [];
  const ready = new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`emulator exited early (${code})`)));
    lines.on("line", (line) => {
      seen.push(line);
      const url = /listening on (http\S+)/.exec(seen[0] ?? "")?.[1];
      const token = seen.map((l) => /^token: (.+)$/.exec(l)?.[1]).find(Boolean);
      if (url && token) resolve({ url, token });
    });
  });
  const timer = setTimeout(() => child.kill(), 10_000);
  try {
    const { url, token } = await ready;
    const stop = () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", resolve);
        child.kill("SIGTERM");
      });
    return { url, token, stop, control: controlApi(url, token) };
  } catch (error) {
    child.kill();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** The emulator's control API and the read endpoints tests use to prove delivery. */
function controlApi(url, token) {
  const json = async (path, init) => {
    const response = await fetch(url + path, init);
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.json();
  };
  const post = (path, body) =>
    json(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return {
    reset: () => post("/__emulator/reset", {}),
    config: (body) => post("/__emulator/config", body),
    faults: (...faults) => post("/__emulator/faults", { faults }),
    /** The thread's next `reads` message pages say `isSyncing: true`. */
    syncing: (threadId, reads) => post("/__emulator/syncing", { threadId, reads }),
    messages: () => json("/__emulator/messages"),
    requests: () => json("/__emulator/requests"),
    threadMessages: (threadId) =>
      json(`/api/v1/threads/${threadId}/messages?limit=100`, { headers: { authorization: `Bearer ${token}` } }),
    /** Stored messages whose content is exactly `content`. */
    stored: async (content) => (await json("/__emulator/messages")).filter((m) => m.content === content),
  };
}

/**
 * A test file's emulator and package: the emulator starts before the file's tests, is reset
 * before each and stopped after them. Returns `{ emulator, InboxClient, client }`, filled in
 * once the file's tests start; `client(options)` is a client of that emulator, with `defaults`.
 */
export function emulatorSuite(defaults = {}) {
  const suite = { emulator: null, InboxClient: null };
  before(async () => {
    ({ InboxClient: suite.InboxClient } = await loadPackage());
    suite.emulator = await startEmulator();
  });
  after(() => suite.emulator?.stop());
  beforeEach(() => suite.emulator.control.reset());
  suite.client = (options = {}) =>
    new suite.InboxClient({ token: suite.emulator.token, baseUrl: suite.emulator.url, ...defaults, ...options });
  return suite;
}

/** Loads pkg/ the way a Node user does: initSync from the wasm bytes. */
export async function loadPackage() {
  const pkg = await import(`${root}pkg/inbox_sender.js`);
  pkg.initSync({ module: readFileSync(`${root}pkg/inbox_sender_bg.wasm`) });
  return pkg;
}

/** Awaits a promise that must reject and returns its error. */
export async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

/** A seeded account link and prospect of the emulator. */
export const ACCOUNT = "acct1sales";
export const PROSPECT = "1566123362161725440";

/** Makes content unique per test so stored counts are per test. */
export const unique = (text) => `${text} [${Math.random().toString(36).slice(2)}]`;
