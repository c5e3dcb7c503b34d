/**
 * GFLOP/s of the native GEMM addon per shape and thread count.
 *
 *   npm run bench:gemm                        all shapes, 1 and 2 threads, float32
 *   npm run bench:gemm -- --f64               float64 instead
 *   npm run bench:gemm -- --threads 1,2,4     other thread counts
 *   npm run bench:gemm -- --simd avx2         force a kernel family
 *   npm run bench:gemm -- --reps 15 --rounds 3  more samples on a busy machine
 *
 * Each case is warmed up, then timed as the best of several repetitions (each repetition runs the
 * GEMM enough times to take ~25 ms); with --rounds the whole table is measured that many times,
 * interleaved, keeping the best figure per cell. Best-of figures are upper envelopes, robust to
 * other processes competing for the cores.
 */
import { loadNative } from "../src/backend/native/loader.ts";
import type { NativeSimdLevel } from "../src/backend/native/loader.ts";

interface Shape {
  label: string;
  transA: boolean;
  transB: boolean;
  M: number;
  N: number;
  K: number;
}

const SHAPES: Shape[] = [
  { label: "fwd  NN", transA: false, transB: false, M: 32, N: 1024, K: 784 },
  { label: "fwd  NN", transA: false, transB: false, M: 32, N: 2048, K: 1024 },
  { label: "fwd  NN", transA: false, transB: false, M: 256, N: 1024, K: 1024 },
  { label: "fwd  NN", transA: false, transB: false, M: 1024, N: 1024, K: 1024 },
  // Backward of a 784 -> 1024 linear layer with batch 32: dW = X^T @ dY (TN), dX = dY @ W^T (NT).
  { label: "dW   TN", transA: true, transB: false, M: 784, N: 1024, K: 32 },
  { label: "dW   TN", transA: true, transB: false, M: 1024, N: 784, K: 32 },
  { label: "dX   NT", transA: false, transB: true, M: 32, N: 784, K: 1024 },
  { label: "dW   TN", transA: true, transB: false, M: 1024, N: 1024, K: 256 },
  { label: "dX   NT", transA: false, transB: true, M: 256, N: 1024, K: 1024 },
  { label: "     TT", transA: true, transB: true, M: 256, N: 1024, K: 1024 },
];

interface Options {
  f64: boolean;
  threads: number[];
  simd?: string;
  reps: number;
  rounds: number;
}

function parseArgs(argv: string[]): Options {
  const out: Options = { f64: false, threads: [1, 2], reps: 7, rounds: 1 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--f64") out.f64 = true;
    else if (a === "--threads") out.threads = (argv[++i] ?? "").split(",").map(Number).filter((n) => n >= 1);
    else if (a === "--simd") out.simd = argv[++i];
    else if (a === "--reps") out.reps = Math.max(1, Number(argv[++i]));
    else if (a === "--rounds") out.rounds = Math.max(1, Number(argv[++i]));
  }
  return out;
}

function main(): void {
  const addon = loadNative();
  if (!addon) {
    console.log("native addon not available (build it with `npm install` or `npx node-gyp rebuild`)");
    return;
  }
  const opts = parseArgs(process.argv.slice(2));
  if (opts.simd) addon.setSimdLevel(opts.simd as NativeSimdLevel);
  const Arr = opts.f64 ? Float64Array : Float32Array;
  console.log(`kindling native gemm: ${opts.f64 ? "float64" : "float32"}, kernel ${addon.simdLevel()}, ` +
    `best of ${opts.reps} repetitions x ${opts.rounds} round(s)`);
  const saved = addon.getNumThreads();
  const best: number[][] = SHAPES.map(() => opts.threads.map(() => Infinity));
  const data = SHAPES.map(({ M, N, K }) => ({
    A: new Arr(M * K).map(() => Math.random() - 0.5),
    B: new Arr(K * N).map(() => Math.random() - 0.5),
    C: new Arr(M * N),
  }));
  for (let round = 0; round < opts.rounds; round++) {
    SHAPES.forEach((s, si) => {
      const { M, N, K, transA, transB } = s;
      const { A, B, C } = data[si]!;
      const lda = transA ? M : K;
      const ldb = transB ? K : N;
      const run = (): void => addon.gemm(transA, transB, M, N, K, 1, A, 0, lda, B, 0, ldb, 0, C, 0, N);
      opts.threads.forEach((t, ti) => {
        addon.setNumThreads(t);
        // Warm-up, and calibrate the number of calls per repetition.
        run();
        let calls = 0;
        const t0 = performance.now();
        while (performance.now() - t0 < 30) {
          run();
          calls++;
        }
        const perRep = Math.max(1, Math.round((calls * 25) / (performance.now() - t0)));
        for (let r = 0; r < opts.reps; r++) {
          const start = performance.now();
          for (let c = 0; c < perRep; c++) run();
          best[si]![ti] = Math.min(best[si]![ti]!, (performance.now() - start) / perRep);
        }
      });
    });
  }
  addon.setNumThreads(saved);

  const header = ["shape".padEnd(8), "M x N x K".padEnd(18), ...opts.threads.map((t) => `${t} thr GFLOP/s`.padStart(15))];
  console.log(header.join("  "));
  SHAPES.forEach((s, si) => {
    const flops = 2 * s.M * s.N * s.K;
    const cells = best[si]!.map((ms) => (flops / (ms * 1e-3) / 1e9).toFixed(1).padStart(15));
    console.log([s.label.padEnd(8), `${s.M}x${s.N}x${s.K}`.padEnd(18), ...cells].join("  "));
  });
}

main();
