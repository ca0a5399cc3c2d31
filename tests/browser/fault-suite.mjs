// The fault scenarios (tests/js/fault-scenarios.mjs) in one browser engine: the page
// (faults.html) loads pkg/ with `await init()` from the emulator's origin and runs each scenario;
// one test each. A scenario's `knownIssue[engine]` marks it todo in that engine.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startEmulator } from "../js/helpers.mjs";
import { scenarios } from "../js/fault-scenarios.mjs";

const root = new URL("../../", import.meta.url).pathname;

/**
 * Registers the suite for `engine`; `open(url)` loads the page once it is ready and resolves to
 * { version, run(name, token), errors(), close() }.
 */
export function faultSuite(engine, open) {
  // With "/", "+" and "=": the characters whose echoes change form (JSON-escaped, percent-encoded).
  const token = `tok/faults+${engine}=93e0b7`;
  let emulator;
  let page;

  before(async () => {
    emulator = await startEmulator(["--token", token, "--serve-dir", root]);
    page = await open(`${emulator.url}/tests/browser/faults.html?engine=${engine}`);
    console.log(`# ${page.version}`);
  }, { timeout: 90_000 });
  after(async () => {
    await page?.close();
    await emulator?.stop();
  });

  for (const scenario of scenarios) {
    test(scenario.name, { todo: scenario.knownIssue?.[engine], timeout: 60_000 }, async (t) => {
      t.diagnostic(JSON.stringify(await page.run(scenario.name, token)));
    });
  }

  test("the page raised no uncaught error or unhandled rejection", async () => {
    assert.deepEqual(await page.errors(), []);
  });
}
