import { record } from "../autograd/record.ts";
import { DTypeError, ShapeError } from "../errors.ts";
import { isFloating } from "../tensor/dtype.ts";
import { Tensor } from "../tensor/tensor.ts";
import { defineMethods, method } from "./define_methods.ts";
import { denseData, freshOutput } from "./util.ts";
import { transpose } from "./views.ts";
import { div } from "./binary.ts";
import { exp2 } from "./op_functions.ts";

/**
 * The complex-number surface on kindling's real dtypes, as PyTorch answers it for a real tensor: the
 * matrix transposes (mT, mH, H, adjoint) are plain transposes, conj/real are the tensor itself, imag is
 * refused; and frexp, which splits floats into mantissa and power of two.
 */

declare module "../tensor/tensor.ts" {
  interface Tensor {
    /** The last two dims swapped (a batch of matrices transposed). */
    readonly mT: Tensor;
    /** The conjugate transpose of a batch of matrices: mT for real dtypes. */
    readonly mH: Tensor;
    /** The conjugate transpose of a matrix (2-D only). */
    readonly H: Tensor;
    /** The tensor itself: real dtypes have no imaginary part. */
    readonly real: Tensor;
    /** Refused, as PyTorch refuses it for real dtypes. */
    readonly imag: Tensor;
    adjoint(): Tensor;
    /** The tensor itself for real dtypes (PyTorch returns self too). */
    conj(): Tensor;
    conjPhysical(): Tensor;
    resolveConj(): Tensor;
    resolveNeg(): Tensor;
    /** True everywhere: every element of a real tensor is real. */
    isreal(): Tensor;
    /** [mantissa, exponent] with x = mantissa * 2^exponent, |mantissa| in [0.5, 1) (int32 exponent). */
    frexp(): [Tensor, Tensor];
  }
}

function batchOfMatrices(x: Tensor, what: string): Tensor {
  Tensor.check(x, "input");
  if (x.ndim < 2) throw new ShapeError(`tensor.${what} is only supported on matrices or batches of matrices. Got ${x.ndim}-D tensor.`);
  return transpose(x, -2, -1);
}

export const adjoint = (x: Tensor): Tensor => batchOfMatrices(x, "adjoint()");
export const conj = (x: Tensor): Tensor => Tensor.check(x, "input");
export const conjPhysical = (x: Tensor): Tensor => Tensor.check(x, "input").clone();
export const resolveConj = (x: Tensor): Tensor => Tensor.check(x, "input");
export const resolveNeg = (x: Tensor): Tensor => Tensor.check(x, "input");
export const real = (x: Tensor): Tensor => Tensor.check(x, "input");
export function imag(x: Tensor): Tensor {
  Tensor.check(x, "input");
  throw new DTypeError("imag is not implemented for tensors with non-complex dtypes.");
}
export const isreal = (x: Tensor): Tensor => Tensor.check(x, "input").newOnes([...x.shape], { dtype: "bool" });

/** One value's frexp; zero, infinities and NaN keep their value with exponent 0, as C's frexp. */
function split(v: number): [number, number] {
  if (v === 0 || !Number.isFinite(v)) return [v, 0];
  let e = Math.floor(Math.log2(Math.abs(v))) + 1;
  // Two exact halvings: 2^e itself overflows for the largest float64s (e = 1024).
  let m = v / 2 ** (e - 1) / 2;
  // log2 rounds near powers of two; one step fixes it.
  if (Math.abs(m) >= 1) [m, e] = [m / 2, e + 1];
  else if (Math.abs(m) < 0.5) [m, e] = [m * 2, e - 1];
  return [m, e];
}

export function frexp(x: Tensor): [Tensor, Tensor] {
  Tensor.check(x, "input");
  if (!isFloating(x.dtype)) throw new DTypeError("torch.frexp() only supports floating-point dtypes");
  const src = denseData(x);
  const mantissa = freshOutput(x.shape, x.dtype);
  const exponent = freshOutput(x.shape, "int32");
  for (let i = 0; i < src.length; i++) [mantissa.storage[i], exponent.storage[i]] = split(src[i] as number);
  // d mantissa / dx = 2^-exponent; the exponent is piecewise constant and gets no gradient. PyTorch takes
  // exp2 of the int exponent in the default float dtype, so 2^128 is inf there even for float64: kept.
  const m = record(mantissa, "FrexpBackward0", [x], (g) => [div(g, exp2(exponent))]);
  return [m, exponent];
}

defineMethods({
  adjoint: method(adjoint),
  conj: method(conj),
  conjPhysical: method(conjPhysical),
  resolveConj: method(resolveConj),
  resolveNeg: method(resolveNeg),
  isreal: method(isreal),
  frexp: method(frexp),
});

Object.defineProperties(Tensor.prototype, {
  mT: { get(this: Tensor) { return batchOfMatrices(this, "mT"); } },
  mH: { get(this: Tensor) { return batchOfMatrices(this, "mH"); } },
  H: {
    get(this: Tensor) {
      if (this.ndim === 0) return this;
      if (this.ndim !== 2) {
        const hint = this.ndim > 2 ? " For batches of matrices, consider using tensor.mH" : "";
        throw new ShapeError(`tensor.H is only supported on matrices (2-D tensors). Got ${this.ndim}-D tensor.${hint}`);
      }
      return transpose(this, 0, 1);
    },
  },
  real: { get(this: Tensor) { return this; } },
  imag: { get(this: Tensor) { return imag(this); } },
});
