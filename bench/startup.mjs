// Start-up in Node: initSync on a fresh copy of the glue each time (a new module instance via
// a query string), from a compiled WebAssembly.Module and from the wasm bytes.
import { readFileSync } from "node:fs";
import { stats } from "./compare.mjs";

const pkg = new URL("../pkg/", import.meta.url);
let fresh = 0;

/** Milliseconds of `initSync({ module })` on a never-initialised glue instance. */
async function timeInit(module) {
  const glue = await import(new URL(`inbox_sender.js?fresh=${fresh++}`, pkg));
  const t0 = performance.now();
  glue.initSync({ module });
  return performance.now() - t0;
}

/** { fromModule, fromBytes }: stats in ms over `count` fresh loads each, interleaved. */
export async function nodeStartup(count) {
  const bytes = readFileSync(new URL("inbox_sender_bg.wasm", pkg));
  const module = new WebAssembly.Module(bytes);
  const fromModule = [];
  const fromBytes = [];
  for (let i = 0; i < count; i++) {
    fromModule.push(await timeInit(module));
    fromBytes.push(await timeInit(bytes));
  }
  return { fromModule: stats(fromModule), fromBytes: stats(fromBytes) };
}
