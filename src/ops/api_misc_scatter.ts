import { record } from "../autograd/record.ts";
import { ArgumentError, DTypeError } from "../errors.ts";
import { checkArg, checkOptions } from "../options.ts";
import { arange } from "../tensor/ranges.ts";
import { Tensor } from "../tensor/tensor.ts";
import { defineMethods } from "./define_methods.ts";
import { div } from "./elementwise.ts";
import { gather, maskedFill } from "./indexing.ts";
import { applyInPlace } from "./inplace.ts";
import { positions, srcRows } from "./scatter.ts";
import { castRaw, denseData, fresh } from "./util.ts";
import { contiguous, reshape } from "./views.ts";

/**
 * torch.scatterReduce (PyTorch's scatter_reduce, "two"-style): src's values reduced into input at index
 * along dim with sum, prod, mean, amax or amin, input's own value taking part unless includeSelf is
 * false. The gradient is PyTorch's: sum and mean spread it, prod gives each contributor the product of
 * the others (exact with zeros), amax/amin split it evenly among the contributors equal to the result.
 */

export type ScatterReduceMode = "sum" | "prod" | "mean" | "amax" | "amin";
export interface ScatterReduceOptions {
  includeSelf?: boolean;
}

declare module "../tensor/tensor.ts" {
  interface Tensor {
    scatterReduce(dim: number, index: Tensor, src: Tensor, reduce: ScatterReduceMode, opts?: ScatterReduceOptions): Tensor;
    scatterReduce_(dim: number, index: Tensor, src: Tensor, reduce: ScatterReduceMode, opts?: ScatterReduceOptions): Tensor;
  }
}

const MODES: readonly string[] = ["sum", "prod", "mean", "amax", "amin"];
const IDENTITY = { sum: 0, prod: 1, mean: 0, amax: -Infinity, amin: Infinity };

export function scatterReduce(
  input: Tensor, dim: number, index: Tensor, src: Tensor, reduce: ScatterReduceMode, opts: ScatterReduceOptions = {},
): Tensor {
  return scatterReduceAs("ScatterReduceBackward0", input, dim, index, src, reduce, opts);
}

/** @internal scatterReduce recording its node under another op's name (indexReduce's IndexReduceBackward0). */
export function scatterReduceAs(
  node: string, input: Tensor, dim: number, index: Tensor, src: Tensor, reduce: ScatterReduceMode, opts: ScatterReduceOptions = {},
): Tensor {
  Tensor.check(input, "input");
  checkArg("scatterReduce()", dim, "int", 2, "dim");
  Tensor.check(src, "src");
  checkArg("scatterReduce()", reduce, "string", 5, "reduce");
  checkOptions("scatterReduce()", opts, { includeSelf: "boolean" }, { index: 6 });
  if (!MODES.includes(reduce)) throw new ArgumentError("reduce argument must be either sum, prod, mean, amax or amin.");
  if (reduce === "mean" && input.dtype === "bool") {
    throw new DTypeError(`"scatter_gather_tensor_cpu_reduce_mean" not implemented for 'Bool'`);
  }
  const includeSelf = opts.includeSelf ?? true;
  const pos = positions("scatter", input, dim, index, src);
  const vals = pos.length === 0 ? new Float64Array(0) : Float64Array.from(denseData(contiguous(srcRows(src.detach(), index))));
  const self = Float64Array.from(denseData(contiguous(input.detach())));
  const n = self.length;
  const count = new Float64Array(n).fill(includeSelf ? 1 : 0);
  const touched = new Uint8Array(n);
  const acc = Float64Array.from(self);
  for (const p of pos) {
    if (!touched[p] && !includeSelf) acc[p] = IDENTITY[reduce];
    touched[p] = 1;
  }
  pos.forEach((p, k) => {
    const v = vals[k]!;
    count[p]!++;
    if (reduce === "sum" || reduce === "mean") acc[p] += v;
    else if (reduce === "prod") acc[p] *= v;
    else if (Number.isNaN(v) || (reduce === "amax" ? v > acc[p]! : v < acc[p]!)) acc[p] = v;
  });
  const integral = input.dtype !== "float32" && input.dtype !== "float64";
  if (reduce === "mean") {
    for (let p = 0; p < n; p++) if (touched[p] && count[p]! > 0) acc[p] = integral ? Math.floor(acc[p]! / count[p]!) : acc[p]! / count[p]!;
  }
  const out = fresh(input.shape, input.dtype);
  // Integers have no -0 (a product of 0 and a negative would leave one in int64's float storage).
  out.storage.set(input.dtype === "bool" ? acc.map((v) => Number(v !== 0)) : integral ? acc.map((v) => v + 0) : acc);
  const result = Float64Array.from(denseData(out));
  const sameShape = src.shape.length === index.shape.length && src.shape.every((s, i) => s === index.shape[i]);
  return record(out, node, [input, null, src], (g, needs) => {
    // sum and mean: written with ops (gather, maskedFill), so the gradient is itself differentiable.
    if ((reduce === "sum" || reduce === "mean") && sameShape && src.ndim > 0) {
      const counts = Tensor.fromStorage(count.map((c) => Math.max(c, 1)), "float64", [...input.shape]);
      const scaled = reduce === "sum" ? g : div(g, castRaw(counts, g.dtype));
      const dropped = Tensor.fromStorage(touched.map((t) => Number(t === 1 && !includeSelf)), "bool", input.shape);
      return [needs[0] ? maskedFill(scaled, dropped, 0) : null, null, needs[2] ? gather(scaled, dim, index) : null];
    }
    const gd = denseData(contiguous(g));
    const gSelf = new Float64Array(n);
    const gVals = new Float64Array(pos.length);
    const selfIn = (p: number) => includeSelf || !touched[p];
    // amax/amin: how many contributors equal the result (self counted even when excluded, as PyTorch's
    // formula does); prod: each contributor's product of the others.
    const ties = new Float64Array(n);
    if (reduce === "amax" || reduce === "amin") {
      for (let p = 0; p < n; p++) if (self[p] === result[p]) ties[p] = 1;
      pos.forEach((p, k) => { if (vals[k] === result[p]) ties[p]!++; });
    }
    const others = reduce === "prod" ? productsOfOthers(pos, vals, self, selfIn, n) : null;
    for (let p = 0; p < n; p++) {
      if (!selfIn(p)) continue;
      // amax/amin follow PyTorch's formula everywhere: (self == result) * g / ties, so a NaN result
      // (nothing equals it, ties = 0) gives NaN.
      if (reduce === "amax" || reduce === "amin") gSelf[p] = Number(self[p] === result[p]) * (gd[p]! / ties[p]!);
      else if (!touched[p]) gSelf[p] = gd[p]!;
      else if (reduce === "sum") gSelf[p] = gd[p]!;
      else if (reduce === "mean") gSelf[p] = gd[p]! / count[p]!;
      else if (reduce === "prod") gSelf[p] = gd[p]! * others!.self[p]!;
    }
    pos.forEach((p, k) => {
      const gp = gd[p]!;
      if (reduce === "sum") gVals[k] = gp;
      else if (reduce === "mean") gVals[k] = gp / count[p]!;
      else if (reduce === "prod") gVals[k] = gp * others!.src[k]!;
      else gVals[k] = Number(vals[k] === result[p]) * (gp / ties[p]!);
    });
    let gradSelf: Tensor | null = null;
    if (needs[0]) {
      gradSelf = fresh(input.shape, g.dtype);
      gradSelf.storage.set(gSelf);
    }
    let gradSrc: Tensor | null = null;
    if (needs[2]) {
      gradSrc = fresh(src.shape, src.dtype);
      if (pos.length > 0) {
        const at = denseData(contiguous(srcRows(reshape(arange(src.numel(), { dtype: "int64" }), src.shape.length === 0 ? [] : src.shape), index)));
        at.forEach((q, k) => { gradSrc!.storage[q] = gVals[k]!; });
      }
    }
    return [gradSelf, null, gradSrc];
  }, false);
}

/** For prod's gradient: per contributor, the product of the other contributors to its position (no division). */
function productsOfOthers(pos: Float64Array, vals: Float64Array, self: Float64Array, selfIn: (p: number) => boolean, n: number) {
  const groups = new Map<number, number[]>();
  pos.forEach((p, k) => {
    const list = groups.get(p);
    if (list) list.push(k);
    else groups.set(p, [k]);
  });
  const selfOut = new Float64Array(n).fill(1);
  const srcOut = new Float64Array(pos.length);
  for (const [p, ks] of groups) {
    const items = [...(selfIn(p) ? [self[p]!] : []), ...ks.map((k) => vals[k]!)];
    const prefix = [1];
    for (const v of items) prefix.push(prefix[prefix.length - 1]! * v);
    let suffix = 1;
    const res = new Array<number>(items.length);
    for (let i = items.length - 1; i >= 0; i--) {
      res[i] = prefix[i]! * suffix;
      suffix *= items[i]!;
    }
    const shift = selfIn(p) ? 1 : 0;
    if (shift) selfOut[p] = res[0]!;
    ks.forEach((k, j) => { srcOut[k] = res[j + shift]!; });
  }
  return { self: selfOut, src: srcOut };
}

defineMethods({
  scatterReduce(this: Tensor, dim: number, index: Tensor, src: Tensor, reduce: ScatterReduceMode, opts?: ScatterReduceOptions) {
    return scatterReduce(this, dim, index, src, reduce, opts);
  },
  scatterReduce_(this: Tensor, dim: number, index: Tensor, src: Tensor, reduce: ScatterReduceMode, opts?: ScatterReduceOptions) {
    return applyInPlace(this, (s) => scatterReduce(s, dim, index, src, reduce, opts), { self: "copy" });
  },
});
