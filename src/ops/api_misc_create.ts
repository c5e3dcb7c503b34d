import { ArgumentError, ShapeError } from "../errors.ts";
import { checkArg, checkOptions } from "../options.ts";
import { full } from "../tensor/creation.ts";
import { Tensor } from "../tensor/tensor.ts";
import { cumprod } from "./cumulative.ts";
import { cat } from "./join.ts";
import { resultType } from "./promotion.ts";
import { flip } from "./shape_ops.ts";
import { castRaw, denseData } from "./util.ts";
import { expand, unsqueeze } from "./views.ts";

/** torch.vander and torch.isin. */

export interface VanderOptions {
  N?: number | null;
  increasing?: boolean;
}

/**
 * The Vandermonde matrix of a 1-d x: columns x^(N-1) ... x^0 (or increasing powers). Integer and bool
 * inputs give int64. Built as PyTorch builds it, a cumprod over [1, x, x, ...], so it has the same gradient.
 */
export function vander(x: Tensor, N?: number | null | VanderOptions, increasing?: boolean): Tensor {
  Tensor.check(x, "x");
  if (N !== null && typeof N === "object") {
    checkOptions("vander()", N, { N: "int?", increasing: "boolean" }, { index: 2 });
    [N, increasing] = [N.N, N.increasing];
  }
  checkArg("vander()", N, "int?", 2, "N");
  checkArg("vander()", increasing, "boolean?", 3, "increasing");
  if (x.ndim !== 1) throw new ShapeError("x must be a one-dimensional tensor.");
  const n = N ?? x.shape[0]!;
  if (n < 0) throw new ArgumentError("N must be non-negative.");
  const dtype = x.dtype === "int32" || x.dtype === "bool" ? "int64" : x.dtype;
  const rows = x.shape[0]!;
  if (n === 0 || rows === 0) return full([rows, n], 0, { dtype });
  const xc = castRaw(x, dtype);
  const parts = [full([rows, 1], 1, { dtype })];
  if (n > 1) parts.push(expand(unsqueeze(xc, 1), [rows, n - 1]));
  const out = cumprod(cat(parts, 1), 1);
  return increasing ? out : flip(out, 1);
}

export interface IsinOptions {
  assumeUnique?: boolean;
  invert?: boolean;
}

/** Whether each element of `elements` equals some element of `testElements` (compared in their promoted dtype). */
export function isin(elements: Tensor | number, testElements: Tensor | number, opts: IsinOptions = {}): Tensor {
  checkOptions("isin()", opts, { assumeUnique: "boolean", invert: "boolean" }, { index: 3 });
  if (!(elements instanceof Tensor) && !(testElements instanceof Tensor)) {
    throw new ArgumentError("isin(): at least one of elements and testElements must be a Tensor");
  }
  if (!(elements instanceof Tensor)) checkArg("isin()", elements, "number", 1, "elements");
  if (!(testElements instanceof Tensor)) checkArg("isin()", testElements, "number", 2, "testElements");
  for (const t of [elements, testElements]) {
    if (t instanceof Tensor && t.dtype === "bool") throw new ArgumentError("Unsupported input type encountered for isin(): Bool");
  }
  const dtype = resultType(elements, testElements);
  const asTensor = (v: Tensor | number) => (v instanceof Tensor ? castRaw(v.detach(), dtype) : full([], v, { dtype }));
  const e = asTensor(elements);
  const set = new Set(denseData(asTensor(testElements).contiguous()));
  const invert = opts.invert ?? false;
  const src = denseData(e.contiguous());
  const out = new Uint8Array(src.length);
  // NaN equals nothing, though a JS Set would find it.
  for (let i = 0; i < src.length; i++) out[i] = Number((!Number.isNaN(src[i]!) && set.has(src[i]!)) !== invert);
  return Tensor.fromStorage(out, "bool", [...e.shape]);
}
