import type { Storage } from "../../tensor/dtype.ts";

/** Gather/scatter kernels over [outer, size, inner] layouts; indices were range-checked by the op. */

export function gather(x: Storage, index: Storage, out: Storage, outer: number, size: number, m: number, inner: number): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const row = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) out[row + i] = x[(o * size + index[row + i]!) * inner + i]!;
    }
  }
}

export function scatterAdd(src: Storage, index: Storage, out: Storage, outer: number, size: number, m: number, inner: number): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const row = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) out[(o * size + index[row + i]!) * inner + i]! += src[row + i]!;
    }
  }
}

export function indexSelect(x: Storage, index: Storage, out: Storage, outer: number, size: number, m: number, inner: number): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const from = (o * size + index[j]!) * inner;
      const to = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) out[to + i] = x[from + i]!;
    }
  }
}

export function indexAdd(src: Storage, index: Storage, out: Storage, outer: number, size: number, m: number, inner: number): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const to = (o * size + index[j]!) * inner;
      const from = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) out[to + i]! += src[from + i]!;
    }
  }
}
