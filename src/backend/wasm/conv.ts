/**
 * The wasm backend's optional kernel "convPasses" (src/backend/conv_passes.ts): the per-sample
 * im2col + GEMM steps of src/ops/conv.ts, with the columns never leaving linear memory. im2col writes
 * them straight into the GEMM's staged B operand (padding included), and the input gradient's col2im
 * reads the GEMM's product where the GEMM left it. The JS loop copies each sample's columns out of
 * linear memory after im2col and back in for the GEMM (and the product out and in again for col2im):
 * ~6 copies of K*L floats per sample and step that this drops.
 *
 * float32 only; the GEMM splits across the worker threads as any other. The same multiply-adds in the
 * same order as the loop in src/ops/conv.ts on this backend, so results are bit-identical to it.
 * Should linear memory not grow for a sample's scratch, that sample runs the loop's kernels instead.
 */
import type { Backend, Window2d } from "../backend.ts";
import type { ConvDims, ConvPasses } from "../conv_passes.ts";
import { TILE } from "./gemm_assets.ts";
import { type GemmContext, align, wasmGemm } from "./gemm.ts";
import { writeRanges } from "./window.ts";

type F = Float32Array | Float64Array;
type Fn = (...a: number[]) => unknown;
type Kernels = Pick<Backend, "gemm" | "im2col" | "col2im">;

/** Below this many column floats per sample the JS loop's copies cost little: declined. */
const MIN_COLS = 4096;

export function wasmConvPasses(ctx: GemmContext, k: Kernels, prepare: (macs: number) => void): ConvPasses {
  const { rt } = ctx;
  let tmp = new Float32Array(0);
  const scratch = (n: number): Float32Array => (tmp.length >= n ? tmp : (tmp = new Float32Array(n)));

  /** Byte offsets of the range table and the staged sample, from `free` on; null when memory cannot grow. */
  const sampleArea = (free: number, win: Window2d): [number, number] | null => {
    const t = free, xs = t + align(8 * win.kW);
    return rt.reserve(xs + align(4 * win.C * win.H * win.W)) ? [t, xs] : null;
  };
  const windowArgs = (w: Window2d): number[] => [w.C, w.H, w.W, w.kH, w.kW, w.sH, w.sW, w.pH, w.pW, w.dH, w.dW, w.oH, w.oW];

  /**
   * One sample's columns [K x L] at byte `pos` with row stride `ld` floats, then zero rows up to
   * `padRows` (rows past the K real ones, for a transposed operand) and zero row tails past L.
   */
  const columnsAt = (x: Float32Array, xOff: number, win: Window2d, pos: number, ld: number, padRows: number, free: number): void => {
    const K = win.C * win.kH * win.kW, L = win.oH * win.oW;
    const area = sampleArea(free, win);
    if (area) {
      const [table, xs] = area;
      writeRanges(rt, table, win);
      rt.f32().set(x.subarray(xOff, xOff + win.C * win.H * win.W), xs / 4);
      (rt.exports["im2col"] as Fn)(xs, pos, table, ...windowArgs(win), (ld - L) * 4);
    } else {
      const cols = scratch(K * L);
      k.im2col(x, xOff, win, cols, 0);
      const f = rt.f32();
      for (let r = 0; r < K; r++) f.set(cols.subarray(r * L, r * L + L), pos / 4 + r * ld);
    }
    const f = rt.f32(), p = pos / 4;
    if (ld > L) for (let r = 0; r < K; r++) f.fill(0, p + r * ld + L, p + (r + 1) * ld);
    if (padRows > K) f.fill(0, p + K * ld, p + padRows * ld);
  };

  /** col2im of the columns at byte `pos` (row stride `ld`) onto gx, whose sample block is still zero. */
  const addColumns = (pos: number, ld: number, win: Window2d, gx: F, xOff: number, free: number): void => {
    const K = win.C * win.kH * win.kW, L = win.oH * win.oW, nx = win.C * win.H * win.W;
    const area = sampleArea(free, win);
    if (area) {
      const [table, xs] = area;
      writeRanges(rt, table, win);
      rt.f32().fill(0, xs / 4, xs / 4 + nx);
      (rt.exports["col2im"] as Fn)(xs, pos, table, ...windowArgs(win), (ld - L) * 4);
      gx.set(rt.f32().subarray(xs / 4, xs / 4 + nx), xOff);
    } else {
      const cols = scratch(K * L), f = rt.f32();
      for (let r = 0; r < K; r++) cols.set(f.subarray(pos / 4 + r * ld, pos / 4 + r * ld + L), r * L);
      k.col2im(cols, 0, win, gx, xOff);
    }
  };

  /** Whether this backend takes the call: float32 arrays and enough columns per sample to matter. */
  const takes = (arrays: F[], win: Window2d): boolean =>
    arrays.every((a) => a instanceof Float32Array) && win.C * win.kH * win.kW * win.oH * win.oW >= MIN_COLS &&
    rt.exports["im2col"] !== undefined && rt.exports["col2im"] !== undefined;

  const geometry = (win: Window2d, dims: ConvDims) => {
    const K = win.C * win.kH * win.kW, L = win.oH * win.oW, Og = dims.O / dims.G;
    return { K, L, Og, plane: win.C * win.H * win.W };
  };

  return {
    forward(x, w, y, win, dims, beta) {
      if (!takes([x, w, y], win)) return false;
      const X = x as Float32Array, Wt = w as Float32Array, Y = y as Float32Array;
      const { K, L, Og, plane } = geometry(win, dims);
      prepare(Og * L * K);
      for (let n = 0; n < dims.N; n++) {
        for (let g = 0; g < dims.G; g++) {
          const xOff = (n * dims.G + g) * plane, yOff = (n * dims.O + g * Og) * L;
          const io = { stageB: (pos: number, ld: number, free: number) => columnsAt(X, xOff, win, pos, ld, K, free) };
          if (wasmGemm(ctx, false, false, Og, L, K, 1, Wt, g * Og * K, K, X, 0, L, beta, Y, yOff, L, io)) continue;
          const cols = scratch(K * L);
          k.im2col(X, xOff, win, cols, 0);
          k.gemm(false, false, Og, L, K, 1, Wt, g * Og * K, K, cols, 0, L, beta, Y, yOff, L);
        }
      }
      return true;
    },

    backwardInput(gy, w, gx, win, dims) {
      if (!takes([gy, w, gx], win)) return false;
      const G = gy as Float32Array, Wt = w as Float32Array;
      const { K, L, Og, plane } = geometry(win, dims);
      prepare(Og * L * K);
      for (let n = 0; n < dims.N; n++) {
        for (let g = 0; g < dims.G; g++) {
          const xOff = (n * dims.G + g) * plane, gOff = (n * dims.O + g * Og) * L;
          const io = { takeC: (pos: number, ld: number, free: number) => addColumns(pos, ld, win, gx, xOff, free) };
          if (wasmGemm(ctx, true, false, K, L, Og, 1, Wt, g * Og * K, K, G, gOff, L, 0, G, 0, L, io)) continue;
          const cols = scratch(K * L);
          k.gemm(true, false, K, L, Og, 1, Wt, g * Og * K, K, G, gOff, L, 0, cols, 0, L);
          k.col2im(cols, 0, win, gx, xOff);
        }
      }
      return true;
    },

    backwardWeight(gy, x, gw, win, dims) {
      if (!takes([gy, x, gw], win)) return false;
      const G = gy as Float32Array, X = x as Float32Array, GW = gw as Float32Array;
      const { K, L, Og, plane } = geometry(win, dims);
      // The transposed operand's rows (the K of the columns) are padded to whole register tiles.
      const padRows = Math.ceil(K / TILE.NR) * TILE.NR;
      prepare(Og * L * K);
      for (let n = 0; n < dims.N; n++) {
        for (let g = 0; g < dims.G; g++) {
          const xOff = (n * dims.G + g) * plane, gOff = (n * dims.O + g * Og) * L, beta = n === 0 ? 0 : 1;
          const io = { stageB: (pos: number, ld: number, free: number) => columnsAt(X, xOff, win, pos, ld, padRows, free) };
          if (wasmGemm(ctx, false, true, Og, K, L, 1, G, gOff, L, X, 0, L, beta, GW, g * Og * K, K, io)) continue;
          const cols = scratch(K * L);
          k.im2col(X, xOff, win, cols, 0);
          k.gemm(false, true, Og, K, L, 1, G, gOff, L, cols, 0, L, beta, GW, g * Og * K, K);
        }
      }
      return true;
    },
  };
}
