// One per team (one Inbox API token): the driver of the events feed (core/replies.js). It reads
// `GET /api/v2/events?afterSeq=…&type=message.received` (resumed from the last seq it keeps),
// one request for every sender, leased from the team budget like any; takes verified webhooks
// in beside it (deduplicated by seq); hands each reply to the ledger that knows its thread; and
// gives the ledgers that asked the time of the last complete look, which is what a follow-up's
// freshness is measured from.
//
// A reply is handed over before any ledger is told of a look that found it: replies wait in an
// outbox (storage) until their ledger has them, and no look is told while any wait.
import { DurableObject } from "cloudflare:workers";
import { afterReadFailure } from "./core/outcome.js";
import { claimReplies, emptyFeed, holdReplies, pageRead, recoverFeed, startLook, wantsLook, webhookEvent } from "./core/replies.js";
import { perform } from "./effects.js";
import { campaignClient, feedSettings, ledgerSettings, settings } from "./inbox.js";
import { alarmAt, runOrRetry } from "./retry-alarm.js";
import { senderStub, teamStub } from "./stubs.js";

const RETRY_MS = 1_000;

export class ReplyFeed extends DurableObject {
  /** The core's feed state while this object lives (loaded from storage on first use). */
  #feed = null;
  #client = null;

  /** The feed state; after a restart, a read that was out is forgotten (the look goes again). */
  async #state() {
    this.#feed ??= recoverFeed((await this.ctx.storage.get("feed")) ?? emptyFeed());
    return this.#feed;
  }

  #save() {
    return this.ctx.storage.put("feed", this.#feed);
  }

  /** Runs the feed by `at` (sooner when an alarm is already set earlier). */
  async #wakeBy(at) {
    const set = await this.ctx.storage.getAlarm();
    if (set === null || set > at) await this.ctx.storage.setAlarm(alarmAt(at));
  }

  /** Sequences are open at least until `until` (the last follow-up due there): the feed keeps reading. */
  async #openUntil(until) {
    if (until > ((await this.ctx.storage.get("openUntil")) ?? 0)) await this.ctx.storage.put("openUntil", until);
  }

  /**
   * A ledger's follow-up wants a look no older than the freshness: `sender` is told the next
   * look (or the last one, while it is young enough) with `noteEvents`.
   */
  async ask(sender, openUntil = 0) {
    // Each ask is counted, so one that comes while the asker is being told is not lost.
    const askers = (await this.ctx.storage.get("askers")) ?? {};
    askers[sender] = (askers[sender] ?? 0) + 1;
    await this.ctx.storage.put("askers", askers);
    await this.#openUntil(openUntil);
    await this.#wakeBy(Date.now());
  }

  /**
   * `sender` learned `threads` (a step's answer named them): replies in them go to it from now
   * on, and those already held for them are returned to it.
   */
  async learned(sender, threads, openUntil = 0) {
    const feed = await this.#state();
    const claimed = [];
    for (const threadId of threads) {
      await this.ctx.storage.put(`thread:${threadId}`, sender);
      claimed.push(...claimReplies(feed, threadId));
    }
    await this.#save();
    await this.#openUntil(openUntil);
    if ((await this.ctx.storage.getAlarm()) === null) await this.#wakeBy(Date.now());
    return claimed;
  }

  /** A verified webhook's `message.received` event ({ seq, threadId, at }): 1 when it was new, 0 when seen. */
  async webhook(event) {
    const replies = webhookEvent(await this.#state(), event);
    await this.#save();
    await this.#route(replies);
    if (!(await this.#deliver())) await this.#wakeBy(Date.now() + RETRY_MS);
    return replies.length;
  }

  async alarm() {
    await runOrRetry(this.ctx, "reply feed", RETRY_MS, () => this.#run());
  }

  /** Delivers what waits, then looks when someone asked (or sequences are open and it is idle), or tells the askers the last look. */
  async #run() {
    const feed = await this.#state();
    const fs = feedSettings(this.env);
    if (!(await this.#deliver())) return this.ctx.storage.setAlarm(Date.now() + RETRY_MS);
    const now = Date.now();
    const asked = Object.keys((await this.ctx.storage.get("askers")) ?? {}).length > 0;
    const open = now < ((await this.ctx.storage.get("openUntil")) ?? 0);
    if (!wantsLook(feed, now, fs, { asked, open })) {
      // The last look is young enough: the askers take it as it is.
      if (feed.out === null && feed.lookedAt !== null && now >= feed.retryAt) await this.#tellAskers();
      const waiting = Object.keys((await this.ctx.storage.get("askers")) ?? {}).length > 0;
      if (waiting) await this.#wakeBy(Math.max(feed.retryAt, now + RETRY_MS));
      else if (open) await this.#wakeBy((feed.lookedAt ?? now) + fs.idleLookMs);
      return undefined;
    }
    const team = teamStub(this.env);
    const grant = await team.acquire(1, 1, "reply-feed");
    if (grant.granted < 1) return this.ctx.storage.setAlarm(alarmAt(grant.retryAt ?? now + settings(this.env).guardMs));
    const effect = startLook(feed, Date.now());
    await this.#save();
    this.#client ??= campaignClient(this.env);
    const result = await perform(this.#client, effect, {});
    const failure = result.ok ? null : result.failure;
    const next = failure ? afterReadFailure(failure, 1, Date.now(), ledgerSettings(this.env)) : null;
    await team.settle([{
      seq: grant.first, at: Date.now(), rateLimit: result.rateLimit,
      blockedUntil: next?.type === "wait" ? next.until : undefined, hold: next?.type === "hold" ? failure : null,
    }]);
    if (failure) console.error(`reply feed: reading the events failed: ${failure.message ?? failure.kind}`);
    const page = pageRead(feed, Date.now(), fs, effect, result);
    await this.#save();
    await this.#route(page.replies);
    const delivered = await this.#deliver();
    const told = page.complete && delivered ? await this.#tellAskers() : true;
    const left = Object.keys((await this.ctx.storage.get("askers")) ?? {});
    let at = (feed.lookedAt ?? Date.now()) + fs.idleLookMs;
    if (page.more || left.length > 0) at = told ? Date.now() : Date.now() + RETRY_MS;
    if (!result.ok) at = feed.retryAt;
    if (!delivered) at = Date.now() + RETRY_MS;
    await this.ctx.storage.setAlarm(alarmAt(at));
    return undefined;
  }

  /** Puts replies in the outbox of the sender that knows their thread; the rest are held to be claimed. */
  async #route(replies) {
    if (replies.length === 0) return;
    const unknown = [];
    const outbox = (await this.ctx.storage.get("outbox")) ?? {};
    for (const r of replies) {
      const sender = await this.ctx.storage.get(`thread:${r.threadId}`);
      if (sender === undefined) unknown.push(r);
      else (outbox[sender] ??= []).push(r);
    }
    if (unknown.length > 0) holdReplies(this.#feed, Date.now(), feedSettings(this.env), unknown);
    await this.ctx.storage.put("outbox", outbox);
    await this.#save();
  }

  /** Hands each sender its replies; true when none is left waiting. */
  async #deliver() {
    const outbox = (await this.ctx.storage.get("outbox")) ?? {};
    const senders = Object.keys(outbox);
    if (senders.length === 0) return true;
    await Promise.all(senders.map(async (sender) => {
      const replies = outbox[sender];
      try {
        const unknown = await senderStub(this.env, sender).noteEvents(sender, { replies });
        if (unknown.length > 0) holdReplies(this.#feed, Date.now(), feedSettings(this.env), unknown);
        // Replies routed meanwhile stay for the next delivery.
        const now = (await this.ctx.storage.get("outbox")) ?? {};
        const rest = (now[sender] ?? []).filter((r) => !replies.some((d) => d.seq === r.seq));
        if (rest.length > 0) now[sender] = rest;
        else delete now[sender];
        await this.ctx.storage.put("outbox", now);
      } catch (error) {
        console.error(`reply feed: handing ${replies.length} replies to ${sender} failed: ${error?.message ?? error}`);
      }
    }));
    await this.#save();
    return Object.keys((await this.ctx.storage.get("outbox")) ?? {}).length === 0;
  }

  /** The senders that asked are told the last complete look; true when every one was. */
  async #tellAskers() {
    const askers = (await this.ctx.storage.get("askers")) ?? {};
    const { lookedAt } = this.#feed;
    const told = [];
    await Promise.all(Object.keys(askers).map(async (sender) => {
      try {
        await senderStub(this.env, sender).noteEvents(sender, { lookedAt });
        told.push(sender);
      } catch (error) {
        console.error(`reply feed: telling ${sender} the last look failed: ${error?.message ?? error}`);
      }
    }));
    // A sender that asked again while it was told stays for the next look.
    const now = (await this.ctx.storage.get("askers")) ?? {};
    for (const sender of told) if (now[sender] === askers[sender]) delete now[sender];
    await this.ctx.storage.put("askers", now);
    return told.length === Object.keys(askers).length;
  }
}
