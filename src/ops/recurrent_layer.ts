/**
 * One direction of one recurrent layer (LSTM, GRU, Elman RNN) over a whole sequence, as ONE op with
 * one backward, the way cuDNN runs them: the time loop lives in recurrent_steps.ts, and backward
 * computes the weight and input gradients with one GEMM each over all steps instead of a graph of
 * ~10 nodes per step. nn.LSTM / nn.GRU / nn.RNN and their cells are built on it.
 *
 * The sequence is time-major and packed: rows [N, I] where step t owns batchSizes[t] rows (a padded
 * [T, B, I] tensor is the case of equal sizes). Outputs: y [N, P], hN [B0, P] (each sequence's last
 * state, its first in the reverse direction) and for the LSTM cN [B0, H].
 */
import { type Edge, MultiNode, OutputEdge } from "../autograd/node.ts";
import { isGradEnabled } from "../autograd/grad_mode.ts";
import { SavedVersions } from "../autograd/saved.ts";
import { backend } from "../backend/registry.ts";
import { addVectors, columnsToRows, rowsToColumns } from "../backend/js/recurrent.ts";
import { DTypeError, ShapeError } from "../errors.ts";
import { allocStorage, allocUninitialized, isFloating } from "../tensor/dtype.ts";
import { fmtShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { type Floats, type Plan, type RecurrentMode, type Saved, type StepGrads, type Weights, backwardSteps, forwardSteps, gateCount } from "./recurrent_steps.ts";
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

function check(cond: boolean, msg: () => string): void {
  if (!cond) throw new ShapeError(msg());
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
  for (const t of tensors) {
    if (t !== null && (t.dtype !== dtype || !isFloating(dtype))) {
      throw new DTypeError(`recurrent layer: expected one floating dtype for input, states and weights, got ${t.dtype} and ${dtype}`);
    }
  }
  const N = batchSizes.reduce((s, b) => s + b, 0);
  const B0 = batchSizes[0] ?? 0;
  check(x.ndim === 2 && x.shape[0] === N && x.shape[1] === I, () => `recurrent layer: input ${fmtShape(x.shape)} does not match ${N} packed rows of ${I} features`);
  check(h0.ndim === 2 && h0.shape[0] === B0 && h0.shape[1] === P, () => `recurrent layer: h0 ${fmtShape(h0.shape)}, expected [${B0}, ${P}]`);
  check((mode === "LSTM") === (c0 !== null), () => "recurrent layer: c0 is given exactly for the LSTM");
  check(c0 === null || (c0.ndim === 2 && c0.shape[0] === B0 && c0.shape[1] === H), () => `recurrent layer: c0 ${fmtShape(c0!.shape)}, expected [${B0}, ${H}]`);
  const starts: number[] = [];
  let acc = 0;
  for (let t = 0; t < batchSizes.length; t++) {
    check(batchSizes[t]! >= 1 && batchSizes[t]! <= (t === 0 ? B0 : batchSizes[t - 1]!), () => `recurrent layer: batch sizes must be positive and non-increasing, got [${batchSizes.join(", ")}]`);
    starts.push(acc);
    acc += batchSizes[t]!;
  }
  const order = batchSizes.map((_, i) => (reverse ? batchSizes.length - 1 - i : i));

  const records = isGradEnabled() && tensors.some((t) => t !== null && t.requiresGrad);
  const alloc = (n: number): Floats => allocStorage(dtype, n) as Floats;
  const big = (n: number): Floats => allocUninitialized(dtype, n) as Floats;
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
  const s: Saved = {
    Y: big(N * P),
    hS: alloc(P * B0),
    cS: mode === "LSTM" ? alloc(H * B0) : null,
    A: big(G * H * span),
    CP: mode === "LSTM" ? big(H * span) : null,
    TC: mode === "LSTM" ? big(H * span) : null,
    GHN: mode === "GRU" ? big(H * span) : null,
    HP: records ? big(N * P) : null,
    R: records && w.weightHr !== null ? big(N * H) : null,
  };
  rowsToColumns(denseData(h0) as Floats, 0, P, B0, s.hS, B0, false);
  if (c0 !== null) rowsToColumns(denseData(c0) as Floats, 0, H, B0, s.cS!, B0, false);
  forwardSteps(p, wts, s);

  const y = Tensor.fromStorage(s.Y, dtype, [N, P]);
  const hN = stateRows(s.hS, B0, P, dtype);
  const cN = s.cS === null ? null : stateRows(s.cS, B0, H, dtype);
  if (!records) return [y, hN, cN];

  const outs = cN === null ? [y, hN] : [y, hN, cN];
  const next: Edge[] = tensors.map((t) => (t !== null && t.requiresGrad ? (t.gradFn ?? t) : null));
  const name = mode === "LSTM" ? "LstmBackward" : mode === "GRU" ? "GruBackward" : "RnnBackward";
  const node = new MultiNode(name, next, (grads, needs) => layerBackward(p, wts, s, grads, needs, dtype), outs.length, true,
    SavedVersions.take(tensors, y, tensors));
  outs.forEach((o, i) => {
    o.gradFn = new OutputEdge(node, i);
    o.requiresGrad = true;
  });
  return [y, hN, cN];
}

function stateRows(S: Floats, B0: number, cols: number, dtype: Tensor["dtype"]): Tensor {
  const out = allocStorage(dtype, B0 * cols) as Floats;
  columnsToRows(S, 0, B0, B0, cols, out, 0);
  return Tensor.fromStorage(out, dtype, [B0, cols]);
}

function layerBackward(p: Plan, w: Weights, s: Saved, grads: readonly (Tensor | null)[], needs: readonly boolean[], dtype: Tensor["dtype"]): (Tensor | null)[] {
  const k = backend();
  const { N, I, H, P, B0, mode } = p;
  const G = gateCount(mode) * H;
  const [gy, ghN, gcN] = grads;
  const dhS = p.alloc(P * B0);
  if (ghN) rowsToColumns(denseData(ghN) as Floats, 0, P, B0, dhS, B0, false);
  const dcS = mode === "LSTM" ? p.alloc(H * B0) : null;
  if (dcS !== null && gcN) rowsToColumns(denseData(gcN) as Floats, 0, H, B0, dcS, B0, false);
  const dGI = p.alloc(G * N);
  const g: StepGrads = { dGI, dGH: mode === "GRU" ? p.alloc(G * N) : dGI, dH: w.Whr !== null ? p.alloc(P * N) : null };
  backwardSteps(p, w, s, gy ? (denseData(gy) as Floats) : null, dhS, dcS, g);

  const out = (shape: number[]): [Tensor, Floats] => {
    const t = Tensor.empty(shape, dtype);
    return [t, t.storage as Floats];
  };
  const res: (Tensor | null)[] = new Array<Tensor | null>(8).fill(null);
  const gemmInto = (shape: number[], f: (C: Floats) => void): Tensor => {
    const [t, C] = out(shape);
    if (N > 0) f(C);
    return t;
  };
  if (needs[0]) res[0] = gemmInto([N, I], (C) => k.gemm(true, false, N, I, G, 1, g.dGI, 0, N, w.Wih, 0, I, 0, C, 0, I));
  if (needs[1]) res[1] = stateRows(dhS, B0, P, dtype);
  if (needs[2] && dcS !== null) res[2] = stateRows(dcS, B0, H, dtype);
  if (needs[3]) res[3] = gemmInto([G, I], (C) => k.gemm(false, false, G, I, N, 1, g.dGI, 0, N, w.X, 0, I, 0, C, 0, I));
  if (needs[4]) res[4] = gemmInto([G, P], (C) => k.gemm(false, false, G, P, N, 1, g.dGH, 0, N, s.HP!, 0, P, 0, C, 0, P));
  const rowSums = (M: Floats): Tensor => {
    const [t, C] = out([G]);
    if (N > 0) k.reduce("sum", M, C, G, N, 1);
    return t;
  };
  if (needs[5]) res[5] = rowSums(g.dGI);
  if (needs[6]) res[6] = mode === "GRU" || !needs[5] ? rowSums(g.dGH) : res[5]!.clone();
  if (needs[7] && g.dH !== null) res[7] = gemmInto([P, H], (C) => k.gemm(false, false, P, H, N, 1, g.dH!, 0, N, s.R!, 0, H, 0, C, 0, H));
  return res;
}
