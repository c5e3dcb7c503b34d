import { AutogradError } from "../errors.ts";
import type { DType } from "../tensor/dtype.ts";
import { Tensor } from "../tensor/tensor.ts";
import { add, binaryRaw, div, pow, sub } from "./binary.ts";
import { where } from "./indexing.ts";
import { type BinaryRow, type BinarySaves, notImplemented } from "./op_spec.ts";
import { log, mul, neg, reciprocal } from "./op_functions.ts";
import type { TensorLike } from "./util.ts";
import { fresh } from "./util.ts";

/**
 * Every binary elementwise op, declared once (see op_spec.ts for the fields). After editing, run
 * `npm run gen:ops`, then `npm run fixtures` for the PyTorch expectations.
 *
 * Gradients are written with ops from the incoming gradient g, the operands a and b (a JS number has
 * no gradient) and the output y. Gradients that pick between operands use `where`, never a multiply by
 * a 0/1 mask, so an infinite or NaN incoming gradient does not leak into the operand that lost.
 */

const NO_BOOL_SUB = "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.";

function refuseBoolSub(a: DType, b: DType): string | null {
  if (a === "bool" && b === "bool") {
    return "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.";
  }
  return a === "bool" || b === "bool" ? `Subtraction, the \`-\` operator, with a bool tensor is not supported. ${NO_BOOL_SUB}` : null;
}

/** d/da a^b = b a^(b-1), and 0 where b == 0 (so 0^0 gives no NaN). */
function powBaseGrad(g: Tensor, a: Tensor, b: TensorLike): Tensor {
  if (b === 0) return fresh(g.shape, g.dtype);
  const ga = mul(mul(g, b), pow(a, typeof b === "number" ? b - 1 : sub(b, 1)));
  return typeof b === "number" ? ga : where(binaryRaw("eq", b, 0), 0, ga);
}

/** d/db a^b = a^b log(a), and 0 where a == 0 and b >= 0 (PyTorch's limit, not 0 * -inf). */
function powExponentGrad(g: Tensor, a: TensorLike, b: Tensor, y: Tensor): Tensor {
  const gb = mul(g, mul(y, a instanceof Tensor ? log(a) : Math.log(a)));
  if (typeof a === "number" && a !== 0) return gb;
  const atZero = binaryRaw("ge", b, 0);
  return where(typeof a === "number" ? atZero : binaryRaw("logicalAnd", binaryRaw("eq", a, 0), atZero), 0, gb);
}

/**
 * PyTorch's maximum/minimum gradient: each operand gets g where it won, half of g on a tie, and g where
 * the comparison is undecided (a NaN operand), since NaN is the result there.
 */
function extremumGrad(g: Tensor, a: TensorLike, b: TensorLike, isMax: boolean): [Tensor, Tensor] {
  const split = where(binaryRaw("eq", a, b), mul(g, 0.5), g);
  return [where(binaryRaw(isMax ? "lt" : "gt", a, b), 0, split), where(binaryRaw(isMax ? "gt" : "lt", a, b), 0, split)];
}

/** Refuses a computation in bool with PyTorch's kernel error. */
const refuseBool = (kernel: string) => (_a: DType, _b: DType, d: DType) => (d === "bool" ? notImplemented(kernel)(d) : null);

/** d atan2(a, b) = (b da - a db) / (a^2 + b^2). */
function atan2Grad(g: Tensor, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  const recip = reciprocal(add(mul(a, a), mul(b, b)));
  return [mul(mul(g, b), recip), mul(mul(g, neg(a as Tensor)), recip)];
}

/** remainder(a, b) = a - b floor(a / b): g for a, -g floor(a / b) for b (none in PyTorch when a is a number). */
function remainderGrad(g: Tensor, a: TensorLike, b: TensorLike): [Tensor, Tensor | null] {
  if (!(b instanceof Tensor)) return [g, null];
  if (!(a instanceof Tensor)) throw new AutogradError("derivative for aten::remainder is not implemented");
  return [g, mul(neg(g), binaryRaw("floorDivide", a, b))];
}

const NONE: BinarySaves = { a: [], b: [] };
const BOTH: BinarySaves = { a: ["a", "b"], b: ["a", "b"] };

const tensorOr = <T>(x: TensorLike, v: () => T): T | null => (x instanceof Tensor ? v() : null);

const compare = (torch: string, js: string, struct: string): BinaryRow => ({
  torch, api: "torch+method", result: "bool", js, grad: null, saves: NONE, native: { struct },
});

export const BINARY = {
  add: {
    torch: "torch.add", api: "torch+method", result: "promote", kernels: { bool: "logicalOr" }, custom: true,
    js: "x + y", grad: (g) => [g, g], saves: NONE, kwargs: [{ alpha: 2 }, { alpha: -0.5 }],
    native: { struct: "BAdd" }, wasm: true,
  },
  sub: {
    torch: "torch.sub", api: "torch+method", result: "promote", refuse: refuseBoolSub, custom: true,
    js: "x - y", grad: (g) => [g, neg(g)], saves: NONE, kwargs: [{ alpha: 2 }],
    native: { struct: "BSub" }, wasm: true,
  },
  mul: {
    torch: "torch.mul", api: "torch+method", result: "promote", kernels: { bool: "logicalAnd", int32: "mulInt32", int64: "mulInt64" },
    js: "x * y", grad: (g, a, b) => [tensorOr(a, () => mul(g, b)), tensorOr(b, () => mul(g, a))], saves: { a: ["b"], b: ["a"] },
    native: { struct: "BMul" }, wasm: true,
  },
  div: {
    torch: "torch.div", api: "torch+method", result: "float", custom: true,
    js: "x / y",
    // Each branch starts from g (a Tensor), so a number operand never meets another number.
    grad: (g, a, b) => [tensorOr(a, () => div(g, b)), tensorOr(b, () => neg(div(div(mul(g, a), b), b)))],
    saves: { a: ["b"], b: ["a", "b"] }, kwargs: [{ roundingMode: "trunc" }, { roundingMode: "floor" }],
    native: { struct: "BDiv" }, wasm: true,
    domain: [{ lo: -3, hi: 3 }, { lo: -3, hi: 3, avoid: [0] }],
  },
  pow: {
    torch: "torch.pow", api: "torch+method", result: "promote", custom: true,
    refuse: (_a, _b, d) => (d === "bool" ? notImplemented("pow")(d) : null),
    kernels: { int32: "powInt32", int64: "powInt64" },
    // C's pow, not JS's: 1^y and x^0 are 1 for every y and x (NaN too), (-1)^±inf is 1.
    js: "(x === 1 || y === 0 ? 1 : x === -1 && (y === Infinity || y === -Infinity) ? 1 : Math.pow(x, y))",
    grad: (g, a, b, y) => [tensorOr(a, () => powBaseGrad(g, a as Tensor, b)), tensorOr(b, () => powExponentGrad(g, a, b as Tensor, y))],
    saves: { a: ["a", "b"], b: ["a", "b", "output"] },
    domain: [{ lo: 0.2, hi: 3 }, { lo: -2, hi: 2 }],
  },
  maximum: {
    torch: "torch.maximum", api: "torch+method", result: "promote", tensorsOnly: true,
    // NaN wins; on a tie y is returned.
    js: "(x > y ? x : y === y ? (x === x ? y : x) : y)", grad: (g, a, b) => extremumGrad(g, a, b, true), saves: BOTH,
    edges: "NaN wins; a tie splits the gradient evenly",
    native: { struct: "BMax" }, domain: [{ lo: -3, hi: 3 }, { lo: -3, hi: 3 }],
  },
  minimum: {
    torch: "torch.minimum", api: "torch+method", result: "promote", tensorsOnly: true,
    js: "(x < y ? x : y === y ? (x === x ? y : x) : y)", grad: (g, a, b) => extremumGrad(g, a, b, false), saves: BOTH,
    edges: "NaN wins; a tie splits the gradient evenly",
    native: { struct: "BMin" }, domain: [{ lo: -3, hi: 3 }, { lo: -3, hi: 3 }],
  },
  eq: compare("torch.eq", "(x === y ? 1 : 0)", "BEq"),
  ne: compare("torch.ne", "(x !== y ? 1 : 0)", "BNe"),
  gt: compare("torch.gt", "(x > y ? 1 : 0)", "BGt"),
  lt: compare("torch.lt", "(x < y ? 1 : 0)", "BLt"),
  ge: compare("torch.ge", "(x >= y ? 1 : 0)", "BGe"),
  le: compare("torch.le", "(x <= y ? 1 : 0)", "BLe"),
  logicalAnd: {
    torch: "torch.logical_and", api: "torch+method", result: "bool", tensorsOnly: true,
    js: "(x !== 0 && y !== 0 ? 1 : 0)", grad: null, saves: NONE, edges: "NaN is true",
  },
  logicalOr: {
    torch: "torch.logical_or", api: "torch+method", result: "bool", tensorsOnly: true,
    js: "(x !== 0 || y !== 0 ? 1 : 0)", grad: null, saves: NONE, edges: "NaN is true",
  },
  reluGrad: {
    // x is relu's output, y the gradient flowing in: blocked where x <= 0, passed elsewhere (NaN too).
    torch: "", api: "internal", result: "promote", js: "(x <= 0 ? 0 : y)", grad: null, saves: NONE,
    native: { struct: "BReluGrad" }, wasm: true,
  },
  atan2: {
    torch: "torch.atan2", api: "torch+method", result: "float", tensorsOnly: true, js: "Math.atan2(x, y)",
    grad: atan2Grad, saves: BOTH,
  },
  remainder: {
    // Python's modulo: the result takes the sign of the divisor (C's fmod, then + y where the signs differ).
    torch: "torch.remainder", api: "torch+method", result: "promote", custom: true, refuse: refuseBool("remainder_cpu"),
    js: "h.remainder(x, y)", grad: remainderGrad, saves: { a: [], b: ["a", "b"] },
    edges: "PyTorch 1.13 has no gradient for a number divided by a tensor",
    domain: [{ lo: -3, hi: 3 }, { lo: -3, hi: 3, avoid: [0] }],
  },
  truncDivide: {
    torch: "", api: "internal", result: "promote", refuse: refuseBool("div_trunc_cpu"),
    js: "Math.trunc(x / y)", grad: "zero", saves: NONE,
  },
  floorDivide: {
    torch: "", api: "internal", result: "promote", refuse: refuseBool("div_floor_cpu"),
    js: "h.floorDivide(x, y)", grad: "zero", saves: NONE,
  },
  // Integer kernels: C's wrap-around (int32 exactly; int64 exactly where the result is representable).
  mulInt32: { torch: "", api: "internal", result: "promote", js: "Math.imul(x, y)", grad: null, saves: NONE },
  mulInt64: { torch: "", api: "internal", result: "promote", js: "h.mulInt64(x, y)", grad: null, saves: NONE },
  // PyTorch's powi: repeated squaring with wrap-around; a negative exponent gives 0 except for bases 1 and -1.
  powInt32: { torch: "", api: "internal", result: "promote", js: "h.powInt(x, y, true)", grad: null, saves: NONE },
  powInt64: { torch: "", api: "internal", result: "promote", js: "h.powInt(x, y, false)", grad: null, saves: NONE },
} satisfies Record<string, BinaryRow>;

export type BinaryName = keyof typeof BINARY;

export function binaryRow(op: BinaryName): BinaryRow {
  return BINARY[op];
}
