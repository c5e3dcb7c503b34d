import { noGrad } from "../autograd/grad_mode.ts";
import { record } from "../autograd/record.ts";
import { DTypeError } from "../errors.ts";
import { isFloating, scalarTypeName } from "../tensor/dtype.ts";
import { broadcastShapes } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { add, clamp, div, mul, sub } from "./elementwise.ts";
import { vectorNorm } from "./linalg.ts";
import { resultType } from "./promotion.ts";
import { sum } from "./reduce.ts";
import { expand, to } from "./views.ts";

/**
 * Cosine similarity and pairwise distance (torch.cosine_similarity, torch.pairwise_distance and their
 * nn.functional forms), composed as PyTorch 1.13 composes them, so the gradients are its gradients.
 */

/**
 * Each input over its own 2-norm along `dim` raised to eps, then the sum of the products. PyTorch
 * clamps the norm in place under no_grad, so the norm's backward, x * g / norm, reads the clamped norm:
 * so does this one.
 */
export function cosineSimilarity(x1: Tensor, x2: Tensor, dim: number, eps: number): Tensor {
  Tensor.check(x1, "x1");
  Tensor.check(x2, "x2");
  const common = resultType(x1, x2);
  if (!isFloating(common)) throw new DTypeError(`expected common dtype to be floating point, yet common dtype is ${scalarTypeName(common)}`);
  const shape = broadcastShapes(x1.shape, x2.shape);
  const u = expand(to(x1, common), shape);
  const v = expand(to(x2, common), shape);
  const clampedNorm = (t: Tensor) => {
    const n = noGrad(() => clamp(vectorNorm(t.detach(), 2, dim, true), eps));
    return record(n, "LinalgVectorNormBackward0", [t], (g) => [mul(t, div(g, n))]);
  };
  return sum(mul(div(u, clampedNorm(u)), div(v, clampedNorm(v))), dim);
}

/** ||x1 - x2 + eps||_p over the last dim of the broadcast pair. */
export function pairwiseDistance(x1: Tensor, x2: Tensor, p: number, eps: number, keepdim: boolean): Tensor {
  Tensor.check(x1, "x1");
  Tensor.check(x2, "x2");
  const innermost = Math.max(x1.ndim, x2.ndim) - 1;
  return vectorNorm(add(sub(x1, x2), eps), p, innermost, keepdim);
}
