import { backend } from "../backend/registry.ts";
import { isGradEnabled } from "../autograd/grad_mode.ts";
import { record } from "../autograd/record.ts";
import { DTypeError, ShapeError } from "../errors.ts";
import { type DType, isFloating, scalarTypeName } from "../tensor/dtype.ts";
import { broadcastShapes, fmtShape, numelOf } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { sumToShape } from "./reduce.ts";
import { checkDifferentiableResult, denseData, fresh, freshOutput } from "./util.ts";
import { reshape, squeeze, to, transpose, unsqueeze } from "./views.ts";

/**
 * Matrix products through the backend's GEMM. Transposed operands are passed as transpose flags, not
 * copied, so a Linear layer's x @ W^T and both backward products run without materialising a transpose.
 */

interface MatLayout {
  trans: boolean;
  ld: number;
}

/** How GEMM can read the last two dims of t in place, or null when they need a copy first. */
function layout(t: Tensor): MatLayout | null {
  const n = t.ndim;
  const rows = t.shape[n - 2]!;
  const cols = t.shape[n - 1]!;
  const rs = t.strides[n - 2]!;
  const cs = t.strides[n - 1]!;
  if ((cs === 1 || cols === 1) && (rs >= Math.max(cols, 1) || rows === 1)) return { trans: false, ld: rows === 1 ? Math.max(cols, 1) : rs };
  if ((rs === 1 || rows === 1) && (cs >= Math.max(rows, 1) || cols === 1)) return { trans: true, ld: cols === 1 ? Math.max(rows, 1) : cs };
  return null;
}

function canonical(t: Tensor): Tensor {
  return Tensor.fromStorage(denseData(t), t.dtype, t.shape);
}

/** Both operands have >= 2 dims; batch dims broadcast. */
function matmulRaw(a: Tensor, b: Tensor): Tensor {
  const M = a.shape[a.ndim - 2]!;
  const K = a.shape[a.ndim - 1]!;
  const N = b.shape[b.ndim - 1]!;
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batch = broadcastShapes(batchA, batchB);
  // An empty sum is 0 (K = 0), and an empty operand has no layout for GEMM to read.
  if (M === 0 || N === 0 || K === 0) return fresh([...batch, M, N], a.dtype);
  const out = freshOutput([...batch, M, N], a.dtype);
  let la = layout(a);
  if (!la) {
    a = canonical(a);
    la = layout(a)!;
  }
  let lb = layout(b);
  if (!lb) {
    b = canonical(b);
    lb = layout(b)!;
  }
  const count = numelOf(batch);
  const k = backend();
  const A = a.storage as Float32Array | Float64Array;
  const B = b.storage as Float32Array | Float64Array;
  const C = out.storage as Float32Array | Float64Array;
  for (let i = 0; i < count; i++) {
    // Offsets of this batch element in each operand; broadcast batch dims contribute nothing.
    let rem = i;
    let offA = a.offset;
    let offB = b.offset;
    for (let d = batch.length - 1; d >= 0; d--) {
      const idx = rem % batch[d]!;
      rem = Math.floor(rem / batch[d]!);
      const da = d - (batch.length - batchA.length);
      const db = d - (batch.length - batchB.length);
      if (da >= 0 && batchA[da] !== 1) offA += idx * a.strides[da]!;
      if (db >= 0 && batchB[db] !== 1) offB += idx * b.strides[db]!;
    }
    k.gemm(la.trans, lb.trans, M, N, K, 1, A, offA, la.ld, B, offB, lb.ld, 0, C, i * M * N, N);
  }
  return out;
}

/** Whether GEMM reads t's last two dims transposed (column-major), e.g. a Linear weight seen as W^T. */
function isTransposed(t: Tensor): boolean {
  return t.ndim === 2 && layout(t)?.trans === true;
}

/**
 * The gradient of a matrix operand comes out in the operand's own memory layout: for a transposed
 * view such as W^T it is computed as (g^T a)^T, so the view's backward hands W a contiguous gradient
 * and no strided copy of a large matrix is ever made.
 */
function product(a: Tensor, b: Tensor): Tensor {
  const out = matmulRaw(a, b);
  return record(out, "MmBackward0", [a, b], (g, needs) => {
    // createGraph: the same products as recorded ops, over the operands themselves (not detached).
    if (isGradEnabled()) {
      return [
        needs[0] ? sumToShape(product(g, transpose(b, -1, -2)), a.shape) : null,
        needs[1] ? sumToShape(product(transpose(a, -1, -2), g), b.shape) : null,
      ];
    }
    const ad = a.detach();
    const bd = b.detach();
    let ga: Tensor | null = null;
    let gb: Tensor | null = null;
    if (needs[0]) {
      ga = isTransposed(a) ? transpose(matmulRaw(bd, transpose(g, -1, -2)), -1, -2) : matmulRaw(g, transpose(bd, -1, -2));
      ga = sumToShape(ga, a.shape);
    }
    if (needs[1]) {
      gb = isTransposed(b) ? transpose(matmulRaw(transpose(g, -1, -2), ad), -1, -2) : matmulRaw(transpose(ad, -1, -2), g);
      gb = sumToShape(gb, b.shape);
    }
    return [ga, gb];
  });
}

function productShape(a: Tensor, b: Tensor): number[] {
  if (a.ndim === 1 && b.ndim === 1) return [];
  if (a.ndim === 1) return [...b.shape.slice(0, -2), b.shape[b.ndim - 1]!];
  if (b.ndim === 1) return a.shape.slice(0, -1);
  return [...broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2)), a.shape[a.ndim - 2]!, b.shape[b.ndim - 1]!];
}

/**
 * The kernel PyTorch 1.13's matmul reaches for these ranks, which decides its dtype errors and the dtype
 * of an empty product: dot for two vectors; mv or mm with the operands swapped (and transposed) when
 * only the second is batched; bmm when both are. `empty` is the dtype mv (its vector's), mm (its first
 * operand's) or bmm (its second's) allocates.
 */
function kernelOf(a: Tensor, b: Tensor): { name: string; first: Tensor; second: Tensor; empty: DType } {
  if (a.ndim === 1 && b.ndim === 1) return { name: "dot", first: a, second: b, empty: a.dtype };
  if (a.ndim >= 3 && b.ndim >= 3) return { name: "bmm", first: a, second: b, empty: b.dtype };
  const [first, second] = a.ndim <= 2 && b.ndim >= 3 ? [b, a] : [a, b];
  return second.ndim === 1
    ? { name: "addmv_impl_cpu", first, second, empty: second.dtype }
    : { name: "addmm_impl_cpu_", first, second, empty: first.dtype };
}

export function matmul(a: Tensor, b: Tensor): Tensor {
  Tensor.check(a, "input");
  Tensor.check(b, "other");
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(`both arguments to matmul need to be at least 1D, but they are ${a.ndim}D and ${b.ndim}D`);
  }
  const K1 = a.shape[a.ndim - 1]!;
  const K2 = b.ndim === 1 ? b.shape[0]! : b.shape[b.ndim - 2]!;
  if (K1 !== K2) {
    if (a.ndim <= 2 && b.ndim <= 2) {
      const fa = a.ndim === 1 ? `1x${K1}` : `${a.shape[0]}x${K1}`;
      const fb = b.ndim === 1 ? `${K2}x1` : `${b.shape[0]}x${b.shape[1]}`;
      throw new ShapeError(`mat1 and mat2 shapes cannot be multiplied (${fa} and ${fb})`);
    }
    throw new ShapeError(`matmul: shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} cannot be multiplied (${K1} != ${K2})`);
  }
  if (a.dtype !== b.dtype || a.dtype === "bool") {
    const k = kernelOf(a, b);
    // PyTorch checks the dtypes only when there is something to compute (dot aside): an empty product,
    // or one over an empty inner dim (zeros), takes the dtype of the operand its kernel allocates from,
    // and its gradients are zeros.
    const shape = productShape(a, b);
    if (k.name !== "dot" && (numelOf(shape) === 0 || K1 === 0)) {
      const zeros = (t: Tensor) => (isFloating(t.dtype) ? fresh(t.shape, t.dtype) : null);
      checkDifferentiableResult("matmul()", k.empty, [a, b]);
      return record(fresh(shape, k.empty), "MmBackward0", [a, b], () => [zeros(a), zeros(b)]);
    }
    if (k.name === "dot" && a.dtype !== b.dtype) {
      throw new DTypeError(`dot : expected both vectors to have same dtype, but found ${scalarTypeName(a.dtype)} and ${scalarTypeName(b.dtype)}`);
    }
    if (k.first.dtype === "bool") throw new DTypeError(`"${k.name}" not implemented for 'Bool'`);
    throw new DTypeError(`expected scalar type ${scalarTypeName(k.first.dtype)} but found ${scalarTypeName(k.second.dtype)}`);
  }
  if (!isFloating(a.dtype)) {
    // Integer products (no gradient) through the float64 GEMM: exact while the sums stay below 2^53.
    return to(matmul(to(a, "float64"), to(b, "float64")), a.dtype);
  }
  if (a.ndim === 1 && b.ndim === 1) return reshape(product(unsqueeze(a, 0), unsqueeze(b, 1)), []);
  if (a.ndim === 1) return squeeze(product(unsqueeze(a, 0), b), -2);
  if (b.ndim === 1) return squeeze(product(a, unsqueeze(b, 1)), -1);
  return product(a, b);
}

/** The product of two matrices; unlike matmul, neither vectors nor batches. */
export function mm(a: Tensor, b: Tensor): Tensor {
  Tensor.check(a, "input");
  Tensor.check(b, "mat2");
  if (a.ndim !== 2) throw new ShapeError("self must be a matrix");
  if (b.ndim !== 2) throw new ShapeError("mat2 must be a matrix");
  return matmul(a, b);
}

/** Batched matrix product of [B, n, m] and [B, m, p] tensors (no broadcasting, as PyTorch's). */
export function bmm(a: Tensor, b: Tensor): Tensor {
  Tensor.check(a, "input");
  Tensor.check(b, "mat2");
  if (a.ndim !== 3) throw new ShapeError("batch1 must be a 3D tensor");
  if (b.ndim !== 3) throw new ShapeError("batch2 must be a 3D tensor");
  const [B, , m] = a.shape as [number, number, number];
  if (b.shape[0] !== B || b.shape[1] !== m) {
    throw new ShapeError(`Expected size for first two dimensions of batch2 tensor to be: [${B}, ${m}] but got: [${b.shape[0]}, ${b.shape[1]}].`);
  }
  return matmul(a, b);
}
