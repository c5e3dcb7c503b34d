/**
 * One training step of the MNIST CNN: Conv2d(1,32,3)-ReLU-Conv2d(32,64,3)-ReLU-MaxPool2d(2)-Flatten-
 * Linear(9216,128)-ReLU-Linear(128,10), batch 64 of 1x28x28, float32, SGD lr 0.01 momentum 0.9,
 * cross-entropy. ms/step per backend and thread count.
 *
 *   npx tsx bench/cnn_step.ts                        native and wasm at 1 and 2 threads
 *   npx tsx bench/cnn_step.ts --backends js --threads 1 --budget 10000
 *   npx tsx bench/cnn_step.ts --json                 one JSON line for bench/run.ts
 *
 * Fixed batch; each cell gets a fresh model (same seed), 2 warm-up steps, then steps timed one by one
 * until `--budget` ms have passed (at least 3, at most 20).
 */
import * as torch from "../src/index.ts";
import {
  type PartReport, type StepCell, argList, argValue, forEachBackend, presentReport, threadList, timeSteps, trainingStep,
} from "./common.ts";
import { CNN_BATCH, buildCnn } from "./models.ts";

async function main(): Promise<void> {
  const backends = argList("--backends", ["native", "wasm"]);
  const threads = threadList();
  const budgetMs = Number(argValue("--budget") ?? 4000);
  const report: PartReport<StepCell> = {
    engine: "kindling",
    info: [`CNN conv32-conv64-pool-fc128-fc10, batch ${CNN_BATCH}, float32, SGD lr 0.01 momentum 0.9, cross-entropy`],
    cells: [],
    unavailable: [],
  };

  torch.manualSeed(0);
  const x = torch.randn([CNN_BATCH, 1, 28, 28]);
  const y = torch.randint(0, 10, [CNN_BATCH]);
  const criterion = new torch.nn.CrossEntropyLoss();

  await forEachBackend(backends, threads, report, async (name, t) => {
    torch.manualSeed(1);
    const model = buildCnn();
    const step = trainingStep(model, new torch.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 }), criterion, x, y);
    const r = await timeSteps(step, { warmup: 2, warmupMs: 0, minSteps: 3, maxSteps: 20, budgetMs });
    report.cells.push({ backend: name, threads: t, medianMs: r.medianMs, bestMs: r.bestMs, n: r.n, loss: r.last });
  });

  if (!presentReport(report)) return;
  console.log("backend  threads  ms/step median     best   steps  last loss");
  for (const c of report.cells) {
    console.log(`${c.backend.padEnd(8)} ${String(c.threads).padStart(7)} ${c.medianMs.toFixed(0).padStart(15)} ` +
      `${c.bestMs.toFixed(0).padStart(8)} ${String(c.n).padStart(7)}  ${c.loss.toFixed(4)}`);
  }
}

await main();
process.exit(0);
