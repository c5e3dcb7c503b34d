/**
 * The activations of `torch.nn.functional` that take PyTorch's `inplace` argument, with PyTorch's
 * positional-or-keyword parameters: `F.relu(x, { inplace: true })`, `F.leakyRelu(x, 0.2, { inplace: true })`,
 * `F.dropout(x, 0.5, { training, inplace })`, and the underscore forms `F.relu_(x)`, `F.elu_(x)`, ...
 * In place, the input's memory is overwritten and the input itself is returned (see ops/activation_inplace.ts).
 */
import { featureDropout } from "../../ops/cnn_index.ts";
import { relu as reluOp } from "../../ops/elementwise.ts";
import { elu as eluOp, hardtanh as hardtanhOp, mish as mishOp } from "../../ops/activation_extra.ts";
import { dropoutInPlace, elu_, hardtanh_, leakyRelu_, mish_, relu_, silu_ } from "../../ops/activation_inplace.ts";
import { silu as siluOp } from "../../ops/op_functional.ts";
import { checkArity, keywordArgs } from "../../options.ts";
import type { Generator } from "../../tensor/random.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { checkDropoutP, dropout as dropoutOp, leakyRelu as leakyReluOp } from "./activation.ts";

export { elu_, hardtanh_, leakyRelu_, relu_ };

export interface InplaceOptions {
  /** Write the result into the input and return the input (default false). */
  inplace?: boolean;
}

const INPLACE = { inplace: "boolean" } as const;

/** F.relu(input, inplace=False). */
export function relu(x: Tensor, inplace?: boolean | InplaceOptions): Tensor {
  checkArity("F.relu()", arguments, 2);
  const a = keywordArgs("F.relu()", [inplace], ["inplace"], INPLACE);
  return a.inplace === true ? relu_(x) : reluOp(x);
}

/** F.leaky_relu(input, negative_slope=0.01, inplace=False). */
export function leakyRelu(x: Tensor, negativeSlope?: number | (InplaceOptions & { negativeSlope?: number }), inplace?: boolean | InplaceOptions): Tensor {
  checkArity("F.leakyRelu()", arguments, 3);
  const a = keywordArgs("F.leakyRelu()", [negativeSlope, inplace], ["negativeSlope", "inplace"], { negativeSlope: "number", ...INPLACE });
  const slope = (a.negativeSlope as number | undefined) ?? 0.01;
  return a.inplace === true ? leakyRelu_(x, slope) : leakyReluOp(x, slope);
}

/** F.elu(input, alpha=1.0, inplace=False). */
export function elu(x: Tensor, alpha?: number | (InplaceOptions & { alpha?: number }), inplace?: boolean | InplaceOptions): Tensor {
  checkArity("F.elu()", arguments, 3);
  const a = keywordArgs("F.elu()", [alpha, inplace], ["alpha", "inplace"], { alpha: "number", ...INPLACE });
  const al = (a.alpha as number | undefined) ?? 1;
  return a.inplace === true ? elu_(x, al) : eluOp(x, { alpha: al });
}

export interface HardtanhOptions extends InplaceOptions {
  minVal?: number;
  maxVal?: number;
}

/** F.hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False). */
export function hardtanh(x: Tensor, minVal?: number | HardtanhOptions, maxVal?: number | HardtanhOptions, inplace?: boolean | InplaceOptions): Tensor {
  checkArity("F.hardtanh()", arguments, 4);
  const a = keywordArgs("F.hardtanh()", [minVal, maxVal, inplace], ["minVal", "maxVal", "inplace"], { minVal: "number", maxVal: "number", ...INPLACE });
  const lo = (a.minVal as number | undefined) ?? -1;
  const hi = (a.maxVal as number | undefined) ?? 1;
  return a.inplace === true ? hardtanh_(x, lo, hi) : hardtanhOp(x, { minVal: lo, maxVal: hi });
}

/** F.silu(input, inplace=False). */
export function silu(x: Tensor, inplace?: boolean | InplaceOptions): Tensor {
  checkArity("F.silu()", arguments, 2);
  const a = keywordArgs("F.silu()", [inplace], ["inplace"], INPLACE);
  return a.inplace === true ? silu_(x) : siluOp(x);
}

/** F.mish(input, inplace=False). */
export function mish(x: Tensor, inplace?: boolean | InplaceOptions): Tensor {
  checkArity("F.mish()", arguments, 2);
  const a = keywordArgs("F.mish()", [inplace], ["inplace"], INPLACE);
  return a.inplace === true ? mish_(x) : mishOp(x);
}

export interface DropoutOptions extends InplaceOptions {
  p?: number;
  training?: boolean;
  generator?: Generator;
}

const DROPOUT = { p: "number", training: "boolean", ...INPLACE, generator: "object" } as const;

/**
 * F.dropout(input, p=0.5, training=True, inplace=False), plus kindling's `generator`. Inverted dropout:
 * zeroes each element with probability p and scales the rest by 1/(1-p); identity when not training.
 */
export function dropout(x: Tensor, p?: number | DropoutOptions, training?: boolean | DropoutOptions, inplace?: boolean | DropoutOptions): Tensor {
  checkArity("F.dropout()", arguments, 4);
  const a = keywordArgs("F.dropout()", [p, training, inplace], ["p", "training", "inplace"], DROPOUT);
  const prob = checkDropoutP((a.p as number | undefined) ?? 0.5);
  const opts = { training: (a.training as boolean | undefined) ?? true, generator: a.generator as Generator | undefined };
  if (a.inplace !== true || !opts.training || prob === 0) return dropoutOp(x, prob, opts);
  return dropoutInPlace(x, (self) => dropoutOp(self, prob, opts));
}

/**
 * F.dropout2d(input, p=0.5, training=True, inplace=False): zeroes whole channels of [N, C, ...] with
 * probability p and scales the rest by 1/(1-p). Like PyTorch 1.13, a 3-D input is [N, C, L].
 */
export function dropout2d(x: Tensor, p?: number | DropoutOptions, training?: boolean | DropoutOptions, inplace?: boolean | DropoutOptions): Tensor {
  checkArity("F.dropout2d()", arguments, 4);
  const a = keywordArgs("F.dropout2d()", [p, training, inplace], ["p", "training", "inplace"], DROPOUT);
  const prob = checkDropoutP((a.p as number | undefined) ?? 0.5);
  const train = (a.training as boolean | undefined) ?? true;
  const gen = a.generator as Generator | undefined;
  if (a.inplace !== true || !train || prob === 0) return featureDropout(x, prob, train, gen);
  return dropoutInPlace(x, (self) => featureDropout(self, prob, true, gen));
}
