import { DTypeError } from "../errors.ts";
import { checkArg, checkOptions } from "../options.ts";
import { broadcastShapes } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import * as E from "./elementwise.ts";
import { scalarTypeName } from "./promotion.ts";
import { sum } from "./reduce.ts";

/** Truth reductions: all, any (bool results, no gradient) and the whole-tensor tests equal, allclose. */

function countNonzero(x: Tensor, dim: number | undefined, keepdim: boolean, where: string, zeros: boolean): Tensor {
  Tensor.check(x, "input");
  if (dim !== undefined) checkArg(where, dim, "int", 2, "dim");
  checkArg(where, keepdim, "boolean", 3, "keepdim");
  const hits = zeros ? E.eq(x.detach(), 0) : E.ne(x.detach(), 0);
  return sum(hits, dim ?? null, dim === undefined ? false : keepdim);
}

/** torch.all: whether every element (along dim) is non-zero. */
export function all(x: Tensor, dim?: number, keepdim = false): Tensor {
  return E.eq(countNonzero(x, dim, keepdim, "all()", true), 0);
}

/** torch.any: whether some element (along dim) is non-zero. */
export function any(x: Tensor, dim?: number, keepdim = false): Tensor {
  return E.ne(countNonzero(x, dim, keepdim, "any()", false), 0);
}

/** torch.equal: same shape and the same values (NaN equals nothing). */
export function equal(a: Tensor, b: Tensor): boolean {
  Tensor.check(a, "input");
  Tensor.check(b, "other");
  if (a.ndim !== b.ndim || a.shape.some((s, i) => s !== b.shape[i])) return false;
  return all(E.eq(a.detach(), b.detach())).item() === 1;
}

export interface AllcloseOptions {
  rtol?: number;
  atol?: number;
  equalNan?: boolean;
}

/** torch.isclose: |a - b| <= atol + rtol * |b|, with infinities equal only to themselves. */
export function isclose(a: Tensor, b: Tensor, opts: AllcloseOptions = {}): Tensor {
  Tensor.check(a, "input");
  Tensor.check(b, "other");
  checkOptions("isclose()", opts, { rtol: "number", atol: "number", equalNan: "boolean" }, { index: 3, positional: "rtol" });
  if (a.dtype !== b.dtype) throw new DTypeError(`${scalarTypeName(a.dtype)} did not match ${scalarTypeName(b.dtype)}`);
  const rtol = opts.rtol ?? 1e-5;
  const atol = opts.atol ?? 1e-8;
  broadcastShapes(a.shape, b.shape);
  const x = a.detach();
  const y = b.detach();
  if (x.dtype === "bool") return E.eq(x, y);
  const gap = E.abs(E.sub(x, y));
  // An infinity is close only to itself (the eq term): inf <= inf would accept inf vs -inf.
  const near = E.logicalAnd(E.le(gap, E.add(E.mul(E.abs(y), rtol), atol)), E.ne(gap, Infinity));
  let close = E.logicalOr(E.eq(x, y), near);
  if (opts.equalNan) close = E.logicalOr(close, E.logicalAnd(E.ne(x, x), E.ne(y, y)));
  return close;
}

/** torch.allclose: whether isclose holds everywhere. */
export function allclose(a: Tensor, b: Tensor, opts: AllcloseOptions = {}): boolean {
  return all(isclose(a, b, opts)).item() === 1;
}
