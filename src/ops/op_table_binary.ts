import { ArgumentError, AutogradError } from "../errors.ts";
import { resultType } from "./promotion.ts";
import { type DType, isFloating } from "../tensor/dtype.ts";
import { Tensor } from "../tensor/tensor.ts";
import { add, binaryRaw, checkIntegerDivisor, div, pow, sub } from "./binary.ts";
import { where } from "./indexing.ts";
import { type BinaryRow, type BinarySaves, type BinarySpec, INVERT_MASK, notImplemented } from "./op_spec.ts";
import { exp, exp2, log, mul, neg, reciprocal, xlogy } from "./op_functions.ts";
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
  return [g, mul(neg(g), binaryRaw("divFloor", a, b))];
}

/** fmod(a, b) = a - b trunc(a / b): g for a, -g trunc(a / b) for b. */
const fmodGrad = (g: Tensor, a: TensorLike, b: TensorLike): [Tensor, Tensor | null] =>
  [g, tensorOr(b, () => mul(neg(g), binaryRaw("truncDivide", a, b)))];

/** PyTorch's copysign gradient for self: g * result / self, 0 where self is 0; none reaches `other`. */
function copysignGrad(g: Tensor, a: TensorLike, b: TensorLike, y: Tensor): [Tensor | null, Tensor | null] {
  return [tensorOr(a, () => mul(g, where(binaryRaw("eq", a, 0), 0, div(y, a)))), tensorOr(b, () => fresh(g.shape, g.dtype))];
}

/** xlogy's gradients: log(b) g for a (0 where a == 0 and b <= 0), a g / b for b. */
function xlogyGrad(g: Tensor, a: TensorLike, b: TensorLike): [Tensor | null, Tensor | null] {
  const ga = () => {
    if (typeof b === "number" && b > 0) return xlogy(g, b);
    const zero = typeof b === "number" ? binaryRaw("eq", a, 0) : binaryRaw("logicalAnd", binaryRaw("eq", a, 0), binaryRaw("le", b, 0));
    return where(zero, 0, xlogy(g, b));
  };
  return [tensorOr(a, ga), tensorOr(b, () => div(mul(g, a), b))];
}

/** fmax/fmin: self gets g where it won (ties included) or other is NaN; other gets the rest. */
function fextremumGrad(g: Tensor, a: TensorLike, b: TensorLike, isMax: boolean): [Tensor, Tensor] {
  const self = binaryRaw("logicalOr", binaryRaw(isMax ? "ge" : "le", a, b), binaryRaw("ne", b, b));
  return [where(self, g, 0), where(self, 0, g)];
}

/** clamp_min/clamp_max: g to self where it was kept (NaN gives 0), to the bound elsewhere. */
function clampBoundGrad(g: Tensor, a: TensorLike, b: TensorLike, isMin: boolean): [Tensor, Tensor | null] {
  const kept = binaryRaw(isMin ? "ge" : "le", a, b);
  return [where(kept, g, 0), tensorOr(b, () => where(binaryRaw(isMin ? "lt" : "gt", a, b), g, 0))];
}

/** A number bound must fit an int32 self (clamp_min(int32, 3e9) is PyTorch's overflow error). */
function checkBound(a: TensorLike, b: TensorLike): void {
  if (typeof b === "number" && a instanceof Tensor && resultType(a, b) === "int32" && (b > 2147483647 || b < -2147483648)) {
    throw new ArgumentError("value cannot be converted to type int without overflow");
  }
}

/** PyTorch's error for an op with no derivative, raised by backward. */
const noDerivative = (message: string) => (): never => {
  throw new AutogradError(message);
};

/** Refuses every computation dtype but `ok`'s with PyTorch's kernel error (after the broadcast check). */
const only = (kernel: string, ok: (d: DType) => boolean) =>
  ({ refuse: (_a: DType, _b: DType, d: DType) => (ok(d) ? null : notImplemented(kernel)(d)), kernelRefuse: true });
const floats = (kernel: string) => only(kernel, isFloating);
const integers = (kernel: string) => only(kernel, (d) => d === "int32" || d === "int64");
const bits = (kernel: string) => only(kernel, (d) => !isFloating(d));

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
  eq: { ...compare, inplace: true },
  ne: { ...compare, inplace: true },
  gt: { ...compare, inplace: true },
  lt: { ...compare, inplace: true },
  ge: { ...compare, inplace: true },
  le: { ...compare, inplace: true },
  logicalAnd: { ...logical, inplace: "untracked" },
  logicalOr: { ...logical, inplace: "untracked" },
  logicalXor: { ...logical, inplace: "untracked" },
  reluGrad: internal(null),
  atan2: { api: "torch+method", result: "float", tensorsOnly: true, inplace: true, grad: atan2Grad, saves: BOTH },
  remainder: {
    api: "torch+method", result: "promote", custom: true, refuse: refuseBool("remainder_cpu"), inplace: true,
    grad: remainderGrad, saves: { a: [], b: ["a", "b"] },
  },
  truncDivide: internal("zero", "div_trunc_cpu"),
  divFloor: internal("zero", "div_floor_cpu"),
  fmod: {
    api: "torch+method", result: "promote", refuse: refuseBool("fmod_cpu"), check: checkIntegerDivisor, inplace: true,
    grad: fmodGrad, saves: { a: [], b: ["a", "b"] },
  },
  hypot: {
    api: "torch+method", result: "promote", tensorsOnly: true, ...floats("hypot_cpu"), inplace: true,
    grad: (g, a, b, y) => [mul(g, div(a, y)), mul(g, div(b, y))], saves: { a: ["a", "output"], b: ["b", "output"] },
  },
  copysign: { api: "torch+method", result: "float", inplace: true, grad: copysignGrad, saves: { a: ["a", "output"], b: [] } },
  logaddexp: {
    api: "torch+method", result: "promote", tensorsOnly: true, ...floats("logaddexp_cpu"),
    grad: (g, a, b) => [div(g, add(exp(sub(b, a)), 1)), div(g, add(exp(sub(a, b)), 1))], saves: BOTH,
  },
  logaddexp2: {
    api: "torch+method", result: "promote", tensorsOnly: true, ...floats("logaddexp2_cpu"),
    grad: (g, a, b) => [div(g, add(pow(2, sub(b, a)), 1)), div(g, add(pow(2, sub(a, b)), 1))], saves: BOTH,
  },
  xlogy: { api: "torch+method", result: "float", inplace: true, grad: xlogyGrad, saves: BOTH },
  fmax: { api: "torch+method", result: "promote", tensorsOnly: true, grad: (g, a, b) => fextremumGrad(g, a, b, true), saves: BOTH },
  fmin: { api: "torch+method", result: "promote", tensorsOnly: true, grad: (g, a, b) => fextremumGrad(g, a, b, false), saves: BOTH },
  heaviside: {
    api: "torch+method", result: "promote", tensorsOnly: true, inplace: { backwardError: "derivative for aten::heaviside_ is not implemented" },
    refuse: (a, b) => (a !== b ? "heaviside is not yet implemented for tensors with different dtypes." : null),
    grad: noDerivative("derivative for aten::heaviside is not implemented"), saves: NONE,
  },
  floorDivide: {
    api: "torch+method", result: "promote", refuse: refuseBool("div_floor_cpu"), check: checkIntegerDivisor,
    inplace: { backwardError: "derivative for aten::floor_divide_ is not implemented" },
    grad: noDerivative("derivative for aten::floor_divide is not implemented"), saves: NONE,
  },
  nextafter: {
    api: "torch+method", result: "promote", tensorsOnly: true, ...floats("nextafter_cpu"), inplace: true,
    kernels: { float32: "nextafterFloat32" }, grad: noDerivative("the derivative for 'nextafter' is not implemented."), saves: NONE,
  },
  ldexp: {
    // No ldexp_: PyTorch 1.13's runs mul with out=, which refuses any operand that requires grad.
    api: "torch+method", result: "float", tensorsOnly: true,
    grad: (g, a, b) => {
      // 2^b in a float dtype even for an integer exponent (PyTorch's pow(2.0, other)).
      const scale = exp2(b as Tensor);
      return [mul(g, scale), mul(mul(mul(g, a), scale), Math.LN2)];
    },
    saves: { a: ["b"], b: ["a", "b"] },
  },
  gcd: { api: "torch+method", result: "promote", tensorsOnly: true, ...integers("gcd_cpu"), inplace: true, grad: null, saves: NONE },
  lcm: {
    api: "torch+method", result: "promote", tensorsOnly: true, ...integers("lcm_cpu"), inplace: true,
    kernels: { int32: "lcmInt32" }, grad: null, saves: NONE,
  },
  bitwiseAnd: { api: "torch+method", result: "promote", ...bits("bitwise_and_cpu"), inplace: true, kernels: { int64: "bitwiseAndInt64" }, grad: null, saves: NONE },
  bitwiseOr: { api: "torch+method", result: "promote", ...bits("bitwise_or_cpu"), inplace: true, kernels: { int64: "bitwiseOrInt64" }, grad: null, saves: NONE },
  bitwiseXor: { api: "torch+method", result: "promote", ...bits("bitwise_xor_cpu"), inplace: true, kernels: { int64: "bitwiseXorInt64" }, grad: null, saves: NONE },
  bitwiseLeftShift: {
    api: "torch+method", result: "promote", ...integers("lshift_cpu"), inplace: true, kernels: { int64: "leftShiftInt64" }, grad: null, saves: NONE,
  },
  bitwiseRightShift: {
    api: "torch+method", result: "promote", ...integers("rshift_cpu"), inplace: true, kernels: { int64: "rightShiftInt64" }, grad: null, saves: NONE,
  },
  clampMin: { api: "torch+method", result: "promote", inplace: true, check: checkBound, grad: (g, a, b) => clampBoundGrad(g, a, b, true), saves: BOTH },
  clampMax: { api: "torch+method", result: "promote", inplace: true, check: checkBound, grad: (g, a, b) => clampBoundGrad(g, a, b, false), saves: BOTH },
  nextafterFloat32: internal(null),
  lcmInt32: internal(null),
  bitwiseAndInt64: internal(null),
  bitwiseOrInt64: internal(null),
  bitwiseXorInt64: internal(null),
  leftShiftInt64: internal(null),
  rightShiftInt64: internal(null),
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
  logicalXor: { torch: "torch.logical_xor", js: "((x !== 0) !== (y !== 0) ? 1 : 0)", edges: "NaN is true" },
  // x is relu's output, y the gradient flowing in: blocked where x <= 0, passed elsewhere (NaN too).
  reluGrad: { torch: "", js: "(x <= 0 ? 0 : y)", native: { struct: "BReluGrad" }, wasm: true },
  atan2: { torch: "torch.atan2", js: "Math.atan2(x, y)" },
  remainder: {
    torch: "torch.remainder",
    // Python's modulo: the result takes the sign of the divisor (C's fmod, then + y where the signs differ).
    js: "h.remainder(x, y)", edges: "PyTorch 1.13 has no gradient for a number divided by a tensor", domain: DIVISOR,
  },
  truncDivide: { torch: "", js: "Math.trunc(x / y)" },
  divFloor: { torch: "", js: "h.floorDivide(x, y)" },
  fmod: { torch: "torch.fmod", js: "x % y", edges: "C's fmod: the sign of the dividend", domain: DIVISOR },
  hypot: { torch: "torch.hypot", js: "Math.hypot(x, y)", edges: "an infinite operand gives inf, even beside NaN" },
  copysign: {
    torch: "torch.copysign", js: "(y < 0 || (y === 0 && 1 / y < 0) ? -Math.abs(x) : Math.abs(x))",
    edges: "-0 and negative divisors' signs are copied; the gradient is 0 at self = 0", domain: [{ lo: -3, hi: 3, avoid: [0] }, { lo: -3, hi: 3, avoid: [0] }],
  },
  logaddexp: {
    torch: "torch.logaddexp", js: "(x === y && (x === Infinity || x === -Infinity) ? x : Math.max(x, y) + Math.log1p(Math.exp(-Math.abs(x - y))))",
    edges: "equal infinities give themselves",
  },
  logaddexp2: {
    torch: "torch.logaddexp2",
    js: "(x === y && (x === Infinity || x === -Infinity) ? x : Math.max(x, y) + Math.log1p(Math.pow(2, -Math.abs(x - y))) / Math.LN2)",
    edges: "equal infinities give themselves",
  },
  xlogy: {
    torch: "torch.xlogy", js: "(y !== y ? y : x === 0 ? 0 : x * Math.log(y))", edges: "0 where x is 0 unless y is NaN",
    domain: [{ lo: -3, hi: 3 }, { lo: 0.1, hi: 4 }],
  },
  fmax: { torch: "torch.fmax", js: "(x !== x ? y : y !== y ? x : x < y ? y : x)", edges: "NaN loses; a tie (even +-0) gives self and its gradient", domain: SMOOTH },
  fmin: { torch: "torch.fmin", js: "(x !== x ? y : y !== y ? x : x > y ? y : x)", edges: "NaN loses; a tie (even +-0) gives self and its gradient", domain: SMOOTH },
  heaviside: { torch: "torch.heaviside", js: "(x === 0 ? y : x > 0 ? 1 : 0)", edges: "values at 0; NaN input gives 0" },
  floorDivide: { torch: "torch.floor_divide", js: "h.floorDivide(x, y)", edges: "rounds the quotient down (Python's //)", domain: DIVISOR },
  nextafter: { torch: "torch.nextafter", js: "h.nextafter(x, y, false)" },
  ldexp: { torch: "torch.ldexp", js: "x * Math.pow(2, y)" },
  gcd: { torch: "torch.gcd", js: "h.gcd(x, y)" },
  lcm: { torch: "torch.lcm", js: "h.lcm(x, y, false)" },
  bitwiseAnd: { torch: "torch.bitwise_and", js: "x & y" },
  bitwiseOr: { torch: "torch.bitwise_or", js: "x | y" },
  bitwiseXor: { torch: "torch.bitwise_xor", js: "x ^ y" },
  // int32: JS's shifts take the count modulo 32, as x86's (and so PyTorch 1.13's) do.
  bitwiseLeftShift: { torch: "torch.bitwise_left_shift", js: "x << y" },
  bitwiseRightShift: { torch: "torch.bitwise_right_shift", js: "x >> y" },
  clampMin: {
    torch: "torch.clamp_min", js: "(x !== x || y !== y ? x + y : x < y ? y : x)", edges: "NaN in either gives NaN",
    domain: [{ lo: -3, hi: 3 }, { lo: -3, hi: 3, avoid: [0] }],
  },
  clampMax: {
    torch: "torch.clamp_max", js: "(x !== x || y !== y ? x + y : x > y ? y : x)", edges: "NaN in either gives NaN",
    domain: [{ lo: -3, hi: 3 }, { lo: -3, hi: 3, avoid: [0] }],
  },
  nextafterFloat32: { torch: "", js: "h.nextafter(x, y, true)" },
  lcmInt32: { torch: "", js: "h.lcm(x, y, true)" },
  bitwiseAndInt64: { torch: "", js: "h.bitwise64(x, y, 0)" },
  bitwiseOrInt64: { torch: "", js: "h.bitwise64(x, y, 1)" },
  bitwiseXorInt64: { torch: "", js: "h.bitwise64(x, y, 2)" },
  leftShiftInt64: { torch: "", js: "h.shift64(x, y, true)" },
  rightShiftInt64: { torch: "", js: "h.shift64(x, y, false)" },
  // Integer kernels: C's wrap-around (int32 exactly; int64 exactly where the result is representable).
  mulInt32: { torch: "", js: "Math.imul(x, y)" },
  mulInt64: { torch: "", js: "h.mulInt64(x, y)" },
  // PyTorch's powi: repeated squaring with wrap-around; a negative exponent gives 0 except for bases 1 and -1.
  powInt32: { torch: "", js: "h.powInt(x, y, true)" },
  powInt64: { torch: "", js: "h.powInt(x, y, false)" },
} satisfies Record<BinaryName, BinarySpec>;
