/**
 * LBFGS works on all parameters as one flat vector, as PyTorch's `_gather_flat_grad`, `_add_grad`,
 * `_clone_param` and `_set_param` do. Vectors are plain Float32Array / Float64Array in the parameters'
 * dtype; float32 results are rounded per op as PyTorch's CPU kernels round them (see ../dense.ts).
 * Dot products round as PyTorch's (sequential, see dot). sumAbs adds in index order too, which is
 * PyTorch's order for up to 4 and for 8 elements; its vectorised sum of longer vectors has another,
 * so there (only the first step length uses it) the two agree to rounding.
 */
import { DTypeError } from "../../errors.ts";
import { isFloating } from "../../tensor/dtype.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { bumpVersion } from "../../tensor/version.ts";
import { type FloatArray, type Rounder, rounderFor } from "../dense.ts";
import "../../ops/methods.ts";

export type Vec = FloatArray;

export class FlatParams {
  readonly numel: number;
  readonly dtype: "float32" | "float64";
  readonly fr: Rounder;

  constructor(readonly params: readonly Tensor[], who: string) {
    const first = params[0]!;
    for (const p of params) {
      if (!isFloating(p.dtype)) throw new DTypeError(`${who}: can only optimize floating point Tensors, got ${p.dtype}`);
      if (p.dtype !== first.dtype) throw new DTypeError(`${who}: all parameters must have one dtype, got ${first.dtype} and ${p.dtype}`);
    }
    this.dtype = first.dtype as "float32" | "float64";
    this.fr = rounderFor(first);
    this.numel = params.reduce((n, p) => n + p.numel(), 0);
  }

  newVec(): Vec {
    return this.dtype === "float32" ? new Float32Array(this.numel) : new Float64Array(this.numel);
  }

  /** The gradients end to end; a parameter without one contributes zeros. */
  gatherGrad(): Vec {
    return this.gather((p) => Tensor.peekGrad(p));
  }

  /** The parameters' values end to end (a copy). */
  clone(): Vec {
    return this.gather((p) => p);
  }

  private gather(of: (p: Tensor) => Tensor | null): Vec {
    const out = this.newVec();
    let off = 0;
    for (const p of this.params) {
      const t = of(p);
      if (t !== null) out.set((t.dtype === this.dtype ? t : t.to(this.dtype)).toTypedArray() as Vec, off);
      off += p.numel();
    }
    return out;
  }

  /** Writes `x` into the parameters. */
  set(x: Vec): void {
    this.update((dst, off) => dst.set(x.subarray(off, off + dst.length)));
  }

  /** p += step * d, as `p.add_(d, alpha=step)`: the step rounded to the dtype, the multiply-add fused. */
  addScaled(step: number, d: Vec): void {
    const a = this.fr(step);
    if (this.dtype === "float32") {
      const f = Math.fround;
      this.update((dst, off) => {
        for (let i = 0; i < dst.length; i++) dst[i] = f(dst[i]! + a * d[off + i]!);
      });
    } else {
      this.update((dst, off) => {
        for (let i = 0; i < dst.length; i++) dst[i] = dst[i]! + a * d[off + i]!;
      });
    }
  }

  /** Runs `write` on each parameter's elements (its own memory when contiguous), offset into the flat vector. */
  private update(write: (dst: Vec, offset: number) => void): void {
    let off = 0;
    for (const p of this.params) {
      const n = p.numel();
      if (p.isContiguous()) {
        write((p.storage as Vec).subarray(p.offset, p.offset + n), off);
        bumpVersion(p.storage); // an in-place write: graphs that saved p must not backward through it
      } else {
        const tmp = p.toTypedArray() as Vec;
        write(tmp, off);
        p.copy_(Tensor.fromStorage(tmp, p.dtype, p.shape));
      }
      off += n;
    }
  }
}

/**
 * a'b as PyTorch's CPU `dot` computes it (reference BLAS sdot/ddot): products added in index order,
 * each product and partial sum rounded to the dtype.
 */
export function dot(a: Vec, b: Vec, fr: Rounder): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s = fr(s + fr(a[i]! * b[i]!));
  return s;
}

export function maxAbs(a: Vec): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]!);
    if (v > m || Number.isNaN(v)) m = v;
  }
  return m;
}

export function sumAbs(a: Vec, fr: Rounder): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s = fr(s + Math.abs(a[i]!));
  return s;
}

/** max |d * t| with d * t rounded to the dtype, PyTorch's `d.mul(t).abs().max()`. */
export function maxAbsScaled(d: Vec, t: number, fr: Rounder): number {
  const a = fr(t);
  let m = 0;
  for (let i = 0; i < d.length; i++) {
    const v = Math.abs(fr(d[i]! * a));
    if (v > m || Number.isNaN(v)) m = v;
  }
  return m;
}
