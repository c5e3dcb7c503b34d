import type { Backend, Window2d } from "../backend.ts";
import type { ConvDims, ConvPasses } from "../conv_passes.ts";
import type { FusedOptimizer } from "../fused_optimizer.ts";
import { jsRegistry } from "../js/index.ts";
import { type FastKernels, KernelRegistry } from "../kernels.ts";
import { nativeFusedOptimizer } from "./fused_optim.ts";
import { nativeKernels } from "./kernels.ts";
import { nativeRecurrentCells } from "./recurrent_cells.ts";
import { type NativeAddon, loadNative } from "./loader.ts";

/**
 * The native backend: kernels the addon provides (GEMM; elementwise, broadcast, reduction, softmax,
 * copy and sliding-window kernels for float32/float64) run natively on the tensors' own memory; calls
 * they decline, and the kernels the addon lacks, run the JS kernels (src/backend/kernels.ts composes
 * that). Its optional kernels are "fusedOptimizer" (whole-group SGD/Adam updates in one call) and
 * "convPasses" (whole-batch convolution passes).
 */
export interface NativeBackend extends Backend {
  /** Also its optional kernel "fusedOptimizer"; kept here for callers holding this backend itself. */
  readonly fusedOptimizer: FusedOptimizer;
}

let cached: NativeBackend | null | undefined;

export function loadNativeBackend(): NativeBackend | null {
  if (cached !== undefined) return cached;
  const addon = loadNative();
  return (cached = addon ? createNativeBackend(addon) : null);
}

/** The native backend over an addon that passed the loader's ABI check. */
export function createNativeBackend(addon: NativeAddon): NativeBackend {
  const fusedOptimizer = nativeFusedOptimizer(addon);
  const registry = new KernelRegistry("native", jsRegistry)
    .registerAllFast(nativeKernels(addon))
    .registerAllFast(windowKernels(addon))
    // The addon's GEMM takes every float32/float64 call (it throws on malformed ones, as the JS one would misbehave).
    .register("gemm", addon.gemm.bind(addon))
    .registerOptional("fusedOptimizer", fusedOptimizer)
    .registerOptional("convPasses", convPasses(addon));
  const cells = nativeRecurrentCells(addon);
  if (cells) registry.registerOptional("recurrentCells", cells);
  if (addon.linearForward) registry.registerOptional("linearForward", addon.linearForward.bind(addon));
  if (addon.crossEntropyForward && addon.crossEntropyBackward) {
    registry.registerOptional("crossEntropy", {
      forward: addon.crossEntropyForward.bind(addon),
      backward: addon.crossEntropyBackward.bind(addon),
    });
  }
  return {
    ...registry.view({
      setNumThreads: (n: number) => addon.setNumThreads(n),
      // The pool's size: every parallel kernel splits its work over this many threads.
      getNumThreads: () => addon.getNumThreads(),
      describe: () => `${addon.simdLevel()}, ${addon.getNumThreads()} threads`,
    }),
    fusedOptimizer,
  };
}

const packWindow = (win: Float64Array, w: Window2d): Float64Array => {
  win[0] = w.C; win[1] = w.H; win[2] = w.W; win[3] = w.kH; win[4] = w.kW; win[5] = w.sH; win[6] = w.sW;
  win[7] = w.pH; win[8] = w.pW; win[9] = w.dH; win[10] = w.dW; win[11] = w.oH; win[12] = w.oW;
  return win;
};

/** The whole-batch convolution passes. */
function convPasses(addon: NativeAddon): ConvPasses {
  const win = new Float64Array(13), dims = new Float64Array(4), dimsBeta = new Float64Array(5);
  const packDims = (d: ConvDims): Float64Array => {
    dims.set([d.N, d.C, d.O, d.G]);
    return dims;
  };
  return {
    forward: (x, w, y, wn, d, beta) => {
      dimsBeta.set([d.N, d.C, d.O, d.G, beta]);
      return addon.convForward(x, w, y, packWindow(win, wn), dimsBeta);
    },
    backwardInput: (g, w, gx, wn, d) => addon.convBackwardInput(g, w, gx, packWindow(win, wn), packDims(d)),
    backwardWeight: (g, x, gw, wn, d) => addon.convBackwardWeight(g, x, gw, packWindow(win, wn), packDims(d)),
    // The bias written and its gradient summed inside the passes: no broadcast copy over y before the
    // forward, no separate reductions over g after the backward.
    forwardBias: (x, w, bias, y, wn, d) => {
      dimsBeta.set([d.N, d.C, d.O, d.G, 0]);
      return addon.convForward(x, w, y, packWindow(win, wn), dimsBeta, bias);
    },
    backwardWeightBias: (g, x, gw, gb, wn, d) => addon.convBackwardWeight(g, x, gw, packWindow(win, wn), packDims(d), gb),
  };
}

/**
 * The sliding-window kernels (im2col/col2im, max pooling): in JS they were ~40% (im2col) and ~25%
 * (max pooling) of a CNN training step. Max pooling needs int64 indices (a Float64Array).
 */
function windowKernels(addon: NativeAddon): FastKernels {
  const win = new Float64Array(13);
  return {
    im2col: (x, xOff, w, cols, colsOff) => addon.im2col(x, xOff, cols, colsOff, packWindow(win, w)),
    col2im: (cols, colsOff, w, x, xOff) => addon.col2im(cols, colsOff, x, xOff, packWindow(win, w)),
    maxPool2d: (x, w, y, indices) => indices instanceof Float64Array && addon.maxPool2d(x, y, indices, packWindow(win, w)),
    maxPool2dBackward: (g, indices, w, gx) =>
      indices instanceof Float64Array && addon.maxPool2dBackward(g, indices, gx, packWindow(win, w)),
  };
}
