// Deno (from npm: @deno/linux-x64-glibc, the newest and 2.0.0) loads the package as a Deno user
// would: the packed tarball installed into an app's node_modules, imported as "inbox-sender",
// initialised from `Deno.readFile` or with `await init()` (Deno's fetch reads the file: URL). The
// README's Deno quick start runs as written; the shared scenarios (send, 401, abort, timeout,
// validation) pass. Offline: Deno resolves from node_modules and is given an unreachable registry.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startEmulator } from "../js/helpers.mjs";
import { DENOS, installedApp, readmeSnippet, write, run, lastJson, scenarioScript, addScenarios, assertScenarios, webhookScript, signedDeliveries, assertWebhooks } from "./package.mjs";

let app, emulator, env;
before(async () => {
  app = installedApp("inbox-deno-");
  addScenarios(app.dir);
  emulator = await startEmulator();
  env = { ...process.env, DENO_DIR: join(app.dir, "..", "deno-dir"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1", NPM_CONFIG_REGISTRY: "http://127.0.0.1:9/" };
});
after(async () => {
  await emulator?.stop();
  app?.remove();
});

const loaders = {
  "initSync from Deno.readFile": `import { initSync, InboxClient } from "inbox-sender";
initSync({ module: await Deno.readFile(new URL(import.meta.resolve("inbox-sender/inbox_sender_bg.wasm"))) });`,
  "await init()": `import init, { InboxClient } from "inbox-sender";
await init();`,
};

for (const deno of DENOS) {
  describe(`Deno (${deno.name})`, () => {
    test("is version 2 or later", async () => {
      const { stdout } = await run(deno.path, ["--version"], { env });
      assert.ok(Number(/^deno (\d+)\./.exec(stdout)?.[1]) >= 2, stdout);
      console.log(`# ${stdout.split("\n")[0]}`);
    });

    test("README Deno quick start sends a DM, run as written with the README's permissions", async () => {
      const file = `quick-start-${deno.name}.js`;
      write(app.dir, file, readmeSnippet("### Deno"));
      const { code, stdout, stderr } = await run(
        deno.path,
        ["run", "--allow-read", "--allow-net", "--allow-env=INBOX_API_TOKEN,INBOX_BASE_URL", file],
        { cwd: app.dir, env: { ...env, INBOX_API_TOKEN: emulator.token, INBOX_BASE_URL: emulator.url } },
      );
      assert.equal(code, 0, stderr);
      const sent = (await emulator.control.messages()).filter((m) => stdout.includes(m.id));
      assert.equal(sent.length, 1, `one stored DM printed: ${stdout}`);
      assert.ok(stdout.includes(sent[0].threadId), stdout);
    });

    for (const [name, load] of Object.entries(loaders)) {
      test(`${name}: sends, 401, abort, timeout and validation`, async () => {
        const file = `scenarios-${deno.name}-${name.replace(/\W+/g, "-")}.js`;
        write(app.dir, file, scenarioScript(load, "Deno.args"));
        const runId = `deno-${deno.name}-${Date.now()}`;
        const host = new URL(emulator.url).host;
        const out = lastJson(
          await run(deno.path, ["run", `--allow-read=${app.dir}`, `--allow-net=${host}`, file, emulator.url, emulator.token, runId], {
            cwd: app.dir,
            env,
          }),
        );
        await assertScenarios(out, emulator, runId, emulator.token);
      });
    }

    test("inbox-sender/webhook verifies with Deno's WebCrypto, with no permission at all", async () => {
      const file = `webhook-${deno.name}.js`;
      write(app.dir, file, webhookScript("Deno.args"));
      assertWebhooks(lastJson(await run(deno.path, ["run", file, signedDeliveries()], { cwd: app.dir, env })));
    });
  });
}
