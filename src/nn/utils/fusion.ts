/**
 * torch.nn.utils.fuse_conv_bn_eval / fuse_conv_bn_weights (and the Linear versions), PyTorch 1.13:
 * folds an eval-mode BatchNorm that follows a convolution into the convolution's weight and bias, so
 * inference runs one layer instead of two:
 *
 *   w' = w * (gamma / sqrt(var + eps))   (per output channel: dim 0, or dim 1 for a transposed conv)
 *   b' = (b - mean) / sqrt(var + eps) * gamma + beta
 */
import { ArgumentError } from "../../errors.ts";
import { onesLike, zerosLike } from "../../tensor/creation.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { deepCopyModule } from "../attention/clone.ts";
import type { AnyModule } from "../module.ts";
import { Parameter } from "../parameter.ts";
import { checkArity } from "../../options.ts";

/** What fusion reads from a convolution or Linear layer. */
interface Weighted {
  weight: Tensor;
  bias: Tensor | null;
  training: boolean;
}

/** What fusion reads from a BatchNorm layer. */
interface BatchNormLike {
  weight: Tensor | null;
  bias: Tensor | null;
  eps: number;
  training: boolean;
  runningMean: Tensor | null;
  runningVar: Tensor | null;
}

function stats(bn: BatchNormLike, where: string): [Tensor, Tensor] {
  const { runningMean, runningVar } = bn;
  if (runningMean === null || runningVar === null) throw new ArgumentError(`${where}: the BatchNorm layer has no running statistics (trackRunningStats=false)`);
  return [runningMean, runningVar];
}

function checkTensor(t: unknown, name: string, where: string, nullable: boolean): void {
  if (t === null && nullable) return;
  if (!(t instanceof Tensor)) throw new ArgumentError(`${where}: ${name} must be a Tensor${nullable ? " or null" : ""}`);
}

/** The fused convolution weight and bias, as new Parameters. */
export function fuseConvBnWeights(
  convW: Tensor, convB: Tensor | null, bnRm: Tensor, bnRv: Tensor, bnEps: number, bnW: Tensor | null, bnB: Tensor | null, transpose = false,
): [Tensor, Tensor] {
  const where = "nn.utils.fuseConvBnWeights()";
  checkArity(where, arguments, 8);
  checkTensor(convW, "conv_w", where, false);
  checkTensor(convB, "conv_b", where, true);
  checkTensor(bnRm, "bn_rm", where, false);
  checkTensor(bnRv, "bn_rv", where, false);
  checkTensor(bnW, "bn_w", where, true);
  checkTensor(bnB, "bn_b", where, true);
  if (typeof bnEps !== "number") throw new ArgumentError(`${where}: bn_eps must be a number`);
  const b = convB ?? zerosLike(bnRm);
  const gamma = bnW ?? onesLike(bnRm);
  const beta = bnB ?? zerosLike(bnRm);
  const rsqrt = bnRv.add(bnEps).rsqrt();
  const rest = new Array<number>(convW.ndim - 2).fill(1);
  const shape = transpose ? [1, -1, ...rest] : [-1, 1, ...rest];
  const w = convW.mul(gamma.mul(rsqrt).reshape(shape));
  const fusedB = b.sub(bnRm).mul(rsqrt).mul(gamma).add(beta);
  return [Parameter(w.detach()), Parameter(fusedB.detach())];
}

/** A copy of `conv` with `bn` (both in eval mode) folded in. `transpose` for a ConvTranspose layer. */
export function fuseConvBnEval<M extends AnyModule>(conv: M, bn: AnyModule, transpose = false): M {
  const where = "nn.utils.fuseConvBnEval()";
  checkArity(where, arguments, 3);
  const c = conv as unknown as Weighted;
  const n = bn as unknown as BatchNormLike;
  if (c.training || n.training) throw new ArgumentError("Fusion only for eval!");
  const fused = deepCopyModule(conv);
  const f = fused as unknown as Weighted;
  const [rm, rv] = stats(n, where);
  [f.weight, f.bias] = fuseConvBnWeights(f.weight, f.bias, rm, rv, n.eps, n.weight, n.bias, transpose);
  return fused;
}

/** The fused Linear weight and bias, as new Parameters. */
export function fuseLinearBnWeights(
  linearW: Tensor, linearB: Tensor | null, bnRm: Tensor, bnRv: Tensor, bnEps: number, bnW: Tensor, bnB: Tensor,
): [Tensor, Tensor] {
  const where = "nn.utils.fuseLinearBnWeights()";
  checkArity(where, arguments, 7);
  checkTensor(linearW, "linear_w", where, false);
  checkTensor(linearB, "linear_b", where, true);
  for (const [t, name] of [[bnRm, "bn_rm"], [bnRv, "bn_rv"], [bnW, "bn_w"], [bnB, "bn_b"]] as const) checkTensor(t, name, where, false);
  const b = linearB ?? zerosLike(bnRm);
  const scale = bnW.mul(bnRv.add(bnEps).rsqrt());
  const w = linearW.mul(scale.unsqueeze(-1));
  const fusedB = b.sub(bnRm).mul(scale).add(bnB);
  return [Parameter(w.detach()), Parameter(fusedB.detach())];
}

/** A copy of `linear` with `bn` (both in eval mode) folded in. */
export function fuseLinearBnEval<M extends AnyModule>(linear: M, bn: AnyModule): M {
  const where = "nn.utils.fuseLinearBnEval()";
  checkArity(where, arguments, 2);
  const l = linear as unknown as Weighted;
  const n = bn as unknown as BatchNormLike;
  if (l.training || n.training) throw new ArgumentError("Fusion only for eval!");
  const fused = deepCopyModule(linear);
  const f = fused as unknown as Weighted;
  const [rm, rv] = stats(n, where);
  if (n.weight === null || n.bias === null) throw new ArgumentError(`${where}: the BatchNorm layer has no affine parameters (affine=false)`);
  [f.weight, f.bias] = fuseLinearBnWeights(f.weight, f.bias, rm, rv, n.eps, n.weight, n.bias);
  return fused;
}
