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
  for (let r = 0; r < rows; r++) G.fill(bias === null ? 0 : bias[r]!, off + r * bs, off + (r + 1) * bs);
}

/** rows[(row0+b)*cols + j] = S[sOff + j*ld + b]: a gate-major block to rows of a sequence tensor. */
export function columnsToRows(S: Floats, sOff: number, ld: number, bs: number, cols: number, rows: Floats, row0: number): void {
  for (let j = 0; j < cols; j++) {
    const s = sOff + j * ld;
    for (let b = 0; b < bs; b++) rows[(row0 + b) * cols + j] = S[s + b]!;
  }
}

/** dst[dOff + i] += src[sOff + i] for i < n. */
export function addInto(dst: Floats, dOff: number, src: Floats, sOff: number, n: number): void {
  for (let i = 0; i < n; i++) dst[dOff + i] += src[sOff + i]!;
}

/**
 * LSTM cell update from activated gates A[a..] = [i; f; g; o] (each [H, bs]): c = f*cPrev + i*g with
 * cPrev read from the state rows cS [B0, H], saved to CP[k..], c written to cS and to C[k..] (which
 * the caller turns into tanh(c) in place).
 */
export function lstmCell(A: Floats, a: number, cS: Floats, CP: Floats, C: Floats, k: number, H: number, bs: number): void {
  const hb = H * bs;
  for (let j = 0; j < H; j++) {
    const e0 = j * bs;
    for (let b = 0; b < bs; b++) {
      const e = e0 + b;
      const cp = cS[b * H + j]!;
      const c = A[a + hb + e]! * cp + A[a + e]! * A[a + 2 * hb + e]!;
      CP[k + e] = cp;
      C[k + e] = c;
      cS[b * H + j] = c;
    }
  }
}

/** h = o * tanh(c), o from A[a + 3*H*bs ..] and tanh(c) from TC[k..], to element (j, b) of out at oOff + j*sj + b*sb. */
export function lstmHidden(A: Floats, a: number, TC: Floats, k: number, H: number, bs: number, out: Floats, oOff: number, sj: number, sb: number): void {
  const o3 = a + 3 * H * bs;
  for (let j = 0; j < H; j++) {
    const e0 = j * bs;
    for (let b = 0; b < bs; b++) out[oOff + j * sj + b * sb] = A[o3 + e0 + b]! * TC[k + e0 + b]!;
  }
}

/**
 * LSTM cell backward for one step. dh: dL/dh of h = o*tanh(c), element (j, b) at j*dj + b*db; dcS: the
 * cell-state gradient rows [B0, H], read as the gradient from the next step and overwritten with the
 * gradient of cPrev. Writes the pre-activation gate gradients [di; df; dg; do] to columns of dG
 * (ld gLd, from column gOff).
 */
export function lstmCellBackward(
  dh: Floats, dj: number, db: number, A: Floats, a: number, TC: Floats, CP: Floats, k: number,
  dcS: Floats, dG: Floats, gOff: number, gLd: number, H: number, bs: number,
): void {
  const hb = H * bs;
  for (let j = 0; j < H; j++) {
    const gi = gOff + j * gLd;
    const gf = gi + H * gLd;
    const gg = gf + H * gLd;
    const go = gg + H * gLd;
    const e0 = j * bs;
    for (let b = 0; b < bs; b++) {
      const e = e0 + b;
      const i = A[a + e]!;
      const f = A[a + hb + e]!;
      const g = A[a + 2 * hb + e]!;
      const o = A[a + 3 * hb + e]!;
      const tc = TC[k + e]!;
      const d = dh[j * dj + b * db]!;
      const dc = dcS[b * H + j]! + d * o * (1 - tc * tc);
      dG[gi + b] = dc * g * i * (1 - i);
      dG[gf + b] = dc * CP[k + e]! * f * (1 - f);
      dG[gg + b] = dc * i * (1 - g * g);
      dG[go + b] = d * tc * o * (1 - o);
      dcS[b * H + j] = dc * f;
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

/** GRU: h = n + z * (hPrev - n), PyTorch's form, updating the state rows hS [B0, H] in place. */
export function gruHidden(A: Floats, a: number, hS: Floats, H: number, bs: number): void {
  const hb = H * bs;
  for (let j = 0; j < H; j++) {
    for (let b = 0; b < bs; b++) {
      const e = j * bs + b;
      const z = A[a + hb + e]!;
      const n = A[a + 2 * hb + e]!;
      hS[b * H + j] = n + z * (hS[b * H + j]! - n);
    }
  }
}

/**
 * GRU backward for one step. dhS: rows [B0, H] of dL/dh, overwritten with the part of dL/dhPrev that
 * does not go through W_hh (dh * z); hPrev read from the rows HP (row0, H columns). Writes the input
 * and hidden pre-activation gradients to columns of dGI and dGH (ld gLd, from column gOff).
 */
export function gruCellBackward(
  dhS: Floats, A: Floats, a: number, GHN: Floats, k: number, HP: Floats, row0: number,
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
      const d = dhS[b * H + j]!;
      const dnPre = d * (1 - z) * (1 - n * n);
      const drPre = dnPre * GHN[k + e]! * r * (1 - r);
      const dzPre = d * (hp - n) * z * (1 - z);
      dGI[gr + b] = drPre;
      dGH[gr + b] = drPre;
      dGI[gz + b] = dzPre;
      dGH[gz + b] = dzPre;
      dGI[gn + b] = dnPre;
      dGH[gn + b] = dnPre * r;
      dhS[b * H + j] = d * z;
    }
  }
}

/** Elman RNN backward: dG columns = dh * act'(pre), act' from the saved output A[k..] (tanh or relu); dhS rows [B0, H]. */
export function rnnCellBackward(dhS: Floats, A: Floats, k: number, relu: boolean, dG: Floats, gOff: number, gLd: number, H: number, bs: number): void {
  for (let j = 0; j < H; j++) {
    for (let b = 0; b < bs; b++) {
      const y = A[k + j * bs + b]!;
      const d = dhS[b * H + j]!;
      dG[gOff + j * gLd + b] = relu ? (y > 0 ? d : 0) : d * (1 - y * y);
    }
  }
}

/** out[r] = a[r] + b[r]. */
export function addVectors(a: Floats, b: Floats, out: Floats): void {
  for (let r = 0; r < out.length; r++) out[r] = a[r]! + b[r]!;
}
