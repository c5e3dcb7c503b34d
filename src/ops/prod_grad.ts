import { Tensor } from "../tensor/tensor.ts";
import { numelOf } from "../tensor/shape.ts";
import { denseData, fresh } from "./util.ts";

/**
 * d prod / d x_i = the product of the other elements along dim, as PyTorch's prod_safe_zeros_backward
 * computes it (an exclusive cumulative product from each side, multiplied), so a NaN or an infinity
 * among the others reaches the gradient even where a zero is also there (0 * inf = NaN).
 * dim null: the whole tensor, flattened.
 */
export function othersProduct(x: Tensor, dim: number | null): Tensor {
  const data = denseData(x);
  const out = fresh(x.shape, x.dtype);
  const o = out.storage as Float32Array | Float64Array;
  const size = dim === null ? x.numel() : x.shape[dim]!;
  const outer = dim === null ? 1 : numelOf(x.shape.slice(0, dim));
  const inner = dim === null ? 1 : numelOf(x.shape.slice(dim + 1));
  const left = new Float64Array(size);
  for (let a = 0; a < outer; a++) {
    for (let c = 0; c < inner; c++) {
      const base = a * size * inner + c;
      let p = 1;
      for (let k = 0; k < size; k++) {
        left[k] = p;
        p *= Number(data[base + k * inner]!);
      }
      let q = 1;
      for (let k = size - 1; k >= 0; k--) {
        o[base + k * inner] = left[k]! * q;
        q *= Number(data[base + k * inner]!);
      }
    }
  }
  return out;
}
