import { convTranspose1d } from "../ops/conv_transpose1d.ts";
import type { ConvTransposeOptions } from "../ops/conv_transpose.ts";
import type { IntOrTuple } from "../ops/conv.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { ConvTransposeNd, type ConvTransposeNdOptions } from "./conv_transpose_nd.ts";

export type ConvTranspose1dOptions = ConvTransposeNdOptions;

/**
 * Transposed 1-d convolution, the adjoint of Conv1d: [N, Cin, L] to
 * [N, Cout, (L-1)*stride - 2*padding + dilation*(k-1) + outputPadding + 1]. Weight [in, out/groups, k]
 * and bias [out], initialised as PyTorch's (kaiming_uniform_(a=sqrt(5)), fan-in out/groups * k).
 *
 *     const up = new nn.ConvTranspose1d(16, 8, 4, { stride: 2, padding: 1 });   // doubles L
 */
export class ConvTranspose1d extends ConvTransposeNd {
  /** @internal */ static override readonly builtinName: string = "ConvTranspose1d";
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, opts: ConvTranspose1dOptions = {}) {
    super(1, arguments, inChannels, outChannels, kernelSize, opts);
  }

  protected override transposed(x: Tensor, opts: ConvTransposeOptions): Tensor {
    return convTranspose1d(x, this.weight, this.bias, opts);
  }
}
