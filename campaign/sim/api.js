// A model of the Inbox API and of X behind it, for the simulation: the team's rate window
// (clock-aligned or from the first request) shared with another client spending evenly or in a
// burst at each window's start; X's per-sender limit; idempotency keys; messages and whether X
// has them; contacts and threads; and the faults of the world (5xx after processing, timeouts,
// dropped connections, injected 429s, sendUnconfirmed, disconnected senders, a refused token);
// prospects' replies, recorded as inbound messages and `message.received` events in a feed with
// `seq` (and other threads' messages beside them). It answers requests that arrive at a given
// time and records what it delivered, so the simulation can check the campaign against the
// truth: every step at most once, no follow-up sent more than the freshness after a reply in its
// thread, no send outside the sender's hours.

const BURST_MS = 800;

export class Api {
  /**
   * @param {object} o
   * @param {"clock"|"first-request"} o.windows
   * @param {"other"|"us"} o.opener  first-request windows: who opens the next one — the other
   *   client, the moment the last one ends (windows follow each other), or only our own requests
   *   (as the emulator models it: the time between a window's end and our next request is lost)
   * @param {"even"|"burst"} o.shape
   * @param {number} o.background  the share of each window another client spends
   * @param {{limit:number, windowMs:number}} o.team
   * @param {{limit:number, windowMs:number}[]} o.senderLimits
   * @param {object} o.faults  per-request chances: after5xx, before502, hang, drop, inject429, unconfirmed
   * @param {ReturnType<import("./random.js").tools>} o.rand
   * @param {number} o.freshnessMs  how old a look at the events a follow-up may leave after
   * @param {((sender: string, t: number) => boolean) | null} o.inHours  whether `sender` may send at `t`
   * @param {((t: number, req: object, threadId: string) => void) | null} o.onDeliver  X has a step for the first time
   * @param {((event: object) => void) | null} o.onEvent  an event was recorded (webhooks)
   */
  constructor(o) {
    Object.assign(this, o);
    this.window = null; // { start, end, ours }
    this.perWindow = []; // our requests in each window that ended
    this.byKey = new Map(); // idempotency key → { messageId, released }
    this.messages = new Map(); // messageId → { key, prospect, step, platformSent, pendingUntil, gone }
    this.delivered = new Map(); // `${prospectKey}:${step}` → how many messages X has
    this.found = new Map(); // `${prospectKey}:${step}` → { messageId, threadId } of the first X has
    this.xTimes = new Map(); // sender → ascending times X counted a send
    this.contacts = new Map(); // platformId → contactId
    this.threads = new Map(); // `${sender}|${contactId}` → { threadId, messages }
    this.outages = []; // { sender?, from, to, status?, team? }
    this.events = []; // the feed: { seq, at, threadId }, in seq order
    this.replyAt = new Map(); // threadId → when its first reply was recorded
    this.count = {
      requests: 0, sends: 0, reads: 0, lookups: 0, eventReads: 0, refusedByLimit: 0, refusedByX: 0, injected: 0, faults: 0, holdRefusals: 0, duplicates: 0, intoConversation: 0,
      outsideHours: 0, afterReply: 0, raced: 0,
    };
    this.nextId = 1;
    this.violations = [];
  }

  // --- the team window -----------------------------------------------------------------------

  #roll(t) {
    const { limit, windowMs } = this.team;
    const w = this.window;
    if (w && t < w.end) return w;
    let start;
    if (this.windows === "clock") start = Math.floor(t / windowMs) * windowMs;
    else if (w && this.background > 0 && this.opener === "other") start = w.end + Math.floor((t - w.end) / windowMs) * windowMs;
    else start = t;
    if (w) this.perWindow.push(w.ours);
    this.window = { start, end: start + windowMs, ours: 0, limit };
    return this.window;
  }

  /** What the other client has spent of window `w` by `t` (never more than the room it had). */
  #others(w, t) {
    const share = Math.floor(this.background * w.limit);
    const elapsed = t - w.start;
    const planned = this.shape === "burst"
      ? Math.floor(share * Math.min(1, elapsed / BURST_MS) + 1e-9)
      : Math.floor((share * elapsed) / this.team.windowMs + 1e-9);
    return Math.min(planned, w.limit - Math.min(w.ours, w.limit));
  }

  #rateLimit(w, t) {
    const used = w.ours + this.#others(w, t);
    return { limit: w.limit, remaining: Math.max(0, w.limit - used), resetAt: Math.ceil(w.end / 1000) * 1000 };
  }

  /**
   * Admits one of our requests arriving at `t` against the team window: null when admitted
   * (counted), else the 429 answer.
   */
  #admit(t) {
    const w = this.#roll(t);
    if (w.ours + this.#others(w, t) >= w.limit) {
      this.count.refusedByLimit += 1;
      this.violations.push(`t=${t}: a team 429 from the limit (${w.ours} ours in the window)`);
      return { status: 429, failure: fail("rate_limited", "team", true, { retryAfterMs: w.end - t, resetAt: w.end }), rateLimit: this.#rateLimit(w, t) };
    }
    w.ours += 1;
    return null;
  }

  #outage(sender, t) {
    for (const o of this.outages) {
      if (t >= o.from && t < o.to && (o.team || o.sender === sender)) return o;
    }
    return null;
  }

  // --- requests ------------------------------------------------------------------------------

  /**
   * A request arriving at `t`. Returns { answer, processedAt } where answer is what the client
   * gets (ok/failure, rateLimit) unless `lost` ("hang": the client times out; "drop": the
   * connection drops), and the answer's `reached` flag.
   * @param {object} req  { type, sender, key?, prospect?, step?, opener?, ifConversation?, ids?, by?, messageId? }
   */
  arrive(t, req) {
    this.count.requests += 1;
    const r = this.rand;
    const outage = this.#outage(req.sender, t);
    if (outage?.team) {
      this.count.holdRefusals += 1;
      return { answer: { ok: false, failure: fail("unauthorized", "team", false, { message: "token refused" }) } };
    }
    const limited = this.#admit(t);
    if (limited) return { answer: { ok: false, ...limited } };
    const rateLimit = this.#rateLimit(this.window, t);
    if (outage) {
      this.count.holdRefusals += 1;
      const f = fail("conflict", "sender", outage.status === "paused", { apiCode: "accountLinkDisconnected", status: outage.status, message: `account ${outage.status}` });
      return { answer: { ok: false, failure: f, rateLimit } };
    }
    if (r.chance(this.faults.inject429)) {
      this.count.injected += 1;
      return { answer: { ok: false, failure: fail("rate_limited", "team", true, { retryAfterMs: 1000, message: "injected 429" }), rateLimit } };
    }
    if (req.type === "send") return this.#send(t, req, rateLimit);
    this.count.reads += 1;
    if (req.type === "lookup-conversations") this.count.lookups += 1;
    const lost = r.chance(this.faults.hang) ? "hang" : r.chance(this.faults.drop) ? "drop" : null;
    if (lost) return { lost };
    if (r.chance(this.faults.before502)) return { answer: { ok: false, failure: fail("server_error", "request", true, { message: "502" }), rateLimit } };
    return { answer: { ...this.#read(t, req), rateLimit } };
  }

  #send(t, req, rateLimit) {
    const r = this.rand;
    this.count.sends += 1;
    if (this.inHours && !this.inHours(req.sender, req.leftAt)) {
      this.count.outsideHours += 1;
      this.violations.push(`t=${t}: ${req.key} left at ${new Date(req.leftAt).toISOString()}, outside ${req.sender}'s sending hours`);
    }
    if (r.chance(this.faults.before502)) return { answer: { ok: false, failure: fail("server_error", "request", true, { message: "502 before processing" }), rateLimit } };
    const lost = r.chance(this.faults.hang) ? "hang" : r.chance(this.faults.drop) ? "drop" : null;
    // A lost request may or may not have been processed.
    if (lost && r.chance(0.5)) return { lost };
    const known = this.byKey.get(req.key);
    if (known && !known.released) {
      if (lost) return { lost };
      const m = this.messages.get(known.messageId);
      return { answer: { ok: true, messageId: known.messageId, threadId: m.threadId, createdAt: m.createdAt, replayed: true, rateLimit } };
    }
    // X's per-sender limit, counted when the send reaches it.
    const times = this.xTimes.get(req.sender) ?? [];
    this.xTimes.set(req.sender, times);
    for (const { limit, windowMs } of this.senderLimits) {
      let inside = 0;
      for (let i = times.length - 1; i >= 0 && times[i] > t - windowMs; i -= 1) if (++inside >= limit) break;
      if (inside >= limit) {
        this.count.refusedByX += 1;
        this.violations.push(`t=${t}: X refused ${req.sender} (${limit} per ${windowMs} ms)`);
        return { answer: { ok: false, failure: fail("rate_limited", "sender", true, { apiCode: "platformRateLimited", retryAfterMs: windowMs }), rateLimit } };
      }
    }
    const unconfirmed = !lost && r.chance(this.faults.unconfirmed);
    const xHas = !unconfirmed || r.chance(0.5);
    const messageId = `m${this.nextId++}`;
    const threadId = this.#thread(req).threadId;
    this.messages.set(messageId, { createdAt: t, prospect: req.prospect, step: req.step, threadId, platformSent: xHas, pendingUntil: unconfirmed && xHas ? t + r.between(0, 4000) : t, gone: !xHas });
    this.byKey.set(req.key, { messageId, released: unconfirmed });
    if (xHas) {
      this.#deliver(t, req, threadId);
      if (!this.found.has(`${req.prospect}:${req.step}`)) this.found.set(`${req.prospect}:${req.step}`, { messageId, threadId, createdAt: t });
    }
    if (lost) return { lost };
    if (unconfirmed) {
      this.count.faults += 1;
      return { answer: { ok: false, failure: fail("server_error", "request", false, { apiCode: "sendUnconfirmed", maybeSent: true, messageId }), rateLimit } };
    }
    if (r.chance(this.faults.after5xx)) {
      this.count.faults += 1;
      return { answer: { ok: false, failure: fail("server_error", "request", true, { maybeSent: true, message: "500 after processing" }), rateLimit } };
    }
    return { answer: { ok: true, messageId, threadId, createdAt: t, replayed: false, rateLimit } };
  }

  /**
   * X has the message: counted against the sender, checked for duplicates, conversations and
   * replies (a follow-up whose request left more than the freshness after the thread's reply).
   */
  #deliver(t, req, threadId) {
    const times = this.xTimes.get(req.sender);
    times.push(t);
    if (times.length > 4096) times.splice(0, 2048);
    const id = `${req.prospect}:${req.step}`;
    const n = (this.delivered.get(id) ?? 0) + 1;
    this.delivered.set(id, n);
    if (n > 1) {
      this.count.duplicates += 1;
      this.violations.push(`t=${t}: ${id} delivered ${n} times`);
    }
    const repliedAt = this.replyAt.get(threadId);
    if (req.step > 0 && repliedAt !== undefined) {
      if (req.leftAt - repliedAt > this.freshnessMs) {
        this.count.afterReply += 1;
        this.violations.push(`t=${t}: ${id} left ${req.leftAt - repliedAt} ms after the reply in ${threadId}`);
      } else this.count.raced += 1;
    }
    if (n === 1 && this.onDeliver) this.onDeliver(t, req, threadId);
    const contactId = this.contacts.get(req.platformId);
    const thread = contactId ? this.threads.get(`${req.sender}|${contactId}`) : null;
    if (req.step === 0 && req.ifConversation === "skip" && thread && thread.before > 0) {
      this.count.intoConversation += 1;
      this.violations.push(`t=${t}: an opener into ${req.sender}'s conversation with ${req.platformId}`);
    }
  }

  /** The thread a send lands in (created with its contact when new). */
  #thread(req) {
    let contactId = this.contacts.get(req.platformId);
    if (!contactId) {
      contactId = `c${this.nextId++}`;
      this.contacts.set(req.platformId, contactId);
    }
    const k = `${req.sender}|${contactId}`;
    let thread = this.threads.get(k);
    if (!thread) {
      thread = { threadId: `t${this.nextId++}`, messages: 0, before: 0 };
      this.threads.set(k, thread);
    }
    thread.messages += 1;
    return thread;
  }

  #read(t, req) {
    if (req.type === "read-events") return this.#page(req.afterSeq);
    if (req.type === "find-sent") {
      const found = this.found.get(`${req.prospect}:${req.step}`);
      return { ok: true, found: found ?? null };
    }
    if (req.type === "read-message") {
      const m = this.messages.get(req.messageId);
      if (!m || m.gone) return { ok: true, found: false };
      return { ok: true, found: true, platformSent: m.platformSent && t >= m.pendingUntil, threadId: m.threadId };
    }
    // lookup-conversations: contacts by platformId, or this sender's threads by contactId.
    const found = {};
    for (const id of req.ids) {
      if (req.by === "platformId") {
        const contactId = this.contacts.get(id);
        found[id] = contactId ? { contactId } : null;
      } else {
        const thread = this.threads.get(`${req.sender}|${id}`);
        found[id] = thread ? { threadId: thread.threadId, messages: thread.messages } : null;
      }
    }
    return { ok: true, found };
  }

  /** The world before the campaign: a conversation (or an empty thread) of `sender` with `platformId`. */
  seedConversation(sender, platformId, messages) {
    let contactId = this.contacts.get(platformId);
    if (!contactId) {
      contactId = `c${this.nextId++}`;
      this.contacts.set(platformId, contactId);
    }
    if (sender !== null) this.threads.set(`${sender}|${contactId}`, { threadId: `t${this.nextId++}`, messages, before: messages });
  }

  /** A page of the feed after `afterSeq` (up to 1000 events). */
  #page(afterSeq) {
    this.count.eventReads += 1;
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.events[mid].seq <= (afterSeq ?? 0)) lo = mid + 1;
      else hi = mid;
    }
    const events = this.events.slice(lo, lo + 1000);
    return { ok: true, events, lastSeq: events.length > 0 ? events[events.length - 1].seq : afterSeq, hasMore: lo + 1000 < this.events.length };
  }

  /** An inbound message in `threadId` at `t` (a prospect's reply, or another thread's message). */
  receive(t, threadId) {
    const event = { seq: this.events.length + 1, at: t, threadId };
    this.events.push(event);
    if (!this.replyAt.has(threadId)) this.replyAt.set(threadId, t);
    if (this.onEvent) this.onEvent(event);
    return event;
  }

  /** How many messages X has of a prospect's step. */
  deliveredOf(prospect, step) {
    return this.delivered.get(`${prospect}:${step}`) ?? 0;
  }
}

/** A failure as the package describes it. */
function fail(kind, scope, retryable, extra = {}) {
  return { kind, scope, retryable, apiCode: null, maybeSent: false, messageId: null, message: kind, ...extra };
}
