// What a user deploys, builds: `wrangler deploy --dry-run --outdir <tmp>` of campaign/ with its
// own wrangler (node_modules/.bin), offline — a dry run bundles and never contacts Cloudflare
// (the test points every proxy at a closed port and gives no credentials, so a request would fail).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { test } from "node:test";
import { promisify } from "node:util";
import { WRANGLER } from "./process.mjs";

const campaign = new URL("../", import.meta.url).pathname;

test("wrangler deploy --dry-run bundles the Worker and the package's wasm, offline", async () => {
  const outdir = mkdtempSync(`${tmpdir()}/campaign-deploy-`);
  try {
    const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1", HTTPS_PROXY: "http://127.0.0.1:9", HTTP_PROXY: "http://127.0.0.1:9" };
    for (const key of ["CLOUDFLARE_API_TOKEN", "CLOUDFLARE_ACCOUNT_ID", "CF_API_TOKEN"]) delete env[key];
    const { stdout } = await promisify(execFile)(WRANGLER, ["deploy", "--dry-run", "--outdir", outdir], { cwd: campaign, env, timeout: 120_000 });
    assert.match(stdout, /--dry-run: exiting now/);
    const files = readdirSync(outdir);
    const wasm = files.find((f) => f.endsWith("inbox_sender_bg.wasm"));
    assert.ok(wasm, `the package's wasm is in ${files.join(", ")}`);
    assert.deepEqual([...readFileSync(`${outdir}/${wasm}`).subarray(0, 4)], [0x00, 0x61, 0x73, 0x6d], "a wasm module");
    const worker = readFileSync(`${outdir}/worker.js`, "utf8");
    assert.ok(worker.includes(wasm), "the bundled worker imports that wasm");
    for (const name of ["Campaign", "SenderLedger", "TeamBudget"]) assert.match(worker, new RegExp(`\\b${name}\\b`), `exports ${name}`);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
});
