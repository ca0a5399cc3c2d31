// Type-checks tests/ts/consumer.ts against pkg/*.d.ts with `tsc --strict`, and compares the
// generated .d.ts with the reviewed snapshot in tests/snapshots/ (UPDATE_SNAPSHOTS=1 rewrites it).
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, existsSync } from "node:fs";

const root = new URL("..", import.meta.url).pathname;
try {
  execFileSync(`${root}node_modules/.bin/tsc`, ["-p", `${root}tests/ts/tsconfig.json`], { stdio: "inherit" });
} catch {
  console.error("tsc --strict failed on tests/ts/consumer.ts (see above)");
  process.exit(1);
}
console.log("tsc --strict: consumer type-checks, every @ts-expect-error is an error");

const generated = readFileSync(`${root}pkg/inbox_sender.d.ts`, "utf8");
const snapshot = `${root}tests/snapshots/inbox_sender.d.ts`;
if (process.env.UPDATE_SNAPSHOTS === "1" || !existsSync(snapshot)) {
  writeFileSync(snapshot, generated);
  console.log(`wrote ${snapshot}`);
} else if (readFileSync(snapshot, "utf8") !== generated) {
  console.error(`pkg/inbox_sender.d.ts differs from ${snapshot}.`);
  console.error("Review the change: `diff tests/snapshots/inbox_sender.d.ts pkg/inbox_sender.d.ts`,");
  console.error("then accept it with `UPDATE_SNAPSHOTS=1 node scripts/check-types.mjs`.");
  process.exit(1);
} else {
  console.log(".d.ts matches the snapshot");
}
