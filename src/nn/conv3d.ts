import type { ConvPadding, IntOrTuple } from "../ops/conv.ts";
import { conv3d } from "../ops/conv3d.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { ConvNd, type ConvModuleOptions } from "./conv.ts";

/**
 * 3-D convolution over [N, C, D, H, W] (or unbatched [C, D, H, W]); weight [out, in/groups, kD, kH, kW],
 * initialised as Conv2d's. `new nn.Conv3d(1, 8, 3, { padding: 1 })`.
 */
export class Conv3d extends ConvNd {
  /** @internal */ static override readonly builtinName: string = "Conv3d";
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, opts: ConvModuleOptions = {}) {
    super("nn.Conv3d()", arguments, 3, inChannels, outChannels, kernelSize, opts);
  }

  protected override conv(x: Tensor, padding: ConvPadding): Tensor {
    return conv3d(x, this.weight, this.bias, { stride: this.stride, padding, dilation: this.dilation, groups: this.groups });
  }
}
