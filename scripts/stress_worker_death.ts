/**
 * Stress check for the DataLoader's worker shutdown (not part of npm test: ~40 s). Each round makes
 * worker 1 die mid-epoch (exit code 7) in two epochs, then closes the loader, all under top-level
 * await. Before WorkerPool.close() held the event loop open, 4-5 of 6 runs ended early with exit code
 * 13 (an unsettled await).
 *
 *   node --import tsx scripts/stress_worker_death.ts [rounds]    prints "ok <2 x rounds>", exit 0
 */
import { DataLoader } from "../src/utils/data/index.ts";
import { SlowRange } from "../test/utils/recipe_dataset.ts";

const rounds = Number(process.argv[2] ?? 40);
let ok = 0;
for (let r = 0; r < rounds; r++) {
  const dl = new DataLoader(new SlowRange(40, { exitAt: 13 }), { batchSize: 4, numWorkers: 2 });
  for (let epoch = 0; epoch < 2; epoch++) {
    try {
      for await (const _ of dl) void _;
      console.error(`round ${r} epoch ${epoch}: no error from the dying worker`);
    } catch (e) {
      if (/exited unexpectedly \(exit code 7\)/.test(String(e))) ok++;
      else console.error(`round ${r} epoch ${epoch}: ${String(e)}`);
    }
  }
  await dl.close();
}
console.log("ok", ok);
process.exitCode = ok === 2 * rounds ? 0 : 1;
