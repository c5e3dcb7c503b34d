import { ShapeError } from "../errors.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { type InstanceNormOptions, InstanceNormNd } from "./extra/normalization.ts";
import { BatchNormBase, type BatchNormOptions } from "./normalization.ts";

/** Batch normalisation over [N, C, D, H, W], per channel C. */
export class BatchNorm3d extends BatchNormBase {
  /** @internal */ static override readonly builtinName: string = "BatchNorm3d";
  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super("nn.BatchNorm3d()", arguments, numFeatures, opts);
  }

  protected override checkInputDim(x: Tensor): void {
    if (x.ndim !== 5) throw new ShapeError(`expected 5D input (got ${x.ndim}D input)`);
  }
}

/** Instance normalisation over [N, C, L] (or unbatched [C, L]). */
export class InstanceNorm1d extends InstanceNormNd {
  /** @internal */ static override readonly builtinName: string = "InstanceNorm1d";
  constructor(numFeatures: number, opts: InstanceNormOptions = {}) {
    super("nn.InstanceNorm1d()", arguments, 1, numFeatures, opts);
  }
}

/** Instance normalisation over [N, C, D, H, W] (or unbatched [C, D, H, W]). */
export class InstanceNorm3d extends InstanceNormNd {
  /** @internal */ static override readonly builtinName: string = "InstanceNorm3d";
  constructor(numFeatures: number, opts: InstanceNormOptions = {}) {
    super("nn.InstanceNorm3d()", arguments, 3, numFeatures, opts);
  }
}
