import type { BinaryOp } from "../backend/backend.ts";
import { binaryNodeName } from "./node_names.ts";
import { backend } from "../backend/registry.ts";
import { isGradEnabled } from "../autograd/grad_mode.ts";
import { record } from "../autograd/record.ts";
import { ArgumentError, DTypeError } from "../errors.ts";
import { checkArg, checkArity, checkOptions, describeValue } from "../options.ts";
import { type DType, castValue, isFloating } from "../tensor/dtype.ts";
import { broadcastShapes, sameShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { unaryRaw } from "./elementwise.ts";
import { where } from "./indexing.ts";
import type { BinarySaved, BinarySaves } from "./op_spec.ts";
import { type BinaryName, binaryRow } from "./op_table_binary.ts";
import { isIntegral, resultType } from "./promotion.ts";
import { sumToShape } from "./reduce.ts";
import { type TensorLike, boolScalar, broadcastView, castRaw, defaultFloat, denseData, fresh, freshOutput } from "./util.ts";

/**
 * Binary elementwise ops, run from their table row (op_table_binary.ts): PyTorch's type promotion
 * (promotion.ts), a broadcast kernel call, and the row's gradient. The few ops with keyword options or
 * value checks (add, sub, div, pow) are written out below and use the same pieces.
 */

/** The dtype a kernel computes in: the promoted type, but a float for true division. */
function computeType(op: BinaryName, a: TensorLike, b: TensorLike): DType {
  const dt = resultType(a, b);
  return binaryRow(op).result === "float" && !isFloating(dt) ? defaultFloat() : dt;
}

/** Forward only: broadcast kernel call, operands cast to the computation dtype. */
export function binaryRaw(op0: BinaryName, a: TensorLike, b: TensorLike): Tensor {
  const dt = computeType(op0, a, b);
  const row = binaryRow(op0);
  const op = (row.kernels?.[dt] ?? op0) as BinaryOp;
  const outDtype = row.result === "bool" ? "bool" : dt;
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
      broadcastView(ca, shape),
      broadcastView(cb, shape),
      out.storage,
      shape,
    );
  }
  return out;
}

/** The operands' dtypes as the refusal rules see them (a JS number as the dtype it wraps to). */
function operandType(x: TensorLike): DType {
  return x instanceof Tensor ? x.dtype : Number.isInteger(x) ? "int64" : defaultFloat();
}

/** The table's argument and dtype checks for op(a, b). */
export function checkBinary(op: BinaryName, a: TensorLike, b: TensorLike): void {
  const row = binaryRow(op);
  if (row.tensorsOnly) {
    Tensor.check(a, "input");
    Tensor.check(b, "other");
  }
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) throw new DTypeError(`${op}(): at least one argument must be a Tensor`);
  for (const [x, name] of [[a, "input"], [b, "other"]] as const) {
    if (!(x instanceof Tensor) && typeof x !== "number") {
      throw new ArgumentError(`${op}(): ${name} must be a Tensor or a number, got ${describeValue(x)}`);
    }
  }
  if (row.kernelRefuse && a instanceof Tensor && b instanceof Tensor) broadcastShapes(a.shape, b.shape);
  const refused = row.refuse?.(operandType(a), operandType(b), resultType(a, b));
  if (refused) throw new DTypeError(refused);
  row.check?.(a, b);
}

/**
 * createGraph's ReLU backward, PyTorch's threshold_backward as ops: g blocked where the output is <= 0
 * (NaN passes), so it is recorded and differentiable in g.
 */
export function reluGradRecorded(g: Tensor, y: Tensor): Tensor {
  const blocked = binaryRaw("le", y, 0);
  // Recorded over y too (its derivative there is zero), as PyTorch's: a second derivative through
  // a ReLU is then zeros rather than "does not require grad".
  return record(where(blocked, 0, g.detach()), "ThresholdBackwardBackward0", [g, y], (gg, needs) => [
    needs[0] ? where(blocked, 0, gg) : null,
    needs[1] ? fresh(y.shape, y.dtype) : null,
  ], false);
}

/** Connects op(a, b)'s output to the graph with the row's gradient (gradients reduced to each operand's shape). */
export function recordBinary(op: BinaryName, out: Tensor, a: TensorLike, b: TensorLike, name = binaryNodeName(op, a, b)): Tensor {
  const grad = binaryRow(op).grad;
  if (grad === null || !isFloating(out.dtype)) return out;
  const y = out.detach();
  const ta = a instanceof Tensor ? a : null;
  const tb = b instanceof Tensor ? b : null;
  return record(
    out,
    name,
    [ta, tb],
    (g, needs) => {
      // createGraph reads the output itself, so a gradient formula over it is differentiable again.
      const [ga, gb] = grad === "zero" ? [fresh(g.shape, g.dtype), fresh(g.shape, g.dtype)] : grad(g, a, b, isGradEnabled() ? out : y);
      return [
        needs[0] && ga && ta ? castRaw(sumToShape(ga, ta.shape), ta.dtype) : null,
        needs[1] && gb && tb ? castRaw(sumToShape(gb, tb.shape), tb.dtype) : null,
      ];
    },
    savedTensors(binaryRow(op).saves, ta, tb, y),
  );
}

/** The tensors a row's `saves` names for the operands that require grad (numbers are not tensors), or false. */
function savedTensors(saves: BinarySaves, a: Tensor | null, b: Tensor | null, y: Tensor): false | Tensor[] {
  const names = new Set<BinarySaved>();
  if (a?.requiresGrad) saves.a.forEach((s) => names.add(s));
  if (b?.requiresGrad) saves.b.forEach((s) => names.add(s));
  // PyTorch saves the result of an overload whose formulas use it (pow(Tensor, Tensor)), even when
  // no gradient will need it; a number operand selects the overload that does not.
  if ((a && saves.a.includes("output")) || (b && saves.b.includes("output"))) names.add("output");
  if (names.size === 0) return false;
  const out: Tensor[] = [];
  for (const s of names) {
    const t = s === "a" ? a : s === "b" ? b : y;
    if (t) out.push(t);
  }
  return out;
}

/** op(a, b) with its checks and gradient: what every table op's public function runs. */
export function binaryOp(op: BinaryName, a0: TensorLike, b0: TensorLike): Tensor {
  const tensorsOnly = binaryRow(op).tensorsOnly === true;
  const [a, b] = tensorsOnly ? [a0, b0] : [boolScalar(a0), boolScalar(b0)];
  checkBinary(op, a, b);
  return recordBinary(op, binaryRaw(op, a, b), a, b);
}

/** The public function of a plain table op: `torch.mul(a, b)`; extra arguments are an error. */
export function binaryFunction(op: BinaryName): (input: TensorLike, other: TensorLike) => Tensor {
  return function (a: TensorLike, b: TensorLike) {
    // eslint-disable-next-line prefer-rest-params
    if (arguments.length > 2) checkArity(`${op}()`, arguments, 2);
    return binaryOp(op, a, b);
  };
}

/** The public function of a table op that takes two tensors only: `torch.maximum(a, b)`. */
export function tensorFunction(op: BinaryName): (input: Tensor, other: Tensor) => Tensor {
  return binaryFunction(op);
}

/**
 * alpha * b in the result dtype, PyTorch's way: an integer (or bool) result cannot take a fractional
 * alpha, and in bool alpha is true or false (so bool + bool with alpha 2 stays bool).
 */
function scaled(a: TensorLike, b: TensorLike, alpha: number): TensorLike {
  const dt = resultType(a, b);
  if (!isFloating(dt) && !Number.isInteger(alpha)) {
    throw new DTypeError("For integral input tensors, argument alpha must not be a floating point number.");
  }
  if (dt === "bool") return alpha !== 0 ? b : binaryRaw("logicalAnd", b, 0);
  return typeof b === "number" ? b * alpha : binaryOp("mul", b, alpha);
}

export interface AlphaOptions {
  /** Multiplier for the second operand: a + alpha * b. */
  alpha?: number;
}

const ALPHA = { alpha: "number" } as const;

/** a + alpha * b or a - alpha * b. */
function alphaOp(op: "add" | "sub", a0: TensorLike, b0: TensorLike, opts: AlphaOptions): Tensor {
  const [a, b] = [boolScalar(a0), boolScalar(b0)];
  checkOptions(`${op}()`, opts, ALPHA, { index: 3, positional: "alpha" });
  checkBinary(op, a, b);
  return binaryOp(op, a, opts.alpha !== undefined && opts.alpha !== 1 ? scaled(a, b, opts.alpha) : b);
}

export function add(a: TensorLike, b: TensorLike, opts: AlphaOptions = {}): Tensor {
  return alphaOp("add", a, b, opts);
}

export function sub(a: TensorLike, b: TensorLike, opts: AlphaOptions = {}): Tensor {
  return alphaOp("sub", a, b, opts);
}

/** number - tensor, for gradient formulas. */
export function rsub(a: number, b: Tensor): Tensor {
  return sub(a, b);
}

export type RoundingMode = "trunc" | "floor";

export interface DivOptions {
  /** Rounds the quotient toward zero ("trunc") or down ("floor"); the result keeps integer dtypes. */
  roundingMode?: RoundingMode | null;
}

export function div(a0: TensorLike, b0: TensorLike, opts: DivOptions = {}): Tensor {
  const [a, b] = [boolScalar(a0), boolScalar(b0)];
  checkOptions("div()", opts, { roundingMode: "string?" }, { index: 3, positional: "roundingMode" });
  const mode = opts.roundingMode ?? null;
  if (mode !== null) return roundedDiv(a, b, mode);
  return binaryOp("div", a, b);
}

/** Integer division by zero is PyTorch's ZeroDivisionError (floats give inf or NaN). */
export function checkIntegerDivisor(a: TensorLike, b: TensorLike): void {
  // an empty result divides nothing
  const empty = (a instanceof Tensor && a.numel() === 0) || (b instanceof Tensor && b.numel() === 0);
  if (!empty && isIntegral(resultType(a, b)) && (b instanceof Tensor ? denseData(b).includes(0) : b === 0)) {
    throw new ArgumentError("ZeroDivisionError");
  }
}

/** Python's modulo (the result takes the divisor's sign), as torch.remainder. */
export function remainder(a0: TensorLike, b0: TensorLike): Tensor {
  const [a, b] = [boolScalar(a0), boolScalar(b0)];
  // eslint-disable-next-line prefer-rest-params
  if (arguments.length > 2) checkArity("remainder()", arguments, 2);
  checkBinary("remainder", a, b);
  checkIntegerDivisor(a, b);
  return binaryOp("remainder", a, b);
}

/** Division rounded to an integer value; its gradient is zero, as PyTorch's. */
function roundedDiv(a: TensorLike, b: TensorLike, mode: RoundingMode): Tensor {
  if (mode !== "trunc" && mode !== "floor") {
    throw new ArgumentError(`div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '${String(mode)}'`);
  }
  const op = mode === "trunc" ? "truncDivide" : "divFloor";
  checkBinary(op, a, b);
  checkIntegerDivisor(a, b);
  return recordBinary(op, binaryRaw(op, a, b), a, b, "DivBackward2");
}

/** pow's value checks for an integer result (the kernels themselves wrap around as C's integer pow). */
function powRaw(a: TensorLike, b: TensorLike): Tensor {
  const dt = resultType(a, b);
  if (isIntegral(dt) && typeof b === "number") {
    if (b < 0) throw new DTypeError("Integers to negative integer powers are not allowed.");
    if (dt === "int32" && b > 2147483647) throw new ArgumentError("value cannot be converted to type int without overflow");
  }
  if ((b === 0.5 || b === -0.5) && isFloating(dt)) {
    // PyTorch computes these exponents as sqrt and 1 / sqrt, which differ from C's pow at -inf and -0.
    const root = unaryRaw("sqrt", a as Tensor, dt);
    return b === 0.5 ? root : unaryRaw("reciprocal", root, dt);
  }
  if (a instanceof Tensor && isFloating(dt) && a.dtype === dt) {
    // PyTorch's pow_tensor_scalar_optimized_kernel: these exponents as products (x * x * x rounds twice,
    // as PyTorch's does) and x^1 as a copy; vector kernels rather than a per-element pow.
    if (b === 1) return binaryRaw("mul", a, 1);
    if (b === 2 || b === -2) {
      const sq = binaryRaw("mul", a, a);
      return b === 2 ? sq : unaryRaw("reciprocal", sq, dt);
    }
    if (b === 3) return binaryRaw("mul", binaryRaw("mul", a, a), a);
    if (b === -1) return unaryRaw("reciprocal", a, dt);
  }
  return binaryRaw("pow", a, b);
}

export function pow(a0: TensorLike, b0: TensorLike): Tensor {
  // a bool exponent is the number 0 or 1 (the gradient's b - 1 is not defined for a bool tensor)
  const [a, b] = [boolScalar(a0), typeof (b0 as unknown) === "boolean" ? Number(b0) : b0];
  // ...but a bool base with a bool exponent is PyTorch's bool ** bool, which has no kernel
  if (typeof (b0 as unknown) === "boolean" && a0 instanceof Tensor && a0.dtype === "bool") throw new DTypeError(`"pow" not implemented for 'Bool'`);
  // eslint-disable-next-line prefer-rest-params
  if (arguments.length > 2) checkArity("pow()", arguments, 2);
  checkBinary("pow", a, b);
  return recordBinary("pow", powRaw(a, b), a, b);
}

/** Clamps into [min, max]; either bound may be absent. The gradient flows where the input was inside. */
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  // eslint-disable-next-line prefer-rest-params
  if (arguments.length > 3) checkArity("clamp()", arguments, 3);
  Tensor.check(x, "input");
  checkArg("clamp()", min, "number?", 2, "min");
  checkArg("clamp()", max, "number?", 3, "max");
  const hasMin = min !== undefined && min !== null;
  const hasMax = max !== undefined && max !== null;
  if (!hasMin && !hasMax) throw new DTypeError("torch.clamp: At least one of 'min' or 'max' must not be None");
  let raw = x.detach();
  if (hasMin) raw = binaryRaw("maximum", raw, min);
  if (hasMax) raw = binaryRaw("minimum", raw, max);
  if (!isFloating(raw.dtype)) return raw;
  return record(raw, "ClampBackward1", [x], (g) => {
    let inside: Tensor | null = hasMin ? binaryRaw("ge", x, min) : null;
    if (hasMax) inside = inside ? binaryRaw("logicalAnd", inside, binaryRaw("le", x, max)) : binaryRaw("le", x, max);
    return [where(inside!, g, 0)];
  });
}
