/**
 * Where the CNN training step (bench/cnn_step.ts's model) spends its CPU on the wasm backend, per
 * kernel, at each thread count. Every kernel of the wasm backend (and its optional conv passes and
 * fused optimizer) is wrapped and timed by the JS thread's CPU clock (Linux's schedstat) and by wall; the step's process CPU (all threads) comes from process.cpuUsage.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/cnn_profile_wasm.ts [--threads 1,2] [--steps 10]
 *
 * On the loaded shared machine compare the "JS CPU" columns: the JS thread's CPU is the step's
 * critical path on an idle machine (waits in Atomics.wait cost no CPU), as long as the workers keep up.
 */
import { readFileSync } from "node:fs";
import * as torch from "../src/index.ts";
import type { Backend } from "../src/backend/backend.ts";
import { KERNEL_NAMES } from "../src/backend/kernels.ts";
import { registerBackend, setBackend } from "../src/backend/registry.ts";
import { loadWasmBackend } from "../src/backend/wasm/index.ts";
import { argValue, threadList } from "./common.ts";
import { CNN_BATCH, buildCnn } from "./models.ts";

// The JS thread's CPU time in ns: Linux's schedstat of the main thread (whose id is the process id).
const STAT = `/proc/self/task/${process.pid}/schedstat`;
const cpuNs = (): number => Number(readFileSync(STAT, "utf8").split(" ")[0]);
const steps = Number(argValue("--steps") ?? 10);

interface Row { calls: number; cpu: number; wall: number }
const rows = new Map<string, Row>();
let on = false;

function timed<F extends (...a: never[]) => unknown>(label: (...a: Parameters<F>) => string, f: F): F {
  return ((...a: Parameters<F>) => {
    if (!on) return f(...a);
    const c0 = cpuNs(), w0 = performance.now();
    try {
      return f(...a);
    } finally {
      const key = label(...a);
      const r = rows.get(key) ?? { calls: 0, cpu: 0, wall: 0 };
      r.calls++;
      r.cpu += (cpuNs() - c0) / 1e6;
      r.wall += performance.now() - w0;
      rows.set(key, r);
    }
  }) as F;
}

const wasm = loadWasmBackend();
if (!wasm) throw new Error("wasm backend unavailable");
const wrapped: Record<string, unknown> = { ...wasm };
for (const name of KERNEL_NAMES) {
  const f = (wasm[name] as (...a: never[]) => unknown).bind(wasm);
  wrapped[name] = timed((...a: unknown[]) => {
    if (name === "gemm") return `gemm ${a[0] ? "T" : "N"}${a[1] ? "T" : "N"} ${String(a[2])}x${String(a[3])}x${String(a[4])}`;
    if (name === "reduce") return `reduce ${String(a[0])} [${String(a[3])},${String(a[4])},${String(a[5])}]`;
    if (name === "unary" || name === "binary" || name === "binaryScalar") return `${name} ${String(a[0])}`;
    return name;
  }, f);
}
wrapped["optionalKernel"] = (name: string) => {
  const k = wasm.optionalKernel?.(name as never) as Record<string, (...a: never[]) => unknown> | undefined;
  if (!k) return k;
  const w: Record<string, unknown> = {};
  for (const m of Object.keys(k)) {
    w[m] = timed((...a: unknown[]) => {
      const win = a.find((v) => typeof v === "object" && v !== null && !ArrayBuffer.isView(v)) as { C: number } | undefined;
      return `${name}.${m}${win ? ` C${win.C}` : ""}`;
    }, k[m]!.bind(k));
  }
  return w;
};
registerBackend("wasm-profiled", () => wrapped as unknown as Backend);

for (const nt of threadList()) {
  torch.setNumThreads(nt);
  setBackend("wasm-profiled");
  await wasm.whenReady();
  torch.manualSeed(0);
  const x = torch.randn([CNN_BATCH, 1, 28, 28]);
  const y = torch.randint(0, 10, [CNN_BATCH]);
  torch.manualSeed(1);
  const model = buildCnn();
  const opt = new torch.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const criterion = new torch.nn.CrossEntropyLoss();
  const step = (): number => {
    opt.zeroGrad();
    const loss = criterion.forward(model.forward(x), y);
    loss.backward();
    opt.step();
    return loss.item();
  };
  for (let i = 0; i < 3; i++) step();
  rows.clear();
  const p0 = process.cpuUsage(), c0 = cpuNs(), w0 = performance.now();
  const stepWall: number[] = [];
  on = true;
  let loss = NaN;
  for (let i = 0; i < steps; i++) {
    const s0 = performance.now();
    loss = step();
    stepWall.push(performance.now() - s0);
  }
  on = false;
  const p = process.cpuUsage(p0), jsCpu = (cpuNs() - c0) / 1e6 / steps, wall = (performance.now() - w0) / steps;
  stepWall.sort((a, b) => a - b);
  let inside = 0;
  for (const r of rows.values()) inside += r.cpu;
  console.log(`\nwasm ${wasm.describe()}, ${steps} steps, loss ${loss.toFixed(4)}: wall ${wall.toFixed(1)} ms/step (median ${stepWall[steps >> 1]!.toFixed(1)}), ` +
    `JS CPU ${jsCpu.toFixed(1)}, process CPU ${((p.user + p.system) / 1000 / steps).toFixed(1)} ms/step; JS CPU outside kernels ${(jsCpu - inside / steps).toFixed(1)}`);
  console.log("kernel                              calls   JS CPU ms   wall ms  (per step)");
  for (const [k, r] of [...rows].sort((a, b) => b[1].cpu - a[1].cpu)) {
    console.log(`${k.padEnd(34)} ${(r.calls / steps).toFixed(1).padStart(6)} ${(r.cpu / steps).toFixed(2).padStart(11)} ${(r.wall / steps).toFixed(2).padStart(9)}`);
  }
}
process.exit(0);
