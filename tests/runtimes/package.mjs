// Shared helpers for the runtime tests: the package as a user gets it (`npm pack` of pkg/,
// installed from the tarball into an empty app), the README's code blocks, and the Deno and
// Bun binaries that npm installed (root package.json devDependencies).
import assert from "node:assert/strict";
import { execFileSync, execFile } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync, rmSync, existsSync, statSync, chmodSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export const root = new URL("../../", import.meta.url).pathname;

/** Miniflare as the Cloudflare Worker example installs it (its wrangler's workerd). */
export const miniflare = () => import(pathToFileURL(createRequire(join(root, "examples/cloudflare-worker/")).resolve("miniflare")));

/**
 * The module Worker `dir/script` in workerd, its JavaScript and .wasm modules beside it
 * (`options`: bindings and anything else Miniflare takes).
 */
export async function workerdIn(dir, script, options = {}) {
  const { Miniflare } = await miniflare();
  return new Miniflare({
    modules: true,
    scriptPath: join(dir, script),
    modulesRoot: dir,
    modulesRules: [
      { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: "2026-04-20",
    cf: false,
    ...options,
  });
}

/**
 * Deno and Bun from npm (root package.json devDependencies): the binaries sit inside the
 * platform packages. Each is tested at its newest version and at the README's minimum (npm
 * aliases `deno-2.0`, `bun-1.1`).
 */
export const DENOS = [
  { name: "newest", path: binary("node_modules/@deno/linux-x64-glibc/deno") },
  { name: "minimum", path: binary("node_modules/deno-2.0/deno") },
];
export const BUNS = [
  { name: "newest", path: binary("node_modules/@oven/bun-linux-x64/bin/bun") },
  { name: "minimum", path: binary("node_modules/bun-1.1/bin/bun") },
];

/** A binary's path, made executable if its tarball did not keep the mode (deno 2.0.0's does not). */
function binary(path) {
  const full = join(root, path);
  if (existsSync(full) && !(statSync(full).mode & 0o100)) chmodSync(full, 0o755);
  return full;
}

const npmQuiet = ["--no-audit", "--no-fund", "--loglevel=error"];

/** Packs pkg/ with `npm pack` into a new temp dir; returns the tarball's path. */
export function packPackage(dir) {
  assert.ok(existsSync(join(root, "pkg/package.json")), "pkg/ is built (scripts/build.sh)");
  const name = execFileSync("npm", ["pack", join(root, "pkg"), "--pack-destination", dir, ...npmQuiet], {
    encoding: "utf8",
  }).trim().split("\n").at(-1);
  return join(dir, name);
}

/**
 * A fresh app in a temp dir with the packed package installed from its tarball (offline: it
 * has no dependencies). Returns { dir, tarball, remove }.
 */
export function installedApp(prefix = "inbox-app-") {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const tarball = packPackage(dir);
  const app = join(dir, "app");
  execFileSync("mkdir", [app]);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "user-app", private: true, type: "module" }));
  execFileSync("npm", ["install", "--offline", ...npmQuiet, tarball], { cwd: app });
  return { dir: app, tarball, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The first ```js block after the line `heading` in the README, exactly as written there. */
export function readmeSnippet(heading) {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const from = readme.indexOf(`\n${heading}`);
  assert.ok(from >= 0, `README has ${heading}`);
  const block = /```js\n([\s\S]*?)```/.exec(readme.slice(from));
  assert.ok(block, `a js block follows ${heading}`);
  return block[1];
}

/** Runs a command; resolves to { code, stdout, stderr } (never rejects on a non-zero exit). */
export function run(command, args, options) {
  return new Promise((resolve) => {
    execFile(command, args, { encoding: "utf8", timeout: 120_000, ...options }, (error, stdout, stderr) =>
      resolve({ code: error ? (error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The last line of a child's stdout, parsed as JSON (the scenario scripts print one). */
export function lastJson({ code, stdout, stderr }) {
  assert.equal(code, 0, `exit ${code}\nstdout: ${stdout}\nstderr: ${stderr}`);
  return JSON.parse(stdout.trim().split("\n").at(-1));
}

/** Writes a file into the app and returns its path. */
export function write(dir, name, text) {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/**
 * The runner script a runtime executes: `load` initialises the package and leaves `InboxClient`
 * in scope, `args` evaluates to [url, token, runId]; it prints the scenarios' result as JSON.
 */
export function scenarioScript(load, args) {
  return `${load}
import { scenarios } from "./scenarios.mjs";
const [url, token, runId] = ${args};
console.log(JSON.stringify(await scenarios({ InboxClient }, { url, token, runId })));
`;
}

/** Copies tests/runtimes/scenarios.mjs into the app (a runtime may only read the app's folder). */
export function addScenarios(dir) {
  write(dir, "scenarios.mjs", readFileSync(join(root, "tests/runtimes/scenarios.mjs"), "utf8"));
}

/** Asserts what tests/runtimes/scenarios.mjs returned, and the emulator's records of it. */
export async function assertScenarios(out, emulator, runId, token) {
  assert.equal(out.sent.length, 2);
  assert.deepEqual(out.sent.map((s) => s.content), [`first ${runId}`, `second ${runId}`]);
  assert.equal(out.sent[0].threadId, out.sent[1].threadId, "the second DM goes to the same thread");
  assert.equal(typeof out.rateLimit?.remaining, "number", "rateLimit read from the headers");

  const error = (e, expected, what) => {
    assert.ok(e, `${what}: the send failed`);
    assert.equal(e.isError, true, `${what}: an Error`);
    assert.equal(e.name, "InboxError", what);
    for (const [key, value] of Object.entries(expected)) assert.equal(e[key], value, `${what}: ${key} (${e.message})`);
    assert.ok(!e.message.includes(token) && !e.message.includes("wrong-token"), `${what}: no token in the message`);
  };
  error(out.unauthorized, { kind: "unauthorized", status: 401, maybeSent: false, attempts: 1 }, "wrong token");
  error(out.aborted, { kind: "aborted", maybeSent: true, attempts: 1 }, "abort in flight");
  error(out.abortedBefore, { kind: "aborted", maybeSent: false, attempts: 0 }, "abort before sending");
  error(out.timeout, { kind: "timeout", maybeSent: true, attempts: 1 }, "timeout");
  assert.ok(out.timeoutElapsedMs >= 250 && out.timeoutElapsedMs < 2500, `timed out after ${out.timeoutElapsedMs} ms`);
  error(out.invalid, { kind: "invalid_request", field: "externalPlatformId", attempts: 0 }, "an @handle");
  assert.ok(out.last.messageId, "a send after all of that works");

  // The emulator's side: each DM it processed is stored exactly once; the rest never arrived.
  const stored = (await emulator.control.messages()).filter((m) => m.content.endsWith(` ${runId}`));
  assert.deepEqual(stored.map((m) => m.content.split(" ")[0]).sort(), ["first", "last", "second", "timeout"]);
  // The abort closed the hung request's connection: the fetch itself was cancelled.
  const requests = await emulator.control.requests();
  const hung = requests.find((r) => r.body?.includes(`aborted ${runId}`));
  assert.ok(hung, "the aborted request reached the emulator");
  for (let i = 0; i < 50 && !hung.clientClosed; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    Object.assign(hung, (await emulator.control.requests()).find((r) => r.seq === hung.seq));
  }
  assert.equal(hung.clientClosed, true, "the client closed the aborted request's connection");
}

/**
 * A script that verifies webhook deliveries with `inbox-sender/webhook` as a runtime loads it
 * from the installed package, and prints what each gave: `[body, header, secret]` triples come
 * as JSON in the first argument (`args`, the runtime's argument list). Deliveries are signed by
 * `signedDeliveries` with node:crypto, so the runtime's WebCrypto is checked against another
 * implementation.
 */
export function webhookScript(args) {
  return `import { verifyWebhook } from "inbox-sender/webhook";
${VERIFY_ALL}
console.log(JSON.stringify(await verifyAll(JSON.parse(${args}[0]))));
`;
}

/**
 * The source of `verifyAll(deliveries)`, which verifies each `[body, header, secret]` (the body
 * as bytes) with the `verifyWebhook` in scope and answers what each gave, for a script to embed.
 */
export const VERIFY_ALL = `async function verifyAll(deliveries) {
  const out = [];
  for (const [body, header, secret] of deliveries) {
    try {
      const event = await verifyWebhook(new TextEncoder().encode(body), header, secret);
      out.push({ id: event.id, seq: event.seq });
    } catch (error) {
      out.push({ name: error.name, kind: error.kind, check: error.check, leaked: error.message.includes(secret) });
    }
  }
  return out;
}`;

/** Three deliveries for `webhookScript`, signed now: one good, one tampered, one stale. */
export function signedDeliveries() {
  const secret = "whsec_runtime_5d1f";
  const body = JSON.stringify({ id: "evt_rt", seq: 11, type: "message.received", apiVersion: "2", createdAt: "2026-12-07T10:00:00.000Z", object: { type: "message", id: "m1", url: "/api/v2/messages/m1" }, data: { threadId: "t1" } });
  const sign = (t) => `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${body}`).digest("hex")}`;
  const now = Math.floor(Date.now() / 1000);
  return JSON.stringify([
    [body, sign(now), secret],
    [body.replace("t1", "t2"), sign(now), secret],
    [body, sign(now - 3600), secret],
  ]);
}

/** Asserts what `webhookScript` printed for `signedDeliveries`. */
export function assertWebhooks(out) {
  assert.deepEqual(out, [
    { id: "evt_rt", seq: 11 },
    { name: "InboxError", kind: "invalid_signature", check: "mismatch", leaked: false },
    { name: "InboxError", kind: "invalid_signature", check: "stale", leaked: false },
  ]);
}
