import { ALL, FLOATS, INVERT_MASK, NUMBERS, type UnaryGrad, type UnaryRow, type UnarySaved, type UnarySpec, message, notImplemented } from "./op_spec.ts";
import { isGradEnabled } from "../autograd/grad_mode.ts";
import { add, binaryRaw, div, pow, reluGradRecorded, rsub } from "./binary.ts";
import { unaryRaw } from "./elementwise.ts";
import { where } from "./indexing.ts";
import { cos, cosh, digamma, erf, erfinv, exp, gt, mul, neg, rsqrt, sigmoid, sign, sin, sinh, square } from "./op_functions.ts";

/**
 * Every unary elementwise op, declared once in two tables keyed by the same names (see op_spec.ts for
 * the fields): UNARY, what the running library reads, and UNARY_SPEC, what only `npm run gen:ops` and
 * the OpInfo tests read (so no bundle carries it). After editing, run `npm run gen:ops`, then
 * `npm run fixtures` for the PyTorch expectations (scripts/fixtures/gen_opinfo.py).
 *
 * Gradients are written with ops; x is the input, y the output (detached), g the incoming gradient.
 */


/** An op whose gradient is zero or none and that reads its input cast to its result dtype. */
const flat = (accepts: UnaryRow["accepts"], result: UnaryRow["result"], grad: "zero" | null, refuse?: UnaryRow["refuse"]): UnaryRow =>
  ({ api: "torch+method", accepts, refuse, result, grad, saves: [] });
/** A predicate: reads the input in its own dtype (integers and bools are finite, never NaN). */
const predicate: UnaryRow = { api: "torch+method", accepts: ALL, result: "bool", reads: "input", grad: null, saves: [] };
/**
 * A float function of any input dtype (integers and bools compute in the default float dtype), a
 * Tensor method: most math ops. `more` adds fields (a per-dtype kernel).
 */
const math = (grad: UnaryGrad, saves: readonly UnarySaved[], more?: Partial<UnaryRow>): UnaryRow =>
  ({ api: "torch+method", accepts: ALL, result: "float", grad, saves, ...more });
/** A float function with an in-place method `name_`. */
const mathIn = (grad: UnaryGrad, saves: readonly UnarySaved[], more?: Partial<UnaryRow>): UnaryRow => math(grad, saves, { inplace: true, ...more });
/** An in-place form PyTorch 1.13 has without a derivative: backward raises its error. */
const inplaceWithoutGrad = (op: string): Partial<UnaryRow> => ({ inplace: { backwardError: `the derivative for 'inplace version of ${op}' is not implemented.` } });
/** A per-dtype kernel of another row. */
const internal = (accepts: UnaryRow["accepts"]): UnaryRow => ({ api: "internal", accepts, result: "same", grad: null, saves: [] });

export const UNARY = {
  neg: {
    api: "torch+method", accepts: NUMBERS, result: "same",
    refuse: message(`Negation, the \`-\` operator, on a bool tensor is not supported. ${INVERT_MASK}`),
    grad: (g) => neg(g), saves: [],
  },
  exp: math((g, _x, y) => mul(g, y), ["output"]),
  log: mathIn((g, x) => div(g, x), ["input"]),
  sqrt: math((g, _x, y) => div(g, mul(y, 2)), ["output"]),
  abs: {
    api: "torch+method", accepts: NUMBERS, refuse: notImplemented("abs_cpu"), result: "same",
    grad: (g, x) => mul(g, sign(x)), saves: ["input"],
  },
  tanh: math((g, _x, y) => mul(g, rsub(1, mul(y, y))), ["output"]),
  sigmoid: math((g, _x, y) => mul(g, mul(y, rsub(1, y))), ["output"]),
  relu: {
    api: "torch+method", accepts: NUMBERS, refuse: message("Boolean inputs not supported for relu"), result: "same",
    // PyTorch's threshold_backward on the output: blocked where y <= 0, passed elsewhere (NaN included).
    grad: (g, _x, y) => (isGradEnabled() ? reluGradRecorded(g, y) : binaryRaw("reluGrad", y, g)), saves: ["output"],
  },
  sign: { ...flat(ALL, "same", "zero"), inplace: true },
  sin: mathIn((g, x) => mul(g, cos(x)), ["input"]),
  cos: mathIn((g, x) => neg(mul(g, sin(x))), ["input"]),
  square: {
    api: "torch+method", accepts: ALL, kernels: { int32: "squareInt32", int64: "squareInt64" },
    // PyTorch's square is pow(x, 2), which promotes bool like any integer exponent does.
    result: (d) => (d === "bool" ? "int64" : d),
    grad: (g, x) => mul(g, mul(x, 2)), saves: ["input"], inplace: true,
  },
  reciprocal: mathIn((g, _x, y) => neg(mul(g, mul(y, y))), ["output"]),
  log1p: mathIn((g, x) => div(g, add(x, 1)), ["input"], { kernels: { float32: "log1pFloat32" } }),
  expm1: mathIn((g, _x, y) => mul(g, add(y, 1)), ["output"]),
  floor: { ...flat(NUMBERS, "same", "zero", notImplemented("floor_vml_cpu")), inplace: true },
  ceil: { ...flat(NUMBERS, "same", "zero", notImplemented("ceil_vml_cpu")), inplace: true },
  round: { ...flat(NUMBERS, "same", "zero", notImplemented("round_vml_cpu")), inplace: true },
  trunc: { ...flat(NUMBERS, "same", "zero", notImplemented("trunc_vml_cpu")), inplace: true },
  logicalNot: { ...flat(ALL, "bool", null), inplace: "untracked" },
  erf: mathIn((g, x) => mul(g, mul(exp(neg(mul(x, x))), 1.1283791670955126)), ["input"]),
  gelu: {
    api: "torch", accepts: FLOATS, refuse: notImplemented("GeluKernelImpl"), result: "same",
    // createGraph: the same formula as ops, Phi(x) + x phi(x), so it is differentiable again.
    grad: (g, x) => mul(g, isGradEnabled() ? add(mul(add(erf(mul(x, Math.SQRT1_2)), 1), 0.5), mul(mul(x, 0.3989422804014327), exp(mul(square(x), -0.5)))) : unaryRaw("geluGrad", x)),
    saves: ["input"],
  },
  rsqrt: mathIn((g, _x, y) => mul(mul(g, -0.5), pow(y, 3)), ["output"]),
  silu: {
    api: "F", accepts: FLOATS, refuse: notImplemented("silu_cpu"), result: "same",
    // PyTorch's silu_backward: g * s * (1 + x * (1 - s)), s = sigmoid(x).
    grad: (g, x) => {
      const s = sigmoid(x);
      return mul(g, mul(s, add(mul(x, rsub(1, s)), 1)));
    },
    saves: ["input"],
  },
  softplus: {
    // PyTorch's defaults beta = 1, threshold = 20: the identity above the threshold.
    api: "F", accepts: FLOATS, refuse: notImplemented("softplus_cpu"), result: "same",
    grad: (g, x) => where(gt(x, 20), g, mul(g, sigmoid(x))), saves: ["input"],
  },
  tan: mathIn((g, _x, y) => mul(g, add(mul(y, y), 1)), ["output"]),
  asin: mathIn((g, x) => mul(g, rsqrt(rsub(1, mul(x, x)))), ["input"]),
  acos: mathIn((g, x) => neg(mul(g, rsqrt(rsub(1, mul(x, x))))), ["input"]),
  atan: mathIn((g, x) => div(g, add(mul(x, x), 1)), ["input"]),
  sinh: mathIn((g, x) => mul(g, cosh(x)), ["input"]),
  cosh: mathIn((g, x) => mul(g, sinh(x)), ["input"]),
  asinh: math((g, x) => mul(g, rsqrt(add(square(x), 1))), ["input"], inplaceWithoutGrad("asinh")),
  acosh: math((g, x) => mul(g, rsqrt(add(square(x), -1))), ["input"], inplaceWithoutGrad("acosh")),
  atanh: math((g, x) => div(g, rsub(1, square(x))), ["input"], inplaceWithoutGrad("atanh")),
  log2: mathIn((g, x) => div(g, mul(x, Math.LN2)), ["input"]),
  log10: mathIn((g, x) => div(g, mul(x, Math.LN10)), ["input"]),
  exp2: mathIn((g, _x, y) => mul(mul(g, y), Math.LN2), ["output"]),
  erfc: mathIn((g, x) => mul(mul(exp(neg(square(x))), -1.1283791670955126), g), ["input"]),
  // 0.5 sqrt(pi) exp(erfinv(x)^2), erfinv recomputed from the saved input as PyTorch's formula does.
  erfinv: mathIn((g, x) => mul(mul(exp(square(erfinv(x))), 0.886226925452758), g), ["input"]),
  lgamma: mathIn((g, x) => mul(g, digamma(x)), ["input"]),
  // PyTorch's float32 trigamma reflects with float32 sin(pi x): the gradient at -1e30 follows it.
  digamma: mathIn((g, x) => mul(g, unaryRaw(x.dtype === "float32" ? "trigammaFloat32" : "trigamma", x)), ["input"]),
  frac: { api: "torch+method", accepts: FLOATS, refuse: notImplemented("frac_cpu"), result: "same", grad: (g) => g, saves: [], inplace: true },
  sinc: mathIn((g, x) => {
    // PyTorch's sinc_backward: g (pi x cos(pi x) - sin(pi x)) / (pi x^2), and 0 where that denominator is 0.
    const px = mul(x, Math.PI);
    const den = mul(mul(x, x), Math.PI);
    return where(binaryRaw("eq", den, 0), 0, div(mul(g, add(mul(px, cos(px)), neg(sin(px)))), den));
  }, ["input"], { kernels: { float32: "sincFloat32" } }),
  deg2rad: mathIn((g) => mul(g, Math.PI / 180), []),
  rad2deg: mathIn((g) => mul(g, 180 / Math.PI), []),
  sgn: { ...flat(ALL, "same", "zero"), inplace: true },
  angle: flat(ALL, "float", "zero"),
  signbit: predicate,
  i0: mathIn((g, x) => mul(g, unaryRaw(x.dtype === "float32" ? "i1Float32" : "i1", x)), ["input"], { kernels: { float32: "i0Float32" } }),
  bitwiseNot: {
    api: "torch+method", accepts: ["bool", "int"], refuse: notImplemented("bitwise_not_cpu"), result: "same",
    kernels: { bool: "bitwiseNotBool" }, grad: null, saves: [], inplace: true,
  },
  isnan: predicate,
  isinf: predicate,
  isfinite: predicate,
  isposinf: predicate,
  isneginf: predicate,
  // Per-dtype kernels of the rows above.
  squareInt32: internal(NUMBERS),
  squareInt64: internal(NUMBERS),
  log1pFloat32: internal(FLOATS),
  geluGrad: internal(FLOATS),
  sincFloat32: internal(FLOATS),
  trigamma: internal(FLOATS),
  trigammaFloat32: internal(FLOATS),
  bitwiseNotBool: internal(["bool"]),
  i0Float32: internal(FLOATS),
  i1: internal(FLOATS),
  i1Float32: internal(FLOATS),
} satisfies Record<string, UnaryRow>;

export type UnaryName = keyof typeof UNARY;

/** A row by name, typed as the general row (the literal types of `as const` are only for the names). */
export function unaryRow(op: UnaryName): UnaryRow {
  return UNARY[op];
}

/** The rest of each row: PyTorch's name, the JS formula, edge rules, the native and WASM kernels, the smooth domain. */
export const UNARY_SPEC = {
  neg: { torch: "torch.neg", js: "-x", native: { loop: "simple", struct: "UNeg" }, wasm: true },
  exp: { torch: "torch.exp", js: "Math.exp(x)", native: { loop: "math", struct: "UExp", cost: 8 } },
  log: { torch: "torch.log", js: "Math.log(x)", native: { loop: "math", struct: "ULog", cost: 8 }, domain: { lo: 0.1, hi: 4 } },
  sqrt: { torch: "torch.sqrt", js: "Math.sqrt(x)", native: { loop: "simple", struct: "USqrt" }, wasm: true, domain: { lo: 0.1, hi: 4 } },
  abs: {
    torch: "torch.abs", js: "Math.abs(x)", edges: "the gradient at 0 is 0 (sign(0))",
    native: { loop: "simple", struct: "UAbs" }, wasm: true, domain: { lo: -3, hi: 3, avoid: [0] },
  },
  tanh: { torch: "torch.tanh", js: "Math.tanh(x)", native: { loop: "math", struct: "UTanh", cost: 8 } },
  sigmoid: {
    torch: "torch.sigmoid",
    // Both branches only exponentiate non-positive numbers, so large |x| never overflows.
    js: "(x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)))",
    native: { loop: "math", struct: "USigmoid", cost: 8 },
  },
  relu: {
    torch: "torch.relu", js: "(x > 0 ? x : (x === x ? 0 : x))", edges: "NaN stays NaN and passes the gradient; -0 gives +0",
    native: { loop: "simple", struct: "URelu" }, wasm: true, domain: { lo: -3, hi: 3, avoid: [0] },
  },
  sign: {
    torch: "torch.sign", js: "(x > 0 ? 1 : x < 0 ? -1 : 0)", edges: "NaN and -0 give +0 (PyTorch 1.13)",
    native: { loop: "simple", struct: "USign" }, domain: { lo: -3, hi: 3, avoid: [0] },
  },
  sin: { torch: "torch.sin", js: "Math.sin(x)" },
  cos: { torch: "torch.cos", js: "Math.cos(x)" },
  square: { torch: "torch.square", js: "x * x", native: { loop: "simple", struct: "USquare" }, wasm: true },
  reciprocal: { torch: "torch.reciprocal", js: "1 / x", native: { loop: "simple", struct: "URecip" }, domain: { lo: -3, hi: 3, avoid: [0] } },
  log1p: {
    torch: "torch.log1p",
    // PyTorch's (Sleef's) log1p overflows to inf above 1e307 (float64) and 1e38 (float32).
    js: "(x > 1e307 ? Infinity : Math.log1p(x))",
    edges: "inf above 1e307 (float64) and 1e38 (float32), as PyTorch's vectorized log1p", domain: { lo: -0.9, hi: 4 },
  },
  expm1: { torch: "torch.expm1", js: "Math.expm1(x)", native: { loop: "math", struct: "UExpm1", cost: 8 } },
  floor: { torch: "torch.floor", js: "Math.floor(x)", native: { loop: "simple", struct: "UFloor" }, domain: { lo: -3, hi: 3, avoid: "integers" } },
  ceil: { torch: "torch.ceil", js: "Math.ceil(x)", native: { loop: "simple", struct: "UCeil" }, domain: { lo: -3, hi: 3, avoid: "integers" } },
  round: {
    torch: "torch.round", js: "(Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x))",
    edges: "ties go to the even neighbour", domain: { lo: -3, hi: 3, avoid: "halves" },
  },
  trunc: { torch: "torch.trunc", js: "Math.trunc(x)", domain: { lo: -3, hi: 3, avoid: "integers" } },
  logicalNot: {
    torch: "torch.logical_not",
    // The input is cast to bool first (every non-zero value is true, NaN included), then inverted.
    js: "(x !== 0 ? 0 : 1)", edges: "NaN is true",
  },
  erf: { torch: "torch.erf", js: "h.erf(x)" },
  gelu: { torch: "torch.nn.functional.gelu", js: "0.5 * x * (1 + h.erf(x * 0.7071067811865476))" },
  rsqrt: { torch: "torch.rsqrt", js: "1 / Math.sqrt(x)", edges: "-0 gives -inf, negatives NaN", domain: { lo: 0.1, hi: 4 } },
  silu: { torch: "torch.nn.functional.silu", js: "x / (1 + Math.exp(-x))", edges: "-inf gives NaN (-inf / inf), as PyTorch's x / (1 + exp(-x))" },
  softplus: { torch: "torch.nn.functional.softplus", js: "(x > 20 ? x : Math.log1p(Math.exp(x)))" },
  tan: { torch: "torch.tan", js: "Math.tan(x)" },
  asin: { torch: "torch.asin", js: "Math.asin(x)", domain: { lo: -0.9, hi: 0.9 } },
  acos: { torch: "torch.acos", js: "Math.acos(x)", domain: { lo: -0.9, hi: 0.9 } },
  atan: { torch: "torch.atan", js: "Math.atan(x)" },
  sinh: { torch: "torch.sinh", js: "Math.sinh(x)" },
  cosh: { torch: "torch.cosh", js: "Math.cosh(x)" },
  asinh: { torch: "torch.asinh", js: "Math.asinh(x)" },
  acosh: { torch: "torch.acosh", js: "Math.acosh(x)", domain: { lo: 1.1, hi: 4 } },
  atanh: { torch: "torch.atanh", js: "Math.atanh(x)", domain: { lo: -0.9, hi: 0.9 } },
  log2: { torch: "torch.log2", js: "Math.log2(x)", domain: { lo: 0.1, hi: 4 } },
  log10: { torch: "torch.log10", js: "Math.log10(x)", domain: { lo: 0.1, hi: 4 } },
  exp2: { torch: "torch.exp2", js: "Math.pow(2, x)" },
  erfc: { torch: "torch.erfc", js: "h.erfc(x)" },
  erfinv: { torch: "torch.erfinv", js: "h.erfinv(x)", edges: "+-1 give +-inf, |x| > 1 NaN", domain: { lo: -0.9, hi: 0.9 } },
  lgamma: {
    torch: "torch.lgamma", js: "h.lgamma(x)", edges: "+inf at 0, the negative integers and both infinities",
    domain: { lo: 0.1, hi: 4 },
  },
  digamma: {
    torch: "torch.digamma", js: "h.digamma(x)", edges: "-inf at +0, +inf at -0, NaN at the negative integers and -inf",
    domain: { lo: 0.1, hi: 4 },
  },
  frac: { torch: "torch.frac", js: "x - Math.trunc(x)", edges: "the sign of x; NaN for the infinities" },
  sinc: { torch: "torch.sinc", js: "(x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x))", edges: "1 at 0" },
  deg2rad: { torch: "torch.deg2rad", js: "x * 0.017453292519943295" },
  rad2deg: { torch: "torch.rad2deg", js: "x * 57.29577951308232" },
  sgn: { torch: "torch.sgn", js: "(x > 0 ? 1 : x < 0 ? -1 : 0)", edges: "as sign for real inputs: NaN and -0 give +0", domain: { lo: -3, hi: 3, avoid: [0] } },
  angle: { torch: "torch.angle", js: "(x < 0 ? Math.PI : x === x ? 0 : x)", edges: "real inputs: pi for negatives (-inf too), 0 for +-0 and positives, NaN for NaN; the gradient is zero, NaN included" },
  signbit: { torch: "torch.signbit", js: "(x < 0 || (x === 0 && 1 / x < 0) ? 1 : 0)", edges: "true for -0" },
  i0: { torch: "torch.i0", js: "h.i0(x, false)", edges: "inf past |x| = 709.78 (88.72 in float32), where PyTorch's exp(|x|) scaling overflows" },
  // Two's complement: ~x is -x - 1 (exact for int64 held as doubles); bool is logical not.
  bitwiseNot: { torch: "torch.bitwise_not", js: "-x - 1" },
  isnan: { torch: "torch.isnan", js: "(x !== x ? 1 : 0)" },
  isinf: { torch: "torch.isinf", js: "(x === Infinity || x === -Infinity ? 1 : 0)" },
  isfinite: { torch: "torch.isfinite", js: "(x - x === 0 ? 1 : 0)", edges: "NaN and both infinities are not finite" },
  isposinf: { torch: "torch.isposinf", js: "(x === Infinity ? 1 : 0)" },
  isneginf: { torch: "torch.isneginf", js: "(x === -Infinity ? 1 : 0)" },
  squareInt32: { torch: "", js: "Math.imul(x, x)" },
  squareInt64: { torch: "", js: "h.mulInt64(x, x)" },
  log1pFloat32: { torch: "", js: "(x > 9.999999680285692e37 ? Infinity : Math.log1p(x))" },
  // d/dx [x * Phi(x)] = Phi(x) + x * phi(x)
  geluGrad: { torch: "", js: "(0.5 * (1 + h.erf(x * 0.7071067811865476)) + x * 0.3989422804014327 * Math.exp(-0.5 * x * x))" },
  // PyTorch's float32 sinc: pi x rounded to float32 first (so 3e38 overflows to a NaN result).
  sincFloat32: { torch: "", js: "(x === 0 ? 1 : Math.sin(Math.fround(3.1415927410125732 * x)) / Math.fround(3.1415927410125732 * x))" },
  // PyTorch's polygamma(1, x), the gradient of digamma.
  trigamma: { torch: "", js: "h.trigamma(x, false)" },
  trigammaFloat32: { torch: "", js: "h.trigamma(x, true)" },
  bitwiseNotBool: { torch: "", js: "(x !== 0 ? 0 : 1)" },
  // PyTorch's float32 Bessel kernels overflow where float32 exp does.
  i0Float32: { torch: "", js: "h.i0(x, true)" },
  i1: { torch: "", js: "h.i1(x, false)" },
  i1Float32: { torch: "", js: "h.i1(x, true)" },
} satisfies Record<UnaryName, UnarySpec>;
