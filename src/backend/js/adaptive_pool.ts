import type { AdaptiveWindow } from "../backend.ts";

type F = Float32Array | Float64Array;

/**
 * Adaptive average pooling: output row i of `oH` averages input rows [floor(i H / oH), ceil((i+1) H / oH))
 * (the same for columns), PyTorch's windows. Each window is summed on its own, so a NaN or an infinity
 * stays inside the windows that contain it.
 */
function windows(win: AdaptiveWindow, visit: (k: number, plane: number, h0: number, h1: number, w0: number, w1: number) => void): void {
  const { C, H, W, oH, oW } = win;
  let k = 0;
  for (let c = 0; c < C; c++) {
    const plane = c * H * W;
    for (let i = 0; i < oH; i++) {
      const h0 = Math.floor((i * H) / oH), h1 = Math.ceil(((i + 1) * H) / oH);
      for (let j = 0; j < oW; j++, k++) visit(k, plane, h0, h1, Math.floor((j * W) / oW), Math.ceil(((j + 1) * W) / oW));
    }
  }
}

export function adaptiveAvgPool2d(x: F, win: AdaptiveWindow, out: F): void {
  const W = win.W;
  windows(win, (k, plane, h0, h1, w0, w1) => {
    let s = 0;
    for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) s += x[plane + h * W + w]!;
    out[k] = s / (h1 - h0) / (w1 - w0);
  });
}

/** The adjoint: each output's gradient spread evenly over its window; gx is pre-zeroed by the caller. */
export function adaptiveAvgPool2dBackward(g: F, win: AdaptiveWindow, gx: F): void {
  const W = win.W;
  windows(win, (k, plane, h0, h1, w0, w1) => {
    const v = g[k]! / (h1 - h0) / (w1 - w0);
    for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) gx[plane + h * W + w]! += v;
  });
}
