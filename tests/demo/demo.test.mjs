// The demo page in headless Chromium, started exactly as the README's demo command starts it
// (scripts/demo.sh, without rebuilding pkg/): a DM sent and shown in its thread, stored once;
// a validation error, a 401 and a 429 explained; keyboard sending; screenshots for the README.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";

const root = new URL("../../", import.meta.url).pathname;
const shots = `${root}test-results`;
const MAYA = { id: "1566123362161725440", name: "Maya Lindqvist" };
const THEO = { id: "1420000000000000042", name: "Theo Marchetti" };

let demo;
let browser;
const pageErrors = [];

/** Runs scripts/demo.sh on a free port; resolves once it prints the URL to open. */
function startDemo() {
  // Its own process group, so a demo that ignores SIGTERM can still be killed with its emulator.
  const child = spawn(`${root}scripts/demo.sh`, ["--port", "0", "--no-build"], {
    stdio: ["ignore", "pipe", "inherit"],
    detached: true,
  });
  const killAll = () => {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {} // already gone
  };
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const lines = createInterface({ input: child.stdout });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the demo printed no URL within 30 s")), 30_000);
    exited.then(({ code }) => reject(new Error(`the demo exited early (${code})`)));
    lines.on("line", (line) => {
      const url = /^demo: open (http\S+?)\/?$/.exec(line)?.[1];
      if (!url) return;
      clearTimeout(timer);
      const stop = async () => {
        if (child.exitCode === null) child.kill("SIGTERM");
        const kill = setTimeout(killAll, 5_000);
        const result = await exited;
        clearTimeout(kill);
        return result;
      };
      resolve({ url, stop });
    });
  }).catch((error) => {
    killAll();
    throw error;
  });
}

const control = {
  json: async (path, init) => {
    const response = await fetch(demo.url + path, init);
    assert.ok(response.ok, `${path}: HTTP ${response.status}`);
    return response.json();
  },
  reset: () => control.json("/__emulator/reset", { method: "POST" }),
  messages: () => control.json("/__emulator/messages"),
  requests: () => control.json("/__emulator/requests"),
  faults: (...faults) =>
    control.json("/__emulator/faults", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ faults }) }),
};

const unique = (text) => `${text} [${Math.random().toString(36).slice(2, 8)}]`;

async function openPage(viewport = { width: 1280, height: 900 }) {
  const page = await browser.newPage({ viewport });
  page.setDefaultTimeout(15_000);
  page.on("pageerror", (error) => pageErrors.push(error));
  await page.goto(`${demo.url}/`);
  // The account links come from the API: the <select> is filled once the package and they load.
  await page.locator("#account-select option[value=acct1sales]").waitFor({ state: "attached" });
  return page;
}

async function compose(page, { kind = "platformId", recipient, content }) {
  await page.check(`input[name=kind][value=${kind}]`);
  await page.fill("#recipient", recipient);
  await page.fill("#content", content);
}

before(async () => {
  mkdirSync(shots, { recursive: true });
  demo = await startDemo();
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
});

after(async () => {
  await browser?.close();
  if (!demo) return;
  const { code } = await demo.stop();
  assert.equal(code, 0, "the demo stops cleanly on SIGTERM");
  await assert.rejects(fetch(`${demo.url}/`), "the emulator is gone after the demo stopped");
});

test("sends a DM to a seeded prospect and shows the prospect and the thread", async () => {
  await control.reset(); // a fresh thread: these exact contents are stored only by this test
  const page = await openPage();
  const content = "Hi Maya 👋🏽 loved your post on pipeline reviews.\nCoffee next week?";
  await compose(page, { recipient: MAYA.id, content });
  await page.click("#send");

  await page.locator(".bubble.new").waitFor();
  const stored = (await control.messages()).filter((m) => m.content === content);
  assert.equal(stored.length, 1, "stored exactly once");
  assert.equal(await page.textContent(".prospect-name"), `${MAYA.name}✓verified`);
  assert.match(await page.textContent(".prospect"), /@mayabuilds.*3,068 followers/s);
  assert.equal(await page.textContent(".bubble.new .bubble-text"), content, "the bubble holds the exact content");
  assert.match(await page.textContent(".bubble.new time"), /^Just sent · \d\d:\d\d:\d\d/);
  assert.equal(await page.textContent("#thread-id"), stored[0].threadId);
  assert.match(await page.textContent("#status"), new RegExp(`Sent to ${MAYA.name}`));
  assert.equal(await page.inputValue("#content"), "", "the message box is cleared after sending");
  assert.match(await page.textContent("#rate-limit"), /\d+ of 300 requests left/);
  const avatar = await page.$eval(".avatar", (img) => ({ src: img.src, loaded: img.naturalWidth > 0 }));
  assert.deepEqual(avatar, { src: `${demo.url}/avatars/mayabuilds.svg`, loaded: true });

  // A second message lands in the same thread, below the first.
  const second = "Here is the deck I mentioned ✨";
  await page.fill("#content", second);
  await page.click("#send");
  await page.locator(".bubble.new .bubble-text", { hasText: second }).waitFor();
  const texts = await page.$$eval(".bubble-text", (nodes) => nodes.map((n) => n.textContent));
  assert.ok(texts.indexOf(content) >= 0 && texts.indexOf(content) < texts.indexOf(second), "oldest at the top");
  assert.equal(await page.locator(".bubble.new").count(), 1);

  await page.screenshot({ path: `${shots}/demo-desktop.png`, fullPage: true });
  // The README's screenshot changes on every run (ids, times): replace it only when asked.
  if (process.env.UPDATE_SNAPSHOTS || !existsSync(`${root}www/screenshot.png`)) {
    copyFileSync(`${shots}/demo-desktop.png`, `${root}www/screenshot.png`);
  }
  await page.setViewportSize({ width: 380, height: 800 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling at 380px (${overflow}px too wide)`);
  await page.screenshot({ path: `${shots}/demo-narrow.png`, fullPage: true });
  await page.close();
});

test("keyboard: a logical focus order, Ctrl+Enter sends, a profile link is read as the numeric id", async () => {
  const page = await openPage();
  await page.focus("#base-url");
  const order = [];
  for (let i = 0; i < 10; i++) {
    order.push(await page.evaluate(() => { const a = document.activeElement; return a.id || a.value || a.textContent; }));
    await page.keyboard.press("Tab");
  }
  assert.deepEqual(order, ["base-url", "token", "account-select", "platformId", "recipient", "Maya", "Theo", "Priya", "content", "send"]);

  // The recipient kind is a radio group: arrow keys switch it.
  await page.focus("input[name=kind][value=platformId]");
  await page.keyboard.press("ArrowRight");
  assert.equal(await page.isChecked("input[name=kind][value=link]"), true);
  await page.keyboard.press("Tab");
  await page.keyboard.type(`https://x.com/i/user/${THEO.id}`);
  assert.equal(await page.textContent("#recipient-hint"), `X user id ${THEO.id}`);
  await page.focus("#content");
  const content = unique("Hey Theo, quick question 🙂");
  await page.keyboard.type(content);
  assert.equal(await page.textContent("#count"), `${[...content].length} / 10,000`);
  await page.keyboard.press("Control+Enter");
  await page.locator(".bubble.new .bubble-text", { hasText: content }).waitFor();
  assert.match(await page.textContent(".prospect-name"), new RegExp(`^${THEO.name}`));
  assert.equal((await control.messages()).filter((m) => m.content === content).length, 1);

  // Enter in a text field submits the form too.
  const again = unique("Enter sends from the recipient field");
  await page.fill("#content", again);
  await page.focus("#recipient");
  await page.keyboard.press("Enter");
  await page.locator(".bubble.new .bubble-text", { hasText: again }).waitFor();
  await page.close();
});

test("an @handle as X id: the package's message next to the recipient, nothing sent", async () => {
  const page = await openPage();
  const before = (await control.requests()).length;
  await compose(page, { recipient: "@mayabuilds", content: unique("never sent") });
  await page.click("#send");
  await page.locator("#recipient-error").waitFor();
  assert.match(await page.textContent("#recipient-error"), /handle/i);
  assert.equal(await page.getAttribute("#recipient", "aria-invalid"), "true");
  assert.equal(await page.evaluate(() => document.activeElement.id), "recipient", "focus moves to the field to fix");
  assert.match(await page.textContent("#status"), /Not sent: an input needs fixing/);
  assert.equal((await control.requests()).length, before, "nothing reached the emulator");
  await page.setViewportSize({ width: 380, height: 800 });
  await page.screenshot({ path: `${shots}/demo-invalid-narrow.png` });

  // Fixing the field and sending clears the error.
  await page.fill("#recipient", MAYA.id);
  await page.click("#send");
  await page.locator(".bubble.new").waitFor();
  assert.equal(await page.isVisible("#recipient-error"), false);
  assert.equal(await page.getAttribute("#recipient", "aria-invalid"), null);
  await page.close();
});

test("a wrong token: the account list falls back to free text and the 401 is explained", async () => {
  const page = await openPage();
  await page.fill("#token", "not-the-token");
  await page.locator("#account-text").waitFor();
  assert.equal(await page.inputValue("#account-text"), "acct1sales", "the chosen account link is kept");
  assert.match(await page.textContent("#account-hint"), /Could not list the account links \(HTTP 401\)/);
  const content = unique("wrong token");
  await compose(page, { recipient: MAYA.id, content });
  await page.click("#send");
  await page.locator("#status.error").waitFor();
  const status = await page.textContent("#status");
  assert.match(status, /did not accept the token/);
  assert.match(status, /Check the API token/);
  assert.doesNotMatch(status, /not-the-token/, "the token is not echoed");
  assert.equal((await control.messages()).filter((m) => m.content === content).length, 0);
  // The token lives in this tab's sessionStorage: a reload keeps it.
  await page.reload();
  assert.equal(await page.inputValue("#token"), "not-the-token");
  await page.close();
});

test("a 429 shows a live countdown and the remaining rate limit", async () => {
  const page = await openPage({ width: 1280, height: 900 });
  // Retry-After above maxRetryDelayMs (60 s): the client does not wait, it fails at once.
  await control.faults({ status: 429, headers: { "Retry-After": "90" } });
  const content = unique("rate limited");
  await compose(page, { recipient: MAYA.id, content });
  await page.click("#send");
  await page.locator("#status .countdown").waitFor();
  // A 429 while the team budget still has requests left is X's per-sender limit.
  assert.match(await page.textContent("#status"), /Rate limited by X for this account: nothing was sent/);
  const first = await page.textContent(".countdown");
  assert.match(first, /^You can send again in 1:(30|29)$/);
  await page.waitForFunction((text) => document.querySelector(".countdown").textContent !== text, first);
  assert.match(await page.textContent(".countdown"), /^You can send again in 1:(29|28)$/, "it counts down");
  assert.match(await page.textContent("#rate-limit"), /\d+ of 300 requests left, resets at/);
  assert.equal((await control.messages()).filter((m) => m.content === content).length, 0);
  await page.screenshot({ path: `${shots}/demo-rate-limited.png`, fullPage: true });
  await page.close();
});

test("a 500 after the DM was stored: 'may have been delivered', no resend, the thread can be checked", async () => {
  const page = await openPage();
  await control.faults({ process: true, status: 500 });
  const content = unique("maybe delivered");
  await compose(page, { recipient: MAYA.id, content });
  await page.click("#send");
  await page.locator("#status.warning").waitFor();
  const status = await page.textContent("#status");
  assert.match(status, /It may have been delivered\. Check the thread before resending/);
  assert.match(status, /1 attempt$/);
  const posts = (await control.requests()).filter((r) => r.method === "POST" && r.body.includes(content));
  assert.equal(posts.length, 1, "neither the package nor the page resent it");

  await page.getByRole("button", { name: "Check the thread" }).click();
  await page.locator(".check-answer.landed").waitFor();
  assert.match(await page.textContent(".check-answer"), /^It landed: message m\w+/);
  await page.locator(".bubble-text", { hasText: content }).waitFor();
  assert.equal((await control.messages()).filter((m) => m.content === content).length, 1);
  await page.close();
});

test("a 502 before the DM was stored: 'Check the thread' says it did not land, safe to send again", async () => {
  const page = await openPage();
  // Not processed, but a 502 cannot say so: the page is told it may have been delivered.
  await control.faults({ status: 502 });
  const content = unique("never landed");
  await compose(page, { recipient: MAYA.id, content });
  await page.click("#send");
  await page.locator("#status.warning").waitFor();
  await page.getByRole("button", { name: "Check the thread" }).click();
  await page.locator(".check-answer.not-landed").waitFor();
  assert.equal(await page.textContent(".check-answer"), "It did not land — safe to send again.");
  assert.equal((await control.messages()).filter((m) => m.content === content).length, 0);
  await page.close();
});

test("no page raised an uncaught error", () => {
  assert.deepEqual(pageErrors, []);
});
