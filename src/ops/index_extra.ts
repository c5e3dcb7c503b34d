import { ArgumentError, DTypeError, IndexError, ShapeError } from "../errors.ts";
import { checkArg, checkOptions, describeValue } from "../options.ts";
import { full } from "../tensor/creation.ts";
import { broadcastShapes, fmtShape, normDim, numelOf, sameShape } from "../tensor/shape.ts";
import { isFloating } from "../tensor/dtype.ts";
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

/** PyTorch's argument checks of each op, in its order (index_add's other-dim mismatch has its own message). */
function checkArgs(kind: Kind, x: Tensor, d: number, index: Tensor, source: Tensor | null): void {
  const n = index.numel();
  const got = scalarTypeName(index.dtype);
  if (kind === "index_fill_") {
    if (index.dtype !== "int64") throw new IndexError("index_fill_(): Expected dtype int64 for index.");
    if (index.ndim > 1) throw new ShapeError("Index has to be a vector/scalar");
    return;
  }
  const src = Tensor.check(source, "source");
  const xs = x.shape.filter((_, i) => i !== d);
  const ss = src.shape.filter((_, i) => i !== d);
  const sameDType = (msg: string) => { if (src.dtype !== x.dtype) throw new DTypeError(msg); };
  if (kind === "index_add_") {
    if (index.ndim > 1) throw new IndexError(`index_add_(): Index is supposed to be a vector, but got dim: ${index.ndim} with type: ${got} and size: ${fmtShape(index.shape)}`);
    if (index.dtype !== "int64" && index.dtype !== "int32") throw new DTypeError(`index_add_(): Expected dtype int32/int64 for index but got: ${got}`);
    sameDType(`index_add_(): self (${scalarTypeName(x.dtype)}) and source (${scalarTypeName(src.dtype)}) must have the same scalar type`);
    if (d !== 0 && d >= src.ndim) throw new IndexError(`index_add_(): Indexing dim ${d} is out of bounds of the source tensor with dim ${src.ndim}`);
    const m = src.ndim === 0 ? 1 : src.shape[d]!;
    if (n !== m) throw new IndexError(`index_add_(): Number of indices (${n}) should be equal to source.size(dim): (${m}), for dim: ${d}`);
    if (src.ndim > 0 && x.ndim > 0 && !sameShape(xs, ss)) {
      throw new ShapeError(`index_add_(): source ${fmtShape(src.shape)} does not match self ${fmtShape(x.shape)} apart from dimension ${d}`);
    }
    return;
  }
  if (index.ndim > 1) throw new IndexError(`index_copy_(): Index should have dimension 1 or 0 (got ${index.ndim})`);
  if (src.ndim === 0 && n !== 1) throw new IndexError(`index_copy_(): When source is scalar, index should have one element (got ${n})`);
  if (src.ndim !== x.ndim && src.ndim !== 0 && x.ndim !== 0) {
    throw new IndexError(`index_copy_(): When source and destination are not scalars, their dimensionality must match. Source dimensionality (${src.ndim}), destination dimensionality (${x.ndim})`);
  }
  if (index.dtype !== "int64") throw new DTypeError(`index_copy_(): Expected a long tensor for index, but got ${got}`);
  sameDType(`index_copy_(): self and source expected to have the same dtype, but got (self) ${scalarTypeName(x.dtype)} and (source) ${scalarTypeName(src.dtype)}`);
  if (!sameShape(xs, ss)) {
    throw new ShapeError(`index_copy_(): Source/destination tensor must have same slice shapes. Destination slice shape: ${xs.join(" ")} at dimension ${d} and source slice shape: ${ss.join(" ")} at dimension 0.`);
  }
  if (src.ndim > 0 && n !== src.shape[d]) throw new IndexError(`index_copy_(): Number of indices (${n}) should be equal to source.size(dim) (${src.shape[d]})`);
}

/** Checks the arguments; returns index as rows and x as [outer, size, inner] (and source alike). */
function layout(kind: Kind, x: Tensor, dim: number, index: Tensor, source: Tensor | null): { d: number; rows: Float64Array; x3: Tensor; src3: Tensor | null } {
  Tensor.check(x, "input");
  checkArg(`${kind}()`, dim, "int", 2, "dim");
  Tensor.check(index, "index");
  const d = normDim(dim, x.ndim);
  checkArgs(kind, x, d, index, source);
  const size = x.ndim === 0 ? 1 : x.shape[d]!;
  // Only index_fill counts negative indices from the end; the others call them out of range.
  const rows = Float64Array.from(denseData(index), (v) => (v < 0 && kind === "index_fill_" ? v + size : v));
  const [outer, inner] = [numelOf(x.shape.slice(0, d)), numelOf(x.shape.slice(d + 1))];
  const x3 = reshape(x, [outer, size, inner]);
  return { d, rows, x3, src3: source === null ? null : reshape(source, [outer, rows.length, inner]) };
}

export interface IndexAddOptions { alpha?: number }

/** torch.index_add: x with alpha * source's slices added at index along dim (repeated indices add up). */
export function indexAdd(x: Tensor, dim: number, index: Tensor, source: Tensor, opts: IndexAddOptions = {}): Tensor {
  checkOptions("indexAdd()", opts, { alpha: "number" }, { index: 5, positional: "alpha" });
  const { d, rows, x3, src3 } = layout("index_add_", x, dim, index, source);
  checkRange(index, x3.shape[1]!, d, () => "index out of range in self");
  // an integer self takes alpha as an integer (PyTorch casts it to the dtype: alpha = 0.5 adds nothing),
  // a bool self as a bool (0.5 is true)
  const a = opts.alpha ?? 1;
  const alpha = isFloating(x.dtype) ? a : x.dtype === "bool" ? Number(a !== 0) : Math.trunc(a);
  return reshape(putRows(x3, rows, alpha === 1 ? src3! : E.mul(src3!, alpha), true), x.shape);
}

/** torch.index_copy: x with index's slices along dim replaced by source's. */
export function indexCopy(x: Tensor, dim: number, index: Tensor, source: Tensor): Tensor {
  const { d, rows, x3, src3 } = layout("index_copy_", x, dim, index, source);
  checkRange(index, x3.shape[1]!, d, (v) => `index_copy_(): index ${v} is out of bounds for dimension ${d} with size ${x3.shape[1]}`);
  return reshape(putRows(x3, rows, src3!, false), x.shape);
}

/** torch.index_fill: x with index's slices along dim set to value (a number or a 0-d tensor). */
export function indexFill(x: Tensor, dim: number, index: Tensor, value: number | boolean | Tensor): Tensor {
  const { d, rows, x3 } = layout("index_fill_", x, dim, index, null);
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
