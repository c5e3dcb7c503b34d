import { record } from "../autograd/record.ts";
import { checkOptions } from "../options.ts";
import { type DType, checkDType, isFloating } from "../tensor/dtype.ts";
import { normDim, numelOf } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { castRaw, checkDifferentiableResult, denseData, fresh } from "./util.ts";
import { flip } from "./shape_ops.ts";

/**
 * cumsum and cumprod along one dim. Integer and bool inputs accumulate in int64 as PyTorch does.
 * cumsum's gradient is a reversed cumsum (itself differentiable); cumprod's is computed without
 * dividing by the input, so zeros in it give PyTorch's finite gradient.
 */

export interface CumOptions {
  dtype?: DType | null;
}

function resultDType(x: Tensor, opts: CumOptions, where: string): DType {
  checkOptions(where, opts, { dtype: "string?" }, { index: 3 });
  if (opts.dtype !== undefined && opts.dtype !== null) return checkDType(opts.dtype);
  return isFloating(x.dtype) ? x.dtype : "int64";
}

/** Runs `step(acc, v)` along d of x (already in the result dtype), writing every prefix. */
function scan(x: Tensor, d: number, first: number, step: (acc: number, v: number) => number): Tensor {
  const size = x.shape[d]!;
  const outer = numelOf(x.shape.slice(0, d));
  const inner = numelOf(x.shape.slice(d + 1));
  const src = denseData(x);
  const out = fresh(x.shape, x.dtype);
  const dst = out.storage;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let acc = first;
      for (let k = 0, p = o * size * inner + i; k < size; k++, p += inner) {
        acc = step(acc, src[p]!);
        dst[p] = acc;
      }
    }
  }
  return out;
}

function prepare(x: Tensor, dim: number, opts: CumOptions, where: string): { src: Tensor; d: number; zeroD: boolean } {
  Tensor.check(x, "input");
  const dtype = resultDType(x, opts, where);
  const zeroD = x.ndim === 0;
  const d = normDim(dim, zeroD ? 0 : x.ndim);
  return { src: castRaw(zeroD ? Tensor.fromStorage(denseData(x), x.dtype, [1]) : x, dtype), d: zeroD ? 0 : d, zeroD };
}

/** torch.cumsum: running sums along dim. */
export function cumsum(x: Tensor, dim: number, opts: CumOptions = {}): Tensor {
  const { src, d, zeroD } = prepare(x, dim, opts, "cumsum()");
  checkDifferentiableResult("cumsum()", src.dtype, [x]);
  // Accumulated in double, as PyTorch's CPU kernel does for float32 too.
  let out = scan(src, d, 0, (a, v) => a + v);
  if (zeroD) out = Tensor.fromStorage(out.storage, out.dtype, []);
  return record(out, "CumsumBackward0", [x], (g) => {
    if (zeroD) return [castRaw(g, x.dtype)];
    return [castRaw(flip(cumsum(flip(g, d), d), d), x.dtype)];
  }, false);
}

/** torch.cumprod: running products along dim. */
export function cumprod(x: Tensor, dim: number, opts: CumOptions = {}): Tensor {
  const { src, d, zeroD } = prepare(x, dim, opts, "cumprod()");
  checkDifferentiableResult("cumprod()", src.dtype, [x]);
  let out = scan(src, d, 1, (a, v) => a * v);
  if (zeroD) out = Tensor.fromStorage(out.storage, out.dtype, []);
  return record(out, "CumprodBackward0", [x], (g) => [castRaw(cumprodGrad(src, castRaw(g, src.dtype), d, zeroD), x.dtype)], [x]);
}

/**
 * PyTorch 1.13's cumprod_backward, per slice along dim with z its first zero (the size when none):
 * before z, grad_i = (sum_{i<=j<z} g_j out_j) / x_i (a division, so NaN and inf inputs reach the
 * gradient as in PyTorch); at z, the exact prod_{k<z} x_k * S_z with S_i = g_i + x_{i+1} S_{i+1};
 * after z, 0. A dim of size 1 passes the gradient through.
 */
function cumprodGrad(x: Tensor, g: Tensor, d: number, zeroD: boolean): Tensor {
  if (zeroD || x.shape[d] === 1) return Tensor.fromStorage(denseData(g), g.dtype, g.shape);
  const size = x.shape[d]!;
  const outer = numelOf(x.shape.slice(0, d));
  const inner = numelOf(x.shape.slice(d + 1));
  const xs = denseData(x);
  const gs = denseData(g);
  const out = fresh(x.shape, x.dtype);
  const dst = out.storage;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let z = 0;
      while (z < size && xs[base + z * inner] !== 0) z++;
      // before z: reversed cumulative sums of g * out, divided by x
      let prod = 1;
      const gOut = new Float64Array(z);
      for (let k = 0; k < z; k++) {
        prod *= xs[base + k * inner]!;
        gOut[k] = gs[base + k * inner]! * prod;
      }
      let acc = 0;
      for (let k = z - 1; k >= 0; k--) {
        acc += gOut[k]!;
        dst[base + k * inner] = acc / xs[base + k * inner]!;
      }
      if (z === size) continue;
      // at z: the product of the others, exactly; after z: 0
      let s = 0;
      for (let k = size - 1; k >= z; k--) {
        const p = base + k * inner;
        s = gs[p]! + (k + 1 < size ? xs[p + inner]! * s : 0);
        dst[p] = 0;
      }
      dst[base + z * inner] = prod * s;
    }
  }
  return out;
}
