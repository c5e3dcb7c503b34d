/**
 * torch.linspace's floating values bit for bit, as PyTorch 1.13's CPU kernel (RangeFactoriesKernel.cpp, AVX2
 * build) computes them: step = (end - start) / (steps - 1) in the dtype; the first half counts up from start,
 * the rest down from end, each a fused multiply-add (start + step * i, end - step * (steps - 1 - i)); but
 * whole pairs of vectors (8 floats or 4 doubles each) take the first value of each vector that way and add
 * j * step (rounded, unfused) for lane j. The ulps matter downstream: F.affineGrid's points land exactly on
 * pixel centres, or one ulp short of them, where grid sampling's gradient picks a different neighbour.
 */

/** a * b + c rounded once (doubles): the exact product as hi + lo (Dekker), then the two-term sum. */
function fma64(a: number, b: number, c: number): number {
  const p = a * b;
  const split = (v: number): [number, number] => {
    const t = 134217729 * v; // 2^27 + 1
    const hi = t - (t - v);
    return [hi, v - hi];
  };
  const [ah, al] = split(a);
  const [bh, bl] = split(b);
  const err = ah * bh - p + ah * bl + al * bh + al * bl;
  const s = p + c;
  const bp = s - p;
  const sumErr = p - (s - bp) + (c - bp);
  return s + (sumErr + err);
}

export function linspaceValues(out: Float32Array | Float64Array, start: number, end: number, steps: number): void {
  const single = out instanceof Float32Array;
  const r = single ? Math.fround : (v: number) => v;
  // float32: the product of a float and a small integer plus a float is exact in a double, so one fround is the fma.
  const fma = single ? (a: number, b: number, c: number) => Math.fround(a * b + c) : fma64;
  const s = r(start);
  const e = r(end);
  if (steps === 1) {
    out[0] = s;
    return;
  }
  const step = r(r(e - s) / (steps - 1));
  const half = Math.floor(steps / 2);
  const at = (i: number) => (i < half ? fma(step, i, s) : fma(-step, steps - 1 - i, e));
  const lanes = single ? 8 : 4;
  const vectorised = Math.floor(steps / (2 * lanes)) * 2 * lanes;
  for (let i = 0; i < steps; i++) {
    if (i >= vectorised) {
      out[i] = at(i);
      continue;
    }
    const j = i % lanes;
    out[i] = j === 0 ? at(i) : r(at(i - j) + r(j * step));
  }
}
