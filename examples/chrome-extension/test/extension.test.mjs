// The unpacked extension in headless Chromium (playwright-core) against the emulator. X pages
// are local fixtures served with context.route, so the content script runs on "https://x.com".
// Run from the repo root after scripts/build.sh: node --test examples/chrome-extension/test/
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startEmulator, ACCOUNT, unique } from "../../../tests/js/helpers.mjs";
import { build } from "../build.mjs";

const MAYA = "1566123362161725440";
const THEO = "1420000000000000042";
const TOKEN = `ext-test-${Math.random().toString(36).slice(2)}`; // unique, so a leak is findable
const fixtures = fileURLToPath(new URL("fixtures/", import.meta.url));
const screenshots = fileURLToPath(new URL("../../../test-results/", import.meta.url));
/** x.com paths and the fixture each one serves; twitter.com serves the single-page app. */
const X_PAGES = {
  "/mayabuilds": "profile-follow.html",
  "/mayabuilds/status/1800000000000000000": "profile-follow.html",
  "/theo_ships": "profile-unfollow.html",
  "/northwind_sales": "own-profile.html",
  "/home": "home.html",
};
/** x.com/lead_<n>: a profile made per test (fixtures/lead.html), whose X user id follows from n. */
const LEAD_PATH = /^\/lead_(\d{1,9})$/;
const leadId = (n) => String(1_800_000_000_000_000_000n + BigInt(n));

let emulator;
let context;
let userDataDir;
let extensionId;

before(async () => {
  const dist = build();
  emulator = await startEmulator(["--token", TOKEN]);
  userDataDir = mkdtempSync(join(tmpdir(), "inbox-extension-"));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: "/usr/bin/chromium",
    headless: true, // Playwright passes --headless: Chromium's new headless mode, which loads extensions
    args: [
      `--disable-extensions-except=${dist}`,
      `--load-extension=${dist}`,
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent("serviceworker"));
  extensionId = new URL(worker.url()).host;
  await context.route("https://x.com/**", (route) => {
    const { pathname } = new URL(route.request().url());
    const lead = LEAD_PATH.exec(pathname);
    if (lead) {
      const page = readFileSync(fixtures + "lead.html", "utf8").replaceAll("{{handle}}", pathname.slice(1)).replaceAll("{{id}}", leadId(lead[1]));
      return route.fulfill({ contentType: "text/html; charset=utf-8", body: page });
    }
    const fixture = X_PAGES[pathname];
    if (!fixture) return route.fulfill({ status: 404, body: "" });
    return route.fulfill({ contentType: "text/html; charset=utf-8", body: readFileSync(fixtures + fixture) });
  });
  await context.route("https://twitter.com/**", (route) =>
    route.fulfill({ contentType: "text/html; charset=utf-8", body: readFileSync(fixtures + "spa.html") }),
  );
  await saveOptions({ token: TOKEN, accountLinkId: ACCOUNT, baseUrl: emulator.url });
});

after(async () => {
  await context?.close();
  await emulator?.stop();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

/** Fills and submits the options page; resolves to its status line. */
async function saveOptions(settings) {
  const page = await context.newPage();
  try {
    await page.goto(`chrome-extension://${extensionId}/options.html`);
    await page.locator("button[type=submit]:enabled").waitFor(); // stored values loaded
    for (const [name, value] of Object.entries(settings)) await page.fill(`#${name}`, value);
    await page.click("button[type=submit]");
    await page.locator("#status:not(:empty)").waitFor();
    return await page.textContent("#status");
  } finally {
    await page.close();
  }
}

async function open(url) {
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

/** The control's host element (in the page's DOM, its UI in an open shadow root). */
const control = (page) => page.locator("#inbox-sender");

/** Waits until exactly one control shows for `id`. */
async function expectControl(page, id) {
  await page.locator(`#inbox-sender[data-platform-id="${id}"]`).waitFor();
  assert.equal(await control(page).count(), 1, "exactly one control");
}

/** Proves the content script runs on the page (its isolated world exists), then that it shows nothing. */
async function expectNoControl(page) {
  await contentScriptWorld(page);
  await page.waitForTimeout(400); // the content script re-checks 50 ms after a change
  assert.equal(await control(page).count(), 0, `no control on ${page.url()}`);
}

/** Writes `content` in the panel, sends it, and resolves to the result text. */
async function send(page, content) {
  const panel = page.getByRole("dialog");
  if (!(await panel.isVisible())) await page.getByRole("button", { name: "Message via Inbox" }).click();
  await page.getByRole("textbox", { name: "Message" }).fill(content);
  return click(page, "Send");
}

/** Clicks the panel's `name` button (Send, Retry) and resolves to the result text it ends in. */
async function click(page, name) {
  await page.getByRole("button", { name, exact: true }).click();
  const result = page.locator("#inbox-sender .result:is(.sent, .failed, .uncertain)");
  await result.waitFor();
  return result.textContent();
}

/** The v2 send requests the emulator received for `content`, oldest first. */
const sendRequests = async (content) =>
  (await emulator.control.requests()).filter((r) => r.path === "/api/v2/messages" && JSON.parse(r.body).content === content);

/** Polls the emulator's record until `predicate` holds for the requests of `content`. */
async function waitForRequests(content, predicate) {
  let requests;
  await until(async () => predicate((requests = await sendRequests(content))));
  return requests;
}

/** The idempotency keys the service worker keeps (chrome.storage.session), read from an extension page. */
async function keptKeys() {
  const page = await context.newPage();
  try {
    await page.goto(`chrome-extension://${extensionId}/options.html`);
    return await page.evaluate(async () => Object.values(await chrome.storage.session.get()).map((entry) => entry.key));
  } finally {
    await page.close();
  }
}

/**
 * The running status of the extension's service worker ("running", "stopping", "stopped",
 * "starting"), as the DevTools protocol reports each change, and the CDP session to control it.
 */
async function workerStatuses(page) {
  const cdp = await context.newCDPSession(page);
  const statuses = [];
  cdp.on("ServiceWorker.workerVersionUpdated", ({ versions }) => {
    for (const version of versions)
      if (version.scriptURL === `chrome-extension://${extensionId}/service-worker.js`) statuses.push(version.runningStatus);
  });
  await cdp.send("ServiceWorker.enable"); // reports the current versions first
  return { cdp, statuses };
}

/** Polls until `condition()` holds. */
async function until(condition) {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 50));
}

const clearFaults = () => fetch(`${emulator.url}/__emulator/faults`, { method: "DELETE" });

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A profile no account has written to yet: its handle, X user id and URL. */
function newLead() {
  const n = String(Math.floor(Math.random() * 1e9));
  return { handle: `lead_${n}`, id: leadId(n), url: `https://x.com/lead_${n}` };
}

/** Scripts the emulator's world (`conversations`, `replies`); resolves to its answer. */
async function script(route, body) {
  const response = await fetch(`${emulator.url}/__emulator/${route}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const answer = await response.json();
  assert.equal(response.status, 200, JSON.stringify(answer));
  return answer;
}

/** The thread lookups the emulator received for the X user `id`, oldest first. */
const lookups = async (id) =>
  (await emulator.control.requests()).filter(
    (r) => r.path === "/api/v1/threads/lookup" && new URLSearchParams(r.query ?? "").get("externalPlatformId") === id,
  );

/** The panel's conversation line. */
const conversationLine = (page) => page.locator("#inbox-sender .conversation");

/** Waits until the conversation check has answered; resolves to the line's text. */
async function checked(page) {
  let text;
  await until(async () => (text = await conversationLine(page).textContent()) && !text.startsWith("Checking"));
  return text;
}

/**
 * Opens the compose panel on the profile of `id` (closing it first when open), waits for the
 * conversation check, and proves the opening made exactly one read; resolves to the line's text
 * and that read.
 */
async function openPanel(page, id) {
  const before = (await lookups(id)).length;
  if (await page.getByRole("dialog").isVisible()) await page.getByRole("button", { name: "Close" }).click();
  await page.getByRole("button", { name: "Message via Inbox" }).click();
  const text = await checked(page);
  await page.waitForTimeout(300); // room for a second read, were there one
  const reads = (await lookups(id)).slice(before);
  assert.equal(reads.length, 1, "exactly one read per panel opening");
  return { text, read: reads[0] };
}

/** The extension's content-script world on `page`, through the DevTools protocol. */
async function contentScriptWorld(page) {
  const cdp = await context.newCDPSession(page);
  const worlds = [];
  cdp.on("Runtime.executionContextCreated", ({ context }) => worlds.push(context));
  await cdp.send("Runtime.enable"); // reports the existing contexts first
  const world = worlds.find((w) => w.origin === `chrome-extension://${extensionId}` && w.auxData?.type === "isolated");
  assert.ok(world, "the content script runs on this page");
  const evaluate = async (expression) =>
    (await cdp.send("Runtime.evaluate", { expression, contextId: world.id, awaitPromise: true, returnByValue: true }))
      .result.value;
  return { evaluate };
}

test("a DM sent from a profile arrives once, byte-exact, to the profile's id", async () => {
  const page = await open("https://x.com/mayabuilds");
  try {
    await expectControl(page, MAYA); // not the "Who to follow" user listed before it
    const content = unique("Hi Maya 👋🏽 loved the 👨‍👩‍👧‍👦 post — café\u0301\nsee you 🇸🇪 ");
    const text = await send(page, content);
    const [stored] = await emulator.control.stored(content);
    assert.ok(stored, `stored (result: ${text})`);
    assert.equal((await emulator.control.stored(content)).length, 1, "stored exactly once");
    const requests = await sendRequests(content);
    assert.deepEqual(requests.map((r) => JSON.parse(r.body)), [
      { target: { type: "profile", accountLinkId: ACCOUNT, platform: "twitter", platformId: MAYA }, content },
    ]);
    assert.match(requests[0].headers["idempotency-key"], /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(stored.idempotencyKey, requests[0].headers["idempotency-key"]);
    assert.deepEqual(await keptKeys(), [], "a sent DM's key is forgotten");
    assert.match(text, /^Sent to @mayabuilds\. Open the thread in Inbox$/);
    const link = page.getByRole("link", { name: "Open the thread in Inbox" });
    assert.equal(await link.getAttribute("href"), `https://inboxapp.com/inbox/${stored.threadId}`);
    assert.equal(await page.getByRole("textbox", { name: "Message" }).inputValue(), "", "cleared after sending");
    mkdirSync(screenshots, { recursive: true });
    await page.getByRole("textbox", { name: "Message" }).fill("Following up on the pipeline post 🚀");
    await page.screenshot({ path: screenshots + "extension-compose.png" });
  } finally {
    await page.close();
  }
});

test("the counter counts code points against 10,000 and blocks longer messages", async () => {
  const page = await open("https://x.com/mayabuilds");
  try {
    await page.getByRole("button", { name: "Message via Inbox" }).click();
    const box = page.getByRole("textbox", { name: "Message" });
    const count = page.locator("#inbox-sender .count");
    const sendButton = page.getByRole("button", { name: "Send" });
    assert.equal(await sendButton.isDisabled(), true, "nothing to send yet");
    await box.fill("👋🏽 hi"); // 7 UTF-16 units, 5 code points
    assert.equal(await count.textContent(), "5 / 10,000");
    await box.fill("😀".repeat(10_000));
    assert.equal(await count.textContent(), "10,000 / 10,000");
    assert.equal(await sendButton.isEnabled(), true);
    await box.fill("😀".repeat(10_000) + "!");
    assert.equal(await count.textContent(), "10,001 / 10,000");
    assert.match(await count.getAttribute("class"), /\bover\b/);
    assert.equal(await sendButton.isDisabled(), true);
  } finally {
    await page.close();
  }
});

test("a followed profile (<id>-unfollow) gets the control too", async () => {
  const page = await open("https://x.com/theo_ships");
  try {
    await expectControl(page, THEO);
  } finally {
    await page.close();
  }
});

test("no control on your own profile, the home timeline or a post", async () => {
  for (const url of ["https://x.com/northwind_sales", "https://x.com/home", "https://x.com/mayabuilds/status/1800000000000000000"]) {
    const page = await open(url);
    try {
      await expectNoControl(page);
    } finally {
      await page.close();
    }
  }
});

test("in-app navigation moves the control to the new profile, never to the wrong id", async () => {
  const page = await open("https://twitter.com/mayabuilds");
  try {
    // Record, in the page, every (URL, id) the control ever shows.
    await page.evaluate(() => {
      window.seen = new Set();
      const note = () => {
        for (const host of document.querySelectorAll("#inbox-sender"))
          window.seen.add(`${location.pathname} ${host.dataset.platformId}`);
      };
      new MutationObserver(note).observe(document.body, { childList: true, subtree: true, attributes: true });
      note();
    });
    await expectControl(page, MAYA);
    await page.getByRole("button", { name: "Message via Inbox" }).click();
    await page.getByRole("textbox", { name: "Message" }).fill("a draft for Maya");
    const host = await control(page).elementHandle();
    await page.click("[data-testid='1566123362161725440-follow']"); // follow: the button's testid changes in place
    await page.locator("[data-testid='1566123362161725440-unfollow']").waitFor();
    await page.waitForTimeout(200);
    assert.equal(await host.evaluate((h) => h.isConnected), true, "following keeps the same control");

    await page.click("nav >> text=Theo");
    await expectControl(page, THEO);
    assert.equal(await page.getByRole("dialog").isVisible(), false, "the draft for Maya is gone");
    await page.click("nav >> text=Home");
    await page.waitForURL("https://twitter.com/home");
    await page.waitForFunction(() => !document.querySelector("#inbox-sender"));
    await page.goBack(); // popstate: the app re-renders Theo at once
    await expectControl(page, THEO);
    await page.goBack();
    await expectControl(page, MAYA);

    const seen = await page.evaluate(() => [...window.seen].sort());
    assert.deepEqual(seen, [`/mayabuilds ${MAYA}`, `/theo_ships ${THEO}`]);
  } finally {
    await page.close();
  }
});

test("a 429 says whose limit it is, when to retry and that nothing was sent", async () => {
  // The emulator's default v2 429 body is X's per-sender limit (`platformRateLimited`).
  await emulator.control.faults({ api: "v2", status: 429, headers: { "Retry-After": "120" } });
  const page = await open("https://x.com/mayabuilds");
  try {
    const content = unique("rate limited");
    const text = await send(page, content);
    assert.match(text, /^Not sent: X is limiting this account's DMs\. Try again in 2 minutes \(after .+\)\.$/);
    assert.equal((await emulator.control.stored(content)).length, 0);
    const attempts = await sendRequests(content);
    assert.deepEqual(attempts.map((r) => r.status), [429], "a wait above maxRetryDelayMs is not sat out");
    assert.deepEqual(await keptKeys(), [], "definitely not sent: the key is forgotten");
  } finally {
    await page.close();
  }
});

test("a wrong token (401) points to the options", async () => {
  assert.equal(await saveOptions({ token: "not-the-right-token" }), "Saved.");
  const page = await open("https://x.com/mayabuilds");
  try {
    const text = await send(page, unique("wrong token"));
    assert.match(text, /^Not sent: Inbox did not accept the API token\. Check the token in the extension options\. Open options$/);
    assert.equal(await checked(page), "Could not check for a conversation (unauthorized). Open options");
  } finally {
    await page.close();
    assert.equal(await saveOptions({ token: TOKEN }), "Saved.");
  }
});

test("an invalid message names the field; nothing reaches the API", async () => {
  const page = await open("https://x.com/mayabuilds");
  try {
    const sends = async () => (await emulator.control.requests()).filter((r) => r.path === "/api/v2/messages").length;
    const before = await sends();
    const text = await send(page, " \n\u200b ");
    assert.equal(text, "Not sent: the message must not be only whitespace (or invisible characters).");
    assert.equal(await sends(), before);
  } finally {
    await page.close();
  }
});

test("a 502 sendUnconfirmed X never confirms: no Retry (the key no longer protects it), the message says how to check", async () => {
  const pending = JSON.stringify({ id: "m1", threadId: "t1", content: "x", platformId: null });
  await emulator.control.faults(
    { api: "v2", process: true, status: 502 },
    { path: "*", method: "GET", times: 0, status: 200, body: pending },
  );
  const page = await open("https://x.com/mayabuilds");
  try {
    const content = unique("unconfirmed");
    const text = await send(page, content);
    const [stored] = await emulator.control.stored(content);
    assert.match(text, new RegExp(`^Not confirmed yet: .+ The DM may have been delivered: read message ${stored.id} later before sending it again\\.`));
    assert.doesNotMatch(text, /is safe/);
    assert.equal(await page.locator("#inbox-sender .result .retry").count(), 0, "no Retry button");
    assert.deepEqual(await keptKeys(), [], "the released key is forgotten");
    assert.equal((await sendRequests(content)).length, 1, "never sent again");
  } finally {
    await clearFaults();
    await page.close();
  }
});

for (const [name, fault] of [
  // (A 502 after storing is sendUnconfirmed: the package settles it by reading the message.)
  ["a 500 after storing", { status: 500 }],
  ["a dropped connection after storing", { action: "close" }],
]) {
  test(`${name}, until retries run out: Retry delivers it exactly once`, async () => {
    await emulator.control.faults({ api: "v2", process: true, times: 0, ...fault }); // every attempt, until cleared
    const page = await open("https://x.com/mayabuilds");
    try {
      const content = unique(`uncertain ${name}`);
      const text = await send(page, content);
      const attempts = await sendRequests(content);
      const key = attempts[0].headers["idempotency-key"];
      assert.ok(attempts.length > 1, "the package retried on its own first");
      assert.ok(attempts.every((r) => r.headers["idempotency-key"] === key), "one key for every attempt");
      assert.match(text, /^Not confirmed yet: .+ The DM may have been delivered: sending it again with idempotency key (\S+) is safe, it can never arrive twice\..* Retry$/);
      assert.ok(text.includes(` ${key} `), text);
      if (fault.status) await page.screenshot({ path: screenshots + "extension-uncertain.png" });
      assert.deepEqual(await keptKeys(), [key], "the key is kept until the outcome is definite");
      assert.equal((await emulator.control.stored(content)).length, 1, "the first attempt did store it");

      // A definite "not sent" on the Retry does not make the first try's outcome definite.
      await clearFaults();
      await emulator.control.faults({ api: "v2", status: 429, headers: { "Retry-After": "120" } });
      const limited = await click(page, "Retry");
      assert.match(limited, /^Not confirmed yet: Not sent by this try: Rate limited .* An earlier try may have delivered it\. Retry is safe: it reuses this DM's idempotency key \((.+)\), so it cannot arrive twice\. Retry$/);
      assert.ok(limited.includes(`(${key})`), limited);
      assert.deepEqual(await keptKeys(), [key], "still kept after a definite failure of the Retry");

      const retried = await click(page, "Retry");
      assert.equal(retried, "Sent to @mayabuilds (an earlier try had delivered it). Open the thread in Inbox");
      const stored = await emulator.control.stored(content);
      assert.equal(stored.length, 1, "stored exactly once");
      assert.equal(stored[0].idempotencyKey, key);
      const all = await sendRequests(content);
      assert.ok(all.every((r) => r.headers["idempotency-key"] === key), "the Retry carried the same key");
      assert.deepEqual(all.at(-1).status, 200, "the Retry was answered with a replay");
      assert.deepEqual(await keptKeys(), [], "sent: the key is forgotten");
    } finally {
      await clearFaults();
      await page.close();
    }
  });
}

test("the service worker stopped mid-send: Retry reuses the kept key, stored once", async () => {
  await emulator.control.faults({ api: "v2", process: true, action: "hang" }); // stores, never answers
  const page = await open("https://x.com/mayabuilds");
  try {
    const content = unique("worker stopped");
    await page.getByRole("button", { name: "Message via Inbox" }).click();
    await page.getByRole("textbox", { name: "Message" }).fill(content);
    await page.getByRole("button", { name: "Send", exact: true }).click();
    const [hung] = await waitForRequests(content, (requests) => requests[0]?.processed);
    const key = hung.headers["idempotency-key"];

    const worker = await workerStatuses(page);
    await worker.cdp.send("ServiceWorker.stopAllWorkers");
    await until(() => worker.statuses.at(-1) === "stopped");
    const stoppedAt = worker.statuses.length;
    const result = page.locator("#inbox-sender .result.uncertain");
    await result.waitFor();
    assert.match(await result.textContent(), /^Not confirmed yet: The extension stopped before Inbox answered \(.+\)\. Retry is safe: it reuses this DM's idempotency key, so it cannot arrive twice\. Retry$/);
    await waitForRequests(content, ([request]) => request.clientClosed); // the stopped worker's fetch is gone
    assert.deepEqual(await keptKeys(), [key], "the key outlived the worker");

    const text = await click(page, "Retry");
    assert.equal(text, "Sent to @mayabuilds (an earlier try had delivered it). Open the thread in Inbox");
    assert.ok(worker.statuses.slice(stoppedAt).includes("running"), "the worker ran again after the stop");
    await worker.cdp.detach();
    const stored = await emulator.control.stored(content);
    assert.equal(stored.length, 1, "stored exactly once");
    assert.equal(stored[0].idempotencyKey, key, "the restarted worker sent with the kept key");
    const requests = await sendRequests(content);
    assert.ok(requests.length >= 2 && requests.every((r) => r.headers["idempotency-key"] === key));
    assert.deepEqual(await keptKeys(), []);
  } finally {
    await clearFaults();
    await page.close();
  }
});

test("each composition has its own key; a sent text sent again is a new DM", async () => {
  const page = await open("https://x.com/mayabuilds");
  try {
    const content = unique("twice on purpose");
    assert.match(await send(page, content), /^Sent to @mayabuilds\. /);
    assert.match(await send(page, content), /^Sent to @mayabuilds\. /);
    const other = unique("another text");
    assert.match(await send(page, other), /^Sent to @mayabuilds\. /);
    const keys = [...(await sendRequests(content)), ...(await sendRequests(other))].map((r) => r.headers["idempotency-key"]);
    assert.equal(new Set(keys).size, 3, "three compositions, three keys");
    assert.equal((await emulator.control.stored(content)).length, 2);
  } finally {
    await page.close();
  }
});

test("the token stays in the service worker", async () => {
  const page = await open("https://x.com/mayabuilds");
  try {
    const content = unique("token check");
    assert.match(await send(page, content), /^Sent/);
    const world = await contentScriptWorld(page);
    const read = await world.evaluate(
      "chrome.storage.local.get().then((v) => 'read ' + JSON.stringify(v), (e) => 'refused: ' + e.message)",
    );
    assert.equal(read, "refused: Access to storage is not allowed from this context.");
    assert.equal(await page.evaluate(() => globalThis.chrome?.storage), undefined, "no chrome.storage in the page");
    const dom = await page.evaluate(
      () => document.documentElement.outerHTML + document.querySelector("#inbox-sender").shadowRoot.innerHTML,
    );
    assert.ok(dom.includes("Sent to @mayabuilds"), "the panel is part of what was read");
    assert.ok(!dom.includes(TOKEN), "the token is not in the page");

    // An extension page is not a content script: the service worker ignores its "send".
    const options = await context.newPage();
    await options.goto(`chrome-extension://${extensionId}/options.html`);
    const forged = unique("from the options page");
    const answer = await options.evaluate((content) =>
      chrome.runtime
        .sendMessage({ type: "send", platformId: "1566123362161725440", content })
        .then((value) => ({ value: value ?? null }), (error) => ({ error: error.message })), forged);
    await options.close();
    assert.notEqual(answer.value?.ok, true, JSON.stringify(answer));
    assert.equal((await emulator.control.stored(forged)).length, 0);
  } finally {
    await page.close();
  }
});

test("a lead nobody here has written to: one read, \"No conversation yet\" (another sender's conversation is not this one's)", async () => {
  const lead = newLead();
  await script("conversations", {
    accountLinkId: "acct2founder",
    platformId: lead.id,
    messages: [{ direction: "outbound", content: "Hi from the founder" }],
  });
  const page = await open(lead.url);
  try {
    await expectControl(page, lead.id);
    const { text, read } = await openPanel(page, lead.id);
    assert.equal(text, "No conversation yet");
    assert.equal(read.method, "GET");
    assert.deepEqual(Object.fromEntries(new URLSearchParams(read.query)), { accountLinkId: ACCOUNT, externalPlatformId: lead.id });
    assert.equal(read.status, 200);
    assert.equal((await openPanel(page, lead.id)).text, "No conversation yet", "each opening reads again");
  } finally {
    await page.close();
  }
});

test("a conversation whose last message is ours: its excerpt, \"from you\" and when, in every authorId form", async () => {
  const lead = newLead();
  const now = Date.now();
  const ours = "Thanks for the chat!\nHere is the deck we talked about — 👋🏽 let me know what your team thinks of the pricing page";
  const { threadId } = await script("conversations", {
    accountLinkId: ACCOUNT,
    platformId: lead.id,
    messages: [
      { direction: "inbound", content: "Hey, saw your post", at: now - 5 * DAY },
      { direction: "outbound", content: ours, at: now - 3 * DAY },
    ],
  });
  const { authorIds } = await emulator.control.config({});
  const page = await open(lead.url);
  try {
    await expectControl(page, lead.id);
    for (const form of ["link", "x-user", "cuid2", "missing"]) {
      await emulator.control.config({ authorIds: form });
      const { text } = await openPanel(page, lead.id);
      assert.equal(
        text,
        "In conversation: last message “Thanks for the chat! Here is the deck we talked about — 👋🏽 let me know what you…” from you 3 days ago Open in Inbox",
        `authorId form ${form}`,
      );
    }
    const link = page.getByRole("link", { name: "Open in Inbox" });
    assert.equal(await link.getAttribute("href"), `https://inboxapp.com/inbox/${threadId}`);

    // A DM sent from the panel becomes the last message shown, with no read.
    const content = unique("Following up on the deck");
    const before = (await lookups(lead.id)).length;
    assert.match(await send(page, content), /^Sent to @lead_\d+\. /);
    const sent = `In conversation: last message “${content}” from you just now Open in Inbox`;
    assert.equal(await conversationLine(page).textContent(), sent);
    assert.equal((await lookups(lead.id)).length, before, "no read after a send");
    assert.equal((await openPanel(page, lead.id)).text, sent, "Inbox answers the same on the next opening");
  } finally {
    await emulator.control.config({ authorIds });
    await page.close();
  }
});

test("a conversation whose last message is the prospect's: \"from them\"; a syncing thread says so", async () => {
  const lead = newLead();
  const { threadId } = await script("conversations", {
    accountLinkId: ACCOUNT,
    platformId: lead.id,
    messages: [{ direction: "outbound", content: "Quick question about your stack", at: Date.now() - 2 * HOUR }],
  });
  const page = await open(lead.url);
  try {
    await expectControl(page, lead.id);
    assert.equal(
      (await openPanel(page, lead.id)).text,
      "In conversation: last message “Quick question about your stack” from you 2 hours ago Open in Inbox",
    );
    await script("replies", { accountLinkId: ACCOUNT, platformId: lead.id, content: "Sure,\n  happy to talk" });
    const replied = "In conversation: last message “Sure, happy to talk” from them just now";
    assert.equal((await openPanel(page, lead.id)).text, `${replied} Open in Inbox`);
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: screenshots + "extension-conversation.png" });
    await emulator.control.syncing(threadId, 1);
    assert.equal((await openPanel(page, lead.id)).text, `${replied} (still syncing) Open in Inbox`);
  } finally {
    await emulator.control.syncing(threadId, 0);
    await page.close();
  }
});

test("a failed check shows its kind, offers Retry only when retryable, and never blocks composing", async () => {
  const lead = newLead();
  const path = "/api/v1/threads/lookup";
  await emulator.control.faults({ path, method: "GET", status: 503 });
  const page = await open(lead.url);
  try {
    await expectControl(page, lead.id);
    const { text, read } = await openPanel(page, lead.id);
    assert.equal(text, "Could not check for a conversation (server_error). Retry");
    assert.equal(read.status, 503, "the package did not retry it behind the panel");
    const box = page.getByRole("textbox", { name: "Message" });
    await box.fill("Hi there");
    assert.equal(await page.getByRole("button", { name: "Send", exact: true }).isEnabled(), true, "composing goes on");

    const before = (await lookups(lead.id)).length;
    await page.getByRole("button", { name: "Check for a conversation again" }).click();
    assert.equal(await checked(page), "No conversation yet");
    assert.equal((await lookups(lead.id)).length, before + 1, "Retry is one read");
    assert.equal(await box.inputValue(), "Hi there", "the draft is kept");

    await emulator.control.faults({ path, method: "GET", status: 403, code: "FORBIDDEN" });
    assert.equal((await openPanel(page, lead.id)).text, "Could not check for a conversation (forbidden).");
    assert.equal(await page.getByRole("button", { name: "Check for a conversation again" }).count(), 0, "no Retry");
    const content = unique("sent despite the failed check");
    assert.match(await send(page, content), /^Sent to @lead_\d+\. /);
    assert.equal((await emulator.control.stored(content)).length, 1);
  } finally {
    await clearFaults();
    await page.close();
  }
});
