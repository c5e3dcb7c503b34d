import type { UnaryOp } from "../backend/backend.ts";
import { unaryNodeName } from "./node_names.ts";
import { backend } from "../backend/registry.ts";
import { isGradEnabled } from "../autograd/grad_mode.ts";
import { record } from "../autograd/record.ts";
import { DTypeError } from "../errors.ts";
import { checkArity } from "../options.ts";
import { type DType, isFloating } from "../tensor/dtype.ts";
import { Tensor } from "../tensor/tensor.ts";
import { category, notImplemented, unaryResult } from "./op_spec.ts";
import { type UnaryName, unaryRow } from "./op_table_unary.ts";
import { castRaw, defaultFloat, denseData, fresh, freshOutput } from "./util.ts";

export * from "./op_functions.ts";
export { binaryRaw, clamp, rsub, type AlphaOptions, type DivOptions, type RoundingMode } from "./binary.ts";

/**
 * Unary elementwise ops, run from their table row (op_table_unary.ts): the dtype check, the result
 * dtype, the kernel, and the gradient recorded beside it.
 */

/**
 * The kernel alone, computed in `dtype` (the input is cast to it first, unless `reads` is "input": then
 * the kernel reads the input's own dtype and writes `dtype`). No checks, no autograd.
 */
export function unaryRaw(op: UnaryOp, x: Tensor, dtype: DType = x.dtype, reads?: "input"): Tensor {
  const src = reads === "input" ? x : castRaw(x, dtype);
  const out = freshOutput(x.shape, dtype);
  backend().unary(op, denseData(src), out.storage, out.numel());
  return out;
}

/** The dtype op(x) has, or PyTorch's error for an input dtype the op refuses. */
export function unaryResultType(op: UnaryName, d: DType): DType {
  const row = unaryRow(op);
  if (!row.accepts.includes(category(d))) {
    throw new DTypeError((row.refuse ?? notImplemented(op))(d));
  }
  return unaryResult(row.result, d, defaultFloat());
}

export function unary(op: UnaryName, x: Tensor): Tensor {
  Tensor.check(x, "input");
  const row = unaryRow(op);
  const dtype = unaryResultType(op, x.dtype);
  const out = unaryRaw((row.kernels?.[dtype] ?? op) as UnaryOp, x, dtype, row.reads);
  const grad = row.grad;
  if (grad === null || !isFloating(dtype)) return out;
  const y = out.detach();
  const backward = grad === "zero" ? (g: Tensor) => fresh(g.shape, g.dtype) : (g: Tensor) => grad(g, x, isGradEnabled() ? out : y);
  // The saved tensors (the row's `saves`) are what an in-place write must not change before backward.
  const saved = row.saves.length === 0 ? false : row.saves.map((s) => (s === "input" ? x : y));
  return record(out, unaryNodeName(op), [x], (g) => [backward(g)], saved);
}

/** The public function of a table op: `torch.exp(x)`; extra arguments are an error, not ignored. */
export function unaryFunction(op: UnaryName): (input: Tensor) => Tensor {
  return function (x: Tensor) {
    // eslint-disable-next-line prefer-rest-params
    if (arguments.length > 1) checkArity(`${op}()`, arguments, 1);
    return unary(op, x);
  };
}
