import { ArgumentError } from "../errors.ts";
import { checkArg, checkOptions } from "../options.ts";
import type { DType } from "../tensor/dtype.ts";
import { type Sink, fillCauchy, fillExponential, fillGeometric, fillIntegers } from "../tensor/distributions.ts";
import { type Generator, defaultGenerator } from "../tensor/random.ts";
import { Tensor } from "../tensor/tensor.ts";
import { applyInPlace } from "./inplace.ts";
import type { GeneratorOption } from "./inplace_methods.ts";
import { checkFloatKernel } from "./sampling.ts";
import { fresh } from "./util.ts";
import { defineMethods } from "./define_methods.ts";

/**
 * The in-place samplers: random_, exponential_, geometric_, cauchy_, logNormal_. Like normal_ and
 * uniform_ they overwrite self through applyInPlace (version counter, leaf check, a node with a zero
 * gradient when self is in a graph).
 */

declare module "../tensor/tensor.ts" {
  interface Tensor {
    /**
     * Uniform integers: `random_()` over [0, 2^mantissa] (floats) or the dtype's non-negative range,
     * `random_(to)` over [0, to), `random_(from, to)` over [from, to), `random_(from, null)` from `from` up.
     */
    random_(from?: number | GeneratorOption, to?: number | null | GeneratorOption, opts?: GeneratorOption): Tensor;
    exponential_(lambd?: number, opts?: GeneratorOption): Tensor;
    /** Counts of Bernoulli(p) trials up to the first success: 1, 2, ... */
    geometric_(p: number, opts?: GeneratorOption): Tensor;
    cauchy_(median?: number, sigma?: number, opts?: GeneratorOption): Tensor;
    /** exp of normal(mean, std) draws. */
    logNormal_(mean?: number, std?: number, opts?: GeneratorOption): Tensor;
  }
}

const GEN = { generator: "object" } as const;

/** The largest integer random_() draws by default: every integer up to it is exact in the dtype. */
const TOP: Record<DType, number> = { float32: 2 ** 24, float64: 2 ** 53, int32: 2 ** 31 - 1, int64: 2 ** 53 - 1, bool: 1 };
const CPP: Record<DType, string> = { float32: "float", float64: "double", int32: "int", int64: "long", bool: "bool" };

/** Writes `fill`'s samples (made in self's dtype) into self, recorded as PyTorch's `name` node. */
function sampleInto(self: Tensor, name: string, generator: Generator | undefined, fill: (g: Generator, out: Sink) => void): Tensor {
  return applyInPlace(self, () => {
    const out = fresh(self.shape, self.dtype);
    fill(generator ?? defaultGenerator, out.storage);
    return out;
  }, { self: "alias", constant: name });
}

defineMethods({
  random_(this: Tensor, a?: number | GeneratorOption, b?: number | null | GeneratorOption, c?: GeneratorOption) {
    const args = [a, b, c];
    const optAt = args.findIndex((v) => v !== null && typeof v === "object");
    const opts = (optAt >= 0 ? args[optAt] : {}) as GeneratorOption;
    checkOptions("Tensor.random_()", opts, GEN, { index: optAt >= 0 ? optAt + 1 : 3 });
    const nums = (optAt >= 0 ? args.slice(0, optAt) : args).filter((v) => v !== undefined) as (number | null)[];
    const d = this.dtype;
    let lo = 0;
    let hi = TOP[d];
    let name = "RandomBackward2";
    if (nums.length === 1) {
      checkArg("Tensor.random_()", nums[0], "int", 1, "to");
      [hi, name] = [nums[0]! - 1, "RandomBackward1"];
      if (hi < 0) throw new ArgumentError(`random_ expects 'from' to be less than 'to', but got from=0 >= to=${nums[0]}`);
    } else if (nums.length === 2) {
      checkArg("Tensor.random_()", nums[0], "int", 1, "from");
      checkArg("Tensor.random_()", nums[1], "int?", 2, "to");
      lo = nums[0]!;
      name = "RandomBackward0";
      if (nums[1] !== null) {
        if (lo >= nums[1]!) throw new ArgumentError(`random_ expects 'from' to be less than 'to', but got from=${lo} >= to=${nums[1]}`);
        hi = nums[1]! - 1;
      } else if (lo > hi) {
        throw new ArgumentError(`random_ expects 'from' casted to dtype to be less than or equal to 'to_inc' casted to dtype, but got from=${lo} > to_inc=${hi}`);
      }
    }
    const min = d === "int32" ? -(2 ** 31) : d === "int64" ? -TOP.int64 : d === "bool" ? 0 : -TOP[d];
    if (lo < min || lo > TOP[d]) throw new ArgumentError(`from is out of bounds for ${CPP[d]}`);
    if (hi > TOP[d] && (d === "int32" || d === "bool" || d === "int64")) throw new ArgumentError(`to - 1 is out of bounds for ${CPP[d]}`);
    return sampleInto(this, name, opts.generator, (g, out) => fillIntegers(g, out, lo, hi));
  },
  exponential_(this: Tensor, lambd = 1, opts: GeneratorOption = {}) {
    checkArg("Tensor.exponential_()", lambd, "number", 1, "lambd");
    checkOptions("Tensor.exponential_()", opts, GEN, { index: 2 });
    checkFloatKernel(this, "exponential_cpu");
    if (!(lambd >= 0)) throw new ArgumentError(`exponential_ expects lambda >= 0.0, but found lambda=${lambd}`);
    return sampleInto(this, "ExponentialBackward0", opts.generator, (g, out) => fillExponential(g, out, lambd));
  },
  geometric_(this: Tensor, p: number, opts: GeneratorOption = {}) {
    checkArg("Tensor.geometric_()", p, "number", 1, "p");
    checkOptions("Tensor.geometric_()", opts, GEN, { index: 2 });
    if (this.dtype === "bool") checkFloatKernel(this, "geometric_cpu");
    if (!(p > 0 && p < 1)) throw new ArgumentError(`geometric_ expects p to be in (0, 1), but got p=${p}`);
    return sampleInto(this, "GeometricBackward0", opts.generator, (g, out) => fillGeometric(g, out, p));
  },
  cauchy_(this: Tensor, median = 0, sigma = 1, opts: GeneratorOption = {}) {
    checkArg("Tensor.cauchy_()", median, "number", 1, "median");
    checkArg("Tensor.cauchy_()", sigma, "number", 2, "sigma");
    checkOptions("Tensor.cauchy_()", opts, GEN, { index: 3 });
    checkFloatKernel(this, "cauchy_cpu");
    return sampleInto(this, "CauchyBackward0", opts.generator, (g, out) => fillCauchy(g, out, median, sigma));
  },
  logNormal_(this: Tensor, mean = 1, std = 2, opts: GeneratorOption = {}) {
    checkArg("Tensor.logNormal_()", mean, "number", 1, "mean");
    checkArg("Tensor.logNormal_()", std, "number", 2, "std");
    checkOptions("Tensor.logNormal_()", opts, GEN, { index: 3 });
    checkFloatKernel(this, "log_normal_cpu");
    if (!(std > 0)) throw new ArgumentError(`log_normal_ expects std > 0.0, but found std=${std}`);
    return sampleInto(this, "LogNormalBackward0", opts.generator, (g, out) => {
      const z = new Float64Array(out.length);
      g.fillNormal(z, mean, std);
      for (let i = 0; i < z.length; i++) out[i] = Math.exp(z[i]!);
    });
  },
});
