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
