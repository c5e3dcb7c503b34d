import { checkArg } from "../options.ts";
import { ArgumentError } from "../errors.ts";

/**
 * A seedable random stream (xoshiro128**: small state, fast in 32-bit JS arithmetic, good statistical
 * quality). Every random consumer in kindling draws from a Generator, so `manualSeed` makes whole runs
 * reproducible. The state is four uint32 words and can be saved in a checkpoint and restored.
 */
export class Generator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private seed_ = 0;

  constructor(seed?: number) {
    this.manualSeed(seed ?? defaultSeed());
  }

  /** Re-seeds the stream; returns this, as PyTorch's `Generator.manual_seed` does. */
  manualSeed(seed: number | bigint): this {
    const n = typeof seed === "bigint" ? Number(seed & 0xffffffffffffn) : seed;
    if (!Number.isFinite(n) || !Number.isInteger(n)) throw new ArgumentError(`seed must be an integer, got ${String(seed)}`);
    this.seed_ = n;
    // splitmix32 spreads one integer seed over the four state words (both halves of a 53-bit seed count).
    let x = (n >>> 0) ^ Math.floor(n / 4294967296) * 0x9e3779b9;
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    return this;
  }

  initialSeed(): number {
    return this.seed_;
  }

  /** Re-seeds from the clock and returns the seed (PyTorch's `Generator.seed()`). */
  seed(): number {
    const s = defaultSeed();
    this.manualSeed(s);
    return s;
  }

  /** Generators draw on the CPU, the only device. */
  get device(): "cpu" {
    return "cpu";
  }

  /** A uniform uint32. */
  nextUint32(): number {
    const r = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return r;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in [0, 1) with 24 bits: exactly representable in float32, so it never rounds up to 1. */
  randomFloat32(): number {
    return (this.nextUint32() >>> 8) / 16777216;
  }

  /**
   * Fills `out` with uniforms on [lo, hi): the same stream and the same values as `rand` then `mul(hi - lo)`
   * then `add(lo)` in `out`'s precision, in one pass with the state in locals. Initializing a 400M-parameter
   * layer this way takes seconds instead of tens of seconds, without three temporaries of its size.
   */
  fillUniform(out: Float32Array | Float64Array, lo = 0, hi = 1): void {
    let s0 = this.s0, s1 = this.s1, s2 = this.s2, s3 = this.s3;
    const n = out.length;
    const single = out instanceof Float32Array;
    const scale = single ? Math.fround(hi - lo) : hi - lo;
    const shift = single ? Math.fround(lo) : lo;
    for (let i = 0; i < n; i++) {
      // xoshiro128**, as nextUint32, inlined; float32 takes one draw (24 bits), float64 two (53 bits).
      let r = Math.imul(((Math.imul(s1, 5) << 7) | (Math.imul(s1, 5) >>> 25)), 9) >>> 0;
      let t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      if (single) {
        const u = (r >>> 8) / 16777216;
        out[i] = Math.fround(Math.fround(u * scale) + shift);
        continue;
      }
      const hiBits = r >>> 5;
      r = Math.imul(((Math.imul(s1, 5) << 7) | (Math.imul(s1, 5) >>> 25)), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      const u = (hiBits * 67108864 + (r >>> 6)) / 9007199254740992;
      out[i] = u * scale + shift;
    }
    this.s0 = s0; this.s1 = s1; this.s2 = s2; this.s3 = s3;
  }

  /** Uniform integer in [0, n) without modulo bias. */
  randomInt(n: number): number {
    if (n <= 0) throw new ArgumentError(`randomInt bound must be positive, got ${n}`);
    if (n <= 4294967296) {
      const limit = 4294967296 - (4294967296 % n);
      for (;;) {
        const r = this.nextUint32();
        if (r < limit) return r % n;
      }
    }
    return Math.floor(this.random() * n);
  }

  /** Fills `out` with standard normals (Box-Muller, pairs; no cached spare so the state stays four words). */
  fillNormal(out: { length: number; [i: number]: number }, mean = 0, std = 1): void {
    const n = out.length;
    for (let i = 0; i < n; i += 2) {
      let u1 = this.random();
      while (u1 === 0) u1 = this.random();
      const u2 = this.random();
      const r = Math.sqrt(-2 * Math.log(u1));
      out[i] = mean + std * r * Math.cos(2 * Math.PI * u2);
      if (i + 1 < n) out[i + 1] = mean + std * r * Math.sin(2 * Math.PI * u2);
    }
  }

  getState(): number[] {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0, this.seed_];
  }

  setState(state: readonly number[]): this {
    if (state.length !== 5 || state.slice(0, 4).some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff)) {
      throw new ArgumentError("Generator state must be 4 uint32 words and the seed, as returned by getState()");
    }
    [this.s0, this.s1, this.s2, this.s3] = state.map((w) => w | 0) as [number, number, number, number];
    this.seed_ = state[4]!;
    return this;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Unseeded generators start from the clock, as PyTorch's default does. */
function defaultSeed(): number {
  return (Date.now() ^ Math.floor(Math.random() * 0x7fffffff)) >>> 0;
}

/** The process-wide default generator (PyTorch's `torch.default_generator`). */
export const defaultGenerator = new Generator(67280421310721 % 2 ** 32);

/** Seeds the default generator: every later random call, init and shuffle reproduces exactly. */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}

export function seed(): number {
  const s = defaultSeed();
  defaultGenerator.manualSeed(s);
  return s;
}

export function initialSeed(): number {
  return defaultGenerator.initialSeed();
}

export function getRngState(): number[] {
  return defaultGenerator.getState();
}

export function setRngState(state: readonly number[]): void {
  checkArg("setRngState()", state, "int[]", 1, "state");
  defaultGenerator.setState(state);
}
