import { ArgumentError, DTypeError, ShapeError } from "../errors.ts";
import { checkArg, checkOptions } from "../options.ts";
import { isFloating } from "../tensor/dtype.ts";
import { type Generator, defaultGenerator } from "../tensor/random.ts";
import { Tensor } from "../tensor/tensor.ts";
import { scalarTypeName } from "./promotion.ts";
import { denseData } from "./util.ts";

/**
 * torch.multinomial: category indices drawn from each row of (unnormalised) weights. With replacement,
 * an inverse-CDF draw per sample; without, the largest weight / Exp(1) keys (PyTorch's own method),
 * which samples rows without replacement in proportion to their weights.
 */

export interface MultinomialOptions {
  generator?: Generator | null;
}

export function multinomial(input: Tensor, numSamples: number, replacement: boolean | MultinomialOptions = false, opts: MultinomialOptions = {}): Tensor {
  Tensor.check(input, "input");
  if (typeof replacement === "object") {
    opts = replacement;
    replacement = false;
  }
  checkArg("multinomial()", numSamples, "int", 2, "num_samples");
  checkArg("multinomial()", replacement, "boolean", 3, "replacement");
  checkOptions("multinomial()", opts, { generator: "object?" }, { index: 4 });
  const gen = opts.generator ?? defaultGenerator;
  if (!isFloating(input.dtype)) throw new DTypeError(`multinomial only supports floating-point dtypes for input, got: ${scalarTypeName(input.dtype)}`);
  if (numSamples <= 0) throw new ArgumentError("cannot sample n_sample <= 0 samples");
  if (input.ndim !== 1 && input.ndim !== 2) throw new ShapeError("prob_dist must be 1 or 2 dim");
  const n = input.shape[input.ndim - 1]!;
  if (!replacement && numSamples > n) throw new ArgumentError("cannot sample n_sample > prob_dist.size(-1) samples without replacement");
  if (n > 2 ** 24) throw new ArgumentError("number of categories cannot exceed 2^24");
  const rows = input.ndim === 1 ? 1 : input.shape[0]!;
  const p = denseData(input);
  for (let i = 0; i < p.length; i++) {
    const v = p[i]!;
    // PyTorch's two sampling paths word the same check differently.
    if (!replacement && (!(v >= 0) || v === Infinity)) throw new ArgumentError("probability tensor contains either `inf`, `nan` or element < 0");
    if (!(v >= 0)) throw new ArgumentError("invalid multinomial distribution (encountering probability entry < 0)");
    if (v === Infinity) throw new ArgumentError("invalid multinomial distribution (encountering probability entry = infinity or NaN)");
  }
  const out = new Float64Array(rows * numSamples);
  const cdf = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    let total = 0;
    for (let j = 0; j < n; j++) total += p[r * n + j]!;
    if (!(total > 0)) throw new ArgumentError("invalid multinomial distribution (sum of probabilities <= 0)");
    if (replacement) {
      let acc = 0;
      for (let j = 0; j < n; j++) cdf[j] = acc += p[r * n + j]! / total;
      for (let s = 0; s < numSamples; s++) out[r * numSamples + s] = search(cdf, gen.random(), p, r * n);
    } else {
      const keys = Array.from({ length: n }, (_, j) => ({ j, key: p[r * n + j]! / -Math.log1p(-gen.random()) }));
      keys.sort((a, b) => b.key - a.key);
      for (let s = 0; s < numSamples; s++) out[r * numSamples + s] = keys[s]!.j;
    }
  }
  return Tensor.fromStorage(out, "int64", input.ndim === 1 ? [numSamples] : [rows, numSamples]);
}

/** The first category whose cumulative weight exceeds u, skipping zero-weight ones at rounding edges. */
function search(cdf: Float64Array, u: number, p: ArrayLike<number>, base: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid]! > u) hi = mid;
    else lo = mid + 1;
  }
  while (lo > 0 && p[base + lo]! === 0) lo--;
  return lo;
}
