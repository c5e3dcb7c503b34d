import { backend } from "../backend/registry.ts";
import { isGradEnabled } from "../autograd/grad_mode.ts";
import { record } from "../autograd/record.ts";
import { sub } from "./binary.ts";
import { exp, mul } from "./op_functions.ts";
import { sum } from "./reduce.ts";
import { DTypeError } from "../errors.ts";
import { type DType, isFloating } from "../tensor/dtype.ts";
import { normDim, numelOf } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { scalarTypeName } from "./promotion.ts";
import { castRaw, denseData, freshOutput } from "./util.ts";
import { to } from "./views.ts";

/**
 * Softmax and log-softmax as fused kernels: max-subtracted forward (stable for inputs of +-1e4) and
 * the seed's backward, gx = y * (g - sum(g * y)), computed from the saved output alone.
 */

export interface SoftmaxOptions {
  /** The input is cast to this dtype first (PyTorch's `dtype=`), e.g. to accumulate in float64. */
  dtype?: DType;
}

function softmaxImpl(x0: Tensor, dim: number, log: boolean, opts: SoftmaxOptions): Tensor {
  Tensor.check(x0, "input");
  const d = normDim(dim, x0.ndim);
  const x = opts.dtype === undefined ? x0 : to(x0, opts.dtype);
  // an empty input is returned before PyTorch dispatches on its dtype
  if (!isFloating(x.dtype) && x.numel() > 0) {
    // PyTorch names the kernel it would have dispatched to.
    const kernel = `${log ? "log_" : ""}softmax_${x.ndim === 0 || d === x.ndim - 1 ? "lastdim_" : ""}kernel_impl`;
    throw new DTypeError(`"${kernel}" not implemented for '${scalarTypeName(x.dtype)}'`);
  }
  const outer = numelOf(x.shape.slice(0, d));
  const size = x.ndim === 0 ? 1 : x.shape[d]!;
  const inner = numelOf(x.shape.slice(d + 1));
  const out = freshOutput(x.shape, x.dtype);
  backend().softmax(denseData(x), out.storage, outer, size, inner, log);
  const y = out.storage;
  return record(out, log ? "LogSoftmaxBackward0" : "SoftmaxBackward0", [x], (g) => {
    // createGraph: the same formula as recorded ops over the output, so it can be differentiated again.
    if (isGradEnabled()) {
      const gd = castRaw(g, x.dtype);
      return [log ? sub(gd, mul(exp(out), sum(gd, d, true))) : mul(out, sub(gd, sum(mul(gd, out), d, true)))];
    }
    const gx = freshOutput(x.shape, x.dtype);
    backend().softmaxBackward(denseData(castRaw(g, x.dtype)), y, gx.storage, outer, size, inner, log);
    return [gx];
  }, [out]);
}

export function softmax(x: Tensor, dim: number, opts: SoftmaxOptions = {}): Tensor {
  return softmaxImpl(x, dim, false, opts);
}

export function logSoftmax(x: Tensor, dim: number, opts: SoftmaxOptions = {}): Tensor {
  return softmaxImpl(x, dim, true, opts);
}
