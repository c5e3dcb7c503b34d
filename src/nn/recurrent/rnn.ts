/**
 * nn.RNN, nn.LSTM and nn.GRU: PyTorch's constructor options, parameter names, initialisation, repr and
 * forward `(input, hx?) -> [output, hN]` (LSTM: `[output, [hN, cN]]`), over padded [T, B, *] input
 * ([B, T, *] with batchFirst), unbatched [T, *] input, or a PackedSequence (the output is then one too).
 * Everything but the options lives in RNNBase (rnn_base.ts).
 *
 *     const lstm = new nn.LSTM(10, 20, { numLayers: 2, batchFirst: true });
 *     const [out, [h, c]] = lstm.forward(x);
 */
import type { Tensor } from "../../tensor/tensor.ts";
import { RNN_BASE_OPTIONS, RNNBase, type RNNBaseOptions } from "./rnn_base.ts";

export interface RNNOptions extends RNNBaseOptions {
  nonlinearity?: "tanh" | "relu";
}

export interface LSTMOptions extends RNNBaseOptions {
  /** With a projection of this size, h = W_hr (o * tanh(c)) is projSize wide. */
  projSize?: number;
}

/** Elman RNN: h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh) (or relu). */
export class RNN extends RNNBase<Tensor> {
  /** @internal */ static override readonly builtinName: string = "RNN";
  readonly nonlinearity: "tanh" | "relu";

  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions = {}) {
    super("nn.RNN()", arguments, { ...RNN_BASE_OPTIONS, nonlinearity: "string" }, "RNN", inputSize, hiddenSize, opts);
    this.nonlinearity = this.mode === "RNN_RELU" ? "relu" : "tanh";
  }
}

/**
 * Long short-term memory, gates in PyTorch's order (i, f, g, o):
 * c_t = f * c_{t-1} + i * g, h_t = o * tanh(c_t) (then W_hr h_t with projSize).
 */
export class LSTM extends RNNBase<[Tensor, Tensor]> {
  /** @internal */ static override readonly builtinName: string = "LSTM";
  constructor(inputSize: number, hiddenSize: number, opts: LSTMOptions = {}) {
    super("nn.LSTM()", arguments, { ...RNN_BASE_OPTIONS, projSize: "int" }, "LSTM", inputSize, hiddenSize, opts);
  }
}

/**
 * Gated recurrent unit, gates in PyTorch's order (r, z, n):
 * n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), h_t = (1 - z) * n + z * h_{t-1}.
 */
export class GRU extends RNNBase<Tensor> {
  /** @internal */ static override readonly builtinName: string = "GRU";
  constructor(inputSize: number, hiddenSize: number, opts: RNNBaseOptions = {}) {
    super("nn.GRU()", arguments, RNN_BASE_OPTIONS, "GRU", inputSize, hiddenSize, opts);
  }
}
