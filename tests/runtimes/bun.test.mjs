// Bun (from npm: @oven/bun-linux-x64) loads the package as a Bun user would: the packed tarball
// installed into an app's node_modules and imported as "inbox-sender". The README's Bun quick
// start and its Node quick start (Bun runs it unchanged) run as written; the shared scenarios
// (send, 401, abort, timeout, validation) pass against the emulator.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startEmulator } from "../js/helpers.mjs";
import { BUN, installedApp, readmeSnippet, write, run, lastJson, scenarioScript, addScenarios, assertScenarios } from "./package.mjs";

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

test("bun is version 1.1 or later", async () => {
  const { stdout } = await run(BUN, ["--version"], { env });
  const [major, minor] = stdout.trim().split(".").map(Number);
  assert.ok(major > 1 || (major === 1 && minor >= 1), stdout);
});

for (const heading of ["### Bun", "### Node.js"]) {
  test(`README ${heading.slice(4)} quick start sends a DM in Bun, run as written`, async () => {
    const file = `quick-start-${heading.slice(4).replace(/\W+/g, "")}.mjs`;
    write(app.dir, file, readmeSnippet(heading));
    const { code, stdout, stderr } = await run(BUN, [file], {
      cwd: app.dir,
      env: { ...env, INBOX_API_TOKEN: emulator.token, INBOX_BASE_URL: emulator.url },
    });
    assert.equal(code, 0, stderr);
    const sent = (await emulator.control.messages()).filter((m) => stdout.includes(m.id));
    assert.equal(sent.length, 1, `one stored DM printed: ${stdout}`);
    assert.ok(stdout.includes(sent[0].threadId), stdout);
  });
}

const loaders = {
  "initSync from Bun.file": `import { initSync, InboxClient } from "inbox-sender";
initSync({ module: await Bun.file(Bun.resolveSync("inbox-sender/inbox_sender_bg.wasm", import.meta.dir)).arrayBuffer() });`,
  "await init()": `import init, { InboxClient } from "inbox-sender";
await init();`,
};
for (const [name, load] of Object.entries(loaders)) {
  test(`Bun, ${name}: sends, 401, abort, timeout and validation`, async () => {
    const file = `scenarios-${name.replace(/\W+/g, "-")}.mjs`;
    write(app.dir, file, scenarioScript(load, "process.argv.slice(2)"));
    const runId = `bun-${Date.now()}`;
    const out = lastJson(await run(BUN, [file, emulator.url, emulator.token, runId], { cwd: app.dir, env }));
    await assertScenarios(out, emulator, runId, emulator.token);
  });
}
