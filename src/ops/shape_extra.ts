import { ArgumentError, IndexError, ShapeError } from "../errors.ts";
import { checkArg } from "../options.ts";
import { tensorTypeName } from "../tensor/dtype.ts";
import { broadcastShapes, fmtShape, normDim, numelOf } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { contiguous, expand, permute, reshape, transpose, unsqueeze, view } from "./views.ts";

/**
 * Views that rearrange dims (movedim, swapaxes, unflatten, broadcastTo, atleast_nd): each is a
 * permute, reshape or expand of x, so it shares x's memory and takes its gradient from those.
 */

const dimList = (d: number | readonly number[]): number[] => (typeof d === "number" ? [d] : [...d]);

/** torch.movedim: the dims in `source` moved to the places in `destination`; the others keep their order. */
export function movedim(x: Tensor, source: number | readonly number[], destination: number | readonly number[]): Tensor {
  Tensor.check(x, "input");
  checkArg("movedim()", source, "ints", 2, "source");
  checkArg("movedim()", destination, "ints", 3, "destination");
  const src = dimList(source);
  const dst = dimList(destination);
  if (src.length !== dst.length) {
    throw new ArgumentError(
      `movedim: Invalid source or destination dims: source (${fmtShape(src)} dims) should contain the same number of dims as destination (${fmtShape(dst)} dims)`,
    );
  }
  const s = src.map((d) => normDim(d, x.ndim));
  const t = dst.map((d) => normDim(d, x.ndim));
  if (new Set(s).size !== s.length) throw new ArgumentError(`movedim: repeated dim in \`source\` (${fmtShape(src)})`);
  if (new Set(t).size !== t.length) throw new ArgumentError(`movedim: repeated dim in \`destination\` (${fmtShape(dst)})`);
  if (x.ndim === 0) return permute(x, []);
  const order = new Array<number>(x.ndim).fill(-1);
  s.forEach((d, i) => (order[t[i]!] = d));
  const rest = x.shape.map((_, i) => i).filter((i) => !s.includes(i));
  for (let i = 0, k = 0; i < order.length; i++) if (order[i] === -1) order[i] = rest[k++]!;
  return permute(x, order);
}

/** torch.swapaxes / swapdims: NumPy's names for transpose. */
export function swapaxes(x: Tensor, axis0: number, axis1: number): Tensor {
  Tensor.check(x, "input");
  checkArg("swapaxes()", axis0, "int", 2, "axis0");
  checkArg("swapaxes()", axis1, "int", 3, "axis1");
  return transpose(x, axis0, axis1);
}

/** torch.unflatten: dim split into `sizes` (one may be -1); a view, as PyTorch's (which calls view). */
export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  Tensor.check(x, "input");
  checkArg("unflatten()", dim, "int", 2, "dim");
  checkArg("unflatten()", sizes, "int[]", 3, "sizes");
  if (x.ndim === 0) throw new IndexError(`Dimension specified as ${dim} but tensor has no dimensions`);
  const d = normDim(dim, x.ndim);
  if (sizes.length === 0) throw new ArgumentError("unflatten: sizes must be non-empty");
  const bad = sizes.find((s) => s < -1);
  if (bad !== undefined) throw new ShapeError(`invalid shape dimension ${bad}`);
  const size = x.shape[d]!;
  const infer = sizes.filter((s) => s === -1).length;
  const known = numelOf(sizes.filter((s) => s !== -1));
  const fits = infer === 0 ? known === size : infer === 1 && known !== 0 && size % known === 0;
  if (!fits) {
    throw new ShapeError(`unflatten: Provided sizes ${fmtShape(sizes)} don't multiply up to the size of dim ${d} (${size}) in the input tensor`);
  }
  const full = sizes.map((s) => (s === -1 ? size / known : s));
  return view(x, [...x.shape.slice(0, d), ...full, ...x.shape.slice(d + 1)]);
}

/** torch.broadcast_to: expand, with PyTorch's message naming the tensor type. */
export function broadcastTo(x: Tensor, size: readonly number[]): Tensor {
  Tensor.check(x, "input");
  checkArg("broadcastTo()", size, "int[]", 2, "size");
  if (size.length < x.ndim) {
    throw new ShapeError(
      `expand(${tensorTypeName(x.dtype)}{${fmtShape(x.shape)}}, size=${fmtShape(size)}): the number of sizes provided (${size.length}) ` +
        `must be greater or equal to the number of dimensions in the tensor (${x.ndim})`,
    );
  }
  return expand(x, size);
}

/** torch.broadcast_tensors: every input expanded to their common shape (views). */
export function broadcastTensors(...tensors: (Tensor | readonly Tensor[])[]): Tensor[] {
  const ts = (tensors.length === 1 && Array.isArray(tensors[0]) ? tensors[0] : tensors) as Tensor[];
  ts.forEach((t, i) => Tensor.check(t, `tensors[${i}]`));
  const shape = ts.reduce<number[]>((s, t) => broadcastShapes(s, t.shape), []);
  return ts.map((t) => expand(t, shape));
}

/**
 * torch.ravel: the flattened tensor, a view when the layout allows. As PyTorch's contiguous().view(-1): a
 * strided input's copy is not a view of it (an in-place op on a leaf's ravel is then allowed).
 */
export function ravel(x: Tensor): Tensor {
  Tensor.check(x, "input");
  return view(contiguous(x), [-1]);
}

/** Tensor.reshape_as. */
export function reshapeAs(x: Tensor, other: Tensor): Tensor {
  Tensor.check(x, "input");
  Tensor.check(other, "other");
  return reshape(x, other.shape);
}

type Many = (Tensor | readonly Tensor[])[];

/** The atleast_nd family: one tensor in, one out; several (or a list) in, a list out. */
function atleast(args: Many, fix: (t: Tensor) => Tensor): Tensor | Tensor[] {
  if (args.length === 1 && args[0] instanceof Tensor) return fix(args[0]);
  const ts = (args.length === 1 && Array.isArray(args[0]) ? args[0] : args) as Tensor[];
  return ts.map((t, i) => fix(Tensor.check(t, `tensors[${i}]`)));
}

export const atleast1dOne = (t: Tensor): Tensor => (t.ndim === 0 ? reshape(t, [1]) : t);
export const atleast2dOne = (t: Tensor): Tensor => (t.ndim === 0 ? reshape(t, [1, 1]) : t.ndim === 1 ? unsqueeze(t, 0) : t);
export const atleast3dOne = (t: Tensor): Tensor =>
  t.ndim === 0 ? reshape(t, [1, 1, 1]) : t.ndim === 1 ? unsqueeze(unsqueeze(t, 0), 2) : t.ndim === 2 ? unsqueeze(t, 2) : t;

export function atleast1d(x: Tensor): Tensor;
export function atleast1d(...xs: Many): Tensor[];
export function atleast1d(...xs: Many): Tensor | Tensor[] {
  return atleast(xs, atleast1dOne);
}

export function atleast2d(x: Tensor): Tensor;
export function atleast2d(...xs: Many): Tensor[];
export function atleast2d(...xs: Many): Tensor | Tensor[] {
  return atleast(xs, atleast2dOne);
}

export function atleast3d(x: Tensor): Tensor;
export function atleast3d(...xs: Many): Tensor[];
export function atleast3d(...xs: Many): Tensor | Tensor[] {
  return atleast(xs, atleast3dOne);
}
