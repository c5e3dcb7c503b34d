import type { BinaryOp, UnaryOp } from "../backend/backend.ts";
import { backend } from "../backend/registry.ts";
import { record } from "../autograd/record.ts";
import { DTypeError } from "../errors.ts";
import { type DType, isFloating, promoteTypes, promoteWithScalar } from "../tensor/dtype.ts";
import { broadcastShapes, broadcastStrides, sameShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { sumToShape } from "./reduce.ts";
import { type TensorLike, castRaw, defaultFloat, denseData, fresh, freshOutput } from "./util.ts";

/**
 * Elementwise ops. Forward formulas live in the backend's table; here each op has its gradient
 * rule, written with ops, right beside the kernel call (the webgpu-torch op-table idea).
 */

type UnaryGrad = (g: Tensor, x: Tensor, y: Tensor) => Tensor;

interface UnarySpec {
  /** Integer inputs are first cast to the default float dtype (exp of an int is a float). */
  floatOnly: boolean;
  grad: UnaryGrad | null;
  /** Whether the backward reads x or y (if not, the node keeps no tensors alive). */
  saves: boolean;
}

const U: Record<UnaryOp, UnarySpec> = {
  neg: { floatOnly: false, saves: false, grad: (g) => neg(g) },
  exp: { floatOnly: true, saves: true, grad: (g, _x, y) => mul(g, y) },
  log: { floatOnly: true, saves: true, grad: (g, x) => div(g, x) },
  sqrt: { floatOnly: true, saves: true, grad: (g, _x, y) => div(g, mul(y, 2)) },
  abs: { floatOnly: false, saves: true, grad: (g, x) => mul(g, sign(x)) },
  tanh: { floatOnly: true, saves: true, grad: (g, _x, y) => mul(g, rsub(1, mul(y, y))) },
  sigmoid: { floatOnly: true, saves: true, grad: (g, _x, y) => mul(g, mul(y, rsub(1, y))) },
  relu: { floatOnly: false, saves: true, grad: (g, x) => binaryRaw("reluGrad", x, g) },
  sign: { floatOnly: false, saves: false, grad: (g) => mul(g, 0) },
  sin: { floatOnly: true, saves: true, grad: (g, x) => mul(g, cos(x)) },
  cos: { floatOnly: true, saves: true, grad: (g, x) => neg(mul(g, sin(x))) },
  square: { floatOnly: false, saves: true, grad: (g, x) => mul(g, mul(x, 2)) },
  reciprocal: { floatOnly: true, saves: true, grad: (g, _x, y) => neg(mul(g, mul(y, y))) },
  log1p: { floatOnly: true, saves: true, grad: (g, x) => div(g, add(x, 1)) },
  expm1: { floatOnly: true, saves: true, grad: (g, _x, y) => mul(g, add(y, 1)) },
  floor: { floatOnly: false, saves: false, grad: (g) => mul(g, 0) },
  ceil: { floatOnly: false, saves: false, grad: (g) => mul(g, 0) },
  round: { floatOnly: false, saves: false, grad: (g) => mul(g, 0) },
  logicalNot: { floatOnly: false, saves: false, grad: null },
  erf: { floatOnly: true, saves: true, grad: (g, x) => mul(g, mul(exp(neg(mul(x, x))), 1.1283791670955126)) },
  gelu: { floatOnly: true, saves: true, grad: (g, x) => mul(g, unaryRaw("geluGrad", x)) },
  geluGrad: { floatOnly: true, saves: false, grad: null },
};

function unaryRaw(op: UnaryOp, x: Tensor, dtype: DType = x.dtype): Tensor {
  const src = castRaw(x, dtype);
  const out = freshOutput(x.shape, dtype);
  backend().unary(op, denseData(src), out.storage, out.numel());
  return out;
}

export function unary(op: UnaryOp, x: Tensor): Tensor {
  Tensor.check(x, "input");
  const spec = U[op];
  const dtype = op === "logicalNot" ? "bool" : spec.floatOnly && !isFloating(x.dtype) ? defaultFloat() : x.dtype;
  const out = unaryRaw(op, op === "logicalNot" ? castRaw(x, "bool") : x, dtype);
  if (!spec.grad) return out;
  const grad = spec.grad;
  const y = out.detach();
  return record(out, `${op[0]!.toUpperCase()}${op.slice(1)}Backward`, [x], (g) => [grad(g, x, y)], spec.saves);
}

export const neg = (x: Tensor) => unary("neg", x);
export const exp = (x: Tensor) => unary("exp", x);
export const log = (x: Tensor) => unary("log", x);
export const sqrt = (x: Tensor) => unary("sqrt", x);
export const abs = (x: Tensor) => unary("abs", x);
export const tanh = (x: Tensor) => unary("tanh", x);
export const sigmoid = (x: Tensor) => unary("sigmoid", x);
export const relu = (x: Tensor) => unary("relu", x);
export const sign = (x: Tensor) => unary("sign", x);
export const sin = (x: Tensor) => unary("sin", x);
export const cos = (x: Tensor) => unary("cos", x);
export const square = (x: Tensor) => unary("square", x);
export const reciprocal = (x: Tensor) => unary("reciprocal", x);
export const log1p = (x: Tensor) => unary("log1p", x);
export const expm1 = (x: Tensor) => unary("expm1", x);
export const floor = (x: Tensor) => unary("floor", x);
export const ceil = (x: Tensor) => unary("ceil", x);
export const round = (x: Tensor) => unary("round", x);
export const erf = (x: Tensor) => unary("erf", x);
export const gelu = (x: Tensor) => unary("gelu", x);
export const logicalNot = (x: Tensor) => unary("logicalNot", x);

/** The dtype of `a op b` under PyTorch's promotion rules (numbers are "weak" scalars). */
function resultType(op: BinaryOp, a: TensorLike, b: TensorLike): DType {
  let dt: DType;
  if (a instanceof Tensor && b instanceof Tensor) {
    // A 0-d tensor does not widen a dimensioned one of the same category, as in PyTorch.
    if (a.ndim === 0 && b.ndim > 0 && isFloating(a.dtype) === isFloating(b.dtype)) dt = b.dtype;
    else if (b.ndim === 0 && a.ndim > 0 && isFloating(a.dtype) === isFloating(b.dtype)) dt = a.dtype;
    else dt = promoteTypes(a.dtype, b.dtype);
  } else if (a instanceof Tensor) dt = promoteWithScalar(a.dtype, b as number, defaultFloat());
  else dt = promoteWithScalar((b as Tensor).dtype, a, defaultFloat());
  if (op === "div" && !isFloating(dt)) return defaultFloat();
  if ((op === "add" || op === "sub" || op === "mul") && dt === "bool") return "int64";
  return dt;
}

const COMPARISONS = new Set<BinaryOp>(["eq", "ne", "gt", "lt", "ge", "le", "logicalAnd", "logicalOr"]);

/** Forward only: broadcast kernel call, operands cast to the computation dtype. */
export function binaryRaw(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  const dt = resultType(op, a, b);
  const outDtype = COMPARISONS.has(op) ? "bool" : dt;
  const k = backend();
  if (!(b instanceof Tensor) || !(a instanceof Tensor)) {
    const t = (a instanceof Tensor ? a : b) as Tensor;
    const s = (a instanceof Tensor ? b : a) as number;
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

function binary(op: BinaryOp, name: string, a: TensorLike, b: TensorLike, grad: BinaryGrad, saves: boolean): Tensor {
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) throw new DTypeError(`${op}(): at least one argument must be a Tensor`);
  const out = binaryRaw(op, a, b);
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

export function add(a: TensorLike, b: TensorLike, opts: { alpha?: number } = {}): Tensor {
  if (opts.alpha !== undefined && opts.alpha !== 1) return add(a, mul(b, opts.alpha));
  return binary("add", "AddBackward", a, b, (g) => [g, g], false);
}

export function sub(a: TensorLike, b: TensorLike, opts: { alpha?: number } = {}): Tensor {
  if (opts.alpha !== undefined && opts.alpha !== 1) return sub(a, mul(b, opts.alpha));
  return binary("sub", "SubBackward", a, b, (g) => [g, neg(g)], false);
}

/** number - tensor, for gradient formulas. */
export function rsub(a: number, b: Tensor): Tensor {
  return sub(a, b);
}

export function mul(a: TensorLike, b: TensorLike): Tensor {
  return binary("mul", "MulBackward", a, b, (g, x, y) => [x instanceof Tensor ? mul(g, y) : null, y instanceof Tensor ? mul(g, x) : null], true);
}

export function div(a: TensorLike, b: TensorLike): Tensor {
  // Each branch starts from g (a Tensor), so a number operand never meets another number.
  return binary("div", "DivBackward", a, b, (g, x, y) => [
    x instanceof Tensor ? div(g, y) : null,
    y instanceof Tensor ? neg(div(div(mul(g, x), y), y)) : null,
  ], true);
}

export function pow(a: TensorLike, b: TensorLike): Tensor {
  return binary(
    "pow",
    "PowBackward",
    a,
    b,
    (g, x, e, y) => {
      // d/dx x^e = e * x^(e-1) (0 where e == 0, so 0^0 gives no NaN); d/de x^e = x^e * log(x).
      const expMinus1 = typeof e === "number" ? e - 1 : sub(e, 1);
      const gx = !(x instanceof Tensor) ? null : e === 0 ? mul(g, 0) : mul(mul(g, e), pow(x, expMinus1));
      const ge = !(e instanceof Tensor) ? null : mul(g, mul(y, x instanceof Tensor ? log(x) : Math.log(x)));
      return [gx, ge];
    },
    true,
  );
}

/** Routes the gradient to the winning operand and splits it evenly on ties (PyTorch's maximum/minimum). */
function pickGrad(g: Tensor, winA: Tensor, tie: Tensor): [Tensor, Tensor] {
  const half = mul(g, mul(castRaw(tie, g.dtype), 0.5));
  const winB = logicalNot(logicalOr(winA, tie));
  return [add(mul(g, castRaw(winA, g.dtype)), half), add(mul(g, castRaw(winB, g.dtype)), half)];
}

export function maximum(a: Tensor, b: Tensor): Tensor {
  return binary("maximum", "MaximumBackward", a, b, (g, x, y) => pickGrad(g, binaryRaw("gt", x, y), binaryRaw("eq", x, y)), true);
}

export function minimum(a: Tensor, b: Tensor): Tensor {
  return binary("minimum", "MinimumBackward", a, b, (g, x, y) => pickGrad(g, binaryRaw("lt", x, y), binaryRaw("eq", x, y)), true);
}

export const eq = (a: TensorLike, b: TensorLike) => binaryRaw("eq", a, b);
export const ne = (a: TensorLike, b: TensorLike) => binaryRaw("ne", a, b);
export const gt = (a: TensorLike, b: TensorLike) => binaryRaw("gt", a, b);
export const lt = (a: TensorLike, b: TensorLike) => binaryRaw("lt", a, b);
export const ge = (a: TensorLike, b: TensorLike) => binaryRaw("ge", a, b);
export const le = (a: TensorLike, b: TensorLike) => binaryRaw("le", a, b);
export const logicalAnd = (a: TensorLike, b: TensorLike) => binaryRaw("logicalAnd", a, b);
export const logicalOr = (a: TensorLike, b: TensorLike) => binaryRaw("logicalOr", a, b);

/** Clamps into [min, max]; either bound may be absent. Gradient flows where the input was inside. */
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  if ((min === undefined || min === null) && (max === undefined || max === null)) {
    throw new DTypeError("torch.clamp: At least one of 'min' or 'max' must not be None");
  }
  let raw = x.detach();
  if (min !== undefined && min !== null) raw = binaryRaw("maximum", raw, min);
  if (max !== undefined && max !== null) raw = binaryRaw("minimum", raw, max);
  return record(raw, "ClampBackward", [x], (g) => {
    let inside: Tensor | null = null;
    if (min !== undefined && min !== null) inside = binaryRaw("ge", x, min);
    if (max !== undefined && max !== null) {
      const le_ = binaryRaw("le", x, max);
      inside = inside ? binaryRaw("logicalAnd", inside, le_) : le_;
    }
    return [mul(g, castRaw(inside!, g.dtype))];
  });
}
