// A Durable Object for alarm-time.test.mjs: its alarm runs again and again, each time set through
// `alarmAt` for a moment less than a millisecond ahead (as the team budget's turns can be); it
// answers with how many times the alarm ran.
import { DurableObject } from "cloudflare:workers";
import { alarmAt } from "../../src/retry-alarm.js";

export class Chain extends DurableObject {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/start") {
      await this.ctx.storage.put({ runs: 0, until: Number(url.searchParams.get("runs")) });
      await this.ctx.storage.setAlarm(Date.now());
    }
    return Response.json({ runs: await this.ctx.storage.get("runs") });
  }

  async alarm() {
    const runs = (await this.ctx.storage.get("runs")) + 1;
    await this.ctx.storage.put("runs", runs);
    if (runs >= (await this.ctx.storage.get("until"))) return;
    await this.ctx.storage.setAlarm(alarmAt(Date.now() + 0.5));
  }
}

export default {
  fetch: (request, env) => env.CHAIN.get(env.CHAIN.idFromName("one")).fetch(request),
};
