/**
 * Measures what DataLoaders dropped without close() leave behind: OS threads and RSS of this process
 * before, right after, and after garbage collection. Not part of npm test (about 10-20 s).
 *
 *   node --expose-gc --import tsx test/utils/dropped_loaders.ts [mode] [loaders] [workers] [rounds]
 *
 * mode: epoch (one full epoch with the default options, then dropped), persistent (the same with
 * persistentWorkers: true), break (a `for await` left after one batch), abandon (an iterator read once
 * by hand and dropped without return()). Rounds repeat the whole, to tell memory kept by the allocator
 * (flat across rounds) from a leak (growing). Linux only (/proc/self/status).
 */
import { readFileSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { MNIST } from "../../src/datasets/mnist.ts";
import { DataLoader, type DataLoaderOptions } from "../../src/utils/data/index.ts";

const mode = process.argv[2] ?? "epoch";
const loaders = Number(process.argv[3] ?? 30);
const workers = Number(process.argv[4] ?? 2);
const rounds = Number(process.argv[5] ?? 1);

/** gc() without --expose-gc: the flag can still be set at run time and read through a fresh context. */
function collector(): () => void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

function snapshot(label: string): void {
  const status = readFileSync("/proc/self/status", "utf8");
  const threads = /^Threads:\s+(\d+)/m.exec(status)?.[1];
  const rss = /^VmRSS:\s+(\d+)/m.exec(status)?.[1];
  console.log(`${label.padEnd(34)} threads ${threads}  rss ${(Number(rss) / 1024).toFixed(0)} MB`);
}

/** Uses one loader as `mode` says and returns nothing of it, so only its workers could outlive it. */
async function useAndDrop(ds: MNIST<unknown, unknown>): Promise<void> {
  const options: DataLoaderOptions<unknown, unknown> = { batchSize: 500, numWorkers: workers };
  if (mode === "persistent") options.persistentWorkers = true;
  const dl = new DataLoader(ds, options);
  if (mode === "abandon") {
    await dl[Symbol.asyncIterator]().next();
    return;
  }
  for await (const _ of dl) if (mode === "break") break;
}

const gc = collector();
const ds = new MNIST({ train: false });
snapshot("before");
const t0 = performance.now();
for (let r = 1; r <= rounds; r++) {
  for (let i = 0; i < loaders; i++) await useAndDrop(ds);
  snapshot(`round ${r}: ${loaders} loaders (${mode}, ${workers} workers)`);
  for (let k = 0; k < 20; k++) {
    gc();
    await new Promise((res) => setTimeout(res, 100));
  }
  snapshot(`round ${r}: after gc + 2 s`);
}
console.log(`took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
