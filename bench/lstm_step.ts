/**
 * One LSTM training step (issue 14's bench: 2-layer LSTM, input and hidden 256, sequence 64, batch 32,
 * float32): zeroGrad, forward, loss = mean(output^2), backward, SGD step. kindling's side; PyTorch's is
 * bench/lstm_torch.py, and bench/lstm_compare.ts runs both alternately at 1 and 2 threads.
 *
 *   npx tsx bench/lstm_step.ts                          native at 1 and 2 threads
 *   npx tsx bench/lstm_step.ts --backends native,wasm --threads 1 --budget 3000
 *   npx tsx bench/lstm_step.ts --json                   one JSON line (bench/lstm_compare.ts)
 */
import * as torch from "../src/index.ts";
import { type PartReport, type StepCell, argList, argValue, forEachBackend, presentReport, threadList, timeSteps } from "./common.ts";

export const LSTM_SHAPE = { input: 256, hidden: 256, layers: 2, seq: 64, batch: 32 } as const;

async function main(): Promise<void> {
  const backends = argList("--backends", ["native"]);
  const budgetMs = Number(argValue("--budget") ?? 3000);
  const s = LSTM_SHAPE;
  const report: PartReport<StepCell> = {
    engine: "kindling",
    info: [`LSTM ${s.input}-${s.hidden} x${s.layers} layers, seq ${s.seq}, batch ${s.batch}, float32, loss mean(out^2), SGD lr 0.01`],
    cells: [],
    unavailable: [],
  };
  torch.manualSeed(0);
  const x = torch.randn([s.seq, s.batch, s.input]);
  await forEachBackend(backends, threadList(), report, async (name, t) => {
    torch.manualSeed(1);
    const model = new torch.nn.LSTM(s.input, s.hidden, { numLayers: s.layers });
    const opt = new torch.optim.SGD(model.parameters(), { lr: 0.01 });
    const step = (): number => {
      opt.zeroGrad();
      const [out] = model.forward(x);
      const loss = out.square().mean();
      loss.backward();
      opt.step();
      return loss.item() as number;
    };
    // CPU time too: on a loaded machine it tracks what an idle one would take far better than wall time.
    const cpu: number[] = [];
    const timed = (): number => {
      const c0 = process.cpuUsage();
      const v = step();
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
      return v;
    };
    const r = await timeSteps(timed, name === "js"
      ? { warmup: 1, warmupMs: 0, minSteps: 3, maxSteps: 3, budgetMs: 0 }
      : { warmup: 3, warmupMs: 500, minSteps: 7, maxSteps: 40, budgetMs });
    const cpuTimed = cpu.slice(cpu.length - r.n).sort((a, b) => a - b);
    report.cells.push({ backend: name, threads: t, medianMs: r.medianMs, bestMs: r.bestMs, n: r.n, loss: r.last, cpuMedianMs: cpuTimed[cpuTimed.length >> 1]! } as StepCell);
  });
  if (!presentReport(report)) return;
  console.log("backend  threads  ms/step median   best  cpu ms median   steps  last loss");
  for (const c of report.cells) {
    const cpu = (c as StepCell & { cpuMedianMs: number }).cpuMedianMs;
    console.log(`${c.backend.padEnd(8)} ${String(c.threads).padStart(7)} ${c.medianMs.toFixed(1).padStart(15)} ${c.bestMs.toFixed(1).padStart(6)} ${cpu.toFixed(1).padStart(14)} ${String(c.n).padStart(7)}  ${c.loss.toFixed(5)}`);
  }
}

await main();
process.exit(0);
