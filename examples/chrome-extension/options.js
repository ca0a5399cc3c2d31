// The options page: stores the token, account link id and base URL in chrome.storage.local,
// after the package itself has checked the token and base URL.
import init, { InboxClient } from "./inbox_sender.js";

const DEFAULT_BASE_URL = "https://inboxapp.com";
const fields = ["token", "accountLinkId", "baseUrl"];
const form = document.getElementById("options");
const status = document.getElementById("status");

const stored = await chrome.storage.local.get(fields);
for (const name of fields) form.elements[name].value = stored[name] ?? "";
form.elements.baseUrl.value ||= DEFAULT_BASE_URL;
form.querySelector("button").disabled = false; // filling in before this would be overwritten

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const settings = Object.fromEntries(fields.map((name) => [name, form.elements[name].value]));
  try {
    await init({ module_or_path: "./inbox_sender_bg.wasm" });
    new InboxClient({ token: settings.token, baseUrl: settings.baseUrl }).free(); // throws on a bad option
    await chrome.storage.local.setAccessLevel({ accessLevel: "TRUSTED_CONTEXTS" });
    await chrome.storage.local.set(settings);
    report("Saved.");
  } catch (error) {
    report(`Not saved: ${error.message}`, true);
  }
});

function report(text, failed = false) {
  status.textContent = text;
  status.classList.toggle("error", failed);
}
