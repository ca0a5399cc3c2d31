// The Vite app as its user builds it: `npm pack` of pkg/ installed into the app (no copy of
// the .wasm anywhere), `vite build`, `vite preview` on 127.0.0.1, and the page sending a DM in
// headless Chromium to the emulator on another port (cross-origin: CORS preflight included).
// The README's browser quick start runs the same way, as written, in a second Vite build.
// Run from the repo root: node --test examples/vite-app/test/
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build, preview } from "vite";
import { chromium } from "playwright-core";
import { startEmulator, unique } from "../../../tests/js/helpers.mjs";
import { packPackage, readmeSnippet } from "../../../tests/runtimes/package.mjs";
import { sizes } from "../../../scripts/size.mjs";

const example = new URL("../", import.meta.url).pathname;
const temp = mkdtempSync(join(tmpdir(), "inbox-vite-"));
const outDir = join(temp, "dist");
let emulator, server, browser, page, appUrl;
const pageErrors = [];
const wasmResponses = [];

before(async () => {
  // What a user does: install the package from its tarball (the lockfile keeps only vite).
  const tarball = packPackage(temp);
  execFileSync("npm", ["install", "--no-save", "--offline", "--no-audit", "--no-fund", "--loglevel=error", tarball], { cwd: example });
  await build({ root: example, logLevel: "warn", build: { outDir, emptyOutDir: true } });
  server = await preview({ root: example, logLevel: "warn", build: { outDir }, preview: { host: "127.0.0.1", port: 0, strictPort: true, open: false } });
  appUrl = server.resolvedUrls.local[0];
  emulator = await startEmulator();
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  page = await browser.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("response", (response) => {
    if (response.url().endsWith(".wasm")) wasmResponses.push({ url: response.url(), type: response.headers()["content-type"] });
  });
}, { timeout: 120_000 });
after(async () => {
  await browser?.close();
  await server?.close();
  await emulator?.stop();
  rmSync(temp, { recursive: true, force: true });
});

test("vite build emits the .wasm as an asset and points the glue at it", (t) => {
  const assets = readdirSync(join(outDir, "assets"));
  const wasm = assets.filter((f) => f.endsWith(".wasm"));
  const js = assets.filter((f) => f.endsWith(".js"));
  assert.equal(wasm.length, 1, `one .wasm in dist/assets: ${assets}`);
  assert.ok(js.some((f) => readFileSync(join(outDir, "assets", f), "utf8").includes(wasm[0])), "the bundle names the emitted .wasm");
  const total = { js: 0, wasm: 0 };
  for (const f of [...js, ...wasm]) {
    const size = sizes(readFileSync(join(outDir, "assets", f)));
    total[f.endsWith(".wasm") ? "wasm" : "js"] += size.brotli;
    t.diagnostic(`${f}: ${size.raw} B raw, ${size.gzip} B gzip, ${size.brotli} B brotli`);
  }
  t.diagnostic(`built app JS + wasm, brotli: ${total.js} + ${total.wasm} = ${total.js + total.wasm} B`);
});

/** Fills the form and sends; resolves to the output's state and text. */
async function send({ token = emulator.token, content }) {
  await page.goto(appUrl);
  await page.fill("input[name=baseUrl]", emulator.url);
  await page.fill("input[name=token]", token);
  await page.fill("textarea[name=content]", content);
  await page.click("button[type=submit]");
  await page.waitForFunction(() => ["sent", "error"].includes(document.querySelector("#result").dataset.state), null, { timeout: 20_000 });
  return page.$eval("#result", (el) => ({ state: el.dataset.state, text: el.textContent }));
}

test("the built app sends a DM from Chromium to the emulator on another origin", async () => {
  const content = unique("Hi Maya from a Vite app");
  const result = await send({ content });
  const stored = await emulator.control.stored(content);
  assert.equal(stored.length, 1, `stored once (${result.text})`);
  assert.equal(result.state, "sent");
  assert.ok(result.text.includes(stored[0].id) && result.text.includes(stored[0].threadId), result.text);
  assert.ok(wasmResponses.length > 0 && wasmResponses.every((r) => new URL(r.url).origin === new URL(appUrl).origin));
  assert.ok(wasmResponses.every((r) => r.type === "application/wasm"), JSON.stringify(wasmResponses));
});

test("a wrong token shows the unauthorized error's sentence, without the token", async () => {
  const result = await send({ token: "not-the-token", content: unique("Hi") });
  assert.equal(result.state, "error");
  assert.match(result.text, /^unauthorized: /);
  assert.ok(!result.text.includes("not-the-token"), result.text);
});

test("the README browser quick start, as written, bundled by Vite, sends a DM in Chromium", async () => {
  // The snippet uses names the reader supplies (token, accountLinkId, content, externalId,
  // show) and calls the real API: a prefix defines them, and the route below answers
  // https://inboxapp.com from the emulator.
  const project = join(temp, "readme-app");
  mkdirSync(project);
  symlinkSync(join(example, "node_modules"), join(project, "node_modules"), "dir");
  writeFileSync(join(project, "index.html"), `<!doctype html><meta charset="utf-8"><output id="shown"></output><script type="module" src="./main.js"></script>`);
  const content = unique("Hi Maya from the README");
  const prefix = [
    `const token = ${JSON.stringify(emulator.token)};`,
    `const accountLinkId = "acct1sales", externalId = "p1maya", content = ${JSON.stringify(content)};`,
    `const show = (text) => { document.querySelector("#shown").textContent = text; };`,
  ].join("\n");
  writeFileSync(join(project, "main.js"), `${prefix}\n${readmeSnippet("### Browser")}`);
  const readmeOut = join(temp, "readme-dist");
  await build({ root: project, logLevel: "warn", build: { outDir: readmeOut, emptyOutDir: true } });
  const readmeServer = await preview({ root: project, logLevel: "warn", build: { outDir: readmeOut }, preview: { host: "127.0.0.1", port: 0, strictPort: true, open: false } });
  const routed = await browser.newPage();
  try {
    const cors = { "access-control-allow-origin": "*", "access-control-allow-headers": "authorization, content-type", "access-control-allow-methods": "POST" };
    await routed.route("https://inboxapp.com/**", async (route) => {
      const request = route.request();
      if (request.method() === "OPTIONS") return route.fulfill({ status: 204, headers: cors });
      const url = new URL(request.url());
      const answer = await route.fetch({ url: emulator.url + url.pathname + url.search });
      return route.fulfill({ response: answer, headers: { ...answer.headers(), ...cors } });
    });
    await routed.goto(readmeServer.resolvedUrls.local[0]);
    await routed.waitForFunction(() => document.querySelector("#shown").textContent !== "", null, { timeout: 20_000 });
    const shown = await routed.$eval("#shown", (el) => el.textContent);
    const stored = await emulator.control.stored(content);
    assert.equal(stored.length, 1, shown);
    assert.equal(shown, `Sent — thread ${stored[0].threadId}`);
  } finally {
    await routed.close();
    await readmeServer.close();
  }
});

test("the page raised no uncaught error", () => {
  assert.deepEqual(pageErrors, []);
});
