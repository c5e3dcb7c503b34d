/**
 * The WASM backend's SIMD elementwise kernels and column sums give the JS backend's results bit for
 * bit (NaN, -0 and infinities included) on every layout they take, and fall back to JS on the rest.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { jsBackend } from "../../src/backend/js/index.ts";
import { createWasmBackend } from "../../src/backend/wasm/index.ts";
import { EW_MIN, wasmBinary, wasmReduce, wasmUnary } from "../../src/backend/wasm/elementwise.ts";
import { createRuntime } from "../../src/backend/wasm/runtime.ts";
import type { BinaryOp, UnaryOp } from "../../src/backend/backend.ts";

const be = createWasmBackend({ threads: 1 })!;

/** Deterministic values in [-2, 2) with a sprinkle of NaN, +-0 and infinities. */
function values(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const specials = [NaN, -0, 0, Infinity, -Infinity];
  return new Float32Array(n).map(() => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % 23 === 0 ? specials[s % 5]! : (s / 4294967296) * 4 - 2;
  });
}

function same(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < got.length; i++) {
    if (!Object.is(got[i], want[i])) assert.fail(`${what}: [${i}] = ${got[i]}, JS gives ${want[i]}`);
  }
}

const N = EW_MIN + 3;

test("unary ops match JS, odd lengths, out longer than n untouched past n", () => {
  const ops: UnaryOp[] = ["relu", "neg", "abs", "sqrt", "square", "exp", "tanh"];
  for (const n of [N, 4 * N + 1]) {
    for (const op of ops) {
      const x = values(n, 1);
      const [o1, o2] = [new Float32Array(n + 5).fill(9), new Float32Array(n + 5).fill(9)];
      be.unary(op, x, o1, n);
      jsBackend.unary(op, x, o2, n);
      same(o1, o2, `${op} n=${n}`);
    }
  }
  const rt = createRuntime()!;
  assert.ok(wasmUnary(rt, "relu", values(N, 1), new Float32Array(N), N), "relu runs in WASM");
  assert.ok(!wasmUnary(rt, "exp", values(N, 1), new Float32Array(N), N), "exp stays in JS");
  assert.ok(!wasmUnary(rt, "relu", values(16, 1), new Float32Array(16), 16), "tiny arrays stay in JS");
  const x = values(N, 2), y = x.slice();
  be.unary("relu", y, y, N); // in place
  jsBackend.unary("relu", x, x, N);
  same(y, x, "relu in place");
});

test("binary ops match JS on contiguous, broadcast and strided layouts", () => {
  // [shape, a strides, b strides, a offset, b offset, runs in WASM]
  const layouts: [number[], number[], number[], number, number, boolean][] = [
    [[45, 67], [67, 1], [67, 1], 0, 3, true], // same shape, offsets
    [[45, 67], [67, 1], [0, 1], 2, 1, true], // bias row broadcast
    [[45, 67], [0, 1], [67, 1], 0, 0, true],
    [[45, 67], [1, 0], [67, 1], 1, 0, true], // per-row value (column broadcast)
    [[4, 9, 80], [720, 80, 1], [0, 80, 1], 0, 0, true], // coalesces to 2-D
    [[4, 9, 80], [720, 80, 1], [0, 0, 1], 0, 0, true], // also 2-D: b repeats one row
    [[3, 1000], [1, 3], [1000, 1], 0, 0, false], // transposed a
    [[2100], [1], [0], 0, 5, true], // scalar broadcast
    [[2, 1100], [1200, 1], [1, 0], 4, 0, true], // padded rows
    [[2, 3, 400], [2400, 800, 1], [0, 400, 1], 0, 0, false],
  ];
  const rt = createRuntime()!;
  for (const [shape, as, bs, ao, bo, inWasm] of layouts) {
    const a = values(5000, 3), n = shape.reduce((p, s) => p * s, 1);
    const took = wasmBinary(rt, "add", { data: a, offset: ao, strides: as }, { data: a, offset: bo, strides: bs }, new Float32Array(n), shape);
    assert.equal(took, inWasm, `layout ${JSON.stringify([shape, as, bs])} in WASM`);
  }
  const ops: BinaryOp[] = ["add", "sub", "mul", "div", "reluGrad", "maximum", "pow"];
  for (const op of ops) {
    for (const [shape, as, bs, ao, bo] of layouts) {
      const a = values(5000, 3), b = values(5000, 4);
      const n = shape.reduce((p, s) => p * s, 1);
      const [o1, o2] = [new Float32Array(n), new Float32Array(n)];
      be.binary(op, { data: a, offset: ao, strides: as }, { data: b, offset: bo, strides: bs }, o1, shape);
      jsBackend.binary(op, { data: a, offset: ao, strides: as }, { data: b, offset: bo, strides: bs }, o2, shape);
      same(o1, o2, `${op} ${JSON.stringify([shape, as, bs])}`);
    }
  }
});

test("binary ops with a scalar match JS (float32-exact and inexact scalars, either side)", () => {
  for (const op of ["add", "sub", "mul", "div", "reluGrad", "pow"] as BinaryOp[]) {
    for (const s of [0.5, 0.1, -3, 0]) {
      for (const first of [false, true]) {
        const x = values(N, 5);
        const [o1, o2] = [new Float32Array(N), new Float32Array(N)];
        be.binaryScalar(op, x, s, o1, N, first);
        jsBackend.binaryScalar(op, x, s, o2, N, first);
        same(o1, o2, `${op} ${s} scalarFirst=${first}`);
      }
    }
  }
});

test("sums over the middle axis match JS (double accumulation in the same order)", () => {
  for (const [outer, size, inner] of [[1, 32, 1024], [3, 17, 65], [2, 600, 4], [1, 3000, 1], [5, 70, 9]] as const) {
    const x = values(outer * size * inner, 6);
    const [o1, o2] = [new Float32Array(outer * inner), new Float32Array(outer * inner)];
    be.reduce("sum", x, o1, outer, size, inner);
    jsBackend.reduce("sum", x, o2, outer, size, inner);
    same(o1, o2, `sum ${outer}x${size}x${inner}`);
  }
  const rt = createRuntime()!;
  assert.ok(wasmReduce(rt, "sum", values(32 * 1024, 1), new Float32Array(1024), 1, 32, 1024));
  assert.ok(!wasmReduce(rt, "sum", values(3000, 1), new Float32Array(1), 1, 3000, 1), "full sums stay in JS");
  // max with indices and other dtypes go to JS.
  const x = values(4 * 700, 7), idx = new Float64Array(4);
  const [o1, o2] = [new Float32Array(4), new Float32Array(4)];
  be.reduce("max", x, o1, 1, 700, 4, idx);
  jsBackend.reduce("max", x, o2, 1, 700, 4);
  same(o1, o2, "max");
  const d = Float64Array.from(values(3000, 8)), [p1, p2] = [new Float64Array(30), new Float64Array(30)];
  be.reduce("sum", d, p1, 1, 100, 30);
  jsBackend.reduce("sum", d, p2, 1, 100, 30);
  same(p1, p2, "float64 sum");
});

test("non-float32 arrays go to JS", () => {
  const x = Float64Array.from(values(N, 9));
  const [o1, o2] = [new Float64Array(N), new Float64Array(N)];
  be.unary("relu", x, o1, N);
  jsBackend.unary("relu", x, o2, N);
  same(o1, o2, "float64 relu");
  const a = values(N, 10), cmp1 = new Uint8Array(N), cmp2 = new Uint8Array(N);
  be.binary("gt", { data: a, offset: 0, strides: [1] }, { data: a, offset: 1, strides: [0] }, cmp1, [N - 1]);
  jsBackend.binary("gt", { data: a, offset: 0, strides: [1] }, { data: a, offset: 1, strides: [0] }, cmp2, [N - 1]);
  same(cmp1, cmp2, "gt into bool");
});

test("large elementwise calls shared out over 2 threads match JS (flat, by rows, rows not whole vectors)", async () => {
  const b2 = createWasmBackend({ threads: 2 })!;
  await b2.whenReady();
  assert.equal(b2.getNumThreads(), 2);
  const n = (1 << 18) + 7;
  const x = values(n, 5), y = values(n, 6);
  const o1 = new Float32Array(n), o2 = new Float32Array(n);
  b2.unary("relu", x, o1, n);
  jsBackend.unary("relu", x, o2, n);
  same(o1, o2, "relu");
  const flat = { data: x, offset: 0, strides: [1] }, flat2 = { data: y, offset: 0, strides: [1] };
  b2.binary("reluGrad", flat, flat2, o1, [n]);
  jsBackend.binary("reluGrad", flat, flat2, o2, [n]);
  same(o1, o2, "reluGrad flat");
  b2.binaryScalar("mul", x, 0.5, o1, n, false);
  jsBackend.binaryScalar("mul", x, 0.5, o2, n, false);
  same(o1, o2, "mul by a scalar");
  // [rows, cols] + a row vector: split by rows when cols is whole vectors, else not split.
  for (const cols of [512, 513]) {
    const rows = Math.floor(n / cols), m = rows * cols;
    const a = { data: x, offset: 0, strides: [cols, 1] }, r = { data: y, offset: 3, strides: [0, 1] };
    const p1 = new Float32Array(m), p2 = new Float32Array(m);
    b2.binary("add", a, r, p1, [rows, cols]);
    jsBackend.binary("add", a, r, p2, [rows, cols]);
    same(p1, p2, `add [${rows}, ${cols}] + row`);
  }
  await b2.dispose();
});
