import type { Storage } from "../tensor/dtype.ts";

/**
 * The kernel seam. Ops call only these primitives; a backend (plain JS, WASM SIMD, native) implements
 * them over flat typed arrays and knows nothing of Tensor or autograd.
 *
 * Strided arguments describe a view into a flat array: element (i0, i1, ...) lives at
 * `offset + i0*strides[0] + i1*strides[1] + ...`. A stride of 0 broadcasts.
 */

/** Elementwise ops of one input; names index the op table in `unary_ops.ts`. */
export type UnaryOp =
  | "neg" | "exp" | "log" | "sqrt" | "abs" | "tanh" | "sigmoid" | "relu" | "sign"
  | "sin" | "cos" | "square" | "reciprocal" | "log1p" | "expm1" | "floor" | "ceil" | "round"
  | "logicalNot" | "gelu" | "geluGrad" | "erf";

/** Elementwise ops of two inputs; comparisons write 1/0. */
export type BinaryOp =
  | "add" | "sub" | "mul" | "div" | "pow" | "maximum" | "minimum"
  | "eq" | "ne" | "gt" | "lt" | "ge" | "le"
  | "reluGrad" | "logicalAnd" | "logicalOr" | "atan2" | "remainder";

export type ReduceOp = "sum" | "max" | "min" | "prod";

export interface StridedView {
  data: Storage;
  offset: number;
  strides: readonly number[];
}

export interface Backend {
  readonly name: string;

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

  /** out[o, j, i] = x[o, index[o, j, i], i] for contiguous x [outer, size, inner], index [outer, m, inner]. */
  gather(x: Storage, index: Storage, out: Storage, outer: number, size: number, m: number, inner: number): void;

  /** out[o, index[o, j, i], i] += src[o, j, i]: the adjoint of gather (out is pre-zeroed by the caller). */
  scatterAdd(src: Storage, index: Storage, out: Storage, outer: number, size: number, m: number, inner: number): void;

  /** out[o, j, i] = x[o, index[j], i]: rows picked along the middle axis by one index list of length m. */
  indexSelect(x: Storage, index: Storage, out: Storage, outer: number, size: number, m: number, inner: number): void;

  /** out[o, index[j], i] += src[o, j, i]: the adjoint of indexSelect (out is pre-zeroed by the caller). */
  indexAdd(src: Storage, index: Storage, out: Storage, outer: number, size: number, m: number, inner: number): void;

  /** out = cond ? a : b over broadcast strided views, contiguous out of `shape`. */
  where(cond: StridedView, a: StridedView, b: StridedView, out: Storage, shape: readonly number[]): void;
}
