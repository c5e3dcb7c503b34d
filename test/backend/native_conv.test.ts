/**
 * Native im2col/col2im against the JS backend's loops: identical bits for float32 and float64 over
 * padded, strided and dilated windows, and clear errors for windows that reach outside the arrays.
 */
import { test } from "node:test";
import assert from "node:assert/strict";

import { jsBackend } from "../../src/backend/js/index.ts";
import type { Window2d } from "../../src/backend/backend.ts";
import { loadNative } from "../../src/backend/native/loader.ts";
import { loadNativeBackend } from "../../src/backend/native/backend.ts";
import { window2d } from "../helpers/window.ts";

const win = window2d;

const WINDOWS: Window2d[] = [
  win(1, 5, 5, [3, 3], [1, 1], [0, 0], [1, 1]),
  win(3, 7, 9, [3, 2], [2, 1], [1, 0], [1, 2]),
  win(2, 17, 13, [5, 5], [3, 2], [2, 2], [2, 1]),
  win(4, 1, 33, [1, 3], [1, 3], [0, 4], [1, 1]),
  win(32, 26, 26, [3, 3], [1, 1], [0, 0], [1, 1]),
];

for (const Ctor of [Float32Array, Float64Array]) {
  test(`native im2col/col2im equal the JS loops bit for bit (${Ctor.name})`, (t) => {
    const nb = loadNativeBackend();
    if (!nb || !loadNative()?.im2col) return t.skip("native addon (with conv kernels) not built");
    const fill = (n: number, f: (i: number) => number): Float32Array | Float64Array => {
      const a = new Ctor(n);
      for (let i = 0; i < n; i++) a[i] = f(i);
      return a;
    };
    for (const w of WINDOWS) {
      const L = w.oH * w.oW, rows = w.C * w.kH * w.kW, xOff = 3, cOff = 5;
      const x = fill(xOff + w.C * w.H * w.W, (i) => Math.sin(i * 0.37) * 3);
      const want = new Ctor(cOff + rows * L).fill(7), got = new Ctor(cOff + rows * L).fill(-7);
      jsBackend.im2col(x, xOff, w, want, cOff);
      nb.im2col(x, xOff, w, got, cOff);
      assert.deepEqual(got.subarray(cOff), want.subarray(cOff), `im2col ${JSON.stringify(w)}`);
      const gx1 = fill(xOff + w.C * w.H * w.W, (i) => i * 0.01), gx2 = gx1.slice();
      jsBackend.col2im(want, cOff, w, gx1, xOff);
      nb.col2im(want, cOff, w, gx2, xOff);
      assert.deepEqual(gx2, gx1, `col2im ${JSON.stringify(w)}`);
    }
  });
}

test("native im2col: a window reaching outside the arrays is a RangeError naming both sizes", (t) => {
  const addon = loadNative();
  if (!addon?.im2col) return t.skip("native addon (with conv kernels) not built");
  const w = Float64Array.from([2, 4, 4, 3, 3, 1, 1, 0, 0, 1, 1, 2, 2]);
  assert.throws(() => addon.im2col!(new Float32Array(31), 0, new Float32Array(72), 0, w), { name: "RangeError", message: /x needs 32 of 31/ });
  assert.throws(() => addon.im2col!(new Float32Array(32), 0, new Float32Array(71), 0, w), { name: "RangeError", message: /cols 72 of 71/ });
  assert.throws(() => addon.im2col!(new Float32Array(32), 0, new Float32Array(72), 0, w.subarray(1)), { name: "TypeError", message: /13 numbers/ });
  w[5] = 0;
  assert.throws(() => addon.im2col!(new Float32Array(32), 0, new Float32Array(72), 0, w), { name: "RangeError", message: /win\[5\] must be a positive integer/ });
  assert.equal(addon.im2col(new Float32Array(32), 0, new Float64Array(72), 0, Float64Array.from([2, 4, 4, 3, 3, 1, 1, 0, 0, 1, 1, 2, 2])), false);
});
