import { add, mul } from "../../ops/elementwise.ts";
import { type AttentionLayout, fusedAttention } from "../../ops/attention.ts";
import { matmul } from "../../ops/matmul.ts";
import { softmax } from "../../ops/softmax.ts";
import { permute, reshape, transpose } from "../../ops/views.ts";
import { isFloating } from "../../tensor/dtype.ts";
import type { Generator } from "../../tensor/random.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { dropout } from "../functional/activation.ts";
import { causalBias } from "./masks.ts";

/**
 * The attention product every layer here shares: softmax(scale * q k^T + bias) v over the last two dims,
 * batch dims broadcast. q [..., L, E], k [..., S, E], v [..., S, Ev]; bias an additive float mask that
 * broadcasts to [..., L, S]; `causal` adds the -inf upper triangle. Heads [N, H, ...] go through the
 * fused op (ops/attention.ts); other shapes through the composed ops.
 */
export interface AttendOptions {
  bias: Tensor | null;
  causal: boolean;
  scale: number;
  dropoutP: number;
  generator?: Generator;
}

export interface Attended {
  out: Tensor;
  /** The attention weights after dropout, [..., L, S] (null when not asked for). */
  weights: Tensor | null;
}

const sameDims = (a: Tensor, b: Tensor, n: number): boolean => a.shape.slice(0, n).every((s, i) => s === b.shape[i]);

/** Whether the fused op takes these: 4-D heads with the same [N, H], floats, nothing empty. */
function fusable(q: Tensor, k: Tensor, v: Tensor, bias: Tensor | null): boolean {
  return q.ndim === 4 && k.ndim === 4 && v.ndim === 4 && sameDims(q, k, 2) && sameDims(q, v, 2) && isFloating(q.dtype) &&
    q.dtype === k.dtype && q.dtype === v.dtype && (bias === null || bias.ndim <= 4) &&
    q.numel() > 0 && k.numel() > 0 && v.numel() > 0;
}

/** One additive bias from the mask and the causal triangle. */
function fullBias(q: Tensor, k: Tensor, o: AttendOptions): Tensor | null {
  if (!o.causal) return o.bias;
  const c = causalBias(q.shape[q.ndim - 2]!, k.shape[k.ndim - 2]!, q.dtype);
  return o.bias === null ? c : add(o.bias, c);
}

function composed(q: Tensor, k: Tensor, v: Tensor, o: AttendOptions): { out: Tensor; weights: Tensor } {
  let scores = mul(matmul(q, transpose(k, -2, -1)), o.scale);
  const bias = fullBias(q, k, o);
  if (bias !== null) scores = add(scores, bias);
  let weights = softmax(scores, -1);
  if (o.dropoutP > 0) weights = dropout(weights, o.dropoutP, { generator: o.generator });
  return { out: matmul(weights, v), weights };
}

export function attend(q: Tensor, k: Tensor, v: Tensor, o: AttendOptions): Tensor {
  const bias = fullBias(q, k, o);
  if (fusable(q, k, v, bias)) return fusedAttention(q, k, v, { ...o, bias, needWeights: false, layout: "nhld" }).out;
  return composed(q, k, v, o).out;
}

/**
 * Attention of heads q [N, H, L, hd], k [N, H, S, hd], v [N, H, S, hd], the heads merged into the
 * token layout the out-projection reads: [L, N, H * hd] ("lnhd") or [N, L, H * hd] ("nlhd").
 */
export function attendHeads(
  q: Tensor, k: Tensor, v: Tensor, o: AttendOptions & { needWeights: boolean; layout: Exclude<AttentionLayout, "nhld">; packed: Tensor | null },
): Attended {
  const bias = fullBias(q, k, o);
  if (fusable(q, k, v, bias)) return fusedAttention(q, k, v, { ...o, bias });
  const r = composed(q, k, v, o);
  const [N, H, L, hd] = r.out.shape as [number, number, number, number];
  const merged = o.layout === "lnhd" ? reshape(permute(r.out, [2, 0, 1, 3]), [L, N, H * hd]) : reshape(permute(r.out, [0, 2, 1, 3]), [N, L, H * hd]);
  return { out: merged, weights: o.needWeights ? r.weights : null };
}
