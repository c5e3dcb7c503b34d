/**
 * Native GEMM addon (build/Release/kindling_native.node) against a float64 reference.
 * Every test is skipped when the addon is not built.
 */
import { test } from "node:test";
import type { TestContext } from "node:test";
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

import { loadNative } from "../../src/backend/native/loader.ts";
import type { NativeAddon, NativeSimdLevel } from "../../src/backend/native/loader.ts";
import { mulberry32 } from "../helpers/rng.ts";

const addon = loadNative();
const SKIP_MSG = "native addon not built (npm install / npx node-gyp rebuild)";

function need(t: TestContext): NativeAddon | null {
  if (!addon) t.skip(SKIP_MSG);
  return addon;
}

type FloatArray = Float32Array | Float64Array;
type FloatCtor = Float32ArrayConstructor | Float64ArrayConstructor;

/** Deterministic uniform [-1, 1). */
function rng(seed: number): () => number {
  const u = mulberry32(seed);
  return () => u() * 2 - 1;
}

const SENTINEL = 12345.5;

interface Case {
  transA: boolean;
  transB: boolean;
  M: number;
  N: number;
  K: number;
  alpha: number;
  beta: number;
  aOff: number;
  bOff: number;
  cOff: number;
  /** Extra elements per stored row beyond the logical column count. */
  aPad: number;
  bPad: number;
  cPad: number;
  /** Fill the C region with NaN before the call (only meaningful with beta = 0). */
  nanC?: boolean;
}

interface Prepared {
  c: Case;
  A: FloatArray;
  B: FloatArray;
  C0: FloatArray;
  lda: number;
  ldb: number;
  ldc: number;
  /** Expected C region (M x N, row-major) and a per-element magnitude for the tolerance. */
  expected: Float64Array;
  scale: Float64Array;
}

/**
 * Builds a stored matrix of rows x cols with row stride cols + pad at offset off. Padding and the
 * elements before the offset are NaN, so reading any of them would poison the result.
 */
function storedMatrix(Ctor: FloatCtor, rows: number, cols: number, off: number, pad: number, rand: () => number) {
  const ld = Math.max(cols + pad, 1);
  const len = off + (rows > 0 ? (rows - 1) * ld + cols : 0) + 3;
  const data = new Ctor(len).fill(NaN);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) data[off + r * ld + c] = rand();
  return { data, ld };
}

function prepare(Ctor: FloatCtor, c: Case, seed: number): Prepared {
  const rand = rng(seed);
  const { M, N, K } = c;
  const a = storedMatrix(Ctor, c.transA ? K : M, c.transA ? M : K, c.aOff, c.aPad, rand);
  const b = storedMatrix(Ctor, c.transB ? N : K, c.transB ? K : N, c.bOff, c.bPad, rand);
  const ldc = Math.max(N + c.cPad, 1);
  const C0 = new Ctor(c.cOff + (M > 0 ? (M - 1) * ldc + N : 0) + 5).fill(SENTINEL);
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) C0[c.cOff + i * ldc + j] = c.nanC ? NaN : rand();

  // op(A) as M x K and op(B)^T as N x K, both dense row-major float64, for contiguous dot products.
  const opA = new Float64Array(M * K);
  const opBt = new Float64Array(N * K);
  for (let i = 0; i < M; i++)
    for (let k = 0; k < K; k++) opA[i * K + k] = a.data[c.aOff + (c.transA ? k * a.ld + i : i * a.ld + k)]!;
  for (let j = 0; j < N; j++)
    for (let k = 0; k < K; k++) opBt[j * K + k] = b.data[c.bOff + (c.transB ? j * b.ld + k : k * b.ld + j)]!;
  const expected = new Float64Array(M * N);
  const scale = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      let m = 0;
      const ai = i * K, bj = j * K;
      for (let k = 0; k < K; k++) {
        const p = opA[ai + k]! * opBt[bj + k]!;
        s += p;
        m += Math.abs(p);
      }
      const c0 = C0[c.cOff + i * ldc + j]!;
      const cTerm = c.beta === 0 ? 0 : c.beta * c0;
      expected[i * N + j] = c.alpha * s + cTerm;
      scale[i * N + j] = Math.abs(c.alpha) * m + Math.abs(cTerm);
    }
  }
  return { c, A: a.data, B: b.data, C0, lda: a.ld, ldb: b.ld, ldc, expected, scale };
}

function describeCase(c: Case, extra: string): string {
  return `${c.transA ? "T" : "N"}${c.transB ? "T" : "N"} M=${c.M} N=${c.N} K=${c.K} alpha=${c.alpha} ` +
    `beta=${c.beta}${c.nanC ? " (NaN C)" : ""} offs=${c.aOff},${c.bOff},${c.cOff} ` +
    `pads=${c.aPad},${c.bPad},${c.cPad} ${extra}`;
}

/** Runs the addon on a copy of C and checks the region against the reference and the rest untouched. */
function runAndCheck(n: NativeAddon, p: Prepared, relTol: number, extra: string): void {
  const { c } = p;
  const C = p.C0.slice();
  n.gemm(c.transA, c.transB, c.M, c.N, c.K, c.alpha, p.A, c.aOff, p.lda, p.B, c.bOff, p.ldb, c.beta, C, c.cOff, p.ldc);
  const tol = relTol * Math.sqrt(Math.max(c.K, 1));
  const untouched = (from: number, to: number): void => {
    for (let idx = from; idx < to; idx++) {
      if (C[idx] !== SENTINEL) {
        assert.fail(`${describeCase(c, extra)}: element ${idx} outside C's region was written (${C[idx]})`);
      }
    }
  };
  let next = 0; // first element not yet checked
  for (let i = 0; i < c.M; i++) {
    const row = c.cOff + i * p.ldc;
    untouched(next, row);
    for (let j = 0; j < c.N; j++) {
      const want = p.expected[i * c.N + j]!;
      const got = C[row + j]!;
      const bound = tol * p.scale[i * c.N + j]! + 1e-30;
      if (!(Math.abs(got - want) <= bound)) {
        assert.fail(`${describeCase(c, extra)}: C[${i},${j}] = ${got}, expected ${want} (tolerance ${bound})`);
      }
    }
    next = row + c.N;
  }
  untouched(next, C.length);
}

/** Calls body for every supported SIMD level and thread count 1 and 2, restoring both after. */
function forEachConfig(n: NativeAddon, body: (label: string) => void): void {
  const savedLevel = n.simdLevel();
  const savedThreads = n.getNumThreads();
  try {
    for (const level of n.supportedSimdLevels()) {
      n.setSimdLevel(level);
      for (const threads of [1, 2]) {
        n.setNumThreads(threads);
        body(`[${level}, ${threads} thread${threads > 1 ? "s" : ""}]`);
      }
    }
  } finally {
    n.setSimdLevel(savedLevel);
    n.setNumThreads(savedThreads);
  }
}

const ALPHA_BETA: Array<{ alpha: number; beta: number; nanC?: boolean }> = [
  { alpha: 1, beta: 0 },
  { alpha: 1, beta: 1 },
  { alpha: 0.5, beta: -1.5 },
  { alpha: -2, beta: 0.25 },
  { alpha: 1.25, beta: 0, nanC: true },
];

const SIZES = [1, 3, 17, 33, 1023];

function sizeCases(): Case[] {
  const cases: Case[] = [];
  let v = 0;
  for (const M of SIZES) {
    for (const N of SIZES) {
      for (const K of SIZES) {
        if (M * N * K > 3.2e6) continue;
        for (const transA of [false, true]) {
          for (const transB of [false, true]) {
            const ab = ALPHA_BETA[v % ALPHA_BETA.length]!;
            const odd = v % 2 === 1;
            cases.push({
              transA, transB, M, N, K, alpha: ab.alpha, beta: ab.beta, nanC: ab.nanC,
              aOff: odd ? 5 : 0, bOff: odd ? 0 : 3, cOff: v % 3 === 0 ? 0 : 7,
              aPad: v % 3, bPad: (v + 1) % 3 === 0 ? 0 : 5, cPad: odd ? 2 : 0,
            });
            v++;
          }
        }
      }
    }
  }
  return cases;
}

test("native gemm: float32, sizes 1/3/17/33/1023 in M, N, K, all transposes, every kernel and 1-2 threads", (t) => {
  const n = need(t);
  if (!n) return;
  const prepared = sizeCases().map((c, i) => prepare(Float32Array, c, 1000 + i));
  forEachConfig(n, (label) => {
    for (const p of prepared) runAndCheck(n, p, 1e-5, label);
  });
});

test("native gemm: float64, all transposes, every kernel and 1-2 threads", (t) => {
  const n = need(t);
  if (!n) return;
  const prepared = sizeCases()
    .filter((c) => c.M * c.N * c.K <= 600_000)
    .map((c, i) => prepare(Float64Array, c, 5000 + i));
  forEachConfig(n, (label) => {
    for (const p of prepared) runAndCheck(n, p, 1e-13, label);
  });
});

test("native gemm: shapes spanning several K blocks, row blocks and column chunks", (t) => {
  const n = need(t);
  if (!n) return;
  const shapes: Array<[number, number, number]> = [
    [520, 250, 700], // A exceeds one packed row block; K spans 3 blocks
    [45, 1100, 600], // many column chunks, ragged tiles at both edges
    [300, 97, 40],   // small K, many rows
    [100, 60, 4000], // deep K, few columns: one row block of batch size, rows split over a shared packed B
    [40, 100, 5000], // idem, ragged last column panel
    [260, 8, 40000], // K so deep that not one micro-panel of rows fits the A block budget (was SIGFPE)
  ];
  const cases: Case[] = [];
  shapes.forEach(([M, N, K], s) => {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const ab = ALPHA_BETA[(s * 4 + (transA ? 2 : 0) + (transB ? 1 : 0)) % ALPHA_BETA.length]!;
        cases.push({
          transA, transB, M, N, K, alpha: ab.alpha, beta: ab.beta, nanC: ab.nanC,
          aOff: 11, bOff: 2, cOff: 9, aPad: 4, bPad: 1, cPad: 3,
        });
      }
    }
  });
  const prepared = cases.map((c, i) => prepare(Float32Array, c, 9000 + i));
  const prepared64 = cases.filter((_, i) => i % 4 === 0).map((c, i) => prepare(Float64Array, c, 9500 + i));
  forEachConfig(n, (label) => {
    for (const p of prepared) runAndCheck(n, p, 1e-5, label);
    for (const p of prepared64) runAndCheck(n, p, 1e-13, label);
  });
});

test("native gemm: beta = 0 ignores NaN in C; alpha = 0 or K = 0 only scales C; empty shapes are no-ops", (t) => {
  const n = need(t);
  if (!n) return;
  forEachConfig(n, (label) => {
    for (const Ctor of [Float32Array, Float64Array]) {
      // beta = 0 over a NaN-filled C, big enough to be threaded.
      const M = 64, N = 96, K = 80;
      const A = new Ctor(M * K).fill(1);
      const B = new Ctor(K * N).fill(0.5);
      const C = new Ctor(M * N).fill(NaN);
      n.gemm(false, false, M, N, K, 1, A, 0, K, B, 0, N, 0, C, 0, N);
      assert.ok(C.every((x) => x === 40), `${label} beta=0 over NaN`);

      // alpha = 0: A and B are not read (NaN there does not propagate); C = beta * C.
      const An = new Ctor(M * K).fill(NaN);
      const Bn = new Ctor(K * N).fill(NaN);
      const C2 = new Ctor(M * N).fill(2);
      n.gemm(false, true, M, N, K, 0, An, 0, K, Bn, 0, K, 1.5, C2, 0, N);
      assert.ok(C2.every((x) => x === 3), `${label} alpha=0`);
      n.gemm(false, false, M, N, K, 0, An, 0, K, Bn, 0, N, 0, C2, 0, N);
      assert.ok(C2.every((x) => x === 0), `${label} alpha=0 beta=0`);

      // K = 0: C = beta * C, and beta = 0 clears NaN.
      const C3 = new Ctor(6).fill(NaN);
      n.gemm(false, false, 2, 3, 0, 1, new Ctor(0), 0, 0, new Ctor(0), 0, 3, 0, C3, 0, 3);
      assert.deepEqual(Array.from(C3), [0, 0, 0, 0, 0, 0]);
      const C4 = new Ctor([1, 2, 3, 4]);
      n.gemm(true, true, 2, 2, 0, 1, new Ctor(0), 0, 2, new Ctor(0), 0, 0, -2, C4, 0, 2);
      assert.deepEqual(Array.from(C4), [-2, -4, -6, -8]);

      // M = 0 / N = 0: nothing is touched, even with zero-length arrays.
      const C5 = new Ctor([7]);
      n.gemm(false, false, 0, 1, 4, 1, new Ctor(0), 0, 4, new Ctor(4), 0, 1, 0, C5, 0, 1);
      n.gemm(false, false, 1, 0, 4, 1, new Ctor(4), 0, 4, new Ctor(0), 0, 0, 0, C5, 0, 0);
      assert.equal(C5[0], 7);
    }
  });
});

test("native gemm: subarray views and unaligned offsets use the right memory", (t) => {
  const n = need(t);
  if (!n) return;
  const M = 37, N = 53, K = 29;
  const base = new Float32Array(4096);
  const rand = rng(77);
  for (let i = 0; i < base.length; i++) base[i] = rand();
  // A, B and C are views into separate parts of one buffer, at odd element offsets.
  const A = base.subarray(1, 1 + M * K);
  const B = new Float32Array(base.buffer, 4 * 1201, K * N);
  const Cbuf = new Float32Array(M * N + 3);
  const C = Cbuf.subarray(3);
  n.gemm(false, false, M, N, K, 1, A, 0, K, B, 0, N, 0, C, 0, N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += A[i * K + k]! * B[k * N + j]!;
      assert.ok(Math.abs(C[i * N + j]! - s) <= 1e-5 * Math.sqrt(K) * K, `C[${i},${j}]`);
    }
  }
  assert.deepEqual(Array.from(Cbuf.subarray(0, 3)), [0, 0, 0]);
});

test("native gemm: invalid arguments throw TypeError / RangeError", (t) => {
  const n = need(t);
  if (!n) return;
  const f32 = (len: number) => new Float32Array(len);
  const ok = (): Parameters<NativeAddon["gemm"]> =>
    [false, false, 2, 3, 4, 1, f32(8), 0, 4, f32(12), 0, 3, 0, f32(6), 0, 3];
  n.gemm(...ok()); // the baseline call is valid

  const withArg = (i: number, v: unknown): Parameters<NativeAddon["gemm"]> => {
    const args = ok() as unknown[];
    args[i] = v;
    return args as Parameters<NativeAddon["gemm"]>;
  };
  const call = (args: unknown[]) => () => (n.gemm as (...a: unknown[]) => void)(...args);

  assert.throws(call([false, false, 1]), TypeError); // too few arguments
  assert.throws(call(withArg(0, 1)), { name: "TypeError", message: /transA must be a boolean/ });
  assert.throws(call(withArg(2, "2")), { name: "TypeError", message: /M must be a number/ });
  assert.throws(call(withArg(2, -1)), { name: "RangeError", message: /M must be a non-negative integer/ });
  assert.throws(call(withArg(4, 1.5)), { name: "RangeError", message: /K must be a non-negative integer/ });
  assert.throws(call(withArg(7, NaN)), { name: "RangeError", message: /aOff/ });
  assert.throws(call(withArg(5, "1")), { name: "TypeError", message: /alpha must be a number/ });
  assert.throws(call(withArg(6, [1, 2])), { name: "TypeError", message: /A must be a Float32Array or Float64Array/ });
  assert.throws(call(withArg(9, new Int32Array(12))), { name: "TypeError", message: /Int32Array/ });
  assert.throws(call(withArg(13, new Float64Array(6))), { name: "TypeError", message: /all Float32Array or all Float64Array/ });
  // Extents.
  assert.throws(call(withArg(6, f32(7))), { name: "RangeError", message: /stored A .* does not fit/ });
  assert.throws(call(withArg(7, 1)), { name: "RangeError", message: /does not fit/ });
  assert.throws(call(withArg(10, 1)), { name: "RangeError", message: /stored B/ });
  assert.throws(call(withArg(13, f32(5))), { name: "RangeError", message: /stored C/ });
  assert.throws(call(withArg(14, 1)), { name: "RangeError", message: /stored C/ });
  assert.throws(call(withArg(8, 3)), { name: "RangeError", message: /lda \(3\) must be at least/ });
  assert.throws(call(withArg(15, 2)), { name: "RangeError", message: /ldc/ });
  assert.throws(call(withArg(8, 2 ** 60)), RangeError);
  // Transposed storage changes the required extents: op(A) = A^T needs A stored K x M.
  assert.throws(call([true, false, 2, 3, 4, 1, f32(8), 0, 4, f32(12), 0, 3, 0, f32(6), 0, 3]), RangeError);
  n.gemm(true, false, 2, 3, 4, 1, f32(8), 0, 2, f32(12), 0, 3, 0, f32(6), 0, 3);
  // C may not overlap A or B.
  const shared = f32(64);
  assert.throws(call([false, false, 2, 2, 2, 1, shared, 0, 2, f32(4), 0, 2, 0, shared, 2, 2]),
    { name: "RangeError", message: /must not share memory/ });
  n.gemm(false, false, 2, 2, 2, 1, shared, 0, 2, f32(4), 0, 2, 0, shared, 4, 2); // disjoint parts: fine
});

test("native gemm: thread count and kernel selection API", (t) => {
  const n = need(t);
  if (!n) return;
  const saved = n.getNumThreads();
  assert.ok(Number.isInteger(saved) && saved >= 1);
  try {
    n.setNumThreads(3);
    assert.equal(n.getNumThreads(), 3);
    assert.throws(() => n.setNumThreads(0), RangeError);
    assert.throws(() => n.setNumThreads(1.5), RangeError);
    assert.throws(() => (n.setNumThreads as (x: unknown) => void)("2"), TypeError);
  } finally {
    n.setNumThreads(saved);
  }
  const levels = n.supportedSimdLevels();
  assert.ok(levels.includes("generic"));
  assert.ok(levels.includes(n.simdLevel()));
  assert.equal(levels[levels.length - 1], n.simdLevel(), "the best supported kernel is the default");
  assert.throws(() => n.setSimdLevel("sse9" as NativeSimdLevel), RangeError);
  for (const l of ["avx512", "avx2"] as const) {
    if (!levels.includes(l)) assert.throws(() => n.setSimdLevel(l), RangeError);
  }
});

test("native gemm: concurrent calls from a worker thread and the main thread", async (t) => {
  const n = need(t);
  if (!n) return;
  const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
  const addonPath = join(root, "build", "Release", "kindling_native.node");
  const M = 96, N = 200, K = 150;
  const rand = rng(4242);
  const A = new Float32Array(M * K).map(() => rand());
  const B = new Float32Array(K * N).map(() => rand());
  const expected = new Float32Array(M * N);
  n.gemm(false, false, M, N, K, 1, A, 0, K, B, 0, N, 0, expected, 0, N);

  const workerSrc = `
    const { parentPort, workerData } = require("node:worker_threads");
    const addon = require(workerData.addonPath);
    const { M, N, K, A, B } = workerData;
    let out;
    for (let r = 0; r < 200; r++) {
      out = new Float32Array(M * N);
      addon.gemm(false, false, M, N, K, 1, A, 0, K, B, 0, N, 0, out, 0, N);
    }
    parentPort.postMessage(out);
  `;
  const saved = n.getNumThreads();
  n.setNumThreads(2);
  try {
    const worker = new Worker(workerSrc, { eval: true, workerData: { addonPath, M, N, K, A, B } });
    const fromWorker = new Promise<Float32Array>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
    for (let r = 0; r < 200; r++) {
      const out = new Float32Array(M * N);
      n.gemm(false, false, M, N, K, 1, A, 0, K, B, 0, N, 0, out, 0, N);
      assert.deepEqual(out, expected);
    }
    assert.deepEqual(await fromWorker, expected);
    await worker.terminate();
  } finally {
    n.setNumThreads(saved);
  }
});
