// Bun (from npm: @oven/bun-linux-x64, the newest and 1.1.10) loads the package as a Bun user
// would: the packed tarball installed into an app's node_modules and imported as
// "inbox-sender". The README's Bun quick start and its Node quick start (Bun runs it unchanged)
// run as written; the shared scenarios (send, 401, abort, timeout, validation) pass.
// The minimum is 1.1.10, not 1.1.0: up to 1.1.9 an aborted fetch that is still waiting for the
// response head settles only when the server answers or closes the connection, so `timeoutMs`
// and `signal` fire late (measured here: 3 s instead of 300 ms against a delayed answer).
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { startEmulator } from "../js/helpers.mjs";
import { BUNS, installedApp, readmeSnippet, write, run, lastJson, scenarioScript, addScenarios, assertScenarios, webhookScript, signedDeliveries, assertWebhooks } from "./package.mjs";

let app, emulator;
const env = { ...process.env, NO_COLOR: "1", BUN_RUNTIME_TRANSPILER_CACHE_PATH: "0" };
before(async () => {
  app = installedApp("inbox-bun-");
  addScenarios(app.dir);
  emulator = await startEmulator();
});
after(async () => {
  await emulator?.stop();
  app?.remove();
});

const loaders = {
  "initSync from Bun.file": `import { initSync, InboxClient } from "inbox-sender";
initSync({ module: await Bun.file(Bun.resolveSync("inbox-sender/inbox_sender_bg.wasm", import.meta.dir)).arrayBuffer() });`,
  "await init()": `import init, { InboxClient } from "inbox-sender";
await init();`,
};

for (const bun of BUNS) {
  describe(`Bun (${bun.name})`, () => {
    test("is version 1.1.10 or later", async () => {
      const { stdout } = await run(bun.path, ["--version"], { env });
      const [major, minor, patch] = stdout.trim().split(".").map(Number);
      assert.ok(major > 1 || (major === 1 && (minor > 1 || (minor === 1 && patch >= 10))), stdout);
      console.log(`# bun ${stdout.trim()}`);
    });

    for (const heading of ["### Bun", "### Node.js"]) {
      test(`README ${heading.slice(4)} quick start sends a DM, run as written`, async () => {
        const file = `quick-start-${bun.name}-${heading.slice(4).replace(/\W+/g, "")}.mjs`;
        write(app.dir, file, readmeSnippet(heading));
        const { code, stdout, stderr } = await run(bun.path, [file], {
          cwd: app.dir,
          env: { ...env, INBOX_API_TOKEN: emulator.token, INBOX_BASE_URL: emulator.url },
        });
        assert.equal(code, 0, stderr);
        const sent = (await emulator.control.messages()).filter((m) => stdout.includes(m.id));
        assert.equal(sent.length, 1, `one stored DM printed: ${stdout}`);
        assert.ok(stdout.includes(sent[0].threadId), stdout);
      });
    }

    for (const [name, load] of Object.entries(loaders)) {
      test(`${name}: sends, 401, abort, timeout and validation`, async () => {
        const file = `scenarios-${bun.name}-${name.replace(/\W+/g, "-")}.mjs`;
        write(app.dir, file, scenarioScript(load, "process.argv.slice(2)"));
        const runId = `bun-${bun.name}-${Date.now()}`;
        const out = lastJson(await run(bun.path, [file, emulator.url, emulator.token, runId], { cwd: app.dir, env }));
        await assertScenarios(out, emulator, runId, emulator.token);
      });
    }

    test("inbox-sender/webhook verifies with Bun's WebCrypto", async () => {
      const file = `webhook-${bun.name}.mjs`;
      write(app.dir, file, webhookScript("process.argv.slice(2)"));
      assertWebhooks(lastJson(await run(bun.path, [file, signedDeliveries()], { cwd: app.dir, env })));
    });
  });
}
