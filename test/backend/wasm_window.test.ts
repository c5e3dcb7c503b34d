/**
 * The wasm backend's im2col/col2im against the JS loops: identical bits over padded, strided and
 * dilated windows (float32; float64 and small windows take the JS loop).
 */
import { test } from "node:test";
import assert from "node:assert/strict";

import { jsBackend } from "../../src/backend/js/index.ts";
import type { Window2d } from "../../src/backend/backend.ts";
import { loadWasmBackend } from "../../src/backend/wasm/index.ts";

const wasm = loadWasmBackend();
const out = (size: number, k: number, s: number, p: number, d: number): number => Math.floor((size + 2 * p - d * (k - 1) - 1) / s) + 1;

function win(C: number, H: number, W: number, k: [number, number], s: [number, number], p: [number, number], d: [number, number]): Window2d {
  return { C, H, W, kH: k[0], kW: k[1], sH: s[0], sW: s[1], pH: p[0], pW: p[1], dH: d[0], dW: d[1],
    oH: out(H, k[0], s[0], p[0], d[0]), oW: out(W, k[1], s[1], p[1], d[1]) };
}

const WINDOWS: Window2d[] = [
  win(12, 9, 9, [3, 3], [1, 1], [0, 0], [1, 1]),
  win(5, 17, 19, [3, 2], [2, 1], [1, 0], [1, 2]),
  win(2, 33, 27, [5, 5], [3, 2], [2, 2], [2, 1]),
  win(40, 1, 99, [1, 3], [1, 3], [0, 4], [1, 1]),
  win(32, 26, 26, [3, 3], [1, 1], [0, 0], [1, 1]),
  win(3, 12, 12, [7, 7], [1, 1], [3, 3], [1, 1]),
];

const bytes = (a: Float32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

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

/** Values with ties, signed zeros, -Infinity and a few NaNs. */
function poolData(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => {
    const h = Math.abs(Math.sin(i * 12.9898 + seed) * 43758.5453) % 1;
    return h < 0.03 ? NaN : h < 0.08 ? -Infinity : h < 0.2 ? 0 : h < 0.3 ? -0 : Math.floor(h * 7) - 3 + (h > 0.9 ? 0.5 : 0);
  });
}

test("wasm maxPool2d equals the JS loop bit for bit (values and int64 indices)", (t) => {
  if (!wasm) return t.skip("WebAssembly SIMD not available");
  const pools: Window2d[] = [
    win(16, 24, 24, [2, 2], [2, 2], [0, 0], [1, 1]),
    win(40, 13, 11, [3, 3], [2, 2], [1, 1], [1, 1]),
    win(10, 17, 15, [3, 2], [1, 2], [1, 1], [2, 1]),
    { ...win(40, 11, 11, [2, 2], [2, 2], [0, 0], [1, 1]), oH: 6, oW: 6 }, // ceil mode: the last window is clipped
  ];
  for (const [n, w] of pools.entries()) {
    const L = w.C * w.oH * w.oW;
    assert.ok(L >= 1024, "every pool is large enough for the wasm path");
    const x = poolData(w.C * w.H * w.W, n);
    const want = new Float32Array(L).fill(7), got = new Float32Array(L).fill(-7);
    const wantIx = new Float64Array(L).fill(-1), gotIx = new Float64Array(L).fill(-2);
    jsBackend.maxPool2d(x, w, want, wantIx);
    wasm.maxPool2d(x, w, got, gotIx);
    assert.deepEqual(bytes(got), bytes(want), `values ${JSON.stringify(w)}`);
    assert.deepEqual(gotIx, wantIx, `indices ${JSON.stringify(w)}`);
  }
});
