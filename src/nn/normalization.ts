import { noGrad } from "../autograd/grad_mode.ts";
import { ShapeError } from "../errors.ts";
import { batchNorm, layerNorm } from "../ops/cnn_index.ts";
import { ones, tensor, zeros } from "../tensor/creation.ts";
import type { DType } from "../tensor/dtype.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { checkCount as checkFeatures, pyIntTuple } from "./conv.ts";
import { type OptionSpec, checkArg, checkArity, checkOptions } from "../options.ts";
import { Module } from "./module.ts";
import { Parameter } from "./parameter.ts";
import { pyBool, pyFloat } from "./repr.ts";

/**
 * Normalisation layers. BatchNorm keeps PyTorch's buffers and state-dict keys (`running_mean`,
 * `running_var`, `num_batches_tracked`), so a checkpoint loads into torch with strict=True.
 */

export interface BatchNormOptions {
  eps?: number;
  /** Weight of the new batch in the running statistics; null: cumulative average over all batches seen. */
  momentum?: number | null;
  /** Learnable per-channel weight (ones) and bias (zeros). */
  affine?: boolean;
  /** Keep running statistics for eval mode; without them eval normalises with the batch's own. */
  trackRunningStats?: boolean;
  dtype?: DType;
}

const BATCH_NORM_OPTIONS: OptionSpec = { eps: "number", momentum: "number?", affine: "boolean", trackRunningStats: "boolean", dtype: "string" };

/** PyTorch's `_BatchNorm`: the per-channel normalisation of x [N, C, ...]; subclasses check the rank. */
export abstract class BatchNormBase extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Tensor | null;
  bias: Tensor | null;

  protected constructor(where: string, args: IArguments, numFeatures: number, opts: BatchNormOptions) {
    super();
    checkOptions(where, opts, BATCH_NORM_OPTIONS, { index: 2, positional: "eps" });
    checkArity(where, args, 2);
    this.numFeatures = checkFeatures("num_features", numFeatures);
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    this.affine = opts.affine ?? true;
    this.trackRunningStats = opts.trackRunningStats ?? true;
    const dtype = opts.dtype;
    this.weight = this.affine ? Parameter(ones([numFeatures], { dtype })) : null;
    this.bias = this.affine ? Parameter(zeros([numFeatures], { dtype })) : null;
    const track = this.trackRunningStats;
    this.registerBuffer("running_mean", track ? zeros([numFeatures], { dtype }) : null);
    this.registerBuffer("running_var", track ? ones([numFeatures], { dtype }) : null);
    this.registerBuffer("num_batches_tracked", track ? tensor(0, { dtype: "int64" }) : null);
  }

  /** The `running_mean` buffer ([C]), or null without running statistics. */
  get runningMean(): Tensor | null {
    return this.getBuffer("running_mean");
  }

  get runningVar(): Tensor | null {
    return this.getBuffer("running_var");
  }

  /** The `num_batches_tracked` buffer: a 0-d int64 count of training forwards. */
  get numBatchesTracked(): Tensor | null {
    return this.getBuffer("num_batches_tracked");
  }

  resetRunningStats(): void {
    noGrad(() => {
      this.runningMean?.zero_();
      this.runningVar?.fill_(1);
      this.numBatchesTracked?.zero_();
    });
  }

  resetParameters(): void {
    this.resetRunningStats();
    noGrad(() => {
      this.weight?.fill_(1);
      this.bias?.zero_();
    });
  }

  protected abstract checkInputDim(x: Tensor): void;

  override forward(x: Tensor): Tensor {
    this.checkInputDim(x);
    let factor = this.momentum ?? 0;
    const nbt = this.numBatchesTracked;
    if (this.training && this.trackRunningStats && nbt !== null) {
      noGrad(() => nbt.add_(1));
      if (this.momentum === null) factor = 1 / nbt.item();
    }
    const runningMean = this.runningMean;
    const runningVar = this.runningVar;
    // Batch statistics in training, and in eval too when there are no running ones.
    const bnTraining = this.training || (runningMean === null && runningVar === null);
    const useRunning = !this.training || this.trackRunningStats;
    return batchNorm(x, useRunning ? runningMean : null, useRunning ? runningVar : null, this.weight, this.bias, bnTraining, factor, this.eps);
  }

  override extraRepr(): string {
    const momentum = this.momentum === null ? "None" : pyFloat(this.momentum);
    return (
      `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${momentum}, ` +
      `affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.trackRunningStats)}`
    );
  }
}

/** Batch normalisation over [N, C] or [N, C, L], per channel C. */
export class BatchNorm1d extends BatchNormBase {
  /** @internal */ static override readonly builtinName: string = "BatchNorm1d";
  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super("nn.BatchNorm1d()", arguments, numFeatures, opts);
  }

  protected override checkInputDim(x: Tensor): void {
    if (x.ndim !== 2 && x.ndim !== 3) throw new ShapeError(`expected 2D or 3D input (got ${x.ndim}D input)`);
  }
}

/** Batch normalisation over [N, C, H, W], per channel C. */
export class BatchNorm2d extends BatchNormBase {
  /** @internal */ static override readonly builtinName: string = "BatchNorm2d";
  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super("nn.BatchNorm2d()", arguments, numFeatures, opts);
  }

  protected override checkInputDim(x: Tensor): void {
    if (x.ndim !== 4) throw new ShapeError(`expected 4D input (got ${x.ndim}D input)`);
  }
}

export interface LayerNormOptions {
  eps?: number;
  /** Learnable weight (ones) and bias (zeros) of the normalised shape. */
  elementwiseAffine?: boolean;
  dtype?: DType;
}

/** Normalises over the trailing dims `normalizedShape` of each sample: `new nn.LayerNorm(512)`. */
export class LayerNorm extends Module {
  /** @internal */ static override readonly builtinName: string = "LayerNorm";
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  weight: Tensor | null;
  bias: Tensor | null;

  constructor(normalizedShape: number | readonly number[], opts: LayerNormOptions = {}) {
    super();
    checkArg("nn.LayerNorm()", normalizedShape, "ints", 1, "normalizedShape");
    checkOptions("nn.LayerNorm()", opts, { eps: "number", elementwiseAffine: "boolean", dtype: "string" }, { index: 2, positional: "eps" });
    checkArity("nn.LayerNorm()", arguments, 2);
    const shape = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
    shape.forEach((s) => checkFeatures("normalized_shape", s));
    this.normalizedShape = shape;
    this.eps = opts.eps ?? 1e-5;
    this.elementwiseAffine = opts.elementwiseAffine ?? true;
    this.weight = this.elementwiseAffine ? Parameter(ones(shape, { dtype: opts.dtype })) : null;
    this.bias = this.elementwiseAffine ? Parameter(zeros(shape, { dtype: opts.dtype })) : null;
  }

  resetParameters(): void {
    noGrad(() => {
      this.weight?.fill_(1);
      this.bias?.zero_();
    });
  }

  override forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `${pyIntTuple(this.normalizedShape)}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }
}
