// Headless Chromium (playwright-core, Debian's /usr/bin/chromium): a page served by the bench
// server runs the send loop of sends.mjs against the same origin.
import { readFileSync } from "node:fs";
import { chromium } from "playwright-core";
import { bundle } from "./sizes.mjs";
import { compare } from "./compare.mjs";

const here = new URL("./", import.meta.url);
const pkg = new URL("../pkg/", import.meta.url);
const JS = "text/javascript";

const PAGE = `<!doctype html><meta charset="utf-8"><title>inbox-sender bench</title>
<script type="module">
import init, { InboxClient } from "/pkg/inbox_sender.js";
import { contenders, batch } from "/sends.mjs";
import { sendWithFetch } from "/baselines/fetch.mjs";
import { sendWithFetchTimeout } from "/baselines/fetch-timeout.mjs";
import { sendWithKy } from "/ky.mjs";
await init();
const all = contenders({ InboxClient, sendWithFetch, sendWithFetchTimeout, sendWithKy, baseUrl: location.origin });
window.runBatch = (name, count, inFlight) => batch(all[name], count, inFlight);
</script>`;

/** The GET routes the bench server needs for the page. */
export async function pageFiles() {
  const file = (url, type) => ({ type, body: readFileSync(url) });
  return {
    "/": { type: "text/html; charset=utf-8", body: PAGE },
    "/pkg/inbox_sender.js": file(new URL("inbox_sender.js", pkg), JS),
    "/pkg/inbox_sender_bg.wasm": file(new URL("inbox_sender_bg.wasm", pkg), "application/wasm"),
    "/sends.mjs": file(new URL("sends.mjs", here), JS),
    "/baselines/fetch.mjs": file(new URL("baselines/fetch.mjs", here), JS),
    "/baselines/fetch-timeout.mjs": file(new URL("baselines/fetch-timeout.mjs", here), JS),
    "/ky.mjs": { type: JS, body: await bundle(new URL("baselines/ky.mjs", here).pathname, false) },
  };
}

/** Opens the page; resolves to { sends(names, options), close }. */
export async function startBrowser(serverUrl) {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (error) => errors.push(error));
    await page.goto(serverUrl + "/");
    await page.waitForFunction(() => typeof window.runBatch === "function", null, { timeout: 10_000 }).catch(() => {
      throw new Error(`the bench page did not start: ${errors.join("; ") || "no error reported"}`);
    });
    const runBatch = (name, count, inFlight) =>
      page.evaluate(([n, c, f]) => window.runBatch(n, c, f), [name, count, inFlight]);
    return { sends: (names, options) => compare(runBatch, names, options), close: () => browser.close() };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
