import { checkArg } from "../options.ts";
import { ArgumentError, IndexError, ShapeError } from "../errors.ts";

/** Shape helpers shared by tensor creation, views and ops. Pure functions over number arrays. */

export function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= shape[i]!;
  }
  return strides;
}

/** `[2, 3]` -> "[2, 3]", PyTorch's way of naming a shape in messages. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** A user-given size: integers (safe ones, so the shape is exact), none negative, with PyTorch's messages. */
export function checkShape(shape: readonly number[], what = "size"): number[] {
  if (!Array.isArray(shape)) throw new ArgumentError(`${what} must be an array of integers, got ${String(shape)}`);
  for (let i = 0; i < shape.length; i++) {
    const s: unknown = shape[i];
    if (typeof s !== "number" || !Number.isSafeInteger(s)) {
      const v = typeof s === "number" ? String(s) : `${typeof s} ${String(s)}`;
      throw new ArgumentError(`${what} must be a list of integers up to 2^53-1, but found ${v} at position ${i} of ${fmtShape(shape)}`);
    }
    if (s < 0) throw new ArgumentError(`Trying to create tensor with negative dimension ${s}: ${fmtShape(shape)}`);
  }
  return [...shape];
}

/** Names what was passed where a dim belongs (`{ dim: 1 }` in an options habit is the usual one). */
function describeDim(v: unknown): string {
  if (v === null) return "null";
  if (typeof v === "object") return `an object (${JSON.stringify(v)?.slice(0, 40) ?? "?"}); pass the dim positionally`;
  return `${typeof v} ${String(v)}`;
}

/** Wraps a possibly negative dim into [0, ndim), with PyTorch's message when it is out of range. */
export function normDim(dim: number, ndim: number, allowEnd = false): number {
  if (typeof dim !== "number") throw new ArgumentError(`argument 'dim' must be an int, not ${describeDim(dim)}`);
  const n = allowEnd ? ndim + 1 : ndim;
  const lo = -Math.max(n, 1);
  const hi = Math.max(n, 1) - 1;
  if (!Number.isInteger(dim) || dim < lo || dim > hi) {
    throw new IndexError(`Dimension out of range (expected to be in range of [${lo}, ${hi}], but got ${dim})`);
  }
  return dim < 0 ? dim + Math.max(n, 1) : dim;
}

export function normDims(dims: number | readonly number[], ndim: number): number[] {
  if (typeof dims !== "number" && !Array.isArray(dims)) {
    throw new ArgumentError(`argument 'dim' must be an int or a list of ints, not ${describeDim(dims)}`);
  }
  const list = typeof dims === "number" ? [dims] : [...dims];
  const out = list.map((d) => normDim(d, ndim));
  const repeated = out.find((d, i) => out.indexOf(d) !== i);
  if (repeated !== undefined) throw new ArgumentError(`dim ${repeated} appears multiple times in the list of dims`);
  return out;
}

/** Broadcast two shapes (numpy/PyTorch rules) or throw naming both. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  checkArg("broadcastShapes()", a, "int[]", 1, "shape");
  checkArg("broadcastShapes()", b, "int[]", 2, "shape");
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        `The size of tensor a (${da}) must match the size of tensor b (${db}) at non-singleton dimension ${i}` +
          ` (shapes ${fmtShape(a)} and ${fmtShape(b)})`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides that read a tensor of `shape`/`strides` as if expanded to `target` (0 on broadcast dims). */
export function broadcastStrides(shape: readonly number[], strides: readonly number[], target: readonly number[]): number[] {
  const n = target.length;
  const out = new Array<number>(n).fill(0);
  for (let i = 0; i < shape.length; i++) {
    const j = n - shape.length + i;
    out[j] = shape[i] === 1 && target[j] !== 1 ? 0 : strides[i]!;
  }
  return out;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Resolves a single -1 in a requested view shape against the element count. */
export function inferShape(shape: readonly number[], numel: number): number[] {
  let infer = -1;
  let known = 1;
  for (let i = 0; i < shape.length; i++) {
    const s = shape[i]!;
    if (s === -1) {
      if (infer >= 0) throw new ArgumentError("only one dimension can be inferred");
      infer = i;
    } else if (!Number.isSafeInteger(s) || s < 0) {
      throw new ArgumentError(`invalid shape dimension ${s}`);
    } else known *= s;
  }
  const out = [...shape];
  if (infer >= 0) {
    if (known === 0 || numel % known !== 0) {
      throw new ShapeError(`shape '${fmtShape(shape)}' is invalid for input of size ${numel}`);
    }
    out[infer] = numel / known;
  } else if (known !== numel) {
    throw new ShapeError(`shape '${fmtShape(shape)}' is invalid for input of size ${numel}`);
  }
  return out;
}

/**
 * Strides for viewing (shape, strides) as newShape without copying, or null when the memory layout
 * does not allow it (PyTorch's computeStride: dims are grouped into contiguous chunks).
 */
export function viewStrides(shape: readonly number[], strides: readonly number[], newShape: readonly number[]): number[] | null {
  const numel = numelOf(shape);
  const out = new Array<number>(newShape.length);
  if (numel === 0 || shape.length === 0) return contiguousStrides(newShape);
  let viewD = newShape.length - 1;
  let chunkBase = strides[strides.length - 1] ?? 1;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    tensorNumel *= shape[d]!;
    if (d === 0 || (shape[d - 1] !== 1 && strides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        out[viewD] = viewNumel * chunkBase;
        viewNumel *= newShape[viewD]!;
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = strides[d - 1]!;
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) return null;
  return out;
}
