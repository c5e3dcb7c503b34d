import { ArgumentError, DTypeError, ShapeError } from "../../errors.ts";
import { log } from "../../log.ts";
import { type OptionSpec, checkOptions } from "../../options.ts";
import { mean, sum } from "../../ops/reduce.ts";
import { isFloating } from "../../tensor/dtype.ts";
import { fmtShape, sameShape } from "../../tensor/shape.ts";
import { Tensor } from "../../tensor/tensor.ts";

/** Shared plumbing of the losses: the `reduction` option and argument checks. */

export type Reduction = "none" | "mean" | "sum";

export function checkReduction(r: unknown): Reduction {
  if (r === "none" || r === "mean" || r === "sum") return r;
  throw new ArgumentError(`${String(r)} is not a valid value for reduction`);
}

/** A reduction kl_div accepts: the usual three or "batchmean". */
export function checkKLDivReduction(r: unknown): Reduction | "batchmean" {
  return r === "batchmean" ? r : checkReduction(r);
}

/** The deprecated arguments PyTorch 1.13's losses still take (size_average, reduce). */
export interface LegacyReductionOptions {
  /** Deprecated (use `reduction`): false sums instead of averaging; either legacy option overrides `reduction`. */
  sizeAverage?: boolean | null;
  /** Deprecated (use `reduction`): false returns the unreduced losses; either legacy option overrides `reduction`. */
  reduce?: boolean | null;
}

/** Their entries in an OptionSpec: spread into the spec of each loss PyTorch 1.13 gives them to (not huber, gaussian_nll, ctc). */
export const LEGACY_REDUCTION_SPEC = { sizeAverage: "boolean?", reduce: "boolean?" } as const;

/** Whether either deprecated argument is set (null, as Python's None, is not). */
export function hasLegacyReduction(opts: LegacyReductionOptions): boolean {
  return (opts.sizeAverage !== undefined && opts.sizeAverage !== null) || (opts.reduce !== undefined && opts.reduce !== null);
}

/**
 * `reduction` (checked by `check`), unless either deprecated argument is set: then, as PyTorch's
 * _Reduction.legacy_get_string, they decide alone (each defaulting to true) and `reduction` is ignored
 * unchecked, with PyTorch's warning. Every loss module constructor and functional loss that takes them
 * resolves them here.
 */
export function legacyReduction(opts: LegacyReductionOptions & { reduction?: unknown }): Reduction;
export function legacyReduction<R extends string>(opts: LegacyReductionOptions & { reduction?: unknown }, check: (r: unknown) => R): R | Reduction;
export function legacyReduction(
  opts: LegacyReductionOptions & { reduction?: unknown },
  check: (r: unknown) => string = checkReduction,
): string {
  if (!hasLegacyReduction(opts)) return check(opts.reduction ?? "mean");
  const r: Reduction = (opts.reduce ?? true) ? ((opts.sizeAverage ?? true) ? "mean" : "sum") : "none";
  log("warn", `size_average and reduce args will be deprecated, please use reduction='${r}' instead.`);
  return r;
}

/** Applies 'mean' | 'sum' | 'none' to an elementwise loss. */
export function reduce(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === "mean") return mean(loss);
  if (reduction === "sum") return sum(loss);
  return loss;
}

export function checkFloatInput(input: Tensor, fn: string): void {
  Tensor.check(input, "input");
  if (!isFloating(input.dtype)) throw new DTypeError(`${fn}: expected a floating point input, got ${input.dtype}`);
}

/**
 * What the elementwise losses check first, in this order: the options (the reduction resolved by
 * legacyReduction; an option missing from `spec`, as huber's sizeAverage, is refused first), a floating input, a target of its shape.
 * (PyTorch broadcasts with a warning for mse/l1; a broadcast [N] target against [N, 1] predictions
 * silently trains on an N x N loss, so kindling refuses it.) Returns the reduction.
 */
export function lossArgs(
  where: string, fn: string, input: Tensor, target: Tensor, opts: LegacyReductionOptions & { reduction?: unknown },
  spec: OptionSpec = { reduction: "any" }, positional = "reduction", deprecated = "",
): Reduction {
  checkOptions(where, opts, spec, { index: 3, positional });
  const r = legacyReduction(opts);
  checkFloatInput(input, fn);
  Tensor.check(target, "target");
  if (!sameShape(input.shape, target.shape)) {
    throw new ShapeError(
      `${fn}: Using a target size (${fmtShape(target.shape)}) that is different to the input size (${fmtShape(input.shape)})${deprecated}. Please ensure they have the same size.`,
    );
  }
  return r;
}

/** A bool target in the input's dtype: PyTorch's mse/smooth_l1/huber kernels promote it (l1_loss's subtraction refuses it). */
export function promoteBoolTarget(input: Tensor, target: Tensor): Tensor {
  return target.dtype === "bool" ? target.to(input.dtype) : target;
}
