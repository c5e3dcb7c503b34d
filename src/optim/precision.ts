/**
 * Update loops are written once per precision (float32 rounding each op as PyTorch's CPU kernels do,
 * float64 plain): byPrecision picks the loop by the parameter's array. Each loop only ever sees one
 * array type and one rounding, which keeps it monomorphic in V8 (a single loop taking the rounding
 * as an argument runs many times slower once it has seen both).
 */
import type { FloatArray } from "./dense.ts";

export function byPrecision<A extends unknown[]>(
  k32: (p: Float32Array, ...rest: A) => void,
  k64: (p: Float64Array, ...rest: A) => void,
): (p: FloatArray, ...rest: A) => void {
  return (p, ...rest) => (p instanceof Float32Array ? k32(p, ...rest) : k64(p, ...rest));
}
