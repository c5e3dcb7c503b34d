/** RandomErasing (Zhong et al., 2017): blanks a random rectangle of a tensor image, as torchvision's. */
import { ArgumentError, ShapeError } from "../../errors.ts";
import { log } from "../../log.ts";
import { checkArg, checkArity, checkOptions } from "../../options.ts";
import { expand } from "../../ops/views.ts";
import "../../ops/inplace_methods.ts";
import type { Generator } from "../../tensor/random.ts";
import { fmtShape } from "../../tensor/shape.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { allocStorage, castValue } from "../../tensor/dtype.ts";
import { isTensor } from "../planes.ts";
import { type Image, Transform, type TransformContext, type TransformJSON, generatorOf, num, nums, registerTransform } from "../types.ts";
import { checkMinMax, checkProbability, drawSides } from "./common.ts";

/** A fill: one number, one per channel, a tensor broadcastable to the box, or "random" (standard normals). */
export type ErasingValue = number | readonly number[] | "random";

export interface RandomErasingOptions {
  /** Probability of erasing (default 0.5). */
  p?: number;
  /** Range of the box's area as a fraction of the image's (default [0.02, 0.33]). */
  scale?: readonly [number, number];
  /** Range of the box's aspect ratio, sampled log-uniformly (default [0.3, 3.3]). */
  ratio?: readonly [number, number];
  /** Fill (default 0). */
  value?: ErasingValue;
  /** Write into the input tensor instead of a copy. */
  inplace?: boolean;
}

function tensorImage(img: Image, who: string): Tensor {
  if (!isTensor(img)) throw new ArgumentError(`${who}: img should be Tensor Image. Got a DecodedImage (apply ToTensor first)`);
  if (img.ndim < 3) throw new ShapeError(`${who}: expected a tensor image of shape [..., C, H, W], got ${fmtShape(img.shape)}`);
  return img;
}

/**
 * F.erase: img[..., i:i+h, j:j+w] = v, with v a number or a tensor broadcastable to [..., C, h, w] (cast
 * to img's dtype). Returns a new tensor unless `inplace`, which writes into img (and returns it).
 */
export function erase(img: Tensor, i: number, j: number, h: number, w: number, v: Tensor | number, inplace = false): Tensor {
  checkArity("transforms.erase()", arguments, 7);
  const t = tensorImage(img, "erase");
  for (const [x, k, name] of [[i, 2, "i"], [j, 3, "j"], [h, 4, "h"], [w, 5, "w"]] as const) checkArg("transforms.erase()", x, "int", k, name);
  checkArg("transforms.erase()", inplace, "boolean", 7, "inplace");
  const [H, W] = t.shape.slice(-2) as [number, number];
  const top = Math.max(0, Math.min(H, i));
  const left = Math.max(0, Math.min(W, j));
  const bottom = Math.max(top, Math.min(H, i + h));
  const right = Math.max(left, Math.min(W, j + w));
  const lead = t.shape.slice(0, -2);
  const boxShape = [...lead, bottom - top, right - left];
  const fill = typeof v === "number" ? null : expand(Tensor.check(v, "v"), boxShape).toTypedArray();
  const data = t.toTypedArray();
  const out = allocStorage(t.dtype, data.length);
  out.set(data);
  const planes = lead.reduce((a, b) => a * b, 1);
  const bh = bottom - top;
  const bw = right - left;
  for (let c = 0; c < planes; c++) {
    for (let y = 0; y < bh; y++) {
      for (let x = 0; x < bw; x++) {
        const val = fill === null ? (v as number) : fill[(c * bh + y) * bw + x]!;
        out[(c * H + top + y) * W + left + x] = castValue(t.dtype, val);
      }
    }
  }
  const result = Tensor.fromStorage(out, t.dtype, t.shape);
  if (!inplace) return result;
  t.copy_(result);
  return t;
}

export class RandomErasing extends Transform<Tensor, Tensor> {
  readonly p: number;
  readonly scale: readonly [number, number];
  readonly ratio: readonly [number, number];
  readonly value: ErasingValue;
  readonly inplace: boolean;

  constructor(options: RandomErasingOptions = {}) {
    super();
    checkArity("transforms.RandomErasing()", arguments, 1);
    const spec = { p: "number", scale: "numbers", ratio: "numbers", value: "any", inplace: "boolean" } as const;
    checkOptions("transforms.RandomErasing()", options, spec, { index: 1, positional: "p" });
    const value = options.value ?? 0;
    if (typeof value === "string") {
      if (value !== "random") throw new ArgumentError('If value is str, it should be "random"');
    } else if (typeof value !== "number" && !(Array.isArray(value) && value.every((x) => typeof x === "number"))) {
      throw new ArgumentError("Argument value should be either a number or str or a sequence");
    }
    this.scale = checkMinMax(options.scale ?? [0.02, 0.33], "scale");
    this.ratio = checkMinMax(options.ratio ?? [0.3, 3.3], "ratio");
    if (this.scale[0] > this.scale[1] || this.ratio[0] > this.ratio[1]) log("warn", "Scale and ratio should be of kind (min, max)");
    if (this.scale[0] < 0 || this.scale[1] > 1) throw new ArgumentError("Scale should be between 0 and 1");
    if (!(this.ratio[0] > 0)) throw new ArgumentError(`RandomErasing: ratio must be positive, got ${JSON.stringify(this.ratio)}`);
    this.p = checkProbability(options.p ?? 0.5, "Random erasing probability");
    this.value = typeof value === "object" ? [...value] : value;
    this.inplace = options.inplace ?? false;
  }

  /**
   * torchvision's get_params: up to 10 tries of (area, log-ratio); a box that fits (h < H and w < W) gets its
   * fill, then top and left. Null when no try fits (the image is returned unchanged).
   */
  static getParams(img: Tensor, scale: readonly [number, number], ratio: readonly [number, number], value: readonly number[] | null, generator: Generator): [number, number, number, number, Tensor] | null {
    const [c, H, W] = img.shape.slice(-3) as [number, number, number];
    for (let attempt = 0; attempt < 10; attempt++) {
      const [h, w] = drawSides(generator, H * W, scale, ratio);
      if (!(h < H && w < W)) continue;
      let v: Tensor;
      if (value === null) {
        const noise = new Float32Array(c * h * w);
        generator.fillNormal(noise);
        v = Tensor.fromStorage(noise, "float32", [c, h, w]);
      } else v = Tensor.fromStorage(Float64Array.from(value), "float64", [value.length, 1, 1]);
      return [generator.randomInt(H - h + 1), generator.randomInt(W - w + 1), h, w, v];
    }
    return null;
  }

  apply(input: Tensor, ctx?: TransformContext): Tensor {
    const img = tensorImage(input, "RandomErasing");
    const g = generatorOf(ctx);
    if (!(g.random() < this.p)) return img;
    const value = this.value === "random" ? null : typeof this.value === "number" ? [this.value] : (this.value as number[]);
    const c = img.shape[img.ndim - 3]!;
    if (value !== null && value.length !== 1 && value.length !== c) {
      throw new ArgumentError(`If value is a sequence, it should have either a single value or ${c} (number of input channels)`);
    }
    const params = RandomErasing.getParams(img, this.scale, this.ratio, value, g);
    if (params === null) return img;
    const [i, j, h, w, v] = params;
    return erase(img, i, j, h, w, v, this.inplace);
  }

  toJSON(): TransformJSON {
    const value = typeof this.value === "object" ? [...this.value] : this.value;
    return { type: "RandomErasing", p: this.p, scale: [...this.scale], ratio: [...this.ratio], value, inplace: this.inplace };
  }
}
registerTransform("RandomErasing", (j) => {
  const value = typeof j.value === "string" || typeof j.value === "number" ? (j.value as ErasingValue) : nums(j, "value");
  return new RandomErasing({ p: num(j, "p"), scale: nums(j, "scale") as [number, number], ratio: nums(j, "ratio") as [number, number], value, inplace: j.inplace === true });
});
