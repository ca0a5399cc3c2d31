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
    const fixture = X_PAGES[new URL(route.request().url()).pathname];
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
  await page.locator(`#inbox-sender[data-external-platform-id="${id}"]`).waitFor();
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
  await page.getByRole("button", { name: "Send" }).click();
  const result = page.locator("#inbox-sender .result.sent, #inbox-sender .result.failed");
  await result.waitFor();
  return result.textContent();
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
    const sent = (await emulator.control.requests()).map((r) => JSON.parse(r.body)).filter((b) => b.content === content);
    assert.deepEqual(sent, [{ accountLinkId: ACCOUNT, content, externalPlatformId: MAYA }]);
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
          window.seen.add(`${location.pathname} ${host.dataset.externalPlatformId}`);
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

test("a 429 says when to retry and that nothing was sent", async () => {
  await emulator.control.faults({ status: 429, headers: { "Retry-After": "120" } });
  const page = await open("https://x.com/mayabuilds");
  try {
    const content = unique("rate limited");
    const text = await send(page, content);
    assert.match(text, /^Not sent: Inbox is rate-limiting requests\. Try again in 2 minutes \(after .+\)\.$/);
    assert.equal((await emulator.control.stored(content)).length, 0);
    const attempts = (await emulator.control.requests()).filter((r) => r.body.includes(content));
    assert.deepEqual(attempts.map((r) => r.status), [429], "a wait above maxRetryDelayMs is not sat out");
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
  } finally {
    await page.close();
    assert.equal(await saveOptions({ token: TOKEN }), "Saved.");
  }
});

test("an invalid message names the field; nothing reaches the API", async () => {
  const page = await open("https://x.com/mayabuilds");
  try {
    const before = (await emulator.control.requests()).length;
    const text = await send(page, " \n\u200b ");
    assert.equal(text, "Not sent: the message must not be only whitespace (or invisible characters).");
    assert.equal((await emulator.control.requests()).length, before);
  } finally {
    await page.close();
  }
});

test("a 500 after storing says the DM may have gone out", async () => {
  await emulator.control.faults({ process: true, status: 500 });
  const page = await open("https://x.com/mayabuilds");
  try {
    const content = unique("maybe sent");
    const text = await send(page, content);
    assert.match(text, /^May have been sent, do not resend blindly\. The Inbox API failed \(HTTP 500\).* check the thread before sending it again\./);
    assert.equal((await emulator.control.stored(content)).length, 1, "it did go out, once: no blind retry");
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
        .sendMessage({ type: "send", externalPlatformId: "1566123362161725440", content })
        .then((value) => ({ value: value ?? null }), (error) => ({ error: error.message })), forged);
    await options.close();
    assert.notEqual(answer.value?.ok, true, JSON.stringify(answer));
    assert.equal((await emulator.control.stored(forged)).length, 0);
  } finally {
    await page.close();
  }
});
