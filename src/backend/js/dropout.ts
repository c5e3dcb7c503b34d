/**
 * Dropout's mask and output in one pass (the reference kernel). The uniforms come from the xoshiro128**
 * stream of src/tensor/random.ts, drawn exactly as Generator.fillUniform draws them (one uint32 per
 * float32 element, two per float64), so a fused dropout keeps the values `rand(...) < keepProb` gave.
 * `keep` (when given) records the flags for dropoutBackward.
 */
type Floats = Float32Array | Float64Array;

export function dropout(state: Uint32Array, keepProb: number, scale: number, x: Floats, keep: Uint8Array | null, out: Floats, n: number): void {
  let s0 = state[0]! | 0, s1 = state[1]! | 0, s2 = state[2]! | 0, s3 = state[3]! | 0;
  const single = out instanceof Float32Array;
  // the scale as out's dtype holds it (1 * scale rounded once, as mul(keep, scale) did)
  const m = single ? Math.fround(scale) : scale;
  for (let i = 0; i < n; i++) {
    let r = Math.imul(((Math.imul(s1, 5) << 7) | (Math.imul(s1, 5) >>> 25)), 9) >>> 0;
    let t = s1 << 9;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
    let u: number;
    if (single) u = (r >>> 8) / 16777216;
    else {
      const hiBits = r >>> 5;
      r = Math.imul(((Math.imul(s1, 5) << 7) | (Math.imul(s1, 5) >>> 25)), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      u = (hiBits * 67108864 + (r >>> 6)) / 9007199254740992;
    }
    const kept = u < keepProb;
    if (keep !== null) keep[i] = kept ? 1 : 0;
    out[i] = x[i]! * (kept ? m : 0);
  }
  state[0] = s0; state[1] = s1; state[2] = s2; state[3] = s3;
}

/** out = g * (keep ? scale : 0), the scale rounded to g's dtype: dropout's gradient from its flags. */
export function dropoutBackward(keep: Uint8Array, scale: number, g: Floats, out: Floats, n: number): void {
  const m = g instanceof Float32Array ? Math.fround(scale) : scale;
  for (let i = 0; i < n; i++) out[i] = g[i]! * (keep[i] ? m : 0);
}
