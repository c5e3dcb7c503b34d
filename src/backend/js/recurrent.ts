/**
 * Pointwise kernels of the fused recurrent layers (src/ops/recurrent_layer.ts). The layer keeps each
 * step's gates gate-major, [gates*H, bs] (the transposed layout cuDNN uses), so every gate is one
 * contiguous block the backend's `unary` sigmoid/tanh runs over; these loops do the rest of a step
 * (cell update, hidden output, their backward) in one pass each, and move states between that
 * column layout and the row layout [bs, features] of the sequence tensors.
 *
 * Column buffers: element (j, b) at `off + j*ld + b`. Row buffers: element (b, j) of step rows starting
 * at row `row0` at `(row0 + b)*cols + j`.
 */
type Floats = Float32Array | Float64Array;

/** G[r*bs + b] = bias[r] (0 without a bias) for r < rows, b < bs, from G[off]. */
export function fillRows(G: Floats, off: number, bias: Floats | null, rows: number, bs: number): void {
  for (let r = 0; r < rows; r++) {
    const v = bias === null ? 0 : bias[r]!;
    const o = off + r * bs;
    for (let b = 0; b < bs; b++) G[o + b] = v;
  }
}

/** rows[(row0+b)*cols + j] = S[sOff + j*ld + b]: columns of a state to rows of a sequence tensor. */
export function columnsToRows(S: Floats, sOff: number, ld: number, bs: number, cols: number, rows: Floats, row0: number): void {
  for (let b = 0; b < bs; b++) {
    const o = (row0 + b) * cols;
    for (let j = 0; j < cols; j++) rows[o + j] = S[sOff + j * ld + b]!;
  }
}

/** S[j*ld + b] (+)= rows[(row0+b)*cols + j]: rows of a sequence tensor into state columns. */
export function rowsToColumns(rows: Floats, row0: number, cols: number, bs: number, S: Floats, ld: number, accumulate: boolean): void {
  for (let b = 0; b < bs; b++) {
    const o = (row0 + b) * cols;
    if (accumulate) for (let j = 0; j < cols; j++) S[j * ld + b] += rows[o + j]!;
    else for (let j = 0; j < cols; j++) S[j * ld + b] = rows[o + j]!;
  }
}

/** dst[dOff + j*dLd + b] = src[sOff + j*sLd + b] for j < rows, b < bs. */
export function copyColumns(src: Floats, sOff: number, sLd: number, rows: number, bs: number, dst: Floats, dOff: number, dLd: number): void {
  for (let j = 0; j < rows; j++) {
    const s = sOff + j * sLd;
    const d = dOff + j * dLd;
    for (let b = 0; b < bs; b++) dst[d + b] = src[s + b]!;
  }
}

/**
 * LSTM cell update from activated gates A[a..] = [i; f; g; o] (each [H, bs]): c = f*cPrev + i*g with
 * cPrev read from the state columns cS (ld), saved to CP[k..], c written to cS and to C[k..] (which
 * the caller turns into tanh(c) in place).
 */
export function lstmCell(A: Floats, a: number, cS: Floats, ld: number, CP: Floats, C: Floats, k: number, H: number, bs: number): void {
  const hb = H * bs;
  for (let j = 0; j < H; j++) {
    for (let b = 0; b < bs; b++) {
      const e = j * bs + b;
      const cp = cS[j * ld + b]!;
      const c = A[a + hb + e]! * cp + A[a + e]! * A[a + 2 * hb + e]!;
      CP[k + e] = cp;
      C[k + e] = c;
      cS[j * ld + b] = c;
    }
  }
}

/** h = o * tanh(c) into columns out[oOff + j*ld + b], o from A[a + 3*H*bs ..], tanh(c) from TC[k..]. */
export function lstmHidden(A: Floats, a: number, TC: Floats, k: number, H: number, bs: number, out: Floats, oOff: number, ld: number): void {
  const o3 = a + 3 * H * bs;
  for (let j = 0; j < H; j++) {
    for (let b = 0; b < bs; b++) out[oOff + j * ld + b] = A[o3 + j * bs + b]! * TC[k + j * bs + b]!;
  }
}

/**
 * LSTM cell backward for one step. dh: columns (ld dhLd) of the gradient of h = o*tanh(c); dcS: the
 * cell-state gradient columns (ld), read as the gradient from the next step and overwritten with the
 * gradient of cPrev. Writes the pre-activation gate gradients [di; df; dg; do] to columns of dG
 * (ld gLd, from column gOff).
 */
export function lstmCellBackward(
  dh: Floats, dhLd: number, A: Floats, a: number, TC: Floats, CP: Floats, k: number,
  dcS: Floats, ld: number, dG: Floats, gOff: number, gLd: number, H: number, bs: number,
): void {
  const hb = H * bs;
  for (let j = 0; j < H; j++) {
    const gi = gOff + j * gLd;
    const gf = gi + H * gLd;
    const gg = gf + H * gLd;
    const go = gg + H * gLd;
    for (let b = 0; b < bs; b++) {
      const e = j * bs + b;
      const i = A[a + e]!;
      const f = A[a + hb + e]!;
      const g = A[a + 2 * hb + e]!;
      const o = A[a + 3 * hb + e]!;
      const tc = TC[k + e]!;
      const d = dh[j * dhLd + b]!;
      const dc = dcS[j * ld + b]! + d * o * (1 - tc * tc);
      dG[gi + b] = dc * g * i * (1 - i);
      dG[gf + b] = dc * CP[k + e]! * f * (1 - f);
      dG[gg + b] = dc * i * (1 - g * g);
      dG[go + b] = d * tc * o * (1 - o);
      dcS[j * ld + b] = dc * f;
    }
  }
}

/** GRU: A[a..] (r; z, 2H rows) = GI + GH over the first 2H rows of the two [3H, bs] blocks. */
export function gruResetUpdate(GI: Floats, GH: Floats, A: Floats, a: number, H: number, bs: number): void {
  const n = 2 * H * bs;
  for (let e = 0; e < n; e++) A[a + e] = GI[e]! + GH[e]!;
}

/** GRU: n's pre-activation GI_n + r * GH_n into A's third block; GH_n saved to GHN[k..]. */
export function gruNewGate(GI: Floats, GH: Floats, A: Floats, a: number, GHN: Floats, k: number, H: number, bs: number): void {
  const hb = H * bs;
  for (let e = 0; e < hb; e++) {
    const ghn = GH[2 * hb + e]!;
    GHN[k + e] = ghn;
    A[a + 2 * hb + e] = GI[2 * hb + e]! + A[a + e]! * ghn;
  }
}

/** GRU: h = n + z * (hPrev - n), PyTorch's form, updating the state columns hS (ld) in place. */
export function gruHidden(A: Floats, a: number, hS: Floats, ld: number, H: number, bs: number): void {
  const hb = H * bs;
  for (let j = 0; j < H; j++) {
    for (let b = 0; b < bs; b++) {
      const e = j * bs + b;
      const z = A[a + hb + e]!;
      const n = A[a + 2 * hb + e]!;
      hS[j * ld + b] = n + z * (hS[j * ld + b]! - n);
    }
  }
}

/**
 * GRU backward for one step. dhS: columns (ld) of dL/dh, overwritten with the part of dL/dhPrev that
 * does not go through W_hh (dh * z); hPrev read from the rows HP (row0, H columns). Writes the input
 * and hidden pre-activation gradients to columns of dGI and dGH (ld gLd, from column gOff).
 */
export function gruCellBackward(
  dhS: Floats, ld: number, A: Floats, a: number, GHN: Floats, k: number, HP: Floats, row0: number,
  dGI: Floats, dGH: Floats, gOff: number, gLd: number, H: number, bs: number,
): void {
  const hb = H * bs;
  for (let j = 0; j < H; j++) {
    const gr = gOff + j * gLd;
    const gz = gr + H * gLd;
    const gn = gz + H * gLd;
    for (let b = 0; b < bs; b++) {
      const e = j * bs + b;
      const r = A[a + e]!;
      const z = A[a + hb + e]!;
      const n = A[a + 2 * hb + e]!;
      const hp = HP[(row0 + b) * H + j]!;
      const d = dhS[j * ld + b]!;
      const dnPre = d * (1 - z) * (1 - n * n);
      const drPre = dnPre * GHN[k + e]! * r * (1 - r);
      const dzPre = d * (hp - n) * z * (1 - z);
      dGI[gr + b] = drPre;
      dGH[gr + b] = drPre;
      dGI[gz + b] = dzPre;
      dGH[gz + b] = dzPre;
      dGI[gn + b] = dnPre;
      dGH[gn + b] = dnPre * r;
      dhS[j * ld + b] = d * z;
    }
  }
}

/** Elman RNN backward: dG columns = dh * act'(pre), act' from the saved output A[k..] (tanh or relu). */
export function rnnCellBackward(dhS: Floats, ld: number, A: Floats, k: number, relu: boolean, dG: Floats, gOff: number, gLd: number, H: number, bs: number): void {
  for (let j = 0; j < H; j++) {
    for (let b = 0; b < bs; b++) {
      const y = A[k + j * bs + b]!;
      const d = dhS[j * ld + b]!;
      dG[gOff + j * gLd + b] = relu ? (y > 0 ? d : 0) : d * (1 - y * y);
    }
  }
}

/** out[r] = a[r] + b[r]. */
export function addVectors(a: Floats, b: Floats, out: Floats): void {
  for (let r = 0; r < out.length; r++) out[r] = a[r]! + b[r]!;
}
