import { ArgumentError, DTypeError, ShapeError } from "../errors.ts";
import { checkArg } from "../options.ts";
import { normDim } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { cat } from "./join.ts";
import { scalarTypeName } from "./promotion.ts";
import { atleast1dOne, atleast2dOne, atleast3dOne } from "./shape_extra.ts";
import { reshape, slice } from "./views.ts";

/**
 * NumPy-style joins (hstack, vstack, dstack, column_stack) as cat of the atleast_nd views, and
 * tensor_split / hsplit / vsplit / dsplit as slices of x (views, gradient from slice).
 */

/** torch.concat / torch.concatenate: other names for cat. */
export function concat(tensors: readonly Tensor[], dim = 0): Tensor {
  return cat(tensors, dim);
}

function joined(name: string, tensors: readonly Tensor[], fix: (t: Tensor) => Tensor, dim: (first: Tensor) => number): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new ArgumentError(`${name} expects a non-empty TensorList`);
  const ts = tensors.map((t, i) => fix(Tensor.check(t, `tensors[${i}]`)));
  return cat(ts, dim(ts[0]!));
}

/** torch.hstack: along dim 1, or dim 0 for 1-d (and 0-d) inputs. */
export function hstack(tensors: readonly Tensor[]): Tensor {
  return joined("hstack", tensors, atleast1dOne, (f) => (f.ndim === 1 ? 0 : 1));
}

/** torch.vstack / torch.row_stack: along dim 0 of the inputs made at least 2-d. */
export function vstack(tensors: readonly Tensor[]): Tensor {
  return joined("vstack", tensors, atleast2dOne, () => 0);
}

export function rowStack(tensors: readonly Tensor[]): Tensor {
  // PyTorch names vstack, which row_stack calls, in its message.
  return joined("vstack", tensors, atleast2dOne, () => 0);
}

/** torch.dstack: along dim 2 of the inputs made at least 3-d. */
export function dstack(tensors: readonly Tensor[]): Tensor {
  return joined("dstack", tensors, atleast3dOne, () => 2);
}

/** torch.column_stack: 0-d and 1-d inputs become columns; then hstack. */
export function columnStack(tensors: readonly Tensor[]): Tensor {
  return joined("column_stack", tensors, (t) => (t.ndim <= 1 ? reshape(t, [t.numel(), 1]) : t), () => 1);
}

/** Pieces of x along d between consecutive boundaries, Python-slice style (negative, clamped). */
function between(x: Tensor, d: number, bounds: readonly number[]): Tensor[] {
  const out: Tensor[] = [];
  let start = 0;
  for (const end of bounds) {
    out.push(slice(x, d, start, end));
    start = end;
  }
  out.push(slice(x, d, start));
  return out;
}

/**
 * torch.tensor_split: `sections` nearly equal pieces (the first size % sections one longer), or the
 * pieces between the listed indices. An int64 tensor stands for either: 0-d sections, 1-d indices.
 */
export function tensorSplit(x: Tensor, indicesOrSections: number | readonly number[] | Tensor, dim = 0): Tensor[] {
  Tensor.check(x, "input");
  checkArg("tensorSplit()", dim, "int", 3, "dim");
  if (x.ndim === 0) throw new ShapeError(`tensor_split expected at least a 1-dimensional tensor, but got a tensor with ${x.ndim} dims`);
  let arg = indicesOrSections;
  if (arg instanceof Tensor) {
    if (arg.dtype !== "int64") {
      throw new DTypeError(`tensor_split expected tensor_indices_or_sections to have dtype of long, but got ${scalarTypeName(arg.dtype)}`);
    }
    if (arg.ndim > 1) {
      throw new ShapeError(`tensor_split expected tensor_indices_or_sections to be a zero-dimensional or one-dimensional tensor, but got a tensor with ${arg.ndim} dims`);
    }
    arg = arg.ndim === 0 ? (arg.item() as number) : (arg.tolist() as number[]);
  } else {
    checkArg("tensorSplit()", arg, "ints", 2, "indices_or_sections");
  }
  const d = normDim(dim, x.ndim);
  if (Array.isArray(arg)) return between(x, d, arg);
  const sections = arg as number;
  if (sections <= 0) throw new ArgumentError(`number of sections must be larger than 0, got ${sections}`);
  const size = x.shape[d]!;
  const base = Math.floor(size / sections);
  const extra = size % sections;
  const bounds: number[] = [];
  for (let i = 0, at = 0; i < sections - 1; i++) bounds.push((at += base + (i < extra ? 1 : 0)));
  return between(x, d, bounds);
}

function splitAlong(name: string, x: Tensor, arg: number | readonly number[], minDims: number, dim: number): Tensor[] {
  Tensor.check(x, "input");
  checkArg(`${name}()`, arg, "ints", 2, "indices_or_sections");
  if (x.ndim < minDims) {
    throw new ShapeError(`torch.${name} requires a tensor with at least ${minDims} dimension, but got a tensor with ${x.ndim} dimensions!`);
  }
  if (typeof arg === "number") {
    const size = x.shape[dim]!;
    if (arg === 0 || size % arg !== 0) {
      throw new ShapeError(
        `torch.${name} attempted to split along dimension ${dim}, but the size of the dimension ${size} is not divisible by the split_size ${arg}!`,
      );
    }
  }
  return tensorSplit(x, arg, dim);
}

/** torch.hsplit: tensor_split along dim 1 (dim 0 for 1-d); an int must divide the size. */
export function hsplit(x: Tensor, indicesOrSections: number | readonly number[]): Tensor[] {
  Tensor.check(x, "input");
  return splitAlong("hsplit", x, indicesOrSections, 1, x.ndim === 1 ? 0 : 1);
}

export function vsplit(x: Tensor, indicesOrSections: number | readonly number[]): Tensor[] {
  return splitAlong("vsplit", x, indicesOrSections, 2, 0);
}

export function dsplit(x: Tensor, indicesOrSections: number | readonly number[]): Tensor[] {
  return splitAlong("dsplit", x, indicesOrSections, 3, 2);
}
