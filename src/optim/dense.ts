/**
 * Flat-array access for optimizer updates. Updates run as plain loops over the Float32Array /
 * Float64Array behind a parameter, its gradient and its state buffers: no temporaries, no graph.
 *
 * float32 arithmetic is emulated exactly: every float32 op (+, *, /, sqrt) is done in double and
 * rounded with Math.fround, which gives the correctly rounded float32 result (a double holds more than
 * 2*24+2 bits). Where PyTorch's CPU kernels fuse a multiply-add (`add(x, alpha=a)`, `addcmul`), the
 * product is left unrounded, as an FMA would; see the update loops.
 */
import { DTypeError, ShapeError } from "../errors.ts";
import { isFloating } from "../tensor/dtype.ts";
import { fmtShape, sameShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { bumpVersion } from "../tensor/version.ts";
import "../ops/methods.ts";

export type FloatArray = Float32Array | Float64Array;
/** Rounds a double to the parameter's precision: Math.fround for float32, identity for float64. */
export type Rounder = (x: number) => number;

const identity: Rounder = (x) => x;

export function rounderFor(t: Tensor): Rounder {
  return t.dtype === "float32" ? Math.fround : identity;
}

/** The contiguous elements of t, without a copy when t is contiguous (writes go to t's memory). */
function flatView(t: Tensor): FloatArray | null {
  if (!t.isContiguous()) return null;
  const s = t.storage as FloatArray;
  return t.offset === 0 && s.length === t.numel() ? s : (s.subarray(t.offset, t.offset + t.numel()) as FloatArray);
}

export interface ParamView {
  /** The parameter's elements; writes land in the parameter (see `commit`). */
  p: FloatArray;
  /** The gradient's elements, in the parameter's dtype. Read only. */
  g: FloatArray;
  fr: Rounder;
  /** Writes `p` back into the parameter when it had to be copied (non-contiguous parameter). */
  commit(): void;
}

/**
 * Flat arrays for a parameter and its gradient. Contiguous tensors (all parameters a module makes)
 * are used in place; anything else is gathered into a temporary and written back by commit().
 */
export function paramView(param: Tensor, grad: Tensor, who: string): ParamView {
  if (!isFloating(param.dtype)) throw new DTypeError(`${who}: can only optimize floating point Tensors, got ${param.dtype}`);
  if (!sameShape(param.shape, grad.shape)) {
    throw new ShapeError(`${who}: gradient of shape ${fmtShape(grad.shape)} does not match parameter of shape ${fmtShape(param.shape)}`);
  }
  const g = grad.dtype === param.dtype ? flatView(grad) ?? (grad.toTypedArray() as FloatArray) : (grad.to(param.dtype).toTypedArray() as FloatArray);
  const direct = flatView(param);
  const p = direct ?? (param.toTypedArray() as FloatArray);
  // The update is an in-place write: a graph that saved the parameter must not backward through it.
  if (direct) bumpVersion(param.storage);
  return {
    p,
    g,
    fr: rounderFor(param),
    commit: direct ? noop : () => void param.copy_(Tensor.fromStorage(p, param.dtype, param.shape)),
  };
}

function noop(): void {}

/** A fresh dense tensor shaped like `p`, filled with `value`. */
export function bufferLike(p: Tensor, value = 0): Tensor {
  const t = Tensor.empty(p.shape, p.dtype);
  if (value !== 0) t.storage.fill(value);
  return t;
}

/**
 * The flat storage of a state buffer. Buffers made by optimizers are dense already; one that is not
 * (replaced by hand) is swapped once for a dense copy, so later steps stay allocation-free.
 */
export function bufferData(state: Record<string, unknown>, key: string, p: Tensor, init = 0): FloatArray {
  const cur = state[key];
  if (cur instanceof Tensor && cur.isDense() && cur.dtype === p.dtype && sameShape(cur.shape, p.shape)) {
    return cur.storage as FloatArray;
  }
  const fresh = bufferLike(p, init);
  if (cur instanceof Tensor) {
    if (!sameShape(cur.shape, p.shape)) {
      throw new ShapeError(`optimizer state "${key}" has shape ${fmtShape(cur.shape)}, but its parameter has shape ${fmtShape(p.shape)}`);
    }
    (fresh.storage as FloatArray).set(cur.to(p.dtype).toTypedArray() as FloatArray);
  }
  state[key] = fresh;
  return fresh.storage as FloatArray;
}
