/**
 * float32 GEMM GFLOP/s of each kindling backend at the MLP's shapes, per thread count, through the
 * Backend object that `torch.setBackend(name)` selects (the exact call every matmul makes).
 *
 *   npx tsx bench/gemm.ts                           native, wasm, js at 1 and 2 threads
 *   npx tsx bench/gemm.ts --backends native --threads 1,2,4 --samples 11
 *   npx tsx bench/gemm.ts --json                    one JSON line for bench/run.ts
 *
 * Each cell: one warm-up call, calls per sample calibrated to ~25 ms, then `--samples` samples; the
 * median and best time per call are reported. js has no threads and is ~1 GFLOP/s, so it runs at one
 * thread and only on the shapes up to 32x2048x1024.
 */
import { backend } from "../src/backend/index.ts";
import {
  GEMM_SHAPES, type GemmCell, type GemmShape, type PartReport, argList, argValue, forEachBackend, presentReport, gflops,
  shapeKey, threadList, timeRepeated,
} from "./common.ts";

const JS_MAX_MACS = 32 * 2048 * 1024;

function operands(s: GemmShape): { A: Float32Array; B: Float32Array; C: Float32Array } {
  const fill = (n: number): Float32Array => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = Math.random() - 0.5;
    return a;
  };
  return { A: fill(s.M * s.K), B: fill(s.K * s.N), C: new Float32Array(s.M * s.N) };
}

async function main(): Promise<void> {
  const backends = argList("--backends", ["native", "wasm", "js"]);
  const threads = threadList();
  const samples = Math.max(1, Number(argValue("--samples") ?? 7));
  const report: PartReport<GemmCell> = { engine: "kindling", info: [], cells: [], unavailable: [] };
  const data = GEMM_SHAPES.map(operands);

  await forEachBackend(backends, threads, report, (name, t) => {
    const b = backend();
    GEMM_SHAPES.forEach((s, i) => {
      if (name === "js" && s.M * s.N * s.K > JS_MAX_MACS) return;
      const { A, B, C } = data[i]!;
      const lda = s.transA ? s.M : s.K;
      const ldb = s.transB ? s.K : s.N;
      const run = (): void => b.gemm(s.transA, s.transB, s.M, s.N, s.K, 1, A, 0, lda, B, 0, ldb, 0, C, 0, s.N);
      const timing = timeRepeated(run, name === "js" ? Math.min(samples, 3) : samples);
      report.cells.push({ shape: shapeKey(s), backend: name, threads: t, ...timing });
    });
  });

  if (!presentReport(report, `kindling gemm, float32, GFLOP/s best / median of ${samples} samples`)) return;
  const cols = [...new Set(report.cells.map((c) => `${c.backend} ${c.threads}t`))];
  console.log(["shape".padEnd(20), ...cols.map((c) => c.padStart(12))].join(""));
  for (const s of GEMM_SHAPES) {
    const cells = cols.map((col) => {
      const c = report.cells.find((x) => x.shape === shapeKey(s) && `${x.backend} ${x.threads}t` === col);
      return (c ? `${gflops(s, c.bestMs).toFixed(1)}/${gflops(s, c.medianMs).toFixed(1)}` : "-").padStart(12);
    });
    console.log([shapeKey(s).padEnd(20), ...cells].join(""));
  }
}

await main();
process.exit(0);
