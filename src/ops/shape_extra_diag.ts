import { record } from "../autograd/record.ts";
import { backend } from "../backend/registry.ts";
import { ArgumentError, DTypeError, ShapeError } from "../errors.ts";
import { checkArg, checkOptions, keywordArgs } from "../options.ts";
import { type DType, isFloating } from "../tensor/dtype.ts";
import { normDim } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { scalarTypeName } from "./promotion.ts";
import { sum } from "./reduce.ts";
import { flip } from "./shape_ops.ts";
import { denseData, fresh, int64Tensor } from "./util.ts";
import { clone, reshape, transpose } from "./views.ts";

/**
 * The diagonal family. diagonal is a strided view (stride1 + stride2 along the diagonal); its
 * gradient, and diag_embed's forward, write a diagonal into zeros (embedDiagonal), each the other's
 * backward, so both are twice differentiable.
 */

interface Geometry { shape: number[]; strides: number[]; offset: number }

/** Where the offset-th diagonal of dims d1, d2 lies in a tensor of this layout. */
function diagonalGeometry(shape: readonly number[], strides: readonly number[], base: number, offset: number, d1: number, d2: number): Geometry {
  const len = Math.max(offset >= 0 ? Math.min(shape[d1]!, shape[d2]! - offset) : Math.min(shape[d1]! + offset, shape[d2]!), 0);
  // An empty diagonal starts at the tensor's own offset, as PyTorch's.
  const start = len === 0 ? base : base + (offset >= 0 ? offset * strides[d2]! : -offset * strides[d1]!);
  const keep = (_: number, i: number) => i !== d1 && i !== d2;
  return {
    shape: [...shape.filter(keep), len],
    strides: [...strides.filter(keep), strides[d1]! + strides[d2]!],
    offset: start,
  };
}

/** The two dims normalised; PyTorch's message names them as given. */
function diagDims(a: number, b: number, ndim: number): [number, number] {
  const d1 = normDim(a, ndim);
  const d2 = normDim(b, ndim);
  if (d1 === d2) throw new ShapeError(`diagonal dimensions cannot be identical ${a}, ${b}`);
  return [d1, d2];
}

/** Zeros of `shape` with src (its last dim along the diagonal) written on the offset-th diagonal of d1, d2. */
function embedDiagonal(src: Tensor, shape: readonly number[], offset: number, d1: number, d2: number, name: string): Tensor {
  const out = fresh(shape, src.dtype);
  const g = diagonalGeometry(out.shape, out.strides, 0, offset, d1, d2);
  backend().scatterInto(denseData(src), { data: out.storage, offset: g.offset, strides: g.strides }, g.shape);
  return record(out, name, [src], (gr) => [diagonalView(gr, offset, d1, d2)], false);
}

function diagonalView(x: Tensor, offset: number, d1: number, d2: number): Tensor {
  const g = diagonalGeometry(x.shape, x.strides, x.offset, offset, d1, d2);
  const out = Tensor.fromStorage(x.storage, x.dtype, g.shape, g.strides, g.offset);
  return record(out, "DiagonalBackward0", [x], (gr) => [embedDiagonal(gr, x.shape, offset, d1, d2, "DiagonalBackwardBackward0")], false);
}

export interface DiagonalOptions { offset?: number; dim1?: number; dim2?: number }
const DIAGONAL_SPEC = { offset: "int", dim1: "int", dim2: "int" } as const;

/** torch.diagonal(x, offset = 0, dim1 = 0, dim2 = 1): a view, the diagonal appended as the last dim. */
export function diagonal(x: Tensor, ...args: (number | DiagonalOptions | undefined)[]): Tensor {
  Tensor.check(x, "input");
  const a = keywordArgs("diagonal()", args, ["offset", "dim1", "dim2"], DIAGONAL_SPEC) as DiagonalOptions;
  const [d1, d2] = diagDims(a.dim1 ?? 0, a.dim2 ?? 1, x.ndim);
  return diagonalView(x, a.offset ?? 0, d1, d2);
}

/** torch.diag_embed(x, offset = 0, dim1 = -2, dim2 = -1): x's last dim laid on a diagonal of a new tensor. */
export function diagEmbed(x: Tensor, ...args: (number | DiagonalOptions | undefined)[]): Tensor {
  Tensor.check(x, "input");
  const a = keywordArgs("diagEmbed()", args, ["offset", "dim1", "dim2"], DIAGONAL_SPEC) as DiagonalOptions;
  const offset = a.offset ?? 0;
  const n = x.ndim + 1;
  const [d1, d2] = diagDims(a.dim1 ?? -2, a.dim2 ?? -1, n);
  const side = (x.ndim === 0 ? 1 : x.shape[x.ndim - 1]!) + Math.abs(offset);
  const lead = x.ndim === 0 ? [] : x.shape.slice(0, -1);
  const shape: number[] = [];
  for (let i = 0, k = 0; i < n; i++) shape.push(i === d1 || i === d2 ? side : lead[k++]!);
  return embedDiagonal(x.ndim === 0 ? reshape(x, [1]) : x, shape, offset, d1, d2, "DiagEmbedBackward0");
}

/** torch.diag: a 1-d x on the diagonal-th diagonal of a square matrix; a matrix's diagonal as a copy. */
export function diag(x: Tensor, diagonal = 0): Tensor {
  Tensor.check(x, "input");
  checkArg("diag()", diagonal, "int", 2, "diagonal");
  if (x.ndim === 1) return diagEmbed(x, diagonal, 0, 1);
  if (x.ndim !== 2) throw new ShapeError("matrix or a vector expected");
  return clone(diagonalView(x, diagonal, 0, 1));
}

/** torch.diagflat: the flattened input on a diagonal. */
export function diagflat(x: Tensor, offset = 0): Tensor {
  Tensor.check(x, "input");
  checkArg("diagflat()", offset, "int", 2, "offset");
  return diagEmbed(reshape(x, [-1]), offset, 0, 1);
}

/** torch.trace: the sum of a matrix's diagonal (integers sum to int64). */
export function trace(x: Tensor): Tensor {
  Tensor.check(x, "input");
  if (x.ndim !== 2) throw new ShapeError(`trace: expected a matrix, but got tensor with dim ${x.ndim}`);
  if (x.dtype === "bool") throw new DTypeError(`"trace" not implemented for 'Bool'`);
  return sum(diagonalView(x, 0, 0, 1));
}

export interface TriIndicesOptions { dtype?: DType }

function triIndices(name: string, row: number, col: number, offset: number, opts: TriIndicesOptions, lower: boolean): Tensor {
  checkArg(`${name}()`, row, "int", 1, "row");
  checkArg(`${name}()`, col, "int", 2, "col");
  checkArg(`${name}()`, offset, "int", 3, "offset");
  checkOptions(`${name}()`, opts, { dtype: "string" }, { index: 4, positional: "dtype" });
  const dtype = opts.dtype ?? "int64";
  if (isFloating(dtype) || dtype === "bool") throw new DTypeError(`"${name === "trilIndices" ? "tril" : "triu"}_indices" not implemented for '${scalarTypeName(dtype)}'`);
  if (row < 0) throw new ArgumentError(`row must be non-negative, got${row}`);
  if (col < 0) throw new ArgumentError(`col must be non-negative, got${col}`);
  const rs: number[] = [];
  const cs: number[] = [];
  for (let r = 0; r < row; r++) {
    for (let c = 0; c < col; c++) {
      if (lower ? c - r <= offset : c - r >= offset) {
        rs.push(r);
        cs.push(c);
      }
    }
  }
  const out = int64Tensor(Float64Array.from([...rs, ...cs]), [2, rs.length]);
  return dtype === "int64" ? out : out.to(dtype);
}

/** torch.tril_indices: the [2, N] coordinates of a row x col matrix's lower triangle, row by row. */
export function trilIndices(row: number, col: number, offset = 0, opts: TriIndicesOptions = {}): Tensor {
  return triIndices("trilIndices", row, col, offset, opts, true);
}

export function triuIndices(row: number, col: number, offset = 0, opts: TriIndicesOptions = {}): Tensor {
  return triIndices("triuIndices", row, col, offset, opts, false);
}

/** torch.rot90: k quarter turns in the plane of dims, from the first towards the second. */
export function rot90(x: Tensor, k = 1, dims: readonly number[] = [0, 1]): Tensor {
  Tensor.check(x, "input");
  checkArg("rot90()", k, "int", 2, "k");
  checkArg("rot90()", dims, "int[]", 3, "dims");
  const n = x.ndim;
  if (dims.length !== 2) throw new ArgumentError(`expected total rotation dims == 2, but got dims = ${dims.length}`);
  if (n < 2) throw new ShapeError(`expected total dims >= 2, but got total dims = ${n}`);
  const [a, b] = dims as [number, number];
  if (a === b || Math.abs(a - b) === n) throw new ArgumentError(`expected rotation dims to be different, but got dim0 = ${a} and dim1 = ${b}`);
  if (a >= n || a < -n) throw new ArgumentError(`Rotation dim0 out of range, dim0 = ${a}`);
  if (b >= n || b < -n) throw new ArgumentError(`Rotation dim1 out of range, dim1 = ${b}`);
  switch (((k % 4) + 4) % 4) {
    case 1: return transpose(flip(x, [b]), a, b);
    case 2: return flip(x, [a, b]);
    case 3: return transpose(flip(x, [a]), a, b);
    default: return clone(x);
  }
}

/** torch.fliplr: flipped left to right (dim 1). */
export function fliplr(x: Tensor): Tensor {
  Tensor.check(x, "input");
  if (x.ndim < 2) throw new ShapeError("Input must be >= 2-d.");
  return flip(x, [1]);
}

/** torch.flipud: flipped upside down (dim 0). */
export function flipud(x: Tensor): Tensor {
  Tensor.check(x, "input");
  if (x.ndim < 1) throw new ShapeError("Input must be >= 1-d.");
  return flip(x, [0]);
}
