import type { Tensor } from "../tensor/tensor.ts";
import { type GeluApproximate, flatten, gelu, leakyRelu, logSoftmax, relu, sigmoid, softmax, tanh } from "./functional/activation.ts";
import { checkArg, checkArity, checkOptions } from "../options.ts";
import { Module } from "./module.ts";
import { pyFloat, pyStr } from "./repr.ts";

/**
 * Activation layers: thin modules over `nn.functional`, printing as PyTorch's do. Arguments are checked
 * at run time (see options.ts): `new nn.ReLU(true)` (PyTorch's inplace) is an error, not ignored.
 */

export class ReLU extends Module {
  constructor() {
    super();
    checkArity("nn.ReLU()", arguments, 0);
  }

  override forward(x: Tensor): Tensor {
    return relu(x);
  }
}

export class Sigmoid extends Module {
  constructor() {
    super();
    checkArity("nn.Sigmoid()", arguments, 0);
  }

  override forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

export class Tanh extends Module {
  constructor() {
    super();
    checkArity("nn.Tanh()", arguments, 0);
  }

  override forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
    checkArity("nn.LeakyReLU()", arguments, 1);
    checkArg("nn.LeakyReLU()", negativeSlope, "number", 1, "negativeSlope");
  }

  override forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }

  override extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}`;
  }
}

export class GELU extends Module {
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

/** Softmax over `dim` (when omitted, PyTorch's legacy choice: dim 0 for 0-, 1- and 3-d inputs, else 1). */
export class Softmax extends Module {
  constructor(readonly dim?: number) {
    super();
    checkArity("nn.Softmax()", arguments, 1);
    checkArg("nn.Softmax()", dim, "int?", 1, "dim");
  }

  override forward(x: Tensor): Tensor {
    return softmax(x, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim ?? "None"}`;
  }
}

export class LogSoftmax extends Module {
  constructor(readonly dim?: number) {
    super();
    checkArity("nn.LogSoftmax()", arguments, 1);
    checkArg("nn.LogSoftmax()", dim, "int?", 1, "dim");
  }

  override forward(x: Tensor): Tensor {
    return logSoftmax(x, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim ?? "None"}`;
  }
}

/** Flattens dims startDim..endDim into one (default: everything but the batch dim). */
export class Flatten extends Module {
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
  constructor(..._args: unknown[]) {
    super();
  }

  override forward(x: Tensor): Tensor {
    return x;
  }
}
