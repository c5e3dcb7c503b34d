import { noGrad } from "../../autograd/grad_mode.ts";
import { ArgumentError, ShapeError } from "../../errors.ts";
import { groupNorm, instanceNorm } from "../../ops/group_norm.ts";
import { squeeze, unsqueeze } from "../../ops/views.ts";
import { type OptionSpec } from "../../options.ts";
import { checkCall } from "../check_call.ts";
import { ones, tensor, zeros } from "../../tensor/creation.ts";
import type { DType } from "../../tensor/dtype.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { checkCount } from "../conv.ts";
import { Module } from "../module.ts";
import { Parameter } from "../parameter.ts";
import { pyBool, pyFloat } from "../repr.ts";

/** What GroupNorm and InstanceNorm2d share: eps, and the optional per-channel weight (ones) and bias (zeros). */
abstract class AffineNorm extends Module {
  readonly eps: number;
  readonly affine: boolean;
  weight: Tensor | null;
  bias: Tensor | null;

  protected constructor(channels: number, opts: { eps?: number; affine?: boolean; dtype?: DType }, affine: boolean) {
    super();
    this.eps = opts.eps ?? 1e-5;
    this.affine = opts.affine ?? affine;
    this.weight = this.affine ? Parameter(ones([channels], { dtype: opts.dtype })) : null;
    this.bias = this.affine ? Parameter(zeros([channels], { dtype: opts.dtype })) : null;
  }

  resetParameters(): void {
    noGrad(() => {
      this.weight?.fill_(1);
      this.bias?.zero_();
    });
  }
}

export interface GroupNormOptions {
  eps?: number;
  /** Learnable per-channel weight (ones) and bias (zeros). */
  affine?: boolean;
  dtype?: DType;
}

/**
 * Group normalisation (Wu & He, 2018): each sample's channels are split into `numGroups` groups,
 * each normalised over its channels and positions; batch-size independent, unlike BatchNorm.
 *
 *     const gn = new nn.GroupNorm(8, 64);   // GroupNorm(8, 64, eps=1e-05, affine=True)
 */
export class GroupNorm extends AffineNorm {
  /** @internal */ static override readonly builtinName: string = "GroupNorm";
  readonly numGroups: number;
  readonly numChannels: number;

  constructor(numGroups: number, numChannels: number, opts: GroupNormOptions = {}) {
    checkCall("nn.GroupNorm()", arguments, 3, { eps: "number", affine: "boolean", dtype: "string" }, "eps");
    checkCount("num_groups", numGroups);
    checkCount("num_channels", numChannels);
    if (numGroups === 0 || numChannels % numGroups !== 0) throw new ArgumentError("num_channels must be divisible by num_groups");
    super(numChannels, opts, true);
    this.numGroups = numGroups;
    this.numChannels = numChannels;
  }

  override forward(x: Tensor): Tensor {
    return groupNorm(x, this.numGroups, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${pyBool(this.affine)}`;
  }
}

export interface InstanceNormOptions {
  eps?: number;
  /** Weight of the new batch in the running statistics. */
  momentum?: number;
  /** Learnable per-channel weight (ones) and bias (zeros); off by default, unlike BatchNorm. */
  affine?: boolean;
  /** Keep running statistics and use them in eval mode; off by default. */
  trackRunningStats?: boolean;
  dtype?: DType;
}

const INSTANCE_NORM_OPTIONS: OptionSpec = { eps: "number", momentum: "number", affine: "boolean", trackRunningStats: "boolean", dtype: "string" };

/**
 * PyTorch's _InstanceNorm: each sample's channels normalised on their own over `spatial` dims (input
 * [N, C, ...spatial] or unbatched [C, ...spatial]). With `trackRunningStats` the running statistics follow
 * the mean over the batch of the instances' statistics; as in PyTorch 1.13, `num_batches_tracked` is kept
 * but not counted.
 */
export abstract class InstanceNormNd extends AffineNorm {
  readonly numFeatures: number;
  readonly momentum: number;
  readonly trackRunningStats: boolean;
  /** How many spatial dims a batched input has after [N, C]. */
  protected readonly spatialDims: number;

  protected constructor(where: string, args: IArguments, spatial: number, numFeatures: number, opts: InstanceNormOptions) {
    checkCall(where, args, 2, INSTANCE_NORM_OPTIONS, "eps");
    checkCount("num_features", numFeatures);
    super(numFeatures, opts, false);
    this.spatialDims = spatial;
    this.numFeatures = numFeatures;
    this.momentum = opts.momentum ?? 0.1;
    const track = (this.trackRunningStats = opts.trackRunningStats ?? false);
    const dtype = opts.dtype;
    this.registerBuffer("running_mean", track ? zeros([numFeatures], { dtype }) : null);
    this.registerBuffer("running_var", track ? ones([numFeatures], { dtype }) : null);
    this.registerBuffer("num_batches_tracked", track ? tensor(0, { dtype: "int64" }) : null);
  }

  get runningMean(): Tensor | null {
    return this.getBuffer("running_mean");
  }

  get runningVar(): Tensor | null {
    return this.getBuffer("running_var");
  }

  resetRunningStats(): void {
    noGrad(() => {
      this.runningMean?.zero_();
      this.runningVar?.fill_(1);
      this.getBuffer("num_batches_tracked")?.zero_();
    });
  }

  override resetParameters(): void {
    this.resetRunningStats();
    super.resetParameters();
  }

  override forward(x: Tensor): Tensor {
    const n = this.spatialDims + 2;
    if (x.ndim !== n - 1 && x.ndim !== n) throw new ShapeError(`expected ${n - 1}D or ${n}D input (got ${x.ndim}D input)`);
    const batched = x.ndim === n ? x : unsqueeze(x, 0);
    const y = instanceNorm(batched, this.runningMean, this.runningVar, this.weight, this.bias, this.training || !this.trackRunningStats, this.momentum, this.eps);
    return x.ndim === n ? y : squeeze(y, 0);
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${pyFloat(this.momentum)}, affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.trackRunningStats)}`;
  }
}

/** Instance normalisation over [N, C, H, W] (or unbatched [C, H, W]). `new nn.InstanceNorm2d(64, { affine: true })`. */
export class InstanceNorm2d extends InstanceNormNd {
  /** @internal */ static override readonly builtinName: string = "InstanceNorm2d";
  constructor(numFeatures: number, opts: InstanceNormOptions = {}) {
    super("nn.InstanceNorm2d()", arguments, 2, numFeatures, opts);
  }
}
