import { record } from "../autograd/record.ts";
import { backend } from "../backend/registry.ts";
import { IndexError } from "../errors.ts";
import { allocStorage } from "../tensor/dtype.ts";
import { broadcastShapes, fmtShape, numelOf } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import type { TensorIndex } from "./index_basic.ts";
import { checkMask, lastWrites, nonzeroCoords, rowNumbers, writtenRows } from "./index_positions.ts";
import { indexSelect } from "./indexing.ts";
import { broadcastView, denseData, fresh, int64Tensor, scalarTensor, sv } from "./util.ts";
import { expand, permute, reshape } from "./views.ts";

/**
 * Advanced indexing (NumPy's, as PyTorch implements it): the index tensors (masks become the
 * coordinates of their true elements) broadcast to one shape B, and each position of B picks one
 * element of the indexed dims. When the indexed dims are adjacent, B takes their place in the result;
 * when a slice, None or Ellipsis separates them, B comes first. Both cases become one [outer, rows,
 * inner] layout of x, the indexed dims merged into rows, so a row gather (indexSelect, whose
 * gradient adds up repeated rows) reads them and a row put writes them.
 */

export interface Plan {
  /** The dims of x indexed, ascending, one per index tensor after masks are expanded. */
  readonly dims: readonly number[];
  /** The merged row of each position of B (row-major), checked and wrapped. */
  readonly rows: Float64Array;
  /** The result's shape: B in place of the indexed dims, or first. */
  readonly outShape: readonly number[];
  /** Dims of x in layout order (the indexed dims moved first when they are not adjacent), or null. */
  readonly perm: number[] | null;
  /** [outer, rows, inner] sizes of x's layout. */
  readonly layout: readonly [number, number, number];
}


/** PyTorch's make_info: index dtypes, masks, broadcasting and bounds, in PyTorch's order. */
export function planAdvanced(x: Tensor, tensors: readonly TensorIndex[]): Plan {
  for (const { tensor } of tensors) {
    if (tensor.dtype !== "int64" && tensor.dtype !== "bool") throw new IndexError("tensors used as indices must be long, byte or bool tensors");
  }
  const dims: number[] = [];
  const indices: Tensor[] = [];
  for (const { dim, tensor } of tensors) {
    if (tensor.dtype !== "bool") {
      dims.push(dim);
      indices.push(tensor);
      continue;
    }
    checkMask(tensor, x, dim);
    const { count, coords } = nonzeroCoords(tensor);
    coords.forEach((c, j) => {
      dims.push(dim + j);
      indices.push(int64Tensor(c, [count]));
    });
  }
  let B: number[] = [];
  try {
    for (const t of indices) B = broadcastShapes(B, t.shape);
  } catch {
    throw new IndexError(`shape mismatch: indexing tensors could not be broadcast together with shapes ${indices.map((t) => fmtShape(t.shape)).join(", ")}`);
  }
  const m = numelOf(B);
  const sizes = dims.map((d) => x.shape[d]!);
  const rest = x.shape.map((_, d) => d).filter((d) => !dims.includes(d));
  if (m > 0 && sizes.includes(0)) throw new IndexError("index is out of bounds for dimension with size 0");
  // PyTorch checks each index as its kernel reads it: with an empty dim left unindexed, the result is
  // empty, nothing is read, and an index out of range is no error (x[1:, idx] on a size-1 dim 0).
  const reads = numelOf(rest.map((d) => x.shape[d]!)) > 0;
  const data = indices.map((t) => denseData(expand(t, B)));
  const rows = reads ? rowNumbers(data, sizes, m) : new Float64Array(m);

  const adjacent = dims.every((d, i) => i === 0 || d === dims[i - 1]! + 1);
  const merged = numelOf(sizes);
  if (adjacent) {
    const first = dims[0]!;
    const last = dims[dims.length - 1]!;
    const before = x.shape.slice(0, first);
    const after = x.shape.slice(last + 1);
    return { dims, rows, outShape: [...before, ...B, ...after], perm: null, layout: [numelOf(before), merged, numelOf(after)] };
  }
  const restShape = rest.map((d) => x.shape[d]!);
  return { dims, rows, outShape: [...B, ...restShape], perm: [...dims, ...rest], layout: [1, merged, numelOf(restShape)] };
}

/** x in the plan's [outer, rows, inner] layout (a view where the memory allows, else a copy). */
export function toLayout(x: Tensor, plan: Plan): Tensor {
  return reshape(plan.perm === null ? x : permute(x, plan.perm), plan.layout);
}

/** A tensor in the plan's layout back in x's shape. */
export function fromLayout(t: Tensor, x: Tensor, plan: Plan): Tensor {
  if (plan.perm === null) return reshape(t, x.shape);
  const permuted = reshape(t, plan.perm.map((d) => x.shape[d]!));
  const inverse = new Array<number>(plan.perm.length);
  plan.perm.forEach((d, i) => (inverse[d] = i));
  return permute(permuted, inverse);
}

/** x[indices] for the noted tensor indices of a sliced view: a new tensor. */
export function advancedIndex(x: Tensor, tensors: readonly TensorIndex[]): Tensor {
  const plan = planAdvanced(x, tensors);
  const picked = indexSelect(toLayout(x, plan), 1, int64Tensor(plan.rows, [plan.rows.length]));
  return reshape(picked, plan.outShape);
}

/**
 * self3 ([outer, size, inner]) with rows[j] replaced by (or, accumulating, increased by) values3[:, j, :].
 * A new tensor; differentiable in both. Replaced rows get no gradient from self3; values get the
 * gradient of the row they went to (every repeat of it, as PyTorch's index_put backward).
 */
export function putRows(self3: Tensor, rows: Float64Array, values3: Tensor, accumulate: boolean): Tensor {
  const [outer, size, inner] = self3.shape as [number, number, number];
  const shape = self3.shape;
  const out = fresh(shape, self3.dtype);
  const hit = accumulate ? null : Tensor.fromStorage(writtenRows(rows, size), "bool", [1, size, 1]);
  const zero = scalarTensor(0, self3.dtype);
  if (hit === null) backend().copy(sv(self3), shape, out.storage);
  else backend().where(broadcastView(hit, shape), broadcastView(zero, shape), sv(self3), out.storage, shape);
  let src = denseData(values3);
  let at = rows;
  const keep = accumulate ? null : lastWrites(rows, size);
  if (keep !== null) {
    const picked = allocStorage(values3.dtype, outer * keep.length * inner);
    backend().indexSelect(src, keep, picked, outer, rows.length, keep.length, inner);
    src = picked;
    at = keep.map((j) => rows[j]!);
  }
  backend().indexAdd(src, at, out.storage, outer, size, at.length, inner);
  if (accumulate && out.dtype === "bool") {
    // bool adds as logical or (True + True is True): the kernel's sums are folded back to 0/1
    backend().where(sv(out), broadcastView(scalarTensor(1, "bool"), shape), broadcastView(scalarTensor(0, "bool"), shape), out.storage, shape);
  }
  return record(out, "IndexPutBackward0", [self3, values3], (g, needs) => {
    let gSelf: Tensor | null = null;
    if (needs[0]) {
      if (hit === null) gSelf = g;
      else {
        gSelf = fresh(shape, g.dtype);
        backend().where(broadcastView(hit, shape), broadcastView(scalarTensor(0, g.dtype), shape), sv(g), gSelf.storage, shape);
      }
    }
    let gValues: Tensor | null = null;
    if (needs[1]) {
      gValues = fresh(values3.shape, g.dtype);
      backend().indexSelect(denseData(g), rows, gValues.storage, outer, size, rows.length, inner);
    }
    return [gSelf, gValues];
  }, false);
}

