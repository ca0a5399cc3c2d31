// The README's Node quick start, run as written: pkg/ installed into a fresh app with npm, the
// snippet copied from the README, pointed at the emulator through its environment variables.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator } from "./helpers.mjs";

const root = new URL("../../", import.meta.url).pathname;
const app = mkdtempSync(join(tmpdir(), "inbox-readme-"));
after(() => rmSync(app, { recursive: true, force: true }));

/** The first ```js block after `heading` in the README. */
function snippet(heading) {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const from = readme.indexOf(heading);
  assert.ok(from >= 0, `README has ${heading}`);
  const block = /```js\n([\s\S]*?)```/.exec(readme.slice(from));
  assert.ok(block, `a js block follows ${heading}`);
  return block[1];
}

test("README Node quick start sends a DM", async () => {
  const emulator = await startEmulator();
  try {
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "readme-app", type: "module", private: true }));
    execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--loglevel=error", join(root, "pkg")], { cwd: app });
    writeFileSync(join(app, "app.mjs"), snippet("### Node.js"));
    const out = execFileSync("node", ["app.mjs"], {
      cwd: app,
      env: { ...process.env, INBOX_API_TOKEN: emulator.token, INBOX_BASE_URL: emulator.url },
      encoding: "utf8",
    });
    const stored = await emulator.control.messages();
    assert.equal(stored.length, 1, "one DM stored");
    assert.ok(out.includes(stored[0].id) && out.includes(stored[0].threadId), out);
  } finally {
    await emulator.stop();
  }
});
