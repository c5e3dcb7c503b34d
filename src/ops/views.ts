import { checkArg } from "../options.ts";
import { backend } from "../backend/registry.ts";
import { isGradEnabled } from "../autograd/grad_mode.ts";
import { record } from "../autograd/record.ts";
import { ArgumentError, IndexError, ShapeError } from "../errors.ts";
import { type DType, checkDType, isFloating } from "../tensor/dtype.ts";
import { fmtShape, inferShape, normDim, numelOf, sameShape, viewStrides } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { sumToShape } from "./reduce.ts";
import { castRaw, denseData, fresh, sv } from "./util.ts";

/**
 * View ops: new shape/strides/offset over the same storage, no copy. Each backward maps the
 * gradient back to the input's layout.
 */

function viewOf(x: Tensor, shape: readonly number[], strides: readonly number[], offset: number): Tensor {
  return Tensor.fromStorage(x.storage, x.dtype, shape, strides, offset);
}

/** `f(2, 3)` and `f([2, 3])` both mean the shape [2, 3], as in PyTorch. */
export function shapeArgs(args: readonly (number | readonly number[])[]): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return [...(args[0] as readonly number[])];
  return args as number[];
}

export function view(x: Tensor, shape: readonly number[]): Tensor {
  Tensor.check(x, "input");
  checkArg("view()", shape, "int[]", 2, "shape");
  const target = inferShape(shape, x.numel());
  const strides = viewStrides(x.shape, x.strides, target);
  if (strides === null) {
    throw new ShapeError(
      `view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead. (input ${fmtShape(x.shape)}, requested ${fmtShape(target)})`,
    );
  }
  const out = viewOf(x, target, strides, x.offset);
  return record(out, "ViewBackward0", [x], (g) => [reshape(g, x.shape)], false);
}

/** A view when the layout allows, a copy otherwise. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  Tensor.check(x, "input");
  checkArg("reshape()", shape, "int[]", 2, "shape");
  const target = inferShape(shape, x.numel());
  if (viewStrides(x.shape, x.strides, target) !== null) return view(x, target);
  return view(contiguous(x), target);
}

export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  Tensor.check(x, "input");
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normDim(startDim, x.ndim);
  const e = normDim(endDim, x.ndim);
  if (s > e) throw new ArgumentError("flatten() has invalid args: start_dim cannot come after end_dim");
  const shape = [...x.shape.slice(0, s), numelOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

export function contiguous(x: Tensor): Tensor {
  Tensor.check(x, "input");
  if (x.isContiguous()) return x;
  return clone(x);
}

export function clone(x: Tensor): Tensor {
  Tensor.check(x, "input");
  const out = fresh(x.shape, x.dtype);
  backend().copy(sv(x), x.shape, out.storage);
  return record(out, "CloneBackward0", [x], (g) => [g], false);
}

export function permute(x: Tensor, dims: readonly number[]): Tensor {
  Tensor.check(x, "input");
  checkArg("permute()", dims, "int[]", 2, "dims");
  if (dims.length !== x.ndim) {
    throw new ShapeError(
      `permute(): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${x.ndim} is not equal to len(dims) = ${dims.length}`,
    );
  }
  const nd = dims.map((d) => normDim(d, x.ndim));
  if (new Set(nd).size !== nd.length) throw new ArgumentError(`permute(): duplicate dims are not allowed (got ${fmtShape(dims)})`);
  const out = viewOf(x, nd.map((d) => x.shape[d]!), nd.map((d) => x.strides[d]!), x.offset);
  const inverse = new Array<number>(nd.length);
  nd.forEach((d, i) => (inverse[d] = i));
  return record(out, "PermuteBackward0", [x], (g) => [permute(g, inverse)], false);
}

export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  Tensor.check(x, "input");
  if (x.ndim === 0) {
    // a 0-d tensor takes dims 0 and -1, as PyTorch's
    normDim(dim0, 1);
    normDim(dim1, 1);
    return x;
  }
  return swapped(x, normDim(dim0, x.ndim), normDim(dim1, x.ndim), "TransposeBackward0");
}

/** The view with dims a and b exchanged, recorded under PyTorch's node name for the op that asked. */
function swapped(x: Tensor, a: number, b: number, name: string): Tensor {
  const shape = [...x.shape];
  const strides = [...x.strides];
  [shape[a], shape[b]] = [shape[b]!, shape[a]!];
  [strides[a], strides[b]] = [strides[b]!, strides[a]!];
  return record(viewOf(x, shape, strides, x.offset), name, [x], (g) => [transpose(g, a, b)], false);
}

/** Transpose of a tensor of at most 2 dims (PyTorch's `t()`). */
export function t(x: Tensor): Tensor {
  Tensor.check(x, "input");
  if (x.ndim > 2) throw new ShapeError(`t() expects a tensor with <= 2 dimensions, but self is ${x.ndim}D`);
  return x.ndim < 2 ? x : swapped(x, 0, 1, "TBackward0");
}

export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  Tensor.check(x, "input");
  let keep: boolean[];
  if (dim === undefined) keep = x.shape.map((s) => s !== 1);
  else {
    const ds = (typeof dim === "number" || !Array.isArray(dim) ? [dim as number] : dim).map((d) => normDim(d, x.ndim));
    keep = x.shape.map((s, i) => !(ds.includes(i) && s === 1));
  }
  const out = viewOf(x, x.shape.filter((_, i) => keep[i]), x.strides.filter((_, i) => keep[i]), x.offset);
  return record(out, dim === undefined ? "SqueezeBackward0" : "SqueezeBackward1", [x], (g) => [reshape(g, x.shape)], false);
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  Tensor.check(x, "input");
  const d = normDim(dim, x.ndim, true);
  const shape = [...x.shape];
  const strides = [...x.strides];
  const stride = d < x.ndim ? x.shape[d]! * x.strides[d]! : 1;
  shape.splice(d, 0, 1);
  strides.splice(d, 0, stride);
  const out = viewOf(x, shape, strides, x.offset);
  return record(out, "UnsqueezeBackward0", [x], (g) => [reshape(g, x.shape)], false);
}

/** Broadcasts size-1 dims to larger sizes (and prepends dims) without copying: stride 0. */
export function expand(x: Tensor, sizes: readonly number[]): Tensor {
  Tensor.check(x, "input");
  checkArg("expand()", sizes, "int[]", 2, "sizes");
  if (sizes.length < x.ndim) {
    throw new ShapeError(
      `expand: the number of sizes provided (${sizes.length}) must be greater or equal to the number of dimensions in the tensor (${x.ndim})`,
    );
  }
  const lead = sizes.length - x.ndim;
  const shape: number[] = [];
  const strides: number[] = [];
  for (let i = 0; i < sizes.length; i++) {
    const want = sizes[i]!;
    if (i < lead) {
      if (want < 0) throw new ShapeError(`expand: the expanded size ${want} is not allowed in a leading, non-existing dimension ${i}`);
      shape.push(want);
      strides.push(0);
      continue;
    }
    const have = x.shape[i - lead]!;
    const target = want === -1 ? have : want;
    if (have !== target && have !== 1) {
      throw new ShapeError(
        `The expanded size of the tensor (${target}) must match the existing size (${have}) at non-singleton dimension ${i}.  Target sizes: ${fmtShape(sizes)}.  Tensor sizes: ${fmtShape(x.shape)}`,
      );
    }
    shape.push(target);
    strides.push(have === target ? x.strides[i - lead]! : 0);
  }
  if (sameShape(shape, x.shape)) return x;
  const out = viewOf(x, shape, strides, x.offset);
  return record(out, "ExpandBackward0", [x], (g) => [sumToShape(g, x.shape)], false);
}

export function expandAs(x: Tensor, other: Tensor): Tensor {
  Tensor.check(other, "other");
  return expand(x, other.shape);
}

/** The gradient of a sub-view: zeros everywhere except the viewed region. */
function embedInto(g: Tensor, x: Tensor, place: (z: Tensor) => Tensor): Tensor {
  const z = fresh(x.shape, g.dtype);
  const target = place(z);
  backend().scatterInto(denseData(g), sv(target), target.shape);
  // createGraph: linear in g, with the same region of g's gradient as its own backward.
  if (isGradEnabled() && g.requiresGrad) return record(z, "SliceBackwardBackward0", [g], (gg) => [place(Tensor.fromStorage(denseData(gg), gg.dtype, gg.shape))], false);
  return z;
}

/** Elements start..start+step*(n-1) along dim (PyTorch's basic slicing `x[:, start:end:step]`). */
export function slice(x: Tensor, dim: number, start = 0, end?: number, step = 1): Tensor {
  Tensor.check(x, "input");
  const d = normDim(dim, x.ndim);
  const size = x.shape[d]!;
  if (!Number.isInteger(step) || step <= 0) throw new ArgumentError(`slice step must be a positive integer, got ${step}`);
  const clampIdx = (i: number) => Math.min(Math.max(i < 0 ? i + size : i, 0), size);
  const s = clampIdx(start);
  const e = Math.max(clampIdx(end ?? size), s);
  const len = Math.ceil((e - s) / step);
  return sliceView(x, d, s, len, step);
}

function sliceView(x: Tensor, d: number, start: number, len: number, step: number): Tensor {
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape[d] = len;
  strides[d] = x.strides[d]! * step;
  const out = viewOf(x, shape, strides, x.offset + start * x.strides[d]!);
  return record(
    out,
    "SliceBackward0",
    [x],
    (g) => [embedInto(g, x, (z) => Tensor.fromStorage(z.storage, z.dtype, shape, z.strides.map((st, i) => (i === d ? st * step : st)), start * z.strides[d]!))],
    false,
  );
}

export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  Tensor.check(x, "input");
  if (x.ndim === 0) throw new ShapeError("narrow() cannot be applied to a 0-dim tensor.");
  const d = normDim(dim, x.ndim);
  const size = x.shape[d]!;
  const s = start < 0 ? start + size : start;
  if (!Number.isInteger(s) || s < 0 || s > size) {
    throw new IndexError(`start out of range (expected to be in range of [${-size}, ${size}], but got ${start})`);
  }
  if (!Number.isInteger(length) || length < 0 || s + length > size) {
    throw new IndexError(`start (${s}) + length (${length}) exceeds dimension size (${size}).`);
  }
  return sliceView(x, d, s, length, 1);
}

export function select(x: Tensor, dim: number, index: number): Tensor {
  Tensor.check(x, "input");
  if (x.ndim === 0) throw new IndexError("select() cannot be applied to a 0-dim tensor.");
  const d = normDim(dim, x.ndim);
  const size = x.shape[d]!;
  if (!Number.isInteger(index) || index < -size || index >= size) {
    throw new IndexError(`index ${index} is out of bounds for dimension ${d} with size ${size}`);
  }
  const i = index < 0 ? index + size : index;
  return squeeze(sliceView(x, d, i, 1, 1), d);
}

/**
 * Values in another dtype, differentiable between float dtypes; an integer or bool result ends the
 * graph, as in PyTorch. "cpu", the only device, returns x itself.
 */
export function to(x: Tensor, dtype: DType | "cpu"): Tensor {
  Tensor.check(x, "input");
  if (dtype === "cpu" || x.dtype === dtype) return x;
  const out = castRaw(x, checkDType(dtype));
  if (!isFloating(dtype)) return out;
  return record(out, "ToCopyBackward0", [x], (g) => [castRaw(g, x.dtype)], false);
}
