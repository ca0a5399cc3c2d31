// Deno (from npm: @deno/linux-x64-glibc) loads the package as a Deno user would: the packed
// tarball installed into an app's node_modules, imported as "inbox-sender", initialised from
// `Deno.readFile` or with `await init()` (Deno's fetch reads the file: URL). The README's Deno
// quick start runs as written; the shared scenarios (send, 401, abort, timeout, validation) pass.
// Offline: Deno resolves from node_modules and never asks a registry (DENO_DIR is a temp dir).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startEmulator } from "../js/helpers.mjs";
import { DENO, installedApp, readmeSnippet, write, run, lastJson, scenarioScript, addScenarios, assertScenarios } from "./package.mjs";

let app, emulator, env;
before(async () => {
  app = installedApp("inbox-deno-");
  addScenarios(app.dir);
  emulator = await startEmulator();
  // An unreachable registry: the run must need none.
  env = { ...process.env, DENO_DIR: join(app.dir, "..", "deno-dir"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1", NPM_CONFIG_REGISTRY: "http://127.0.0.1:9/" };
});
after(async () => {
  await emulator?.stop();
  app?.remove();
});

test("deno is version 2 or later", async () => {
  const { stdout } = await run(DENO, ["--version"], { env });
  const major = Number(/^deno (\d+)\./.exec(stdout)?.[1]);
  assert.ok(major >= 2, stdout);
});

test("README Deno quick start sends a DM, run as written with the README's permissions", async () => {
  write(app.dir, "quick-start.js", readmeSnippet("### Deno"));
  const { code, stdout, stderr } = await run(
    DENO,
    ["run", "--allow-read", "--allow-net", "--allow-env=INBOX_API_TOKEN,INBOX_BASE_URL", "quick-start.js"],
    { cwd: app.dir, env: { ...env, INBOX_API_TOKEN: emulator.token, INBOX_BASE_URL: emulator.url } },
  );
  assert.equal(code, 0, stderr);
  const sent = (await emulator.control.messages()).filter((m) => stdout.includes(m.id));
  assert.equal(sent.length, 1, `one stored DM printed: ${stdout}`);
  assert.ok(stdout.includes(sent[0].threadId), stdout);
});

const loaders = {
  "initSync from Deno.readFile": `import { initSync, InboxClient } from "inbox-sender";
initSync({ module: await Deno.readFile(new URL(import.meta.resolve("inbox-sender/inbox_sender_bg.wasm"))) });`,
  "await init()": `import init, { InboxClient } from "inbox-sender";
await init();`,
};
for (const [name, load] of Object.entries(loaders)) {
  test(`Deno, ${name}: sends, 401, abort, timeout and validation`, async () => {
    const file = `scenarios-${name.replace(/\W+/g, "-")}.js`;
    write(app.dir, file, scenarioScript(load, "Deno.args"));
    const runId = `deno-${Date.now()}`;
    const host = new URL(emulator.url).host;
    const out = lastJson(
      await run(DENO, ["run", `--allow-read=${app.dir}`, `--allow-net=${host}`, file, emulator.url, emulator.token, runId], {
        cwd: app.dir,
        env,
      }),
    );
    await assertScenarios(out, emulator, runId, emulator.token);
  });
}
