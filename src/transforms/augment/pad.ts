/** Pad: borders by constant, edge, reflect or symmetric padding (torchvision's F.pad, tensor path). */
import { ArgumentError } from "../../errors.ts";
import { checkArg, checkArity, checkOptions } from "../../options.ts";
import { type Planes, imageSize, mapPlanes } from "../planes.ts";
import { type Image, Transform, type TransformJSON, num, nums, registerTransform } from "../types.ts";

export type PaddingMode = "constant" | "edge" | "reflect" | "symmetric";
const MODES: readonly string[] = ["constant", "edge", "reflect", "symmetric"];

export interface PadOptions {
  /** Value of the new pixels in "constant" mode. */
  fill?: number;
  /** "constant" (default), "edge" (repeat the border), "reflect" (mirror without the border), "symmetric" (with it). */
  paddingMode?: PaddingMode;
}

/** [left, top, right, bottom] from an int, [all], [left/right, top/bottom] or [left, top, right, bottom]. */
export function padSides(padding: number | readonly number[]): [number, number, number, number] {
  const p = typeof padding === "number" ? [padding] : Array.isArray(padding) ? [...padding] : null;
  if (p === null || p.some((v) => !Number.isInteger(v))) throw new ArgumentError(`Got inappropriate padding arg: ${JSON.stringify(padding)}`);
  if (p.length !== 1 && p.length !== 2 && p.length !== 4) {
    throw new ArgumentError(`Padding must be an int or a 1, 2, or 4 element tuple, not a ${p.length} element tuple`);
  }
  if (p.length === 1) return [p[0]!, p[0]!, p[0]!, p[0]!];
  if (p.length === 2) return [p[0]!, p[1]!, p[0]!, p[1]!];
  return p as [number, number, number, number];
}

function checkMode(mode: string): PaddingMode {
  if (!MODES.includes(mode)) throw new ArgumentError("Padding mode should be either constant, edge, reflect or symmetric");
  return mode as PaddingMode;
}

/** Source index along one axis of each output index, or -1 for a constant pixel. */
function axisMap(n: number, before: number, after: number, mode: PaddingMode, axis: string): Int32Array {
  const size = n + before + after;
  if (size <= 0) throw new ArgumentError(`padding (${before}, ${after}) leaves no pixels of an image ${axis} of ${n}`);
  if (mode === "reflect" && (before >= n || after >= n)) {
    throw new ArgumentError(`Padding size should be less than the corresponding input dimension, but got: padding (${before}, ${after}) for an image ${axis} of ${n}`);
  }
  if (mode === "symmetric" && (before > n || after > n)) {
    throw new ArgumentError(`symmetric padding (${before}, ${after}) is larger than the image ${axis} of ${n}`);
  }
  const out = new Int32Array(size);
  for (let o = 0; o < size; o++) {
    const s = o - before;
    if (s >= 0 && s < n) out[o] = s;
    else if (mode === "constant") out[o] = -1;
    else if (mode === "edge") out[o] = s < 0 ? 0 : n - 1;
    else if (mode === "reflect") out[o] = s < 0 ? -s : 2 * (n - 1) - s;
    else out[o] = s < 0 ? -s - 1 : 2 * n - 1 - s;
  }
  return out;
}

function padPlanes(p: Planes, sides: readonly number[], mode: PaddingMode, fill: number): Planes {
  const [l, t, r, b] = sides as [number, number, number, number];
  const xs = axisMap(p.w, l, r, mode, "width");
  const ys = axisMap(p.h, t, b, mode, "height");
  const h = ys.length;
  const w = xs.length;
  const data = p.data instanceof Float64Array ? new Float64Array(p.count * h * w) : new Float32Array(p.count * h * w);
  for (let c = 0; c < p.count; c++) {
    for (let y = 0; y < h; y++) {
      const sy = ys[y]!;
      const o = (c * h + y) * w;
      const s = (c * p.h + sy) * p.w;
      for (let x = 0; x < w; x++) {
        const sx = xs[x]!;
        data[o + x] = sy < 0 || sx < 0 ? fill : p.data[s + sx]!;
      }
    }
  }
  return { data, count: p.count, h, w };
}

/**
 * F.pad on a DecodedImage or a tensor [..., H, W]. Negative padding crops. Both kinds follow the tensor
 * path's limits: reflect needs padding below the side length, symmetric at most the side length.
 */
export function pad(img: Image, padding: number | readonly number[], fill = 0, paddingMode: PaddingMode = "constant"): Image {
  checkArity("transforms.pad()", arguments, 4);
  checkArg("transforms.pad()", fill, "number", 3, "fill");
  checkArg("transforms.pad()", paddingMode, "string", 4, "paddingMode");
  const sides = padSides(padding);
  const mode = checkMode(paddingMode);
  imageSize(img);
  return mapPlanes(img, (p) => padPlanes(p, sides, mode, fill));
}

export class Pad extends Transform<Image, Image> {
  readonly padding: readonly [number, number, number, number];
  readonly fill: number;
  readonly paddingMode: PaddingMode;

  constructor(padding: number | readonly number[], options: PadOptions = {}) {
    super();
    checkArity("transforms.Pad()", arguments, 2);
    checkOptions("transforms.Pad()", options, { fill: "number", paddingMode: "string" }, { index: 2, positional: "fill" });
    this.padding = padSides(padding);
    this.fill = options.fill ?? 0;
    this.paddingMode = checkMode(options.paddingMode ?? "constant");
  }

  apply(img: Image): Image {
    return pad(img, this.padding, this.fill, this.paddingMode);
  }

  toJSON(): TransformJSON {
    return { type: "Pad", padding: [...this.padding], fill: this.fill, paddingMode: this.paddingMode };
  }
}
registerTransform("Pad", (j) => new Pad(nums(j, "padding"), { fill: num(j, "fill"), paddingMode: j.paddingMode as PaddingMode }));
