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
  sign: "(x > 0 ? 1 : x < 0 ? -1 : x)",
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
  logicalNot: "(x ? 0 : 1)",
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
  pow: "Math.pow(x, y)",
  // NaN wins, as in PyTorch's maximum/minimum.
  maximum: "(x > y ? x : y === y ? (x === x ? y : x) : y)",
  minimum: "(x < y ? x : y === y ? (x === x ? y : x) : y)",
  eq: "(x === y ? 1 : 0)",
  ne: "(x !== y ? 1 : 0)",
  gt: "(x > y ? 1 : 0)",
  lt: "(x < y ? 1 : 0)",
  ge: "(x >= y ? 1 : 0)",
  le: "(x <= y ? 1 : 0)",
  // y is the gradient flowing in, x the forward input: relu passes it where x > 0.
  reluGrad: "(x > 0 ? y : 0)",
  logicalAnd: "(x && y ? 1 : 0)",
  logicalOr: "(x || y ? 1 : 0)",
  atan2: "Math.atan2(x, y)",
  // Python-style modulo: the result takes the sign of the divisor, as torch.remainder does.
  remainder: "(x - Math.floor(x / y) * y)",
};

/** erf with |error| < 1.2e-7 (Numerical Recipes' erfc Chebyshev fit), enough for float32 GELU. */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 +
        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r : r - 1;
}
