// The workerd side of the bench (run by workerd.mjs through Miniflare): timed batches of sends
// against the bench server, and initSync on never-initialised copies of the glue.
import { initSync, InboxClient } from "./inbox_sender.js";
import wasm from "./inbox_sender_bg.wasm";
import glues from "./glues.mjs";
import { contenders, batch } from "./sends.mjs";
import { sendWithFetch } from "./baselines/fetch.mjs";
import { sendWithFetchTimeout } from "./baselines/fetch-timeout.mjs";
import { sendWithKy } from "./ky.mjs";

let all;

export default {
  async fetch(request, env) {
    const q = new URL(request.url).searchParams;
    switch (new URL(request.url).pathname) {
      case "/batch": {
        if (!all) {
          initSync({ module: wasm });
          all = contenders({ InboxClient, sendWithFetch, sendWithFetchTimeout, sendWithKy, baseUrl: env.SERVER });
        }
        const ms = await batch(all[q.get("contender")], Number(q.get("count")), Number(q.get("inFlight")));
        return Response.json({ ms });
      }
      case "/init": {
        // Timed from outside: workerd's clocks do not move during synchronous code.
        for (const glue of glues.slice(Number(q.get("from")), Number(q.get("to")))) glue.initSync({ module: wasm });
        return new Response("ok");
      }
      case "/noop":
        return new Response("ok");
    }
    return new Response("not found", { status: 404 });
  },
};
