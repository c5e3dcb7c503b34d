import "../ops/methods.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { ArgumentError, DTypeError, ShapeError } from "../errors.ts";
import { checkArg, checkOptions } from "../options.ts";
import { rand, randn } from "../tensor/creation.ts";
import { isFloating } from "../tensor/dtype.ts";
import { defaultGenerator, type Generator } from "../tensor/random.ts";
import { bumpVersion } from "../tensor/version.ts";
import { Tensor } from "../tensor/tensor.ts";
import { initSkipped } from "./init_skip.ts";

/**
 * `torch.nn.init`: fills a tensor in place (under noGrad, so parameters can be initialised) and
 * returns it. Random fills draw from the default generator (`torch.manualSeed` reproduces them) or
 * from `opts.generator`.
 */

export interface InitOptions {
  generator?: Generator;
}

const INIT_OPTIONS = { generator: "object" } as const;
const KAIMING_OPTIONS = { generator: "object", a: "number", mode: "string", nonlinearity: "string" } as const;

export type Nonlinearity =
  | "linear" | "conv1d" | "conv2d" | "conv3d" | "conv_transpose1d" | "conv_transpose2d" | "conv_transpose3d"
  | "sigmoid" | "tanh" | "relu" | "leaky_relu" | "leakyRelu" | "selu";

export type FanMode = "fan_in" | "fan_out" | "fanIn" | "fanOut";

const LINEAR_FNS = new Set(["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d"]);

/** The recommended gain for a nonlinearity (PyTorch's `calculate_gain`); `param` is leaky_relu's slope. */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  if (LINEAR_FNS.has(nonlinearity) || nonlinearity === "sigmoid") return 1;
  if (nonlinearity === "tanh") return 5 / 3;
  if (nonlinearity === "relu") return Math.sqrt(2);
  if (nonlinearity === "leaky_relu" || nonlinearity === "leakyRelu") {
    const slope = param ?? 0.01;
    if (typeof slope !== "number" || !Number.isFinite(slope)) throw new ArgumentError(`negative_slope ${String(slope)} not a valid number`);
    return Math.sqrt(2 / (1 + slope * slope));
  }
  if (nonlinearity === "selu") return 3 / 4;
  throw new ArgumentError(`Unsupported nonlinearity ${String(nonlinearity)}`);
}

/** [fanIn, fanOut] of a weight [out, in, *receptive field] (PyTorch's `_calculate_fan_in_and_fan_out`). */
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  if (t.ndim < 2) throw new ShapeError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions");
  let receptive = 1;
  for (const s of t.shape.slice(2)) receptive *= s;
  return [t.shape[1]! * receptive, t.shape[0]! * receptive];
}

function fanFor(t: Tensor, mode: FanMode): number {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  if (mode === "fan_in" || mode === "fanIn") return fanIn;
  if (mode === "fan_out" || mode === "fanOut") return fanOut;
  throw new ArgumentError(`Mode ${String(mode)} not supported, please use one of fan_in, fan_out`);
}

function checkFloat(t: Tensor, fn: string): void {
  Tensor.check(t, "tensor");
  if (!isFloating(t.dtype)) throw new DTypeError(`${fn}: expected a floating point tensor, got ${t.dtype}`);
}

/** Writes values into t in place, without recording a graph. */
function fill(t: Tensor, values: () => Tensor): Tensor {
  noGrad(() => t.copy_(values()));
  return t;
}

/** Uniform on [a, b). */
export function uniform_(t: Tensor, a = 0, b = 1, opts: InitOptions = {}): Tensor {
  checkFloat(t, "uniform_");
  checkArg("nn.init.uniform_()", a, "number", 2, "a");
  checkArg("nn.init.uniform_()", b, "number", 3, "b");
  checkOptions("nn.init.uniform_()", opts, INIT_OPTIONS, { index: 4 });
  if (a > b) throw new ArgumentError(`uniform_ expects to return a [from, to) range, but found from=${a} > to=${b}`);
  if (initSkipped()) return t;
  const g = opts.generator ?? defaultGenerator;
  if (t.isDense() && (t.storage instanceof Float32Array || t.storage instanceof Float64Array)) {
    // In place, with no temporary: a layer of 1e8+ weights is the case that must stay quick and small.
    g.fillUniform(t.storage, a, b);
    bumpVersion(t.storage);
    return t;
  }
  return fill(t, () => {
    const v = Tensor.empty([...t.shape], t.dtype);
    g.fillUniform(v.storage as Float32Array | Float64Array, a, b);
    return v;
  });
}

/** Normal with the given mean and standard deviation. */
export function normal_(t: Tensor, mean = 0, std = 1, opts: InitOptions = {}): Tensor {
  checkFloat(t, "normal_");
  checkArg("nn.init.normal_()", mean, "number", 2, "mean");
  checkArg("nn.init.normal_()", std, "number", 3, "std");
  checkOptions("nn.init.normal_()", opts, INIT_OPTIONS, { index: 4 });
  if (!(std >= 0)) throw new ArgumentError(`normal expects std >= 0.0, but found std ${std}`);
  if (initSkipped()) return t;
  return fill(t, () => randn([...t.shape], { dtype: t.dtype, generator: opts.generator }).mul(std).add(mean));
}

export function constant_(t: Tensor, value: number): Tensor {
  Tensor.check(t, "tensor");
  if (initSkipped()) return t;
  noGrad(() => t.fill_(value));
  return t;
}

export function zeros_(t: Tensor): Tensor {
  return constant_(t, 0);
}

export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}

/** Glorot uniform: U(-a, a), a = gain * sqrt(6 / (fanIn + fanOut)). */
export function xavierUniform_(t: Tensor, gain = 1, opts: InitOptions = {}): Tensor {
  checkArg("nn.init.xavierUniform_()", gain, "number", 2, "gain");
  checkOptions("nn.init.xavierUniform_()", opts, INIT_OPTIONS, { index: 3 });
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const a = Math.sqrt(3) * gain * Math.sqrt(2 / (fanIn + fanOut));
  return uniform_(t, -a, a, opts);
}

/** Glorot normal: N(0, std^2), std = gain * sqrt(2 / (fanIn + fanOut)). */
export function xavierNormal_(t: Tensor, gain = 1, opts: InitOptions = {}): Tensor {
  checkArg("nn.init.xavierNormal_()", gain, "number", 2, "gain");
  checkOptions("nn.init.xavierNormal_()", opts, INIT_OPTIONS, { index: 3 });
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), opts);
}

export interface KaimingOptions extends InitOptions {
  /** The negative slope of the leaky_relu that follows (default 0). */
  a?: number;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
}

function kaimingStd(t: Tensor, opts: KaimingOptions): number {
  const fan = fanFor(t, opts.mode ?? "fan_in");
  const gain = calculateGain(opts.nonlinearity ?? "leaky_relu", opts.a ?? 0);
  return gain / Math.sqrt(fan);
}

/** He uniform: U(-b, b), b = gain * sqrt(3 / fan). A zero-element tensor is left as is. */
export function kaimingUniform_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  checkOptions("nn.init.kaimingUniform_()", opts, KAIMING_OPTIONS, { index: 2 });
  if (t.numel() === 0) return t;
  const bound = Math.sqrt(3) * kaimingStd(t, opts);
  return uniform_(t, -bound, bound, { generator: opts.generator });
}

/** He normal: N(0, std^2), std = gain / sqrt(fan). A zero-element tensor is left as is. */
export function kaimingNormal_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  checkOptions("nn.init.kaimingNormal_()", opts, KAIMING_OPTIONS, { index: 2 });
  if (t.numel() === 0) return t;
  return normal_(t, 0, kaimingStd(t, opts), { generator: opts.generator });
}
export { orthogonal_, truncNormal_, eye_, dirac_, sparse_ } from "./init_more.ts";
export { uniform, normal, constant, eye, dirac, xavierUniform, xavierNormal, kaimingUniform, kaimingNormal } from "./init_deprecated.ts";
