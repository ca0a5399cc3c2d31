// What an operator sees. In headless Chromium: what holds the campaign comes first, with its fix;
// the progress bar moves while the campaign runs,
// the status line is the one derived state, failures are grouped by cause (collapsed, their rows
// fetched when opened), and 10,000 failed DMs keep the page small. The CSV export: one RFC 4180
// row per DM, behind the secret. Takes a screenshot of the page; UPDATE_SCREENSHOTS=1 writes it to
// campaign/dashboard.png (README.md shows it), so a plain test run leaves the tree as it was.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { CSV_COLUMNS, csvField, csvRecord } from "../src/csv.js";
import { campaignState } from "../src/state.js";
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

const open = async (id) => {
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  await page.goto(`${await worker.url()}campaigns/${id}/view#key=${SECRET}`);
  return page;
};
const statusLine = (page) => page.locator("#status").innerText();

/** The emulator refuses the next `times` v2 sends as a recipient who cannot receive DMs (0: every one). */
const refuseRecipients = async (api, times) => {
  const response = await fetch(`${api.url}/__emulator/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ faults: [{ path: "/api/v2/messages", method: "POST", status: 422, code: "recipientUnavailable", times }] }),
  });
  assert.ok(response.ok, await response.text());
};

/** RFC 4180 records of a CSV text (quoted fields may hold commas, doubled quotes and newlines). */
function parseCsv(text) {
  const records = [];
  let record = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") record.push(field), (field = "");
    else if (c === "\r" && text[i + 1] === "\n") record.push(field), records.push(record), (record = []), (field = ""), i++;
    else field += c;
  }
  assert.equal(field + record.join(""), "", "the CSV ends with CRLF");
  return records;
}

test("one state from counts and flags, for each state", () => {
  const counts = { queued: 0, sending: 0, sent: 0, failed: 0, unconfirmed: 0, cancelled: 0 };
  assert.equal(campaignState({ ...counts, status: "running", queued: 5 }), "queued");
  assert.equal(campaignState({ ...counts, status: "running", queued: 4, sending: 1 }), "running");
  assert.equal(campaignState({ ...counts, status: "running", queued: 4, sent: 1 }), "running");
  assert.equal(campaignState({ ...counts, status: "paused", queued: 4, sent: 1 }), "paused");
  assert.equal(campaignState({ ...counts, status: "paused", sent: 5 }), "finished");
  assert.equal(campaignState({ ...counts, status: "cancelled", sending: 1, cancelled: 4 }), "cancelled");
  assert.equal(campaignState({ ...counts, status: "cancelled", sent: 1, cancelled: 4 }), "cancelled");
  assert.equal(campaignState({ ...counts, status: "running", sent: 3, failed: 2 }), "finished");
});

test("RFC 4180 fields: commas, quotes and newlines quoted, quotes doubled", () => {
  assert.equal(csvField("plain"), "plain");
  assert.equal(csvField(null), "");
  // What a spreadsheet would run as a formula is shown as text; numbers stay numbers.
  assert.equal(csvField("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
  for (const lead of ["+", "-", "@", "\t"]) assert.equal(csvField(`${lead}1`), `'${lead}1`);
  assert.equal(csvField(-1), "-1");
  assert.equal(csvField('He said "no", twice\r\nthen left'), '"He said ""no"", twice\r\nthen left"');
  assert.deepEqual(parseCsv(csvRecord(["a,b", 'q"q', "l\nl", 3])), [["a,b", 'q"q', "l\nl", "3"]]);
});

test("a hold first, with its fix; progress moves; one status word; failures grouped by cause, collapsed; the CSV of every DM", async () => {
  // Four from an account link Inbox does not know (held), four to contacts it does not know (failed).
  const messages = Array.from({ length: 80 }, (_, i) => ({
    accountLinkId: i % 20 === 7 ? "acct9missing" : ACCOUNTS[i % 2],
    content: `Dashboard DM #${i}`,
    ...(i % 20 === 11 ? { externalId: `nobody${i}` } : { externalPlatformId: String(3_000_000 + i) }),
  }));
  assert.equal((await worker.call("/campaigns", { method: "POST", body: { id: "dash", messages } })).status, 202);
  const page = await open("dash");
  assert.ok(!page.url().includes(SECRET), "the secret leaves the address bar");
  const progress = async () => Number(await page.getAttribute("#bar", "aria-valuenow"));
  const first = await until(async () => (await progress()) > 0 && (await progress()), { what: "progress" });
  assert.equal(await statusLine(page), "running");
  const later = await until(async () => (await progress()) > first && (await progress()), { what: "more progress" });
  assert.ok(later > first && later < 100, `${first} → ${later}`);
  // The unknown account link's DMs are held, not failed: the hold is shown above everything.
  await until(async () => /^72 sent/.test(await page.locator("[data-count=sent]").innerText()), { what: "every DM that can go sent" });
  await until(async () => /^4 held/.test(await page.locator("[data-count=held]").innerText()), { what: "the held count" });
  // One step per prospect here, none answered: the reply rate is of the prospects reached.
  await until(async () => (await page.locator('[data-count="steps sent"]').innerText()) === "72 steps sent", { what: "the steps sent" });
  assert.equal(await page.locator("[data-count=replied]").innerText(), "0 replied");
  assert.equal(await page.locator('[data-count="reply rate"]').innerText(), "0% reply rate");
  assert.equal(await statusLine(page), "running");
  await until(async () => (await page.locator("#eta").innerText()) === "What is left waits for the hold above.", { what: "no ETA while everything left is held" });
  const holds = page.locator("#holds .hold");
  assert.equal(await holds.count(), 1);
  assert.match(await holds.first().innerText(), /^Sender acct9missing is held\n+.*\(accountLinkNotFound\)\n+Inbox does not let this token send from acct9missing: check the account link in Inbox, then resume\./);
  assert.equal(await page.evaluate(() => document.querySelector("h1").nextElementSibling.id), "holds", "the holds come right after the title");
  const top = (selector) => page.evaluate((s) => document.querySelector(s).getBoundingClientRect().top, selector);
  for (const below of ["#bar", "#counts", "#failures"]) assert.ok((await top("#holds .hold")) < (await top(below)), `the hold is above ${below}`);

  // One group for the one cause: its explanation and count, collapsed, no rows fetched yet.
  const groups = page.locator("#failures details");
  assert.equal(await groups.count(), 1);
  const group = groups.first();
  assert.equal(await group.getAttribute("open"), null, "collapsed by default");
  assert.match(await group.locator("summary").innerText(), /^4 failed Inbox does not know this account link or prospect\. \(not_found\)$/);
  assert.equal(await group.locator("tr").count(), 0, "no rows before it is opened");
  await group.locator("summary").click();
  await page.waitForFunction(() => document.querySelectorAll("#failures tr").length === 4);
  assert.match(await group.innerText(), /#11\s+acct2founder → nobody11\s+The Inbox API did not find .*No contact with id nobody11/);
  const path = process.env.UPDATE_SCREENSHOTS === "1" ? new URL("../dashboard.png", import.meta.url).pathname : undefined;
  const png = await page.screenshot({ path, fullPage: true });
  assert.ok(png.length > 10_000, `a screenshot of the page (${png.length} bytes)`);
  // Cancelled, the held DMs end as cancelled and the hold goes.
  assert.equal((await worker.call("/campaigns/dash/cancel", { method: "POST" })).status, 200);
  await until(async () => (await progress()) === 100, { what: "the end" });
  await until(async () => (await holds.count()) === 0, { what: "the hold gone" });
  assert.equal(await statusLine(page), "cancelled");
  await page.close();

  // The CSV: behind the secret, an attachment, one row per DM matching the JSON results.
  assert.equal((await worker.call("/campaigns/dash/results.csv", { secret: null })).status, 401);
  const csv = await worker.call("/campaigns/dash/results.csv");
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get("content-type"), /^text\/csv/);
  assert.match(csv.headers.get("content-disposition"), /^attachment; filename="campaign-dash\.csv"$/);
  const [header, ...rows] = parseCsv(csv.text);
  assert.deepEqual(header, CSV_COLUMNS);
  assert.deepEqual(rows.map((r) => Number(r[0])), messages.map((_, i) => i));
  const { json } = await worker.call("/campaigns/dash/results?state=failed");
  for (const failed of json.results) {
    const r = rows[failed.index];
    assert.deepEqual(r.slice(1, 7), [failed.accountLinkId, failed.recipient, "failed", String(failed.attempts), "not_found", failed.error.message]);
  }
  assert.equal(json.results.length, 4);
  assert.equal(rows.filter((r) => r[3] === "sent" && r[7] && r[8]).length, 72, "sent rows carry message and thread ids");
  assert.deepEqual(rows.filter((r) => r[3] === "cancelled").map((r) => r[1]), Array(4).fill("acct9missing"));
});

test("paused and cancelled read as such, never with another state", async () => {
  const messages = Array.from({ length: 30 }, (_, i) => ({ accountLinkId: ACCOUNTS[i % 2], content: `Steered DM #${i}`, externalPlatformId: String(3_100_000 + i) }));
  assert.equal((await worker.call("/campaigns", { method: "POST", body: { id: "steer", messages } })).status, 202);
  assert.equal((await worker.call("/campaigns/steer/pause", { method: "POST" })).json.state, "paused");
  const page = await open("steer");
  await until(async () => (await statusLine(page)) === "paused", { what: "paused" });
  assert.match(await page.locator("#eta").innerText(), /^Paused: resume to continue\.$/);
  assert.equal((await worker.call("/campaigns/steer/cancel", { method: "POST" })).json.state, "cancelled");
  await until(async () => (await statusLine(page)) === "cancelled", { what: "cancelled" });
  await page.close();
});

test("10,000 failed DMs: the page holds one collapsed group, rows a page at a time", { timeout: 600_000 }, async () => {
  const DMS = 10_000;
  const loose = await startEmulator(["--token", TOKEN, "--team-limits", "100000/1000", "--sender-limits", "none"]);
  const big = await startWorker({ INBOX_BASE_URL: loose.url, TEAM_LIMITS: "100000/1s", SENDER_LIMITS: "100000/1s", RATE_GUARD_MS: "100", MAX_IN_FLIGHT: "100", SENDS_PER_ALARM: "500" });
  try {
    await refuseRecipients(loose, 0);
    const messages = Array.from({ length: DMS }, (_, i) => ({ accountLinkId: ACCOUNTS[i % 2], content: `Big DM #${i}`, externalPlatformId: String(4_000_000 + i) }));
    assert.equal((await big.call("/campaigns", { method: "POST", body: { id: "big", messages } })).status, 202);
    await until(async () => (await big.call("/campaigns/big")).json.failed === DMS, { timeoutMs: 540_000, everyMs: 1000, what: "every DM failed" });
    const page = await browser.newPage();
    await page.goto(`${await big.url()}campaigns/big/view#key=${SECRET}`);
    await until(async () => (await statusLine(page)) === "finished", { what: "finished" });
    const nodes = () => page.evaluate(() => document.getElementsByTagName("*").length);
    const collapsed = await nodes();
    assert.ok(collapsed < 300, `${collapsed} elements with 10,000 failures collapsed`);
    const group = page.locator("#failures details");
    assert.equal(await group.count(), 1);
    assert.match(await group.locator("summary").innerText(), /^10000 failed /);
    await group.locator("summary").click();
    await page.waitForFunction(() => document.querySelectorAll("#failures tr").length === 100);
    await group.locator("button", { hasText: "Show more" }).click();
    await page.waitForFunction(() => document.querySelectorAll("#failures tr").length === 200);
    assert.ok((await nodes()) < collapsed + 200 * 5, "opened: two pages of rows, not 10,000");
    await page.close();
  } finally {
    await big.mf.dispose();
    await loose.stop();
  }
});
