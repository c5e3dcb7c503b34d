/**
 * Native max pooling against the JS backend's loops: identical bits (values and int64 indices) for
 * float32 and float64 over padded, strided, dilated and ceil-mode windows, on data with ties, signed
 * zeros, -Infinity and NaN; the backward's scatter-add equal too; and bad calls rejected.
 */
import { test } from "node:test";
import assert from "node:assert/strict";

import { jsBackend } from "../../src/backend/js/index.ts";
import type { Window2d } from "../../src/backend/backend.ts";
import { loadNative } from "../../src/backend/native/loader.ts";
import { loadNativeBackend } from "../../src/backend/native/backend.ts";
import { bytes, poolValues, window2d } from "../helpers/window.ts";

const win = window2d;

const WINDOWS: Window2d[] = [
  win(5, 24, 24, [2, 2], [2, 2], [0, 0], [1, 1]),
  // The 2x2 stride-2 fast path with a last row and column no window reaches, and its ceil-mode twin (general path).
  win(3, 7, 9, [2, 2], [2, 2], [0, 0], [1, 1]),
  win(3, 7, 9, [2, 2], [2, 2], [0, 0], [1, 1], true),
  win(3, 7, 9, [3, 3], [1, 1], [1, 1], [1, 1]),
  win(2, 17, 13, [3, 2], [3, 2], [1, 1], [2, 1], true),
  win(4, 1, 33, [1, 3], [1, 3], [0, 1], [1, 1], true),
  win(2, 9, 10, [4, 4], [3, 3], [2, 2], [1, 1]),
  win(1, 5, 6, [2, 3], [1, 4], [1, 1], [2, 2], true),
];

for (const Ctor of [Float32Array, Float64Array]) {
  test(`native maxPool2d and its backward equal the JS loops bit for bit (${Ctor.name})`, (t) => {
    const nb = loadNativeBackend();
    if (!nb || !loadNative()?.maxPool2d) return t.skip("native addon (with pool kernels) not built");
    for (const [n, w] of WINDOWS.entries()) {
      const L = w.C * w.oH * w.oW;
      const x = Ctor.from(poolValues(w.C * w.H * w.W, n));
      const want = new Ctor(L).fill(7), got = new Ctor(L).fill(-7);
      const wantIx = new Float64Array(L).fill(-1), gotIx = new Float64Array(L).fill(-2);
      jsBackend.maxPool2d(x, w, want, wantIx);
      nb.maxPool2d(x, w, got, gotIx);
      assert.deepEqual(bytes(got), bytes(want), `values ${JSON.stringify(w)}`);
      assert.deepEqual(gotIx, wantIx, `indices ${JSON.stringify(w)}`);
      const g = Ctor.from(poolValues(L, n + 100).map((v, i) => (Number.isFinite(v) ? v + i * 0.125 : 1)));
      const gx1 = new Ctor(w.C * w.H * w.W).fill(0.25), gx2 = gx1.slice();
      jsBackend.maxPool2dBackward(g, wantIx, w, gx1);
      nb.maxPool2dBackward(g, wantIx, w, gx2);
      assert.deepEqual(bytes(gx2), bytes(gx1), `backward ${JSON.stringify(w)}`);
    }
  });
}

test("native maxPool2d picks the first maximum and the last NaN, and indexes within the plane", (t) => {
  const addon = loadNative();
  if (!addon?.maxPool2d) return t.skip("native addon (with pool kernels) not built");
  // Two 2x2 planes, one window each: [1, 3, 3, 2] -> 3 at 1; [NaN, 5, NaN, 4] -> NaN at 2.
  const x = Float32Array.from([1, 3, 3, 2, NaN, 5, NaN, 4]);
  const out = new Float32Array(2), ix = new Float64Array(2);
  assert.equal(addon.maxPool2d(x, out, ix, Float64Array.from([2, 2, 2, 2, 2, 2, 2, 0, 0, 1, 1, 1, 1])), true);
  assert.equal(out[0], 3);
  assert.ok(Number.isNaN(out[1]));
  assert.deepEqual([...ix], [1, 2]);
});

test("native maxPool2d: bad calls are errors or declined, never out-of-bounds writes", (t) => {
  const addon = loadNative();
  if (!addon?.maxPool2d || !addon.maxPool2dBackward) return t.skip("native addon (with pool kernels) not built");
  const w = Float64Array.from([2, 4, 4, 2, 2, 2, 2, 0, 0, 1, 1, 2, 2]);
  assert.throws(() => addon.maxPool2d!(new Float32Array(31), new Float32Array(8), new Float64Array(8), w), { name: "RangeError", message: /input needs 32 of 31/ });
  assert.throws(() => addon.maxPool2d!(new Float32Array(32), new Float32Array(7), new Float64Array(8), w), { name: "RangeError", message: /output 8 of 7/ });
  assert.throws(() => addon.maxPool2d!(new Float32Array(32), new Float32Array(8), new Float64Array(8), w.subarray(1)), { name: "TypeError", message: /13 numbers/ });
  // Mixed precisions and integer index storage are declined (the backend then runs the JS loop).
  assert.equal(addon.maxPool2d(new Float32Array(32), new Float64Array(8), new Float64Array(8), w), false);
  // A corrupt index is declined before anything is written.
  const gx = new Float32Array(32);
  assert.equal(addon.maxPool2dBackward!(new Float32Array(8).fill(1), Float64Array.from([0, 1, 2, 3, 4, 5, 6, 16]), gx, w), false);
  assert.ok(gx.every((v) => v === 0));
});
