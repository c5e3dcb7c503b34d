/**
 * Scalars as PyTorch's LBFGS holds them: Python floats (doubles) or 0-d tensors of the parameters'
 * dtype (dot products, and what is computed from them). Mixed arithmetic follows PyTorch: a Python
 * number meeting a tensor is cast to the tensor's dtype and the result is a tensor, rounded to it;
 * `number / tensor` is `tensor.reciprocal() * number`; comparisons with a tensor happen in its
 * dtype. In float64 all of this is plain double arithmetic; in float32 it reproduces PyTorch's
 * roundings, which decide the line search's branches.
 */
import type { Rounder } from "../dense.ts";

export interface Num {
  readonly v: number;
  /** A 0-d tensor (rounded to the dtype) rather than a Python float. */
  readonly tensor: boolean;
}

export const py = (v: number): Num => ({ v, tensor: false });

export class Arith {
  constructor(private readonly fr: Rounder) {}

  /** A 0-d tensor holding v. */
  ts(v: number): Num {
    return { v: this.fr(v), tensor: true };
  }

  private as(a: Num): number {
    return a.tensor ? a.v : this.fr(a.v);
  }

  private op(a: Num, b: Num, f: (x: number, y: number) => number): Num {
    return a.tensor || b.tensor ? this.ts(f(this.as(a), this.as(b))) : py(f(a.v, b.v));
  }

  add(a: Num, b: Num): Num {
    return this.op(a, b, (x, y) => x + y);
  }

  sub(a: Num, b: Num): Num {
    return this.op(a, b, (x, y) => x - y);
  }

  mul(a: Num, b: Num): Num {
    return this.op(a, b, (x, y) => x * y);
  }

  div(a: Num, b: Num): Num {
    if (!a.tensor && b.tensor) return this.ts(this.fr(1 / b.v) * this.fr(a.v));
    return this.op(a, b, (x, y) => x / y);
  }

  sqrt(a: Num): Num {
    return a.tensor ? this.ts(Math.sqrt(a.v)) : py(Math.sqrt(a.v));
  }

  abs(a: Num): Num {
    return { v: Math.abs(a.v), tensor: a.tensor };
  }

  private pair(a: Num, b: Num): [number, number] {
    return a.tensor || b.tensor ? [this.as(a), this.as(b)] : [a.v, b.v];
  }

  gt(a: Num, b: Num): boolean {
    const [x, y] = this.pair(a, b);
    return x > y;
  }

  ge(a: Num, b: Num): boolean {
    const [x, y] = this.pair(a, b);
    return x >= y;
  }

  lt(a: Num, b: Num): boolean {
    return this.gt(b, a);
  }

  le(a: Num, b: Num): boolean {
    return this.ge(b, a);
  }

  /** Python's max(a, b): a unless b is strictly greater (so a NaN a stays). */
  max(a: Num, b: Num): Num {
    return this.gt(b, a) ? b : a;
  }

  min(a: Num, b: Num): Num {
    return this.lt(b, a) ? b : a;
  }
}
