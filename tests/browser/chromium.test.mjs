// The fault suite (fault-suite.mjs) in headless Chromium, driven by Playwright.
import { chromium } from "playwright-core";
import { faultSuite } from "./fault-suite.mjs";

faultSuite("chromium", async (url) => {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  try {
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForFunction(() => window.scenariosReady === true, null, { timeout: 20_000 });
    return {
      version: `chromium ${browser.version()}`,
      run: (name, token) => page.evaluate(([n, t]) => window.runScenario(n, t), [name, token]),
      errors: () => page.evaluate(() => window.pageErrors),
      close: () => browser.close(),
    };
  } catch (error) {
    await browser.close();
    throw error;
  }
});
