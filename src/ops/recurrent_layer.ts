/**
 * One direction of one recurrent layer (LSTM, GRU, Elman RNN) over a whole sequence, as ONE op with
 * one backward, the way cuDNN runs them: the time loops live in recurrent_lstm.ts (LSTM) and
 * recurrent_steps.ts (GRU, RNN), and backward computes the weight and input gradients with one GEMM
 * each over all steps instead of a graph of ~10 nodes per step. nn.LSTM / nn.GRU / nn.RNN and their cells are built on it.
 *
 * The sequence is time-major and packed: rows [N, I] where step t owns batchSizes[t] rows (a padded
 * [T, B, I] tensor is the case of equal sizes). Outputs: y [N, P], hN [B0, P] (each sequence's last
 * state, its first in the reverse direction) and for the LSTM cN [B0, H].
 */
import { type Edge, MultiNode, type MultiBackwardFn, OutputEdge } from "../autograd/node.ts";
import { isGradEnabled } from "../autograd/grad_mode.ts";
import { SavedVersions } from "../autograd/saved.ts";
import { backend } from "../backend/registry.ts";
import { addVectors } from "../backend/js/recurrent.ts";
import { DTypeError } from "../errors.ts";
import { type DType, allocUninitialized, isFloating } from "../tensor/dtype.ts";
import { releaseStorage } from "../tensor/pool.ts";
import { Tensor } from "../tensor/tensor.ts";
import { type Floats, type Plan, type RecurrentMode, type Saved, type StepGrads, type Weights, backwardSteps, forwardSteps, gateCount } from "./recurrent_steps.ts";
import { type LstmSaved, lstmBackward, lstmForward } from "./recurrent_lstm.ts";
import { denseData } from "./util.ts";

export type { RecurrentMode } from "./recurrent_steps.ts";

export interface RecurrentWeights {
  weightIh: Tensor;
  weightHh: Tensor;
  biasIh: Tensor | null;
  biasHh: Tensor | null;
  /** LSTM projection [P, H], or null. */
  weightHr: Tensor | null;
}

/**
 * Runs the layer. `reverse` runs the steps from last to first (the backward direction of a
 * bidirectional layer). h0 [B0, P] and (LSTM) c0 [B0, H] are the initial states.
 */
export function recurrentLayer(
  mode: RecurrentMode, x: Tensor, batchSizes: readonly number[], h0: Tensor, c0: Tensor | null,
  w: RecurrentWeights, reverse: boolean,
): [Tensor, Tensor, Tensor | null] {
  const G = gateCount(mode);
  const [GH, I] = w.weightIh.shape as [number, number];
  const H = GH / G;
  const P = w.weightHr !== null ? w.weightHr.shape[0]! : H;
  const dtype = x.dtype;
  const tensors = [x, h0, c0, w.weightIh, w.weightHh, w.biasIh, w.biasHh, w.weightHr];
  // Shapes are the callers' (nn/recurrent) checked ones; the dtypes must be one floating type.
  for (const t of tensors) {
    if (t !== null && (t.dtype !== dtype || !isFloating(dtype))) {
      throw new DTypeError(`recurrent layer: expected one floating dtype for input, states and weights, got ${t.dtype} and ${dtype}`);
    }
  }
  const starts: number[] = [];
  const N = batchSizes.reduce((s, b) => (starts.push(s), s + b), 0);
  const B0 = batchSizes[0] ?? 0;
  const order = batchSizes.map((_, i) => (reverse ? batchSizes.length - 1 - i : i));

  const records = isGradEnabled() && tensors.some((t) => t !== null && t.requiresGrad);
  const temps = new Scratch(dtype);
  const kept = new Scratch(dtype);
  const alloc = (n: number): Floats => temps.zeros(n);
  const big = (n: number): Floats => kept.take(n);
  const p: Plan = { mode, N, I, H, P, B0, batchSizes, starts, order, keep: records, alloc };
  const bih = w.biasIh === null ? null : (denseData(w.biasIh) as Floats);
  const bhh = w.biasHh === null ? null : (denseData(w.biasHh) as Floats);
  let bsum: Floats | null = null;
  if (bih !== null && bhh !== null && mode !== "GRU") addVectors(bih, bhh, (bsum = alloc(G * H)));
  const wts: Weights = {
    X: denseData(x) as Floats, Wih: denseData(w.weightIh) as Floats, Whh: denseData(w.weightHh) as Floats,
    Whr: w.weightHr === null ? null : (denseData(w.weightHr) as Floats), bih, bhh, bsum,
  };
  const span = records ? N : B0;
  const lstm = mode === "LSTM";
  const s: Saved | LstmSaved = lstm
    ? {
      Y: allocUninitialized(dtype, N * P) as Floats, hS: big(P * B0), cS: big(H * B0), Z: big(N * G * H), Gt: big(H * span), CP: big(H * span), TC: big(H * span),
      HP: records ? big(N * P) : null, R: records && w.weightHr !== null ? big(N * H) : null, WhhS: wts.Whh,
    }
    : {
      Y: allocUninitialized(dtype, N * P) as Floats, hS: big(P * B0), A: big(G * H * span),
      GHN: mode === "GRU" ? big(H * span) : null, HP: records ? big(N * P) : null,
    };
  s.hS.set(denseData(h0) as Floats);
  if (c0 !== null) (s as LstmSaved).cS.set(denseData(c0) as Floats);
  if (lstm) lstmForward(p, wts, s as LstmSaved, (n) => temps.take(n));
  else forwardSteps(p, wts, s as Saved);
  temps.release();

  const y = Tensor.fromStorage(s.Y, dtype, [N, P]);
  const hN = stateRows(s.hS, B0, P, dtype);
  const cN = lstm ? stateRows((s as LstmSaved).cS, B0, H, dtype) : null;
  if (!records) {
    kept.release();
    return [y, hN, cN];
  }

  const outs = cN === null ? [y, hN] : [y, hN, cN];
  const next: Edge[] = tensors.map((t) => (t !== null && t.requiresGrad ? (t.gradFn ?? t) : null));
  const name = mode === "LSTM" ? "LstmBackward" : mode === "GRU" ? "GruBackward" : "RnnBackward";
  const node = new RecurrentNode(name, next, (grads, needs) => layerBackward(p, wts, s, grads, needs, dtype), outs.length,
    SavedVersions.take(tensors, y, tensors), kept);
  outs.forEach((o, i) => {
    o.gradFn = new OutputEdge(node, i);
    o.requiresGrad = true;
  });
  return [y, hN, cN];
}

/**
 * Large buffers of one pass, from the storage pool (tensor/pool.ts) and handed back to it when the pass
 * is over: a training step then reuses the last step's memory instead of making V8 collect ~100 MB of
 * ArrayBuffers per step.
 */
class Scratch {
  private readonly bufs: Floats[] = [];
  constructor(private readonly dtype: DType) {}

  /** Unspecified contents. */
  take(n: number): Floats {
    const b = allocUninitialized(this.dtype, n) as Floats;
    this.bufs.push(b);
    return b;
  }

  zeros(n: number): Floats {
    return this.take(n).fill(0);
  }

  release(): void {
    for (const b of this.bufs.splice(0)) releaseStorage(b);
  }
}

/** The layer's node: the saved buffers go back to the pool once the graph is freed. */
class RecurrentNode extends MultiNode {
  constructor(name: string, next: readonly Edge[], backward: MultiBackwardFn, outputs: number, saved: SavedVersions | null, private readonly kept: Scratch) {
    super(name, next, backward, outputs, true, saved);
  }

  override release(): void {
    super.release();
    this.kept.release();
  }
}

/** A state buffer (rows [B0, cols]) as a tensor of its own. */
function stateRows(S: Floats, B0: number, cols: number, dtype: Tensor["dtype"]): Tensor {
  return Tensor.fromStorage(S.slice(0, B0 * cols), dtype, [B0, cols]);
}

function layerBackward(p: Plan, w: Weights, s: Saved | LstmSaved, grads: readonly (Tensor | null)[], needs: readonly boolean[], dtype: Tensor["dtype"]): (Tensor | null)[] {
  const k = backend();
  const { N, I, H, P, B0, mode } = p;
  const G = gateCount(mode) * H;
  const [gy, ghN, gcN] = grads;
  const temps = new Scratch(dtype);
  p = { ...p, alloc: (n) => temps.zeros(n) };
  const dhS = p.alloc(P * B0);
  if (ghN) dhS.set(denseData(ghN) as Floats);
  const dcS = mode === "LSTM" ? p.alloc(H * B0) : null;
  if (dcS !== null && gcN) dcS.set(denseData(gcN) as Floats);
  // LSTM: gate gradients as rows [N, G]; GRU and RNN: gate-major [G, N] (see recurrent_lstm.ts, recurrent_steps.ts).
  const rows = mode === "LSTM";
  const big = (n: number): Floats => temps.take(n);
  const dGI = big(G * N);
  const g: StepGrads = { dGI, dGH: mode === "GRU" ? big(G * N) : dGI, dH: w.Whr !== null ? big(P * N) : null };
  const dY = gy ? (denseData(gy) as Floats) : null;
  if (rows) lstmBackward(p, w, s as LstmSaved, dY, dhS, dcS!, dGI, g.dH);
  else backwardSteps(p, w, s as Saved, dY, dhS, g);
  // op(dG) is [N, G] in both layouts: rows as stored, or the transpose of the gate-major [G, N].
  const gT = !rows;
  const ld = rows ? G : N;

  const res: (Tensor | null)[] = new Array<Tensor | null>(8).fill(null);
  /** A fresh gradient filled by f (left zero for an empty sequence). */
  const grad = (shape: number[], f: (C: Floats) => void): Tensor => {
    const t = Tensor.empty(shape, dtype);
    if (N > 0) f(t.storage as Floats);
    return t;
  };
  /** [M, cols] = op(A) B over the N rows (B row-major [N, cols]). */
  const mm = (transA: boolean, M: number, cols: number, A: Floats, lda: number, B: Floats): Tensor =>
    grad([M, cols], (C) => k.gemm(transA, false, M, cols, N, 1, A, 0, lda, B, 0, cols, 0, C, 0, cols));
  const rowSums = (M: Floats): Tensor => grad([G], (C) => (rows ? k.reduce("sum", M, C, 1, N, G) : k.reduce("sum", M, C, G, N, 1)));
  if (needs[0]) res[0] = grad([N, I], (C) => k.gemm(gT, false, N, I, G, 1, g.dGI, 0, ld, w.Wih, 0, I, 0, C, 0, I));
  if (needs[1]) res[1] = stateRows(dhS, B0, P, dtype);
  if (needs[2] && dcS !== null) res[2] = stateRows(dcS, B0, H, dtype);
  if (needs[3]) res[3] = mm(rows, G, I, g.dGI, ld, w.X);
  if (needs[4]) res[4] = mm(rows, G, P, g.dGH, ld, s.HP!);
  if (needs[5]) res[5] = rowSums(g.dGI);
  if (needs[6]) res[6] = mode === "GRU" || !needs[5] ? rowSums(g.dGH) : res[5]!.clone();
  if (needs[7] && g.dH !== null) res[7] = mm(true, P, H, g.dH, P, (s as LstmSaved).R!);
  temps.release();
  return res;
}
