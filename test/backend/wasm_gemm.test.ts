/**
 * WASM SIMD GEMM against a float64 naive reference: every transpose layout, odd sizes, offsets, padded
 * row strides, alpha/beta, beta = 0 over NaN-filled C, threads, each module variant; and the whole
 * backend object against the JS backend.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { jsBackend } from "../../src/backend/js/index.ts";
import { createWasmBackend, loadWasmBackend } from "../../src/backend/wasm/index.ts";
import { BLOCKING } from "../../src/backend/wasm/gemm.ts";
import type { Backend } from "../../src/backend/backend.ts";
import { mulberry32 } from "../helpers/rng.ts";

/** Deterministic uniform [-1, 1). */
function rng(seed: number): () => number {
  const u = mulberry32(seed);
  return () => u() * 2 - 1;
}

const SENTINEL = 777.25;

interface Case {
  ta: boolean; tb: boolean; M: number; N: number; K: number; alpha: number; beta: number;
  offs?: [number, number, number]; pads?: [number, number, number]; nanC?: boolean;
}

/** Runs one case on `be` and checks it element by element against a float64 reference. */
function check(be: Backend, c: Case, seed = 1): void {
  const { ta, tb, M, N, K, alpha, beta } = c;
  const [aOff, bOff, cOff] = c.offs ?? [0, 0, 0];
  const [aPad, bPad, cPad] = c.pads ?? [0, 0, 0];
  const lda = (ta ? M : K) + aPad, ldb = (tb ? K : N) + bPad, ldc = N + cPad;
  const r = rng(seed);
  const A = new Float32Array(aOff + (ta ? K : M) * lda).map(r);
  const B = new Float32Array(bOff + (tb ? N : K) * ldb).map(r);
  const C = new Float32Array(cOff + M * ldc + 3).fill(SENTINEL);
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) C[cOff + i * ldc + j] = c.nanC ? NaN : r();
  const C0 = C.slice();
  be.gemm(ta, tb, M, N, K, alpha, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc);
  const a = (i: number, k: number): number => A[aOff + (ta ? k * lda + i : i * lda + k)]!;
  const b = (k: number, j: number): number => B[bOff + (tb ? j * ldb + k : k * ldb + j)]!;
  const inC = new Uint8Array(C.length);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0, mag = 0;
      for (let k = 0; k < K; k++) {
        s += a(i, k) * b(k, j);
        mag += Math.abs(a(i, k) * b(k, j));
      }
      const idx = cOff + i * ldc + j;
      inC[idx] = 1;
      const want = alpha * s + (beta === 0 ? 0 : beta * C0[idx]!);
      const tol = 1e-5 * (Math.abs(alpha) * mag + Math.abs(beta) + 1);
      const got = C[idx]!;
      if (!(Math.abs(got - want) <= tol)) {
        assert.fail(`${JSON.stringify(c)}: C[${i},${j}] = ${got}, want ${want}`);
      }
    }
  }
  for (let i = 0; i < C.length; i++) if (!inC[i]) assert.equal(C[i], SENTINEL, `element ${i} outside C was written`);
}

const LAYOUTS: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];
const be = loadWasmBackend();
/** Sends even tiny calls to WASM (the default leaves them to JS), so the edge paths are exercised. */
const all = createWasmBackend({ minMacs: 0, threads: 1 })!;

test("the wasm backend loads here (Node 20 has WebAssembly SIMD)", () => {
  assert.ok(be, "loadWasmBackend() returned null");
  assert.equal(be!.name, "wasm");
  assert.equal(loadWasmBackend(), be, "one process-wide instance");
});

test("odd sizes, every layout, against a float64 reference", () => {
  const sizes: [number, number, number][] = [
    [1, 1, 1], [3, 3, 3], [17, 33, 3], [33, 17, 1], [3, 1, 33], [1, 17, 33], [33, 33, 17], [1, 1023, 3],
    [1023, 3, 1], [3, 17, 1023], [17, 1023, 1], [1023, 1, 17], [5, 9, 300], [20, 20, 20],
  ];
  let seed = 1;
  for (const [ta, tb] of LAYOUTS) {
    for (const [M, N, K] of sizes) check(all, { ta, tb, M, N, K, alpha: 1, beta: 0 }, seed++);
  }
});

test("offsets, padded strides, alpha and beta", () => {
  let seed = 100;
  for (const [ta, tb] of LAYOUTS) {
    for (const [alpha, beta] of [[1, 1], [0.5, -2], [-1.5, 0], [2, 0.25]]) {
      check(all, { ta, tb, M: 33, N: 17, K: 37, alpha: alpha!, beta: beta!, offs: [5, 3, 7], pads: [3, 9, 2] }, seed++);
      check(be!, { ta, tb, M: 9, N: 40, K: 300, alpha: alpha!, beta: beta!, offs: [1, 0, 2], pads: [1, 0, 5] }, seed++);
    }
  }
});

test("beta = 0 overwrites C: NaN already in C does not propagate", () => {
  for (const [ta, tb] of LAYOUTS) {
    check(all, { ta, tb, M: 19, N: 23, K: 29, alpha: 1, beta: 0, nanC: true });
    check(be!, { ta, tb, M: 130, N: 70, K: 600, alpha: 0.5, beta: 0, nanC: true, pads: [2, 2, 2] });
  }
});

test("K larger than one cache block and M, N larger than one tile block", () => {
  // KC = 256 and MC = 128: partial sums carry across k blocks with beta applied only once.
  check(be!, { ta: false, tb: false, M: 140, N: 70, K: 600, alpha: 1, beta: 0.5 }, 7);
  check(be!, { ta: true, tb: true, M: 140, N: 33, K: 513, alpha: -1, beta: 1, offs: [2, 2, 2], pads: [1, 1, 1] }, 8);
});

test("two threads give the same result as one", async () => {
  const b2 = createWasmBackend({ threads: 2 })!;
  await b2.whenReady();
  if (b2.info().threads < 2) return; // no shared memory here: nothing to compare
  assert.equal(b2.info().readyWorkers, 1);
  const [M, N, K] = [96, 200, 160];
  assert.ok(M * N * K >= BLOCKING.THREAD_MIN_MACS, "the case is large enough to be split");
  for (const [ta, tb] of LAYOUTS) {
    check(b2, { ta, tb, M, N, K, alpha: 1.5, beta: 0.5, offs: [1, 2, 3], pads: [1, 2, 3] });
    check(b2, { ta, tb, M: 300, N: 9, K: 1000, alpha: 1, beta: 0 }); // split along M
  }
  await b2.dispose();
  assert.equal(b2.info().threads, 1);
  check(b2, { ta: false, tb: false, M, N, K, alpha: 1, beta: 0 });
});

test("workers start only when a GEMM is big enough to split", async () => {
  const b = createWasmBackend({ threads: 2 })!;
  if (b.info().threads < 2) return;
  check(b, { ta: false, tb: false, M: 20, N: 20, K: 20, alpha: 1, beta: 0 });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(b.info().readyWorkers, 0, "no worker for small calls");
  check(b, { ta: false, tb: false, M: 128, N: 128, K: 160, alpha: 1, beta: 0 }); // runs alone, starts the pool
  for (let i = 0; i < 100 && b.info().readyWorkers === 0; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(b.info().readyWorkers, 1);
  await b.dispose();
});

test("ordinary (non-shared) memory variant", () => {
  const b = createWasmBackend({ shared: false, threads: 2 })!;
  assert.equal(b.info().shared, false);
  assert.equal(b.info().threads, 1, "threads need shared memory");
  for (const [ta, tb] of LAYOUTS) check(b, { ta, tb, M: 37, N: 45, K: 70, alpha: 1, beta: 0.5 });
});

test("relaxed-SIMD variant is used only where the runtime validates it", () => {
  const relaxed = createWasmBackend({ relaxed: true, threads: 1 });
  const plain = createWasmBackend({ relaxed: false, threads: 1 })!;
  assert.equal(plain.info().relaxed, false);
  if (relaxed) assert.equal(relaxed.info().relaxed, true);
  assert.equal(be!.info().relaxed, relaxed !== null, "the default picks relaxed exactly when it validates");
});

test("relaxed-SIMD variant is correct (child Node with --experimental-wasm-relaxed-simd)", () => {
  const url = new URL("../../src/backend/wasm/index.ts", import.meta.url).href;
  const code = `
    const { createWasmBackend } = await import(${JSON.stringify(url)});
    const b = createWasmBackend({ relaxed: true, threads: 1 });
    if (!b) { console.log("unsupported"); process.exit(0); }
    const M = 37, N = 29, K = 300, A = new Float32Array(M * K), B = new Float32Array(K * N), C = new Float32Array(M * N);
    for (let i = 0; i < A.length; i++) A[i] = ((i * 7919) % 23) / 23 - 0.5;
    for (let i = 0; i < B.length; i++) B[i] = ((i * 104729) % 19) / 19 - 0.5;
    b.gemm(false, true, M, N, K, 1, A, 0, K, B, 0, K, 0, C, 0, N);
    let err = 0;
    for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
      let s = 0; for (let k = 0; k < K; k++) s += A[i * K + k] * B[j * K + k];
      err = Math.max(err, Math.abs(s - C[i * N + j]));
    }
    console.log(b.info().relaxed ? "relaxed" : "plain", err);`;
  const r = spawnSync(process.execPath,
    ["--experimental-wasm-relaxed-simd", "--import", "tsx", "--input-type=module", "-e", code],
    { encoding: "utf8", cwd: fileURLToPath(new URL("../..", import.meta.url)) });
  assert.equal(r.status, 0, r.stderr);
  const out = r.stdout.trim();
  if (out === "unsupported") return;
  const [kind, err] = out.split(" ");
  assert.equal(kind, "relaxed");
  assert.ok(Number(err) < 1e-4, `max error ${err}`);
});

test("every Backend method matches the JS backend; float64 GEMM is delegated", () => {
  for (const key of Object.keys(jsBackend)) assert.ok(key in be!, `missing ${key}`);
  const x = new Float32Array([-1, 0.5, 2, -3, 4, 0.25]);
  const run = (b: Backend): number[][] => {
    const u = new Float32Array(6), bin = new Float32Array(6), red = new Float32Array(2), sm = new Float32Array(6);
    b.unary("relu", x, u, 6);
    b.binary("mul", { data: x, offset: 0, strides: [3, 1] }, { data: x, offset: 3, strides: [0, 1] }, bin, [2, 3]);
    b.reduce("sum", x, red, 2, 3, 1);
    b.softmax(x, sm, 2, 3, 1, true);
    const g = new Float64Array(4);
    b.gemm(false, true, 2, 2, 3, 1, Float64Array.from(x), 0, 3, Float64Array.from(x), 0, 3, 0, g, 0, 2);
    return [u, bin, red, sm, g].map((a) => Array.from(a));
  };
  assert.deepEqual(run(be!), run(jsBackend));
  const big = (n: number): Float32Array => new Float32Array(n).map(rng(n));
  const [A, B] = [big(64 * 80), big(80 * 48)];
  const [C1, C2] = [new Float32Array(64 * 48), new Float32Array(64 * 48)];
  be!.gemm(false, false, 64, 48, 80, 1, A, 0, 80, B, 0, 48, 0, C1, 0, 48);
  jsBackend.gemm(false, false, 64, 48, 80, 1, A, 0, 80, B, 0, 48, 0, C2, 0, 48);
  for (let i = 0; i < C1.length; i++) assert.ok(Math.abs(C1[i]! - C2[i]!) < 1e-4);
});

test("alpha = 0 and K = 0 scale C by beta only", () => {
  const C = new Float32Array([1, 2, NaN, 4]);
  be!.gemm(false, false, 2, 2, 0, 1, new Float32Array(0), 0, 0, new Float32Array(0), 0, 2, 0, C, 0, 2);
  assert.deepEqual(Array.from(C), [0, 0, 0, 0]);
  const D = new Float32Array([1, 2, 3, 4]);
  be!.gemm(false, false, 2, 2, 2, 0, new Float32Array(4).fill(NaN), 0, 2, new Float32Array(4), 0, 2, 2, D, 0, 2);
  assert.deepEqual(Array.from(D), [2, 4, 6, 8]);
});
