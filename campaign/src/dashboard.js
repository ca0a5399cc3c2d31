// GET /campaigns/{id}/view: a page that polls the JSON API (with the secret the user gives,
// kept in sessionStorage; a `#key=` fragment is read once and removed from the address bar).
// Its status line is the campaign's one derived `state` (src/state.js); its failures are grouped
// by cause, collapsed, and each group's rows are fetched a page at a time when it is opened.
// What holds the campaign (a sender's X account, the token) comes first, with what fixes it.
const PLAIN = {
  not_found: "Inbox does not know this account link or prospect.",
  unauthorized: "Inbox refused the Worker's API token.",
  forbidden: "This token may not send from that account link.",
  unprocessable: "Inbox or X refused this DM (for example a user who cannot receive DMs).",
  bad_request: "Inbox found the request malformed.",
  invalid_request: "The message broke a rule of the Inbox API.",
  dead_letter: "It could not be handed to its sender's ledger; it was not sent.",
  not_sent: "Every attempt was confirmed not to have landed.",
  unconfirmed: "It may have been delivered; check the thread before sending it again.",
  cancelled: "The campaign was cancelled first.",
  server_error: "Inbox kept failing (server errors).",
  timeout: "Inbox kept not answering in time.",
  network: "The connection to Inbox kept failing.",
};

export function dashboard(id) {
  const escaped = String(id).replace(/[^A-Za-z0-9_-]/g, "");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Campaign ${escaped}</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:56rem;padding:0 1rem;color:#1b1f24}
h1{font-size:1.3rem}.bar{height:1.4rem;background:#e7eaee;border-radius:.4rem;overflow:hidden;display:flex}
.bar span{display:block;height:100%}.sent{background:#2f9e44}.failed{background:#e03131}.unconfirmed{background:#f08c00}
.cancelled{background:#868e96}.skipped{background:#74c0fc}.replied{background:#7048e8}
.hold{border:2px solid #e03131;background:#fff5f5;border-radius:.4rem;padding:.5rem .8rem;margin:.5rem 0}.hold p{margin:.2rem 0}.counts{display:flex;gap:1.2rem;flex-wrap:wrap;margin:.6rem 0}.counts b{font-size:1.15rem}
table{border-collapse:collapse;width:100%;margin-top:.5rem}td,th{text-align:left;padding:.25rem .5rem;border-bottom:1px solid #e7eaee;vertical-align:top}
#auth{margin:1rem 0}#error{color:#c92a2a}small{color:#5c636a}
details{border:1px solid #e7eaee;border-radius:.4rem;padding:.4rem .6rem;margin:.4rem 0}summary{cursor:pointer}
</style></head><body>
<h1>Campaign <code>${escaped}</code> <small id="status"></small></h1>
<section id="holds" aria-live="polite"></section>
<form id="auth" hidden><label>Campaign secret <input id="secret" type="password" autocomplete="off"></label> <button>Show</button></form>
<p id="error" role="alert"></p>
<div class="bar" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="0" id="bar">
<span class="sent" id="bar-sent"></span><span class="replied" id="bar-replied"></span><span class="skipped" id="bar-skipped"></span><span class="failed" id="bar-failed"></span><span class="unconfirmed" id="bar-unconfirmed"></span><span class="cancelled" id="bar-cancelled"></span></div>
<div class="counts" id="counts"></div>
<p id="eta"></p>
<h2>Senders</h2><table><thead><tr><th>Account link</th><th>Sent</th><th>Failed</th><th>Of</th><th>Next send</th></tr></thead><tbody id="senders"></tbody></table>
<h2>Needs attention</h2><p id="none">Nothing has failed.</p><div id="failures"></div>
<script>
const id = ${JSON.stringify(escaped)};
const PLAIN = ${JSON.stringify(PLAIN)};
const PAGE = 100;
const hash = new URLSearchParams(location.hash.slice(1));
if (hash.get("key")) { sessionStorage.setItem("campaign-secret", hash.get("key")); history.replaceState(null, "", location.pathname); }
const $ = (x) => document.getElementById(x);
const text = (el, value) => { el.textContent = value; };
function row(cells) { const tr = document.createElement("tr"); for (const c of cells) { const td = document.createElement("td"); td.textContent = c; tr.append(td); } return tr; }
async function api(path) {
  const response = await fetch(path, { headers: { authorization: "Bearer " + sessionStorage.getItem("campaign-secret") } });
  if (response.status === 401) { $("auth").hidden = false; throw new Error("Enter the campaign secret to see this campaign."); }
  const body = await response.json();
  if (!response.ok) throw new Error(body.error?.message ?? "HTTP " + response.status);
  return body;
}
function duration(ms) { if (ms == null) return "—"; const s = Math.round(ms / 1000); return s < 90 ? s + " s" : Math.round(s / 60) + " min"; }
const SAYS = {
  queued: () => "Waiting for the first send.",
  running: (s) => s.etaMs === null && s.held > 0 ? "What is left waits for the hold above." : "About " + duration(s.etaMs) + " left.",
  paused: () => "Paused: resume to continue.",
  cancelled: (s) => s.queued + s.sending ? "Cancelled: what is still out ends as cancelled." : "Cancelled.",
  finished: () => "All done.",
};
// One <details> per cause (state + error kind), collapsed: its rows are fetched, a page at a
// time, only once it is opened, so the page stays small however many DMs failed.
const groups = new Map();
// One box per hold: who is held, what the API said, what fixes it, and when it is tried again.
function holdBox(h) {
  const box = document.createElement("div");
  box.className = "hold";
  box.dataset.scope = h.scope;
  box.setAttribute("role", "alert");
  const who = document.createElement("b");
  who.textContent = h.scope === "team" ? "Every sender is held" : "Sender " + h.accountLinkId + " is held";
  const said = document.createElement("p");
  said.textContent = h.message + (h.apiCode ? " (" + h.apiCode + ")" : "");
  const fix = document.createElement("p");
  fix.className = "fix";
  fix.textContent = h.fix;
  const when = document.createElement("small");
  when.textContent = "Since " + new Date(h.since).toLocaleTimeString() + "; tried again at " + new Date(h.nextProbeAt).toLocaleTimeString() + " (or now: resume).";
  box.append(who, said, fix, when);
  return box;
}
function group(f) {
  const key = f.state + ":" + (f.kind ?? "");
  let g = groups.get(key);
  if (!g) {
    const details = document.createElement("details");
    details.dataset.cause = key;
    const summary = document.createElement("summary");
    const count = document.createElement("b");
    const explain = document.createElement("span");
    explain.textContent = " " + (f.state === "unconfirmed" ? PLAIN.unconfirmed : PLAIN[f.kind] ?? "It failed; each row says why.") + " (" + (f.kind ?? f.state) + ")";
    summary.append(count, explain);
    const table = document.createElement("table");
    const tbody = document.createElement("tbody");
    table.append(tbody);
    const more = document.createElement("button");
    more.textContent = "Show more";
    more.hidden = true;
    details.append(summary, table, more);
    g = { details, count, tbody, more, cursor: -1, loaded: false, f };
    const load = async () => {
      const page = await api("/campaigns/" + id + "/results?state=" + f.state + (f.kind ? "&kind=" + encodeURIComponent(f.kind) : "") + "&limit=" + PAGE + (g.cursor >= 0 ? "&cursor=" + g.cursor : ""));
      tbody.append(...page.results.map((r) => row(["#" + r.index, r.accountLinkId + " → " + r.recipient, r.error?.message ?? ""])));
      g.cursor = page.cursor === null ? -1 : Number(page.cursor);
      more.hidden = page.cursor === null;
    };
    details.addEventListener("toggle", () => { if (details.open && !g.loaded) { g.loaded = true; load().catch((e) => text($("error"), e.message)); } });
    more.addEventListener("click", () => load().catch((e) => text($("error"), e.message)));
    groups.set(key, g);
    $("failures").append(details);
  }
  g.count.textContent = f.count + " " + f.state;
  return g;
}
async function refresh() {
  try {
    const s = await api("/campaigns/" + id);
    text($("error"), "");
    text($("status"), s.state);
    $("holds").replaceChildren(...s.holds.map(holdBox));
    const done = s.sent + s.replied + s.skipped + s.failed + s.unconfirmed + s.cancelled;
    // Reply rate: of the prospects whose sequence ended after reaching them, those who replied.
    const reached = s.sent + s.replied;
    const replyRate = reached ? Math.round((s.replied / reached) * 1000) / 10 + "%" : "—";
    const pct = s.total ? Math.round((done / s.total) * 1000) / 10 : 0;
    $("bar").setAttribute("aria-valuenow", String(pct));
    for (const k of ["sent", "replied", "skipped", "failed", "unconfirmed", "cancelled"]) $("bar-" + k).style.width = (s.total ? (s[k] / s.total) * 100 : 0) + "%";
    $("counts").replaceChildren(...[["total", s.total], ["queued", s.queued], ["sending", s.sending], ["sent", s.sent], ["replied", s.replied], ["reply rate", replyRate], ["steps sent", s.stepsSent], ["skipped", s.skipped], ["held", s.held], ["failed", s.failed], ["unconfirmed", s.unconfirmed], ["cancelled", s.cancelled], ["done", pct + "%"]]
      .map(([k, v]) => { const d = document.createElement("div"); d.dataset.count = k; const b = document.createElement("b"); b.textContent = v; d.append(b, " " + k); return d; }));
    text($("eta"), SAYS[s.state](s));
    $("senders").replaceChildren(...Object.entries(s.bySender).map(([k, v]) => row([k, v.sent, v.failed, v.total, v.nextSendAt ? new Date(v.nextSendAt).toLocaleTimeString() : "—"])));
    $("none").hidden = s.failures.length > 0;
    for (const f of s.failures) group(f);
    if (s.state === "finished" || (s.state === "cancelled" && s.queued + s.sending === 0)) return;
  } catch (error) { text($("error"), error.message); }
  setTimeout(refresh, 1000);
}
$("auth").addEventListener("submit", (e) => { e.preventDefault(); sessionStorage.setItem("campaign-secret", $("secret").value); $("auth").hidden = true; refresh(); });
refresh();
</script></body></html>`;
}
