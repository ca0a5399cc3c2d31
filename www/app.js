// The demo page: sends an X DM with inbox-sender, shows the thread it landed in, and explains
// every failure in plain words. No framework: the DOM is built with `el()` below.
import init, { InboxClient } from "./pkg/inbox_sender.js";

const $ = (id) => document.getElementById(id);
const form = $("send-form");
const TOKEN_KEY = "inbox-sender-demo.token";
const MAX_CHARS = 10_000;
const numbers = new Intl.NumberFormat("en");

const RECIPIENT_KINDS = {
  platformId: {
    label: "X user id",
    placeholder: "1566123362161725440",
    hint: "The numeric id of the X account, not its @handle.",
  },
  link: {
    label: "Profile link",
    placeholder: "https://x.com/i/user/1566123362161725440",
    hint: "Paste a link of the form x.com/i/user/<id>: it carries the numeric id.",
  },
  externalId: { label: "Inbox external id", placeholder: "p1maya", hint: "The prospect's id in Inbox." },
};

// The input next to which an `invalid_request` error for a field is shown.
const FIELD_TARGETS = {
  baseUrl: "base-url",
  token: "token",
  accountLinkId: "account",
  content: "content",
  externalPlatformId: "recipient",
  externalId: "recipient",
};

/** Drops the `null`, `undefined` and `false` left by `cond && child`. */
const present = (children) => children.filter((c) => c !== null && c !== undefined && c !== false);

/** Creates an element: `el("p", { className: "x" }, "text", child)`. */
function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...present(children));
  return node;
}

const settings = () => ({ baseUrl: $("base-url").value.trim(), token: $("token").value });
const isEmulator = (baseUrl) => baseUrl.replace(/\/+$/, "") === location.origin;
const apiUrl = (baseUrl, path) => `${baseUrl.replace(/\/+$/, "")}/api/v1/${path}`;

// ---- the client: one per (base URL, token); the constructor validates both ----

let client;
let clientKey;

function currentClient() {
  const { baseUrl, token } = settings();
  const key = JSON.stringify([baseUrl, token]);
  if (key !== clientKey) {
    client = new InboxClient({ baseUrl, token });
    clientKey = key;
  }
  return client;
}

/** GET on the API with the page's settings (for the reads the package does not cover). */
async function apiGet(path) {
  const { baseUrl, token } = settings();
  const response = await fetch(apiUrl(baseUrl, path), {
    headers: { authorization: `Bearer ${token}` },
    redirect: "error",
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

// ---- connection: base URL, token, account links ----

const accountInput = () => ($("account-select").hidden ? $("account-text") : $("account-select"));

function useAccountSelect(yes) {
  $("account-select").hidden = !yes;
  $("account-text").hidden = yes;
  $("account-label").htmlFor = accountInput().id;
}

let accountLoads = 0;

/** Fills the account-link <select> from the API; falls back to free text when that fails. */
async function loadAccountLinks() {
  const load = ++accountLoads;
  const previous = accountInput().value;
  try {
    currentClient(); // never send the token where the package would not (e.g. clear-text http)
    const links = await apiGet("account-links");
    if (load !== accountLoads) return;
    if (!Array.isArray(links) || links.length === 0) throw new Error("none connected");
    $("account-select").replaceChildren(
      ...links.map((link) => new Option(`${link.displayName ?? link.name ?? link.id} (@${link.username}) · ${link.id}`, link.id)),
    );
    if (links.some((link) => link.id === previous)) $("account-select").value = previous;
    useAccountSelect(true);
    $("account-hint").textContent = `${links.length} connected X account${links.length === 1 ? "" : "s"}.`;
  } catch (error) {
    if (load !== accountLoads) return;
    $("account-text").value = previous;
    useAccountSelect(false);
    $("account-hint").textContent = `Could not list the account links (${error.message}): type the id.`;
  }
}

let settingsTimer;
function onSettingsInput() {
  sessionStorage.setItem(TOKEN_KEY, $("token").value);
  $("examples").hidden = !isEmulator(settings().baseUrl);
  clearTimeout(settingsTimer);
  settingsTimer = setTimeout(loadAccountLinks, 250);
}

// ---- recipient and message ----

const recipientKind = () => form.elements.kind.value;

/** The numeric id in an x.com/i/user/<id> link (twitter.com too), or undefined. */
function platformIdFromLink(text) {
  const match = /^\s*(?:https?:\/\/)?(?:www\.|mobile\.)?(?:x|twitter)\.com\/i\/user\/(\d+)\/?(?:[?#]\S*)?\s*$/i.exec(text);
  return match?.[1];
}

function recipient() {
  const value = $("recipient").value;
  switch (recipientKind()) {
    case "externalId":
      return { externalId: value };
    case "link":
      // Not a parseable link: pass it on as is, so the package explains what is wrong with it.
      return { externalPlatformId: platformIdFromLink(value) ?? value };
    default:
      return { externalPlatformId: value };
  }
}

function showRecipientKind() {
  const kind = RECIPIENT_KINDS[recipientKind()];
  $("recipient-label").textContent = kind.label;
  $("recipient").placeholder = kind.placeholder;
  showRecipientHint();
}

function showRecipientHint() {
  const kind = RECIPIENT_KINDS[recipientKind()];
  const id = recipientKind() === "link" ? platformIdFromLink($("recipient").value) : undefined;
  $("recipient-hint").textContent = id ? `X user id ${id}` : kind.hint;
}

function updateCount() {
  const count = [...$("content").value].length; // Unicode code points, as the package counts
  $("count").textContent = `${numbers.format(count)} / ${numbers.format(MAX_CHARS)}`;
  $("count").classList.toggle("over", count > MAX_CHARS);
}

// ---- field errors ----

function showFieldError(name, text) {
  const input = name === "account" ? accountInput() : $(name);
  $(`${name}-error`).textContent = text;
  $(`${name}-error`).hidden = false;
  input.setAttribute("aria-invalid", "true");
  input.focus();
}

function clearFieldErrors() {
  for (const error of document.querySelectorAll(".field-error")) error.hidden = true;
  for (const input of document.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
}

// ---- status: success, or the failure explained ----

let countdown;

function showStatus(tone, ...children) {
  clearInterval(countdown);
  $("status").className = `status ${tone}`;
  $("status").replaceChildren(...present(children));
}

/**
 * What a failure means for the person at the keyboard, and what to do next: read from the
 * package's facts (`kind`, `scope`, `retryable`, `apiCode`, `maybeSent`), never from its message.
 */
function explain(error) {
  if (error.kind === "invalid_request") {
    return ["Not sent: an input needs fixing", "Nothing left this page. The message next to the field says what to change."];
  }
  if (error.kind === "decode") {
    return ["Sent, but the answer was unreadable", "The server confirmed the message in a shape this page does not understand."];
  }
  if (error.kind === "aborted") return ["Cancelled", "The request was cancelled."];
  if (error.kind === "network") {
    return ["Could not reach the API", "Check the base URL and that the server is running. A page can only call an API that allows cross-origin requests (CORS) from it."];
  }
  if (error.maybeSent && !error.retryable) {
    return ["It may have been delivered", "The request left, but no definite answer came back."];
  }
  const again = error.retryable ? "Sending it again later is safe." : "Sending it again as it is will fail the same way.";
  switch (error.scope) {
    case "team":
      if (error.kind === "unauthorized") {
        return ["The API did not accept the token", "Check the API token under Connection. The emulator prints its token when it starts (dev-token by default)."];
      }
      if (error.kind === "rate_limited") return ["Rate limited: nothing was sent", `The team's request budget is used up for now. ${again}`];
      return ["The team cannot send right now", `The token's team, plan or workspace stops it, or the service is down for everyone. ${again}`];
    case "sender":
      if (error.kind === "rate_limited") return ["Rate limited by X for this account: nothing was sent", `X caps the DMs one account sends per window. ${again}`];
      if (error.apiCode === "accountLinkDisconnected") {
        return error.retryable
          ? ["The account link is paused: nothing was sent", "It resumes by itself. Sending it again later is safe."]
          : ["The account link is disconnected: nothing was sent", "Reconnect the X account in Inbox, then send again."];
      }
      return ["The account link cannot send this", `Check the account link id and that the token's team owns it. ${again}`];
    case "recipient":
      return ["This recipient cannot get it", "Check the recipient id: the prospect is unknown, ambiguous or cannot receive DMs. Nothing was sent."];
    default:
      return error.retryable
        ? ["Not sent this time", "The service or the connection failed before processing it, even after the automatic retries. Sending it again is safe."]
        : ["The API refused the message", "Nothing was sent. Change what the server names below and send again."];
  }
}

function showError(error, request, since) {
  if (error?.name !== "InboxError") {
    showStatus("error", el("p", { className: "status-title" }, "Something went wrong in the page"), el("p", {}, String(error)));
    return;
  }
  const [title, advice] = explain(error);
  const details = [
    error.kind,
    `about the ${error.scope}`,
    error.retryable ? "retryable" : "not retryable",
    error.status && `HTTP ${error.status}`,
    error.apiCode,
    error.requestId && `request ${error.requestId}`,
    `${error.attempts} attempt${error.attempts === 1 ? "" : "s"}`,
  ].filter(Boolean);
  const wait = error.kind === "rate_limited" && error.retryAfterMs !== undefined ? el("p", { className: "countdown" }) : null;
  showStatus(
    error.maybeSent ? "warning" : "error",
    el("p", { className: "status-title" }, title),
    el("p", {}, advice),
    error.maybeSent &&
      el("p", { className: "maybe-sent" }, el("strong", {}, "It may have been delivered. "), "Check the thread before resending: this page does not resend on its own."),
    error.maybeSent && request && checkThreadButton(request, since),
    wait,
    el("p", { className: "status-detail" }, error.message),
    el("p", { className: "status-meta" }, details.join(" · ")),
  );
  if (wait) startCountdown(wait, error.retryAfterMs);
  const target = FIELD_TARGETS[error.field];
  if (error.kind === "invalid_request" && target) showFieldError(target, error.message);
}

/**
 * Asks the package whether a maybe-sent DM landed (client.findSent: the thread's messages
 * since the send started), says so plainly, and shows the thread.
 */
function checkThreadButton(request, since) {
  const button = el("button", { type: "button", className: "secondary" }, "Check the thread");
  const answer = el("p", { className: "check-answer", role: "status" });
  button.addEventListener("click", async () => {
    button.disabled = true;
    answer.textContent = "Checking…";
    try {
      const found = await currentClient().findSent(request, { since });
      answer.textContent = found
        ? `It landed: message ${found.id}, at ${time(found.createdAt) || "an unknown time"}. Do not send it again.`
        : "It did not land — safe to send again.";
      answer.className = `check-answer ${found ? "landed" : "not-landed"}`;
      const { content, ...ids } = request;
      const thread = await apiGet(`threads/lookup?${new URLSearchParams(ids)}`);
      if (thread) await showThread(thread, found ?? undefined);
      else showNoThread("No thread with this prospect yet.");
    } catch (error) {
      answer.textContent = `Could not check (${error.message}).`;
    } finally {
      button.disabled = false;
    }
    $("thread-title").scrollIntoView({ block: "nearest" });
  });
  return el("div", { className: "check" }, button, answer);
}

function startCountdown(node, ms) {
  const end = Date.now() + ms;
  const tick = () => {
    const seconds = Math.ceil((end - Date.now()) / 1000);
    if (seconds <= 0) {
      node.textContent = "You can send again now.";
      clearInterval(countdown);
      return;
    }
    node.textContent = `You can send again in ${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  };
  tick();
  countdown = setInterval(tick, 250);
}

function showRateLimit(rateLimit) {
  if (!rateLimit) return;
  const reset = new Date(rateLimit.resetAt).toLocaleTimeString();
  $("rate-limit").textContent = `Rate limit: ${numbers.format(rateLimit.remaining)} of ${numbers.format(rateLimit.limit)} requests left, resets at ${reset}.`;
}

// ---- the thread ----

const time = (iso) => (iso ? new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" }) : "");

function verifiedBadge(kind) {
  const mark = el("span", { ariaHidden: "true" }, "✓");
  return el("span", { className: "badge", title: `Verified (${kind})` }, mark, el("span", { className: "visually-hidden" }, "verified"));
}

function prospectCard(prospect) {
  if (!prospect) return el("p", { className: "muted" }, "The API sent no prospect details.");
  const name = prospect.displayName ?? prospect.username ?? prospect.platformId;
  const avatar = el("img", { className: "avatar", src: prospect.imageNormalized ?? prospect.image ?? "", alt: "", width: 56, height: 56 });
  avatar.addEventListener("error", () => avatar.classList.add("broken"));
  const verified = prospect.verified && prospect.verified !== "none";
  const stats = [
    prospect.followerCount != null && `${numbers.format(prospect.followerCount)} followers`,
    prospect.followingCount != null && `${numbers.format(prospect.followingCount)} following`,
    prospect.location,
  ].filter(Boolean);
  return el(
    "article",
    { className: "prospect" },
    avatar,
    el(
      "div",
      {},
      el("h3", { className: "prospect-name" }, name, verified && verifiedBadge(prospect.verified)),
      el("p", { className: "muted" }, prospect.handle ?? (prospect.username ? `@${prospect.username}` : "")),
      stats.length > 0 && el("p", { className: "stats" }, stats.join(" · ")),
      prospect.bio && el("p", { className: "bio" }, prospect.bio),
    ),
  );
}

function bubble(message, thread, sentId) {
  // The vendor documents authorId as the account link's or the prospect's id, in more than one
  // form: a message is ours unless the prospect wrote it.
  const prospect = thread.prospect ?? {};
  const outgoing = message.authorId !== prospect.platformId && message.authorId !== prospect.externalId;
  const isNew = message.id === sentId;
  return el(
    "li",
    { className: `bubble ${outgoing ? "out" : "in"}${isNew ? " new" : ""}` },
    el("p", { className: "bubble-text" }, message.content),
    el("time", { dateTime: message.createdAt ?? "" }, isNew ? `Just sent · ${time(message.createdAt)}` : time(message.createdAt)),
  );
}

function showNoThread(text) {
  $("thread-id").textContent = "";
  $("prospect").replaceChildren();
  $("messages").replaceChildren();
  $("thread-empty").textContent = text;
  $("thread-empty").hidden = false;
}

/** Shows the prospect and the conversation, oldest first; `sent` (if any) is highlighted. */
async function showThread(thread, sent) {
  $("thread-empty").hidden = true;
  $("thread-id").textContent = thread.id;
  $("prospect").replaceChildren(prospectCard(thread.prospect));
  let messages;
  let note = null;
  try {
    messages = (await apiGet(`threads/${encodeURIComponent(thread.id)}/messages?limit=50`)).messages.reverse();
  } catch (error) {
    messages = [];
    note = el("li", { className: "muted" }, `Could not load the earlier messages (${error.message}).`);
  }
  if (sent && !messages.some((m) => m.id === sent.id)) messages.push(sent);
  $("messages").replaceChildren(...present([note, ...messages.map((m) => bubble(m, thread, sent?.id))]));
  $("messages").querySelector(".new")?.scrollIntoView({ block: "nearest" });
}

// ---- sending ----

let sending = false;

async function send() {
  if (sending) return;
  clearFieldErrors();
  let active;
  try {
    active = currentClient();
  } catch (error) {
    return showError(error);
  }
  const request = { accountLinkId: accountInput().value, content: $("content").value, ...recipient() };
  const since = Date.now();
  sending = true;
  $("send").disabled = true;
  $("send").textContent = "Sending…";
  showStatus("pending", el("p", {}, "Sending…"));
  try {
    const { message, thread } = await active.sendMessage(request);
    const to = thread.prospect?.displayName ?? request.externalPlatformId ?? request.externalId;
    showStatus("success", el("p", { className: "status-title" }, `Sent to ${to} at ${time(message.createdAt) || "now"}`), el("p", { className: "status-meta" }, `message ${message.id} · thread ${thread.id}`));
    $("content").value = "";
    updateCount();
    await showThread(thread, message);
  } catch (error) {
    showError(error, request, since);
  } finally {
    if (!form.querySelector("[aria-invalid]")) $("status").scrollIntoView({ block: "nearest" });
    sending = false;
    $("send").disabled = false;
    $("send").textContent = "Send DM";
    showRateLimit(active.rateLimit);
  }
}

// ---- start ----

form.addEventListener("submit", (event) => {
  event.preventDefault();
  send();
});
$("content").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    form.requestSubmit();
  }
});
$("content").addEventListener("input", updateCount);
$("recipient").addEventListener("input", showRecipientHint);
for (const radio of form.elements.kind) radio.addEventListener("change", showRecipientKind);
$("base-url").addEventListener("input", onSettingsInput);
$("token").addEventListener("input", onSettingsInput);
for (const chip of document.querySelectorAll(".chip")) {
  chip.addEventListener("click", () => {
    form.elements.kind.value = "platformId";
    showRecipientKind();
    $("recipient").value = chip.dataset.id;
    showRecipientHint();
    $("content").focus();
  });
}

// The page is served by the emulator (scripts/demo.sh): talk to it, with its default token.
$("base-url").value = location.origin;
$("token").value = sessionStorage.getItem(TOKEN_KEY) ?? "dev-token";
showRecipientKind();
updateCount();
$("send").disabled = true;
try {
  await init();
  $("send").disabled = false;
  loadAccountLinks();
} catch (error) {
  const hint = `Start the page with scripts/demo.sh, which builds it into www/pkg/ (${error.message}).`;
  showStatus("error", el("p", { className: "status-title" }, "Could not load the inbox-sender package"), el("p", {}, hint));
}
