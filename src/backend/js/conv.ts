import type { Storage } from "../../tensor/dtype.ts";
import type { Window2d } from "../backend.ts";

type F = Float32Array | Float64Array;

/**
 * Sliding-window kernels: im2col/col2im (convolution becomes a GEMM over the columns) and the 2-D
 * pools. Plain loops over flat arrays; the index arithmetic mirrors PyTorch's CPU kernels so ties,
 * NaNs and padded windows behave the same.
 */

/** The output columns ow whose tap at offset `off` (= j*dW - pW) lands inside [0, W): [lo, hi). */
export function validRange(off: number, s: number, W: number, o: number): [number, number] {
  const lo = Math.min(o, Math.max(0, Math.ceil(-off / s)));
  const hi = Math.min(o, Math.max(lo, Math.floor((W - 1 - off) / s) + 1));
  return [lo, hi];
}

export function im2col(x: F, xOff: number, win: Window2d, cols: F, colsOff: number): void {
  const { C, H, W, kH, kW, sH, sW, pH, pW, dH, dW, oH, oW } = win;
  const L = oH * oW;
  let row = colsOff;
  for (let c = 0; c < C; c++) {
    const plane = xOff + c * H * W;
    for (let i = 0; i < kH; i++) {
      for (let j = 0; j < kW; j++, row += L) {
        const off = j * dW - pW;
        const [lo, hi] = validRange(off, sW, W, oW);
        for (let oh = 0; oh < oH; oh++) {
          const dst = row + oh * oW;
          const ih = oh * sH - pH + i * dH;
          if (ih < 0 || ih >= H || lo >= hi) {
            cols.fill(0, dst, dst + oW);
            continue;
          }
          const src = plane + ih * W + off;
          // Element loops, not fill/set over subarrays: the runs are short (one output row), and a
          // subarray per run made ~440k short-lived objects per conv layer and batch (GC-bound).
          for (let ow = 0; ow < lo; ow++) cols[dst + ow] = 0;
          if (sW === 1) for (let ow = lo; ow < hi; ow++) cols[dst + ow] = x[src + ow]!;
          else for (let ow = lo; ow < hi; ow++) cols[dst + ow] = x[src + ow * sW]!;
          for (let ow = hi; ow < oW; ow++) cols[dst + ow] = 0;
        }
      }
    }
  }
}

export function col2im(cols: F, colsOff: number, win: Window2d, x: F, xOff: number): void {
  const { C, H, W, kH, kW, sH, sW, pH, pW, dH, dW, oH, oW } = win;
  const L = oH * oW;
  let row = colsOff;
  for (let c = 0; c < C; c++) {
    const plane = xOff + c * H * W;
    for (let i = 0; i < kH; i++) {
      for (let j = 0; j < kW; j++, row += L) {
        const off = j * dW - pW;
        const [lo, hi] = validRange(off, sW, W, oW);
        if (lo >= hi) continue;
        for (let oh = 0; oh < oH; oh++) {
          const ih = oh * sH - pH + i * dH;
          if (ih < 0 || ih >= H) continue;
          const src = row + oh * oW;
          const dst = plane + ih * W + off;
          for (let ow = lo; ow < hi; ow++) x[dst + ow * sW]! += cols[src + ow]!;
        }
      }
    }
  }
}

export function maxPool2d(x: F, win: Window2d, out: F, indices: Storage): void {
  const { C, H, W, kH, kW, sH, sW, pH, pW, dH, dW, oH, oW } = win;
  let k = 0;
  for (let p = 0; p < C; p++) {
    const plane = p * H * W;
    for (let oh = 0; oh < oH; oh++) {
      let h0 = oh * sH - pH;
      const h1 = Math.min(h0 + (kH - 1) * dH + 1, H);
      while (h0 < 0) h0 += dH;
      for (let ow = 0; ow < oW; ow++, k++) {
        let w0 = ow * sW - pW;
        const w1 = Math.min(w0 + (kW - 1) * dW + 1, W);
        while (w0 < 0) w0 += dW;
        let best = -Infinity;
        let at = h0 * W + w0;
        for (let h = h0; h < h1; h += dH) {
          for (let w = w0; w < w1; w += dW) {
            const v = x[plane + h * W + w]!;
            // NaN wins, as in PyTorch, so a NaN input is never silently hidden by the pool.
            if (v > best || v !== v) {
              best = v;
              at = h * W + w;
            }
          }
        }
        out[k] = best;
        indices[k] = at;
      }
    }
  }
}

export function maxPool2dBackward(g: F, indices: Storage, win: Window2d, gx: F): void {
  const { C, H, W, oH, oW } = win;
  const L = oH * oW;
  for (let p = 0; p < C; p++) {
    const plane = p * H * W;
    for (let k = p * L; k < (p + 1) * L; k++) gx[plane + indices[k]!]! += g[k]!;
  }
}

/** Calls visit(k, h0, h1, w0, w1, divisor) for every output element of an average pool. */
function avgWindows(
  win: Window2d,
  countIncludePad: boolean,
  divisor: number,
  visit: (k: number, plane: number, h0: number, h1: number, w0: number, w1: number, div: number) => void,
): void {
  const { C, H, W, kH, kW, sH, sW, pH, pW, oH, oW } = win;
  let k = 0;
  for (let p = 0; p < C; p++) {
    const plane = p * H * W;
    for (let oh = 0; oh < oH; oh++) {
      let h0 = oh * sH - pH;
      let h1 = Math.min(h0 + kH, H + pH);
      const hPool = h1 - h0;
      h0 = Math.max(h0, 0);
      h1 = Math.min(h1, H);
      for (let ow = 0; ow < oW; ow++, k++) {
        let w0 = ow * sW - pW;
        let w1 = Math.min(w0 + kW, W + pW);
        // The padded window size counts padding but not the overhang a ceil-mode window may have.
        const pool = hPool * (w1 - w0);
        w0 = Math.max(w0, 0);
        w1 = Math.min(w1, W);
        if (h0 >= h1 || w0 >= w1) continue;
        const div = divisor !== 0 ? divisor : countIncludePad ? pool : (h1 - h0) * (w1 - w0);
        visit(k, plane, h0, h1, w0, w1, div);
      }
    }
  }
}

export function avgPool2d(x: F, win: Window2d, out: F, countIncludePad: boolean, divisor: number): void {
  const W = win.W;
  out.fill(0);
  avgWindows(win, countIncludePad, divisor, (k, plane, h0, h1, w0, w1, div) => {
    let s = 0;
    for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) s += x[plane + h * W + w]!;
    out[k] = s / div;
  });
}

export function avgPool2dBackward(g: F, win: Window2d, gx: F, countIncludePad: boolean, divisor: number): void {
  const W = win.W;
  avgWindows(win, countIncludePad, divisor, (k, plane, h0, h1, w0, w1, div) => {
    const v = g[k]! / div;
    for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) gx[plane + h * W + w]! += v;
  });
}
