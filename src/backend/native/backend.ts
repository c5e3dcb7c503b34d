import type { Backend, Window2d } from "../backend.ts";
import { jsBackend } from "../js/index.ts";
import type { ConvDims, ConvPasses } from "../conv_passes.ts";
import type { FusedOptimizer } from "../fused_optimizer.ts";
import { nativeFusedOptimizer } from "./fused_optim.ts";
import { nativeKernels } from "./kernels.ts";
import { type NativeAddon, hasKernels, loadNative } from "./loader.ts";

/**
 * The native backend: kernels the addon provides (GEMM; elementwise, broadcast, reduction, softmax
 * and copy kernels for float32/float64) run natively on the tensors' own memory; the rest fall
 * through to the JS kernels, so the backend is complete even while the addon grows.
 *
 * Beyond the Backend interface it carries two optional capabilities: `fusedOptimizer`, which
 * src/optim/fused.ts looks for (whole-group SGD/Adam updates in one call), and `convPasses`, which
 * src/ops/conv.ts looks for (whole-batch convolution passes).
 */
export interface NativeBackend extends Backend {
  readonly fusedOptimizer?: FusedOptimizer;
  readonly convPasses?: ConvPasses;
}

let cached: NativeBackend | null | undefined;

export function loadNativeBackend(): NativeBackend | null {
  if (cached !== undefined) return cached;
  const addon = loadNative();
  if (!addon) return (cached = null);
  const full = hasKernels(addon) ? addon : null;
  cached = {
    ...jsBackend,
    ...(full ? nativeKernels(full) : {}),
    name: "native",
    gemm: addon.gemm.bind(addon),
    setNumThreads: (n: number) => addon.setNumThreads(n),
    getNumThreads: () => addon.getNumThreads(),
    describe: () => `${addon.simdLevel()}, ${addon.getNumThreads()} threads`,
    ...(full ? { fusedOptimizer: nativeFusedOptimizer(full) } : {}),
    ...windowKernels(addon),
    ...convPasses(addon),
  };
  return cached;
}

/** The whole-batch convolution passes when the addon has them. */
function convPasses(addon: NativeAddon): { convPasses?: ConvPasses } {
  const { convForward, convBackwardInput, convBackwardWeight } = addon;
  if (typeof convForward !== "function" || typeof convBackwardInput !== "function" || typeof convBackwardWeight !== "function") return {};
  const win = new Float64Array(13), dims = new Float64Array(4), dimsBeta = new Float64Array(5);
  const packWin = (w: Window2d): Float64Array => {
    win.set([w.C, w.H, w.W, w.kH, w.kW, w.sH, w.sW, w.pH, w.pW, w.dH, w.dW, w.oH, w.oW]);
    return win;
  };
  const packDims = (d: ConvDims): Float64Array => {
    dims.set([d.N, d.C, d.O, d.G]);
    return dims;
  };
  return {
    convPasses: {
      forward: (x, w, y, wn, d, beta) => {
        dimsBeta.set([d.N, d.C, d.O, d.G, beta]);
        return convForward.call(addon, x, w, y, packWin(wn), dimsBeta);
      },
      backwardInput: (g, w, gx, wn, d) => convBackwardInput.call(addon, g, w, gx, packWin(wn), packDims(d)),
      backwardWeight: (g, x, gw, wn, d) => convBackwardWeight.call(addon, g, x, gw, packWin(wn), packDims(d)),
    },
  };
}

/**
 * The sliding-window kernels (im2col/col2im, max pooling) from the addon when it has them: in JS they
 * were ~40% (im2col) and ~25% (max pooling) of a CNN training step.
 */
function windowKernels(addon: NativeAddon): Partial<Backend> {
  const win = new Float64Array(13);
  const pack = (w: Window2d): Float64Array => {
    win[0] = w.C; win[1] = w.H; win[2] = w.W; win[3] = w.kH; win[4] = w.kW; win[5] = w.sH; win[6] = w.sW;
    win[7] = w.pH; win[8] = w.pW; win[9] = w.dH; win[10] = w.dW; win[11] = w.oH; win[12] = w.oW;
    return win;
  };
  const out: Partial<Backend> = {};
  const { im2col, col2im, maxPool2d, maxPool2dBackward } = addon;
  if (typeof im2col === "function" && typeof col2im === "function") {
    out.im2col = (x, xOff, w, cols, colsOff) => {
      if (!im2col.call(addon, x, xOff, cols, colsOff, pack(w))) jsBackend.im2col(x, xOff, w, cols, colsOff);
    };
    out.col2im = (cols, colsOff, w, x, xOff) => {
      if (!col2im.call(addon, cols, colsOff, x, xOff, pack(w))) jsBackend.col2im(cols, colsOff, w, x, xOff);
    };
  }
  if (typeof maxPool2d === "function" && typeof maxPool2dBackward === "function") {
    out.maxPool2d = (x, w, y, indices) => {
      if (!(indices instanceof Float64Array) || !maxPool2d.call(addon, x, y, indices, pack(w))) jsBackend.maxPool2d(x, w, y, indices);
    };
    out.maxPool2dBackward = (g, indices, w, gx) => {
      if (!(indices instanceof Float64Array) || !maxPool2dBackward.call(addon, g, indices, gx, pack(w))) {
        jsBackend.maxPool2dBackward(g, indices, w, gx);
      }
    };
  }
  return out;
}
