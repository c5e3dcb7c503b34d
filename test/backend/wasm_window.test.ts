/**
 * The wasm backend's im2col/col2im against the JS loops: identical bits over padded, strided and
 * dilated windows (float32; float64 and small windows take the JS loop).
 */
import { test } from "node:test";
import assert from "node:assert/strict";

import { jsBackend } from "../../src/backend/js/index.ts";
import type { Window2d } from "../../src/backend/backend.ts";
import { loadWasmBackend } from "../../src/backend/wasm/index.ts";
import { bytes, poolValues, window2d } from "../helpers/window.ts";

const wasm = loadWasmBackend();
const win = window2d;

const WINDOWS: Window2d[] = [
  win(12, 9, 9, [3, 3], [1, 1], [0, 0], [1, 1]),
  win(5, 17, 19, [3, 2], [2, 1], [1, 0], [1, 2]),
  win(2, 33, 27, [5, 5], [3, 2], [2, 2], [2, 1]),
  win(40, 1, 99, [1, 3], [1, 3], [0, 4], [1, 1]),
  win(32, 26, 26, [3, 3], [1, 1], [0, 0], [1, 1]),
  win(3, 12, 12, [7, 7], [1, 1], [3, 3], [1, 1]),
];

test("wasm im2col/col2im equal the JS loops bit for bit", (t) => {
  if (!wasm) return t.skip("WebAssembly SIMD not available");
  for (const w of WINDOWS) {
    const L = w.oH * w.oW, rows = w.C * w.kH * w.kW, xOff = 3, cOff = 5;
    assert.ok(rows * L >= 4096, "every window is large enough for the wasm path");
    const x = Float32Array.from({ length: xOff + w.C * w.H * w.W }, (_, i) => Math.sin(i * 0.37) * 3);
    const want = new Float32Array(cOff + rows * L).fill(7), got = new Float32Array(cOff + rows * L).fill(-7);
    jsBackend.im2col(x, xOff, w, want, cOff);
    wasm.im2col(x, xOff, w, got, cOff);
    assert.deepEqual(bytes(got.subarray(cOff)), bytes(want.subarray(cOff)), `im2col ${JSON.stringify(w)}`);
    const cols = Float32Array.from({ length: cOff + rows * L }, (_, i) => Math.cos(i * 0.11) * 1.7);
    const gx1 = Float32Array.from({ length: xOff + w.C * w.H * w.W }, (_, i) => i * 0.01), gx2 = gx1.slice();
    jsBackend.col2im(cols, cOff, w, gx1, xOff);
    wasm.col2im(cols, cOff, w, gx2, xOff);
    assert.deepEqual(bytes(gx2), bytes(gx1), `col2im ${JSON.stringify(w)}`);
  }
});

test("wasm maxPool2d equals the JS loop bit for bit (values and int64 indices)", async (t) => {
  if (!wasm) return t.skip("WebAssembly SIMD not available");
  // Started workers: the 2x2 pools of 2^16 outputs or more are shared out over them.
  wasm.setNumThreads(2);
  await wasm.whenReady();
  const pools: Window2d[] = [
    win(16, 24, 24, [2, 2], [2, 2], [0, 0], [1, 1]),
    win(520, 24, 24, [2, 2], [2, 2], [0, 0], [1, 1]), // four outputs a step, over the threads
    win(500, 17, 33, [2, 2], [2, 2], [0, 0], [1, 1]), // likewise, odd rows and a column left over
    win(12, 25, 23, [2, 2], [2, 2], [0, 0], [1, 1]), // the 2x2 kernel, a row and a column left over
    win(40, 13, 11, [3, 3], [2, 2], [1, 1], [1, 1]),
    win(10, 17, 15, [3, 2], [1, 2], [1, 1], [2, 1]),
    win(40, 11, 11, [2, 2], [2, 2], [0, 0], [1, 1], true), // ceil mode: the last window is clipped
  ];
  for (const [n, w] of pools.entries()) {
    const L = w.C * w.oH * w.oW;
    assert.ok(L >= 1024, "every pool is large enough for the wasm path");
    const x = Float32Array.from(poolValues(w.C * w.H * w.W, n));
    const want = new Float32Array(L).fill(7), got = new Float32Array(L).fill(-7);
    const wantIx = new Float64Array(L).fill(-1), gotIx = new Float64Array(L).fill(-2);
    jsBackend.maxPool2d(x, w, want, wantIx);
    wasm.maxPool2d(x, w, got, gotIx);
    assert.deepEqual(bytes(got), bytes(want), `values ${JSON.stringify(w)}`);
    assert.deepEqual(gotIx, wantIx, `indices ${JSON.stringify(w)}`);
  }
});
