import type { BinaryOp, UnaryOp } from "../backend.ts";

/**
 * The forward formula of every elementwise op, as a JS expression over `x` (and `y`). The JS backend
 * compiles one specialised loop per entry, so adding an op is one line here rather than a new kernel.
 */
export const UNARY_FORMULAS: Record<UnaryOp, string> = {
  neg: "-x",
  exp: "Math.exp(x)",
  log: "Math.log(x)",
  sqrt: "Math.sqrt(x)",
  abs: "Math.abs(x)",
  tanh: "Math.tanh(x)",
  // Written to avoid exp overflow for large |x|: both branches only exponentiate non-positive numbers.
  sigmoid: "(x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)))",
  relu: "(x > 0 ? x : (x === x ? 0 : x))",
  // NaN and -0 give +0, as PyTorch 1.13's sign.
  sign: "(x > 0 ? 1 : x < 0 ? -1 : 0)",
  sin: "Math.sin(x)",
  cos: "Math.cos(x)",
  square: "x * x",
  reciprocal: "1 / x",
  log1p: "Math.log1p(x)",
  expm1: "Math.expm1(x)",
  floor: "Math.floor(x)",
  ceil: "Math.ceil(x)",
  // PyTorch rounds half to even.
  round: "(Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x))",
  trunc: "Math.trunc(x)",
  // Every non-zero value is true, NaN included (JS's truthiness would call NaN false).
  logicalNot: "(x !== 0 ? 0 : 1)",
  erf: "h.erf(x)",
  gelu: "0.5 * x * (1 + h.erf(x * 0.7071067811865476))",
  // d/dx [x * Phi(x)] = Phi(x) + x * phi(x)
  geluGrad: "(0.5 * (1 + h.erf(x * 0.7071067811865476)) + x * 0.3989422804014327 * Math.exp(-0.5 * x * x))",
};

export const BINARY_FORMULAS: Record<BinaryOp, string> = {
  add: "x + y",
  sub: "x - y",
  mul: "x * y",
  div: "x / y",
  // C's pow, not JS's: 1^y and x^0 are 1 for every y and x (NaN too), (-1)^±inf is 1.
  pow: "(x === 1 || y === 0 ? 1 : x === -1 && (y === Infinity || y === -Infinity) ? 1 : Math.pow(x, y))",
  // NaN wins, as in PyTorch's maximum/minimum.
  maximum: "(x > y ? x : y === y ? (x === x ? y : x) : y)",
  minimum: "(x < y ? x : y === y ? (x === x ? y : x) : y)",
  eq: "(x === y ? 1 : 0)",
  ne: "(x !== y ? 1 : 0)",
  gt: "(x > y ? 1 : 0)",
  lt: "(x < y ? 1 : 0)",
  ge: "(x >= y ? 1 : 0)",
  le: "(x <= y ? 1 : 0)",
  // y is the gradient flowing in, x the forward input: relu blocks it where x <= 0 and passes it
  // elsewhere, NaN included (PyTorch's threshold_backward on the output).
  reluGrad: "(x <= 0 ? 0 : y)",
  logicalAnd: "(x !== 0 && y !== 0 ? 1 : 0)",
  logicalOr: "(x !== 0 || y !== 0 ? 1 : 0)",
  atan2: "Math.atan2(x, y)",
  // Python-style modulo: the result takes the sign of the divisor, as torch.remainder does.
  remainder: "(x - Math.floor(x / y) * y)",
  truncDivide: "Math.trunc(x / y)",
  floorDivide: "h.floorDivide(x, y)",
};

/**
 * Python's floor division of doubles as PyTorch computes it (div_floor_floating): from the remainder,
 * so -0.5 // 0.25 is exactly -2 even where x / y rounds across an integer.
 */
export function floorDivide(x: number, y: number): number {
  if (y === 0) return x / y;
  const mod = x % y;
  let div = (x - mod) / y;
  if (mod !== 0 && y < 0 !== mod < 0) div -= 1;
  if (div === 0) {
    const q = x / y;
    return q < 0 || Object.is(q, -0) ? -0 : 0;
  }
  let fl = Math.floor(div);
  if (div - fl > 0.5) fl += 1;
  return fl;
}

