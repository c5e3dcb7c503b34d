import { ArgumentError, DTypeError, IndexError, ShapeError } from "../errors.ts";
import { checkOptions } from "../options.ts";
import { isFloating } from "../tensor/dtype.ts";
import { normDim } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { cumsum } from "./cumulative.ts";
import * as E from "./elementwise.ts";
import { sum } from "./reduce.ts";
import { diff } from "./shape_ops.ts";
import { castRaw, defaultFloat } from "./util.ts";
import { narrow, reshape } from "./views.ts";

/**
 * The trapezoidal rule along a dim (torch.trapezoid / trapz, cumulative_trapezoid): the sum (or
 * running sum) of spacing * (y[i] + y[i+1]) / 2, composed of narrow, diff, mul and sum/cumsum.
 */

export interface TrapezoidOptions {
  /** Constant spacing between samples (default 1); not with x. */
  dx?: number;
  dim?: number;
}

/** The halved pair sums of y along d, times the spacing: the areas of the trapezoids. */
function areas(name: string, y: Tensor, xOrOpts: Tensor | TrapezoidOptions | null | undefined, more: TrapezoidOptions | undefined): { a: Tensor; d: number } {
  Tensor.check(y, "y");
  const x = xOrOpts instanceof Tensor ? xOrOpts : null;
  const opts = (xOrOpts instanceof Tensor || xOrOpts === null ? more : xOrOpts) ?? {};
  checkOptions(`${name}()`, opts, { dx: "number", dim: "int" }, { index: 3, positional: "dx" });
  if (x !== null && opts.dx !== undefined) throw new ArgumentError(`${name}(): pass either x or dx, not both`);
  const pyName = name === "cumulativeTrapezoid" ? "cumulative_trapezoid" : "trapezoid";
  if (y.dtype === "bool") throw new DTypeError(`${pyName}: received a bool input for \`y\`, but bool is not supported`);
  const dim = opts.dim ?? -1;
  if (y.ndim === 0) {
    throw new IndexError(name === "cumulativeTrapezoid" ? "slice() cannot be applied to a 0-dim tensor." : `Dimension specified as ${dim} but tensor has no dimensions`);
  }
  const d = normDim(dim, y.ndim);
  const yf = isFloating(y.dtype) ? y : castRaw(y, defaultFloat());
  const n = y.shape[d]!;
  const len = Math.max(n - 1, 0);
  const pairs = E.add(narrow(yf, d, Math.min(1, n), len), narrow(yf, d, 0, len));
  if (x === null) return { a: E.mul(pairs, (opts.dx ?? 1) / 2), d };
  let spacing: Tensor;
  if (x.ndim === 1) {
    if (x.shape[0] !== n) throw new ShapeError(`${pyName}: There must be one \`x\` value for each sample point`);
    spacing = reshape(diff(x), y.shape.map((_, i) => (i === d ? len : 1)));
  } else {
    spacing = diff(x, 1, dim);
  }
  return { a: E.div(E.mul(spacing, pairs), 2), d };
}

/** torch.trapezoid(y, x?, { dx, dim = -1 }): the integral of y along dim by the trapezoidal rule. */
export function trapezoid(y: Tensor, xOrOpts?: Tensor | TrapezoidOptions | null, opts?: TrapezoidOptions): Tensor {
  const { a, d } = areas("trapezoid", y, xOrOpts, opts);
  return sum(a, d);
}

/** torch.trapz: trapezoid's older name. */
export function trapz(y: Tensor, xOrOpts?: Tensor | TrapezoidOptions | null, opts?: TrapezoidOptions): Tensor {
  const { a, d } = areas("trapz", y, xOrOpts, opts);
  return sum(a, d);
}

/** torch.cumulative_trapezoid: the running integral, one element shorter along dim. */
export function cumulativeTrapezoid(y: Tensor, xOrOpts?: Tensor | TrapezoidOptions | null, opts?: TrapezoidOptions): Tensor {
  const { a, d } = areas("cumulativeTrapezoid", y, xOrOpts, opts);
  return cumsum(a, d);
}
