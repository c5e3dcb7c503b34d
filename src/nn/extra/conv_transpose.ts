import { convTranspose2d, type ConvTransposeOptions } from "../../ops/conv_transpose.ts";
import type { IntOrTuple } from "../../ops/conv.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { ConvTransposeNd, type ConvTransposeNdOptions } from "../conv_transpose_nd.ts";

export type ConvTranspose2dOptions = ConvTransposeNdOptions;

/**
 * Transposed 2-D convolution ("deconvolution"), the adjoint of Conv2d: upsamples [N, Cin, H, W] to
 * [N, Cout, (H-1)*stride - 2*padding + dilation*(k-1) + outputPadding + 1, ...]. Weight
 * [in, out/groups, kH, kW] and bias [out], initialised as PyTorch's (kaiming_uniform_(a=sqrt(5)),
 * whose fan-in for this layout is out/groups * kH * kW).
 *
 *     const up = new nn.ConvTranspose2d(64, 32, 4, { stride: 2, padding: 1 });   // doubles H and W
 *     up.forward(x, [N, 32, 57, 57]);   // picks the output size among those the stride allows
 */
export class ConvTranspose2d extends ConvTransposeNd {
  /** @internal */ static override readonly builtinName: string = "ConvTranspose2d";
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, opts: ConvTranspose2dOptions = {}) {
    super(2, arguments, inChannels, outChannels, kernelSize, opts);
  }

  protected override transposed(x: Tensor, opts: ConvTransposeOptions): Tensor {
    return convTranspose2d(x, this.weight, this.bias, opts);
  }
}
