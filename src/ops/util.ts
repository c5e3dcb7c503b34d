import type { StridedView } from "../backend/backend.ts";
import { backend } from "../backend/registry.ts";
import { truncateToInt64 } from "../tensor/cast.ts";
import { type DType, type Storage, allocStorage, allocUninitialized, isFloating } from "../tensor/dtype.ts";
import { getDefaultDType } from "../tensor/default_dtype.ts";
import { broadcastStrides } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { isGradEnabled } from "../autograd/grad_mode.ts";
import { AutogradError } from "../errors.ts";

/** Shared plumbing for ops: strided views for kernels, dtype casts, contiguous data. */

export type TensorLike = Tensor | number;

export function sv(t: Tensor): StridedView {
  return { data: t.storage, offset: t.offset, strides: t.strides };
}

/** t's elements as a kernel reads them broadcast to `shape` (stride 0 along the broadcast dims). */
export function broadcastView(t: Tensor, shape: readonly number[]): StridedView {
  return { data: t.storage, offset: t.offset, strides: broadcastStrides(t.shape, t.strides, shape) };
}

/** An int64 tensor over index data (positions kindling computed, so no range check). */
export const int64Tensor = (data: Float64Array, shape: readonly number[]): Tensor => Tensor.fromStorage(data, "int64", shape);

/** The elements of t as one contiguous array: a no-copy subarray when t is contiguous. */
export function denseData(t: Tensor): Storage {
  const n = t.numel();
  if (t.isContiguous()) {
    return t.offset === 0 && t.storage.length === n ? t.storage : (t.storage.subarray(t.offset, t.offset + n) as Storage);
  }
  const out = allocUninitialized(t.dtype, n);
  backend().copy(sv(t), t.shape, out);
  return out;
}

/** Values of t in another dtype, as a fresh contiguous tensor (t itself when the dtype matches). No autograd. */
export function castRaw(t: Tensor, dtype: DType): Tensor {
  if (t.dtype === dtype) return t;
  const n = t.numel();
  const out = allocStorage(dtype, n);
  if (dtype === "bool") {
    // Any non-zero value is true; a plain typed-array store would wrap 256 to 0 and truncate 0.5.
    backend().binaryScalar("ne", denseData(t), 0, out, n, false);
  } else {
    backend().copy(sv(t), t.shape, out);
    // int64 shares Float64Array with float64: a plain copy would keep fractions and values past 2^53.
    if (dtype === "int64" && isFloating(t.dtype)) truncateToInt64(out as Float64Array, "to(int64)");
    // An int64 zero computed in doubles may be -0 (neg, 0 * -3); integers have no signed zero.
    if (t.dtype === "int64" && isFloating(dtype)) {
      for (let i = 0; i < n; i++) if (out[i] === 0) out[i] = 0;
    }
  }
  return Tensor.fromStorage(out, dtype, t.shape);
}

/**
 * A differentiable op asked for an integer (or bool) result from inputs that require grad: PyTorch 1.13
 * fails its isDifferentiableType assert (sum(x, dtype=int64), cumsum, an empty integer product).
 */
export function checkDifferentiableResult(op: string, dtype: DType, inputs: readonly (Tensor | null)[]): void {
  if (isFloating(dtype) || !isGradEnabled() || !inputs.some((t) => t?.requiresGrad)) return;
  throw new AutogradError(`${op}: an input requires grad, but the result dtype ${dtype} cannot carry a gradient (PyTorch 1.13: isDifferentiableType(variable.scalar_type()) INTERNAL ASSERT FAILED)`);
}

/**
 * Python's True and False as operands: a bool scalar promotes as a 0-d bool tensor does (the lowest
 * category, so x.le(false) compares in x's dtype), which is what it becomes.
 */
export function boolScalar(x: TensorLike): TensorLike {
  return typeof (x as unknown) === "boolean" ? scalarTensor(Number(x), "bool") : x;
}

/** A 0-d tensor holding a JS number. */
export function scalarTensor(v: number, dtype: DType): Tensor {
  const s = allocStorage(dtype, 1);
  s[0] = v;
  return Tensor.fromStorage(s, dtype, []);
}

/** A new contiguous tensor of zeros. */
export function fresh(shape: readonly number[], dtype: DType): Tensor {
  return Tensor.empty(shape, dtype);
}

/** A new contiguous tensor with unspecified values, for an output the kernel writes in full. */
export function freshOutput(shape: readonly number[], dtype: DType): Tensor {
  return Tensor.uninitialized(shape, dtype);
}

/**
 * A new contiguous tensor of zeros for a kernel that accumulates into it (a scatter, col2im): pool
 * memory when a buffer of this size is free (tensor/pool.ts), zeroed here, rather than a fresh zeroed
 * allocation that V8 must later collect.
 */
export function zeroedOutput(shape: readonly number[], dtype: DType): Tensor {
  const t = Tensor.uninitialized(shape, dtype);
  t.storage.fill(0);
  return t;
}

export function defaultFloat(): DType {
  return getDefaultDType();
}

