/**
 * Where the DataLoader's randomness comes from. Everything is derived from kindling Generators, so
 * `torch.manualSeed(n)` reproduces shuffles and augmentation, with or without worker threads.
 */
import { Generator } from "../../tensor/random.ts";

/** A 53-bit seed drawn from a generator (two words, so distinct epochs almost never share a seed). */
export function drawSeed(g: Generator): number {
  const lo = g.nextUint32();
  const hi = g.nextUint32() & 0x1fffff;
  return hi * 4294967296 + lo;
}

function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * The seed of one sample's generator: a hash of (epoch base seed, sample index). It depends on nothing
 * else — not the worker, not the batch, not the order samples are loaded in — which is what makes
 * `numWorkers: 0` and `numWorkers: 2` produce identical augmented batches.
 */
export function sampleSeed(baseSeed: number, index: number): number {
  const baseLo = baseSeed >>> 0;
  const baseHi = Math.floor(baseSeed / 4294967296) >>> 0;
  const idxLo = index >>> 0;
  const idxHi = Math.floor(index / 4294967296) >>> 0;
  const a = mix32(baseLo ^ mix32(idxLo + 0x9e3779b9));
  const b = mix32(baseHi ^ a ^ mix32(idxHi ^ 0x85ebca6b));
  return (b & 0x1fffff) * 4294967296 + a;
}

export function sampleGenerator(baseSeed: number, index: number): Generator {
  return new Generator(sampleSeed(baseSeed, index));
}
