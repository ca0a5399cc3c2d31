// The campaign Worker as a user runs it: `wrangler dev --local` (the local wrangler of
// campaign/node_modules), a real process in its own process group, on local state kept in
// `persistTo`, so a test can kill the whole runtime (SIGKILL of the group) and start it again.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { after, before } from "node:test";
import { SECRET, TOKEN, startEmulator } from "./harness.mjs";

const campaign = new URL("../", import.meta.url).pathname;
export const WRANGLER = `${campaign}node_modules/.bin/wrangler`;

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `wrangler dev --local --persist-to <persistTo> --port <port>` with `vars` (each a
 * `--var`), detached (its own process group); resolves once it answers HTTP, to
 * { url, kill } where kill() SIGKILLs the whole group and waits for the exit.
 */
export async function startWranglerDev({ persistTo, port, vars }) {
  const args = [
    "dev", "--local", "--persist-to", persistTo, "--port", String(port), "--ip", "127.0.0.1",
    "--inspector-port", String(await freePort()),
    "--show-interactive-dev-session=false",
    ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
  ];
  const child = spawn(WRANGLER, args, {
    cwd: campaign,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1" },
  });
  let output = "";
  const keep = (chunk) => {
    output = (output + chunk).slice(-20_000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const kill = async () => {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // the group is already gone
    }
    await exited;
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}):\n${output}`);
    try {
      await fetch(`${url}/`);
      return { url, kill, output: () => output };
    } catch {
      if (Date.now() > deadline) {
        await kill();
        throw new Error(`wrangler dev did not answer within 120 s:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

/**
 * A test file's emulator (started with `emulatorArgs`) and the state `wrangler dev` keeps in a
 * temporary folder, made before the file's tests and removed after them with the runtime.
 * `start(port)` runs wrangler dev on that state against the emulator (the test token and secret,
 * and `vars`); `kill()` SIGKILLs it; `call(path, init)` asks the running one with the secret.
 */
export function wranglerDevSuite({ emulatorArgs, prefix, vars }) {
  const suite = { emulator: null, runtime: null, persistTo: null };
  before(async () => {
    suite.emulator = await startEmulator(["--token", TOKEN, ...emulatorArgs]);
    suite.persistTo = mkdtempSync(`${tmpdir()}/${prefix}`);
  });
  after(async () => {
    await suite.runtime?.kill();
    await suite.emulator?.stop();
    if (suite.persistTo) rmSync(suite.persistTo, { recursive: true, force: true });
  });
  suite.start = async (port) => {
    suite.runtime = await startWranglerDev({
      persistTo: suite.persistTo,
      port,
      vars: { INBOX_BASE_URL: suite.emulator.url, INBOX_API_TOKEN: TOKEN, CAMPAIGN_SECRET: SECRET, ...vars },
    });
  };
  suite.kill = () => suite.runtime.kill();
  suite.call = async (path, init = {}) => {
    const response = await fetch(`${suite.runtime.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${SECRET}`, "content-type": "application/json" },
    });
    return { status: response.status, json: await response.json() };
  };
  return suite;
}
