import { DTypeError } from "../errors.ts";
import { checkOptions } from "../options.ts";
import { isFloating } from "../tensor/dtype.ts";
import { Tensor } from "../tensor/tensor.ts";
import * as E from "./elementwise.ts";
import { where } from "./indexing.ts";
import { scalarTypeName } from "./promotion.ts";
import { type DTypeOption, type Dims, type VarOptions, checkReduction, expandBack, mean, resolveDims, std, sum, variance } from "./reduce.ts";
import { castRaw } from "./util.ts";
import { record } from "../autograd/record.ts";

/** NaN-skipping sums and means, and the (std, mean) / (var, mean) pairs, composed from reduce.ts. */

/**
 * torch.nansum: sum treating NaN as zero. Its gradient is g * !isnan(x), a product as PyTorch's, so an
 * infinite g (nanmean of an all-NaN slice) gives NaN there rather than 0.
 */
export function nansum(x: Tensor, dim?: Dims | null, keepdim = false, opts: DTypeOption = {}): Tensor {
  checkReduction("nansum", x, keepdim);
  checkOptions("nansum()", opts, { dtype: "string" }, { index: 4, positional: "dtype" });
  if (!isFloating(x.dtype)) return sum(x, dim, keepdim, opts);
  if (opts.dtype !== undefined && !isFloating(opts.dtype)) throw new DTypeError(`"nansum_cpu" not implemented for '${scalarTypeName(opts.dtype)}'`);
  const xd = x.detach();
  const out = sum(where(E.isnan(xd), 0, xd), dim, keepdim, opts);
  if (!isFloating(out.dtype)) return out;
  const dims = resolveDims(x, dim);
  return record(out, "NansumBackward0", [x], (g) => [castRaw(E.mul(expandBack(g, x, dims, keepdim), E.logicalNot(E.isnan(xd))), x.dtype)], [x]);
}

/** torch.nanmean: the mean of the non-NaN elements (NaN where there are none). */
export function nanmean(x: Tensor, dim?: Dims | null, keepdim = false, opts: DTypeOption = {}): Tensor {
  checkReduction("nanmean", x, keepdim);
  checkOptions("nanmean()", opts, { dtype: "string" }, { index: 4, positional: "dtype" });
  if (!isFloating(x.dtype)) throw new DTypeError(`nanmean(): expected input to have floating point dtype but got ${scalarTypeName(x.dtype)}`);
  const count = sum(E.logicalNot(E.isnan(x.detach())), dim, keepdim);
  return E.div(nansum(x, dim, keepdim, opts), count);
}

function pair(name: string, x: Tensor, dim: Dims | null | undefined, opts: VarOptions, spread: (x: Tensor, dim: Dims | null | undefined, opts: VarOptions) => Tensor): [Tensor, Tensor] {
  Tensor.check(x, "input");
  checkOptions(`${name}()`, opts, { unbiased: "boolean", correction: "number", keepdim: "boolean" }, { index: 3, positional: "unbiased" });
  if (!isFloating(x.dtype)) throw new DTypeError(`${name} only support floating point and complex dtypes`);
  return [spread(x, dim, opts), mean(x, dim, opts.keepdim ?? false)];
}

/** torch.std_mean: [std, mean] over dim, with std's unbiased / correction / keepdim. */
export function stdMean(x: Tensor, dim?: Dims | null, opts: VarOptions = {}): [Tensor, Tensor] {
  return pair("std_mean", x, dim, opts, std);
}

/** torch.var_mean: [var, mean] over dim. */
export function varMean(x: Tensor, dim?: Dims | null, opts: VarOptions = {}): [Tensor, Tensor] {
  return pair("var_mean", x, dim, opts, variance);
}
