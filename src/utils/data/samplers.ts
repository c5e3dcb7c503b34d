/**
 * PyTorch's index samplers (torch/utils/data/sampler.py, 1.13 semantics) over plain numbers, so they work
 * before, and without, any tensor. Randomness comes from an injected RandomSource (by default kindling's
 * seeded generators, see below); validation messages are PyTorch's, snake_case names included, so they read
 * the same as the Python a user ported from.
 */
import { checkOptions } from "../../options.ts";
import { ArgumentError } from "../../errors.ts";
import { Generator, defaultGenerator } from "../../tensor/random.ts";

/** Anything with a uniform [0, 1) draw; kindling's seeded Generator is one. */
export interface RandomSource {
  random(): number;
}

/**
 * By default each pass gets a fresh Generator seeded by one draw from kindling's default generator, as
 * PyTorch 1.13's RandomSampler does: shuffles follow `manualSeed`, and other draws made while an epoch runs
 * (dropout, a prefetching loader) cannot change them.
 */
function kindlingSource(): RandomSource {
  const lo = defaultGenerator.nextUint32();
  const hi = defaultGenerator.nextUint32() & 0x1fffff;
  return new Generator(hi * 4294967296 + lo);
}

let defaultFactory: () => RandomSource = kindlingSource;

/**
 * Sets where samplers without their own generator draw from. It is asked afresh on every iteration (every
 * epoch), as PyTorch seeds a fresh generator from the global one in each __iter__, so a factory that returns
 * the global seeded generator makes unseeded shuffles follow `manualSeed`.
 */
export function setDefaultRandomSource(factory: () => RandomSource): void {
  defaultFactory = factory;
}

export function getDefaultRandomSource(): RandomSource {
  return defaultFactory();
}

/** Uniform integer in [0, n); clamped because a RandomSource that returns 1.0 must not index past the end. */
function randomIndex(rng: RandomSource, n: number): number {
  return Math.min(Math.floor(rng.random() * n), n - 1);
}

/** A uniformly random permutation of 0..n-1 (Fisher-Yates, walking down from the end). */
export function randperm(n: number, rng: RandomSource = getDefaultRandomSource()): number[] {
  if (!Number.isInteger(n) || n < 0) throw new ArgumentError(`randperm: n must be a non-negative integer, got n=${n}`);
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = randomIndex(rng, i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

export abstract class Sampler<T> implements Iterable<T> {
  abstract [Symbol.iterator](): Iterator<T>;
  /** How many items one pass yields (PyTorch's __len__). */
  abstract get length(): number;
}

export interface Sized {
  readonly length: number;
}

export class SequentialSampler extends Sampler<number> {
  constructor(readonly dataSource: Sized) {
    super();
  }
  *[Symbol.iterator](): Iterator<number> {
    const n = this.dataSource.length;
    for (let i = 0; i < n; i++) yield i;
  }
  get length(): number {
    return this.dataSource.length;
  }
}

function checkPositiveInt(value: unknown, name: string): void {
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) {
    throw new ArgumentError(`${name} should be a positive integer value, but got ${name}=${String(value)}`);
  }
}

function checkBool(value: unknown, name: string): void {
  if (typeof value !== "boolean") {
    throw new ArgumentError(`${name} should be a boolean value, but got ${name}=${String(value)}`);
  }
}

export interface RandomSamplerOptions {
  replacement?: boolean;
  numSamples?: number;
  generator?: RandomSource;
}

/**
 * Without replacement: whole permutations, then the start of one more, when numSamples exceeds the data
 * (PyTorch 1.13). With replacement: numSamples independent uniform draws.
 */
export class RandomSampler extends Sampler<number> {
  readonly replacement: boolean;
  readonly generator: RandomSource | undefined;
  private readonly _numSamples: number | undefined;

  constructor(
    readonly dataSource: Sized,
    options: RandomSamplerOptions = {},
  ) {
    super();
    checkOptions("RandomSampler()", options, { replacement: "any", numSamples: "any", generator: "object" }, { index: 2, positional: "replacement" });
    this.replacement = options.replacement ?? false;
    this._numSamples = options.numSamples;
    this.generator = options.generator;
    checkBool(this.replacement, "replacement");
    checkPositiveInt(this.numSamples, "num_samples");
  }

  get numSamples(): number {
    return this._numSamples ?? this.dataSource.length;
  }

  get length(): number {
    return this.numSamples;
  }

  *[Symbol.iterator](): Iterator<number> {
    const n = this.dataSource.length;
    const total = this.numSamples;
    if (n === 0) throw new ArgumentError("RandomSampler: cannot draw samples from an empty data source");
    const rng = this.generator ?? getDefaultRandomSource();
    if (this.replacement) {
      for (let i = 0; i < total; i++) yield randomIndex(rng, n);
      return;
    }
    for (let k = 0; k < Math.floor(total / n); k++) yield* randperm(n, rng);
    const rest = total % n;
    if (rest > 0) yield* randperm(n, rng).slice(0, rest);
  }
}

export class SubsetRandomSampler extends Sampler<number> {
  readonly generator: RandomSource | undefined;

  constructor(
    readonly indices: ArrayLike<number>,
    options: { generator?: RandomSource } = {},
  ) {
    super();
    checkOptions("SubsetRandomSampler()", options, { generator: "object" }, { index: 2, positional: "generator" });
    this.generator = options.generator;
  }

  *[Symbol.iterator](): Iterator<number> {
    for (const i of randperm(this.indices.length, this.generator ?? getDefaultRandomSource())) {
      yield this.indices[i];
    }
  }

  get length(): number {
    return this.indices.length;
  }
}

/**
 * Index i is drawn with probability weights[i] / sum(weights), like torch.multinomial. Without replacement
 * it uses the same exponential-race trick as torch.multinomial (keep the largest w / Exp(1) keys), so
 * zero-weight indices come last and only when the positive ones run out. The weights are checked here rather
 * than on first iteration, with torch.multinomial's messages.
 */
export class WeightedRandomSampler extends Sampler<number> {
  readonly weights: Float64Array;
  readonly replacement: boolean;
  readonly generator: RandomSource | undefined;

  constructor(
    weights: ArrayLike<number>,
    readonly numSamples: number,
    options: { replacement?: boolean; generator?: RandomSource } = {},
  ) {
    super();
    checkOptions("WeightedRandomSampler()", options, { replacement: "any", generator: "object" }, { index: 3, positional: "replacement" });
    this.replacement = options.replacement ?? true;
    this.generator = options.generator;
    checkPositiveInt(numSamples, "num_samples");
    checkBool(this.replacement, "replacement");
    if (Array.from(weights as ArrayLike<unknown>).some((w) => typeof w !== "number")) {
      throw new ArgumentError("weights should be a 1d sequence of numbers");
    }
    this.weights = Float64Array.from(weights);
    let sum = 0;
    for (const w of this.weights) {
      if (!Number.isFinite(w)) {
        throw new ArgumentError("invalid multinomial distribution (encountering probability entry = infinity or NaN)");
      }
      if (w < 0) throw new ArgumentError("invalid multinomial distribution (encountering probability entry < 0)");
      sum += w;
    }
    if (!(sum > 0)) throw new ArgumentError("invalid multinomial distribution (sum of probabilities <= 0)");
    if (!this.replacement && numSamples > this.weights.length) {
      throw new ArgumentError("cannot sample n_sample > prob_dist.size(-1) samples without replacement");
    }
  }

  get length(): number {
    return this.numSamples;
  }

  *[Symbol.iterator](): Iterator<number> {
    const rng = this.generator ?? getDefaultRandomSource();
    const w = this.weights;
    if (!this.replacement) {
      // An Exp(1) draw; a draw of exactly 0 would make w / -0 = -Infinity, so it becomes the tiniest positive.
      const keys = Array.from(w, (wi) => wi / (-Math.log(1 - rng.random()) || Number.MIN_VALUE));
      const order = Array.from(w, (_, i) => i).sort((a, b) => keys[b] - keys[a] || a - b);
      yield* order.slice(0, this.numSamples);
      return;
    }
    const cdf = new Float64Array(w.length);
    let acc = 0;
    for (let i = 0; i < w.length; i++) cdf[i] = acc += w[i];
    for (let k = 0; k < this.numSamples; k++) {
      const u = rng.random() * acc;
      // First index whose cumulative weight exceeds u. Only when random() * acc rounds up to acc does the
      // search end on the last index, which may have zero weight: step back to the last positive one.
      let lo = 0;
      let hi = w.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cdf[mid] > u) hi = mid;
        else lo = mid + 1;
      }
      while (w[lo] === 0 && lo > 0) lo--;
      yield lo;
    }
  }
}

/** Groups another sampler's indices into lists of batchSize; the last may be short unless dropLast. */
export class BatchSampler extends Sampler<number[]> {
  constructor(
    readonly sampler: Iterable<number> & Sized,
    readonly batchSize: number,
    readonly dropLast: boolean,
  ) {
    super();
    checkPositiveInt(batchSize, "batch_size");
    checkBool(dropLast, "drop_last");
  }

  *[Symbol.iterator](): Iterator<number[]> {
    let batch: number[] = [];
    for (const idx of this.sampler) {
      batch.push(idx);
      if (batch.length === this.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.dropLast) yield batch;
  }

  get length(): number {
    const n = this.sampler.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }
}

/**
 * The split sizes torch.utils.data.random_split (1.13) uses for a dataset of n items. Fractions (when they
 * sum to 1 within 1e-9 and not above it) become floor(n * f), and the remainder is handed out one at a time
 * round-robin from the first split; otherwise the numbers are taken as lengths and must sum to n.
 */
export function randomSplitLengths(n: number, lengths: readonly number[]): number[] {
  if (!Number.isInteger(n) || n < 0) {
    throw new ArgumentError(`random_split: dataset length must be a non-negative integer, got ${n}`);
  }
  // Left-to-right summation, as Python's sum(), so [0.1] * 10 (0.9999999999999999) counts as fractions.
  let total = 0;
  for (const l of lengths) total += l;
  let sizes = [...lengths];
  // math.isclose(total, 1) with its default rel_tol=1e-9.
  if (Math.abs(total - 1) <= 1e-9 * Math.max(Math.abs(total), 1) && total <= 1) {
    sizes = lengths.map((f, i) => {
      if (!(f >= 0 && f <= 1)) throw new ArgumentError(`Fraction at index ${i} is not between 0 and 1`);
      return Math.floor(n * f);
    });
    const remainder = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) sizes[i % sizes.length] += 1;
  }
  if (sizes.reduce((a, b) => a + b, 0) !== n) {
    throw new ArgumentError("Sum of input lengths does not equal the length of the input dataset!");
  }
  const bad = sizes.findIndex((s) => !Number.isInteger(s) || s < 0);
  if (bad >= 0) {
    throw new ArgumentError(`random_split: length at index ${bad} must be a non-negative integer, got ${sizes[bad]}`);
  }
  return sizes;
}
