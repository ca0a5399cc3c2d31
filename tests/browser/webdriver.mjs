// A small W3C WebDriver client for the page tests in Firefox and WebKit: starts the engine's
// driver on a free loopback port (geckodriver driving headless firefox-esr; WebKitWebDriver
// driving WebKitGTK's MiniBrowser under a virtual X display from xvfb-run), opens a session and
// gives the page interface the fault suite uses (tests/browser/fault-suite.mjs).
import { spawn } from "node:child_process";
import { createServer } from "node:net";

const ENGINES = {
  firefox: {
    driver: (port) => ["geckodriver", ["--host", "127.0.0.1", "--port", String(port)]],
    capabilities: { browserName: "firefox", "moz:firefoxOptions": { binary: "/usr/bin/firefox-esr", args: ["-headless"] } },
  },
  webkit: {
    driver: (port) => ["xvfb-run", ["-a", "WebKitWebDriver", `--port=${port}`]],
    capabilities: {
      browserName: "MiniBrowser",
      "webkitgtk:browserOptions": { binary: "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser", args: ["--automation"] },
    },
  },
};

/** A loopback port that was free a moment ago (WebKitWebDriver does not report one it picked). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the driver; resolves to { call(method, path, body), stop() }. */
async function startDriver(engine) {
  const port = await freePort();
  const [command, args] = ENGINES[engine].driver(port);
  // Its own process group, so stopping it also stops xvfb-run's Xvfb and the browser.
  const child = spawn(command, args, { detached: true, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  let failed; // set when the command could not be started at all
  child.once("error", (error) => (failed = error));
  child.stderr.on("data", (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      return; // the group is gone already
    }
    await exited;
  };
  const base = `http://127.0.0.1:${port}`;
  const call = async (method, path, body) => {
    const response = await fetch(base + path, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const { value } = await response.json();
    if (!response.ok) throw new Error(`${engine} WebDriver ${method} ${path}: ${value?.error}: ${value?.message}`);
    return value;
  };
  try {
    for (let i = 0; ; i += 1) {
      if (failed) throw new Error(`${command} could not start (${failed.message}): is scripts/setup.sh done?`);
      if (child.exitCode !== null) throw new Error(`${command} exited (${child.exitCode}): ${stderr}`);
      try {
        if ((await call("GET", "/status")).ready) break;
      } catch (error) {
        if (i >= 200) throw new Error(`${command} did not start: ${error.message}\n${stderr}`);
      }
      await sleep(50);
    }
    return { call, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Opens `url` in `engine` ("firefox" or "webkit") and waits until `window.scenariosReady`.
 * Resolves to { version, run(name, token), errors(), close() }.
 */
export async function openPage(engine, url) {
  const driver = await startDriver(engine);
  let session;
  const quit = async () => {
    if (session) await driver.call("DELETE", session).catch(() => {});
    await driver.stop();
  };
  try {
    const created = await driver.call("POST", "/session", { capabilities: { alwaysMatch: ENGINES[engine].capabilities } });
    session = `/session/${created.sessionId}`;
    await driver.call("POST", `${session}/timeouts`, { script: 60_000, pageLoad: 30_000 });
    await driver.call("POST", `${session}/url`, { url });
    const script = (source, args = []) => driver.call("POST", `${session}/execute/sync`, { script: source, args });
    for (let i = 0; !(await script("return window.scenariosReady === true")); i += 1) {
      if (i >= 400) throw new Error(`${engine}: the page never set scenariosReady; its errors: ${JSON.stringify(await script("return window.pageErrors"))}`);
      await sleep(50);
    }
    return {
      version: `${created.capabilities.browserName} ${created.capabilities.browserVersion}`,
      async run(name, token) {
        const { row, error } = await driver.call("POST", `${session}/execute/async`, {
          script: `const [name, token, done] = arguments;
            window.runScenario(name, token).then((row) => done({ row }), (e) => done({ error: String(e && e.stack ? e.message + "\\n" + e.stack : e) }));`,
          args: [name, token],
        });
        if (error !== undefined) throw new Error(error);
        return row;
      },
      errors: () => script("return window.pageErrors"),
      close: quit,
    };
  } catch (error) {
    await quit();
    throw error;
  }
}
