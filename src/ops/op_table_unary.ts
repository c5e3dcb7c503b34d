import { ALL, FLOATS, NUMBERS, type UnaryRow, message, notImplemented } from "./op_spec.ts";
import { add, binaryRaw, div, pow, rsub } from "./binary.ts";
import { unaryRaw } from "./elementwise.ts";
import { where } from "./indexing.ts";
import { cos, exp, gt, mul, neg, sigmoid, sign, sin } from "./op_functions.ts";

/**
 * Every unary elementwise op, declared once (see op_spec.ts for the fields). After editing, run
 * `npm run gen:ops`, then `npm run fixtures` for the PyTorch expectations (scripts/fixtures/gen_opinfo.py).
 *
 * Gradients are written with ops; x is the input, y the output (detached), g the incoming gradient.
 */

const NOT_FOR_BOOL = "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.";
const SQRT_2 = 0.7071067811865476;

export const UNARY = {
  neg: {
    torch: "torch.neg", api: "torch+method", accepts: NUMBERS, result: "same",
    refuse: message(`Negation, the \`-\` operator, on a bool tensor is not supported. ${NOT_FOR_BOOL}`),
    js: "-x", grad: (g) => neg(g), saves: [],
    native: { loop: "simple", struct: "UNeg" }, wasm: true,
  },
  exp: {
    torch: "torch.exp", api: "torch+method", accepts: ALL, result: "float",
    js: "Math.exp(x)", grad: (g, _x, y) => mul(g, y), saves: ["output"],
    native: { loop: "math", struct: "UExp", cost: 8 },
  },
  log: {
    torch: "torch.log", api: "torch+method", accepts: ALL, result: "float",
    js: "Math.log(x)", grad: (g, x) => div(g, x), saves: ["input"],
    native: { loop: "math", struct: "ULog", cost: 8 }, domain: { lo: 0.1, hi: 4 },
  },
  sqrt: {
    torch: "torch.sqrt", api: "torch+method", accepts: ALL, result: "float",
    js: "Math.sqrt(x)", grad: (g, _x, y) => div(g, mul(y, 2)), saves: ["output"],
    native: { loop: "simple", struct: "USqrt" }, wasm: true, domain: { lo: 0.1, hi: 4 },
  },
  abs: {
    torch: "torch.abs", api: "torch+method", accepts: NUMBERS, refuse: notImplemented("abs_cpu"), result: "same",
    js: "Math.abs(x)", grad: (g, x) => mul(g, sign(x)), saves: ["input"],
    edges: "the gradient at 0 is 0 (sign(0))",
    native: { loop: "simple", struct: "UAbs" }, wasm: true, domain: { lo: -3, hi: 3, avoid: [0] },
  },
  tanh: {
    torch: "torch.tanh", api: "torch+method", accepts: ALL, result: "float",
    js: "Math.tanh(x)", grad: (g, _x, y) => mul(g, rsub(1, mul(y, y))), saves: ["output"],
    native: { loop: "math", struct: "UTanh", cost: 8 },
  },
  sigmoid: {
    torch: "torch.sigmoid", api: "torch+method", accepts: ALL, result: "float",
    // Both branches only exponentiate non-positive numbers, so large |x| never overflows.
    js: "(x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)))",
    grad: (g, _x, y) => mul(g, mul(y, rsub(1, y))), saves: ["output"],
    native: { loop: "math", struct: "USigmoid", cost: 8 },
  },
  relu: {
    torch: "torch.relu", api: "torch+method", accepts: NUMBERS, refuse: message("Boolean inputs not supported for relu"),
    result: "same", js: "(x > 0 ? x : (x === x ? 0 : x))",
    // PyTorch's threshold_backward on the output: blocked where y <= 0, passed elsewhere (NaN included).
    grad: (g, _x, y) => binaryRaw("reluGrad", y, g), saves: ["output"],
    edges: "NaN stays NaN and passes the gradient; -0 gives +0",
    native: { loop: "simple", struct: "URelu" }, wasm: true, domain: { lo: -3, hi: 3, avoid: [0] },
  },
  sign: {
    torch: "torch.sign", api: "torch+method", accepts: ALL, result: "same",
    js: "(x > 0 ? 1 : x < 0 ? -1 : 0)", grad: "zero", saves: [],
    edges: "NaN and -0 give +0 (PyTorch 1.13)",
    native: { loop: "simple", struct: "USign" }, domain: { lo: -3, hi: 3, avoid: [0] },
  },
  sin: {
    torch: "torch.sin", api: "torch+method", accepts: ALL, result: "float",
    js: "Math.sin(x)", grad: (g, x) => mul(g, cos(x)), saves: ["input"],
  },
  cos: {
    torch: "torch.cos", api: "torch+method", accepts: ALL, result: "float",
    js: "Math.cos(x)", grad: (g, x) => neg(mul(g, sin(x))), saves: ["input"],
  },
  square: {
    torch: "torch.square", api: "torch+method", accepts: ALL, kernels: { int32: "squareInt32", int64: "squareInt64" },
    // PyTorch's square is pow(x, 2), which promotes bool like any integer exponent does.
    result: (d) => (d === "bool" ? "int64" : d),
    js: "x * x", grad: (g, x) => mul(g, mul(x, 2)), saves: ["input"],
    native: { loop: "simple", struct: "USquare" }, wasm: true,
  },
  reciprocal: {
    torch: "torch.reciprocal", api: "torch+method", accepts: ALL, result: "float",
    js: "1 / x", grad: (g, _x, y) => neg(mul(g, mul(y, y))), saves: ["output"],
    native: { loop: "simple", struct: "URecip" }, domain: { lo: -3, hi: 3, avoid: [0] },
  },
  log1p: {
    torch: "torch.log1p", api: "torch+method", accepts: ALL, result: "float", kernels: { float32: "log1pFloat32" },
    // PyTorch's (Sleef's) log1p overflows to inf above 1e307 (float64) and 1e38 (float32).
    js: "(x > 1e307 ? Infinity : Math.log1p(x))", grad: (g, x) => div(g, add(x, 1)), saves: ["input"],
    edges: "inf above 1e307 (float64) and 1e38 (float32), as PyTorch's vectorized log1p", domain: { lo: -0.9, hi: 4 },
  },
  expm1: {
    torch: "torch.expm1", api: "torch+method", accepts: ALL, result: "float",
    js: "Math.expm1(x)", grad: (g, _x, y) => mul(g, add(y, 1)), saves: ["output"],
    native: { loop: "math", struct: "UExpm1", cost: 8 },
  },
  floor: {
    torch: "torch.floor", api: "torch+method", accepts: NUMBERS, refuse: notImplemented("floor_vml_cpu"), result: "same",
    js: "Math.floor(x)", grad: "zero", saves: [],
    native: { loop: "simple", struct: "UFloor" }, domain: { lo: -3, hi: 3, avoid: "integers" },
  },
  ceil: {
    torch: "torch.ceil", api: "torch+method", accepts: NUMBERS, refuse: notImplemented("ceil_vml_cpu"), result: "same",
    js: "Math.ceil(x)", grad: "zero", saves: [],
    native: { loop: "simple", struct: "UCeil" }, domain: { lo: -3, hi: 3, avoid: "integers" },
  },
  round: {
    torch: "torch.round", api: "torch+method", accepts: NUMBERS, refuse: notImplemented("round_vml_cpu"), result: "same",
    js: "(Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x))", grad: "zero", saves: [],
    edges: "ties go to the even neighbour", domain: { lo: -3, hi: 3, avoid: "halves" },
  },
  trunc: {
    torch: "torch.trunc", api: "torch+method", accepts: NUMBERS, refuse: notImplemented("trunc_vml_cpu"), result: "same",
    js: "Math.trunc(x)", grad: "zero", saves: [], domain: { lo: -3, hi: 3, avoid: "integers" },
  },
  logicalNot: {
    torch: "torch.logical_not", api: "torch+method", accepts: ALL, result: "bool",
    // The input is cast to bool first (every non-zero value is true, NaN included), then inverted.
    js: "(x !== 0 ? 0 : 1)", grad: null, saves: [], edges: "NaN is true",
  },
  erf: {
    torch: "torch.erf", api: "torch+method", accepts: ALL, result: "float",
    js: "h.erf(x)", grad: (g, x) => mul(g, mul(exp(neg(mul(x, x))), 1.1283791670955126)), saves: ["input"],
  },
  gelu: {
    torch: "torch.nn.functional.gelu", api: "torch", accepts: FLOATS, refuse: notImplemented("GeluKernelImpl"), result: "same",
    js: `0.5 * x * (1 + h.erf(x * ${SQRT_2}))`, grad: (g, x) => mul(g, unaryRaw("geluGrad", x)), saves: ["input"],
  },
  rsqrt: {
    torch: "torch.rsqrt", api: "torch+method", accepts: ALL, result: "float",
    js: "1 / Math.sqrt(x)", grad: (g, _x, y) => mul(mul(g, -0.5), pow(y, 3)), saves: ["output"],
    edges: "-0 gives -inf, negatives NaN", domain: { lo: 0.1, hi: 4 },
  },
  silu: {
    torch: "torch.nn.functional.silu", api: "F", accepts: FLOATS, refuse: notImplemented("silu_cpu"), result: "same",
    js: "x / (1 + Math.exp(-x))",
    // PyTorch's silu_backward: g * s * (1 + x * (1 - s)), s = sigmoid(x).
    grad: (g, x) => {
      const s = sigmoid(x);
      return mul(g, mul(s, add(mul(x, rsub(1, s)), 1)));
    },
    saves: ["input"], edges: "-inf gives NaN (-inf / inf), as PyTorch's x / (1 + exp(-x))",
  },
  softplus: {
    // PyTorch's defaults beta = 1, threshold = 20: the identity above the threshold.
    torch: "torch.nn.functional.softplus", api: "F", accepts: FLOATS, refuse: notImplemented("softplus_cpu"), result: "same",
    js: "(x > 20 ? x : Math.log1p(Math.exp(x)))", grad: (g, x) => where(gt(x, 20), g, mul(g, sigmoid(x))), saves: ["input"],
  },
  // Predicates: read in the input's own dtype (reads: "input"); integers and bools are finite, never NaN.
  isnan: {
    torch: "torch.isnan", api: "torch+method", accepts: ALL, result: "bool", reads: "input",
    js: "(x !== x ? 1 : 0)", grad: null, saves: [],
  },
  isinf: {
    torch: "torch.isinf", api: "torch+method", accepts: ALL, result: "bool", reads: "input",
    js: "(x === Infinity || x === -Infinity ? 1 : 0)", grad: null, saves: [],
  },
  isfinite: {
    torch: "torch.isfinite", api: "torch+method", accepts: ALL, result: "bool", reads: "input",
    js: "(x - x === 0 ? 1 : 0)", grad: null, saves: [], edges: "NaN and both infinities are not finite",
  },
  isposinf: {
    torch: "torch.isposinf", api: "torch+method", accepts: ALL, result: "bool", reads: "input",
    js: "(x === Infinity ? 1 : 0)", grad: null, saves: [],
  },
  isneginf: {
    torch: "torch.isneginf", api: "torch+method", accepts: ALL, result: "bool", reads: "input",
    js: "(x === -Infinity ? 1 : 0)", grad: null, saves: [],
  },
  // Per-dtype kernels of the rows above.
  squareInt32: { torch: "", api: "internal", accepts: NUMBERS, result: "same", js: "Math.imul(x, x)", grad: null, saves: [] },
  squareInt64: { torch: "", api: "internal", accepts: NUMBERS, result: "same", js: "h.mulInt64(x, x)", grad: null, saves: [] },
  log1pFloat32: {
    torch: "", api: "internal", accepts: FLOATS, result: "same", js: "(x > 9.999999680285692e37 ? Infinity : Math.log1p(x))", grad: null, saves: [],
  },
  geluGrad: {
    // d/dx [x * Phi(x)] = Phi(x) + x * phi(x)
    torch: "", api: "internal", accepts: FLOATS, result: "same",
    js: `(0.5 * (1 + h.erf(x * ${SQRT_2})) + x * 0.3989422804014327 * Math.exp(-0.5 * x * x))`, grad: null, saves: [],
  },
} satisfies Record<string, UnaryRow>;

export type UnaryName = keyof typeof UNARY;

/** A row by name, typed as the general row (the literal types of `as const` are only for the names). */
export function unaryRow(op: UnaryName): UnaryRow {
  return UNARY[op];
}
