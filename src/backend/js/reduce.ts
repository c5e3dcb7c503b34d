import type { ReduceOp } from "../backend.ts";
import type { Storage } from "../../tensor/dtype.ts";

/**
 * Reductions over the middle axis of a contiguous [outer, size, inner] array. Sums accumulate in
 * doubles (JS numbers), so float32 sums are as accurate as PyTorch's pairwise ones or better.
 */
export function reduce(op: ReduceOp, x: Storage, out: Storage, outer: number, size: number, inner: number, indices?: Storage): void {
  for (let o = 0; o < outer; o++) {
    const base = o * size * inner;
    for (let i = 0; i < inner; i++) {
      let p = base + i;
      if (op === "sum" || op === "prod") {
        let acc = op === "sum" ? 0 : 1;
        if (op === "sum") for (let j = 0; j < size; j++, p += inner) acc += x[p]!;
        else for (let j = 0; j < size; j++, p += inner) acc *= x[p]!;
        out[o * inner + i] = acc;
      } else {
        // max/min: the first extreme wins ties, and a NaN is the extreme (PyTorch propagates NaN).
        let best = x[p]!;
        let arg = 0;
        const isMax = op === "max";
        for (let j = 1; j < size; j++) {
          p += inner;
          const v = x[p]!;
          if (best !== best) break;
          if (v !== v || (isMax ? v > best : v < best)) {
            best = v;
            arg = j;
          }
        }
        out[o * inner + i] = best;
        if (indices) indices[o * inner + i] = arg;
      }
    }
  }
}

export function softmax(x: Storage, out: Storage, outer: number, size: number, inner: number, log: boolean): void {
  for (let o = 0; o < outer; o++) {
    const base = o * size * inner;
    for (let i = 0; i < inner; i++) {
      const start = base + i;
      const end = start + size * inner;
      // Subtracting the max keeps exp() finite for inputs of any magnitude (the seed's derivation).
      let max = -Infinity;
      for (let p = start; p < end; p += inner) if (x[p]! > max) max = x[p]!;
      if (max === -Infinity) max = 0;
      let sum = 0;
      for (let p = start; p < end; p += inner) sum += Math.exp(x[p]! - max);
      if (log) {
        const lse = max + Math.log(sum);
        for (let p = start; p < end; p += inner) out[p] = x[p]! - lse;
      } else {
        const inv = 1 / sum;
        for (let p = start; p < end; p += inner) out[p] = Math.exp(x[p]! - max) * inv;
      }
    }
  }
}

export function softmaxBackward(g: Storage, y: Storage, out: Storage, outer: number, size: number, inner: number, log: boolean): void {
  for (let o = 0; o < outer; o++) {
    const base = o * size * inner;
    for (let i = 0; i < inner; i++) {
      const start = base + i;
      const end = start + size * inner;
      let s = 0;
      if (log) {
        for (let p = start; p < end; p += inner) s += g[p]!;
        for (let p = start; p < end; p += inner) out[p] = g[p]! - Math.exp(y[p]!) * s;
      } else {
        for (let p = start; p < end; p += inner) s += g[p]! * y[p]!;
        for (let p = start; p < end; p += inner) out[p] = y[p]! * (g[p]! - s);
      }
    }
  }
}
