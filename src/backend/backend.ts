import type { Storage } from "../tensor/dtype.ts";
import type { BinaryOp, UnaryOp } from "./elementwise_ops.ts";
import type { KernelRegistry, OptionalKernelName, OptionalKernels } from "./kernels.ts";

/**
 * The kernel seam. Ops call only these primitives; a backend (plain JS, WASM SIMD, native) implements
 * them over flat typed arrays and knows nothing of Tensor or autograd.
 *
 * Strided arguments describe a view into a flat array: element (i0, i1, ...) lives at
 * `offset + i0*strides[0] + i1*strides[1] + ...`. A stride of 0 broadcasts.
 */

/** Elementwise op names, generated from the op tables in src/ops (npm run gen:ops). */
export type { BinaryOp, UnaryOp };

export type ReduceOp = "sum" | "max" | "min" | "prod";

export interface StridedView {
  data: Storage;
  offset: number;
  strides: readonly number[];
}

/**
 * A 2-D sliding window over `C` planes of H x W (conv's im2col and the pools share it): kernel kH x kW,
 * stride sH/sW, dilation dH/dW, top/left padding pH/pW, and output size oH x oW. Bottom/right padding
 * is implied by oH/oW, so asymmetric padding ("same" with an even kernel) needs no extra field.
 */
export interface Window2d {
  C: number;
  H: number;
  W: number;
  kH: number;
  kW: number;
  sH: number;
  sW: number;
  pH: number;
  pW: number;
  dH: number;
  dW: number;
  oH: number;
  oW: number;
}

/** Adaptive pooling of `C` planes of H x W to oH x oW (the windows are implied by the sizes). */
export interface AdaptiveWindow {
  C: number;
  H: number;
  W: number;
  oH: number;
  oW: number;
}

/**
 * Grid sampling of N x C planes of H x W at the oH x oW points (x, y in [-1, 1]) of a grid per sample;
 * `single` computes in float32 as PyTorch does for float32 data.
 */
export interface GridSampleGeometry {
  N: number;
  C: number;
  H: number;
  W: number;
  oH: number;
  oW: number;
  mode: "bilinear" | "nearest" | "bicubic";
  padding: "zeros" | "border" | "reflection";
  alignCorners: boolean;
  single: boolean;
}

/** The same for N x C volumes of D x H x W and a grid of oD x oH x oW points (x, y, z); no bicubic. */
export interface GridSample3dGeometry extends Omit<GridSampleGeometry, "mode"> {
  D: number;
  oD: number;
  mode: "bilinear" | "nearest";
}

type Floats = Float32Array | Float64Array;

export interface Backend {
  readonly name: string;

  /** The kernel table this view was built from (src/backend/kernels.ts), by kernel name. */
  readonly registry?: KernelRegistry;

  /** The backend's optional kernel of that name, or undefined when it has none. */
  optionalKernel?<K extends OptionalKernelName>(name: K): OptionalKernels[K] | undefined;

  /** Threads the backend may use, for backends that run work in parallel. */
  setNumThreads?(n: number): void;
  /** The threads its kernels actually run on now (absent: 1). */
  getNumThreads?(): number;

  /** A short description for logs, e.g. "avx512, 2 threads". */
  describe?(): string;

  /** out[i] = op(x[i]) over the first n elements of two contiguous arrays (out may alias x). */
  unary(op: UnaryOp, x: Storage, out: Storage, n: number): void;

  /** out (contiguous, `shape`) = op(a, b), a and b strided/broadcast views of that shape. */
  binary(op: BinaryOp, a: StridedView, b: StridedView, out: Storage, shape: readonly number[]): void;

  /** out = op(x, scalar) or op(scalar, x) when `scalarFirst`, contiguous, n elements. */
  binaryScalar(op: BinaryOp, x: Storage, s: number, out: Storage, n: number, scalarFirst: boolean): void;

  /** Copies a strided view into a contiguous array (out may be of another dtype: values are cast). */
  copy(src: StridedView, shape: readonly number[], out: Storage): void;

  /** Writes a contiguous array into a strided view (the inverse of copy). */
  scatterInto(src: Storage, dst: StridedView, shape: readonly number[]): void;

  /**
   * Reduces a contiguous [outer, size, inner] array over its middle axis into [outer, inner].
   * `indices`, when given, receives the arg position for max/min.
   */
  reduce(op: ReduceOp, x: Storage, out: Storage, outer: number, size: number, inner: number, indices?: Storage): void;

  /**
   * C[cOff..] = alpha * op(A) @ op(B) + beta * C, row-major, op = transpose when transA/transB.
   * op(A) is MxK, op(B) is KxN, C is MxN; lda/ldb/ldc are the row strides of the stored matrices.
   * When beta is 0, C is overwritten (NaNs in C do not propagate).
   */
  gemm(
    transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
    A: Float32Array | Float64Array, aOff: number, lda: number,
    B: Float32Array | Float64Array, bOff: number, ldb: number,
    beta: number, C: Float32Array | Float64Array, cOff: number, ldc: number,
  ): void;

  /** Softmax or log-softmax of a contiguous [outer, size, inner] array over its middle axis. */
  softmax(x: Storage, out: Storage, outer: number, size: number, inner: number, log: boolean): void;

  /**
   * Backward of softmax (`log` false: gx = y * (g - sum(g*y))) or log-softmax
   * (`log` true: gx = g - exp(y) * sum(g)), y being the forward output, all contiguous.
   */
  softmaxBackward(g: Storage, y: Storage, out: Storage, outer: number, size: number, inner: number, log: boolean): void;

  /**
   * Dropout in one pass over n contiguous elements: per element a uniform u from the xoshiro128** stream
   * whose four state words are `state` (advanced in place, drawn as Generator.fillUniform draws for
   * out's dtype); kept = u < keepProb; out = x * (kept ? scale : 0), the scale in out's dtype; `keep`
   * (when given) receives the flags as 0/1.
   */
  dropout(state: Uint32Array, keepProb: number, scale: number, x: Floats, keep: Uint8Array | null, out: Floats, n: number): void;

  /** Dropout's gradient from its flags: out = g * (keep ? scale : 0), the scale in g's dtype. */
  dropoutBackward(keep: Uint8Array, scale: number, g: Floats, out: Floats, n: number): void;

  /**
   * Layer normalisation of `rows` contiguous rows of `size`: per row the mean and biased variance (in
   * double), rstd[r] = 1 / sqrt(var + eps), xhat = (x - mean) * rstd, out = xhat * w + b (w, b of
   * `size` elements, or null).
   */
  layerNorm(x: Floats, w: Floats | null, b: Floats | null, out: Floats, xhat: Floats, rstd: Floats, rows: number, size: number, eps: number): void;

  /**
   * Its backward from the saved xhat and rstd: gx = rstd * (gxh - mean(gxh) - xhat * mean(gxh * xhat)),
   * gxh = g * w; gw = sum over rows of g * xhat, gb = sum over rows of g (overwritten). Null outputs
   * are not computed.
   */
  layerNormBackward(
    g: Floats, xhat: Floats, w: Floats | null, rstd: Floats, gx: Floats | null, gw: Floats | null, gb: Floats | null, rows: number, size: number,
  ): void;

  /** out[o, j, i] = x[o, index[o, j, i], i] for contiguous x [outer, size, inner], index [outer, m, inner]. */
  gather(x: Storage, index: Storage, out: Storage, outer: number, size: number, m: number, inner: number): void;

  /** out[o, index[o, j, i], i] += src[o, j, i]: the adjoint of gather (out is pre-zeroed by the caller). */
  scatterAdd(src: Storage, index: Storage, out: Storage, outer: number, size: number, m: number, inner: number): void;

  /** out[o, j, i] = x[o, index[j], i]: rows picked along the middle axis by one index list of length m. */
  indexSelect(x: Storage, index: Storage, out: Storage, outer: number, size: number, m: number, inner: number): void;

  /** out[o, index[j], i] += src[o, j, i]: the adjoint of indexSelect (out is pre-zeroed by the caller). */
  indexAdd(src: Storage, index: Storage, out: Storage, outer: number, size: number, m: number, inner: number): void;

  /**
   * Solves a_i x = b_i (batch of n x n, right-hand sides n x k, row-major) in place by Gaussian elimination
   * with partial pivoting: b becomes x; det[i] = det(a_i); info[i] = 1-based row of the first zero pivot, or 0.
   */
  gaussSolve(a: Storage, b: Storage, batch: number, n: number, k: number, det: Float64Array, info: Float64Array): void;

  /** out = cond ? a : b over broadcast strided views, contiguous out of `shape`. */
  where(cond: StridedView, a: StridedView, b: StridedView, out: Storage, shape: readonly number[]): void;

  /**
   * Unfolds one [C, H, W] image at x[xOff..] into columns [C*kH*kW, oH*oW] at cols[colsOff..]
   * (row (c*kH + i)*kW + j holds tap (i, j) of channel c for every output position; taps in the
   * padding are 0), so a convolution becomes one GEMM.
   */
  im2col(x: Floats, xOff: number, win: Window2d, cols: Floats, colsOff: number): void;

  /** The adjoint of im2col: adds every column entry back onto the pixel it was read from. */
  col2im(cols: Floats, colsOff: number, win: Window2d, x: Floats, xOff: number): void;

  /**
   * Max pooling of `win.C` contiguous planes (padding never wins). `indices` receives the flat
   * position h*W + w of each maximum within its plane, as PyTorch returns them.
   */
  maxPool2d(x: Floats, win: Window2d, out: Floats, indices: Storage): void;

  /** gx[plane, indices[k]] += g[k]; gx is pre-zeroed by the caller. */
  maxPool2dBackward(g: Floats, indices: Storage, win: Window2d, gx: Floats): void;

  /**
   * Average pooling of `win.C` contiguous planes with symmetric padding pH/pW. The divisor is
   * `divisor` when non-zero, else the window clipped to the padded input (countIncludePad) or to the
   * input itself.
   */
  avgPool2d(x: Floats, win: Window2d, out: Floats, countIncludePad: boolean, divisor: number): void;

  /** The adjoint of avgPool2d; gx is pre-zeroed by the caller. */
  avgPool2dBackward(g: Floats, win: Window2d, gx: Floats, countIncludePad: boolean, divisor: number): void;

  /**
   * Adaptive average pooling of `win.C` contiguous planes: output (i, j) averages input rows
   * [floor(i H / oH), ceil((i+1) H / oH)) and the columns likewise.
   */
  adaptiveAvgPool2d(x: Floats, win: AdaptiveWindow, out: Floats): void;

  /** The adjoint of adaptiveAvgPool2d; gx is pre-zeroed by the caller. */
  adaptiveAvgPool2dBackward(g: Floats, win: AdaptiveWindow, gx: Floats): void;
}
