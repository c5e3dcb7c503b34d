/**
 * The wasm backend's im2col / col2im and max pooling (float32): the input staged into linear memory,
 * the loops of wasm/window_module.ts, the result copied back. In JS, im2col and col2im ran at about
 * 1 ns per element and were ~30% of a CNN training step on this backend, max pooling another ~8%.
 * Results equal the JS backend's bit for bit.
 */
import type { Storage } from "../../tensor/dtype.ts";
import type { Window2d } from "../backend.ts";
import { validRange } from "../js/conv.ts";
import { type GemmContext, align, splitCall } from "./gemm.ts";
import type { WasmRuntime } from "./runtime.ts";

/** Below this many column elements the JS loop wins (the staging and the call cost more). */
const MIN_ELEMS = 4096;

/** Byte offsets of the range table, the sample and the columns; null when memory cannot grow. */
function layout(rt: WasmRuntime, win: Window2d): [number, number, number] | null {
  const t = 64, x = t + align(8 * win.kW), c = x + align(4 * win.C * win.H * win.W);
  return rt.reserve(c + align(4 * win.C * win.kH * win.kW * win.oH * win.oW)) ? [t, x, c] : null;
}

/** For each kernel column j, the output columns [lo, hi) whose tap lands inside a row (as the JS loop). */
export function writeRanges(rt: WasmRuntime, at: number, win: Window2d): void {
  const t = new Int32Array(rt.memory.buffer, at, 2 * win.kW);
  for (let j = 0; j < win.kW; j++) t.set(validRange(j * win.dW - win.pW, win.sW, win.W, win.oW), 2 * j);
}

type Fn = (...a: number[]) => unknown;

/**
 * im2col (x -> cols) or col2im (cols added into x) of one sample: x is staged in (col2im adds onto it),
 * cols too for col2im, and the written side is copied back. false, having written nothing, where the
 * JS loop should run instead.
 */
function runWindow(rt: WasmRuntime, name: "im2col" | "col2im", x: Float32Array | Float64Array, xOff: number,
  win: Window2d, cols: Float32Array | Float64Array, colsOff: number): boolean {
  const { C, H, W, kH, kW, sH, sW, pH, pW, dH, dW, oH, oW } = win;
  const nx = C * H * W, nc = C * kH * kW * oH * oW;
  if (!(x instanceof Float32Array) || !(cols instanceof Float32Array) || nc < MIN_ELEMS || !rt.exports[name]) return false;
  const pos = layout(rt, win);
  if (!pos) return false;
  const [table, xPos, cPos] = pos;
  writeRanges(rt, table, win);
  const f = rt.f32();
  f.set(x.subarray(xOff, xOff + nx), xPos / 4);
  if (name === "col2im") f.set(cols.subarray(colsOff, colsOff + nc), cPos / 4);
  (rt.exports[name] as Fn)(xPos, cPos, table, C, H, W, kH, kW, sH, sW, pH, pW, dH, dW, oH, oW, 0);
  const out = rt.f32();
  if (name === "im2col") cols.set(out.subarray(cPos / 4, cPos / 4 + nc), colsOff);
  else x.set(out.subarray(xPos / 4, xPos / 4 + nx), xOff);
  return true;
}

export function wasmIm2col(rt: WasmRuntime, x: Float32Array | Float64Array, xOff: number, win: Window2d,
  cols: Float32Array | Float64Array, colsOff: number): boolean {
  return runWindow(rt, "im2col", x, xOff, win, cols, colsOff);
}

export function wasmCol2im(rt: WasmRuntime, cols: Float32Array | Float64Array, colsOff: number, win: Window2d,
  x: Float32Array | Float64Array, xOff: number): boolean {
  return runWindow(rt, "col2im", x, xOff, win, cols, colsOff);
}

/** Start and end of each window along one axis, clipped to the input, as the JS loop computes them. */
function writeSpans(t: Int32Array, n: number, s: number, p: number, k: number, d: number, size: number): void {
  for (let o = 0; o < n; o++) {
    let a = o * s - p;
    const b = Math.min(a + (k - 1) * d + 1, size);
    while (a < 0) a += d;
    t[2 * o] = a;
    t[2 * o + 1] = b;
  }
}

/** Max pooling of win.C float32 planes; indices as int64 storage (Float64Array). */
export function wasmMaxPool2d(ctx: GemmContext, x: Float32Array | Float64Array, win: Window2d,
  out: Float32Array | Float64Array, indices: Storage): boolean {
  const { rt } = ctx;
  const { C, H, W, kH, kW, sH, sW, pH, pW, dH, dW, oH, oW } = win;
  const n = C * oH * oW;
  if (!(x instanceof Float32Array) || !(out instanceof Float32Array) || !(indices instanceof Float64Array) ||
    n < MIN_ELEMS / 4 || H * W > 2 ** 31 / 8 || !rt.exports["max_pool"]) return false;
  const rows = 64, cols = rows + align(8 * oH), xs = cols + align(8 * oW), os = xs + align(4 * C * H * W), is = os + align(4 * n);
  if (!rt.reserve(is + align(8 * n))) return false;
  rt.f32().set(x.subarray(0, C * H * W), xs / 4);
  // The usual 2x2 stride-2 window, entirely inside the input: a loop without range tables.
  const plain2x2 = kH === 2 && kW === 2 && sH === 2 && sW === 2 && pH === 0 && pW === 0 && dH === 1 && dW === 1 &&
    2 * oH <= H && 2 * oW <= W && rt.exports["max_pool_2x2"];
  if (plain2x2 && oW % 4 === 0 && rt.exports["max_pool_2x2v"]) {
    // Four outputs per step, the planes shared out over the threads.
    splitCall(rt, ctx, "max_pool_2x2v", C, 1, C * H * W,
      (p0, p1) => [xs + 4 * p0 * H * W, os + 4 * p0 * oH * oW, is + 8 * p0 * oH * oW, p1 - p0, H, W, oH, oW]);
  } else if (plain2x2) (rt.exports["max_pool_2x2"] as Fn)(xs, os, is, C, H, W, oH, oW);
  else {
    writeSpans(new Int32Array(rt.memory.buffer, rows, 2 * oH), oH, sH, pH, kH, dH, H);
    writeSpans(new Int32Array(rt.memory.buffer, cols, 2 * oW), oW, sW, pW, kW, dW, W);
    (rt.exports["max_pool"] as Fn)(xs, os, is, rows, cols, C, H, W, dH, dW, oH, oW);
  }
  out.set(rt.f32().subarray(os / 4, os / 4 + n));
  indices.set(new Float64Array(rt.memory.buffer, is, n));
  return true;
}
