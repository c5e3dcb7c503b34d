import { ArgumentError } from "../errors.ts";
import { type ValueType, keywordArgs } from "../options.ts";
import type { Generator } from "../tensor/random.ts";
import { Tensor } from "../tensor/tensor.ts";
import * as A from "./activation_more.ts";
import { defineMethods } from "./define_methods.ts";
import * as D from "./distance.ts";
import * as P from "./pixel_shuffle.ts";

/**
 * The torch.* names PyTorch gives some nn.functional ops (torch.selu, torch.celu_, torch.threshold,
 * torch.hardshrink, torch.rrelu, torch.pixel_shuffle, torch.channel_shuffle, torch.cosine_similarity,
 * torch.pairwise_distance, ...) and the Tensor method hardshrink, over the same ops as nn.F.
 */

declare module "../tensor/tensor.ts" {
  interface Tensor {
    /** x where |x| > lambd, else 0. */
    hardshrink(lambd?: number | { lambd?: number }): Tensor;
  }
}

/** Positional-or-keyword parameters after the tensor inputs; `required` must be given. */
function params(fn: string, args: IArguments, skip: number, names: readonly string[], spec: Record<string, ValueType>, required: readonly string[] = []): Record<string, unknown> {
  for (let i = 0; i < skip; i++) Tensor.check(args[i], i === 0 && skip === 1 ? "input" : `x${i + 1}`);
  const a = keywordArgs(`${fn}()`, Array.prototype.slice.call(args, skip), names, spec, skip + 1);
  for (const r of required) if (a[r] === undefined) throw new ArgumentError(`${fn}(): missing required argument '${r}'`);
  return a;
}

const num = (v: unknown, dflt: number): number => (v as number | undefined) ?? dflt;

export function selu(input: Tensor): Tensor {
  params("selu", arguments, 1, [], {});
  return A.selu(input);
}

export function selu_(input: Tensor): Tensor {
  params("selu_", arguments, 1, [], {});
  return A.selu_(input);
}

export function celu(input: Tensor, alpha?: number | { alpha?: number }): Tensor {
  return A.celu(input, num(params("celu", arguments, 1, ["alpha"], { alpha: "number" }).alpha, 1));
}

export function celu_(input: Tensor, alpha?: number | { alpha?: number }): Tensor {
  return A.celu_(input, num(params("celu_", arguments, 1, ["alpha"], { alpha: "number" }).alpha, 1));
}

type ThresholdArgs = number | { threshold?: number; value?: number };
const THRESHOLD = { threshold: "number", value: "number" } as const;

/** x where x > threshold, else value. */
export function threshold(input: Tensor, th: ThresholdArgs, value?: ThresholdArgs): Tensor {
  const a = params("threshold", arguments, 1, ["threshold", "value"], THRESHOLD, ["threshold", "value"]);
  return A.threshold(input, a.threshold as number, a.value as number);
}

export function threshold_(input: Tensor, th: ThresholdArgs, value?: ThresholdArgs): Tensor {
  const a = params("threshold_", arguments, 1, ["threshold", "value"], THRESHOLD, ["threshold", "value"]);
  return A.threshold_(input, a.threshold as number, a.value as number);
}

export function hardshrink(input: Tensor, lambd?: number | { lambd?: number }): Tensor {
  return A.hardshrink(input, num(params("hardshrink", arguments, 1, ["lambd"], { lambd: "number" }).lambd, 0.5));
}

type RreluArgs = number | boolean | { lower?: number; upper?: number; training?: boolean; generator?: Generator };
const RRELU = { lower: "number", upper: "number", training: "boolean", generator: "object" } as const;

/** torch.rrelu(input, lower=1/8, upper=1/3, training=False), plus kindling's `generator`. */
export function rrelu(input: Tensor, lower?: RreluArgs, upper?: RreluArgs, training?: RreluArgs): Tensor {
  const a = params("rrelu", arguments, 1, ["lower", "upper", "training"], RRELU);
  return A.rrelu(input, num(a.lower, 1 / 8), num(a.upper, 1 / 3), a.training === true, a.generator as Generator | undefined);
}

export function rrelu_(input: Tensor, lower?: RreluArgs, upper?: RreluArgs, training?: RreluArgs): Tensor {
  const a = params("rrelu_", arguments, 1, ["lower", "upper", "training"], RRELU);
  return A.rrelu_(input, num(a.lower, 1 / 8), num(a.upper, 1 / 3), a.training === true, a.generator as Generator | undefined);
}

/** One required int after the input (upscale_factor, downscale_factor, groups). */
function factor(fn: string, args: IArguments, name: string): number {
  return params(fn, args, 1, [name], { [name]: "int" }, [name])[name] as number;
}

export function pixelShuffle(input: Tensor, upscaleFactor: number | { upscaleFactor?: number }): Tensor {
  return P.pixelShuffle(input, factor("pixelShuffle", arguments, "upscaleFactor"));
}

export function pixelUnshuffle(input: Tensor, downscaleFactor: number | { downscaleFactor?: number }): Tensor {
  return P.pixelUnshuffle(input, factor("pixelUnshuffle", arguments, "downscaleFactor"));
}

export function channelShuffle(input: Tensor, groups: number | { groups?: number }): Tensor {
  return P.channelShuffle(input, factor("channelShuffle", arguments, "groups"));
}

/** torch.cosine_similarity(x1, x2, dim=1, eps=1e-8). */
export function cosineSimilarity(x1: Tensor, x2: Tensor, dim?: number | { dim?: number; eps?: number }, eps?: number | { eps?: number }): Tensor {
  const a = params("cosineSimilarity", arguments, 2, ["dim", "eps"], { dim: "int", eps: "number" });
  return D.cosineSimilarity(x1, x2, num(a.dim, 1), num(a.eps, 1e-8));
}

type PairwiseArgs = number | boolean | { p?: number; eps?: number; keepdim?: boolean };

/** torch.pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False). */
export function pairwiseDistance(x1: Tensor, x2: Tensor, p?: PairwiseArgs, eps?: PairwiseArgs, keepdim?: PairwiseArgs): Tensor {
  const a = params("pairwiseDistance", arguments, 2, ["p", "eps", "keepdim"], { p: "number", eps: "number", keepdim: "boolean" });
  return D.pairwiseDistance(x1, x2, num(a.p, 2), num(a.eps, 1e-6), a.keepdim === true);
}

defineMethods({
  hardshrink(this: Tensor, lambd?: number | { lambd?: number }) {
    return A.hardshrink(this, num(keywordArgs("Tensor.hardshrink()", [lambd], ["lambd"], { lambd: "number" }, 1).lambd, 0.5));
  },
});
