/**
 * One training step of the seed MLP (784-1024-2048-512-10, ReLU, batch 32, float32, SGD lr 0.03,
 * cross-entropy): zeroGrad, forward, loss, backward, optimizer step. Steps/s per backend and threads.
 *
 *   npx tsx bench/mlp_step.ts                        native and wasm at 1 and 2 threads, js at 1
 *   npx tsx bench/mlp_step.ts --backends wasm --threads 2 --budget 5000
 *   npx tsx bench/mlp_step.ts --json                 one JSON line for bench/run.ts
 *
 * The same fixed batch is used every step (data loading is not measured). Each cell gets a fresh model
 * (same seed), warm-up steps (at least 5 and 0.5 s), then steps timed one by one until `--budget` ms
 * have passed (at least 5, at most 60); js (~0.7 s a step) gets one warm-up and 3 timed steps.
 */
import * as torch from "../src/index.ts";
import {
  type PartReport, type StepCell, argList, argValue, forEachBackend, presentReport, threadList, timeSteps, trainingStep,
} from "./common.ts";
import { MLP_BATCH, MLP_LR, MLP_SIZES, buildMlp } from "./models.ts";

async function main(): Promise<void> {
  const backends = argList("--backends", ["native", "wasm", "js"]);
  const threads = threadList();
  const budgetMs = Number(argValue("--budget") ?? 2000);
  const report: PartReport<StepCell> = {
    engine: "kindling",
    info: [`MLP ${MLP_SIZES.join("-")}, batch ${MLP_BATCH}, float32, SGD lr ${MLP_LR}, cross-entropy`],
    cells: [],
    unavailable: [],
  };

  torch.manualSeed(0);
  const x = torch.randn([MLP_BATCH, MLP_SIZES[0]]);
  const y = torch.randint(0, MLP_SIZES[MLP_SIZES.length - 1]!, [MLP_BATCH]);
  const criterion = new torch.nn.CrossEntropyLoss();

  await forEachBackend(backends, threads, report, async (name, t) => {
    // A fresh model per cell, so every cell starts from the same weights.
    torch.manualSeed(1);
    const model = buildMlp();
    const step = trainingStep(model, new torch.optim.SGD(model.parameters(), { lr: MLP_LR }), criterion, x, y);
    const r = await timeSteps(step, name === "js"
      ? { warmup: 1, warmupMs: 0, minSteps: 3, maxSteps: 3, budgetMs: 0 }
      : { warmup: 5, warmupMs: 500, minSteps: 5, maxSteps: 60, budgetMs });
    report.cells.push({ backend: name, threads: t, medianMs: r.medianMs, bestMs: r.bestMs, n: r.n, loss: r.last });
  });

  if (!presentReport(report)) return;
  console.log("backend  threads  ms/step median   best  steps/s   steps  last loss");
  for (const c of report.cells) {
    console.log(`${c.backend.padEnd(8)} ${String(c.threads).padStart(7)} ${c.medianMs.toFixed(1).padStart(15)} ` +
      `${c.bestMs.toFixed(1).padStart(6)} ${(1000 / c.medianMs).toFixed(1).padStart(8)} ${String(c.n).padStart(7)}  ${c.loss.toFixed(4)}`);
  }
}

await main();
process.exit(0);
