/**
 * nn.RNN, nn.LSTM and nn.GRU: PyTorch's constructor options, parameter names, initialisation, repr and
 * forward `(input, hx?) -> [output, hN]` (LSTM: `[output, [hN, cN]]`), over padded [T, B, *] input
 * ([B, T, *] with batchFirst), unbatched [T, *] input, or a PackedSequence (the output is then one too).
 *
 *     const lstm = new nn.LSTM(10, 20, { numLayers: 2, batchFirst: true });
 *     const [out, [h, c]] = lstm.forward(x);
 */
import { ArgumentError } from "../../errors.ts";
import { checkArity, checkOptions } from "../../options.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import type { PackedSequence } from "./packed.ts";
import { RNN_BASE_OPTIONS, RNNBase, type RNNBaseOptions, type RNNInput } from "./rnn_base.ts";

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
    checkArity("nn.RNN()", arguments, 3);
    checkOptions("nn.RNN()", opts, { ...RNN_BASE_OPTIONS, nonlinearity: "string" }, { index: 3, positional: "numLayers" });
    const nl = opts.nonlinearity ?? "tanh";
    if (nl !== "tanh" && nl !== "relu") throw new ArgumentError(`Unknown nonlinearity '${String(nl)}'`);
    super("nn.RNN()", nl === "tanh" ? "RNN_TANH" : "RNN_RELU", inputSize, hiddenSize, opts);
    this.nonlinearity = nl;
  }

  override forward(input: Tensor, hx?: Tensor | null): [Tensor, Tensor];
  override forward(input: PackedSequence, hx?: Tensor | null): [PackedSequence, Tensor];
  override forward(input: RNNInput, hx?: Tensor | null): [RNNInput, Tensor];
  override forward(input: RNNInput, hx: Tensor | null = null): [RNNInput, Tensor] {
    const [out, [h]] = this.runStack(input, hx === null ? null : [hx]);
    return [out, h!];
  }
}

/**
 * Long short-term memory, gates in PyTorch's order (i, f, g, o):
 * c_t = f * c_{t-1} + i * g, h_t = o * tanh(c_t) (then W_hr h_t with projSize).
 */
export class LSTM extends RNNBase<[Tensor, Tensor]> {
  /** @internal */ static override readonly builtinName: string = "LSTM";
  constructor(inputSize: number, hiddenSize: number, opts: LSTMOptions = {}) {
    checkArity("nn.LSTM()", arguments, 3);
    checkOptions("nn.LSTM()", opts, { ...RNN_BASE_OPTIONS, projSize: "int" }, { index: 3, positional: "numLayers" });
    super("nn.LSTM()", "LSTM", inputSize, hiddenSize, opts);
  }

  override forward(input: Tensor, hx?: [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]];
  override forward(input: PackedSequence, hx?: [Tensor, Tensor] | null): [PackedSequence, [Tensor, Tensor]];
  override forward(input: RNNInput, hx?: [Tensor, Tensor] | null): [RNNInput, [Tensor, Tensor]];
  override forward(input: RNNInput, hx: [Tensor, Tensor] | null = null): [RNNInput, [Tensor, Tensor]] {
    if (hx !== null && (!Array.isArray(hx) || hx.length !== 2)) throw new ArgumentError("LSTM: hx must be a pair [h_0, c_0] of Tensors");
    const [out, [h, c]] = this.runStack(input, hx);
    return [out, [h!, c!]];
  }
}

/**
 * Gated recurrent unit, gates in PyTorch's order (r, z, n):
 * n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), h_t = (1 - z) * n + z * h_{t-1}.
 */
export class GRU extends RNNBase<Tensor> {
  /** @internal */ static override readonly builtinName: string = "GRU";
  constructor(inputSize: number, hiddenSize: number, opts: RNNBaseOptions = {}) {
    checkArity("nn.GRU()", arguments, 3);
    checkOptions("nn.GRU()", opts, RNN_BASE_OPTIONS, { index: 3, positional: "numLayers" });
    super("nn.GRU()", "GRU", inputSize, hiddenSize, opts);
  }

  override forward(input: Tensor, hx?: Tensor | null): [Tensor, Tensor];
  override forward(input: PackedSequence, hx?: Tensor | null): [PackedSequence, Tensor];
  override forward(input: RNNInput, hx?: Tensor | null): [RNNInput, Tensor];
  override forward(input: RNNInput, hx: Tensor | null = null): [RNNInput, Tensor] {
    const [out, [h]] = this.runStack(input, hx === null ? null : [hx]);
    return [out, h!];
  }
}
