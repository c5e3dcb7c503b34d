import type { IntOrTuple } from "../ops/conv.ts";
import { checkArity, checkOptions } from "../options.ts";
import type { Tensor } from "../tensor/tensor.ts";
import type { ConvModuleOptions } from "./conv.ts";
import { Conv3d } from "./conv3d.ts";
import { ConvTranspose1d, type ConvTranspose1dOptions } from "./conv_transpose1d.ts";
import { ConvTranspose2d, type ConvTranspose2dOptions } from "./extra/conv_transpose.ts";
import { BN_OPTIONS, CONV_OPTIONS, inChannels, makeLazy, materialize, numFeatures, refuseLoad, shellOptions } from "./lazy.ts";
import type { Module } from "./module.ts";
import type { BatchNormOptions } from "./normalization.ts";
import { BatchNorm3d, InstanceNorm1d, InstanceNorm3d } from "./normalization3d.ts";
import { InstanceNorm2d, type InstanceNormOptions } from "./extra/normalization.ts";
import { ShapeError } from "../errors.ts";

/** The lazy forms of the 3-d, transposed and instance-norm layers (see lazy.ts for what "lazy" means here). */

const TRANSPOSE_OPTIONS = { ...CONV_OPTIONS, outputPadding: "ints", padding: "ints" } as const;

/** `new nn.LazyConv3d(outChannels, kernelSize, opts)`: in_channels from the first input. */
export class LazyConv3d extends Conv3d {
  /** @internal */ static override readonly builtinName: string = "LazyConv3d";
  constructor(outChannels: number, kernelSize: IntOrTuple, opts: ConvModuleOptions = {}) {
    checkArity("nn.LazyConv3d()", arguments, 3);
    checkOptions("nn.LazyConv3d()", opts, CONV_OPTIONS, { index: 3, positional: "stride" });
    super(0, outChannels, kernelSize, shellOptions(opts));
    makeLazy(this, (x) => new Conv3d(inChannels(x, 3, "conv3d"), outChannels, kernelSize, opts));
  }

  override forward(x: Tensor): Tensor {
    materialize(this, x);
    return Conv3d.prototype.forward.call(this, x);
  }

  override loadStateDict(..._args: Parameters<Module["loadStateDict"]>): never {
    refuseLoad(this);
  }
}

/** `new nn.LazyConvTranspose1d(outChannels, kernelSize, opts)`: in_channels from the first input. */
export class LazyConvTranspose1d extends ConvTranspose1d {
  /** @internal */ static override readonly builtinName: string = "LazyConvTranspose1d";
  constructor(outChannels: number, kernelSize: IntOrTuple, opts: ConvTranspose1dOptions = {}) {
    checkArity("nn.LazyConvTranspose1d()", arguments, 3);
    checkOptions("nn.LazyConvTranspose1d()", opts, TRANSPOSE_OPTIONS, { index: 3, positional: "stride" });
    super(0, outChannels, kernelSize, shellOptions(opts));
    makeLazy(this, (x) => new ConvTranspose1d(inChannels(x, 1, "conv_transpose1d"), outChannels, kernelSize, opts));
  }

  override forward(x: Tensor, outputSize?: readonly number[] | null): Tensor {
    materialize(this, x);
    return ConvTranspose1d.prototype.forward.call(this, x, outputSize);
  }

  override loadStateDict(..._args: Parameters<Module["loadStateDict"]>): never {
    refuseLoad(this);
  }
}

/** `new nn.LazyConvTranspose2d(outChannels, kernelSize, opts)`: in_channels from the first input. */
export class LazyConvTranspose2d extends ConvTranspose2d {
  /** @internal */ static override readonly builtinName: string = "LazyConvTranspose2d";
  constructor(outChannels: number, kernelSize: IntOrTuple, opts: ConvTranspose2dOptions = {}) {
    checkArity("nn.LazyConvTranspose2d()", arguments, 3);
    checkOptions("nn.LazyConvTranspose2d()", opts, TRANSPOSE_OPTIONS, { index: 3, positional: "stride" });
    super(0, outChannels, kernelSize, shellOptions(opts));
    makeLazy(this, (x) => new ConvTranspose2d(inChannels(x, 2, "conv_transpose2d"), outChannels, kernelSize, opts));
  }

  override forward(x: Tensor, outputSize?: readonly number[] | null): Tensor {
    materialize(this, x);
    return ConvTranspose2d.prototype.forward.call(this, x, outputSize);
  }

  override loadStateDict(..._args: Parameters<Module["loadStateDict"]>): never {
    refuseLoad(this);
  }
}

/** `new nn.LazyBatchNorm3d({ eps, momentum, affine, trackRunningStats })`: num_features from the first input. */
export class LazyBatchNorm3d extends BatchNorm3d {
  /** @internal */ static override readonly builtinName: string = "LazyBatchNorm3d";
  constructor(opts: BatchNormOptions = {}) {
    checkArity("nn.LazyBatchNorm3d()", arguments, 1);
    checkOptions("nn.LazyBatchNorm3d()", opts, BN_OPTIONS, { index: 1, positional: "eps" });
    super(0, opts);
    makeLazy(this, (x) => new BatchNorm3d(numFeatures(x), opts));
  }

  override forward(x: Tensor): Tensor {
    this.checkInputDim(x);
    materialize(this, x);
    return BatchNorm3d.prototype.forward.call(this, x);
  }

  override loadStateDict(..._args: Parameters<Module["loadStateDict"]>): never {
    refuseLoad(this);
  }
}

const INSTANCE_OPTIONS = { eps: "number", momentum: "number", affine: "boolean", trackRunningStats: "boolean", dtype: "string" } as const;

/**
 * The lazy instance norms: as PyTorch 1.13's, affine and trackRunningStats default to true (unlike the
 * ordinary classes). num_features is the channel dim of the first input, dim 0 of an unbatched one (where
 * PyTorch 1.13 reads dim 1 and then fails).
 */
function instanceOptions(where: string, args: IArguments, opts: InstanceNormOptions): InstanceNormOptions {
  checkArity(where, args, 1);
  checkOptions(where, opts, INSTANCE_OPTIONS, { index: 1, positional: "eps" });
  return { affine: true, trackRunningStats: true, ...opts };
}

function channelsOf(x: Tensor, spatial: number): number {
  if (x.ndim !== spatial + 1 && x.ndim !== spatial + 2) throw new ShapeError(`expected ${spatial + 1}D or ${spatial + 2}D input (got ${x.ndim}D input)`);
  return x.shape[x.ndim === spatial + 1 ? 0 : 1]!;
}

/** `new nn.LazyInstanceNorm1d({ eps, momentum, affine, trackRunningStats })` over [N, C, L] or [C, L]. */
export class LazyInstanceNorm1d extends InstanceNorm1d {
  /** @internal */ static override readonly builtinName: string = "LazyInstanceNorm1d";
  constructor(opts: InstanceNormOptions = {}) {
    const full = instanceOptions("nn.LazyInstanceNorm1d()", arguments, opts);
    super(0, full);
    makeLazy(this, (x) => new InstanceNorm1d(channelsOf(x, 1), full));
  }

  override forward(x: Tensor): Tensor {
    materialize(this, x);
    return InstanceNorm1d.prototype.forward.call(this, x);
  }

  override loadStateDict(..._args: Parameters<Module["loadStateDict"]>): never {
    refuseLoad(this);
  }
}

/** `new nn.LazyInstanceNorm2d(opts)` over [N, C, H, W] or [C, H, W]. */
export class LazyInstanceNorm2d extends InstanceNorm2d {
  /** @internal */ static override readonly builtinName: string = "LazyInstanceNorm2d";
  constructor(opts: InstanceNormOptions = {}) {
    const full = instanceOptions("nn.LazyInstanceNorm2d()", arguments, opts);
    super(0, full);
    makeLazy(this, (x) => new InstanceNorm2d(channelsOf(x, 2), full));
  }

  override forward(x: Tensor): Tensor {
    materialize(this, x);
    return InstanceNorm2d.prototype.forward.call(this, x);
  }

  override loadStateDict(..._args: Parameters<Module["loadStateDict"]>): never {
    refuseLoad(this);
  }
}

/** `new nn.LazyInstanceNorm3d(opts)` over [N, C, D, H, W] or [C, D, H, W]. */
export class LazyInstanceNorm3d extends InstanceNorm3d {
  /** @internal */ static override readonly builtinName: string = "LazyInstanceNorm3d";
  constructor(opts: InstanceNormOptions = {}) {
    const full = instanceOptions("nn.LazyInstanceNorm3d()", arguments, opts);
    super(0, full);
    makeLazy(this, (x) => new InstanceNorm3d(channelsOf(x, 3), full));
  }

  override forward(x: Tensor): Tensor {
    materialize(this, x);
    return InstanceNorm3d.prototype.forward.call(this, x);
  }

  override loadStateDict(..._args: Parameters<Module["loadStateDict"]>): never {
    refuseLoad(this);
  }
}
