/** Shared pieces of the sliding-window kernel tests (conv im2col/col2im, pooling) for every backend. */
import type { Window2d } from "../../src/backend/backend.ts";

/** A window over C planes of H x W with PyTorch's output size (ceil mode as in max_pool2d's ceil_mode). */
export function window2d(C: number, H: number, W: number, k: [number, number], s: [number, number], p: [number, number],
  d: [number, number], ceil = false): Window2d {
  const size = (n: number, i: 0 | 1): number => {
    const span = n + 2 * p[i] - d[i] * (k[i] - 1) - 1;
    let o = (ceil ? Math.ceil(span / s[i]) : Math.floor(span / s[i])) + 1;
    if (ceil && (o - 1) * s[i] >= n + p[i]) o--; // PyTorch: the last window must start inside the input or left padding
    return o;
  };
  return { C, H, W, kH: k[0], kW: k[1], sH: s[0], sW: s[1], pH: p[0], pW: p[1], dH: d[0], dW: d[1], oH: size(H, 0), oW: size(W, 1) };
}

/** Values with ties (small integers), signed zeros, -Infinity and a few NaNs: what pooling must get right. */
export function poolValues(n: number, seed: number): number[] {
  const v: number[] = [];
  for (let i = 0; i < n; i++) {
    const h = Math.abs(Math.sin(i * 12.9898 + seed) * 43758.5453) % 1;
    v.push(h < 0.03 ? NaN : h < 0.08 ? -Infinity : h < 0.2 ? 0 : h < 0.3 ? -0 : Math.floor(h * 7) - 3 + (h > 0.9 ? 0.5 : 0));
  }
  return v;
}

/** The bytes of a typed array, for bit-for-bit comparisons (NaN payloads and signed zeros included). */
export const bytes = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
