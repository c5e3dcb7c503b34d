import { add, mul } from "../../ops/elementwise.ts";
import { matmul } from "../../ops/matmul.ts";
import { softmax } from "../../ops/softmax.ts";
import { transpose } from "../../ops/views.ts";
import type { Generator } from "../../tensor/random.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { dropout } from "../functional/activation.ts";
import { causalBias } from "./masks.ts";

/**
 * The attention product every layer here shares: softmax(scale * q k^T + bias) v over the last two dims,
 * batch dims broadcast. q [..., L, E], k [..., S, E], v [..., S, Ev]; bias an additive float mask that
 * broadcasts to [..., L, S]; `causal` adds the -inf upper triangle.
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
  /** The attention weights after dropout, [..., L, S]. */
  weights: Tensor;
}

export function attend(q: Tensor, k: Tensor, v: Tensor, o: AttendOptions): Attended {
  const L = q.shape[q.ndim - 2]!;
  const S = k.shape[k.ndim - 2]!;
  let scores = mul(matmul(q, transpose(k, -2, -1)), o.scale);
  if (o.causal) scores = add(scores, causalBias(L, S, q.dtype));
  if (o.bias !== null) scores = add(scores, o.bias);
  let weights = softmax(scores, -1);
  if (o.dropoutP > 0) weights = dropout(weights, o.dropoutP, { generator: o.generator });
  return { out: matmul(weights, v), weights };
}
