import { IndexError } from "../errors.ts";
import { fmtShape } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { denseData } from "./util.ts";

/**
 * Index bookkeeping for the indexing ops: where the true elements of a mask are, which write wins
 * among repeated positions, and checked, wrapped row numbers. These loops read index data only; the
 * values themselves move through the backend's gather/scatter kernels.
 */

/** The coordinates of x's non-zero elements, one array per dim, in row-major order (PyTorch's nonzero). */
export function nonzeroCoords(x: Tensor): { count: number; coords: Float64Array[] } {
  const data = denseData(x);
  const flat: number[] = [];
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) flat.push(i);
  const coords = x.shape.map(() => new Float64Array(flat.length));
  for (let k = 0; k < flat.length; k++) {
    let rest = flat[k]!;
    for (let d = x.ndim - 1; d >= 0; d--) {
      const n = x.shape[d]!;
      coords[d]![k] = rest % n;
      rest = Math.floor(rest / n);
    }
  }
  return { count: flat.length, coords };
}

/**
 * The flat row numbers of advanced indices: `data[j]` holds index j broadcast to the common shape,
 * `sizes[j]` the size of the dim it indexes. Rows count through the indexed dims row-major, as after
 * merging them into one. Negative indices wrap; others out of range throw PyTorch's IndexError, which
 * names the index's position among the advanced indices.
 */
export function rowNumbers(data: readonly ArrayLike<number>[], sizes: readonly number[], m: number): Float64Array {
  const rows = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    let row = 0;
    for (let j = 0; j < data.length; j++) {
      const size = sizes[j]!;
      let v = data[j]![k]!;
      if (v < -size || v >= size) throw new IndexError(`index ${v} is out of bounds for dimension ${j} with size ${size}`);
      if (v < 0) v += size;
      row = row * size + v;
    }
    rows[k] = row;
  }
  return rows;
}

/**
 * The positions j of `rows` that are the last write to their row: with repeated rows, a plain
 * (non-accumulating) put keeps the last value, as PyTorch's CPU kernel does. Null when no row repeats.
 */
export function lastWrites(rows: Float64Array, size: number): Float64Array | null {
  const seen = new Uint8Array(size);
  const keep: number[] = [];
  for (let j = rows.length - 1; j >= 0; j--) {
    const r = rows[j]!;
    if (seen[r]) continue;
    seen[r] = 1;
    keep.push(j);
  }
  if (keep.length === rows.length) return null;
  return Float64Array.from(keep.reverse());
}

/** Which rows of `size` are written: a bool array for the kernels' where(). */
export function writtenRows(rows: Float64Array, size: number): Uint8Array {
  const hit = new Uint8Array(size);
  for (let j = 0; j < rows.length; j++) hit[rows[j]!] = 1;
  return hit;
}

/** PyTorch's mask check: each dim of the mask matches the dim of x it covers. */
export function checkMask(mask: Tensor, x: Tensor, dim: number): void {
  for (let j = 0; j < mask.ndim; j++) {
    if (mask.shape[j] !== x.shape[dim + j]) {
      throw new IndexError(
        `The shape of the mask ${fmtShape(mask.shape)} at index ${j} does not match the shape of the indexed tensor ${fmtShape(x.shape)} at index ${dim + j}`,
      );
    }
  }
}
