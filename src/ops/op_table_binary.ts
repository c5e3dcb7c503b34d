import { AutogradError } from "../errors.ts";
import type { DType } from "../tensor/dtype.ts";
import { Tensor } from "../tensor/tensor.ts";
import { add, binaryRaw, div, pow, sub } from "./binary.ts";
import { where } from "./indexing.ts";
import { type BinaryRow, type BinarySaves, type BinarySpec, INVERT_MASK, notImplemented } from "./op_spec.ts";
import { log, mul, neg, reciprocal } from "./op_functions.ts";
import type { TensorLike } from "./util.ts";
import { fresh } from "./util.ts";

/**
 * Every binary elementwise op, declared once in two tables keyed by the same names (see op_spec.ts for
 * the fields): BINARY, what the running library reads, and BINARY_SPEC, what only `npm run gen:ops`
 * and the OpInfo tests read. After editing, run `npm run gen:ops`, then `npm run fixtures` for the
 * PyTorch expectations.
 *
 * Gradients are written with ops from the incoming gradient g, the operands a and b (a JS number has
 * no gradient) and the output y. Gradients that pick between operands use `where`, never a multiply by
 * a 0/1 mask, so an infinite or NaN incoming gradient does not leak into the operand that lost.
 */


function refuseBoolSub(a: DType, b: DType): string | null {
  if (a === "bool" && b === "bool") {
    return "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.";
  }
  return a === "bool" || b === "bool" ? `Subtraction, the \`-\` operator, with a bool tensor is not supported. ${INVERT_MASK}` : null;
}

/** d/da a^b = b a^(b-1), and 0 where b == 0 (so 0^0 gives no NaN). */
function powBaseGrad(g: Tensor, a: Tensor, b: TensorLike): Tensor {
  if (b === 0) return fresh(g.shape, g.dtype);
  const ga = mul(mul(g, b), pow(a, typeof b === "number" ? b - 1 : sub(b, 1)));
  return typeof b === "number" ? ga : where(binaryRaw("eq", b, 0), 0, ga);
}

/**
 * d/db a^b = a^b log(a), and 0 where a == 0 and b >= 0 (PyTorch's limit, not 0 * -inf). The mask is
 * applied before g multiplies, as in PyTorch: a NaN g stays NaN there.
 */
function powExponentGrad(g: Tensor, a: TensorLike, b: Tensor, y: Tensor): Tensor {
  const d = mul(y, a instanceof Tensor ? log(a) : Math.log(a));
  if (typeof a === "number" && a !== 0) return mul(g, d);
  const atZero = binaryRaw("ge", b, 0);
  return mul(g, where(typeof a === "number" ? atZero : binaryRaw("logicalAnd", binaryRaw("eq", a, 0), atZero), 0, d));
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

const compare: BinaryRow = { api: "torch+method", result: "bool", grad: null, saves: NONE };
const logical: BinaryRow = { api: "torch+method", result: "bool", tensorsOnly: true, grad: null, saves: NONE };
/** An internal kernel (another row's per-dtype kernel or a gradient's), optionally refusing bool. */
const internal = (grad: "zero" | null, kernel?: string): BinaryRow =>
  ({ api: "internal", result: "promote", refuse: kernel === undefined ? undefined : refuseBool(kernel), grad, saves: NONE });

export const BINARY = {
  add: { api: "torch+method", result: "promote", kernels: { bool: "logicalOr" }, custom: true, grad: (g) => [g, g], saves: NONE },
  sub: { api: "torch+method", result: "promote", refuse: refuseBoolSub, custom: true, grad: (g) => [g, neg(g)], saves: NONE },
  mul: {
    api: "torch+method", result: "promote", kernels: { bool: "logicalAnd", int32: "mulInt32", int64: "mulInt64" },
    grad: (g, a, b) => [tensorOr(a, () => mul(g, b)), tensorOr(b, () => mul(g, a))], saves: { a: ["b"], b: ["a"] },
  },
  div: {
    api: "torch+method", result: "float", custom: true,
    // Each branch starts from g (a Tensor), so a number operand never meets another number.
    grad: (g, a, b) => [tensorOr(a, () => div(g, b)), tensorOr(b, () => neg(div(div(mul(g, a), b), b)))],
    saves: { a: ["b"], b: ["a", "b"] },
  },
  pow: {
    api: "torch+method", result: "promote", custom: true, refuse: refuseBool("pow"),
    kernels: { int32: "powInt32", int64: "powInt64" },
    grad: (g, a, b, y) => [tensorOr(a, () => powBaseGrad(g, a as Tensor, b)), tensorOr(b, () => powExponentGrad(g, a, b as Tensor, y))],
    saves: { a: ["a", "b"], b: ["a", "b", "output"] },
  },
  maximum: { api: "torch+method", result: "promote", tensorsOnly: true, grad: (g, a, b) => extremumGrad(g, a, b, true), saves: BOTH },
  minimum: { api: "torch+method", result: "promote", tensorsOnly: true, grad: (g, a, b) => extremumGrad(g, a, b, false), saves: BOTH },
  eq: compare,
  ne: compare,
  gt: compare,
  lt: compare,
  ge: compare,
  le: compare,
  logicalAnd: logical,
  logicalOr: logical,
  reluGrad: internal(null),
  atan2: { api: "torch+method", result: "float", tensorsOnly: true, grad: atan2Grad, saves: BOTH },
  remainder: {
    api: "torch+method", result: "promote", custom: true, refuse: refuseBool("remainder_cpu"),
    grad: remainderGrad, saves: { a: [], b: ["a", "b"] },
  },
  truncDivide: internal("zero", "div_trunc_cpu"),
  floorDivide: internal("zero", "div_floor_cpu"),
  mulInt32: internal(null),
  mulInt64: internal(null),
  powInt32: internal(null),
  powInt64: internal(null),
} satisfies Record<string, BinaryRow>;

export type BinaryName = keyof typeof BINARY;

export function binaryRow(op: BinaryName): BinaryRow {
  return BINARY[op];
}

const SMOOTH: BinarySpec["domain"] = [{ lo: -3, hi: 3 }, { lo: -3, hi: 3 }];
const DIVISOR: BinarySpec["domain"] = [{ lo: -3, hi: 3 }, { lo: -3, hi: 3, avoid: [0] }];

/** The rest of each row: PyTorch's name, the JS formula, edge rules, kernels, OpInfo keyword variants and domains. */
export const BINARY_SPEC = {
  add: { torch: "torch.add", js: "x + y", kwargs: [{ alpha: 2 }, { alpha: -0.5 }], native: { struct: "BAdd" }, wasm: true },
  sub: { torch: "torch.sub", js: "x - y", kwargs: [{ alpha: 2 }], native: { struct: "BSub" }, wasm: true },
  mul: { torch: "torch.mul", js: "x * y", native: { struct: "BMul" }, wasm: true },
  div: {
    torch: "torch.div", js: "x / y", kwargs: [{ roundingMode: "trunc" }, { roundingMode: "floor" }],
    native: { struct: "BDiv" }, wasm: true, domain: DIVISOR,
  },
  pow: {
    torch: "torch.pow",
    // C's pow, not JS's: 1^y and x^0 are 1 for every y and x (NaN too), (-1)^±inf is 1.
    js: "(x === 1 || y === 0 ? 1 : x === -1 && (y === Infinity || y === -Infinity) ? 1 : Math.pow(x, y))",
    domain: [{ lo: 0.2, hi: 3 }, { lo: -2, hi: 2 }],
  },
  maximum: {
    torch: "torch.maximum",
    // NaN wins; on a tie y is returned.
    js: "(x > y ? x : y === y ? (x === x ? y : x) : y)", edges: "NaN wins; a tie splits the gradient evenly",
    native: { struct: "BMax" }, domain: SMOOTH,
  },
  minimum: {
    torch: "torch.minimum", js: "(x < y ? x : y === y ? (x === x ? y : x) : y)", edges: "NaN wins; a tie splits the gradient evenly",
    native: { struct: "BMin" }, domain: SMOOTH,
  },
  eq: { torch: "torch.eq", js: "(x === y ? 1 : 0)", native: { struct: "BEq" } },
  ne: { torch: "torch.ne", js: "(x !== y ? 1 : 0)", native: { struct: "BNe" } },
  gt: { torch: "torch.gt", js: "(x > y ? 1 : 0)", native: { struct: "BGt" } },
  lt: { torch: "torch.lt", js: "(x < y ? 1 : 0)", native: { struct: "BLt" } },
  ge: { torch: "torch.ge", js: "(x >= y ? 1 : 0)", native: { struct: "BGe" } },
  le: { torch: "torch.le", js: "(x <= y ? 1 : 0)", native: { struct: "BLe" } },
  logicalAnd: { torch: "torch.logical_and", js: "(x !== 0 && y !== 0 ? 1 : 0)", edges: "NaN is true" },
  logicalOr: { torch: "torch.logical_or", js: "(x !== 0 || y !== 0 ? 1 : 0)", edges: "NaN is true" },
  // x is relu's output, y the gradient flowing in: blocked where x <= 0, passed elsewhere (NaN too).
  reluGrad: { torch: "", js: "(x <= 0 ? 0 : y)", native: { struct: "BReluGrad" }, wasm: true },
  atan2: { torch: "torch.atan2", js: "Math.atan2(x, y)" },
  remainder: {
    torch: "torch.remainder",
    // Python's modulo: the result takes the sign of the divisor (C's fmod, then + y where the signs differ).
    js: "h.remainder(x, y)", edges: "PyTorch 1.13 has no gradient for a number divided by a tensor", domain: DIVISOR,
  },
  truncDivide: { torch: "", js: "Math.trunc(x / y)" },
  floorDivide: { torch: "", js: "h.floorDivide(x, y)" },
  // Integer kernels: C's wrap-around (int32 exactly; int64 exactly where the result is representable).
  mulInt32: { torch: "", js: "Math.imul(x, y)" },
  mulInt64: { torch: "", js: "h.mulInt64(x, y)" },
  // PyTorch's powi: repeated squaring with wrap-around; a negative exponent gives 0 except for bases 1 and -1.
  powInt32: { torch: "", js: "h.powInt(x, y, true)" },
  powInt64: { torch: "", js: "h.powInt(x, y, false)" },
} satisfies Record<BinaryName, BinarySpec>;
