/**
 * Triplet losses (`torch.nn.functional`): max(0, margin + d(anchor, positive) - d(anchor, negative)),
 * with `swap` taking the smaller of d(anchor, negative) and d(positive, negative). tripletMarginLoss
 * uses the p-norm distance over the last dim; tripletMarginWithDistanceLoss any distance function.
 */
import { checkOptions } from "../../options.ts";
import "../../ops/methods.ts";
import { ShapeError } from "../../errors.ts";
import { add, clamp, minimum, sub } from "../../ops/elementwise.ts";
import { vectorNorm } from "../../ops/linalg.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { floatOf } from "./loss_margin.ts";
import { LEGACY_REDUCTION_SPEC as LEGACY, type LegacyReductionOptions, type Reduction, checkReduction, legacyReduction, reduce } from "./reduction.ts";

export interface TripletMarginOptions extends LegacyReductionOptions {
  margin?: number;
  /** The norm degree of the distance. */
  p?: number;
  /** Added to the difference before the norm, keeping it away from the norm's kink at 0. */
  eps?: number;
  /** Use d(positive, negative) where it is smaller than d(anchor, negative). */
  swap?: boolean;
  reduction?: Reduction;
}

export type DistanceFunction = (x1: Tensor, x2: Tensor) => Tensor;

export interface TripletMarginWithDistanceOptions {
  /** The distance of two batches of embeddings; PyTorch's pairwise_distance (p = 2, eps = 1e-6) when absent. */
  distanceFunction?: DistanceFunction | null;
  margin?: number;
  swap?: boolean;
  reduction?: Reduction;
}

/** PyTorch's pairwise_distance: ||x1 - x2 + eps||_p over the last dim of the broadcast operands. */
export function pairwiseDistanceOf(x1: Tensor, x2: Tensor, p = 2, eps = 1e-6): Tensor {
  const d = floatOf(add(sub(x1, x2), eps));
  return vectorNorm(d, p, d.ndim === 0 ? null : -1);
}

function triplet(dPos: Tensor, dNeg: Tensor, dSwap: (() => Tensor) | null, margin: number, r: Reduction): Tensor {
  const neg = dSwap ? minimum(dNeg, dSwap()) : dNeg;
  return reduce(clamp(sub(add(dPos, margin), neg), 0), r);
}

export function tripletMarginLoss(anchor: Tensor, positive: Tensor, negative: Tensor, opts: TripletMarginOptions = {}): Tensor {
  const spec = { margin: "number", p: "number", eps: "number", swap: "boolean", reduction: "any", ...LEGACY } as const;
  checkOptions("F.tripletMarginLoss()", opts, spec, { index: 4, positional: "margin" });
  const r = legacyReduction(opts);
  Tensor.check(anchor, "anchor");
  Tensor.check(positive, "positive");
  Tensor.check(negative, "negative");
  if (anchor.ndim !== positive.ndim || positive.ndim !== negative.ndim) {
    throw new ShapeError(`All inputs should have same dimension but got ${anchor.ndim}D, ${positive.ndim}D and ${negative.ndim}D inputs.`);
  }
  const p = opts.p ?? 2;
  const eps = opts.eps ?? 1e-6;
  const dist = (a: Tensor, b: Tensor) => pairwiseDistanceOf(a, b, p, eps);
  return triplet(dist(anchor, positive), dist(anchor, negative), opts.swap ? () => dist(positive, negative) : null, opts.margin ?? 1, r);
}

export function tripletMarginWithDistanceLoss(anchor: Tensor, positive: Tensor, negative: Tensor, opts: TripletMarginWithDistanceOptions = {}): Tensor {
  checkOptions("F.tripletMarginWithDistanceLoss()", opts, { distanceFunction: "function?", margin: "number", swap: "boolean", reduction: "any" }, { index: 4 });
  Tensor.check(anchor, "anchor");
  Tensor.check(positive, "positive");
  Tensor.check(negative, "negative");
  const dist = opts.distanceFunction ?? ((a: Tensor, b: Tensor) => pairwiseDistanceOf(a, b));
  const dPos = dist(anchor, positive);
  const dNeg = dist(anchor, negative);
  // PyTorch checks the reduction after computing the distances, so a distance's error comes first.
  const r = checkReduction(opts.reduction ?? "mean");
  return triplet(dPos, dNeg, opts.swap ? () => dist(positive, negative) : null, opts.margin ?? 1, r);
}
