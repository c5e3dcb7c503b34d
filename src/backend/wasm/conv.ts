/**
 * The wasm backend's optional kernel "convPasses" (src/backend/conv_passes.ts): src/ops/conv.ts's
 * im2col + GEMM steps with the columns never leaving linear memory. im2col writes them straight into
 * the GEMM's staged B operand (padding included), and the input gradient's col2im reads the GEMM's
 * product where the GEMM left it; the JS loop copies each sample's columns out of linear memory and
 * back in (and the product out and in again for col2im). Samples whose columns are small go side by
 * side into one GEMM ([O x K] x [K x S*L], up to CHUNK_FLOATS of columns: conv1 of the bench CNN runs
 * 2 GEMMs per pass instead of 64), so the per-call staging of the weight and the thread handoff are
 * paid once per chunk; larger chunks were slower at 1 thread (the columns then leave L2).
 *
 * float32 only. The forward and the input gradient do the same multiply-adds in the same order as
 * the loop on this backend (bit-identical); the weight gradient sums a chunk's positions in one GEMM,
 * equal within float32 rounding. Should linear memory not grow for the scratch, the loop's kernels run.
 */
import type { Backend, Window2d } from "../backend.ts";
import type { ConvDims, ConvPasses } from "../conv_passes.ts";
import { TILE } from "./gemm_assets.ts";
import { type GemmContext, type GemmIo, align, wasmGemm } from "./gemm.ts";
import { writeRanges } from "./window.ts";

type F = Float32Array | Float64Array;
type Fn = (...a: number[]) => unknown;
type Kernels = Pick<Backend, "gemm" | "im2col" | "col2im">;

/** One GEMM's worth of a pass (see eachChunk). */
interface Chunk {
  K: number;
  L: number;
  Og: number;
  g: number;
  n0: number;
  S: number;
  SL: number;
  xOff: (s: number) => number;
  yOff: (s: number) => number;
}

/** Column floats per GEMM (1 MB): samples side by side up to this many (at least one). */
const CHUNK_FLOATS = 1 << 18;
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

  /** One sample's columns [K x L] at byte `pos` with row stride `ld` floats (the rest of each row untouched). */
  const columnsAt = (x: Float32Array, xOff: number, win: Window2d, pos: number, ld: number, free: number): void => {
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
  };

  /** Zeroes columns [from, ld) of rows [0, rows) and whole rows [rows, padRows) of the matrix at byte `pos`. */
  const padZero = (pos: number, ld: number, from: number, rows: number, padRows: number): void => {
    const f = rt.f32(), p = pos / 4;
    if (ld > from) for (let r = 0; r < rows; r++) f.fill(0, p + r * ld + from, p + (r + 1) * ld);
    if (padRows > rows) f.fill(0, p + rows * ld, p + padRows * ld);
  };

  /**
   * Rows [0, rows) of S per-sample blocks (block s at src + offs(s), rows of L floats) side by side
   * into the matrix at byte `pos`, row stride `ld` (dir "in"), or back out of it (dir "out").
   */
  const sideBySide = (dir: "in" | "out", a: F, offs: (s: number) => number, S: number, rows: number, L: number, pos: number, ld: number): void => {
    const f = rt.f32(), p = pos / 4;
    for (let s = 0; s < S; s++) {
      const o = offs(s);
      for (let r = 0; r < rows; r++) {
        if (dir === "in") f.set(a.subarray(o + r * L, o + r * L + L), p + r * ld + s * L);
        else a.set(f.subarray(p + r * ld + s * L, p + r * ld + s * L + L), o + r * L);
      }
    }
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

  /** Samples per GEMM: their columns side by side up to ~CHUNK_FLOATS. */
  const chunk = (K: number, L: number, N: number): number => Math.max(1, Math.min(N, Math.floor(CHUNK_FLOATS / (K * L))));

  /**
   * Reserves the GEMM scratch, then calls `run` for each group and chunk of samples: group g, samples
   * [n0, n0 + S), SL = S * L columns side by side, and where sample s's input plane (xOff) and output
   * block (yOff, of Og rows of L) start.
   */
  const eachChunk = (win: Window2d, dims: ConvDims, run: (c: Chunk) => void): void => {
    const { K, L, Og, plane } = geometry(win, dims), Sc = chunk(K, L, dims.N);
    prepare(Og * L * K * Sc);
    for (let g = 0; g < dims.G; g++) {
      for (let n0 = 0; n0 < dims.N; n0 += Sc) {
        const S = Math.min(Sc, dims.N - n0);
        run({
          K, L, Og, g, n0, S, SL: S * L,
          xOff: (s) => ((n0 + s) * dims.G + g) * plane,
          yOff: (s) => ((n0 + s) * dims.O + g * Og) * L,
        });
      }
    }
  };

  return {
    forward(x, w, y, win, dims, beta) {
      if (!takes([x, w, y], win)) return false;
      const X = x as Float32Array, Wt = w as Float32Array, Y = y as Float32Array;
      eachChunk(win, dims, ({ K, L, Og, g, S, SL, xOff, yOff }) => {
        const io: GemmIo = {
          stageB: (pos, ld, free) => {
            for (let s = 0; s < S; s++) columnsAt(X, xOff(s), win, pos + 4 * s * L, ld, free);
            padZero(pos, ld, SL, K, K);
          },
          stageC: (pos, ld) => {
            sideBySide("in", Y, yOff, S, Og, L, pos, ld);
            padZero(pos, ld, SL, Og, Og);
          },
          takeC: (pos, ld) => sideBySide("out", Y, yOff, S, Og, L, pos, ld),
        };
        if (wasmGemm(ctx, false, false, Og, SL, K, 1, Wt, g * Og * K, K, X, 0, SL, beta, Y, 0, SL, io)) return;
        const cols = scratch(K * L);
        for (let s = 0; s < S; s++) {
          k.im2col(X, xOff(s), win, cols, 0);
          k.gemm(false, false, Og, L, K, 1, Wt, g * Og * K, K, cols, 0, L, beta, Y, yOff(s), L);
        }
      });
      return true;
    },

    backwardInput(gy, w, gx, win, dims) {
      if (!takes([gy, w, gx], win)) return false;
      const G = gy as Float32Array, Wt = w as Float32Array;
      eachChunk(win, dims, ({ K, L, Og, g, S, SL, xOff, yOff: gOff }) => {
        const io: GemmIo = {
          stageB: (pos, ld) => {
            sideBySide("in", G, gOff, S, Og, L, pos, ld);
            padZero(pos, ld, SL, Og, Og);
          },
          takeC: (pos, ld, free) => {
            for (let s = 0; s < S; s++) addColumns(pos + 4 * s * L, ld, win, gx, xOff(s), free);
          },
        };
        if (wasmGemm(ctx, true, false, K, SL, Og, 1, Wt, g * Og * K, K, G, 0, SL, 0, G, 0, SL, io)) return;
        const cols = scratch(K * L);
        for (let s = 0; s < S; s++) {
          k.gemm(true, false, K, L, Og, 1, Wt, g * Og * K, K, G, gOff(s), L, 0, cols, 0, L);
          k.col2im(cols, 0, win, gx, xOff(s));
        }
      });
      return true;
    },

    backwardWeight(gy, x, gw, win, dims) {
      if (!takes([gy, x, gw], win)) return false;
      const G = gy as Float32Array, X = x as Float32Array, GW = gw as Float32Array;
      eachChunk(win, dims, ({ K, L, Og, g, n0, S, SL, xOff, yOff: gOff }) => {
        // The padded rows of the staged operands: whole register tiles.
        const padK = Math.ceil(K / TILE.NR) * TILE.NR, padO = Math.ceil(Og / TILE.MR) * TILE.MR;
        const io: GemmIo = {
          stageA: (pos, ld) => {
            sideBySide("in", G, gOff, S, Og, L, pos, ld);
            padZero(pos, ld, SL, Og, padO);
          },
          stageB: (pos, ld, free) => {
            for (let s = 0; s < S; s++) columnsAt(X, xOff(s), win, pos + 4 * s * L, ld, free);
            padZero(pos, ld, SL, K, padK);
          },
        };
        const beta = n0 === 0 ? 0 : 1;
        if (wasmGemm(ctx, false, true, Og, K, SL, 1, G, 0, SL, X, 0, SL, beta, GW, g * Og * K, K, io)) return;
        const cols = scratch(K * L);
        for (let s = 0; s < S; s++) {
          k.im2col(X, xOff(s), win, cols, 0);
          k.gemm(false, true, Og, K, L, 1, G, gOff(s), L, cols, 0, L, n0 + s === 0 ? 0 : 1, GW, g * Og * K, K);
        }
      });
      return true;
    },
  };
}
