/**
 * One training step of a Transformer encoder: 4 x nn.TransformerEncoderLayer(d 256, 4 heads; PyTorch's
 * defaults otherwise: dimFeedforward 2048, dropout 0.1, relu, post-norm, [seq, batch, d]) on a batch of
 * 16 sequences of 128, with the causal mask (generateSquareSubsequentMask), MSE to a fixed target,
 * backward and an SGD step. float32. bench/transformer_torch.py is the same step in PyTorch;
 * bench/transformer_compare.ts runs both alternately.
 *
 *   npx tsx bench/transformer_step.ts                       native at 1 and 2 threads
 *   npx tsx bench/transformer_step.ts --backends native,wasm --threads 1 --budget 8000
 *   ... --dropout 0 --dff 1024                              other layer settings
 *   ... --profile [--steps 5]                               instead: CPU ms per kernel and pass (native)
 *   ... --json                                              one JSON line (bench/run.ts format)
 */
import * as torch from "../src/index.ts";
import { Profiler, profileKernelTable } from "./profiler.ts";
import { type PartReport, type StepCell, argList, argValue, forEachBackend, presentReport, stats, threadList } from "./common.ts";

/** A step's cell with the process CPU time per step too (all threads): on a shared, oversubscribed machine it moves far less than wall time. */
export interface TransformerCell extends StepCell {
  cpuMedianMs: number;
}

/** 2 warm-up steps, then steps until budgetMs of wall time (3 to 30). */
function timeStepsCpu(step: () => number, budgetMs: number): { wall: number[]; cpu: number[]; last: number } {
  let last = NaN;
  for (let i = 0; i < 2; i++) last = step();
  const wall: number[] = [];
  const cpu: number[] = [];
  const t0 = performance.now();
  while (wall.length < 30 && (wall.length < 3 || performance.now() - t0 < budgetMs)) {
    const c = process.cpuUsage();
    const t = performance.now();
    last = step();
    wall.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1000);
  }
  return { wall, cpu, last };
}

export const TRANSFORMER = { layers: 4, dModel: 256, nhead: 4, seq: 128, batch: 16 } as const;

function numArg(name: string, fallback: number): number {
  const v = argValue(name);
  return v === undefined ? fallback : Number(v);
}

/**
 * `--profile`: one table of kernels (gemm by shape, unary/binary by op, softmax, ...) summed over the
 * step's passes, by ideal CPU time (serial + par / threads, bench/profiler.ts), and the passes' own
 * totals with the JS time outside kernels.
 */
function profileSteps(threads: number, dropout: number, dff: number, steps: number): void {
  const { layers, dModel, nhead, seq, batch } = TRANSFORMER;
  torch.setNumThreads(threads);
  const prof = new Profiler(threads);
  torch.manualSeed(0);
  const x = torch.randn([seq, batch, dModel]);
  const target = torch.randn([seq, batch, dModel]);
  const mask = torch.nn.Transformer.generateSquareSubsequentMask(seq);
  torch.manualSeed(1);
  const model = new torch.nn.TransformerEncoder(new torch.nn.TransformerEncoderLayer(dModel, nhead, { dimFeedforward: dff, dropout }), layers);
  const opt = new torch.optim.SGD(model.parameters(), { lr: 0.01 });
  const mse = new torch.nn.MSELoss();
  const step = (): number => prof.within("step", () => {
    prof.within("zero_grad", () => opt.zeroGrad());
    const loss = prof.within("forward", () => mse.forward(model.forward(x, { mask }), target));
    prof.within("backward", () => loss.backward());
    prof.within("optimizer", () => opt.step());
    return loss.item();
  });
  profileKernelTable(prof, "native", threads, steps, step);
}

async function main(): Promise<void> {
  if (process.argv.includes("--profile")) {
    for (const t of threadList([1])) profileSteps(t, numArg("--dropout", 0.1), numArg("--dff", 2048), numArg("--steps", 5));
    return;
  }
  const backends = argList("--backends", ["native"]);
  const threads = threadList();
  const budgetMs = numArg("--budget", 6000);
  const dropout = numArg("--dropout", 0.1);
  const dff = numArg("--dff", 2048);
  const { layers, dModel, nhead, seq, batch } = TRANSFORMER;
  const report: PartReport<TransformerCell> = {
    engine: "kindling",
    info: [`Transformer encoder ${layers} layers, d ${dModel}, ${nhead} heads, ff ${dff}, dropout ${dropout}, seq ${seq}, batch ${batch}, causal mask, MSE, SGD, float32`],
    cells: [],
    unavailable: [],
  };
  torch.manualSeed(0);
  const x = torch.randn([seq, batch, dModel]);
  const target = torch.randn([seq, batch, dModel]);
  const mask = torch.nn.Transformer.generateSquareSubsequentMask(seq);
  const mse = new torch.nn.MSELoss();

  await forEachBackend(backends, threads, report, async (name, t) => {
    torch.manualSeed(1);
    const layer = new torch.nn.TransformerEncoderLayer(dModel, nhead, { dimFeedforward: dff, dropout });
    const model = new torch.nn.TransformerEncoder(layer, layers);
    const opt = new torch.optim.SGD(model.parameters(), { lr: 0.01 });
    const step = (): number => {
      opt.zeroGrad();
      const loss = mse.forward(model.forward(x, { mask }), target);
      loss.backward();
      opt.step();
      return loss.item();
    };
    const r = timeStepsCpu(step, budgetMs);
    const w = stats(r.wall);
    report.cells.push({ backend: name, threads: t, medianMs: w.medianMs, bestMs: w.bestMs, n: w.n, loss: r.last, cpuMedianMs: stats(r.cpu).medianMs });
  });

  if (!presentReport(report)) return;
  console.log("backend  threads  ms/step median     best   cpu ms median   steps  last loss");
  for (const c of report.cells) {
    console.log(`${c.backend.padEnd(8)} ${String(c.threads).padStart(7)} ${c.medianMs.toFixed(1).padStart(15)} ` +
      `${c.bestMs.toFixed(1).padStart(8)} ${c.cpuMedianMs.toFixed(1).padStart(15)} ${String(c.n).padStart(7)}  ${c.loss.toFixed(4)}`);
  }
}

await main();
process.exit(0);
