import { isGradEnabled } from "../autograd/grad_mode.ts";
import { record } from "../autograd/record.ts";
import { ArgumentError, AutogradError, DTypeError, ShapeError } from "../errors.ts";
import { checkArg, checkOptions } from "../options.ts";
import { full } from "../tensor/creation.ts";
import type { DType } from "../tensor/dtype.ts";
import { fmtShape, sameShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { type CumOptions, cumprod, cumsum } from "./cumulative.ts";
import { defineMethods } from "./define_methods.ts";
import { maskedFill, where } from "./indexing.ts";
import { LEAF_IN_PLACE, applyInPlace } from "./inplace.ts";
import { type AddmmOptions, addmm, baddbmm } from "./linalg.ts";
import { scalarTypeName } from "./promotion.ts";
import { tril, triu } from "./shape_ops.ts";

/**
 * More of PyTorch's trailing-underscore methods, each its out-of-place op run through applyInPlace
 * (inplace.ts). What PyTorch adds to the out-of-place op is written here: the in-place form never
 * grows or re-types self ("Bad in-place call"), and fill_diagonal_ has no out-of-place twin.
 */

export interface FillDiagonalOptions {
  /** For a tall matrix, start the diagonal again N + 1 rows further down (N = columns), as numpy's. */
  wrap?: boolean;
}

declare module "../tensor/tensor.ts" {
  interface Tensor {
    /** Writes fillValue on the main diagonal (every dim equal for more than 2 dims). */
    fillDiagonal_(fillValue: number | boolean | Tensor, opts?: FillDiagonalOptions): Tensor;
    tril_(diagonal?: number): Tensor;
    triu_(diagonal?: number): Tensor;
    /** Running sums written into self, in self's dtype (integers wrap as C's do). */
    cumsum_(dim: number, opts?: CumOptions): Tensor;
    cumprod_(dim: number, opts?: CumOptions): Tensor;
    addmm_(mat1: Tensor, mat2: Tensor, opts?: AddmmOptions): Tensor;
    baddbmm_(batch1: Tensor, batch2: Tensor, opts?: AddmmOptions): Tensor;
  }
}

const CPP_NAME: Record<DType, string> = { float32: "float", float64: "double", int32: "int", int64: "long int", bool: "bool" };

const badDType = (self: DType, out: DType) =>
  new DTypeError(`Bad in-place call: input tensor dtype ${CPP_NAME[self]} and output tensor dtype ${CPP_NAME[out]} should match`);

/** The result must already have self's shape: an in-place op never broadcasts self up. */
function sameShapeAs(self: Tensor, values: Tensor): Tensor {
  if (!sameShape(self.shape, values.shape)) {
    throw new ShapeError(`Bad in-place call: input tensor size ${fmtShape(self.shape)} and output tensor size ${fmtShape(values.shape)} should match`);
  }
  return values;
}

/**
 * Which elements fill_diagonal_ writes. PyTorch fills an as_strided view of self's memory: the main
 * diagonal steps by the sum of the strides, and with wrap a second run starts N + 1 rows down and goes
 * on through memory. So the elements are found by address; a wrapped run that leaves a view's
 * elements (PyTorch writes the base there) writes nothing here.
 */
function diagonalMask(t: Tensor, wrap: boolean): Tensor {
  const step = t.strides.reduce((a, s) => a + s, 0);
  const size = Math.min(...t.shape);
  const targets = new Set<number>();
  for (let k = 0; k < size; k++) targets.add(t.offset + k * step);
  const [rows, cols] = [t.shape[0]!, t.shape[1]!];
  if (wrap && t.ndim === 2 && rows > cols + 1) {
    const wrapSize = Math.ceil(t.numel() / (cols + 1)) - size;
    const start = t.offset + t.strides[0]! * (cols + 1);
    for (let k = 0; k < wrapSize; k++) targets.add(start + k * step);
  }
  const mask = new Uint8Array(t.numel());
  const idx = new Array<number>(t.ndim).fill(0);
  for (let i = 0; i < mask.length; i++) {
    let address = t.offset;
    for (let d = 0; d < t.ndim; d++) address += idx[d]! * t.strides[d]!;
    mask[i] = targets.has(address) ? 1 : 0;
    for (let d = t.ndim - 1; d >= 0 && ++idx[d]! === t.shape[d]!; d--) idx[d] = 0;
  }
  return Tensor.fromStorage(mask, "bool", t.shape);
}

function fillDiagonal_(self: Tensor, given: number | boolean | Tensor, opts: FillDiagonalOptions = {}): Tensor {
  // A 0-d tensor outside autograd passes as its number (PyTorch's Scalar argument).
  const fillValue = given instanceof Tensor && given.ndim === 0 && !given.requiresGrad ? given.item() : given;
  if (fillValue instanceof Tensor) throw new ArgumentError("fill_diagonal_(): argument 'fill_value' (position 1) must be Number, not Tensor");
  checkArg("Tensor.fill_diagonal_()", fillValue, typeof fillValue === "boolean" ? "boolean" : "number", 1, "fill_value");
  checkOptions("Tensor.fill_diagonal_()", opts, { wrap: "boolean" }, { index: 2, positional: "wrap" });
  if (self.ndim < 2) throw new ShapeError("dimensions must larger than 1");
  if (self.ndim > 2 && self.shape.some((n) => n !== self.shape[0])) throw new ShapeError("all dimensions of input must be of equal length");
  // PyTorch fills a view of self, so a leaf is refused as a view of one.
  if (isGradEnabled() && self.requiresGrad && self.isLeaf) {
    throw new AutogradError(`a view of ${LEAF_IN_PLACE}`);
  }
  const mask = diagonalMask(self, opts.wrap ?? false);
  const value = full([], Number(fillValue), { dtype: self.dtype });
  return applyInPlace(self, (s) => {
    const out = where(mask, value, s.detach());
    return record(out, "CopySlices", [s], (g) => [maskedFill(g, mask, 0)], false);
  }, { self: "alias" });
}

/** tril_/triu_ record PyTorch's own node (the out-of-place ops are a masked fill). */
const triangle_ = (op: typeof tril, node: string) =>
  function (this: Tensor, diagonal = 0): Tensor {
    return applyInPlace(this, (s) => record(op(s.detach(), diagonal), node, [s], (g) => [op(g, diagonal)], false), { self: "alias" });
  };

/** cumsum_/cumprod_: the dtype option may only name self's dtype; bool has no in-place kernel. */
const cumulative_ = (op: typeof cumsum, kernel: string, self: "alias" | "copy") =>
  function (this: Tensor, dim: number, opts: CumOptions = {}): Tensor {
    Tensor.check(this, "input");
    checkOptions(`Tensor.${kernel.split("_")[0]}_()`, opts, { dtype: "string?" }, { index: 2 });
    if (opts.dtype !== undefined && opts.dtype !== null && opts.dtype !== this.dtype) throw badDType(this.dtype, opts.dtype);
    if (this.dtype === "bool") throw new DTypeError(`"${kernel}" not implemented for 'Bool'`);
    return applyInPlace(this, (s) => op(s, dim), { self });
  };

function addmm_(self: Tensor, mat1: Tensor, mat2: Tensor, opts: AddmmOptions = {}): Tensor {
  Tensor.check(self, "input");
  Tensor.check(mat1, "mat1");
  Tensor.check(mat2, "mat2");
  if (self.dtype !== mat2.dtype) throw new DTypeError("self and mat2 must have the same dtype");
  if (mat1.dtype !== mat2.dtype) throw new DTypeError("mat1 and mat2 must have the same dtype");
  if (self.dtype === "bool") throw new DTypeError(`"addmm_impl_cpu_" not implemented for 'Bool'`);
  return applyInPlace(self, (s) => sameShapeAs(self, addmm(s, mat1, mat2, opts)), { self: "alias" });
}

function baddbmm_(self: Tensor, batch1: Tensor, batch2: Tensor, opts: AddmmOptions = {}): Tensor {
  Tensor.check(self, "input");
  Tensor.check(batch1, "batch1");
  Tensor.check(batch2, "batch2");
  if (self.dtype !== batch2.dtype) throw badDType(self.dtype, batch2.dtype);
  if (batch1.dtype !== batch2.dtype) {
    throw new DTypeError(`expected scalar type ${scalarTypeName(batch1.dtype)} but found ${scalarTypeName(batch2.dtype)}`);
  }
  return applyInPlace(self, (s) => sameShapeAs(self, baddbmm(s, batch1, batch2, opts)), { self: "alias" });
}

defineMethods({
  fillDiagonal_(this: Tensor, fillValue: number | boolean | Tensor, opts?: FillDiagonalOptions) {
    return fillDiagonal_(this, fillValue, opts);
  },
  tril_: triangle_(tril, "TrilBackward0"),
  triu_: triangle_(triu, "TriuBackward0"),
  cumsum_: cumulative_(cumsum, "cumsum_out_cpu", "alias"),
  // cumprod's backward reads its input: self's old values.
  cumprod_: cumulative_(cumprod, "cumprod_out_cpu", "copy"),
  addmm_(this: Tensor, mat1: Tensor, mat2: Tensor, opts?: AddmmOptions) {
    return addmm_(this, mat1, mat2, opts);
  },
  baddbmm_(this: Tensor, batch1: Tensor, batch2: Tensor, opts?: AddmmOptions) {
    return baddbmm_(this, batch1, batch2, opts);
  },
});
