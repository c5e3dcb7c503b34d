import type { Tensor } from "../tensor/tensor.ts";
import { type GeluApproximate, flatten, gelu, logSoftmax, sigmoid, softmax, tanh } from "./functional/activation.ts";
import { type InplaceOptions, leakyRelu, relu } from "./functional/activation_inplace.ts";
import { checkArg, checkArity, checkOptions, keywordArgs } from "../options.ts";
import { Module } from "./module.ts";
import { pyFloat, pyStr } from "./repr.ts";

/**
 * Activation layers: thin modules over `nn.functional`, printing as PyTorch's do. Arguments are checked
 * at run time (see options.ts). PyTorch's `inplace` is taken as it is written there, positionally or by
 * keyword (`new nn.ReLU(true)`, `new nn.ReLU({ inplace: true })`): forward then overwrites its input.
 */

/** The `inplace` flag of a layer that takes nothing else (ReLU, SiLU, Mish), PyTorch's repr of it. */
export function inplaceOnly(where: string, args: IArguments): boolean {
  checkArity(where, args, 1);
  return keywordArgs(where, [args[0]], ["inplace"], { inplace: "boolean" }, 1).inplace === true;
}

/** ", inplace=True" after a layer's other settings, nothing when false (PyTorch's extra_repr). */
export const inplaceRepr = (inplace: boolean, first = false): string => (inplace ? `${first ? "" : ", "}inplace=True` : "");

export class ReLU extends Module {
  /** @internal */ static override readonly builtinName: string = "ReLU";
  readonly inplace: boolean;

  constructor(inplace?: boolean | InplaceOptions) {
    super();
    this.inplace = inplaceOnly("nn.ReLU()", arguments);
  }

  override forward(x: Tensor): Tensor {
    return relu(x, { inplace: this.inplace });
  }

  override extraRepr(): string {
    return inplaceRepr(this.inplace, true);
  }
}

export class Sigmoid extends Module {
  /** @internal */ static override readonly builtinName: string = "Sigmoid";
  constructor() {
    super();
    checkArity("nn.Sigmoid()", arguments, 0);
  }

  override forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

export class Tanh extends Module {
  /** @internal */ static override readonly builtinName: string = "Tanh";
  constructor() {
    super();
    checkArity("nn.Tanh()", arguments, 0);
  }

  override forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

export class LeakyReLU extends Module {
  /** @internal */ static override readonly builtinName: string = "LeakyReLU";
  readonly negativeSlope: number;
  readonly inplace: boolean;

  /** nn.LeakyReLU(negative_slope=0.01, inplace=False): `new nn.LeakyReLU(0.2, { inplace: true })`, `(0.2, true)` or `({ negativeSlope, inplace })`. */
  constructor(negativeSlope?: number | (InplaceOptions & { negativeSlope?: number }), inplace?: boolean | InplaceOptions) {
    super();
    checkArity("nn.LeakyReLU()", arguments, 2);
    const a = keywordArgs("nn.LeakyReLU()", [negativeSlope, inplace], ["negativeSlope", "inplace"], { negativeSlope: "number", inplace: "boolean" }, 1);
    this.negativeSlope = (a.negativeSlope as number | undefined) ?? 0.01;
    this.inplace = a.inplace === true;
  }

  override forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope, { inplace: this.inplace });
  }

  override extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}${inplaceRepr(this.inplace)}`;
  }
}

export class GELU extends Module {
  /** @internal */ static override readonly builtinName: string = "GELU";
  readonly approximate: GeluApproximate;

  constructor(opts: { approximate?: GeluApproximate } = {}) {
    super();
    checkArity("nn.GELU()", arguments, 1);
    checkOptions("nn.GELU()", opts, { approximate: "string" }, { index: 1, positional: "approximate" });
    this.approximate = opts.approximate ?? "none";
  }

  override forward(x: Tensor): Tensor {
    return gelu(x, { approximate: this.approximate });
  }

  override extraRepr(): string {
    return `approximate=${pyStr(this.approximate)}`;
  }
}

/** What Softmax and LogSoftmax share: the optional `dim` and its repr. */
abstract class SoftmaxNd extends Module {
  readonly dim: number | undefined;

  protected constructor(where: string, args: IArguments) {
    super();
    checkArity(where, args, 1);
    // nn.Softmax(1) or, as PyTorch's nn.Softmax(dim=1), nn.Softmax({ dim: 1 }).
    this.dim = (keywordArgs(where, [args[0]], ["dim"], { dim: "int?" }, 1).dim as number | null | undefined) ?? undefined;
  }

  override extraRepr(): string {
    return `dim=${this.dim ?? "None"}`;
  }
}

/** Softmax over `dim` (when omitted, PyTorch's legacy choice: dim 0 for 0-, 1- and 3-d inputs, else 1). */
export class Softmax extends SoftmaxNd {
  /** @internal */ static override readonly builtinName: string = "Softmax";
  constructor(dim?: number | null | { dim?: number | null }) {
    super("nn.Softmax()", arguments);
  }

  override forward(x: Tensor): Tensor {
    return softmax(x, this.dim);
  }
}

export class LogSoftmax extends SoftmaxNd {
  /** @internal */ static override readonly builtinName: string = "LogSoftmax";
  constructor(dim?: number | null | { dim?: number | null }) {
    super("nn.LogSoftmax()", arguments);
  }

  override forward(x: Tensor): Tensor {
    return logSoftmax(x, this.dim);
  }
}

/** Flattens dims startDim..endDim into one (default: everything but the batch dim). */
export class Flatten extends Module {
  /** @internal */ static override readonly builtinName: string = "Flatten";
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
    checkArity("nn.Flatten()", arguments, 2);
    checkArg("nn.Flatten()", startDim, "int", 1, "startDim");
    checkArg("nn.Flatten()", endDim, "int", 2, "endDim");
  }

  override forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/** Returns its input; constructor arguments are accepted and ignored, as in PyTorch. */
export class Identity extends Module {
  /** @internal */ static override readonly builtinName: string = "Identity";
  constructor(..._args: unknown[]) {
    super();
  }

  override forward(x: Tensor): Tensor {
    return x;
  }
}
