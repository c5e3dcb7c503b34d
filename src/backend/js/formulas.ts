/**
 * The forward formula of every elementwise op is declared in the op tables (src/ops/op_table_*.ts) and
 * generated into ../elementwise_ops.ts; the JS backend compiles one specialised loop per entry. This file
 * keeps the helpers formulas reach as `h.<name>`.
 */
export { BINARY_FORMULAS, UNARY_FORMULAS } from "../elementwise_ops.ts";

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


/** An int64 product with C's wrap-around modulo 2^64 (exact while the result is representable in a double). */
export function mulInt64(x: number, y: number): number {
  const p = x * y;
  return Number.isSafeInteger(p) ? p + 0 : Number(BigInt.asIntN(64, BigInt(x) * BigInt(y)));
}

/**
 * PyTorch's integer pow (powi): repeated squaring with wrap-around (int32 exactly through Math.imul); a
 * negative exponent gives 1 for base 1, +-1 for base -1 and 0 otherwise.
 */
export function powInt(a: number, b: number, int32: boolean): number {
  if (b < 0) return a === 1 ? 1 : a === -1 ? (b % 2 === 0 ? 1 : -1) : 0;
  let r = 1;
  for (let e = b, base = a; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) r = int32 ? Math.imul(r, base) : mulInt64(r, base);
    base = int32 ? Math.imul(base, base) : mulInt64(base, base);
  }
  return r;
}

/** torch.remainder: C's fmod, moved into the divisor's sign (so 5 % -3 is -1, -0 % 2 stays -0). */
export function remainder(x: number, y: number): number {
  const m = x % y;
  return m !== 0 && y < 0 !== m < 0 ? m + y : m;
}
