/**
 * nn.RNNCell, nn.LSTMCell and nn.GRUCell: one time step, with PyTorch's parameters (`weight_ih`,
 * `weight_hh`, `bias_ih`, `bias_hh`), initialisation U(-1/sqrt(hidden), 1/sqrt(hidden)), repr and
 * checks. A step is the fused recurrent op over a sequence of length 1.
 *
 *     const cell = new nn.LSTMCell(10, 20);
 *     let [h, c] = cell.forward(x0);
 *     [h, c] = cell.forward(x1, [h, c]);
 */
import { ShapeError } from "../../errors.ts";
import type { OptionSpec } from "../../options.ts";
import { empty, zeros } from "../../tensor/creation.ts";
import type { DType } from "../../tensor/dtype.ts";
import type { Generator } from "../../tensor/random.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { type RecurrentMode, recurrentLayer } from "../../ops/recurrent_layer.ts";
import { gateCount } from "../../ops/recurrent_steps.ts";
import { squeeze, unsqueeze } from "../../ops/views.ts";
import { type AnyModule, Module } from "../module.ts";
import { snake } from "../snake.ts";
import { Parameter } from "../parameter.ts";
import { checkRecurrent, checkType, resetUniform, stateList } from "./rnn_base.ts";

export interface RNNCellBaseOptions {
  bias?: boolean;
  dtype?: DType;
  generator?: Generator;
}

const CELL_OPTIONS = { bias: "boolean", dtype: "string", generator: "object" } as const;

abstract class RNNCellBase<State> extends Module<[Tensor, (State | null)?], State> {
  readonly mode: RecurrentMode;
  readonly inputSize: number;
  readonly hiddenSize: number;
  weightIh: Tensor;
  weightHh: Tensor;
  biasIh: Tensor | null;
  biasHh: Tensor | null;

  protected constructor(
    where: string, args: IArguments, spec: OptionSpec, kind: "LSTM" | "GRU" | "RNN", inputSize: number, hiddenSize: number,
    opts: RNNCellBaseOptions & { nonlinearity?: string },
  ) {
    super();
    this.mode = checkRecurrent(where, args, spec, "bias", kind, inputSize, hiddenSize, opts, true);
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    const gates = gateCount(this.mode) * hiddenSize;
    const param = (shape: number[]): Tensor => Parameter(empty(shape, { dtype: opts.dtype }));
    this.weightIh = param([gates, inputSize]);
    this.weightHh = param([gates, hiddenSize]);
    const bias = opts.bias ?? true;
    this.biasIh = bias ? param([gates]) : null;
    this.biasHh = bias ? param([gates]) : null;
    for (const prop of ["weightIh", "weightHh", "biasIh", "biasHh"]) this.renameStateKey(prop, snake(prop));
    this.resetParameters(opts.generator);
  }

  resetParameters(generator?: Generator): void {
    resetUniform(this as AnyModule, this.hiddenSize, generator);
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.biasIh === null ? ", bias=False" : ""}`;
  }

  /** One step from `input` ([B, I] or [I]) and the state (h, or the LSTM's [h, c], each [B, H] or [H]); returns the new state. */
  override forward(input: Tensor, hx: State | null = null): State {
    const name = this.getName();
    const lstm = this.mode === "LSTM";
    const states = stateList(hx, lstm, name);
    Tensor.check(input, "input");
    if (input.ndim !== 1 && input.ndim !== 2) throw new ShapeError(`${name}: Expected input to be 1-D or 2-D but received ${input.ndim}-D tensor`);
    const batched = input.ndim === 2;
    const x = batched ? input : unsqueeze(input, 0);
    const B = x.shape[0]!;
    const dtype = this.weightIh.dtype;
    if (x.shape[1] !== this.inputSize) throw new ShapeError(`input has inconsistent input_size: got ${x.shape[1]} expected ${this.inputSize}`);
    checkType(x, dtype, `${name}: input`);
    const hs = (states ?? (lstm ? [null, null] : [null])).map((h, i) => {
      if (!h) return zeros([B, this.hiddenSize], { dtype });
      Tensor.check(h, lstm ? `hx[${i}]` : "hx");
      if (h.ndim !== input.ndim) throw new ShapeError(`${name}: Expected hidden to be ${input.ndim}-D like the input but received ${h.ndim}-D tensor`);
      const hb = batched ? h : unsqueeze(h, 0);
      if (hb.shape[0] !== B) throw new ShapeError(`Input batch size ${B} doesn't match hidden${i} batch size ${hb.shape[0]}`);
      if (hb.shape[1] !== this.hiddenSize) throw new ShapeError(`hidden${i} has inconsistent hidden_size: got ${hb.shape[1]}, expected ${this.hiddenSize}`);
      checkType(hb, dtype, `${name}: hx`);
      return hb;
    });
    let out: Tensor[];
    if (B === 0) {
      // An empty (batched) input: empty states.
      out = hs.map(() => zeros([0, this.hiddenSize], { dtype }));
    } else {
      const [, h, c] = recurrentLayer(this.mode, x, [B], hs[0]!, hs[1] ?? null,
        { weightIh: this.weightIh, weightHh: this.weightHh, biasIh: this.biasIh, biasHh: this.biasHh, weightHr: null }, false);
      out = c === null ? [h] : [h, c];
      if (!batched) out = out.map((t) => squeeze(t, 0));
    }
    return (lstm ? out : out[0]) as State;
  }
}

/** h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (or relu). */
export class RNNCell extends RNNCellBase<Tensor> {
  /** @internal */ static override readonly builtinName: string = "RNNCell";
  readonly nonlinearity: "tanh" | "relu";

  constructor(inputSize: number, hiddenSize: number, opts: RNNCellBaseOptions & { nonlinearity?: "tanh" | "relu" } = {}) {
    super("nn.RNNCell()", arguments, { ...CELL_OPTIONS, nonlinearity: "string" }, "RNN", inputSize, hiddenSize, opts);
    this.nonlinearity = this.mode === "RNN_RELU" ? "relu" : "tanh";
  }

  override extraRepr(): string {
    return super.extraRepr() + (this.nonlinearity !== "tanh" ? `, nonlinearity=${this.nonlinearity}` : "");
  }
}

/** One LSTM step: returns [h', c']. */
export class LSTMCell extends RNNCellBase<[Tensor, Tensor]> {
  /** @internal */ static override readonly builtinName: string = "LSTMCell";
  constructor(inputSize: number, hiddenSize: number, opts: RNNCellBaseOptions = {}) {
    super("nn.LSTMCell()", arguments, CELL_OPTIONS, "LSTM", inputSize, hiddenSize, opts);
  }
}

/** One GRU step (PyTorch's n = tanh(W_in x + b_in + r * (W_hn h + b_hn))). */
export class GRUCell extends RNNCellBase<Tensor> {
  /** @internal */ static override readonly builtinName: string = "GRUCell";
  constructor(inputSize: number, hiddenSize: number, opts: RNNCellBaseOptions = {}) {
    super("nn.GRUCell()", arguments, CELL_OPTIONS, "GRU", inputSize, hiddenSize, opts);
  }
}
