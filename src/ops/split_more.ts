import { record } from "../autograd/record.ts";
import { AutogradError, ShapeError } from "../errors.ts";
import { checkArg } from "../options.ts";
import { zeros } from "../tensor/creation.ts";
import { fmtShape, normDim, sameShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { sumToShape } from "./reduce.ts";
import { sliceScatter } from "./scatter_views.ts";
import { chunk, split } from "./shape_ops.ts";
import { clone, narrow } from "./views.ts";

/**
 * The copying and summing cousins of the view ops: narrow_copy, split_with_sizes, unsafe_split,
 * unsafe_split_with_sizes, unsafe_chunk and Tensor.sum_to_size.
 */

/** torch.narrow_copy: narrow's elements in fresh memory. PyTorch 1.13 has no derivative for it. */
export function narrowCopy(input: Tensor, dim: number, start: number, length: number): Tensor {
  Tensor.check(input, "input");
  const out = clone(narrow(input.detach(), dim, start, length));
  return record(out, "NotImplemented", [input], () => {
    throw new AutogradError("derivative for aten::narrow_copy is not implemented");
  }, false);
}

/** torch.split_with_sizes: views of the listed sizes along dim (they must add up to its size). */
export function splitWithSizes(input: Tensor, splitSizes: readonly number[], dim = 0): Tensor[] {
  Tensor.check(input, "input");
  checkArg("split_with_sizes()", splitSizes, "int[]", 2, "split_sizes");
  checkArg("split_with_sizes()", dim, "int", 3, "dim");
  return split(input, [...splitSizes], dim);
}

/**
 * Each piece as a tensor of its own (not a view to autograd, PyTorch's "unsafe" ops): kindling copies
 * it, so writing a piece in place never reaches the input. Its gradient is placed back into zeros.
 */
function unsafePieces(input: Tensor, pieces: Tensor[], dim: number, node = "UnsafeSplitBackward0"): Tensor[] {
  const d = input.ndim === 0 ? 0 : normDim(dim, input.ndim);
  let start = 0;
  return pieces.map((p) => {
    const from = start;
    start += p.shape[d]!;
    return record(clone(p), node, [input], (g) => [
      sliceScatter(zeros(input.shape, { dtype: g.dtype }), g, d, from, from + g.shape[d]!),
    ], false);
  });
}

/** torch.unsafe_split: split, with pieces autograd does not treat as views. */
export function unsafeSplit(input: Tensor, splitSize: number, dim = 0): Tensor[] {
  Tensor.check(input, "input");
  checkArg("unsafe_split()", splitSize, "int", 2, "split_size");
  return unsafePieces(input, split(input.detach(), splitSize, dim), dim);
}

/** torch.unsafe_split_with_sizes: splitWithSizes, with pieces autograd does not treat as views. */
export function unsafeSplitWithSizes(input: Tensor, splitSizes: readonly number[], dim = 0): Tensor[] {
  Tensor.check(input, "input");
  return unsafePieces(input, splitWithSizes(input.detach(), splitSizes, dim), dim, "UnsafeSplitWithSizesBackward0");
}

/** torch.unsafe_chunk: chunk, with pieces autograd does not treat as views. */
export function unsafeChunk(input: Tensor, chunks: number, dim = 0): Tensor[] {
  Tensor.check(input, "input");
  return unsafePieces(input, chunk(input.detach(), chunks, dim), dim);
}

/**
 * Tensor.sum_to_size: sums the dims that broadcasting would expand from `size` to self's shape (the
 * reverse of expand); self itself when the shape is already `size`. Integers and bools sum to int64.
 */
export function sumToSize(input: Tensor, size: readonly number[]): Tensor {
  Tensor.check(input, "input");
  checkArg("sum_to_size()", size, "int[]", 1, "size");
  const lead = input.ndim - size.length;
  if (lead < 0 || size.some((n, i) => n !== 1 && n !== input.shape[i + lead])) {
    throw new ShapeError(`size {${fmtShape(size)}} is not expandable to size {${fmtShape(input.shape)}}.`);
  }
  if (sameShape(size, input.shape)) return input;
  return sumToShape(input.dtype === "float32" || input.dtype === "float64" ? input : input.to("int64"), size);
}
