/** Pixel-value transforms: ToTensor, Normalize, Grayscale, GaussianNoise. */
import { ArgumentError, DTypeError, ShapeError } from "../errors.ts";
import { toGray } from "../io/image/index.ts";
import { checkArg, checkArity, checkOptions } from "../options.ts";
import { checkImage } from "../io/image/types.ts";
import { allocStorage } from "../tensor/dtype.ts";
import { fmtShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { isTensor } from "./planes.ts";
import {
  type DecodedImage, type Image, Transform, type TransformContext, type TransformJSON, generatorOf, num, nums, registerTransform,
} from "./types.ts";

/** HWC uint8 (0-255) -> CHW float32 in [0, 1], as torchvision's ToTensor on a PIL image. */
export function imageToTensor(img: DecodedImage): Tensor {
  checkImage(img);
  const { width: w, height: h, channels: c, data } = img;
  const hw = h * w;
  const out = new Float32Array(c * hw);
  if (c === 1) for (let i = 0; i < hw; i++) out[i] = data[i]! / 255;
  else for (let i = 0; i < hw; i++) for (let k = 0; k < c; k++) out[k * hw + i] = data[i * c + k]! / 255;
  return Tensor.fromStorage(out, "float32", [c, h, w]);
}

export class ToTensor extends Transform<Image, Tensor> {
  constructor() {
    super();
    checkArity("transforms.ToTensor()", arguments, 0);
  }

  apply(img: Image): Tensor {
    if (isTensor(img)) throw new ArgumentError("ToTensor: pic should be a DecodedImage (HWC uint8), got a Tensor");
    return imageToTensor(img);
  }
  toJSON(): TransformJSON {
    return { type: "ToTensor" };
  }
}
registerTransform("ToTensor", () => new ToTensor());

function floatTensor(img: Image, who: string): Tensor {
  if (!isTensor(img)) throw new ArgumentError(`${who}: expected a Tensor (apply ToTensor first), got a DecodedImage`);
  if (img.dtype !== "float32" && img.dtype !== "float64") throw new DTypeError(`Input tensor should be a float tensor. Got ${img.dtype}.`);
  return img;
}

/** (x - mean[c]) / std[c] per channel (dim -3), on [..., C, H, W]. */
export class Normalize extends Transform<Tensor, Tensor> {
  readonly mean: readonly number[];
  readonly std: readonly number[];

  constructor(mean: number | readonly number[], std: number | readonly number[]) {
    super();
    // PyTorch's third argument, `inplace`, has no meaning here: transforms never write into their input.
    checkArity("transforms.Normalize()", arguments, 2);
    checkArg("transforms.Normalize()", mean, "numbers", 1, "mean");
    checkArg("transforms.Normalize()", std, "numbers", 2, "std");
    this.mean = typeof mean === "number" ? [mean] : [...mean];
    this.std = typeof std === "number" ? [std] : [...std];
    if (this.std.some((s) => s === 0)) {
      throw new ArgumentError("std evaluated to zero after conversion to torch.float32, leading to division by zero.");
    }
  }

  apply(input: Tensor): Tensor {
    const t = floatTensor(input, "Normalize");
    if (t.ndim < 3) throw new ShapeError(`Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = ${fmtShape(t.shape)}.`);
    const c = t.shape[t.ndim - 3]!;
    for (const [name, v] of [["mean", this.mean], ["std", this.std]] as const) {
      if (v.length !== 1 && v.length !== c) throw new ShapeError(`Normalize: ${name} has ${v.length} values for an image with ${c} channels`);
    }
    const hw = t.shape[t.ndim - 1]! * t.shape[t.ndim - 2]!;
    const src = t.toTypedArray();
    const out = allocStorage(t.dtype, src.length);
    for (let start = 0, plane = 0; start < src.length; start += hw, plane++) {
      const k = plane % c;
      const m = this.mean[this.mean.length === 1 ? 0 : k]!;
      const s = this.std[this.std.length === 1 ? 0 : k]!;
      for (let i = start; i < start + hw; i++) out[i] = (src[i]! - m) / s;
    }
    return Tensor.fromStorage(out, t.dtype, t.shape);
  }

  override get batchable(): boolean {
    return true;
  }

  toJSON(): TransformJSON {
    return { type: "Normalize", mean: [...this.mean], std: [...this.std] };
  }
}
registerTransform("Normalize", (j) => new Normalize(nums(j, "mean"), nums(j, "std")));

/**
 * To gray: PIL's L conversion for DecodedImages, torchvision's 0.2989 R + 0.587 G + 0.114 B for tensors;
 * with numOutputChannels 3 the gray channel is repeated.
 */
export class Grayscale extends Transform<Image, Image> {
  constructor(readonly numOutputChannels: 1 | 3 = 1) {
    super();
    checkArity("transforms.Grayscale()", arguments, 1);
    checkArg("transforms.Grayscale()", numOutputChannels, "int", 1, "numOutputChannels");
    if (numOutputChannels !== 1 && numOutputChannels !== 3) throw new ArgumentError("num_output_channels should be either 1 or 3");
  }

  apply(img: Image): Image {
    if (!isTensor(img)) {
      const g = toGray(img);
      if (this.numOutputChannels === 1) return g;
      const out = new Uint8Array(g.data.length * 3);
      for (let i = 0; i < g.data.length; i++) out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = g.data[i]!;
      return { width: g.width, height: g.height, channels: 3, data: out };
    }
    if (img.ndim < 3) throw new ShapeError(`Grayscale: expected a tensor of shape [..., C, H, W], got ${fmtShape(img.shape)}`);
    const c = img.shape[img.ndim - 3]!;
    if (c !== 1 && c !== 3) throw new ShapeError(`Input image tensor permitted channel values are [1, 3], but found ${c}`);
    const hw = img.shape[img.ndim - 1]! * img.shape[img.ndim - 2]!;
    const src = img.toTypedArray();
    const images = src.length / (c * hw);
    const oc = this.numOutputChannels;
    const out = allocStorage(img.dtype, images * oc * hw);
    const isFloat = img.dtype === "float32" || img.dtype === "float64";
    for (let b = 0; b < images; b++) {
      for (let i = 0; i < hw; i++) {
        const s = b * c * hw + i;
        let v = c === 1 ? src[s]! : 0.2989 * src[s]! + 0.587 * src[s + hw]! + 0.114 * src[s + 2 * hw]!;
        if (!isFloat) v = Math.trunc(v);
        for (let k = 0; k < oc; k++) out[b * oc * hw + k * hw + i] = v;
      }
    }
    return Tensor.fromStorage(out, img.dtype, [...img.shape.slice(0, -3), oc, ...img.shape.slice(-2)]);
  }

  toJSON(): TransformJSON {
    return { type: "Grayscale", numOutputChannels: this.numOutputChannels };
  }
}
registerTransform("Grayscale", (j) => new Grayscale(num(j, "numOutputChannels") as 1 | 3));

/** Adds N(mean, std²) noise to a float tensor, clipped to [0, 1] unless clip is false (torchvision v2). */
export class GaussianNoise extends Transform<Tensor, Tensor> {
  readonly mean: number;
  readonly clip: boolean;

  constructor(
    readonly std: number,
    options: { mean?: number; clip?: boolean } = {},
  ) {
    super();
    checkArity("transforms.GaussianNoise()", arguments, 2);
    checkArg("transforms.GaussianNoise()", std, "number", 1, "std");
    checkOptions("transforms.GaussianNoise()", options, { mean: "number", clip: "boolean" }, { index: 2 });
    this.mean = options.mean ?? 0;
    this.clip = options.clip ?? true;
    if (!(std >= 0)) throw new ArgumentError(`sigma shouldn't be negative. Got ${std}`);
  }

  apply(input: Tensor, ctx?: TransformContext): Tensor {
    const t = floatTensor(input, "GaussianNoise");
    const out = t.toTypedArray() as Float32Array | Float64Array;
    const noise = new Float64Array(out.length);
    generatorOf(ctx).fillNormal(noise, this.mean, this.std);
    for (let i = 0; i < out.length; i++) {
      const v = out[i]! + noise[i]!;
      out[i] = this.clip ? Math.min(1, Math.max(0, v)) : v;
    }
    return Tensor.fromStorage(out, t.dtype, t.shape);
  }

  toJSON(): TransformJSON {
    return { type: "GaussianNoise", std: this.std, mean: this.mean, clip: this.clip };
  }
}
registerTransform("GaussianNoise", (j) => new GaussianNoise(num(j, "std"), { mean: num(j, "mean"), clip: j.clip !== false }));
