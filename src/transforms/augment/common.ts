/** Shared checks of the augmentation transforms (torchvision's wording). */
import { ArgumentError } from "../../errors.ts";
import type { Generator } from "../../tensor/random.ts";
import { roundHalfEven, uniform } from "../types.ts";

/** A probability option: a number in [0, 1]. */
export function checkProbability(p: number, what: string): number {
  if (!(p >= 0 && p <= 1)) throw new ArgumentError(`${what} should be between 0 and 1, got ${p}`);
  return p;
}

/** A (min, max) pair, as torchvision's scale and ratio; a reversed pair is kept (torchvision only warns). */
export function checkMinMax(v: readonly number[], name: string): [number, number] {
  if (!Array.isArray(v) || v.length !== 2 || v.some((x) => typeof x !== "number" || !Number.isFinite(x))) {
    throw new ArgumentError(`${name} should be a sequence of two finite numbers (min, max), got ${JSON.stringify(v)}`);
  }
  return [v[0]!, v[1]!];
}

/**
 * torchvision's box sampler shared by RandomResizedCrop and RandomErasing: an area fraction from `scale`
 * and a log-uniform aspect ratio, drawn in that order, then the rounded side lengths. Returns the sides
 * as [first, second]: (w, h) for RandomResizedCrop and (h, w) for RandomErasing, which use the sqrt of
 * area * ratio for different sides.
 */
export function drawSides(g: Generator, area: number, scale: readonly [number, number], ratio: readonly [number, number]): [number, number] {
  const target = area * uniform(g, scale[0], scale[1]);
  const aspect = Math.exp(uniform(g, Math.log(ratio[0]), Math.log(ratio[1])));
  return [roundHalfEven(Math.sqrt(target * aspect)), roundHalfEven(Math.sqrt(target / aspect))];
}
