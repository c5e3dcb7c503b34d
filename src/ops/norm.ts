import { backend } from "../backend/registry.ts";
import { releaseWhenFreed } from "../autograd/activations.ts";
import { nodesMade } from "../autograd/node.ts";
import { record } from "../autograd/record.ts";
import { isGradEnabled, noGrad } from "../autograd/grad_mode.ts";
import { recomputeGrads } from "../autograd/fused.ts";
import { ArgumentError, DTypeError, ShapeError } from "../errors.ts";
import { allocUninitialized, isFloating } from "../tensor/dtype.ts";
import { fmtShape, numelOf } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { bumpVersion } from "../tensor/version.ts";
import { add, div, mul, sqrt, square, sub } from "./elementwise.ts";
import { mean, sumToShape } from "./reduce.ts";
import { castRaw, denseData, sv } from "./util.ts";
import { reshape } from "./views.ts";

/**
 * Batch and layer normalisation. Both normalise x over some dims with the batch's own mean and biased
 * variance, then apply a per-element affine; they share one fused node whose backward is the closed
 * form, so a training step keeps one saved tensor (x-hat) instead of a chain of elementwise nodes:
 *
 *   gx = invstd * (gxh - mean(gxh) - xhat * mean(gxh * xhat)),  gxh = g * weight   (means over the dims)
 *   gw = sum(g * xhat),  gb = sum(g)                              (sums over the dims params broadcast on)
 */

interface Normalized {
  out: Tensor;
  mean: Tensor;
  /** Biased variance over `dims`, keepdim. */
  var: Tensor;
}

/** y = (x - mean) / sqrt(var + eps) * w + b over `dims`; w and b already shaped to broadcast against x. */
function normalizeAffine(name: string, x: Tensor, dims: number[], w: Tensor | null, b: Tensor | null, eps: number): Normalized {
  const { xhat, invstd, mu, v, out } = noGrad(() => {
    const xd = x.detach();
    const mu = mean(xd, dims, true);
    const xc = sub(xd, mu);
    const v = mean(square(xc), dims, true);
    const invstd = div(1, sqrt(add(v, eps)));
    const xhat = mul(xc, invstd);
    let out = w ? mul(xhat, w.detach()) : xhat;
    if (b) out = add(out, b.detach());
    // Saved detached: when there is no affine, out IS xhat and is about to get a gradFn.
    return { xhat: xhat.detach(), invstd, mu, v, out };
  });
  const y = record(out, name, [x, w, b], (g, needs) => {
    if (isGradEnabled()) return recomputeGrads([x, w, b], needs, g, (x, w, b) => composeNorm(x!, dims, w, b, eps));
    let gx: Tensor | null = null;
    if (needs[0]) {
      const gxh = w ? mul(g, w.detach()) : g;
      gx = mul(sub(sub(gxh, mean(gxh, dims, true)), mul(xhat, mean(mul(gxh, xhat), dims, true))), invstd);
    }
    const gw = needs[1] && w ? sumToShape(mul(g, xhat), w.shape) : null;
    const gb = needs[2] && b ? sumToShape(g, b.shape) : null;
    return [gx, gw, gb];
  }, [w, xhat]);
  return { out: y, mean: mu, var: v };
}

/** The normalisation as plain ops, for createGraph's recomputed (twice differentiable) backward. */
function composeNorm(x: Tensor, dims: number[], w: Tensor | null, b: Tensor | null, eps: number): Tensor {
  const xc = sub(x, mean(x, dims, true));
  const xhat = div(xc, sqrt(add(mean(square(xc), dims, true), eps)));
  const out = w ? mul(xhat, w) : xhat;
  return b ? add(out, b) : out;
}

/** Overwrites t's elements with `value`'s (a running statistic updated in place, as PyTorch does). */
function assign(t: Tensor, value: Tensor): void {
  backend().scatterInto(denseData(castRaw(value, t.dtype)), sv(t), t.shape);
  bumpVersion(t.storage);
}

function checkParam(t: Tensor | null, name: string, C: number, dtype: string): void {
  if (t === null) return;
  Tensor.check(t, name);
  if (t.numel() !== C) throw new ShapeError(`${name} should contain ${C} elements not ${t.numel()}`);
  if (name !== "running_mean" && name !== "running_var" && t.dtype !== dtype) {
    throw new DTypeError(`expected scalar type ${dtype} but found ${t.dtype} (${name})`);
  }
}

/**
 * Batch normalisation of x [N, C, ...] per channel. Training: normalises with the batch statistics
 * and, when running stats are given, updates them in place with `momentum`, using the unbiased batch
 * variance as PyTorch does. Evaluation: normalises with the running statistics.
 */
export function batchNorm(
  input: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  training = false,
  momentum = 0.1,
  eps = 1e-5,
): Tensor {
  Tensor.check(input, "input");
  if (input.ndim < 2) throw new ShapeError(`batch_norm: expected a 2D or higher input [N, C, ...], got input of size ${fmtShape(input.shape)}`);
  if (!isFloating(input.dtype)) throw new DTypeError(`batch_norm: expected a floating point input, got ${input.dtype}`);
  const C = input.shape[1]!;
  checkParam(runningMean, "running_mean", C, input.dtype);
  checkParam(runningVar, "running_var", C, input.dtype);
  checkParam(weight, "weight", C, input.dtype);
  checkParam(bias, "bias", C, input.dtype);
  // Parameters [C] broadcast against [N, C, d1, d2, ...] as [C, 1, 1, ...].
  const pshape = [C, ...input.shape.slice(2).map(() => 1)];
  const w = weight ? reshape(weight, pshape) : null;
  const b = bias ? reshape(bias, pshape) : null;
  const dims = input.shape.map((_, i) => i).filter((i) => i !== 1);
  if (training) {
    const M = input.numel() / C;
    if (M <= 1) throw new ArgumentError(`Expected more than 1 value per channel when training, got input size ${fmtShape(input.shape)}`);
    const r = normalizeAffine("NativeBatchNormBackward0", input, dims, w, b, eps);
    noGrad(() => {
      if (runningMean) assign(runningMean, add(mul(runningMean, 1 - momentum), mul(reshape(r.mean, [C]), momentum)));
      if (runningVar) assign(runningVar, add(mul(runningVar, 1 - momentum), mul(reshape(r.var, [C]), (momentum * M) / (M - 1))));
    });
    return r.out;
  }
  if (!runningMean || !runningVar) throw new ArgumentError(`${runningMean ? "running_var" : "running_mean"} must be defined in evaluation mode`);
  // Running stats are constants here, so plain differentiable ops give the (simple) eval gradient.
  const invstd = noGrad(() => div(1, sqrt(add(castRaw(reshape(runningVar.detach(), pshape), input.dtype), eps))));
  const shift = castRaw(reshape(runningMean.detach(), pshape), input.dtype);
  let out = mul(sub(input, shift), invstd);
  if (w) out = mul(out, w);
  if (b) out = add(out, b);
  return out;
}

/** Layer normalisation over the trailing dims given by `normalizedShape`, with optional affine params of that shape. */
export function layerNorm(
  input: Tensor,
  normalizedShape: number | readonly number[],
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  eps = 1e-5,
): Tensor {
  Tensor.check(input, "input");
  if (!isFloating(input.dtype)) throw new DTypeError(`layer_norm: expected a floating point input, got ${input.dtype}`);
  const ns = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
  if (ns.length === 0) throw new ArgumentError("Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, but got normalized_shape = []");
  const k = ns.length;
  const tail = input.shape.slice(input.ndim - k);
  if (input.ndim < k || tail.some((s, i) => s !== ns[i])) {
    throw new ShapeError(`Given normalized_shape=${fmtShape(ns)}, expected input with shape [*, ${ns.join(", ")}], but got input of size${fmtShape(input.shape)}`);
  }
  for (const [t, name] of [[weight, "weight"], [bias, "bias"]] as const) {
    if (t === null) continue;
    Tensor.check(t, name);
    if (t.ndim !== k || t.shape.some((s, i) => s !== ns[i])) {
      throw new ShapeError(`Expected ${name} to be of same shape as normalized_shape, but got ${name} of shape ${fmtShape(t.shape)} and normalized_shape = ${fmtShape(ns)}`);
    }
    if (t.dtype !== input.dtype) throw new DTypeError(`expected scalar type ${input.dtype} but found ${t.dtype} (${name})`);
  }
  if (numelOf(ns) === 0) return mul(input, 1);
  return layerNormRows(input, numelOf(ns), weight, bias, eps);
}

type Floats = Float32Array | Float64Array;

/**
 * Layer norm over rows of `size` as the backend's fused kernels (one pass per row each way instead of
 * about ten elementwise and reduction passes and their temporaries), saving xhat and rstd. The same
 * node and gradients as normalizeAffine's (backward runs without grad, so it needs no ops).
 */
function layerNormRows(x: Tensor, size: number, w: Tensor | null, b: Tensor | null, eps: number): Tensor {
  const dtype = x.dtype;
  const n = x.numel();
  const rows = size === 0 ? 0 : n / size;
  const wd = w === null ? null : (denseData(w) as Floats);
  const out = Tensor.uninitialized(x.shape, dtype);
  const xhat = allocUninitialized(dtype, n) as Floats;
  const rstd = allocUninitialized(dtype, rows) as Floats;
  backend().layerNorm(denseData(x) as Floats, wd, b === null ? null : (denseData(b) as Floats), out.storage as Floats, xhat, rstd, rows, size, eps);
  const since = nodesMade();
  record(out, "NativeLayerNormBackward0", [x, w, b], (g, needs) => {
    if (isGradEnabled()) {
      const rowsOf = (t: Tensor | null) => (t === null ? null : reshape(t, [size]));
      return recomputeGrads([x, w, b], needs, g, (x, w, b) =>
        reshape(composeNorm(reshape(x!, [rows, size]), [1], rowsOf(w), rowsOf(b), eps), x!.shape));
    }
    const gx = needs[0] ? Tensor.uninitialized(x.shape, dtype) : null;
    const gw = needs[1] && w ? Tensor.uninitialized(w.shape, dtype) : null;
    const gb = needs[2] && b ? Tensor.uninitialized(b.shape, dtype) : null;
    backend().layerNormBackward(denseData(castRaw(g, dtype)) as Floats, xhat, wd, rstd, (gx?.storage ?? null) as Floats | null,
      (gw?.storage ?? null) as Floats | null, (gb?.storage ?? null) as Floats | null, rows, size);
    return [gx, gw, gb];
  }, [w]);
  // xhat and rstd are the op's own: back to the storage pool when backward releases the node (or now)
  releaseWhenFreed(out, since, [xhat, rstd]);
  return out;
}

