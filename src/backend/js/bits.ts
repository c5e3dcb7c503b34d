/**
 * Integer and bit-level helpers the op tables' formulas reach as `h.<name>`: int64 bitwise ops and
 * shifts (through BigInt where a value leaves int32), gcd/lcm, and nextafter in float64 and float32.
 * int64 values are held as doubles, so these are exact wherever the value itself is representable.
 */

const big = (x: number): bigint => BigInt(x);
const int64 = (v: bigint): number => Number(BigInt.asIntN(64, v));
const isInt32 = (x: number): boolean => (x | 0) === x;

/** int64 and/or/xor: 32-bit operators when both fit, else BigInt. */
export function bitwise64(x: number, y: number, op: 0 | 1 | 2): number {
  if (isInt32(x) && isInt32(y)) return op === 0 ? x & y : op === 1 ? x | y : x ^ y;
  const a = big(x);
  const b = big(y);
  return int64(op === 0 ? a & b : op === 1 ? a | b : a ^ b);
}

/** x86's int64 shift, as PyTorch 1.13's C shift runs it: the count taken modulo 64; right shifts keep the sign. */
export function shift64(x: number, y: number, left: boolean): number {
  const n = big(y) & 63n;
  return int64(left ? big(x) << n : big(x) >> n);
}

/** The non-negative greatest common divisor (gcd(0, 0) is 0). */
export function gcd(x: number, y: number): number {
  let a = Math.abs(x);
  let b = Math.abs(y);
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** |x / gcd * y|, 0 when either is 0; int32 results wrap as C's. */
export function lcm(x: number, y: number, int32: boolean): number {
  const g = gcd(x, y);
  if (g === 0) return 0;
  const q = x / g;
  return Math.abs(int32 ? Math.imul(q, y) : q * y);
}

const f64 = new Float64Array(1);
const u64 = new BigInt64Array(f64.buffer);
const f32 = new Float32Array(1);
const u32 = new Int32Array(f32.buffer);

/** The next representable value after x toward y (C's nextafter / nextafterf). */
export function nextafter(x: number, y: number, single: boolean): number {
  if (x !== x || y !== y) return NaN;
  if (x === y) return y;
  if (x === 0) return (y > 0 ? 1 : -1) * (single ? 1.401298464324817e-45 : 5e-324);
  const up = y > x === x > 0;
  if (single) {
    f32[0] = x;
    u32[0] = u32[0]! + (up ? 1 : -1);
    return f32[0]!;
  }
  f64[0] = x;
  u64[0] = u64[0]! + (up ? 1n : -1n);
  return f64[0]!;
}
