/**
 * The native whole-batch convolution passes against the per-sample loop of src/ops/conv.ts run with
 * the same native im2col/col2im/GEMM: forward and input gradient bit-identical, weight gradient equal
 * within rounding (it sums fixed chunks of samples, then the chunks); all three identical at 1 and 2
 * threads; and bad calls rejected with messages that name what is wrong.
 */
import { test } from "node:test";
import assert from "node:assert/strict";

import type { Window2d } from "../../src/backend/backend.ts";
import { loadNative } from "../../src/backend/native/loader.ts";
import { loadNativeBackend } from "../../src/backend/native/backend.ts";
import { mulberry32 } from "../helpers/rng.ts";
import { bytes } from "../helpers/window.ts";

type F = Float32Array | Float64Array;
const nb = loadNativeBackend();
const addon = loadNative();
const SKIP = "native addon (with conv passes) not built";

interface Case { N: number; C: number; O: number; G: number; H: number; W: number; k: [number, number]; s: [number, number]; p: [number, number]; d: [number, number] }

const CASES: Case[] = [
  { N: 5, C: 3, O: 4, G: 1, H: 9, W: 8, k: [3, 3], s: [1, 1], p: [0, 0], d: [1, 1] },
  { N: 9, C: 4, O: 6, G: 2, H: 7, W: 10, k: [3, 2], s: [2, 1], p: [1, 1], d: [1, 2] },
  { N: 3, C: 6, O: 6, G: 6, H: 5, W: 5, k: [3, 3], s: [1, 1], p: [1, 1], d: [1, 1] },
  { N: 7, C: 5, O: 3, G: 1, H: 6, W: 4, k: [1, 1], s: [1, 1], p: [0, 0], d: [1, 1] },
  { N: 1, C: 2, O: 2, G: 1, H: 17, W: 1, k: [5, 1], s: [3, 1], p: [2, 0], d: [2, 1] },
];

function windowOf(c: Case): Window2d {
  const o = (n: number, i: 0 | 1) => Math.floor((n + 2 * c.p[i] - c.d[i] * (c.k[i] - 1) - 1) / c.s[i]) + 1;
  return { C: c.C / c.G, H: c.H, W: c.W, kH: c.k[0], kW: c.k[1], sH: c.s[0], sW: c.s[1], pH: c.p[0], pW: c.p[1], dH: c.d[0], dW: c.d[1], oH: o(c.H, 0), oW: o(c.W, 1) };
}

function filled(Ctor: Float32ArrayConstructor | Float64ArrayConstructor, n: number, seed: number): F {
  const u = mulberry32(seed), a = new Ctor(n);
  for (let i = 0; i < n; i++) a[i] = u() * 2 - 1;
  return a;
}

/** src/ops/conv.ts's per-sample loops, on the native kernels. */
function reference(c: Case, win: Window2d, x: F, w: F, bias: F | null, g: F) {
  const k = nb!, Cg = c.C / c.G, Og = c.O / c.G, K = Cg * c.k[0] * c.k[1], L = win.oH * win.oW, HW = c.H * c.W;
  const Ctor = x.constructor as Float32ArrayConstructor | Float64ArrayConstructor;
  const identity = c.k[0] === 1 && c.k[1] === 1 && c.s[0] === 1 && c.s[1] === 1 && c.p[0] === 0 && c.p[1] === 0;
  const cols = new Ctor(K * L);
  const columns = (n: number, gi: number): [F, number] => {
    const off = (n * c.C + gi * Cg) * HW;
    if (identity) return [x, off];
    k.im2col(x, off, win, cols, 0);
    return [cols, 0];
  };
  const y = new Ctor(c.N * c.O * L);
  if (bias) for (let n = 0; n < c.N; n++) for (let o = 0; o < c.O; o++) y.fill(bias[o]!, (n * c.O + o) * L, (n * c.O + o + 1) * L);
  const gx = new Ctor(c.N * c.C * HW), gw = new Ctor(c.O * K);
  for (let n = 0; n < c.N; n++) {
    for (let gi = 0; gi < c.G; gi++) {
      const [B, bOff] = columns(n, gi);
      k.gemm(false, false, Og, L, K, 1, w, gi * Og * K, K, B, bOff, L, bias ? 1 : 0, y, (n * c.O + gi * Og) * L, L);
      k.gemm(false, true, Og, K, L, 1, g, (n * c.O + gi * Og) * L, L, B, bOff, L, 1, gw, gi * Og * K, K);
      const xOff = (n * c.C + gi * Cg) * HW;
      if (identity) {
        k.gemm(true, false, K, L, Og, 1, w, gi * Og * K, K, g, (n * c.O + gi * Og) * L, L, 0, gx, xOff, L);
      } else {
        const d = new Ctor(K * L);
        k.gemm(true, false, K, L, Og, 1, w, gi * Og * K, K, g, (n * c.O + gi * Og) * L, L, 0, d, 0, L);
        k.col2im(d, 0, win, gx, xOff);
      }
    }
  }
  return { y, gx, gw };
}

function passes(c: Case, win: Window2d, x: F, w: F, bias: F | null, g: F) {
  const p = nb!.optionalKernel!("convPasses")!, L = win.oH * win.oW, dims = { N: c.N, C: c.C, O: c.O, G: c.G };
  const Ctor = x.constructor as Float32ArrayConstructor | Float64ArrayConstructor;
  const y = new Ctor(c.N * c.O * L);
  if (bias) for (let n = 0; n < c.N; n++) for (let o = 0; o < c.O; o++) y.fill(bias[o]!, (n * c.O + o) * L, (n * c.O + o + 1) * L);
  const gx = new Ctor(c.N * c.C * c.H * c.W), gw = new Ctor(w.length).fill(NaN);
  assert.equal(p.forward(x, w, y, win, dims, bias ? 1 : 0), true);
  assert.equal(p.backwardInput(g, w, gx, win, dims), true);
  assert.equal(p.backwardWeight(g, x, gw, win, dims), true);
  // The fused variants: the bias written by the pass (into NaN-filled y), and the bias gradient.
  const yb = new Ctor(y.length).fill(NaN), gw2 = new Ctor(w.length).fill(NaN), gb = new Ctor(c.O).fill(NaN);
  if (bias) assert.equal(p.forwardBias!(x, w, bias, yb, win, dims), true);
  assert.equal(p.backwardWeightBias!(g, x, gw2, gb, win, dims), true);
  return { y, gx, gw, yb: bias ? yb : y, gw2, gb };
}

/** g summed over samples and positions, in double. */
function biasGrad(c: Case, L: number, g: F): number[] {
  const out = new Array<number>(c.O).fill(0);
  for (let n = 0; n < c.N; n++) for (let o = 0; o < c.O; o++) for (let l = 0; l < L; l++) out[o]! += g[(n * c.O + o) * L + l]!;
  return out;
}

for (const Ctor of [Float32Array, Float64Array]) {
  test(`native conv passes equal the per-sample loops (${Ctor.name})`, (t) => {
    if (!nb?.optionalKernel?.("convPasses")) return t.skip(SKIP);
    const saved = addon!.getNumThreads();
    try {
      for (const [i, c] of CASES.entries()) {
        const win = windowOf(c), L = win.oH * win.oW, K = (c.C / c.G) * c.k[0] * c.k[1];
        const x = filled(Ctor, c.N * c.C * c.H * c.W, 10 + i), w = filled(Ctor, c.O * K, 20 + i);
        const bias = i % 2 === 0 ? filled(Ctor, c.O, 30 + i) : null, g = filled(Ctor, c.N * c.O * L, 40 + i);
        const ref = reference(c, win, x, w, bias, g);
        addon!.setNumThreads(2);
        const two = passes(c, win, x, w, bias, g);
        addon!.setNumThreads(1);
        const one = passes(c, win, x, w, bias, g);
        const what = JSON.stringify(c);
        assert.deepEqual(bytes(two.y), bytes(ref.y), `forward ${what}`);
        assert.deepEqual(bytes(two.gx), bytes(ref.gx), `input gradient ${what}`);
        const tol = Ctor === Float32Array ? 1e-5 : 1e-13;
        for (let j = 0; j < ref.gw.length; j++) {
          const a = two.gw[j]!, b = ref.gw[j]!;
          if (!(Math.abs(a - b) <= tol * (1 + Math.abs(b)))) assert.fail(`weight gradient ${what} [${j}]: ${a} vs ${b}`);
        }
        for (const key of ["y", "gx", "gw", "yb", "gw2", "gb"] as const) assert.deepEqual(bytes(one[key]), bytes(two[key]), `${key} at 1 vs 2 threads ${what}`);
        assert.deepEqual(bytes(two.yb), bytes(ref.y), `forward with the bias in the pass ${what}`);
        assert.deepEqual(bytes(two.gw2), bytes(two.gw), `weight gradient beside the bias gradient ${what}`);
        const want = biasGrad(c, L, g);
        for (let o = 0; o < c.O; o++) {
          if (!(Math.abs(two.gb[o]! - want[o]!) <= tol * (1 + Math.abs(want[o]!)))) assert.fail(`bias gradient ${what} [${o}]: ${two.gb[o]} vs ${want[o]}`);
        }
      }
    } finally {
      addon!.setNumThreads(saved);
    }
  });
}

test("native conv passes: bad calls are errors or declined", (t) => {
  if (!addon?.convForward || !addon.convBackwardWeight) return t.skip(SKIP);
  const win = Float64Array.from([2, 4, 4, 3, 3, 1, 1, 0, 0, 1, 1, 2, 2]);
  const x = new Float32Array(2 * 2 * 16), w = new Float32Array(3 * 18), y = new Float32Array(2 * 3 * 4);
  assert.equal(addon.convForward(x, w, y, win, Float64Array.from([2, 2, 3, 1, 0])), true);
  assert.throws(() => addon.convForward!(x, w, y, win, Float64Array.from([2, 2, 3, 1])), { name: "TypeError", message: /dims must be a Float64Array of 5/ });
  assert.throws(() => addon.convForward!(x, w, y, win, Float64Array.from([2, 2, 3, 2, 0])), { name: "RangeError", message: /divide by G/ });
  assert.throws(() => addon.convForward!(x, w, y, win, Float64Array.from([2, 2, 3, 1, 0.5])), { name: "RangeError", message: /beta/ });
  assert.throws(() => addon.convForward!(x.subarray(1), w, y, win, Float64Array.from([2, 2, 3, 1, 0])), { name: "RangeError", message: /argument 0 holds 63 elements, the shapes need 64/ });
  assert.throws(() => addon.convBackwardWeight!(y, x, w.subarray(1), win, Float64Array.from([2, 2, 3, 1])), { name: "RangeError", message: /argument 2 holds 53 elements, the shapes need 54/ });
  assert.equal(addon.convForward(x, new Float64Array(54), y, win, Float64Array.from([2, 2, 3, 1, 0])), false);
  assert.equal(addon.convForward(x, w, x, win, Float64Array.from([1, 2, 3, 1, 0])), false, "output overlapping an input is declined");
  const bias = new Float32Array(3), gb = new Float32Array(3);
  assert.equal(addon.convForward(x, w, y, win, Float64Array.from([2, 2, 3, 1, 0]), bias), true);
  assert.throws(() => addon.convForward!(x, w, y, win, Float64Array.from([2, 2, 3, 1, 1]), bias), { name: "RangeError", message: /with a bias, dims\[4\] \(beta\) must be 0/ });
  assert.throws(() => addon.convForward!(x, w, y, win, Float64Array.from([2, 2, 3, 1, 0]), bias.subarray(1)), { name: "RangeError", message: /bias holds 2 elements, the shapes need 3/ });
  assert.equal(addon.convForward(x, w, y, win, Float64Array.from([2, 2, 3, 1, 0]), new Float64Array(3)), false, "a bias of another type is declined");
  assert.equal(addon.convBackwardWeight(y, x, w, win, Float64Array.from([2, 2, 3, 1]), gb), true);
  assert.equal(addon.convBackwardWeight(y, x, w, win, Float64Array.from([2, 2, 3, 1]), y.subarray(0, 3)), false, "gb overlapping g is declined");
  const empty = Float32Array.from([5, 5, 5]);
  assert.equal(addon.convBackwardWeight(new Float32Array(0), new Float32Array(0), w, win, Float64Array.from([0, 2, 3, 1]), empty), true);
  assert.deepEqual([...empty], [0, 0, 0], "an empty batch has a zero bias gradient");
});
