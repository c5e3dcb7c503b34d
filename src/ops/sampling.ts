import { record } from "../autograd/record.ts";
import { ArgumentError, DTypeError, ShapeError } from "../errors.ts";
import { checkArg, checkOptions } from "../options.ts";
import { type RandomOptions, rand, randint, randn } from "../tensor/creation.ts";
import { type DType, checkDType, isFloating } from "../tensor/dtype.ts";
import { getDefaultDType } from "../tensor/default_dtype.ts";
import { poissonSample } from "../tensor/distributions.ts";
import { type Generator, defaultGenerator } from "../tensor/random.ts";
import { Tensor } from "../tensor/tensor.ts";
import { add, lt, mul } from "./elementwise.ts";
import type { GeneratorOption } from "./inplace_methods.ts";
import { scalarTypeName } from "./promotion.ts";
import { castRaw, denseData, fresh } from "./util.ts";
import { defineMethods } from "./define_methods.ts";
import { finish } from "../tensor/ranges.ts";

/**
 * Out-of-place random sampling: torch.bernoulli, torch.normal (its four overloads), torch.poisson,
 * torch.randintLike. As in PyTorch the samples are not reparameterized: an input that requires grad
 * gives an output in the graph whose gradient back to the parameters is zero.
 */

declare module "../tensor/tensor.ts" {
  interface Tensor {
    /** Draws 0/1 with probability self (or `p` when given), in self's dtype. */
    bernoulli(p?: number | GeneratorOption, opts?: GeneratorOption): Tensor;
  }
}

const GEN = { generator: "object" } as const;
const BAD_PROBS = "Expected p_in >= 0 && p_in <= 1 to be true, but got false.  " +
  "(Could this error message be improved?  If so, please report an enhancement request to PyTorch.)";

/** The broadcast shape, refused in PyTorch's words (kindling's broadcastShapes adds the shapes). */
function broadcastPair(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new ShapeError(`The size of tensor a (${x}) must match the size of tensor b (${y}) at non-singleton dimension ${i}`);
    }
    out.push(x === 1 ? y : x);
  }
  return out;
}

export function checkFloatKernel(t: Tensor, kernel: string): void {
  if (!isFloating(t.dtype)) throw new DTypeError(`"${kernel}" not implemented for '${scalarTypeName(t.dtype)}'`);
}

/** `out` in the graph of `inputs` with a zero gradient to each (PyTorch's BernoulliBackward0 and kin). */
function zeroGrad(out: Tensor, name: string, inputs: readonly (Tensor | null)[]): Tensor {
  return record(out, name, inputs, (g, needs) => inputs.map((x, i) => (x && needs[i] ? fresh(x.shape, x.dtype) : null)), false);
}

/** torch.bernoulli(input): 1 with probability input[i]; torch.bernoulli(input, p): with probability p. */
export function bernoulli(input: Tensor, p?: number | GeneratorOption, opts: GeneratorOption = {}): Tensor {
  Tensor.check(input, "input");
  if (typeof p === "object" || p === undefined) {
    opts = p ?? opts;
    checkOptions("bernoulli()", opts, GEN, { index: 2 });
    checkFloatKernel(input, "bernoulli_tensor_cpu_p_");
    const probs = input.detach();
    if (denseData(probs.contiguous()).some((v) => !(v >= 0 && v <= 1))) {
      throw new ArgumentError(BAD_PROBS);
    }
    const out = castRaw(lt(rand([...input.shape], { dtype: "float64", generator: opts.generator }), probs), input.dtype);
    return zeroGrad(out, "BernoulliBackward0", [input]);
  }
  checkArg("bernoulli()", p, "number", 2, "p");
  checkOptions("bernoulli()", opts, GEN, { index: 3 });
  if (!(p >= 0 && p <= 1)) throw new ArgumentError(`bernoulli_ expects p to be in [0, 1], but got p=${p}`);
  // PyTorch leaves this overload's result out of the graph.
  return castRaw(lt(rand([...input.shape], { dtype: "float64", generator: opts.generator }), p), input.dtype);
}

/** dtype (default: the default dtype), device, requiresGrad and generator. */
export type NormalSizeOptions = RandomOptions;

/**
 * torch.normal(mean, std): normal draws with elementwise mean and standard deviation. Either may be a
 * tensor (the result has the broadcast shape and the dtype of mean, or of std when mean is a number);
 * with two numbers a `size` is required, and the options give dtype (default: the default dtype).
 */
export function normal(mean: Tensor, std?: number | Tensor, opts?: GeneratorOption): Tensor;
export function normal(mean: number, std: Tensor, opts?: GeneratorOption): Tensor;
export function normal(mean: number, std: number, size: readonly number[], opts?: NormalSizeOptions): Tensor;
export function normal(
  mean: Tensor | number, std: Tensor | number = 1, size?: readonly number[] | GeneratorOption, opts: NormalSizeOptions = {},
): Tensor {
  if (!(mean instanceof Tensor) && !(std instanceof Tensor)) {
    checkArg("normal()", mean, "number", 1, "mean");
    checkArg("normal()", std, "number", 2, "std");
    checkArg("normal()", size, "int[]", 3, "size");
    checkOptions("normal()", opts, { dtype: "string", device: "any", requiresGrad: "boolean", generator: "object" }, { index: 4 });
    const dtype: DType = opts.dtype !== undefined ? checkDType(opts.dtype) : getDefaultDType();
    if (!isFloating(dtype)) throw new DTypeError(`"normal_kernel_cpu" not implemented for '${scalarTypeName(dtype)}'`);
    if (!(std >= 0)) throw new ArgumentError(`normal expects std >= 0.0, but found std ${std}`);
    const z = randn([...size as number[]], { dtype, generator: opts.generator });
    return finish(add(mul(z, std), mean), { device: opts.device, requiresGrad: opts.requiresGrad });
  }
  const o = (size ?? {}) as GeneratorOption;
  checkOptions("normal()", o, GEN, { index: 3 });
  if (!(mean instanceof Tensor)) checkArg("normal()", mean, "number", 1, "mean");
  if (!(std instanceof Tensor)) checkArg("normal()", std, "number", 2, "std");
  const like = mean instanceof Tensor ? mean : (std as Tensor);
  checkFloatKernel(like, "normal_kernel_cpu");
  if (typeof std === "number" && !(std >= 0)) throw new ArgumentError(`normal expects std >= 0.0, but found std ${std}`);
  if (std instanceof Tensor && denseData(std.detach().contiguous()).some((v) => !(v >= 0))) {
    throw new ArgumentError("normal expects all elements of std >= 0.0");
  }
  const shape = mean instanceof Tensor && std instanceof Tensor ? broadcastPair(mean.shape, std.shape) : [...like.shape];
  const z = randn(shape, { dtype: like.dtype, generator: o.generator });
  const m = mean instanceof Tensor ? mean.detach() : mean;
  const s = std instanceof Tensor ? std.detach() : std;
  const out = castRaw(add(mul(z, s), m), like.dtype);
  const name = !(std instanceof Tensor) ? "NormalBackward1" : !(mean instanceof Tensor) ? "NormalBackward2" : "NormalBackward3";
  return zeroGrad(out, name, [mean instanceof Tensor ? mean : null, std instanceof Tensor ? std : null]);
}

/** Poisson counts with rate input[i], in input's (floating) dtype. */
export function poisson(input: Tensor, opts: GeneratorOption = {}): Tensor {
  Tensor.check(input, "input");
  checkOptions("poisson()", opts, GEN, { index: 2 });
  checkFloatKernel(input, "poisson_cpu");
  const rates = denseData(input.detach().contiguous());
  if (rates.some((r) => !(r >= 0))) throw new ArgumentError("invalid Poisson rate, expected rate to be non-negative");
  const g: Generator = opts.generator ?? defaultGenerator;
  const out = fresh(input.shape, input.dtype);
  for (let i = 0; i < rates.length; i++) out.storage[i] = poissonSample(g, rates[i]!);
  return zeroGrad(out, "PoissonBackward0", [input]);
}

export interface RandintLikeOptions {
  dtype?: DType;
  device?: "cpu";
  requiresGrad?: boolean;
}

/** torch.randintLike(input, high) or (input, low, high): randint of input's shape and (default) dtype. */
export function randintLike(input: Tensor, low: number, high?: number | RandintLikeOptions, opts: RandintLikeOptions = {}): Tensor {
  Tensor.check(input, "input");
  if (high !== null && typeof high === "object") [opts, high] = [high, undefined];
  const [lo, hi] = high === undefined ? [0, low] : [low, high];
  checkArg("randintLike()", lo, "int", 2, "low");
  checkArg("randintLike()", hi, "int", 3, "high");
  checkOptions("randintLike()", opts, { dtype: "string", device: "any", requiresGrad: "boolean" }, { index: 4 });
  return randint(lo, hi, [...input.shape], { ...opts, dtype: opts.dtype ?? input.dtype });
}

defineMethods({
  bernoulli(this: Tensor, p?: number | GeneratorOption, opts?: GeneratorOption) { return bernoulli(this, p, opts); },
});
