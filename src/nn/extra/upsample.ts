import { type InterpolateMode, type InterpolateOptions, interpolate } from "../../ops/interpolate.ts";
import { checkCall } from "../check_call.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { Module } from "../module.ts";
import { pyFloat } from "../repr.ts";
import { pyIntTuple } from "../conv.ts";

/**
 * Upsampling by a size or a scale factor (F.interpolate as a layer):
 *
 *     new nn.Upsample({ scaleFactor: 2, mode: "bilinear" })   // Upsample(scale_factor=2.0, mode=bilinear)
 */
export class Upsample extends Module {
  /** @internal */ static override readonly builtinName: string = "Upsample";
  readonly size: number | number[] | null;
  readonly scaleFactor: number | number[] | null;
  readonly mode: InterpolateMode;
  readonly alignCorners: boolean | null;
  readonly recomputeScaleFactor: boolean | null;

  constructor(opts: InterpolateOptions = {}) {
    super();
    checkCall("nn.Upsample()", arguments, 1, { size: "ints?", scaleFactor: "numbers?", mode: "string", alignCorners: "boolean?", recomputeScaleFactor: "boolean?" }, "size");
    const { size, scaleFactor } = opts;
    this.size = size === undefined || size === null ? null : typeof size === "number" ? size : [...size];
    // PyTorch stores a falsy factor (0) as None.
    this.scaleFactor = !scaleFactor ? null : typeof scaleFactor === "number" ? scaleFactor : [...scaleFactor];
    this.mode = opts.mode ?? "nearest";
    this.alignCorners = opts.alignCorners ?? null;
    this.recomputeScaleFactor = opts.recomputeScaleFactor ?? null;
  }

  override forward(x: Tensor): Tensor {
    return interpolate(x, {
      size: this.size,
      scaleFactor: this.scaleFactor,
      mode: this.mode,
      alignCorners: this.alignCorners,
      recomputeScaleFactor: this.recomputeScaleFactor,
    });
  }

  override extraRepr(): string {
    const f = this.scaleFactor;
    const info = f === null ? `size=${pyIntTuple(this.size)}` : `scale_factor=${typeof f === "number" ? pyFloat(f) : `(${f.map(pyFloat).join(", ")}${f.length === 1 ? "," : ""})`}`;
    return `${info}, mode=${this.mode}`;
  }
}
