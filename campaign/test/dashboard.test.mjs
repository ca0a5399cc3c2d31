// The dashboard page in headless Chromium: the progress bar moves while the campaign runs and
// the failures are explained in plain words. Writes campaign/dashboard.png (README.md shows it).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { ACCOUNTS, SECRET, TOKEN, startEmulator, startWorker, until } from "./harness.mjs";

let emulator;
let worker;
let browser;
before(async () => {
  emulator = await startEmulator(["--token", TOKEN, "--team-limits", "20/1000", "--sender-limits", "none"]);
  worker = await startWorker({ INBOX_BASE_URL: emulator.url, TEAM_LIMITS: "20/1s", SENDER_LIMITS: "1000/1s", RATE_GUARD_MS: "100" });
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
});
after(async () => {
  await browser?.close();
  await worker?.mf.dispose();
  await emulator?.stop();
});

test("progress moves while the campaign runs; failures explained", async () => {
  const messages = Array.from({ length: 80 }, (_, i) => ({
    accountLinkId: i % 20 === 7 ? "acct9missing" : ACCOUNTS[i % 2],
    content: `Dashboard DM #${i}`,
    externalPlatformId: String(3_000_000 + i),
  }));
  assert.equal((await worker.call("/campaigns", { method: "POST", body: { id: "dash", messages } })).status, 202);
  const base = await worker.url();
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  await page.goto(`${base}campaigns/dash/view#key=${SECRET}`);
  assert.ok(!page.url().includes(SECRET), "the secret leaves the address bar");
  const progress = async () => Number(await page.getAttribute("#bar", "aria-valuenow"));
  const first = await until(async () => (await progress()) > 0 && (await progress()), { what: "progress" });
  const later = await until(async () => (await progress()) > first && (await progress()), { what: "more progress" });
  assert.ok(later > first && later < 100, `${first} → ${later}`);
  await until(async () => (await progress()) === 100, { what: "the end" });
  await page.waitForFunction(() => document.querySelectorAll("#failures tr").length === 4);
  const failures = await page.locator("#failures").innerText();
  assert.match(failures, /Inbox does not know this account link or prospect/);
  assert.match(failures, /acct9missing/);
  assert.match(await page.locator("#eta").innerText(), /All done/);
  assert.match(await page.locator("[data-count=sent]").innerText(), /^76 sent/);
  await page.screenshot({ path: new URL("../dashboard.png", import.meta.url).pathname, fullPage: true });
});
