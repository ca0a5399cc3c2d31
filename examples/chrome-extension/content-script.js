// Runs on x.com / twitter.com. On someone else's profile page it shows one "Message via Inbox"
// button and a compose panel that first says whether this account already talks to that person;
// reading and sending go through the service worker, which holds the token.
(() => {
  const MAX_CHARS = 10_000; // the package counts Unicode code points, so an emoji is one
  const HOST_ID = "inbox-sender";
  /** First path segments that are X pages, not handles. */
  const NOT_HANDLES = new Set([
    "home", "explore", "notifications", "messages", "settings", "search", "i", "compose",
    "login", "logout", "signup", "tos", "privacy", "jobs", "bookmarks", "lists", "communities",
  ]);
  /** Profile tabs (x.com/<handle>/<tab>) that still show the profile header. */
  const PROFILE_TABS = new Set(["", "with_replies", "media", "likes", "highlights", "articles"]);
  const FIELD_NAMES = {
    content: "message",
    "target.platformId": "recipient's X user id",
    "target.accountLinkId": "account link id (extension options)",
    token: "API token (extension options)",
    baseUrl: "base URL (extension options)",
  };

  /** The handle when `pathname` is a profile page, else null. */
  function profileHandle(pathname) {
    const [handle, tab = "", ...rest] = pathname.split("/").slice(1);
    if (rest.length || !PROFILE_TABS.has(tab)) return null;
    if (!/^\w{1,15}$/.test(handle) || NOT_HANDLES.has(handle.toLowerCase())) return null;
    return handle;
  }

  /**
   * The numeric user id of the profile shown for `handle`, from its follow button
   * (data-testid="<id>-follow" or "<id>-unfollow"). Null on your own profile (no follow
   * button) and while X is still showing the previous profile after an in-app navigation.
   */
  function profileUserId(handle) {
    const column = document.querySelector('[data-testid="primaryColumn"]') ?? document.body;
    const header = column?.querySelector('[data-testid="UserName"]');
    if (!header || !new RegExp(`@${handle}(?!\\w)`, "i").test(header.textContent)) return null;
    for (const button of column.querySelectorAll('[data-testid$="-follow"], [data-testid$="-unfollow"]')) {
      if (button.closest('[data-testid="UserCell"]')) continue; // "Who to follow" and other user lists
      const id = /^(\d+)-(?:un)?follow$/.exec(button.dataset.testid)?.[1];
      if (id) return id;
    }
    return null;
  }

  let control = null; // { handle, id, host }
  let syncedUrl = null;

  /** Brings the control in line with the page: at most one, for the profile shown. */
  function sync() {
    syncedUrl = location.href;
    const handle = profileHandle(location.pathname);
    const id = handle && profileUserId(handle);
    if (control && (control.id !== id || control.handle.toLowerCase() !== handle?.toLowerCase())) {
      control.host.remove(); // drops any draft: it was written for someone else
      control = null;
    }
    if (id && !control) control = { handle, id, host: createControl(handle, id) };
    if (control && !control.host.isConnected) document.body.append(control.host);
  }

  function createControl(handle, id) {
    const host = document.createElement("div");
    host.id = HOST_ID;
    host.dataset.platformId = id;
    const root = host.attachShadow({ mode: "open" });
    root.innerHTML = `<style>${STYLE}</style>
      <section class="panel" role="dialog" hidden>
        <header><strong class="title"></strong><button class="close" type="button" aria-label="Close">×</button></header>
        <div class="conversation" aria-live="polite"></div>
        <textarea rows="6" aria-label="Message" placeholder="Write your message"></textarea>
        <div class="row"><span class="count" aria-live="polite"></span><button class="send" type="button">Send</button></div>
        <div class="result" role="status"></div>
      </section>
      <button class="open" type="button">Message via Inbox</button>`;
    const $ = (selector) => root.querySelector(selector);
    const [panel, conversation, textarea, count, sendButton, result] =
      [".panel", ".conversation", "textarea", ".count", ".send", ".result"].map($);
    $(".title").textContent = `Message @${handle}`;
    panel.setAttribute("aria-label", `Message @${handle} (X user ${id}) via Inbox`);

    let sending = false;
    const update = () => {
      const length = [...textarea.value].length;
      count.textContent = `${length.toLocaleString("en-US")} / ${MAX_CHARS.toLocaleString("en-US")}`;
      count.classList.toggle("over", length > MAX_CHARS);
      sendButton.disabled = sending || length === 0 || length > MAX_CHARS;
      sendButton.textContent = sending ? "Sending…" : "Send";
      for (const retry of result.querySelectorAll(".retry")) retry.disabled = sending;
    };
    update();
    textarea.addEventListener("input", update);
    let lookups = 0; // an answer is shown only if no later check or send has replaced it
    /** Asks the service worker (one read) whether this account already talks to `id`; composing goes on meanwhile. */
    const checkConversation = async () => {
      const lookup = ++lookups;
      showConversation(conversation, null, checkConversation);
      let answer;
      try {
        answer = await chrome.runtime.sendMessage({ type: "conversation", platformId: id });
      } catch (error) {
        answer = { ok: false, kind: "extension_stopped", retryable: true, message: error.message };
      }
      if (lookup === lookups) showConversation(conversation, answer, checkConversation);
    };
    $(".open").addEventListener("click", () => {
      panel.hidden = !panel.hidden;
      if (panel.hidden) return;
      textarea.focus();
      checkConversation();
    });
    $(".close").addEventListener("click", () => (panel.hidden = true));
    /**
     * Sends `content` through the service worker and shows the outcome. The worker keeps one
     * idempotency key per composed DM until the outcome is definite, so sending the same text
     * again (Retry) after an uncertain outcome can never deliver it twice.
     */
    const deliver = async (content) => {
      const shown = profileHandle(location.pathname);
      if (!shown || profileUserId(shown) !== id) return sync(); // the page moved on: never send to a stale id
      sending = true;
      update();
      result.replaceChildren();
      result.className = "result";
      let answer;
      try {
        answer = await chrome.runtime.sendMessage({ type: "send", platformId: id, content });
      } catch (error) {
        // The worker may have sent the request before it went away; it kept the DM's key.
        answer = {
          ok: false,
          kind: "extension_stopped",
          maybeSent: true,
          message: `The extension stopped before Inbox answered (${error.message}).`,
        };
      }
      sending = false;
      showResult(result, answer, handle, () => deliver(content));
      if (answer?.ok) {
        // The DM just sent is now the conversation's last message.
        lookups++;
        const lastMessage = { content, fromProspect: false, at: Date.now() };
        showConversation(conversation, { ok: true, conversation: { lastMessage, threadUrl: answer.threadUrl } });
        if (textarea.value === content) textarea.value = "";
      }
      update();
    };
    sendButton.addEventListener("click", () => deliver(textarea.value));
    return host;
  }

  /**
   * Shows a send's outcome; an uncertain one gets a Retry button that calls `retry`, unless the
   * package says the same call must not be made again (`retryable: false`: say a `502
   * sendUnconfirmed`, after which the key no longer protects the DM).
   */
  function showResult(result, answer, handle, retry) {
    result.classList.add(answer?.ok ? "sent" : answer?.maybeSent ? "uncertain" : "failed");
    if (answer?.ok) {
      const link = Object.assign(document.createElement("a"), {
        href: answer.threadUrl, target: "_blank", rel: "noopener", textContent: "Open the thread in Inbox",
      });
      const earlier = answer.replayed ? " (an earlier try had delivered it)" : "";
      result.append(`Sent to @${handle}${earlier}. `, link);
      return;
    }
    result.append(describe(answer ?? { message: "No answer from the extension." }));
    if (answer?.maybeSent && (answer.retryable !== false || answer.earlierMaybeSent)) {
      result.append(" ", button("Retry", retry, "retry"));
    }
    appendOptionsButton(result, answer);
  }

  /**
   * Shows what this account already has with the person: `answer` null while checking, then no
   * conversation, the last message (an excerpt, who wrote it, when), or why it is not known, by
   * the error's kind; Retry when the error says the same read may succeed.
   */
  function showConversation(line, answer, retry) {
    line.replaceChildren();
    line.className = "conversation";
    line.removeAttribute("title");
    if (!answer) return line.append("Checking for a conversation…");
    if (!answer.ok) {
      line.classList.add("unknown");
      line.title = answer.message ?? "";
      line.append(`Could not check for a conversation (${answer.kind}).`);
      if (answer.retryable) line.append(" ", button("Retry", retry, "retry", "Check for a conversation again"));
      return appendOptionsButton(line, answer);
    }
    const found = answer.conversation;
    if (!found) return line.append("No conversation yet");
    line.classList.add("existing");
    const last = found.lastMessage;
    line.append(last
      ? `In conversation: last message “${excerpt(last.content)}” from ${last.fromProspect ? "them" : "you"}${last.at == null ? "" : ` ${ago(last.at)}`}`
      : "In conversation: Inbox is still loading its messages from X");
    if (last && found.syncing) line.append(" (still syncing)");
    const link = Object.assign(document.createElement("a"), {
      href: found.threadUrl, target: "_blank", rel: "noopener", textContent: "Open in Inbox",
    });
    line.append(" ", link);
  }

  /** A panel button labelled `text` (`label`, when given, is its accessible name). */
  function button(text, onClick, className = "", label) {
    const element = Object.assign(document.createElement("button"), { type: "button", className, textContent: text });
    if (label) element.setAttribute("aria-label", label);
    element.addEventListener("click", onClick);
    return element;
  }

  /** Adds "Open options" when what failed is the token or the settings. */
  function appendOptionsButton(parent, answer) {
    if (answer?.kind === "unauthorized" || answer?.kind === "not_configured") {
      parent.append(" ", button("Open options", () => chrome.runtime.sendMessage({ type: "openOptions" })));
    }
  }

  /** The start of a message on one line: whitespace runs become a space, at most 80 code points. */
  function excerpt(text, max = 80) {
    const points = [...text.replace(/\s+/g, " ").trim()];
    return points.length > max ? `${points.slice(0, max - 1).join("")}…` : points.join("");
  }

  const RELATIVE = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  const UNITS = [["year", 365 * 86_400_000], ["month", 30 * 86_400_000], ["week", 7 * 86_400_000],
    ["day", 86_400_000], ["hour", 3_600_000], ["minute", 60_000]];
  /** How long before `now` the Unix ms `at` was, in words ("3 days ago"; "just now" under a minute, or a clock a little ahead). */
  function ago(at, now = Date.now()) {
    const elapsed = now - at;
    for (const [unit, ms] of UNITS) if (elapsed >= ms) return RELATIVE.format(-Math.floor(elapsed / ms), unit);
    return "just now";
  }

  /** A sentence a person can act on, from the InboxError properties the service worker passed on. */
  function describe({ kind, scope, message, field, rule, retryAfterMs, maybeSent, earlierMaybeSent, idempotencyKey }) {
    if (maybeSent) {
      // The worker kept this DM's key: a Retry carries it, and Inbox delivers a key at most once.
      // The package's own error (it has a `scope`) says so when this try may have delivered it;
      // otherwise the panel does.
      if (scope && !earlierMaybeSent) return `Not confirmed yet: ${message}`;
      const key = idempotencyKey ? ` (${idempotencyKey})` : "";
      const why = earlierMaybeSent ? `Not sent by this try: ${message} An earlier try may have delivered it.` : message;
      return `Not confirmed yet: ${why} Retry is safe: it reuses this DM's idempotency key${key}, so it cannot arrive twice.`;
    }
    switch (kind) {
      case "rate_limited": {
        const when = retryAfterMs == null
          ? "in a minute"
          : `in ${duration(retryAfterMs)} (after ${new Date(Date.now() + retryAfterMs).toLocaleTimeString()})`;
        // The sender's limit is X's per-account one; any other is the team's request budget.
        const who = scope === "sender" ? "X is limiting this account's DMs" : "Inbox is rate-limiting requests";
        return `Not sent: ${who}. Try again ${when}.`;
      }
      case "unauthorized":
        return "Not sent: Inbox did not accept the API token. Check the token in the extension options.";
      case "invalid_request": // `rule` is a phrase that follows the field name
        return rule ? `Not sent: the ${FIELD_NAMES[field] ?? field} ${rule}.` : `Not sent: ${message}`;
      case "not_configured":
        return message;
      default:
        return `Not sent: ${message}`;
    }
  }

  const duration = (ms) =>
    ms < 60_000 ? `${Math.ceil(ms / 1000)} seconds` : `${Math.ceil(ms / 60_000)} minutes`;

  const STYLE = `
    :host { all: initial; position: fixed; right: 20px; bottom: 20px; z-index: 2147483647;
      font: 15px/1.4 system-ui, sans-serif; color: #0f1419; }
    button { font: inherit; cursor: pointer; border-radius: 999px; border: 1px solid #cfd9de;
      background: #fff; padding: 6px 14px; }
    button:disabled { opacity: .5; cursor: default; }
    .open, .send, .retry { background: #1d9bf0; border-color: #1d9bf0; color: #fff; font-weight: 600; }
    .open { display: block; margin-left: auto; box-shadow: 0 2px 8px rgb(0 0 0 / .2); }
    .panel { width: 340px; margin-bottom: 10px; padding: 14px; background: #fff; border-radius: 16px;
      box-shadow: 0 4px 24px rgb(0 0 0 / .25); }
    .panel[hidden] { display: none; }
    header { display: flex; justify-content: space-between; align-items: center; margin-bottom: 8px; }
    .close { border: 0; padding: 0 8px; font-size: 20px; }
    .conversation { margin-bottom: 8px; color: #536471; font-size: 13px; overflow-wrap: anywhere; }
    .conversation.existing { color: #0f1419; background: #fff8e1; padding: 6px 8px; border-radius: 8px; }
    .conversation.unknown { color: #b42318; }
    .conversation .retry { padding: 2px 10px; }
    .conversation a { color: #1d9bf0; }
    textarea { box-sizing: border-box; width: 100%; font: inherit; padding: 8px; border-radius: 8px;
      border: 1px solid #cfd9de; resize: vertical; }
    .row { display: flex; justify-content: space-between; align-items: center; margin-top: 8px; }
    .count { color: #536471; font-size: 13px; }
    .count.over { color: #f4212e; font-weight: 600; }
    .result:not(:empty) { margin-top: 10px; padding: 8px; border-radius: 8px; }
    .result.sent { background: #e8f5fd; }
    .result.failed { background: #fdecee; }
    .result.uncertain { background: #fff8e1; }
    .result a { color: #1d9bf0; }`;

  // The panel lives in a fixed host outside X's React tree, so React never re-renders it.
  document.getElementById(HOST_ID)?.remove(); // left by a previous copy of this script (extension reload)
  let scheduled = false;
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setTimeout(() => {
      scheduled = false;
      sync();
    }, 50);
  };
  // X is a single-page app: in-app navigation changes the URL (pushState, which this isolated
  // world cannot hook) and swaps the DOM. A URL change is handled at once, so the control never
  // shows one profile's id on another's URL; other DOM changes are batched.
  const onChange = () => (location.href === syncedUrl ? schedule() : sync());
  new MutationObserver(onChange).observe(document.documentElement, {
    childList: true, subtree: true, attributes: true, attributeFilter: ["data-testid"],
  });
  addEventListener("popstate", onChange);
  globalThis.navigation?.addEventListener("currententrychange", onChange);
  sync();
})();
