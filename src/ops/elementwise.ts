import type { UnaryOp } from "../backend/backend.ts";
import { backend } from "../backend/registry.ts";
import { record } from "../autograd/record.ts";
import { DTypeError } from "../errors.ts";
import { type DType, isFloating } from "../tensor/dtype.ts";
import { Tensor } from "../tensor/tensor.ts";
import { add, binaryRaw, div, mul, rsub } from "./binary.ts";
import { scalarTypeName } from "./promotion.ts";
import { castRaw, defaultFloat, denseData, fresh, freshOutput } from "./util.ts";

export * from "./binary.ts";

/**
 * Unary elementwise ops. Forward formulas live in the backend's table; here each op has its dtype
 * rule and its gradient, written with ops, right beside the kernel call (the webgpu-torch op-table idea).
 */

type UnaryGrad = (g: Tensor, x: Tensor, y: Tensor) => Tensor;

interface UnarySpec {
  /** Integer inputs are first cast to the default float dtype (exp of an int is a float). */
  floatOnly: boolean;
  grad: UnaryGrad | null;
  /** Whether the backward reads x or y (if not, the node keeps no tensors alive). */
  saves: boolean;
  /** PyTorch's error for an input dtype it refuses, else null. */
  refuse?: (dtype: DType) => string | null;
}

/** The gradient of a piecewise-constant op: zeros, even where the incoming gradient is inf or NaN. */
const zeroGrad: UnaryGrad = (g) => fresh(g.shape, g.dtype);

const refuseBool = (message: string) => (d: DType) => (d === "bool" ? message : null);
const NOT_FOR_BOOL = "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.";

const U: Record<UnaryOp, UnarySpec> = {
  neg: { floatOnly: false, saves: false, grad: (g) => neg(g), refuse: refuseBool(`Negation, the \`-\` operator, on a bool tensor is not supported. ${NOT_FOR_BOOL}`) },
  exp: { floatOnly: true, saves: true, grad: (g, _x, y) => mul(g, y) },
  log: { floatOnly: true, saves: true, grad: (g, x) => div(g, x) },
  sqrt: { floatOnly: true, saves: true, grad: (g, _x, y) => div(g, mul(y, 2)) },
  abs: { floatOnly: false, saves: true, grad: (g, x) => mul(g, sign(x)), refuse: refuseBool(`"abs_cpu" not implemented for 'Bool'`) },
  tanh: { floatOnly: true, saves: true, grad: (g, _x, y) => mul(g, rsub(1, mul(y, y))) },
  sigmoid: { floatOnly: true, saves: true, grad: (g, _x, y) => mul(g, mul(y, rsub(1, y))) },
  relu: { floatOnly: false, saves: true, grad: (g, x) => binaryRaw("reluGrad", x, g), refuse: refuseBool("Boolean inputs not supported for relu") },
  sign: { floatOnly: false, saves: false, grad: zeroGrad },
  sin: { floatOnly: true, saves: true, grad: (g, x) => mul(g, cos(x)) },
  cos: { floatOnly: true, saves: true, grad: (g, x) => neg(mul(g, sin(x))) },
  square: { floatOnly: false, saves: true, grad: (g, x) => mul(g, mul(x, 2)) },
  reciprocal: { floatOnly: true, saves: true, grad: (g, _x, y) => neg(mul(g, mul(y, y))) },
  log1p: { floatOnly: true, saves: true, grad: (g, x) => div(g, add(x, 1)) },
  expm1: { floatOnly: true, saves: true, grad: (g, _x, y) => mul(g, add(y, 1)) },
  floor: { floatOnly: false, saves: false, grad: zeroGrad },
  ceil: { floatOnly: false, saves: false, grad: zeroGrad },
  round: { floatOnly: false, saves: false, grad: zeroGrad },
  trunc: { floatOnly: false, saves: false, grad: zeroGrad },
  logicalNot: { floatOnly: false, saves: false, grad: null },
  erf: { floatOnly: true, saves: true, grad: (g, x) => mul(g, mul(exp(neg(mul(x, x))), 1.1283791670955126)) },
  gelu: {
    floatOnly: true,
    saves: true,
    grad: (g, x) => mul(g, unaryRaw("geluGrad", x)),
    refuse: (d) => (isFloating(d) ? null : `"GeluKernelImpl" not implemented for '${scalarTypeName(d)}'`),
  },
  geluGrad: { floatOnly: true, saves: false, grad: null },
};

function unaryRaw(op: UnaryOp, x: Tensor, dtype: DType = x.dtype): Tensor {
  const src = castRaw(x, dtype);
  const out = freshOutput(x.shape, dtype);
  backend().unary(op, denseData(src), out.storage, out.numel());
  return out;
}

/** The dtype op(x) has: bool for logicalNot, a float for float-only ops, int64 for square(bool). */
function unaryType(op: UnaryOp, spec: UnarySpec, d: DType): DType {
  if (op === "logicalNot") return "bool";
  if (spec.floatOnly && !isFloating(d)) return defaultFloat();
  // PyTorch's square is pow(x, 2), which promotes bool like any integer exponent does.
  if (op === "square" && d === "bool") return "int64";
  return d;
}

export function unary(op: UnaryOp, x: Tensor): Tensor {
  Tensor.check(x, "input");
  const spec = U[op];
  const refused = spec.refuse?.(x.dtype);
  if (refused) throw new DTypeError(refused);
  const dtype = unaryType(op, spec, x.dtype);
  const out = unaryRaw(op, op === "logicalNot" ? castRaw(x, "bool") : x, dtype);
  if (!spec.grad || !isFloating(dtype)) return out;
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
export const trunc = (x: Tensor) => unary("trunc", x);
export const erf = (x: Tensor) => unary("erf", x);
export const gelu = (x: Tensor) => unary("gelu", x);
export const logicalNot = (x: Tensor) => unary("logicalNot", x);
