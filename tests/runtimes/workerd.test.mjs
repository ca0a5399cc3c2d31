// What each call reports and uses in workerd: the shared scenarios of
// tests/js/fault-scenarios.mjs for the `fetch` option, `meta`, `error.rateLimit` and
// `validate`, run inside a Worker (Miniflare) that loads pkg/ with initSync, against the emulator.
// The same scenarios run in Node (tests/js/faults.test.mjs) and a page in Chromium, Firefox and
// WebKit (tests/browser/).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator } from "../js/helpers.mjs";
import { scenarios } from "../js/fault-scenarios.mjs";
import { root, workerdIn } from "./package.mjs";

/** The scenarios about what each call reports and uses, by the words their names start with. */
const FACTS = scenarios.filter((s) => /^(the fetch option|validate)/.test(s.name));

const WORKER = `
import wasm from "./inbox_sender_bg.wasm";
import { initSync, InboxClient } from "./inbox_sender.js";
import { scenarios, runScenario } from "./fault-scenarios.mjs";

initSync({ module: wasm });

export default {
  async fetch(request, env) {
    const { name } = await request.json();
    const scenario = scenarios.find((s) => s.name === name);
    try {
      const row = await runScenario(scenario, { InboxClient, url: env.URL, token: env.TOKEN, runtime: "workerd" });
      return Response.json({ ok: true, row });
    } catch (error) {
      return Response.json({ ok: false, error: String(error?.stack ?? error) });
    }
  },
};
`;

let dir, emulator, worker;
before(async () => {
  emulator = await startEmulator();
  dir = mkdtempSync(join(tmpdir(), "inbox-workerd-"));
  writeFileSync(join(dir, "worker.mjs"), WORKER);
  copyFileSync(join(root, "pkg/inbox_sender.js"), join(dir, "inbox_sender.js"));
  copyFileSync(join(root, "pkg/inbox_sender_bg.wasm"), join(dir, "inbox_sender_bg.wasm"));
  copyFileSync(join(root, "tests/js/fault-scenarios.mjs"), join(dir, "fault-scenarios.mjs"));
  worker = await workerdIn(dir, "worker.mjs", { bindings: { URL: emulator.url, TOKEN: emulator.token } });
}, { timeout: 60_000 });
after(async () => {
  await worker?.dispose();
  await emulator?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("the report-and-use scenarios are found", () => assert.equal(FACTS.length, 2));

for (const scenario of FACTS) {
  test(`workerd: ${scenario.name}`, { timeout: 60_000 }, async (t) => {
    const response = await worker.dispatchFetch("http://worker.test/", { method: "POST", body: JSON.stringify({ name: scenario.name }) });
    const answer = await response.json();
    assert.ok(answer.ok, answer.error);
    t.diagnostic(JSON.stringify(answer.row));
  });
}
