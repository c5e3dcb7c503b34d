import { ArgumentError, DTypeError, IndexError, ShapeError } from "../errors.ts";
import { checkArg, checkOptions, describeValue } from "../options.ts";
import { full } from "../tensor/creation.ts";
import { broadcastShapes, fmtShape, normDim, numelOf } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import * as E from "./elementwise.ts";
import { putRows } from "./index_advanced.ts";
import { gather } from "./indexing.ts";
import { applyInPlace } from "./inplace.ts";
import { nonzero } from "./masked.ts";
import { scalarTypeName } from "./promotion.ts";
import { type Dims, sum } from "./reduce.ts";
import { denseData } from "./util.ts";
import { expand, reshape } from "./views.ts";

/**
 * take_along_dim (a broadcast gather), the index_add / index_copy / index_fill family (rows of x
 * along dim replaced or added to, through index_advanced's putRows, which carries the gradients),
 * count_nonzero and argwhere.
 */

/** torch.take_along_dim: gather with x and indices broadcast except along dim; no dim: over the flattened x. */
export function takeAlongDim(x: Tensor, indices: Tensor, dim?: number | null): Tensor {
  Tensor.check(x, "input");
  Tensor.check(indices, "indices");
  checkArg("takeAlongDim()", dim, "int?", 3, "dim");
  if (indices.dtype !== "int64") throw new DTypeError(`torch.take_along_dim(): dtype of indices should be Long but got ${scalarTypeName(indices.dtype)}`);
  if (dim === undefined || dim === null) return takeAlongDim(reshape(x, [-1]), reshape(indices, [-1]), 0);
  if (x.ndim !== indices.ndim) {
    throw new ShapeError(
      `torch.take_along_dim(): input and indices should have the same number of dimensions, but got ${x.ndim} dimensions for input, and ${indices.ndim} dimensions for indices`,
    );
  }
  if (x.ndim === 0) throw new IndexError(`Dimension specified as ${dim} but tensor has no dimensions`);
  const d = normDim(dim, x.ndim);
  const selfSizes = [...x.shape];
  selfSizes[d] = indices.shape[d]!;
  const shape = broadcastShapes(selfSizes, indices.shape);
  const idxShape = [...shape];
  shape[d] = x.shape[d]!;
  checkRange(indices, x.shape[d]!, d, (v) => `index ${v} is out of bounds for dimension ${d} with size ${x.shape[d]}`);
  return gather(expand(x, shape), d, expand(indices, idxShape));
}

function checkRange(index: Tensor, size: number, d: number, message: (v: number) => string): void {
  for (const v of denseData(index)) if (v < 0 || v >= size) throw new IndexError(message(v));
}

type Kind = "index_add_" | "index_copy_" | "index_fill_";

/** Checks index (int, at most 1-d, in range) and returns it as rows, with x as [outer, size, inner]. */
function layout(kind: Kind, x: Tensor, dim: number, index: Tensor): { d: number; rows: Float64Array; x3: Tensor } {
  Tensor.check(x, "input");
  checkArg(`${kind}()`, dim, "int", 2, "dim");
  Tensor.check(index, "index");
  const d = normDim(dim, x.ndim);
  if (kind === "index_add_" ? index.dtype !== "int64" && index.dtype !== "int32" : index.dtype !== "int64") {
    const got = scalarTypeName(index.dtype);
    if (kind === "index_fill_") throw new IndexError("index_fill_(): Expected dtype int64 for index.");
    throw new DTypeError(kind === "index_add_" ? `index_add_(): Expected dtype int32/int64 for index but got: ${got}` : `index_copy_(): Expected a long tensor for index, but got ${got}`);
  }
  if (index.ndim > 1) {
    throw new IndexError(`${kind}(): Index is supposed to be a vector, but got dim: ${index.ndim} with type: ${scalarTypeName(index.dtype)} and size: ${fmtShape(index.shape)}`);
  }
  const size = x.ndim === 0 ? 1 : x.shape[d]!;
  // Only index_fill counts negative indices from the end; the others call them out of range.
  const rows = Float64Array.from(denseData(index), (v) => (v < 0 && kind === "index_fill_" ? v + size : v));
  const x3 = reshape(x, [numelOf(x.shape.slice(0, d)), size, numelOf(x.shape.slice(d + 1))]);
  return { d, rows, x3 };
}

function sourceRows(kind: Kind, x: Tensor, d: number, rows: Float64Array, source: Tensor): Tensor {
  Tensor.check(source, "source");
  const n = source.ndim === 0 ? 1 : source.shape[d] ?? -1;
  if (n !== rows.length) {
    throw (kind === "index_add_"
      ? new IndexError(`index_add_(): Number of indices (${rows.length}) should be equal to source.size(dim): (${n}), for dim: ${d}`)
      : new IndexError(`index_copy_(): Number of indices (${rows.length}) should be equal to source.size(dim) (${n})`));
  }
  const others = (t: Tensor) => t.shape.filter((_, i) => i !== d);
  if (source.ndim > 0 && x.ndim > 0 && (source.ndim !== x.ndim || others(source).some((s, i) => s !== others(x)[i]))) {
    throw new ShapeError(`${kind}(): source shape ${fmtShape(source.shape)} does not match self shape ${fmtShape(x.shape)} apart from dimension ${d}`);
  }
  if (source.dtype !== x.dtype) {
    throw new DTypeError(
      kind === "index_add_"
        ? `index_add_(): self (${scalarTypeName(x.dtype)}) and source (${scalarTypeName(source.dtype)}) must have the same scalar type`
        : `index_copy_(): self and source expected to have the same dtype, but got (self) ${scalarTypeName(x.dtype)} and (source) ${scalarTypeName(source.dtype)}`,
    );
  }
  return reshape(source, [numelOf(x.shape.slice(0, d)), rows.length, numelOf(x.shape.slice(d + 1))]);
}

export interface IndexAddOptions { alpha?: number }

/** torch.index_add: x with alpha * source's slices added at index along dim (repeated indices add up). */
export function indexAdd(x: Tensor, dim: number, index: Tensor, source: Tensor, opts: IndexAddOptions = {}): Tensor {
  checkOptions("indexAdd()", opts, { alpha: "number" }, { index: 5, positional: "alpha" });
  const { d, rows, x3 } = layout("index_add_", x, dim, index);
  const size = x3.shape[1]!;
  checkRange(index, size, d, () => "index out of range in self");
  const src = sourceRows("index_add_", x, d, rows, source);
  const alpha = opts.alpha ?? 1;
  return reshape(putRows(x3, rows, alpha === 1 ? src : E.mul(src, alpha), true), x.shape);
}

/** torch.index_copy: x with index's slices along dim replaced by source's. */
export function indexCopy(x: Tensor, dim: number, index: Tensor, source: Tensor): Tensor {
  const { d, rows, x3 } = layout("index_copy_", x, dim, index);
  checkRange(index, x3.shape[1]!, d, (v) => `index_copy_(): index ${v} is out of bounds for dimension ${d} with size ${x3.shape[1]}`);
  return reshape(putRows(x3, rows, sourceRows("index_copy_", x, d, rows, source), false), x.shape);
}

/** torch.index_fill: x with index's slices along dim set to value (a number or a 0-d tensor). */
export function indexFill(x: Tensor, dim: number, index: Tensor, value: number | boolean | Tensor): Tensor {
  const { d, rows, x3 } = layout("index_fill_", x, dim, index);
  const size = x3.shape[1]!;
  for (const v of denseData(index)) if (v < -size || v >= size) throw new IndexError(`index ${v} is out of bounds for dimension ${d} with size ${size}`);
  let v: Tensor;
  if (value instanceof Tensor) {
    if (value.ndim !== 0) throw new ShapeError(`index_fill_ only supports a 0-dimensional value tensor, but got tensor with ${value.ndim} dimension(s).`);
    v = value.dtype === x.dtype ? value : value.to(x.dtype);
  } else if (typeof value === "number" || typeof value === "boolean") {
    v = full([], Number(value), { dtype: x.dtype });
  } else {
    throw new ArgumentError(`indexFill(): argument 4 (value) must be a Tensor or a number, got ${describeValue(value)}`);
  }
  // Each row once: a repeated index must not count the value's gradient twice (PyTorch sums over unique indices).
  const once = Float64Array.from(new Set(rows));
  const values = expand(reshape(v, [1, 1, 1]), [x3.shape[0]!, once.length, x3.shape[2]!]);
  return reshape(putRows(x3, once, values, false), x.shape);
}

/** The in-place forms: none of their gradients reads x's old values. */
export function indexAdd_(x: Tensor, dim: number, index: Tensor, source: Tensor, opts: IndexAddOptions = {}): Tensor {
  Tensor.check(x, "input");
  return applyInPlace(x, (s) => indexAdd(s, dim, index, source, opts), { self: "alias" });
}

export function indexCopy_(x: Tensor, dim: number, index: Tensor, source: Tensor): Tensor {
  Tensor.check(x, "input");
  return applyInPlace(x, (s) => indexCopy(s, dim, index, source), { self: "alias" });
}

export function indexFill_(x: Tensor, dim: number, index: Tensor, value: number | boolean | Tensor): Tensor {
  Tensor.check(x, "input");
  return applyInPlace(x, (s) => indexFill(s, dim, index, value), { self: "alias" });
}

/** torch.count_nonzero: int64 counts of the non-zero elements over dim (all dims by default). */
export function countNonzero(x: Tensor, dim?: Dims | null): Tensor {
  Tensor.check(x, "input");
  checkArg("countNonzero()", dim, "ints?", 2, "dim");
  return sum(E.ne(x.detach(), 0), dim);
}

/** torch.argwhere: the [n, ndim] coordinates of the non-zero elements (nonzero's). */
export function argwhere(x: Tensor): Tensor {
  Tensor.check(x, "input");
  return nonzero(x);
}
