/**
 * F.lpPool1d / F.lpPool2d (power-average pooling, (sum over the window of x^p)^(1/p)) and
 * F.localResponseNorm, composed as PyTorch 1.13's Python composes them, so values and gradients are
 * those of the same expressions.
 */
import { ArgumentError, ShapeError } from "../../errors.ts";
import type { IntOrTuple } from "../../ops/conv.ts";
import { abs, add, div, mul, pow, relu, sign } from "../../ops/elementwise.ts";
import { pad } from "../../ops/pad.ts";
import { avgPool2d } from "../../ops/pool.ts";
import { avgPool1d } from "../../ops/pool1d.ts";
import { reshape, squeeze, unsqueeze } from "../../ops/views.ts";
import { keywordArgs } from "../../options.ts";
import { Tensor } from "../../tensor/tensor.ts";

export interface LpPoolOptions {
  normType?: number;
  kernelSize?: IntOrTuple;
  stride?: IntOrTuple | null;
  ceilMode?: boolean;
}

const SPEC = { normType: "number", kernelSize: "ints", stride: "ints?", ceilMode: "boolean" } as const;

function lpArgs(fn: string, args: readonly unknown[]): Required<Pick<LpPoolOptions, "normType" | "kernelSize">> & LpPoolOptions {
  // PyTorch 1.13's lp_pool1d multiplies by kernel_size itself, so only an int works there.
  const spec = fn === "lpPool1d" ? { ...SPEC, kernelSize: "int" as const } : SPEC;
  const a = keywordArgs(`F.${fn}()`, args, ["normType", "kernelSize", "stride", "ceilMode"], spec) as LpPoolOptions;
  for (const k of ["normType", "kernelSize"] as const) if (a[k] === undefined) throw new ArgumentError(`F.${fn}(): missing required argument '${k}'`);
  return a as Required<Pick<LpPoolOptions, "normType" | "kernelSize">> & LpPoolOptions;
}

/** (sign(out) * relu(|out|) * windowSize)^(1/p) of the average of x^p. */
const finish = (out: Tensor, windowSize: number, p: number): Tensor => pow(mul(mul(sign(out), relu(abs(out))), windowSize), 1 / p);

/** F.lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False). */
export function lpPool1d(x: Tensor, normType: number | LpPoolOptions, ...rest: (IntOrTuple | null | boolean | LpPoolOptions)[]): Tensor {
  const a = lpArgs("lpPool1d", [normType, ...rest]);
  Tensor.check(x, "input");
  const out = avgPool1d(pow(x, a.normType), a.kernelSize, { stride: a.stride ?? null, padding: 0, ceilMode: a.ceilMode ?? false });
  return finish(out, a.kernelSize as number, a.normType);
}

/** F.lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False). */
export function lpPool2d(x: Tensor, normType: number | LpPoolOptions, ...rest: (IntOrTuple | null | boolean | LpPoolOptions)[]): Tensor {
  const a = lpArgs("lpPool2d", [normType, ...rest]);
  Tensor.check(x, "input");
  const k = typeof a.kernelSize === "number" ? [a.kernelSize, a.kernelSize] : a.kernelSize.length === 1 ? [a.kernelSize[0]!, a.kernelSize[0]!] : [...a.kernelSize];
  const out = avgPool2d(pow(x, a.normType), a.kernelSize, { stride: a.stride ?? null, padding: 0, ceilMode: a.ceilMode ?? false });
  return finish(out, k[0]! * k[1]!, a.normType);
}

export interface LocalResponseNormOptions {
  size?: number;
  alpha?: number;
  beta?: number;
  k?: number;
}

/**
 * F.local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0): each element over
 * (k + alpha * mean of the squares of `size` neighbouring channels)^beta.
 */
export function localResponseNorm(x: Tensor, size: number | LocalResponseNormOptions, ...rest: (number | LocalResponseNormOptions)[]): Tensor {
  const where = "F.localResponseNorm()";
  const a = keywordArgs(where, [size, ...rest], ["size", "alpha", "beta", "k"], { size: "int", alpha: "number", beta: "number", k: "number" }) as LocalResponseNormOptions;
  if (a.size === undefined) throw new ArgumentError(`${where}: missing required argument 'size'`);
  Tensor.check(x, "input");
  const n = a.size;
  // PyTorch's message, with the spaces of its source's line continuation.
  if (x.ndim < 3) throw new ShapeError(`Expected 3D or higher dimensionality                          input (got ${x.ndim} dimensions)`);
  if (x.numel() === 0) return x;
  const sizes = x.shape;
  // The squares as [N, 1, C, rest], zero-padded along C, averaged over `size` channels (PyTorch's avg_pool3d
  // with a (size, 1, 1) window, here a 2-d pool with a (size, 1) one over the flattened rest).
  let div_ = unsqueeze(mul(x, x), 1);
  div_ = reshape(div_, [sizes[0]!, 1, sizes[1]!, x.ndim === 3 ? sizes[2]! : sizes.slice(2).reduce((p, q) => p * q, 1)]);
  div_ = pad(div_, [0, 0, Math.floor(n / 2), Math.floor((n - 1) / 2)]);
  div_ = reshape(squeeze(avgPool2d(div_, [n, 1], { stride: 1 }), 1), sizes);
  return div(x, pow(add(mul(div_, a.alpha ?? 1e-4), a.k ?? 1), a.beta ?? 0.75));
}
