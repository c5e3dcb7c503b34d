import { noGrad } from "../autograd/grad_mode.ts";
import { ArgumentError, ShapeError } from "../errors.ts";
import type { IntOrTuple } from "../ops/conv.ts";
import { type OptionSpec, checkArity, checkOptions } from "../options.ts";
import { empty } from "../tensor/creation.ts";
import { Generator } from "../tensor/random.ts";
import { fmtShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { Conv1d, Conv2d, type ConvModuleOptions } from "./conv.ts";
import { Linear, type LinearOptions } from "./linear.ts";
import type { AnyModule, Module } from "./module.ts";
import { BatchNorm1d, BatchNorm2d, type BatchNormOptions } from "./normalization.ts";
import { Parameter } from "./parameter.ts";
import { adoptSlots } from "./slots.ts";

/**
 * Lazy modules (PyTorch's LazyModuleMixin): LazyLinear, LazyConv1d/2d and LazyBatchNorm1d/2d (and, in
 * lazy_more.ts, LazyConv3d, LazyConvTranspose1d/2d, LazyBatchNorm3d and LazyInstanceNorm1d/2d/3d) leave their
 * input size open until the first forward, which reads it from the input, initialises the parameters as
 * the ordinary class would (from the default generator, or `generator`, at that moment) and turns the
 * module into that class: afterwards it is a Linear / Conv2d / BatchNorm1d in every way (instanceof,
 * repr, forward), as PyTorch's `cls_to_become`.
 *
 * Before the first forward, parameters() and stateDict() hold placeholders: Parameters of shape [0]
 * for which `nn.isUninitializedParameter(p)` is true (PyTorch's UninitializedParameter). The first forward
 * resizes and fills those same Parameter objects in place, so an optimizer made before it trains them;
 * buffers (running statistics) are replaced. loadStateDict before the first forward is refused: run one
 * forward (a dry run) first.
 */

const UNINITIALIZED = new WeakSet<Tensor>();

/** True for a lazy module's placeholder parameter, before the first forward gives it a shape. */
export function isUninitializedParameter(v: unknown): boolean {
  return v instanceof Tensor && UNINITIALIZED.has(v);
}

/** What the helpers below use of a lazy module, whatever its forward signature. */
type Shell = Pick<Module, "localParameters" | "getName" | "training">;

/** Builds the real module once the input is seen. */
const BUILD = new WeakMap<object, (x: Tensor) => AnyModule>();

/** The shell's own parameters become placeholders; `build` makes the real module from the first input. */
export function makeLazy(shell: Shell, build: (x: Tensor) => AnyModule): void {
  const props = shell as unknown as Record<string, unknown>;
  for (const [k, p] of shell.localParameters()) {
    const ph = Parameter(empty([0], { dtype: p.dtype }), p.requiresGrad);
    UNINITIALIZED.add(ph);
    props[k] = ph;
  }
  BUILD.set(shell, build);
}

/** A throwaway generator for building a shell, so that making a lazy module draws nothing from the default one. */
const shellGenerator = (): Generator => new Generator().manualSeed(0);

/**
 * Turns `lazy` into the module its builder makes from `x`: the placeholders take the new parameters'
 * shapes and values in place, then every property, registration and the prototype are the new module's.
 */
export function materialize(lazy: Shell, x: Tensor): void {
  const build = BUILD.get(lazy);
  if (!build) return;
  Tensor.check(x, "input");
  const real = build(x) as unknown as Module;
  const mine = new Map(lazy.localParameters());
  const realProps = real as unknown as Record<string, unknown>;
  for (const [k, r] of real.localParameters()) {
    const p = mine.get(k);
    if (!p) continue;
    const grad = p.requiresGrad;
    p.requiresGrad_(false);
    p.resize_([...r.shape]);
    noGrad(() => p.copy_(r));
    p.requiresGrad_(grad);
    UNINITIALIZED.delete(p);
    realProps[k] = p;
  }
  real.training = lazy.training;
  for (const k of Object.keys(lazy)) delete (lazy as unknown as Record<string, unknown>)[k];
  for (const [k, d] of Object.entries(Object.getOwnPropertyDescriptors(real))) Object.defineProperty(lazy, k, d);
  adoptSlots(lazy, real);
  Object.setPrototypeOf(lazy, Object.getPrototypeOf(real));
  BUILD.delete(lazy);
}

export function refuseLoad(m: Shell): never {
  throw new ArgumentError(`${m.getName()}: loadStateDict before the first forward is not supported by kindling; run one forward to infer the input size, then load`);
}

/** Drops kindling's generator option for a shell built with its own throwaway generator. */
export function shellOptions<T extends { generator?: Generator }>(opts: T): T {
  return { ...opts, generator: shellGenerator() };
}

/** `new nn.LazyLinear(outFeatures, { bias, dtype, generator })`: in_features is the last dim of the first input. */
export class LazyLinear extends Linear {
  /** @internal */ static override readonly builtinName: string = "LazyLinear";
  constructor(outFeatures: number, opts: LinearOptions = {}) {
    checkArity("nn.LazyLinear()", arguments, 2);
    checkOptions("nn.LazyLinear()", opts, { bias: "boolean", dtype: "string", generator: "object" }, { index: 2, positional: "bias" });
    super(0, outFeatures, shellOptions(opts));
    makeLazy(this, (x) => {
      if (x.ndim < 1) throw new ShapeError(`LazyLinear: expected an input with at least 1 dimension, got ${fmtShape(x.shape)}`);
      return new Linear(x.shape.at(-1)!, outFeatures, opts);
    });
  }

  override forward(x: Tensor): Tensor {
    materialize(this, x);
    return Linear.prototype.forward.call(this, x);
  }

  override loadStateDict(..._args: Parameters<Module["loadStateDict"]>): never {
    refuseLoad(this);
  }
}

export const CONV_OPTIONS: OptionSpec = {
  stride: "ints", padding: "any", dilation: "ints", groups: "int", bias: "boolean", paddingMode: "string", dtype: "string", generator: "object",
};

/** in_channels of a conv input: dim 0 of an unbatched input, dim 1 of a batched one (PyTorch's _get_in_channels). */
export function inChannels(x: Tensor, spatial: number, name: string): number {
  if (x.ndim !== spatial + 1 && x.ndim !== spatial + 2) {
    throw new ShapeError(`Expected ${spatial + 1}D (unbatched) or ${spatial + 2}D (batched) input to ${name}, but got input of size: ${fmtShape(x.shape)}`);
  }
  return x.shape[x.ndim === spatial + 1 ? 0 : 1]!;
}

/** `new nn.LazyConv1d(outChannels, kernelSize, opts)`: in_channels from the first input. */
export class LazyConv1d extends Conv1d {
  /** @internal */ static override readonly builtinName: string = "LazyConv1d";
  constructor(outChannels: number, kernelSize: IntOrTuple, opts: ConvModuleOptions = {}) {
    checkArity("nn.LazyConv1d()", arguments, 3);
    checkOptions("nn.LazyConv1d()", opts, CONV_OPTIONS, { index: 3, positional: "stride" });
    super(0, outChannels, kernelSize, shellOptions(opts));
    makeLazy(this, (x) => new Conv1d(inChannels(x, 1, "conv1d"), outChannels, kernelSize, opts));
  }

  override forward(x: Tensor): Tensor {
    materialize(this, x);
    return Conv1d.prototype.forward.call(this, x);
  }

  override loadStateDict(..._args: Parameters<Module["loadStateDict"]>): never {
    refuseLoad(this);
  }
}

/** `new nn.LazyConv2d(outChannels, kernelSize, opts)`: in_channels from the first input. */
export class LazyConv2d extends Conv2d {
  /** @internal */ static override readonly builtinName: string = "LazyConv2d";
  constructor(outChannels: number, kernelSize: IntOrTuple, opts: ConvModuleOptions = {}) {
    checkArity("nn.LazyConv2d()", arguments, 3);
    checkOptions("nn.LazyConv2d()", opts, CONV_OPTIONS, { index: 3, positional: "stride" });
    super(0, outChannels, kernelSize, shellOptions(opts));
    makeLazy(this, (x) => new Conv2d(inChannels(x, 2, "conv2d"), outChannels, kernelSize, opts));
  }

  override forward(x: Tensor): Tensor {
    materialize(this, x);
    return Conv2d.prototype.forward.call(this, x);
  }

  override loadStateDict(..._args: Parameters<Module["loadStateDict"]>): never {
    refuseLoad(this);
  }
}

export const BN_OPTIONS: OptionSpec = { eps: "number", momentum: "number?", affine: "boolean", trackRunningStats: "boolean", dtype: "string" };

/** num_features of a batch-norm input [N, C, ...]. */
export function numFeatures(x: Tensor): number {
  if (x.ndim < 2) throw new ShapeError(`expected at least 2D input (got ${x.ndim}D input)`);
  return x.shape[1]!;
}

/** `new nn.LazyBatchNorm1d({ eps, momentum, affine, trackRunningStats })`: num_features from the first input. */
export class LazyBatchNorm1d extends BatchNorm1d {
  /** @internal */ static override readonly builtinName: string = "LazyBatchNorm1d";
  constructor(opts: BatchNormOptions = {}) {
    checkArity("nn.LazyBatchNorm1d()", arguments, 1);
    checkOptions("nn.LazyBatchNorm1d()", opts, BN_OPTIONS, { index: 1, positional: "eps" });
    super(0, opts);
    makeLazy(this, (x) => new BatchNorm1d(numFeatures(x), opts));
  }

  override forward(x: Tensor): Tensor {
    this.checkInputDim(x);
    materialize(this, x);
    return BatchNorm1d.prototype.forward.call(this, x);
  }

  override loadStateDict(..._args: Parameters<Module["loadStateDict"]>): never {
    refuseLoad(this);
  }
}

/** `new nn.LazyBatchNorm2d({ eps, momentum, affine, trackRunningStats })`: num_features from the first input. */
export class LazyBatchNorm2d extends BatchNorm2d {
  /** @internal */ static override readonly builtinName: string = "LazyBatchNorm2d";
  constructor(opts: BatchNormOptions = {}) {
    checkArity("nn.LazyBatchNorm2d()", arguments, 1);
    checkOptions("nn.LazyBatchNorm2d()", opts, BN_OPTIONS, { index: 1, positional: "eps" });
    super(0, opts);
    makeLazy(this, (x) => new BatchNorm2d(numFeatures(x), opts));
  }

  override forward(x: Tensor): Tensor {
    this.checkInputDim(x);
    materialize(this, x);
    return BatchNorm2d.prototype.forward.call(this, x);
  }

  override loadStateDict(..._args: Parameters<Module["loadStateDict"]>): never {
    refuseLoad(this);
  }
}
