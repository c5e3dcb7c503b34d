/**
 * `npm run bench -- --profile` (or `npx tsx bench/profile.ts`): where the CNN and MLP training steps
 * spend their time on the native backend, per layer and pass (forward/backward) and per kernel, with
 * each row's split between the JS thread's serial work and the work the pool's threads share.
 *
 *   npx tsx bench/profile.ts                         CNN and MLP, threads 1 and 2
 *   npx tsx bench/profile.ts --model cnn --threads 2 --steps 20
 *
 * Columns (ms per step; see bench/profiler.ts): wall; serial = JS-thread CPU outside parallel jobs;
 * par = CPU inside parallel jobs summed over threads, and its split per thread; wait = CPU the JS
 * thread spent waiting for workers; ideal = serial + par / threads, the row's time on an idle machine
 * with perfectly balanced threads. CPU times, unlike wall times, stay meaningful on a loaded machine.
 * "(outside kernels)" is a row's time in JS between kernel calls (dispatch, allocation, autograd).
 */
import { loadavg } from "node:os";
import { PerformanceObserver } from "node:perf_hooks";
import * as torch from "../src/index.ts";
import { argList, argValue, threadList } from "./common.ts";
import { CNN_BATCH, MLP_BATCH, MLP_LR, MLP_SIZES, buildCnn, buildMlp } from "./models.ts";
import { Profiler, type Sample, parMs, serialMs } from "./profiler.ts";

const models = argList("--model", ["cnn", "mlp"]);
const threads = threadList();
const stepsArg = argValue("--steps");

interface Setup {
  title: string;
  model: torch.nn.Sequential;
  opt: torch.optim.Optimizer;
  x: torch.Tensor;
  y: torch.Tensor;
  steps: number;
}

function setup(name: string): Setup {
  torch.manualSeed(0);
  if (name === "cnn") {
    const x = torch.randn([CNN_BATCH, 1, 28, 28]);
    const y = torch.randint(0, 10, [CNN_BATCH]);
    torch.manualSeed(1);
    const model = buildCnn();
    return { title: `CNN step (batch ${CNN_BATCH}, SGD momentum 0.9)`, model, x, y, steps: Number(stepsArg ?? 10),
      opt: new torch.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 }) };
  }
  const x = torch.randn([MLP_BATCH, MLP_SIZES[0]]);
  const y = torch.randint(0, MLP_SIZES[MLP_SIZES.length - 1]!, [MLP_BATCH]);
  torch.manualSeed(1);
  const model = buildMlp();
  return { title: `MLP step ${MLP_SIZES.join("-")} (batch ${MLP_BATCH}, SGD)`, model, x, y, steps: Number(stepsArg ?? 40),
    opt: new torch.optim.SGD(model.parameters(), { lr: MLP_LR }) };
}

const f1 = (v: number): string => v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2);

async function profileOne(name: string, nt: number): Promise<void> {
  torch.setNumThreads(nt);
  const prof = new Profiler(nt);
  const s = setup(name);
  prof.instrumentModel(s.model);
  const criterion = new torch.nn.CrossEntropyLoss();
  const step = (): number => prof.within("step", () => {
    prof.within("zero_grad", () => s.opt.zeroGrad());
    const out = s.model.forward(s.x);
    const loss = prof.forward("loss", () => criterion.forward(out, s.y));
    prof.instrumentGraph(loss);
    prof.within("backward", () => loss.backward());
    prof.within("optimizer", () => s.opt.step());
    return loss.item();
  });
  for (let i = 0; i < 3; i++) step();
  const gc = { n: 0, ms: 0 };
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.n++;
      gc.ms += e.duration;
    }
  });
  obs.observe({ entryTypes: ["gc"] });
  const cpu0 = process.cpuUsage();
  prof.start();
  let last = NaN;
  for (let i = 0; i < s.steps; i++) last = step();
  prof.stop();
  const cpu = process.cpuUsage(cpu0);
  await new Promise((r) => setTimeout(r, 0)); // lets the observer deliver the last entries
  obs.disconnect();
  report(prof, s, nt, (cpu.user + cpu.system) / 1000 / s.steps, last, gc);
}

function report(prof: Profiler, s: Setup, nt: number, processCpuMs: number, loss: number, gc: { n: number; ms: number }): void {
  const n = s.steps;
  const total = prof.rows.get("step")!.get("")!;
  const ideal = (x: Sample): number => serialMs(x) + parMs(x) / nt;
  const gemm = { serial: 0, par: 0 };
  console.log(`\n${s.title}, native ${torch.getNumThreads()} thread(s), ${n} steps, last loss ${loss.toFixed(4)}`);
  console.log(`  per step: wall ${f1(total.wallMs / n)} ms; process CPU ${f1(processCpuMs)} ms (all threads, incl. GC and spinning); ` +
    `JS thread CPU ${f1(total.mainMs / n)} ms; CPU in parallel jobs ${total.slotMs.map((v) => f1(v / n)).join(" + ")} ms; ` +
    `JS thread waiting for workers ${f1(total.waitCpuMs / n)} ms CPU / ${f1(total.waitMs / n)} ms wall`);
  const others = processCpuMs - total.mainMs / n - total.slotMs.slice(1).reduce((a, b) => a + b, 0) / n;
  console.log(`  other threads (V8 GC and compiler, pool spinning): ${f1(others)} ms CPU per step; ` +
    `GC: ${f1(gc.n / n)} pauses, ${f1(gc.ms / n)} ms wall per step (inside the rows below, wherever they fell)`);
  console.log(`  ideal (serial + par/${nt}) ${f1(ideal(total) / n)} ms/step; serial ${f1(serialMs(total) / n)} ms, par ${f1(parMs(total) / n)} ms`);
  const head = ["row / kernel", "calls", "wall", "serial", "par", ...(nt > 1 ? ["per thread"] : []), "wait", "ideal", "%step"];
  const rows: string[][] = [head];
  const line = (label: string, x: Sample, indent: boolean): string[] => [
    `${indent ? "    " : ""}${label}`, f1(x.calls / n), f1(x.wallMs / n), f1(serialMs(x) / n), f1(parMs(x) / n),
    ...(nt > 1 ? [x.slotMs.map((v) => f1(v / n)).join("/")] : []), f1(x.waitCpuMs / n), f1(ideal(x) / n),
    `${((100 * ideal(x)) / ideal(total)).toFixed(1)}`,
  ];
  for (const [label, kernels] of prof.rows) {
    if (label === "step") continue;
    const own = kernels.get("");
    if (!own) continue;
    rows.push(line(label, own, false));
    const inner: Sample = { calls: 0, wallMs: 0, mainMs: 0, slotMs: new Array<number>(nt).fill(0), waitMs: 0, waitCpuMs: 0 };
    const sorted = [...kernels].filter(([k]) => k !== "").sort((a, b) => ideal(b[1]) - ideal(a[1]));
    for (const [k, x] of sorted) {
      rows.push(line(k, x, true));
      inner.wallMs += x.wallMs;
      inner.mainMs += x.mainMs;
      inner.waitCpuMs += x.waitCpuMs;
      x.slotMs.forEach((v, i) => (inner.slotMs[i]! += v));
      if (k.startsWith("gemm") || k.startsWith("convPasses") || k.startsWith("linearForward")) {
        gemm.serial += serialMs(x);
        gemm.par += parMs(x);
      }
    }
    if (sorted.length > 0 && label !== "backward") {
      const rest: Sample = { calls: own.calls, wallMs: own.wallMs - inner.wallMs, mainMs: own.mainMs - inner.mainMs,
        slotMs: own.slotMs.map((v, i) => v - inner.slotMs[i]!), waitMs: 0, waitCpuMs: own.waitCpuMs - inner.waitCpuMs };
      rows.push(line("(outside kernels)", rest, true));
    }
  }
  printTable(rows);
  const g = gemm.serial + gemm.par / nt;
  console.log(`  GEMM-type kernels (gemm, linearForward, conv passes): ideal ${f1(g / n)} ms/step; step ideal / GEMM ideal = ${(ideal(total) / g).toFixed(2)}x`);
  console.log("  rows: 'bwd X' = the backward nodes of layer X; 'backward' = the whole backward call (engine, gradient accumulation) and includes them.");
}

function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  "));
}

const l0 = loadavg();
console.log(`kindling profile; load average ${l0.map((v) => v.toFixed(2)).join(" ")} (CPU columns hold up under load, wall ones do not)`);
for (const m of models) for (const t of threads) await profileOne(m, t);
process.exit(0);
