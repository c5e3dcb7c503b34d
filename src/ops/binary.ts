import type { BinaryOp } from "../backend/backend.ts";
import { backend } from "../backend/registry.ts";
import { record } from "../autograd/record.ts";
import { ArgumentError, DTypeError } from "../errors.ts";
import { type DType, castValue, isFloating } from "../tensor/dtype.ts";
import { broadcastShapes, broadcastStrides, sameShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { log, neg } from "./elementwise.ts";
import { where } from "./indexing.ts";
import { isIntegral, resultType } from "./promotion.ts";
import { sumToShape } from "./reduce.ts";
import { type TensorLike, castRaw, defaultFloat, denseData, fresh, freshOutput } from "./util.ts";

/**
 * Binary elementwise ops: PyTorch's type promotion (promotion.ts), a broadcast kernel call, and each
 * op's gradient beside it. Gradients that pick between operands use `where`, never a multiply by a
 * 0/1 mask, so an infinite or NaN incoming gradient does not leak into the operand that lost.
 */

const COMPARISONS = new Set<BinaryOp>(["eq", "ne", "gt", "lt", "ge", "le", "logicalAnd", "logicalOr"]);

/** The dtype a kernel computes in: the promoted type, but a float for true division. */
function computeType(op: BinaryOp, a: TensorLike, b: TensorLike): DType {
  const dt = resultType(a, b);
  return op === "div" && !isFloating(dt) ? defaultFloat() : dt;
}

/** Bool arithmetic stays bool, as in PyTorch: true + true is true (or), true * false is false (and). */
function boolOp(op: BinaryOp, dt: DType): BinaryOp {
  if (dt !== "bool") return op;
  return op === "add" ? "logicalOr" : op === "mul" ? "logicalAnd" : op;
}

/** Forward only: broadcast kernel call, operands cast to the computation dtype. */
export function binaryRaw(op0: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  const dt = computeType(op0, a, b);
  const op = boolOp(op0, dt);
  const outDtype = COMPARISONS.has(op) ? "bool" : dt;
  const k = backend();
  if (!(b instanceof Tensor) || !(a instanceof Tensor)) {
    const t = (a instanceof Tensor ? a : b) as Tensor;
    // The number becomes a value of the computation dtype first, as in PyTorch: it wraps to int32 and
    // rounds to float32 (so float32 * 0.1 is the float32 product, and x == 0.1 holds for x = 0.1f).
    const s = castValue(dt, (a instanceof Tensor ? b : a) as number);
    const out = freshOutput(t.shape, outDtype);
    k.binaryScalar(op, denseData(castRaw(t, dt)), s, out.storage, out.numel(), !(a instanceof Tensor));
    return out;
  }
  const shape = broadcastShapes(a.shape, b.shape);
  const ca = castRaw(a, dt);
  const cb = castRaw(b, dt);
  const out = freshOutput(shape, outDtype);
  if (ca.ndim === 0 && cb.isContiguous() && sameShape(cb.shape, shape)) {
    k.binaryScalar(op, denseData(cb), ca.storage[ca.offset]!, out.storage, out.numel(), true);
  } else if (cb.ndim === 0 && ca.isContiguous() && sameShape(ca.shape, shape)) {
    k.binaryScalar(op, denseData(ca), cb.storage[cb.offset]!, out.storage, out.numel(), false);
  } else {
    k.binary(
      op,
      { data: ca.storage, offset: ca.offset, strides: broadcastStrides(ca.shape, ca.strides, shape) },
      { data: cb.storage, offset: cb.offset, strides: broadcastStrides(cb.shape, cb.strides, shape) },
      out.storage,
      shape,
    );
  }
  return out;
}

type BinaryGrad = (g: Tensor, a: TensorLike, b: TensorLike, y: Tensor) => [Tensor | null, Tensor | null];

function recordBinary(out: Tensor, name: string, a: TensorLike, b: TensorLike, grad: BinaryGrad, saves: boolean): Tensor {
  if (!isFloating(out.dtype)) return out;
  const y = out.detach();
  const ta = a instanceof Tensor ? a : null;
  const tb = b instanceof Tensor ? b : null;
  return record(
    out,
    name,
    [ta, tb],
    (g, needs) => {
      const [ga, gb] = grad(g, a, b, y);
      return [
        needs[0] && ga && ta ? castRaw(sumToShape(ga, ta.shape), ta.dtype) : null,
        needs[1] && gb && tb ? castRaw(sumToShape(gb, tb.shape), tb.dtype) : null,
      ];
    },
    saves,
  );
}

function checkOperands(op: string, a: TensorLike, b: TensorLike): void {
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) throw new DTypeError(`${op}(): at least one argument must be a Tensor`);
}

function binary(op: BinaryOp, name: string, a: TensorLike, b: TensorLike, grad: BinaryGrad, saves: boolean): Tensor {
  checkOperands(op, a, b);
  return recordBinary(binaryRaw(op, a, b), name, a, b, grad, saves);
}

/** PyTorch's alpha check: an integer (or bool) result cannot take a fractional alpha. */
function scaled(a: TensorLike, b: TensorLike, alpha: number): TensorLike {
  if (!isFloating(resultType(a, b)) && !Number.isInteger(alpha)) {
    throw new DTypeError("For integral input tensors, argument alpha must not be a floating point number.");
  }
  return typeof b === "number" ? b * alpha : mul(b, alpha);
}

export interface AlphaOptions {
  /** Multiplier for the second operand: a + alpha * b. */
  alpha?: number;
}

export function add(a: TensorLike, b: TensorLike, opts: AlphaOptions = {}): Tensor {
  checkOperands("add", a, b);
  if (opts.alpha !== undefined && opts.alpha !== 1) return add(a, scaled(a, b, opts.alpha));
  return binary("add", "AddBackward", a, b, (g) => [g, g], false);
}

const NO_BOOL_SUB = "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.";

export function sub(a: TensorLike, b: TensorLike, opts: AlphaOptions = {}): Tensor {
  checkOperands("sub", a, b);
  const boolA = a instanceof Tensor && a.dtype === "bool";
  const boolB = b instanceof Tensor && b.dtype === "bool";
  if (boolA && boolB) {
    throw new DTypeError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.");
  }
  if (boolA || boolB) throw new DTypeError(`Subtraction, the \`-\` operator, with a bool tensor is not supported. ${NO_BOOL_SUB}`);
  if (opts.alpha !== undefined && opts.alpha !== 1) return sub(a, scaled(a, b, opts.alpha));
  return binary("sub", "SubBackward", a, b, (g) => [g, neg(g)], false);
}

/** number - tensor, for gradient formulas. */
export function rsub(a: number, b: Tensor): Tensor {
  return sub(a, b);
}

export function mul(a: TensorLike, b: TensorLike): Tensor {
  return binary("mul", "MulBackward", a, b, (g, x, y) => [x instanceof Tensor ? mul(g, y) : null, y instanceof Tensor ? mul(g, x) : null], true);
}

export type RoundingMode = "trunc" | "floor";

export interface DivOptions {
  /** Rounds the quotient toward zero ("trunc") or down ("floor"); the result keeps integer dtypes. */
  roundingMode?: RoundingMode | null;
}

export function div(a: TensorLike, b: TensorLike, opts: DivOptions = {}): Tensor {
  const mode = opts.roundingMode ?? null;
  if (mode !== null) return roundedDiv(a, b, mode);
  // Each branch starts from g (a Tensor), so a number operand never meets another number.
  return binary("div", "DivBackward", a, b, (g, x, y) => [
    x instanceof Tensor ? div(g, y) : null,
    y instanceof Tensor ? neg(div(div(mul(g, x), y), y)) : null,
  ], true);
}

/** Division rounded to an integer value; its gradient is zero, as PyTorch's. */
function roundedDiv(a: TensorLike, b: TensorLike, mode: RoundingMode): Tensor {
  if (mode !== "trunc" && mode !== "floor") {
    throw new ArgumentError(`div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '${String(mode)}'`);
  }
  checkOperands("div", a, b);
  if (isIntegral(resultType(a, b)) && (b instanceof Tensor ? denseData(b).includes(0) : b === 0)) {
    throw new ArgumentError("ZeroDivisionError");
  }
  const out = binaryRaw(mode === "trunc" ? "truncDivide" : "floorDivide", a, b);
  return recordBinary(out, "DivBackward", a, b, (g) => [fresh(g.shape, g.dtype), fresh(g.shape, g.dtype)], false);
}

/** pow's result for integer dtypes: computed as a double, truncated as C's integer pow would be. */
function powRaw(a: TensorLike, b: TensorLike): Tensor {
  const dt = resultType(a, b);
  if (!isIntegral(dt)) return binaryRaw("pow", a, b);
  if (typeof b === "number" && b < 0) throw new DTypeError("Integers to negative integer powers are not allowed.");
  const out = binaryRaw("pow", a, b);
  // int32 storage truncates on store; int64 lives in a Float64Array, which keeps 2 ** -1 = 0.5.
  if (dt === "int64") backend().unary("trunc", out.storage, out.storage, out.numel());
  return out;
}

export function pow(a: TensorLike, b: TensorLike): Tensor {
  checkOperands("pow", a, b);
  return recordBinary(powRaw(a, b), "PowBackward", a, b, (g, x, e, y) => [
    x instanceof Tensor ? powBaseGrad(g, x, e) : null,
    e instanceof Tensor ? powExponentGrad(g, x, e, y) : null,
  ], true);
}

/** d/dx x^e = e x^(e-1), and 0 where e == 0 (so 0^0 gives no NaN). */
function powBaseGrad(g: Tensor, x: Tensor, e: TensorLike): Tensor {
  if (e === 0) return fresh(g.shape, g.dtype);
  const gx = mul(mul(g, e), pow(x, typeof e === "number" ? e - 1 : sub(e, 1)));
  return typeof e === "number" ? gx : where(binaryRaw("eq", e, 0), 0, gx);
}

/** d/de x^e = x^e log(x), and 0 where x == 0 and e >= 0 (PyTorch's limit, not 0 * -inf). */
function powExponentGrad(g: Tensor, x: TensorLike, e: Tensor, y: Tensor): Tensor {
  const ge = mul(g, mul(y, x instanceof Tensor ? log(x) : Math.log(x)));
  if (typeof x === "number" && x !== 0) return ge;
  const atZero = binaryRaw("ge", e, 0);
  return where(typeof x === "number" ? atZero : binaryRaw("logicalAnd", binaryRaw("eq", x, 0), atZero), 0, ge);
}

/**
 * PyTorch's maximum/minimum gradient: each operand gets g where it won, half of g on a tie, and g where
 * the comparison is undecided (a NaN operand), since NaN is the result there.
 */
function extremumGrad(g: Tensor, a: Tensor, b: Tensor, isMax: boolean): [Tensor, Tensor] {
  const split = where(binaryRaw("eq", a, b), mul(g, 0.5), g);
  return [where(binaryRaw(isMax ? "lt" : "gt", a, b), 0, split), where(binaryRaw(isMax ? "gt" : "lt", a, b), 0, split)];
}

export function maximum(a: Tensor, b: Tensor): Tensor {
  Tensor.check(a, "input");
  Tensor.check(b, "other");
  return binary("maximum", "MaximumBackward", a, b, (g, x, y) => extremumGrad(g, x as Tensor, y as Tensor, true), true);
}

export function minimum(a: Tensor, b: Tensor): Tensor {
  Tensor.check(a, "input");
  Tensor.check(b, "other");
  return binary("minimum", "MinimumBackward", a, b, (g, x, y) => extremumGrad(g, x as Tensor, y as Tensor, false), true);
}

export const eq = (a: TensorLike, b: TensorLike) => binaryRaw("eq", a, b);
export const ne = (a: TensorLike, b: TensorLike) => binaryRaw("ne", a, b);
export const gt = (a: TensorLike, b: TensorLike) => binaryRaw("gt", a, b);
export const lt = (a: TensorLike, b: TensorLike) => binaryRaw("lt", a, b);
export const ge = (a: TensorLike, b: TensorLike) => binaryRaw("ge", a, b);
export const le = (a: TensorLike, b: TensorLike) => binaryRaw("le", a, b);
export const logicalAnd = (a: TensorLike, b: TensorLike) => binaryRaw("logicalAnd", a, b);
export const logicalOr = (a: TensorLike, b: TensorLike) => binaryRaw("logicalOr", a, b);

/** Clamps into [min, max]; either bound may be absent. The gradient flows where the input was inside. */
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  const hasMin = min !== undefined && min !== null;
  const hasMax = max !== undefined && max !== null;
  if (!hasMin && !hasMax) throw new DTypeError("torch.clamp: At least one of 'min' or 'max' must not be None");
  let raw = x.detach();
  if (hasMin) raw = binaryRaw("maximum", raw, min);
  if (hasMax) raw = binaryRaw("minimum", raw, max);
  if (!isFloating(raw.dtype)) return raw;
  return record(raw, "ClampBackward", [x], (g) => {
    let inside: Tensor | null = hasMin ? binaryRaw("ge", x, min) : null;
    if (hasMax) inside = inside ? binaryRaw("logicalAnd", inside, binaryRaw("le", x, max)) : binaryRaw("le", x, max);
    return [where(inside!, g, 0)];
  });
}

