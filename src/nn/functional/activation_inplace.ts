/**
 * The activations of `torch.nn.functional` that take PyTorch's `inplace` argument, with PyTorch's
 * positional-or-keyword parameters: `F.relu(x, { inplace: true })`, `F.leakyRelu(x, 0.2, { inplace: true })`,
 * `F.dropout(x, 0.5, { training, inplace })`, and the underscore forms `F.relu_(x)`, `F.elu_(x)`, ...
 * In place, the input's memory is overwritten and the input itself is returned (see ops/activation_inplace.ts).
 */
import { featureDropout } from "../../ops/cnn_index.ts";
import { relu as reluOp } from "../../ops/elementwise.ts";
import { elu as eluOp, hardtanh as hardtanhOp, mish as mishOp } from "../../ops/activation_extra.ts";
import { dropoutInPlace, elu_, hardtanh_, leakyRelu_, mish_, relu_, silu_ } from "../../ops/activation_inplace.ts";
import { silu as siluOp } from "../../ops/op_functional.ts";
import { type ValueType, checkArity, keywordArgs } from "../../options.ts";
import type { Generator } from "../../tensor/random.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { checkDropoutP, dropout as dropoutOp, leakyRelu as leakyReluOp } from "./activation.ts";

export { elu_, hardtanh_, leakyRelu_, relu_ };

export interface InplaceOptions {
  /** Write the result into the input and return the input (default false). */
  inplace?: boolean;
}

/**
 * F.<name>(input, <names...>=defaults, inplace=False): numbers positional or by keyword, then
 * `inplace`, which picks `op_` (writes into the input) over `op`.
 */
function withInplace(name: string, names: readonly string[], defaults: readonly number[], op: (x: Tensor, ...a: number[]) => Tensor, op_: (x: Tensor, ...a: number[]) => Tensor) {
  const where = `F.${name}()`;
  const spec: Record<string, ValueType> = {};
  for (const n of names) spec[n] = "number";
  spec.inplace = "boolean";
  return function (x: Tensor, ...args: unknown[]): Tensor {
    checkArity(where, arguments, names.length + 2);
    const a = keywordArgs(where, args, [...names, "inplace"], spec);
    return (a.inplace === true ? op_ : op)(x, ...names.map((n, i) => (a[n] as number | undefined) ?? defaults[i]!));
  };
}

/** F.relu(input, inplace=False). */
export const relu: (x: Tensor, inplace?: boolean | InplaceOptions) => Tensor = /* @__PURE__ */ withInplace("relu", [], [], reluOp, relu_);

/** F.leaky_relu(input, negative_slope=0.01, inplace=False). */
export const leakyRelu: (x: Tensor, negativeSlope?: number | (InplaceOptions & { negativeSlope?: number }), inplace?: boolean | InplaceOptions) => Tensor =
  /* @__PURE__ */ withInplace("leakyRelu", ["negativeSlope"], [0.01], leakyReluOp, leakyRelu_);

/** F.elu(input, alpha=1.0, inplace=False). */
export const elu: (x: Tensor, alpha?: number | (InplaceOptions & { alpha?: number }), inplace?: boolean | InplaceOptions) => Tensor =
  /* @__PURE__ */ withInplace("elu", ["alpha"], [1], (x, alpha) => eluOp(x, { alpha }), elu_);

export interface HardtanhOptions extends InplaceOptions {
  minVal?: number;
  maxVal?: number;
}

/** F.hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False). */
export const hardtanh: (x: Tensor, minVal?: number | HardtanhOptions, maxVal?: number | HardtanhOptions, inplace?: boolean | InplaceOptions) => Tensor =
  /* @__PURE__ */ withInplace("hardtanh", ["minVal", "maxVal"], [-1, 1], (x, minVal, maxVal) => hardtanhOp(x, { minVal, maxVal }), hardtanh_);

/** F.silu(input, inplace=False). */
export const silu: (x: Tensor, inplace?: boolean | InplaceOptions) => Tensor = /* @__PURE__ */ withInplace("silu", [], [], siluOp, silu_);

/** F.mish(input, inplace=False). */
export const mish: (x: Tensor, inplace?: boolean | InplaceOptions) => Tensor = /* @__PURE__ */ withInplace("mish", [], [], mishOp, mish_);

export interface DropoutOptions extends InplaceOptions {
  p?: number;
  training?: boolean;
  generator?: Generator;
}

export type DropoutFn = (x: Tensor, p?: number | DropoutOptions, training?: boolean | DropoutOptions, inplace?: boolean | DropoutOptions) => Tensor;

const DROPOUT = { p: "number", training: "boolean", inplace: "boolean", generator: "object" } as const;

/**
 * F.<name>(input, p=0.5, training=True, inplace=False), plus kindling's `generator`, over `run`.
 * `trainingDefault`: PyTorch's alpha dropouts default to training=False.
 */
export function dropoutFn(name: string, run: (x: Tensor, p: number, training: boolean, generator: Generator | undefined) => Tensor, trainingDefault = true): DropoutFn {
  const where = `F.${name}()`;
  return function (x, p, training, inplace) {
    checkArity(where, arguments, 4);
    const a = keywordArgs(where, [p, training, inplace], ["p", "training", "inplace"], DROPOUT);
    const prob = checkDropoutP((a.p as number | undefined) ?? 0.5);
    const train = (a.training as boolean | undefined) ?? trainingDefault;
    const gen = a.generator as Generator | undefined;
    if (a.inplace !== true || !train || prob === 0) return run(x, prob, train, gen);
    return dropoutInPlace(x, (self) => run(self, prob, true, gen));
  };
}

/**
 * F.dropout(input, p=0.5, training=True, inplace=False), plus kindling's `generator`. Inverted dropout:
 * zeroes each element with probability p and scales the rest by 1/(1-p); identity when not training.
 */
export const dropout: DropoutFn = /* @__PURE__ */ dropoutFn("dropout", (x, p, training, generator) => dropoutOp(x, p, { training, generator }));

const dropout2dWarned = /* @__PURE__ */ new Set<string>();

/** PyTorch 1.13's warnings for a dropout2d input that is not [N, C, H, W] or [C, H, W], each shown once. */
function warnDropout2dRank(ndim: number): void {
  const messages: string[] = [];
  if (ndim !== 3 && ndim !== 4) {
    messages.push(
      `dropout2d: Received a ${ndim}-D input to dropout2d, which is deprecated and will result in an error in a future release. To retain the behavior ` +
        "and silence this warning, please use dropout instead. Note that dropout2d exists to provide channel-wise dropout on inputs with 2 spatial dimensions, " +
        "a channel dimension, and an optional batch dimension (i.e. 3D or 4D inputs).",
    );
  }
  if (ndim === 3) {
    messages.push(
      "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is desired - input is interpreted as shape (N, C, L), " +
        "where C is the channel dim. This behavior will change in a future release to interpret the input as one without a batch dimension, i.e. shape " +
        "(C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using dropout1d instead.",
    );
  }
  for (const m of messages) {
    if (dropout2dWarned.has(m)) continue;
    dropout2dWarned.add(m);
    console.warn(m);
  }
}

/**
 * F.dropout2d(input, p=0.5, training=True, inplace=False): zeroes whole channels of [N, C, ...] with
 * probability p and scales the rest by 1/(1-p). Like PyTorch 1.13, a 3-D input is [N, C, L] and a 2-D
 * one [N, C] (each element its own channel), both with PyTorch's warning, shown once.
 */
export const dropout2d: DropoutFn = /* @__PURE__ */ dropoutFn("dropout2d", (x, p, training, generator) => {
  warnDropout2dRank(x.ndim);
  return featureDropout(x, p, training, generator);
});
