// The fault scenarios (tests/js/fault-scenarios.mjs) in headless Chromium: the page loads pkg/
// with `await init()` from the emulator's origin and runs each scenario; one test each.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { startEmulator } from "../js/helpers.mjs";
import { scenarios } from "../js/fault-scenarios.mjs";

const root = new URL("../../", import.meta.url).pathname;
// With "/", "+" and "=": the characters whose echoes change form (JSON-escaped, percent-encoded).
const TOKEN = "tok/faults+chromium=93e0b7";
let emulator;
let browser;
let page;
const pageErrors = [];

before(async () => {
  emulator = await startEmulator(["--token", TOKEN, "--serve-dir", root]);
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  page = await browser.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(`${emulator.url}/tests/browser/faults.html`);
  await page.waitForFunction(() => window.scenariosReady === true, null, { timeout: 20_000 });
}, { timeout: 60_000 });
after(async () => {
  await browser?.close();
  await emulator?.stop();
});

for (const scenario of scenarios) {
  test(scenario.name, { todo: scenario.knownIssue?.browser, timeout: 30_000 }, async (t) => {
    const row = await page.evaluate(([name, token]) => window.runScenario(name, token), [scenario.name, TOKEN]);
    t.diagnostic(JSON.stringify(row));
  });
}

test("the page raised no uncaught error or unhandled rejection", () => {
  assert.deepEqual(pageErrors, []);
});
