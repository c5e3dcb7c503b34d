/**
 * GFLOP/s of the WASM SIMD GEMM per shape, thread count and kernel variant (relaxed-SIMD FMA vs
 * plain mul+add), float32, C overwritten (beta 0).
 *
 *   npm run bench:wasm                      all shapes, 1 and 2 threads, every variant available
 *   npm run bench:wasm -- --threads 1,2     thread counts
 *   npm run bench:wasm -- --reps 9          repetitions (best is reported)
 *   npm run bench:wasm -- --shape NN,256,1024,1024   one shape (layout, M, N, K) instead of the list
 *   npm run bench:wasm -- --js              add the JS backend as a baseline column (slow)
 *   npm run bench:wasm -- --ew              elementwise kernels instead: microseconds, JS vs WASM
 *
 * Node 20 validates relaxed SIMD only behind --experimental-wasm-relaxed-simd; this script turns the
 * V8 flag on for itself (before any module is compiled) so both variants can be compared. The library
 * never does that: it detects what the runtime validates.
 * Each cell is "wall / cpu": see measure().
 */
import { setFlagsFromString } from "node:v8";
import type { Backend } from "../src/backend/backend.ts";
import { jsBackend } from "../src/backend/js/index.ts";
import { createWasmBackend } from "../src/backend/wasm/index.ts";

setFlagsFromString("--experimental-wasm-relaxed-simd");

const SHAPES: [boolean, boolean, number, number, number][] = [
  [false, false, 32, 1024, 784],
  [false, false, 32, 2048, 1024],
  [false, false, 256, 1024, 1024],
  [false, false, 1024, 1024, 1024],
  [true, false, 784, 1024, 32],
  [false, true, 32, 784, 1024],
  [false, true, 256, 1024, 1024],
  [true, true, 256, 1024, 1024],
];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

type GemmFn = () => void;

/**
 * Best GFLOP/s over repetitions of enough calls to take ~25 ms, by wall clock and by process CPU time
 * divided by the threads used. On a machine shared with other jobs the wall figure undercounts (we
 * were descheduled); the CPU figure shows what the code does while it runs (it overcounts only if a
 * thread idles waiting, which the handoff makes rare).
 */
function measure(run: () => void, flops: number, reps: number, threads: number): { wall: number; cpu: number } {
  run();
  let calls = 1;
  for (;;) {
    const t = performance.now();
    for (let i = 0; i < calls; i++) run();
    if (performance.now() - t > 25) break;
    calls *= 2;
  }
  let wall = Infinity, cpu = Infinity;
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const t = performance.now();
    for (let i = 0; i < calls; i++) run();
    wall = Math.min(wall, (performance.now() - t) / calls);
    const c = process.cpuUsage(c0);
    cpu = Math.min(cpu, (c.user + c.system) / 1000 / calls / threads);
  }
  return { wall: flops / wall / 1e6, cpu: flops / Math.max(cpu, wall / 4) / 1e6 };
}

/** Microseconds per call of the hot elementwise kernels on the JS and WASM backends (CPU time). */
function elementwise(be: Backend): void {
  const usec = (fn: () => void): number => {
    for (let i = 0; i < 200; i++) fn();
    let best = Infinity;
    for (let r = 0; r < 7; r++) {
      const c0 = process.cpuUsage();
      for (let i = 0; i < 100; i++) fn();
      const c = process.cpuUsage(c0);
      best = Math.min(best, (c.user + c.system) / 100);
    }
    return best;
  };
  console.log("elementwise float32, microseconds per call (CPU time), js / wasm");
  for (const n of [4096, 32768, 262144]) {
    const x = new Float32Array(n).map(() => Math.random() - 0.5), y = x.map((v) => v * 2), out = new Float32Array(n);
    const row = 1024, outer = n / row;
    const v = (data: Float32Array, strides: number[]) => ({ data, offset: 0, strides });
    const cases: [string, (b: Backend) => void][] = [
      ["relu", (b) => b.unary("relu", x, out, n)],
      ["add", (b) => b.binary("add", v(x, [1]), v(y, [1]), out, [n])],
      ["bias add", (b) => b.binary("add", v(x, [row, 1]), v(y, [0, 1]), out, [outer, row])],
      ["reluGrad", (b) => b.binary("reluGrad", v(x, [1]), v(y, [1]), out, [n])],
      ["mul 0.5", (b) => b.binaryScalar("mul", x, 0.5, out, n, false)],
      ["column sum", (b) => b.reduce("sum", x, out, 1, outer, row)],
    ];
    const cells = cases.map(([name, fn]) => `${name} ${usec(() => fn(jsBackend)).toFixed(1)} / ${usec(() => fn(be)).toFixed(1)}`);
    console.log(`n=${n}`.padEnd(9), cells.join("   "));
  }
}

async function main(): Promise<void> {
  if (process.argv.includes("--ew")) {
    const be = createWasmBackend({ threads: 1 });
    if (be) elementwise(be);
    return;
  }
  const threads = (arg("--threads") ?? "1,2").split(",").map(Number).filter((t) => t >= 1);
  const reps = Number(arg("--reps") ?? 7);
  const withJs = process.argv.includes("--js");
  const variants = [true, false]
    .map((relaxed) => ({ relaxed, be: createWasmBackend({ relaxed, threads: Math.max(...threads) }) }))
    .filter((v) => v.be !== null);
  if (variants.length === 0) {
    console.log("WebAssembly SIMD is not available here");
    return;
  }
  for (const v of variants) await v.be!.whenReady();
  const cols: { label: string; threads: number; set: () => void; gemm: typeof jsBackend.gemm }[] = [];
  for (const v of variants) {
    for (const t of threads) {
      const be = v.be!;
      cols.push({ label: `${v.relaxed ? "relaxed" : "mul+add"} ${t}T`, threads: t, set: () => be.setNumThreads(t), gemm: be.gemm });
    }
  }
  if (withJs) cols.push({ label: "js", threads: 1, set: () => {}, gemm: jsBackend.gemm });
  const info = variants[0]!.be!.info();
  console.log(`wasm gemm float32, shared memory ${info.shared}, best of ${reps}; GFLOP/s as wall-clock / CPU-time`);
  console.log(["op  M x N x K".padEnd(22), ...cols.map((c) => c.label.padStart(14))].join(""));
  const one = arg("--shape")?.split(",");
  const shapes: typeof SHAPES = one
    ? [[one[0]![0] === "T", one[0]![1] === "T", Number(one[1]), Number(one[2]), Number(one[3])]]
    : SHAPES;
  for (const [ta, tb, M, N, K] of shapes) {
    const A = new Float32Array(M * K).map(() => Math.random() - 0.5);
    const B = new Float32Array(K * N).map(() => Math.random() - 0.5);
    const C = new Float32Array(M * N);
    const lda = ta ? M : K, ldb = tb ? K : N;
    const cells = cols.map((c) => {
      c.set();
      const g = measure(() => c.gemm(ta, tb, M, N, K, 1, A, 0, lda, B, 0, ldb, 0, C, 0, N), 2 * M * N * K, reps, c.threads);
      return `${g.wall.toFixed(1)} / ${g.cpu.toFixed(1)}`.padStart(14);
    });
    const op = `${ta ? "T" : "N"}${tb ? "T" : "N"}`;
    console.log([`${op}  ${M}x${N}x${K}`.padEnd(22), ...cells].join(""));
  }
  for (const v of variants) await v.be!.dispose();
}

await main();
