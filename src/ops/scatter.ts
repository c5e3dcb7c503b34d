import { DTypeError, IndexError, ShapeError, ArgumentError } from "../errors.ts";
import { checkArg, checkArity, describeValue } from "../options.ts";
import { full } from "../tensor/creation.ts";
import { contiguousStrides, fmtShape, normDim, numelOf } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { putRows } from "./index_advanced.ts";
import { applyInPlace } from "./inplace.ts";
import { denseData } from "./util.ts";
import { reshape, slice } from "./views.ts";

/**
 * scatter and scatterAdd (PyTorch's scatter / scatter_add and their in-place forms): for dim 1,
 * out[i][index[i][j][k]][k] = src[i][j][k] (or += it). Each index element names one flat position of
 * x, so both become one row put over x seen as [1, numel, 1] (index_advanced.ts's putRows), whose
 * gradient is PyTorch's: src gets the gradient gathered at the written positions; x gets it
 * everywhere, except (for scatter) at the positions overwritten.
 */

/** PyTorch's "nonempty" sizes: a 0-d tensor counts as one element along one dim. */
const sizesOf = (t: Tensor): number[] => (t.ndim === 0 ? [1] : [...t.shape]);

/** PyTorch's scatter checks, in its order; the flat positions in x of every index element. */
export function positions(fn: string, x: Tensor, dim: number, index: Tensor, src: Tensor | null): Float64Array {
  Tensor.check(index, "index");
  const d = normDim(dim, x.ndim);
  if (index.dtype !== "int64") throw new DTypeError(`${fn}(): Expected dtype int64 for index`);
  if (src !== null && src.dtype !== x.dtype) throw new DTypeError(`${fn}(): Expected self.dtype to be equal to src.dtype`);
  const xs = sizesOf(x);
  const is = sizesOf(index);
  if (index.numel() === 0) return new Float64Array(0);
  if (is.length !== xs.length) throw new ShapeError("Index tensor must have the same number of dimensions as self tensor");
  const ss = src === null ? null : sizesOf(src);
  if (ss !== null && ss.length !== is.length) throw new ShapeError("Index tensor must have the same number of dimensions as src tensor");
  const wrong = is.some((n, k) => (k !== d && n > xs[k]!) || (ss !== null && n > ss[k]!));
  if (wrong) {
    const tail = ss === null ? "" : ` and to be smaller size than src ${fmtShape(src!.shape)}`;
    throw new ShapeError(`Expected index ${fmtShape(index.shape)} to be smaller than self ${fmtShape(x.shape)} apart from dimension ${d}${tail}`);
  }
  const stride = contiguousStrides(xs);
  const idx = denseData(index);
  const out = new Float64Array(idx.length);
  const coord = new Array<number>(is.length).fill(0);
  for (let k = 0; k < idx.length; k++) {
    const v = idx[k]!;
    if (v < 0 || v >= xs[d]!) throw new IndexError(`index ${v} is out of bounds for dimension ${d} with size ${xs[d]}`);
    let pos = 0;
    for (let a = 0; a < is.length; a++) pos += (a === d ? v : coord[a]!) * stride[a]!;
    out[k] = pos;
    for (let a = is.length - 1; a >= 0; a--) {
      if (++coord[a]! < is[a]!) break;
      coord[a] = 0;
    }
  }
  return out;
}

/** src cut to index's extent (PyTorch reads only that corner of a larger src), as [1, m, 1]. */
export function srcRows(src: Tensor, index: Tensor): Tensor {
  let s = src.ndim === 0 ? reshape(src, [1]) : src;
  const is = sizesOf(index);
  is.forEach((n, d) => {
    if (s.shape[d] !== n) s = slice(s, d, 0, n);
  });
  return reshape(s, [1, numelOf(is), 1]);
}

function scatterWith(fn: string, x: Tensor, dim: number, index: Tensor, src0: Tensor | number, accumulate: boolean): Tensor {
  Tensor.check(x, "input");
  // a True/False value is the number 1/0, as Python's
  const src = !accumulate && typeof (src0 as unknown) === "boolean" ? Number(src0) : src0;
  checkArg(`${fn}()`, dim, "int", 2, "dim");
  if (!(src instanceof Tensor) && (accumulate || typeof src !== "number")) {
    throw new ArgumentError(`${fn}(): argument 4 (${accumulate ? "src" : "src or value"}) must be a Tensor${accumulate ? "" : " or a number"}, got ${describeValue(src)}`);
  }
  const srcT = src instanceof Tensor ? src : null;
  const rows = positions(fn, x, dim, index, srcT);
  // an empty index still takes src's (empty) rows, so src stays in the graph and gets a zero gradient
  const values =
    srcT !== null ? srcRows(srcT, index) : rows.length === 0 ? full([1, 0, 1], 0, { dtype: x.dtype }) : full([1, rows.length, 1], src as number, { dtype: x.dtype });
  const flat = reshape(x, [1, x.numel(), 1]);
  return reshape(putRows(flat, rows, values, accumulate), x.shape);
}

/** x with src's values (or one number) written at index along dim. */
export function scatter(input: Tensor, dim: number, index: Tensor, src: Tensor | number): Tensor {
  checkArity("scatter()", arguments, 4);
  return scatterWith("scatter", input, dim, index, src, false);
}

/** x with src's values added at index along dim (repeated positions add up). */
export function scatterAdd(input: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  checkArity("scatterAdd()", arguments, 4);
  return scatterWith("scatter", input, dim, index, src, true);
}

/** The in-place forms: the scatter's gradient never reads x's old values. */
export function scatter_(x: Tensor, dim: number, index: Tensor, src: Tensor | number): Tensor {
  Tensor.check(x, "input");
  return applyInPlace(x, (s) => scatterWith("scatter", s, dim, index, src, false), { self: "alias" });
}

export function scatterAdd_(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  Tensor.check(x, "input");
  return applyInPlace(x, (s) => scatterWith("scatter", s, dim, index, src, true), { self: "alias" });
}
