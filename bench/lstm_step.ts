/**
 * One LSTM training step (issue 14's bench: 2-layer LSTM, input and hidden 256, sequence 64, batch 32,
 * float32): zeroGrad, forward, loss = mean(output^2), backward, SGD step. kindling's side; PyTorch's is
 * bench/lstm_torch.py (bench/run.ts runs both). `--mode gru|rnn` runs the same step with nn.GRU or
 * nn.RNN (tanh) of the same shape instead.
 *
 *   npx tsx bench/lstm_step.ts                          native at 1 and 2 threads
 *   npx tsx bench/lstm_step.ts --backends native,wasm --threads 1 --budget 3000 --mode gru
 *   npx tsx bench/lstm_step.ts --backends native,native-unfused --threads 1   A/B: native without the
 *                                                       fused cell steps (optional kernel recurrentCells)
 *   npx tsx bench/lstm_step.ts --profile [--steps 5]    instead: CPU ms per kernel and pass (native)
 *   npx tsx bench/lstm_step.ts --json                   one JSON line (bench/run.ts)
 */
import * as torch from "../src/index.ts";
import type { Backend } from "../src/backend/backend.ts";
import { loadNativeBackend } from "../src/backend/native/backend.ts";
import { registerBackend } from "../src/backend/registry.ts";
import { Profiler, profileKernelTable } from "./profiler.ts";
import { type PartReport, type StepCell, argList, argValue, forEachBackend, presentReport, threadList, timeSteps } from "./common.ts";

export const LSTM_SHAPE = { input: 256, hidden: 256, layers: 2, seq: 64, batch: 32 } as const;

// The native backend as it runs without its fused recurrent cell steps (their vector-kernel / JS reference).
registerBackend("native-unfused", () => {
  const native = loadNativeBackend();
  if (!native) return null;
  const optionalKernel = ((name: string) => (name === "recurrentCells" ? undefined : native.optionalKernel!(name as never))) as Backend["optionalKernel"];
  return { ...native, optionalKernel };
});

type Mode = "lstm" | "gru" | "rnn";
const MODE = (argValue("--mode") ?? "lstm") as Mode;
if (!["lstm", "gru", "rnn"].includes(MODE)) throw new Error(`--mode: expected lstm, gru or rnn, got ${MODE}`);

function makeModel(): torch.nn.LSTM | torch.nn.GRU | torch.nn.RNN {
  const s = LSTM_SHAPE;
  if (MODE === "gru") return new torch.nn.GRU(s.input, s.hidden, { numLayers: s.layers });
  if (MODE === "rnn") return new torch.nn.RNN(s.input, s.hidden, { numLayers: s.layers });
  return new torch.nn.LSTM(s.input, s.hidden, { numLayers: s.layers });
}

const outputOf = (m: ReturnType<typeof makeModel>, x: torch.Tensor): torch.Tensor =>
  m instanceof torch.nn.LSTM ? m.forward(x)[0] : (m as torch.nn.GRU).forward(x)[0];

/** `--profile`: CPU ms per kernel over the step's passes (ideal CPU = serial + par / threads, bench/profiler.ts). */
function profileSteps(threads: number, steps: number): void {
  const s = LSTM_SHAPE;
  torch.setNumThreads(threads);
  const prof = new Profiler(threads);
  torch.manualSeed(0);
  const x = torch.randn([s.seq, s.batch, s.input]);
  torch.manualSeed(1);
  const model = makeModel();
  const opt = new torch.optim.SGD(model.parameters(), { lr: 0.01 });
  const step = (): number => prof.within("step", () => {
    prof.within("zero_grad", () => opt.zeroGrad());
    const loss = prof.within("forward", () => outputOf(model, x).square().mean());
    prof.within("backward", () => loss.backward());
    prof.within("optimizer", () => opt.step());
    return loss.item() as number;
  });
  profileKernelTable(prof, `${MODE} native`, threads, steps, step);
}

async function main(): Promise<void> {
  if (process.argv.includes("--profile")) {
    for (const t of threadList([1])) profileSteps(t, Number(argValue("--steps") ?? 5));
    return;
  }
  const backends = argList("--backends", ["native"]);
  const budgetMs = Number(argValue("--budget") ?? 3000);
  const s = LSTM_SHAPE;
  const report: PartReport<StepCell> = {
    engine: "kindling",
    info: [`${MODE === "lstm" ? "LSTM" : MODE === "gru" ? "GRU" : "RNN (tanh)"} ${s.input}-${s.hidden} x${s.layers} layers, seq ${s.seq}, batch ${s.batch}, float32, loss mean(out^2), SGD lr 0.01`],
    cells: [],
    unavailable: [],
  };
  torch.manualSeed(0);
  const x = torch.randn([s.seq, s.batch, s.input]);
  await forEachBackend(backends, threadList(), report, async (name, t) => {
    torch.manualSeed(1);
    const model = makeModel();
    const opt = new torch.optim.SGD(model.parameters(), { lr: 0.01 });
    const step = (): number => {
      opt.zeroGrad();
      const loss = outputOf(model, x).square().mean();
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
