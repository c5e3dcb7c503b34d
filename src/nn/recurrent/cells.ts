/**
 * nn.RNNCell, nn.LSTMCell and nn.GRUCell: one time step, with PyTorch's parameters (`weight_ih`,
 * `weight_hh`, `bias_ih`, `bias_hh`), initialisation U(-1/sqrt(hidden), 1/sqrt(hidden)), repr and
 * checks. A step is the fused recurrent op over a sequence of length 1.
 *
 *     const cell = new nn.LSTMCell(10, 20);
 *     let [h, c] = cell.forward(x0);
 *     [h, c] = cell.forward(x1, [h, c]);
 */
import { ArgumentError, DTypeError, ShapeError } from "../../errors.ts";
import { checkArity, checkOptions } from "../../options.ts";
import { empty, zeros } from "../../tensor/creation.ts";
import type { DType } from "../../tensor/dtype.ts";
import type { Generator } from "../../tensor/random.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { type RecurrentMode, recurrentLayer } from "../../ops/recurrent_layer.ts";
import { squeeze, unsqueeze } from "../../ops/views.ts";
import { uniform_ } from "../init.ts";
import { Module } from "../module.ts";
import { Parameter } from "../parameter.ts";
import { pyBool } from "../repr.ts";

export interface RNNCellBaseOptions {
  bias?: boolean;
  dtype?: DType;
  generator?: Generator;
}

const CELL_OPTIONS = { bias: "boolean", dtype: "string", generator: "object" } as const;

abstract class RNNCellBase<State> extends Module<[Tensor, (State | null)?], State> {
  readonly inputSize: number;
  readonly hiddenSize: number;
  weightIh: Tensor;
  weightHh: Tensor;
  biasIh: Tensor | null;
  biasHh: Tensor | null;

  protected constructor(where: string, readonly mode: RecurrentMode, inputSize: number, hiddenSize: number, opts: RNNCellBaseOptions) {
    super();
    for (const [name, v] of [["input_size", inputSize], ["hidden_size", hiddenSize]] as const) {
      if (!Number.isInteger(v) || v < 0) throw new ArgumentError(`${where}: ${name} must be a non-negative integer, got ${String(v)}`);
    }
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    const gates = (mode === "LSTM" ? 4 : mode === "GRU" ? 3 : 1) * hiddenSize;
    this.weightIh = Parameter(empty([gates, inputSize], { dtype: opts.dtype }));
    this.weightHh = Parameter(empty([gates, hiddenSize], { dtype: opts.dtype }));
    const bias = opts.bias ?? true;
    this.biasIh = bias ? Parameter(empty([gates], { dtype: opts.dtype })) : null;
    this.biasHh = bias ? Parameter(empty([gates], { dtype: opts.dtype })) : null;
    this.renameStateKey("weightIh", "weight_ih");
    this.renameStateKey("weightHh", "weight_hh");
    this.renameStateKey("biasIh", "bias_ih");
    this.renameStateKey("biasHh", "bias_hh");
    this.resetParameters(opts.generator);
  }

  resetParameters(generator?: Generator): void {
    const stdv = this.hiddenSize > 0 ? 1 / Math.sqrt(this.hiddenSize) : 0;
    for (const p of this.parameters()) uniform_(p, -stdv, stdv, { generator });
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.biasIh === null) s += `, bias=${pyBool(false)}`;
    return s;
  }

  /** One step from `input` ([B, I] or [I]) and the states (each [B, H] or [H]); returns the new states. */
  protected step(input: Tensor, states: readonly Tensor[] | null): Tensor[] {
    const name = this.getName();
    Tensor.check(input, "input");
    if (input.ndim !== 1 && input.ndim !== 2) throw new ShapeError(`${name}: Expected input to be 1-D or 2-D but received ${input.ndim}-D tensor`);
    const batched = input.ndim === 2;
    const x = batched ? input : unsqueeze(input, 0);
    const B = x.shape[0]!;
    const dtype = this.weightIh.dtype;
    if (x.shape[1] !== this.inputSize) throw new ShapeError(`input has inconsistent input_size: got ${x.shape[1]} expected ${this.inputSize}`);
    if (x.dtype !== dtype) throw new DTypeError(`${name}: input must have the type torch.${dtype}, got type torch.${x.dtype}`);
    const count = this.mode === "LSTM" ? 2 : 1;
    const hs = (states ?? new Array<null>(count).fill(null)).map((h, i) => {
      if (h === null || h === undefined) return zeros([B, this.hiddenSize], { dtype });
      Tensor.check(h, this.mode === "LSTM" ? `hx[${i}]` : "hx");
      if (h.ndim !== input.ndim) throw new ShapeError(`${name}: Expected hidden to be ${input.ndim}-D like the input but received ${h.ndim}-D tensor`);
      const hb = batched ? h : unsqueeze(h, 0);
      if (hb.shape[0] !== B) throw new ShapeError(`Input batch size ${B} doesn't match hidden${i} batch size ${hb.shape[0]}`);
      if (hb.shape[1] !== this.hiddenSize) throw new ShapeError(`hidden${i} has inconsistent hidden_size: got ${hb.shape[1]}, expected ${this.hiddenSize}`);
      if (hb.dtype !== dtype) throw new DTypeError(`${name}: hx must have the type torch.${dtype}, got type torch.${hb.dtype}`);
      return hb;
    });
    if (B === 0) {
      const empty = hs.map(() => zeros([0, this.hiddenSize], { dtype }));
      return batched ? empty : empty.map((t) => squeeze(t, 0));
    }
    const [, h, c] = recurrentLayer(this.mode, x, [B], hs[0]!, hs[1] ?? null,
      { weightIh: this.weightIh, weightHh: this.weightHh, biasIh: this.biasIh, biasHh: this.biasHh, weightHr: null }, false);
    const out = c === null ? [h] : [h, c];
    return batched ? out : out.map((t) => squeeze(t, 0));
  }
}

/** h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (or relu). */
export class RNNCell extends RNNCellBase<Tensor> {
  /** @internal */ static override readonly builtinName: string = "RNNCell";
  readonly nonlinearity: "tanh" | "relu";

  constructor(inputSize: number, hiddenSize: number, opts: RNNCellBaseOptions & { nonlinearity?: "tanh" | "relu" } = {}) {
    checkArity("nn.RNNCell()", arguments, 3);
    checkOptions("nn.RNNCell()", opts, { ...CELL_OPTIONS, nonlinearity: "string" }, { index: 3, positional: "bias" });
    const nl = opts.nonlinearity ?? "tanh";
    if (nl !== "tanh" && nl !== "relu") throw new ArgumentError(`Unknown nonlinearity: ${String(nl)}`);
    super("nn.RNNCell()", nl === "tanh" ? "RNN_TANH" : "RNN_RELU", inputSize, hiddenSize, opts);
    this.nonlinearity = nl;
  }

  override forward(input: Tensor, hx: Tensor | null = null): Tensor {
    return this.step(input, hx === null ? null : [hx])[0]!;
  }

  override extraRepr(): string {
    return super.extraRepr() + (this.nonlinearity !== "tanh" ? `, nonlinearity=${this.nonlinearity}` : "");
  }
}

/** One LSTM step: returns [h', c']. */
export class LSTMCell extends RNNCellBase<[Tensor, Tensor]> {
  /** @internal */ static override readonly builtinName: string = "LSTMCell";
  constructor(inputSize: number, hiddenSize: number, opts: RNNCellBaseOptions = {}) {
    checkArity("nn.LSTMCell()", arguments, 3);
    checkOptions("nn.LSTMCell()", opts, CELL_OPTIONS, { index: 3, positional: "bias" });
    super("nn.LSTMCell()", "LSTM", inputSize, hiddenSize, opts);
  }

  override forward(input: Tensor, hx: [Tensor, Tensor] | null = null): [Tensor, Tensor] {
    if (hx !== null && (!Array.isArray(hx) || hx.length !== 2)) throw new ArgumentError("LSTMCell: hx must be a pair [h_0, c_0] of Tensors");
    const [h, c] = this.step(input, hx);
    return [h!, c!];
  }
}

/** One GRU step (PyTorch's n = tanh(W_in x + b_in + r * (W_hn h + b_hn))). */
export class GRUCell extends RNNCellBase<Tensor> {
  /** @internal */ static override readonly builtinName: string = "GRUCell";
  constructor(inputSize: number, hiddenSize: number, opts: RNNCellBaseOptions = {}) {
    checkArity("nn.GRUCell()", arguments, 3);
    checkOptions("nn.GRUCell()", opts, CELL_OPTIONS, { index: 3, positional: "bias" });
    super("nn.GRUCell()", "GRU", inputSize, hiddenSize, opts);
  }

  override forward(input: Tensor, hx: Tensor | null = null): Tensor {
    return this.step(input, hx === null ? null : [hx])[0]!;
  }
}
