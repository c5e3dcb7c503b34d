/** F.pdist (pairwise distances within one set of rows) and F.gumbelSoftmax (differentiable categorical samples). */
import { ArgumentError, ShapeError } from "../../errors.ts";
import { where } from "../../ops/indexing.ts";
import { vectorNorm } from "../../ops/linalg.ts";
import { triuIndices } from "../../ops/shape_extra_diag.ts";
import { checkArg, keywordArgs } from "../../options.ts";
import { empty, zerosLike } from "../../tensor/creation.ts";
import { isFloating } from "../../tensor/dtype.ts";
import type { Generator } from "../../tensor/random.ts";
import { Tensor } from "../../tensor/tensor.ts";

/**
 * F.pdist(input, p = 2): the p-norm distance between every pair of rows i < j of input [N, M], in row-major
 * order of the upper triangle, [N*(N-1)/2]. The gradient at a zero distance is 0, as PyTorch's.
 */
export function pdist(input: Tensor, p: number | { p?: number } = 2): Tensor {
  const a = keywordArgs("F.pdist()", [p], ["p"], { p: "number" });
  const ord = (a.p as number | undefined) ?? 2;
  Tensor.check(input, "input");
  if (input.ndim !== 2) throw new ShapeError(`pdist only supports 2D tensors, got: ${input.ndim}D`);
  if (!isFloating(input.dtype)) throw new ArgumentError("pdist only supports floating-point dtypes");
  if (!(ord >= 0)) throw new ArgumentError("pdist only supports non-negative p values");
  const n = input.shape[0]!;
  const pairs = triuIndices(n, n, 1);
  const diff = input.indexSelect(0, pairs.select(0, 0)).sub(input.indexSelect(0, pairs.select(0, 1)));
  // p = 0 counts the differing components; PyTorch still gives the input a (zero) gradient.
  if (ord === 0) return vectorNorm(diff, 0, 1).add(where(diff.detach().isfinite(), diff, 0).mul(0).sum(1));
  if (ord !== Infinity) return vectorNorm(diff, ord, 1);
  // PyTorch's pdist backward for p = inf gives every component at the maximum the whole gradient (the norm's
  // own splits it among ties): the value is the maximum, the gradient flows through each tied |diff|.
  const ad = diff.abs();
  const dist = ad.amax(1, true).detach();
  const atMax = ad.detach().eq(dist);
  return ad.sub(ad.detach()).mul(atMax).sum(1).add(dist.squeeze(1));
}

export interface GumbelSoftmaxOptions {
  tau?: number;
  hard?: boolean;
  /** Deprecated in PyTorch and without effect; a value other than 1e-10 warns. */
  eps?: number;
  dim?: number;
  /** kindling's: draw the Gumbel noise from this generator instead of the default one. */
  generator?: Generator;
}

let epsWarned = false;

/**
 * F.gumbelSoftmax(logits, tau = 1, hard = false, eps = 1e-10, dim = -1): softmax((logits + g) / tau) with
 * g ~ Gumbel(0, 1). With `hard`, the output is the one-hot of its argmax while its gradient is the soft
 * sample's (straight-through: y_hard - y_soft.detach() + y_soft).
 */
export function gumbelSoftmax(
  logits: Tensor,
  tau?: number | GumbelSoftmaxOptions,
  hard?: boolean | GumbelSoftmaxOptions,
  eps?: number | GumbelSoftmaxOptions,
  dim?: number | GumbelSoftmaxOptions,
): Tensor {
  const a = keywordArgs("F.gumbelSoftmax()", [tau, hard, eps, dim], ["tau", "hard", "eps", "dim"], { tau: "number", hard: "boolean", eps: "number", dim: "int", generator: "object" });
  Tensor.check(logits, "logits");
  const t = (a.tau as number | undefined) ?? 1;
  const d = (a.dim as number | undefined) ?? -1;
  checkArg("F.gumbelSoftmax()", t, "number", 2, "tau");
  if (a.eps !== undefined && a.eps !== 1e-10 && !epsWarned) {
    epsWarned = true;
    console.warn("`eps` parameter is deprecated and has no effect.");
  }
  const gumbels = empty([...logits.shape], { dtype: logits.dtype }).exponential_(1, { generator: a.generator as Generator | undefined }).log().neg();
  const ySoft = logits.add(gumbels).div(t).softmax(d);
  if (a.hard !== true) return ySoft;
  const index = ySoft.argmax(d, true);
  const yHard = zerosLike(logits).scatter(d, index, 1);
  return yHard.sub(ySoft.detach()).add(ySoft);
}
