/**
 * What nn.RNN, nn.LSTM and nn.GRU share (PyTorch's RNNBase): the options, the parameters with
 * PyTorch's names and order (`weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`,
 * `weight_hr_l0`, then `..._reverse`, layer by layer), their U(-1/sqrt(hidden), 1/sqrt(hidden)) start,
 * the input/state checks with PyTorch's messages, and the stack of layers over a padded or packed
 * sequence. Each direction of each layer is one fused op (ops/recurrent_layer.ts). The cells
 * (cells.ts) share the helpers above the class.
 */
import { ArgumentError, DTypeError, ShapeError } from "../../errors.ts";
import { log } from "../../log.ts";
import type { OptionSpec } from "../../options.ts";
import { checkCall } from "../check_call.ts";
import { checkCount } from "../conv.ts";
import { empty, zeros } from "../../tensor/creation.ts";
import type { DType } from "../../tensor/dtype.ts";
import type { Generator } from "../../tensor/random.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { cat, stack } from "../../ops/join.ts";
import { type RecurrentMode, recurrentLayer } from "../../ops/recurrent_layer.ts";
import { gateCount } from "../../ops/recurrent_steps.ts";
import { reshape, select, squeeze, transpose, unsqueeze } from "../../ops/views.ts";
import { dropout as dropoutFn } from "../functional/activation.ts";
import { uniform_ } from "../init.ts";
import { type AnyModule, Module } from "../module.ts";
import { Parameter } from "../parameter.ts";
import { pyFloat } from "../repr.ts";
import { PackedSequence, batchSizesOf, permuteBatch } from "./packed.ts";

export interface RNNBaseOptions {
  numLayers?: number;
  bias?: boolean;
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, in training. */
  dropout?: number;
  bidirectional?: boolean;
  dtype?: DType;
  /** Draws the initial weights from this generator instead of the default one. */
  generator?: Generator;
}

export const RNN_BASE_OPTIONS = {
  numLayers: "int", bias: "boolean", batchFirst: "boolean", dropout: "number", bidirectional: "boolean", dtype: "string", generator: "object",
} as const;

/** A padded input [T, B, *] (or [B, T, *] with batchFirst, [T, *] unbatched) or a PackedSequence. */
export type RNNInput = Tensor | PackedSequence;

/** The checks every recurrent layer and cell starts with; "RNN" becomes RNN_TANH or RNN_RELU by `nonlinearity`. */
export function checkRecurrent(
  where: string, args: IArguments, spec: OptionSpec, positional: string, kind: "LSTM" | "GRU" | "RNN", inputSize: number, hiddenSize: number,
  opts: { nonlinearity?: string }, cell: boolean,
): RecurrentMode {
  checkCall(where, args, 3, spec, positional);
  checkCount("input_size", inputSize);
  checkCount("hidden_size", hiddenSize);
  if (kind !== "RNN") return kind;
  const nl = opts.nonlinearity ?? "tanh";
  if (nl !== "tanh" && nl !== "relu") throw new ArgumentError(cell ? `Unknown nonlinearity: ${nl}` : `Unknown nonlinearity '${nl}'`);
  return nl === "tanh" ? "RNN_TANH" : "RNN_RELU";
}

/** PyTorch's reset_parameters of the recurrent layers and cells: every parameter U(-1/sqrt(hidden), 1/sqrt(hidden)). */
export function resetUniform(m: AnyModule, hiddenSize: number, generator?: Generator): void {
  const stdv = hiddenSize > 0 ? 1 / Math.sqrt(hiddenSize) : 0;
  for (const p of m.parameters()) uniform_(p, -stdv, stdv, { generator });
}

/** PyTorch's message for an input or state whose dtype is not the weights'. */
export function checkType(t: Tensor, dtype: DType, what: string): void {
  if (t.dtype !== dtype) throw new DTypeError(`${what} must have the type torch.${dtype}, got type torch.${t.dtype}`);
}

/** The given states as a list ([h], or the LSTM's [h, c]), or null. */
export function stateList(hx: unknown, lstm: boolean, name: string): Tensor[] | null {
  if (hx === null) return null;
  if (!lstm) return [hx as Tensor];
  if (!Array.isArray(hx) || hx.length !== 2) throw new ArgumentError(`${name}: hx must be a pair [h_0, c_0] of Tensors`);
  return hx as Tensor[];
}

export abstract class RNNBase<State> extends Module<[RNNInput, (State | null)?], [RNNInput, State]> {
  /** @internal */ static override readonly builtinName: string = "RNNBase";
  readonly mode: RecurrentMode;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly projSize: number;
  /** Parameter names per layer and direction, in PyTorch's `_flat_weights_names` order. */
  readonly flatWeightsNames: string[] = [];

  protected constructor(
    where: string, args: IArguments, spec: OptionSpec, kind: "LSTM" | "GRU" | "RNN", inputSize: number, hiddenSize: number,
    opts: RNNBaseOptions & { projSize?: number; nonlinearity?: string },
  ) {
    super();
    const mode = checkRecurrent(where, args, spec, "numLayers", kind, inputSize, hiddenSize, opts, false);
    const numLayers = opts.numLayers ?? 1;
    const dropout = opts.dropout ?? 0;
    const projSize = opts.projSize ?? 0;
    if (!(dropout >= 0 && dropout <= 1)) {
      throw new ArgumentError("dropout should be a number in range [0, 1] representing the probability of an element being zeroed");
    }
    if (dropout > 0 && numLayers === 1) {
      log("warn", "dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects " +
        `num_layers greater than 1, but got dropout=${pyFloat(dropout)} and num_layers=${numLayers}`);
    }
    if (hiddenSize <= 0) throw new ArgumentError("hidden_size must be greater than zero");
    if (numLayers <= 0) throw new ArgumentError("num_layers must be greater than zero");
    if (projSize < 0) throw new ArgumentError("proj_size should be a positive integer or zero to disable projections");
    if (projSize >= hiddenSize) throw new ArgumentError("proj_size has to be smaller than hidden_size");
    this.bias = opts.bias ?? true;
    this.batchFirst = opts.batchFirst ?? false;
    this.bidirectional = opts.bidirectional ?? false;
    this.mode = mode;
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.numLayers = numLayers;
    this.dropout = dropout;
    this.projSize = projSize;

    const gates = gateCount(mode) * hiddenSize;
    const real = projSize || hiddenSize;
    const dirs = this.bidirectional ? 2 : 1;
    for (let layer = 0; layer < numLayers; layer++) {
      for (let d = 0; d < dirs; d++) {
        const sfx = `_l${layer}${d === 1 ? "_reverse" : ""}`;
        const shapes: [string, number[]][] = [[`weight_ih${sfx}`, [gates, layer === 0 ? inputSize : real * dirs]], [`weight_hh${sfx}`, [gates, real]]];
        if (this.bias) shapes.push([`bias_ih${sfx}`, [gates]], [`bias_hh${sfx}`, [gates]]);
        if (projSize > 0) shapes.push([`weight_hr${sfx}`, [projSize, hiddenSize]]);
        for (const [name, shape] of shapes) {
          this.registerParameter(name, Parameter(empty(shape, { dtype: opts.dtype })));
          // `lstm.weight_ih_l0` reads the parameter, as in PyTorch (not enumerable: the registration is what counts).
          Object.defineProperty(this, name, { get: () => this.param(name), enumerable: false, configurable: true });
          this.flatWeightsNames.push(name);
        }
      }
    }
    this.resetParameters(opts.generator);
  }

  resetParameters(generator?: Generator): void {
    resetUniform(this as AnyModule, this.hiddenSize, generator);
  }

  protected param(name: string): Tensor {
    const found = this.localParameters().find(([k]) => k === name);
    if (!found) throw new ArgumentError(`${this.getName()}: parameter '${name}' is missing`);
    return found[1];
  }

  /** PyTorch's `flatten_parameters()`: the weights are used where they are, so there is nothing to do. */
  flattenParameters(): void {}

  /** PyTorch's `all_weights`: per layer and direction, [w_ih, w_hh, (b_ih, b_hh), (w_hr)]. */
  get allWeights(): Tensor[][] {
    const names = this.flatWeightsNames;
    const per = names.length / (this.numLayers * (this.bidirectional ? 2 : 1));
    return Array.from({ length: names.length / per }, (_, i) => names.slice(i * per, i * per + per).map((n) => this.param(n)));
  }

  override extraRepr(): string {
    const { projSize: p, numLayers: n, dropout: d } = this;
    return [
      `${this.inputSize}, ${this.hiddenSize}`, p && `proj_size=${p}`, n !== 1 && `num_layers=${n}`, !this.bias && "bias=False",
      this.batchFirst && "batch_first=True", d && `dropout=${pyFloat(d)}`, this.bidirectional && "bidirectional=True",
    ].filter(Boolean).join(", ");
  }

  /** `(input, hx?) -> [output, hN]`; the LSTM's state is the pair [h, c]. */
  override forward(input: Tensor, hx?: State | null): [Tensor, State];
  override forward(input: PackedSequence, hx?: State | null): [PackedSequence, State];
  override forward(input: RNNInput, hx?: State | null): [RNNInput, State];
  override forward(input: RNNInput, hx: State | null = null): [RNNInput, State] {
    const lstm = this.mode === "LSTM";
    const [out, s] = this.runStack(input, stateList(hx, lstm, this.getName()));
    return [out, (lstm ? s : s[0]) as State];
  }

  /**
   * Runs the stack. `states` are the given initial states (h, or h and c for the LSTM) as the user
   * passed them, or null; returns the output and the final states in the input's layout.
   */
  private runStack(input: RNNInput, states: readonly Tensor[] | null): [RNNInput, Tensor[]] {
    const isLstm = this.mode === "LSTM";
    const dirs = this.bidirectional ? 2 : 1;
    const real = this.projSize || this.hiddenSize;
    const weights = this.allWeights;
    const wdtype = weights[0]![0]!.dtype;
    let x: Tensor;
    let sizes: number[];
    let unbatched = false;
    let T = 0;
    let B = 0;
    const packed = input instanceof PackedSequence ? input : null;
    if (packed !== null) {
      x = packed.data;
      if (x.ndim !== 2) throw new ShapeError(`input must have 2 dimensions, got ${x.ndim}`);
      sizes = batchSizesOf(packed.batchSizes);
    } else {
      Tensor.check(input, "input");
      const t = input as Tensor;
      if (t.ndim !== 2 && t.ndim !== 3) throw new ShapeError(`${this.getName()}: Expected input to be 2-D or 3-D but received ${t.ndim}-D tensor`);
      unbatched = t.ndim === 2;
      const seq = unbatched ? unsqueeze(t, 1) : this.batchFirst ? transpose(t, 0, 1) : t;
      [T, B] = seq.shape as [number, number];
      if (T === 0) throw new ShapeError("Expected sequence length to be larger than 0 in RNN");
      x = reshape(seq, [T * B, seq.shape[2]!]);
      sizes = new Array<number>(T).fill(B);
    }
    if (x.shape[1] !== this.inputSize) throw new ShapeError(`input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${x.shape[1]}`);
    checkType(x, wdtype, "input");
    const B0 = sizes[0]!;
    const expected = [real, this.hiddenSize].map((n) => [this.numLayers * dirs, B0, n]);
    let hs: Tensor[];
    if (states === null) {
      hs = expected.slice(0, isLstm ? 2 : 1).map((shape) => zeros(shape, { dtype: wdtype }));
    } else {
      states.forEach((h, i) => Tensor.check(h, isLstm ? `hx[${i}]` : "hx"));
      const want = unbatched ? 2 : 3;
      if (states.some((h) => h.ndim !== want)) {
        const kind = unbatched ? "unbatched 2-D" : "batched 3-D";
        throw new ShapeError(isLstm
          ? `For ${kind} input, hx and cx should also be ${want}-D but got (${states[0]!.ndim}-D, ${states[1]!.ndim}-D) tensors`
          : `For ${kind} input, hx should also be ${want}-D but got ${states[0]!.ndim}-D tensor`);
      }
      hs = states.map((h0, i) => {
        const h = permuteBatch(unbatched ? unsqueeze(h0, 1) : h0, packed?.sortedIndices ?? null);
        const e = expected[i]!;
        if (h.shape.some((n, d) => n !== e[d])) throw new ShapeError(`Expected hidden${isLstm ? `[${i}]` : ""} size (${e.join(", ")}), got [${h.shape.join(", ")}]`);
        checkType(h, wdtype, "hx");
        return h;
      });
    }

    // An empty batch, as PyTorch allows: empty outputs of the right shapes.
    if (B0 === 0) return [zeros(this.batchFirst ? [0, T, dirs * real] : [T, 0, dirs * real], { dtype: wdtype }), hs];
    const hN: Tensor[] = [];
    const cN: Tensor[] = [];
    let layerInput = x;
    for (let layer = 0; layer < this.numLayers; layer++) {
      const outs: Tensor[] = [];
      for (let d = 0; d < dirs; d++) {
        const idx = layer * dirs + d;
        const [weightIh, weightHh, ...rest] = weights[idx]!;
        const [y, h, c] = recurrentLayer(this.mode, layerInput, sizes, select(hs[0]!, 0, idx), isLstm ? select(hs[1]!, 0, idx) : null, {
          weightIh: weightIh!, weightHh: weightHh!, biasIh: this.bias ? rest[0]! : null, biasHh: this.bias ? rest[1]! : null,
          weightHr: this.projSize > 0 ? rest[rest.length - 1]! : null,
        }, d === 1);
        outs.push(y);
        hN.push(h);
        if (c !== null) cN.push(c);
      }
      layerInput = dirs === 2 ? cat(outs, 1) : outs[0]!;
      if (this.dropout > 0 && this.training && layer < this.numLayers - 1) layerInput = dropoutFn(layerInput, this.dropout, { training: true });
    }
    const finals = isLstm ? [stack(hN, 0), stack(cN, 0)] : [stack(hN, 0)];
    if (packed !== null) return [packed.withData(layerInput), finals.map((h) => permuteBatch(h, packed.unsortedIndices))];
    let out = reshape(layerInput, [T, B, dirs * real]);
    if (unbatched) return [squeeze(out, 1), finals.map((h) => squeeze(h, 1))];
    if (this.batchFirst) out = transpose(out, 0, 1);
    return [out, finals];
  }
}
