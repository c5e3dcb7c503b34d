import { ArgumentError, DTypeError, ShapeError } from "../errors.ts";
import { zeros } from "../tensor/creation.ts";
import { isFloating, scalarTypeName } from "../tensor/dtype.ts";
import { fmtShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { type IntOrTuple, tupleArg } from "./conv.ts";
import { scatter } from "./scatter.ts";
import { denseData } from "./util.ts";
import { reshape, squeeze, unsqueeze } from "./views.ts";

/**
 * max_unpool1d / max_unpool2d: the inverse of max pooling with indices. Each value goes to the flat h * W + w position its
 * index names in its plane of a zero output; a scatter, so the input's gradient is the output gradient
 * gathered at those positions. The output size is PyTorch's default, (H - 1) * stride - 2 * padding +
 * kernel, or `outputSize` within one stride of it.
 */

export interface MaxUnpool2dOptions {
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  /** [H, W], or [N, C, H, W] of which the last two count. */
  outputSize?: readonly number[] | null;
}

/** PyTorch's _unpool_output_size for the last k.length dims: the default, or `given` within one stride of it. */
function outputSizeOf(x: Tensor, k: number[], s: number[], p: number[], given: readonly number[] | null | undefined): number[] {
  const n = k.length;
  const dflt = k.map((kd, d) => (x.shape[x.ndim - n + d]! - 1) * s[d]! - 2 * p[d]! + kd);
  if (given === null || given === undefined) return dflt;
  const size = given.length === n + 2 ? given.slice(2) : given;
  if (size.length !== n) {
    throw new ArgumentError(`output_size should be a sequence containing ${n} or ${n + 2} elements, but it has a length of '${given.length}'`);
  }
  dflt.forEach((dd, d) => {
    const lo = dd - s[d]!;
    const hi = dd + s[d]!;
    if (!(lo < size[d]! && size[d]! < hi)) throw new ArgumentError(`invalid output_size "${fmtShape(given)}" (dim ${d} must be between ${lo} and ${hi})`);
  });
  return [...size];
}

export interface MaxUnpool1dOptions {
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  /** [L], or [N, C, L] of which the last counts. */
  outputSize?: readonly number[] | null;
}

/** max_unpool1d: PyTorch's, the 2-d unpool of [.., L, 1]. */
export function maxUnpool1d(input: Tensor, indices: Tensor, kernelSize: IntOrTuple, opts: MaxUnpool1dOptions = {}): Tensor {
  Tensor.check(input, "input");
  Tensor.check(indices, "indices");
  const [k] = tupleArg(kernelSize, 1, "kernel_size") as [number];
  const [s] = opts.stride === null || opts.stride === undefined ? [k] : (tupleArg(opts.stride, 1, "stride") as [number]);
  const [p] = tupleArg(opts.padding ?? 0, 1, "padding") as [number];
  const [L] = outputSizeOf(input, [k], [s], [p], opts.outputSize) as [number];
  const out = maxUnpool2d(unsqueeze(input, -1), unsqueeze(indices, -1), [k, 1], { stride: [s, 1], padding: [p, 0], outputSize: [L, 1] });
  return squeeze(out, -1);
}

export function maxUnpool2d(input: Tensor, indices: Tensor, kernelSize: IntOrTuple, opts: MaxUnpool2dOptions = {}): Tensor {
  Tensor.check(input, "input");
  Tensor.check(indices, "indices");
  if (input.ndim !== 3 && input.ndim !== 4) {
    throw new ShapeError(`Input to max_unpooling2d should be a 3d or 4d Tensor, but got a tensor with ${input.ndim} dimensions.`);
  }
  const k = tupleArg(kernelSize, 2, "kernel_size");
  const s = opts.stride === null || opts.stride === undefined ? k : tupleArg(opts.stride, 2, "stride");
  const p = tupleArg(opts.padding ?? 0, 2, "padding");
  const [oH, oW] = outputSizeOf(input, k, s, p, opts.outputSize) as [number, number];
  if (indices.dtype !== "int64") throw new DTypeError(`elements in indices should be type int64 but got: ${scalarTypeName(indices.dtype)}`);
  if (fmtShape(input.shape) !== fmtShape(indices.shape)) {
    throw new ShapeError(
      `Expected shape of indices to be same as that of the input tensor (${fmtShape(input.shape)}) but got indices tensor with shape: ${fmtShape(indices.shape)}`,
    );
  }
  for (let d = 1; d < input.ndim; d++) {
    if (input.shape[d] === 0) {
      throw new ShapeError(`max_unpooling2d_forward_out_cpu(): Expected input to have non-zero size for non-batch dimensions, but got ${fmtShape(input.shape)} with dimension ${d} being empty.`);
    }
  }
  if (!isFloating(input.dtype)) throw new DTypeError(`"max_unpool2d" not implemented for '${scalarTypeName(input.dtype)}'`);
  // PyTorch's kernel reports the last invalid index it meets.
  const idx = denseData(indices);
  let bad: number | undefined;
  for (let j = 0; j < idx.length; j++) if ((idx[j] as number) < 0 || (idx[j] as number) >= oH * oW) bad = idx[j] as number;
  if (bad !== undefined) throw new ArgumentError(`Found an invalid max index: ${bad} (output volumes are of size ${oH}x${oW}`);
  const lead = input.shape.slice(0, -2);
  const [H, W] = input.shape.slice(-2) as [number, number];
  const flat = zeros([...lead, oH * oW], { dtype: input.dtype });
  const out = scatter(flat, -1, reshape(indices, [...lead, H * W]), reshape(input, [...lead, H * W]));
  return reshape(out, [...lead, oH, oW]);
}
