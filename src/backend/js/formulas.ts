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

