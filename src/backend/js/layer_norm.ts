/**
 * Layer normalisation over the last `size` elements of each of `rows` contiguous rows, forward and
 * backward as one pass per row (the reference kernels; native/addon_norm.cc is the same arithmetic).
 * Statistics and sums are in double, each stored value rounded once to the arrays' dtype:
 *
 *   forward:  mean, biased var, rstd = 1 / sqrt(var + eps), xhat = (x - mean) * rstd, out = xhat * w + b
 *   backward: gxh = g * w;  gx = rstd * (gxh - mean(gxh) - xhat * mean(gxh * xhat))
 *             gw = sum over rows of g * xhat, gb = sum over rows of g  (overwritten, not accumulated)
 */
type Floats = Float32Array | Float64Array;

export function layerNorm(
  x: Floats, w: Floats | null, b: Floats | null, out: Floats, xhat: Floats, rstd: Floats, rows: number, size: number, eps: number,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * size;
    let s = 0;
    for (let i = 0; i < size; i++) s += x[o + i]!;
    const mean = s / size;
    let v = 0;
    for (let i = 0; i < size; i++) {
      const d = x[o + i]! - mean;
      v += d * d;
    }
    const rs = 1 / Math.sqrt(v / size + eps);
    rstd[r] = rs;
    for (let i = 0; i < size; i++) {
      xhat[o + i] = (x[o + i]! - mean) * rs;
      // from the stored xhat, which is what backward sees
      const h = xhat[o + i]!;
      out[o + i] = w === null ? (b === null ? h : h + b[i]!) : (b === null ? h * w[i]! : h * w[i]! + b[i]!);
    }
  }
}

export function layerNormBackward(
  g: Floats, xhat: Floats, w: Floats | null, rstd: Floats, gx: Floats | null, gw: Floats | null, gb: Floats | null, rows: number, size: number,
): void {
  if (gx !== null) {
    for (let r = 0; r < rows; r++) {
      const o = r * size;
      let a = 0, c = 0;
      for (let i = 0; i < size; i++) {
        const gh = w === null ? g[o + i]! : g[o + i]! * w[i]!;
        a += gh;
        c += gh * xhat[o + i]!;
      }
      a /= size;
      c /= size;
      const rs = rstd[r]!;
      for (let i = 0; i < size; i++) {
        const gh = w === null ? g[o + i]! : g[o + i]! * w[i]!;
        gx[o + i] = rs * (gh - a - xhat[o + i]! * c);
      }
    }
  }
  if (gw === null && gb === null) return;
  const sw = new Float64Array(size), sb = new Float64Array(size);
  for (let r = 0; r < rows; r++) {
    const o = r * size;
    for (let i = 0; i < size; i++) {
      sw[i]! += g[o + i]! * xhat[o + i]!;
      sb[i]! += g[o + i]!;
    }
  }
  if (gw !== null) gw.set(sw);
  if (gb !== null) gb.set(sb);
}
