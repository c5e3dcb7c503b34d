import { checkCall } from "./check_call.ts";
import { Upsample } from "./extra/upsample.ts";

export interface UpsamplingOptions {
  size?: number | readonly number[] | null;
  scaleFactor?: number | readonly number[] | null;
}

const SPEC = { size: "ints?", scaleFactor: "numbers?" } as const;

/**
 * UpsamplingNearest2d: nearest-neighbour upsampling of [N, C, H, W] by `size` or `scaleFactor`, PyTorch's
 * older spelling of `Upsample({ mode: "nearest" })`. `new nn.UpsamplingNearest2d({ scaleFactor: 2 })`.
 */
export class UpsamplingNearest2d extends Upsample {
  /** @internal */ static override readonly builtinName: string = "UpsamplingNearest2d";
  constructor(opts: UpsamplingOptions = {}) {
    checkCall("nn.UpsamplingNearest2d()", arguments, 1, SPEC, "size");
    super({ size: opts.size, scaleFactor: opts.scaleFactor, mode: "nearest" });
  }
}

/**
 * UpsamplingBilinear2d: bilinear upsampling with align_corners=True (corner pixels' centres aligned),
 * as PyTorch's, which differs from `Upsample({ mode: "bilinear" })`'s default.
 */
export class UpsamplingBilinear2d extends Upsample {
  /** @internal */ static override readonly builtinName: string = "UpsamplingBilinear2d";
  constructor(opts: UpsamplingOptions = {}) {
    checkCall("nn.UpsamplingBilinear2d()", arguments, 1, SPEC, "size");
    super({ size: opts.size, scaleFactor: opts.scaleFactor, mode: "bilinear", alignCorners: true });
  }
}
