// The one loopback HTTP server every contender talks to (node:http, keep-alive). Every POST
// gets the seed response, or the ~100 KB one under the /large prefix; GET serves the files
// the Chromium page loads.
import { createServer } from "node:http";
import { readFileSync } from "node:fs";

const SEED = readFileSync(new URL("../tests/fixtures/seed-response.json", import.meta.url));

/** The bodies the server answers POSTs with, by path prefix ("" or "/large"). */
export const RESPONSES = { "": SEED, "/large": largeResponse() };

/** The seed response grown to about 100 KB: a long DM, a long bio, many URL entities. */
function largeResponse() {
  const body = JSON.parse(SEED);
  body.message.content = "Thanks for the intro — here is the plan we discussed. ".repeat(160);
  const prospect = body.thread.prospect;
  prospect.bio = "Founder, angel investor, writes about sales ops and pipeline hygiene. ".repeat(25);
  prospect.platformData.urlEntities = Array.from({ length: 560 }, (_, i) => ({
    url: `https://t.co/a${i.toString(36).padStart(8, "0")}`,
    expandedUrl: `https://example.com/posts/${i}/pipeline-reviews-that-work`,
    displayUrl: `example.com/posts/${i}/…`,
    indices: [i, i + 23],
  }));
  return Buffer.from(JSON.stringify(body));
}

/**
 * Starts the server on a free loopback port. `files` maps GET paths to { type, body }.
 * Resolves to { url, close }.
 */
export async function startServer(files = {}) {
  const server = createServer((req, res) => {
    if (req.method === "POST") {
      const prefix = req.url.startsWith("/large/") ? "/large" : "";
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": "application/json", "content-length": RESPONSES[prefix].length });
        res.end(RESPONSES[prefix]);
      });
      return;
    }
    const file = files[req.url.split("?")[0]];
    if (!file) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": file.type, "cache-control": "no-store" }).end(file.body);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  const close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    });
  return { url, close };
}
