/**
 * The GRU and Elman RNN time loops of the fused recurrent layer (recurrent_layer.ts; the LSTM's is in
 * recurrent_lstm.ts), and the types the layer's loops share. Per step: the gates of the active batch columns, gate-major [gates*H, bs], get the bias,
 * W_ih x_t and W_hh h_{t-1} from two GEMMs, the backend's sigmoid/tanh over whole gate blocks, then
 * one pointwise pass (src/backend/js/recurrent.ts; in one native call where the backend has the optional
 * kernel "recurrentCells", src/backend/recurrent_cells.ts). Backward runs the steps in reverse and keeps only
 * the recurrent GEMM per step: every step's gate gradients land in one [gates*H, N] matrix, so the
 * weight and input gradients are one large GEMM each afterwards.
 *
 * Packed sequences: step t has batchSizes[t] active columns, rows starts[t].. of the sequence
 * tensors. The state buffers hold all B0 rows, so a sequence that has ended (or, in reverse, not
 * yet started) keeps its final (initial) state untouched.
 */
import type { UnaryOp } from "../backend/backend.ts";
import { backend } from "../backend/registry.ts";
import {
  columnsToRows, gruCellBackward, gruHidden, gruNewGate, gruResetUpdate, rnnCellBackward,
} from "../backend/js/recurrent.ts";

export type Floats = Float32Array | Float64Array;
export type RecurrentMode = "LSTM" | "GRU" | "RNN_TANH" | "RNN_RELU";

export interface Plan {
  mode: RecurrentMode;
  /** Rows of the packed sequence, input features, hidden size, output (projected) size, first batch size. */
  N: number;
  I: number;
  H: number;
  P: number;
  B0: number;
  batchSizes: readonly number[];
  starts: readonly number[];
  /** The steps in the order they run (descending for the reverse direction). */
  order: readonly number[];
  /** Whether every step's activations are kept for backward (else one step's worth is reused). */
  keep: boolean;
  /** Zeroed scratch, handed back to the storage pool when the pass ends (see recurrent_layer.ts). */
  alloc: (n: number) => Floats;
}

export interface Weights {
  X: Floats;
  Wih: Floats;
  Whh: Floats;
  Whr: Floats | null;
  bih: Floats | null;
  bhh: Floats | null;
  /** bih + bhh, for the cells that add both before the nonlinearity (LSTM, RNN). */
  bsum: Floats | null;
}

/** What the GRU/RNN forward leaves for backward (and the outputs Y, hS). */
export interface Saved {
  Y: Floats;
  hS: Floats;
  /** Activated gates, gate-major blocks per step. */
  A: Floats;
  /** GRU: W_hn h + b_hn blocks. */
  GHN: Floats | null;
  /** h_{t-1} rows [N, H] (the W_hh gradient's operand). */
  HP: Floats | null;
}

export const gateCount = (mode: RecurrentMode): number => (mode === "LSTM" ? 4 : mode === "GRU" ? 3 : 1);

function unaryAt(op: UnaryOp, buf: Floats, off: number, n: number): void {
  const v = buf.subarray(off, off + n);
  backend().unary(op, v, v, n);
}

/** G[off..] [rows, bs] = bias[r] in every column (0 without a bias): one broadcast copy, not a fill per row. */
function biasColumns(G: Floats, off: number, bias: Floats | null, rows: number, bs: number): void {
  const dst = G.subarray(off, off + rows * bs);
  if (bias === null) dst.fill(0);
  else backend().copy({ data: bias, offset: 0, strides: [1, 0] }, [rows, bs], dst);
}

/** Runs the GRU/RNN forward time loop, filling `s` (whose A/GHN blocks are per step when p.keep). */
export function forwardSteps(p: Plan, w: Weights, s: Saved): void {
  const k = backend();
  const { H, P, I, N, B0, mode } = p;
  const G = gateCount(mode) * H;
  // Every step's input side, bias + W_ih x_t, as ONE GEMM before the loop ([G, N]: step t's are
  // columns starts[t]..; the RNN copies them into its gate block, the GRU's step reads them in place):
  // one large GEMM runs faster than many [G, bs] ones.
  const XW = p.alloc(G * N);
  biasColumns(XW, 0, mode === "GRU" ? w.bih : w.bsum, G, N);
  if (N > 0) k.gemm(false, true, G, N, I, 1, w.Wih, 0, I, w.X, 0, I, 1, XW, 0, N);
  const gh = mode === "GRU" ? p.alloc(G * B0) : null;
  const cells = k.optionalKernel?.("recurrentCells");
  for (const t of p.order) {
    const bs = p.batchSizes[t]!;
    const st = p.starts[t]!;
    const q = p.keep ? st : 0;
    const a = G * q;
    const c = H * q;
    if (s.HP !== null) s.HP.set(s.hS.subarray(0, bs * P), st * P);
    if (gh !== null) {
      biasColumns(gh, 0, w.bhh, G, bs);
      k.gemm(false, true, G, bs, H, 1, w.Whh, 0, H, s.hS, 0, H, 1, gh, 0, bs);
      if (!cells?.gruForward(XW, st, N, gh, s.A, a, s.GHN!, c, s.hS, H, bs)) {
        gruResetUpdate(XW, st, N, gh, s.A, a, H, bs);
        unaryAt("sigmoid", s.A, a, 2 * H * bs);
        gruNewGate(XW, st, N, gh, s.A, a, s.GHN!, c, H, bs);
        unaryAt("tanh", s.A, a + 2 * H * bs, H * bs);
        gruHidden(s.A, a, s.hS, H, bs);
      }
    } else {
      k.copy({ data: XW, offset: st, strides: [N, 1] }, [G, bs], s.A.subarray(a, a + G * bs));
      k.gemm(false, true, G, bs, P, 1, w.Whh, 0, P, s.hS, 0, P, 1, s.A, a, bs);
      if (!cells?.rnnForward(s.A, a, s.hS, H, bs, mode === "RNN_RELU")) {
        unaryAt(mode === "RNN_TANH" ? "tanh" : "relu", s.A, a, H * bs);
        columnsToRows(s.A, a, bs, bs, H, s.hS, 0);
      }
    }
    s.Y.set(s.hS.subarray(0, bs * P), st * P);
  }
}

export interface StepGrads {
  /** Input-side and hidden-side gate gradients, [G, N] each (the same matrix but for GRU). */
  dGI: Floats;
  dGH: Floats;
  /** LSTM with a projection: dL/dh for every step, rows [N, P]. */
  dH: Floats | null;
}

/**
 * Runs the GRU/RNN time loop backward. dhS holds dL/dh_N as state rows on entry and dL/dh_0 on
 * return; dY (rows [N, H]) is the gradient of the output sequence, or null.
 */
export function backwardSteps(p: Plan, w: Weights, s: Saved, dY: Floats | null, dhS: Floats, g: StepGrads): void {
  const k = backend();
  const { H, P, N, mode } = p;
  const G = gateCount(mode) * H;
  const cells = k.optionalKernel?.("recurrentCells");
  const relu = mode === "RNN_RELU";
  for (let idx = p.order.length - 1; idx >= 0; idx--) {
    const t = p.order[idx]!;
    const bs = p.batchSizes[t]!;
    const st = p.starts[t]!;
    if (dY !== null) k.binary("add", { data: dhS, offset: 0, strides: [1] }, { data: dY, offset: st * P, strides: [1] }, dhS, [bs * P]);
    if (mode === "GRU") {
      if (!cells?.gruBackward(dhS, s.A, G * st, s.GHN!, H * st, s.HP!, st, g.dGI, g.dGH, st, N, H, bs)) {
        gruCellBackward(dhS, s.A, G * st, s.GHN!, H * st, s.HP!, st, g.dGI, g.dGH, st, N, H, bs);
      }
      k.gemm(true, false, bs, H, G, 1, g.dGH, st, N, w.Whh, 0, H, 1, dhS, 0, H);
    } else {
      if (!cells?.rnnBackward(dhS, s.A, H * st, relu, g.dGI, st, N, H, bs)) rnnCellBackward(dhS, s.A, H * st, relu, g.dGI, st, N, H, bs);
      k.gemm(true, false, bs, H, G, 1, g.dGI, st, N, w.Whh, 0, H, 0, dhS, 0, H);
    }
  }
}
