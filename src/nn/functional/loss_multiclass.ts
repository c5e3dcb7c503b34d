/**
 * Multi-class hinge losses over class-index targets (`torch.nn.functional`): multiMarginLoss (one
 * target class per sample) and multilabelMarginLoss (a -1-terminated list of target classes). Inputs
 * are [C], [N, C] or 0-d (one class); PyTorch's kernels sum the hinge only where it is strictly
 * positive, which the `where(z > 0)` below reproduces for the values and the gradients.
 */
import { checkOptions } from "../../options.ts";
import "../../ops/methods.ts";
import { asOneNode } from "../../autograd/fused.ts";
import { noGrad } from "../../autograd/grad_mode.ts";
import { ArgumentError, DTypeError, IndexError, ShapeError } from "../../errors.ts";
import { add, gt, logicalAnd, mul, ne, rsub } from "../../ops/elementwise.ts";
import { gather, indexSelect, where } from "../../ops/indexing.ts";
import { sum } from "../../ops/reduce.ts";
import { reshape, unsqueeze } from "../../ops/views.ts";
import { arange, tensor } from "../../tensor/creation.ts";
import { fmtShape } from "../../tensor/shape.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { LEGACY_REDUCTION_SPEC as LEGACY, type LegacyReductionOptions, type Reduction, checkFloatInput, legacyReduction } from "./reduction.ts";

export interface MultiMarginOptions extends LegacyReductionOptions {
  /** 1 or 2: the power of each hinge term. */
  p?: number;
  margin?: number;
  /** A rescaling weight per class [C], applied by the sample's target class. Not differentiated. */
  weight?: Tensor | null;
  reduction?: Reduction;
}

/** The [N, C] shape PyTorch's kernels take: 0-d is one sample of one class, [C] one sample. */
function asMatrix(input: Tensor): { frames: number; classes: number } {
  const ok = (input.ndim <= 1 && input.numel() > 0) || (input.ndim === 2 && input.shape[1]! > 0);
  if (!ok) throw new ShapeError(`Expected non-empty vector or matrix with optional 0-dim batch size, but got: ${fmtShape(input.shape)}`);
  const frames = input.ndim === 2 ? input.shape[0]! : 1;
  const classes = input.ndim === 0 ? 1 : input.shape[input.ndim - 1]!;
  return { frames, classes };
}

function checkLong(target: Tensor): void {
  Tensor.check(target, "target");
  if (target.dtype !== "int64") throw new DTypeError(`expected scalar type Long but found ${target.dtype}`);
}

/** The per-sample losses [N] reduced; 'none' keeps [N], or 0-d where `scalar` (an unbatched call). */
function reduceFrames(per: Tensor, r: Reduction, scalar: boolean): Tensor {
  if (r === "sum") return sum(per);
  if (r === "mean") return sum(per).div(per.shape[0]!);
  return scalar ? reshape(per, []) : per;
}

/**
 * Per sample: sum over classes j != y of w[y] max(0, margin - x[y] + x[j])^p, divided by C.
 * Target: int64 [N] (or 0-d / [1] for an unbatched input), values in [0, C).
 */
export function multiMarginLoss(input: Tensor, target: Tensor, opts: MultiMarginOptions = {}): Tensor {
  checkOptions("F.multiMarginLoss()", opts, { p: "number", margin: "number", weight: "tensor?", reduction: "any", ...LEGACY }, { index: 3, positional: "p" });
  const r = legacyReduction(opts);
  const p = opts.p ?? 1;
  if (p !== 1 && p !== 2) throw new ArgumentError("only p == 1 and p == 2 supported");
  const w = opts.weight ?? null;
  if (w !== null) {
    Tensor.check(w, "weight");
    if (w.ndim !== 1) throw new ShapeError("weight must be one-dimensional");
  }
  checkFloatInput(input, "multi_margin_loss");
  const { frames, classes } = asMatrix(input);
  checkLong(target);
  if (target.ndim > 1 || target.numel() !== frames) throw new ShapeError(`inconsistent target size, got: ${fmtShape(target.shape)}`);
  const y = reshape(target, [frames]);
  for (const v of y.toTypedArray()) if (v < 0 || v >= classes) throw new IndexError("target out of range");
  if (w !== null) {
    if (w.dtype !== input.dtype) throw new DTypeError(`expected scalar type ${input.dtype} but found ${w.dtype}`);
    if (w.numel() !== classes) throw new ShapeError(`inconsistent weight size, expected ${classes} but got ${fmtShape(w.shape)}`);
  }
  const margin = opts.margin ?? 1;
  return asOneNode("MultiMarginLossBackward0", [input], (inp) => {
    const xs = reshape(inp!, [frames, classes]);
    const yc = unsqueeze(y, 1);
    const z = add(rsub(margin, gather(xs, 1, yc)), xs);
    const counted = noGrad(() => logicalAnd(gt(z, 0), ne(reshape(arange(classes), [1, classes]), yc)));
    let h = where(counted, p === 1 ? z : mul(z, z), 0);
    if (w !== null) h = mul(h, unsqueeze(indexSelect(w.detach(), 0, y), 1));
    return reduceFrames(sum(h, 1).div(classes), r, target.ndim === 0);
  });
}

/**
 * Per sample: for each listed target class j (the target row up to its first -1) and each class i
 * not listed, max(0, 1 - (x[j] - x[i])), summed and divided by C. Target: int64 shaped as the input.
 */
export function multilabelMarginLoss(input: Tensor, target: Tensor, opts: LegacyReductionOptions & { reduction?: Reduction } = {}): Tensor {
  checkOptions("F.multilabelMarginLoss()", opts, { reduction: "any", ...LEGACY }, { index: 3, positional: "reduction" });
  const r = legacyReduction(opts);
  checkFloatInput(input, "multilabel_margin_loss");
  const { frames, classes } = asMatrix(input);
  checkLong(target);
  const sameSize = input.ndim <= 1 ? target.ndim <= 1 && target.numel() === classes : target.ndim === 2 && target.shape[0] === frames && target.shape[1] === classes;
  if (!sameSize) throw new ShapeError(`inconsistent size ${fmtShape(target.shape)} for argument #2 'target'`);
  const ys = target.toTypedArray();
  for (const v of ys) if (v < -1 || v >= classes) throw new IndexError("argument #2 'target' is out of range");
  // listed[n][k]: the k-th listed class of sample n (0 past the list); valid marks the list; isTarget the classes in it.
  const listed = new Array<number>(frames * classes).fill(0);
  const valid = new Array<number>(frames * classes).fill(0);
  const isTarget = new Array<number>(frames * classes).fill(0);
  for (let n = 0; n < frames; n++) {
    for (let k = 0; k < classes; k++) {
      const c = Number(ys[n * classes + k]);
      if (c < 0) break;
      listed[n * classes + k] = c;
      valid[n * classes + k] = 1;
      isTarget[n * classes + c] = 1;
    }
  }
  const idx = tensor(listed, { dtype: "int64" }).reshape([frames, classes]);
  const pairs = noGrad(() =>
    logicalAnd(
      unsqueeze(tensor(valid, { dtype: "bool" }).reshape([frames, classes]), 2),
      unsqueeze(tensor(isTarget, { dtype: "bool" }).reshape([frames, classes]).logicalNot(), 1),
    ),
  );
  return asOneNode("MultilabelMarginLossBackward0", [input], (inp) => {
    const xs = reshape(inp!, [frames, classes]);
    // z[n, k, i] = 1 - x[n, listed k] + x[n, i]
    const z = add(rsub(1, unsqueeze(gather(xs, 1, idx), 2)), unsqueeze(xs, 1));
    const h = where(noGrad(() => logicalAnd(pairs, gt(z, 0))), z, 0);
    return reduceFrames(sum(h, [1, 2]).div(classes), r, input.ndim <= 1);
  });
}
