/**
 * More of `torch.nn.functional`: relu6, hardswish, hardsigmoid, selu, celu, rrelu, softsign, softshrink,
 * hardshrink, tanhshrink, threshold, softmin, glu and the distance helpers normalize, cosineSimilarity
 * and pairwiseDistance. Parameters are PyTorch's, positional or by keyword (`F.celu(x, 0.5, true)`,
 * `F.celu(x, { alpha: 0.5, inplace: true })`); `inplace` writes the result into the input.
 */
import { ArgumentError, DTypeError } from "../../errors.ts";
import * as A from "../../ops/activation_more.ts";
import * as D from "../../ops/distance.ts";
import { abs, add, clamp, div, neg, sub, tanh } from "../../ops/elementwise.ts";
import { vectorNorm } from "../../ops/linalg.ts";
import { softmax as softmaxOp } from "../../ops/softmax.ts";
import { type ValueType, keywordArgs } from "../../options.ts";
import { type DType, isFloating, scalarTypeName } from "../../tensor/dtype.ts";
import type { Generator } from "../../tensor/random.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { implicitSoftmaxDim } from "./activation.ts";
import type { InplaceOptions } from "./activation_inplace.ts";

/** PyTorch's positional-or-keyword parameters after the input; a missing required one is named. */
function params(fn: string, args: readonly unknown[], names: readonly string[], spec: Record<string, ValueType>, required: readonly string[] = []): Record<string, unknown> {
  const a = keywordArgs(`F.${fn}()`, args, names, spec);
  for (const r of required) if (a[r] === undefined) throw new ArgumentError(`F.${fn}(): missing required argument '${r}'`);
  return a;
}

const INPLACE = { inplace: "boolean" } as const;

/** The arguments after the tensor inputs, so that one too many is refused too. */
const after = (args: IArguments, n: number): unknown[] => Array.prototype.slice.call(args, n);

/** F.<name>(input, inplace=False) over an op and its in-place form. */
function inplaceOnly(name: string, op: (x: Tensor) => Tensor, op_: (x: Tensor) => Tensor) {
  return function (x: Tensor, inplace?: boolean | InplaceOptions): Tensor {
    return (params(name, after(arguments, 1), ["inplace"], INPLACE).inplace === true ? op_ : op)(x);
  };
}

/** F.relu6(input, inplace=False): min(max(x, 0), 6). */
export const relu6 = /* @__PURE__ */ inplaceOnly("relu6", A.relu6, A.relu6_);
/** F.hardswish(input, inplace=False): x * relu6(x + 3) / 6. */
export const hardswish = /* @__PURE__ */ inplaceOnly("hardswish", A.hardswish, A.hardswish_);
/** F.hardsigmoid(input, inplace=False): relu6(x + 3) / 6. */
export const hardsigmoid = /* @__PURE__ */ inplaceOnly("hardsigmoid", A.hardsigmoid, A.hardsigmoid_);
/** F.selu(input, inplace=False). */
export const selu = /* @__PURE__ */ inplaceOnly("selu", A.selu, A.selu_);

export interface RreluOptions extends InplaceOptions {
  lower?: number;
  upper?: number;
  training?: boolean;
  /** kindling's: the generator of the training-mode slopes. */
  generator?: Generator;
}

const RRELU = { lower: "number", upper: "number", training: "boolean", inplace: "boolean", generator: "object" } as const;

/**
 * F.rrelu(input, lower=1/8, upper=1/3, training=False, inplace=False): leaky ReLU whose negative slope is
 * drawn from U(lower, upper) per element when training, and is their mean otherwise.
 */
export function rrelu(x: Tensor, lower?: number | RreluOptions, upper?: number | RreluOptions, training?: boolean | RreluOptions, inplace?: boolean | RreluOptions): Tensor {
  const a = params("rrelu", after(arguments, 1), ["lower", "upper", "training", "inplace"], RRELU) as RreluOptions;
  const op = a.inplace === true ? A.rrelu_ : A.rrelu;
  return op(x, a.lower ?? 1 / 8, a.upper ?? 1 / 3, a.training ?? false, a.generator);
}

/** F.rrelu_(input, lower=1/8, upper=1/3, training=False). */
export function rrelu_(x: Tensor, lower?: number | RreluOptions, upper?: number | RreluOptions, training?: boolean | RreluOptions): Tensor {
  const a = params("rrelu_", after(arguments, 1), ["lower", "upper", "training"], RRELU) as RreluOptions;
  return A.rrelu_(x, a.lower ?? 1 / 8, a.upper ?? 1 / 3, a.training ?? false, a.generator);
}

/** F.selu_(input). */
export function selu_(x: Tensor): Tensor {
  params("selu_", after(arguments, 1), [], {});
  return A.selu_(x);
}

/** F.celu_(input, alpha=1.0). */
export function celu_(x: Tensor, alpha?: number | { alpha?: number }): Tensor {
  return A.celu_(x, (params("celu_", after(arguments, 1), ["alpha"], { alpha: "number" }).alpha as number | undefined) ?? 1);
}

/** F.threshold_(input, threshold, value). */
export function threshold_(x: Tensor, th: number | ThresholdOptions, value?: number | ThresholdOptions): Tensor {
  const a = params("threshold_", after(arguments, 1), ["threshold", "value"], { threshold: "number", value: "number" }, ["threshold", "value"]);
  return A.threshold_(x, a.threshold as number, a.value as number);
}

export interface CeluOptions extends InplaceOptions {
  alpha?: number;
}

/** F.celu(input, alpha=1.0, inplace=False): max(0, x) + min(0, alpha * (exp(x / alpha) - 1)). */
export function celu(x: Tensor, alpha?: number | CeluOptions, inplace?: boolean | CeluOptions): Tensor {
  const a = params("celu", after(arguments, 1), ["alpha", "inplace"], { alpha: "number", ...INPLACE });
  return (a.inplace === true ? A.celu_ : A.celu)(x, (a.alpha as number | undefined) ?? 1);
}

export interface ThresholdOptions extends InplaceOptions {
  threshold?: number;
  value?: number;
}

/** F.threshold(input, threshold, value, inplace=False): x where x > threshold, else value. */
export function threshold(x: Tensor, th: number | ThresholdOptions, value?: number | ThresholdOptions, inplace?: boolean | ThresholdOptions): Tensor {
  const a = params("threshold", after(arguments, 1), ["threshold", "value", "inplace"], { threshold: "number", value: "number", ...INPLACE }, ["threshold", "value"]);
  return (a.inplace === true ? A.threshold_ : A.threshold)(x, a.threshold as number, a.value as number);
}

/** F.softsign(input): x / (1 + |x|). */
export function softsign(x: Tensor): Tensor {
  Tensor.check(x, "input");
  return div(x, add(abs(x), 1));
}

/** F.tanhshrink(input): x - tanh(x). */
export function tanhshrink(x: Tensor): Tensor {
  Tensor.check(x, "input");
  return sub(x, tanh(x));
}

/** F.softshrink(input, lambd=0.5). */
export function softshrink(x: Tensor, lambd?: number | { lambd?: number }): Tensor {
  return A.softshrink(x, (params("softshrink", after(arguments, 1), ["lambd"], { lambd: "number" }).lambd as number | undefined) ?? 0.5);
}

/** F.hardshrink(input, lambd=0.5). */
export function hardshrink(x: Tensor, lambd?: number | { lambd?: number }): Tensor {
  return A.hardshrink(x, (params("hardshrink", after(arguments, 1), ["lambd"], { lambd: "number" }).lambd as number | undefined) ?? 0.5);
}

/** F.glu(input, dim=-1): a * sigmoid(b) for the halves a, b of dim. */
export function glu(x: Tensor, dim?: number | { dim?: number }): Tensor {
  return A.glu(x, (params("glu", after(arguments, 1), ["dim"], { dim: "int" }).dim as number | undefined) ?? -1);
}

export interface SoftminOptions {
  dim?: number | null;
  dtype?: DType | null;
}

/** F.softmin(input, dim=None, dtype=None): softmax(-x); without a dim, softmax's legacy choice. */
export function softmin(x: Tensor, dim?: number | null | SoftminOptions, opts?: SoftminOptions): Tensor {
  const a = params("softmin", after(arguments, 1), ["dim"], { dim: "int?", dtype: "string?" });
  Tensor.check(x, "input");
  const d = (a.dim as number | null | undefined) ?? implicitSoftmaxDim(x.ndim);
  const dtype = a.dtype as DType | null | undefined;
  return softmaxOp(neg(x), d, dtype ? { dtype } : {});
}

export interface NormalizeOptions {
  p?: number;
  dim?: number;
  eps?: number;
}

/** F.normalize(input, p=2.0, dim=1, eps=1e-12): x / max(||x||_p over dim, eps). */
export function normalize(x: Tensor, p?: number | NormalizeOptions, dim?: number | NormalizeOptions, eps?: number | NormalizeOptions): Tensor {
  const a = params("normalize", after(arguments, 1), ["p", "dim", "eps"], { p: "number", dim: "int", eps: "number" });
  Tensor.check(x, "input");
  if (!isFloating(x.dtype)) throw new DTypeError(`norm(): input dtype should be either floating point or complex. Got ${scalarTypeName(x.dtype)} instead.`);
  const denom = clamp(vectorNorm(x, (a.p as number | undefined) ?? 2, (a.dim as number | undefined) ?? 1, true), (a.eps as number | undefined) ?? 1e-12);
  return div(x, denom);
}

export interface CosineSimilarityOptions {
  dim?: number;
  eps?: number;
}

/** F.cosine_similarity(x1, x2, dim=1, eps=1e-8), as ops/distance.ts computes it. */
export function cosineSimilarity(x1: Tensor, x2: Tensor, dim?: number | CosineSimilarityOptions, eps?: number | CosineSimilarityOptions): Tensor {
  const a = params("cosineSimilarity", after(arguments, 2), ["dim", "eps"], { dim: "int", eps: "number" });
  return D.cosineSimilarity(x1, x2, (a.dim as number | undefined) ?? 1, (a.eps as number | undefined) ?? 1e-8);
}

export interface PairwiseDistanceOptions {
  p?: number;
  eps?: number;
  keepdim?: boolean;
}

/** F.pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False): ||x1 - x2 + eps||_p over the last dim. */
export function pairwiseDistance(x1: Tensor, x2: Tensor, p?: number | PairwiseDistanceOptions, eps?: number | PairwiseDistanceOptions, keepdim?: boolean | PairwiseDistanceOptions): Tensor {
  const a = params("pairwiseDistance", after(arguments, 2), ["p", "eps", "keepdim"], { p: "number", eps: "number", keepdim: "boolean" });
  return D.pairwiseDistance(x1, x2, (a.p as number | undefined) ?? 2, (a.eps as number | undefined) ?? 1e-6, (a.keepdim as boolean | undefined) ?? false);
}
