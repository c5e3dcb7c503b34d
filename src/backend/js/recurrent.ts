/**
 * Pointwise kernels of the fused GRU and Elman RNN layers (src/ops/recurrent_steps.ts; the LSTM's step
 * is written with the backend's vector kernels, recurrent_lstm.ts). Those layers keep each step's
 * gates gate-major, [gates*H, bs] (the transposed layout cuDNN uses), so every gate is one contiguous
 * block the backend's `unary` sigmoid/tanh runs over; these loops do the rest of a step
 * (cell update, hidden output, their backward) in one pass each, and move states between that
 * column layout and the row layout [bs, features] of the sequence tensors. They are the reference of
 * the optional kernel "recurrentCells" (src/backend/recurrent_cells.ts), which the native backend has.
 *
 * Column buffers: element (j, b) at `off + j*ld + b`. Row buffers: element (b, j) of step rows starting
 * at row `row0` at `(row0 + b)*cols + j`.
 */
type Floats = Float32Array | Float64Array;

/** rows[(row0+b)*cols + j] = S[sOff + j*ld + b]: a gate-major block to rows of a sequence tensor. */
export function columnsToRows(S: Floats, sOff: number, ld: number, bs: number, cols: number, rows: Floats, row0: number): void {
  for (let j = 0; j < cols; j++) {
    const s = sOff + j * ld;
    for (let b = 0; b < bs; b++) rows[(row0 + b) * cols + j] = S[s + b]!;
  }
}

/**
 * GRU: A[a..] (r; z, 2H rows) = GI + GH over the first 2H rows; GH is a [3H, bs] block, GI's gate
 * rows start at gi + r*ld (the input side of all steps is one [3H, N] matrix).
 */
export function gruResetUpdate(GI: Floats, gi: number, ld: number, GH: Floats, A: Floats, a: number, H: number, bs: number): void {
  for (let r = 0; r < 2 * H; r++) {
    for (let b = 0; b < bs; b++) A[a + r * bs + b] = GI[gi + r * ld + b]! + GH[r * bs + b]!;
  }
}

/** GRU: n's pre-activation GI_n + r * GH_n into A's third block; GH_n saved to GHN[k..]. */
export function gruNewGate(GI: Floats, gi: number, ld: number, GH: Floats, A: Floats, a: number, GHN: Floats, k: number, H: number, bs: number): void {
  const hb = H * bs;
  for (let j = 0; j < H; j++) {
    for (let b = 0; b < bs; b++) {
      const e = j * bs + b;
      const ghn = GH[2 * hb + e]!;
      GHN[k + e] = ghn;
      A[a + 2 * hb + e] = GI[gi + (2 * H + j) * ld + b]! + A[a + e]! * ghn;
    }
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
