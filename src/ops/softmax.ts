import { backend } from "../backend/registry.ts";
import { record } from "../autograd/record.ts";
import { isFloating } from "../tensor/dtype.ts";
import { normDim, numelOf } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { castRaw, defaultFloat, denseData, fresh, freshOutput } from "./util.ts";

/**
 * Softmax and log-softmax as fused kernels: max-subtracted forward (stable for inputs of +-1e4) and
 * the seed's backward, gx = y * (g - sum(g * y)), computed from the saved output alone.
 */
function softmaxImpl(x: Tensor, dim: number, log: boolean): Tensor {
  const d = normDim(dim, x.ndim);
  const xf = isFloating(x.dtype) ? x : castRaw(x, defaultFloat());
  const outer = numelOf(x.shape.slice(0, d));
  const size = x.ndim === 0 ? 1 : x.shape[d]!;
  const inner = numelOf(x.shape.slice(d + 1));
  const out = freshOutput(x.shape, xf.dtype);
  backend().softmax(denseData(xf), out.storage, outer, size, inner, log);
  const y = out.storage;
  return record(out, log ? "LogSoftmaxBackward" : "SoftmaxBackward", [x], (g) => {
    const gx = freshOutput(x.shape, xf.dtype);
    backend().softmaxBackward(denseData(castRaw(g, xf.dtype)), y, gx.storage, outer, size, inner, log);
    return [gx];
  });
}

export function softmax(x: Tensor, dim: number): Tensor {
  return softmaxImpl(x, dim, false);
}

export function logSoftmax(x: Tensor, dim: number): Tensor {
  return softmaxImpl(x, dim, true);
}
