import { isGradEnabled } from "../autograd/grad_mode.ts";
import { record } from "../autograd/record.ts";
import { DTypeError } from "../errors.ts";
import { checkArg, checkArity, checkOptions } from "../options.ts";
import { isFloating } from "../tensor/dtype.ts";
import { Tensor } from "../tensor/tensor.ts";
import { applyInPlace } from "./inplace.ts";
import type { CompositeOptions } from "./op_spec.ts";
import { type CompositeName, compositeRow } from "./op_table_composite.ts";
import { sumToShape } from "./reduce.ts";
import { type TensorLike, castRaw } from "./util.ts";

/**
 * Composite ops run from their table row (op_table_composite.ts): argument and option checks, PyTorch's
 * dtype refusals, the forward on detached operands, and one recorded node with the row's gradient, each
 * operand's share summed back over the dims it was broadcast along.
 */

/** The operands and options of a call, checked against the row. */
function parse(op: CompositeName, args: readonly unknown[]): { operands: TensorLike[]; opts: CompositeOptions } {
  const row = compositeRow(op);
  const where = `${op}()`;
  const n = row.operands.length;
  checkArity(where, args, n + (row.options ? 1 : 0));
  const operands = row.operands.map(([name, kind], i) => {
    const a = args[i];
    // Python's True/False are the numbers 1/0 where a number may stand (lerp's weight, float_power's exponent)
    if (typeof a === "boolean" && kind !== "tensor") return Number(a);
    // A tensor-or-number operand that is neither is reported as a missing or wrong number.
    if (!(a instanceof Tensor)) checkArg(where, a, kind === "tensor" ? "tensor" : "number", i + 1, name);
    return a as TensorLike;
  });
  const opts = (args[n] ?? {}) as CompositeOptions;
  if (row.options) checkOptions(where, args[n], Object.fromEntries(row.options.map((k) => [k, "number?"])), { index: n + 1 });
  return { operands, opts };
}

export function compositeOp(op: CompositeName, args: readonly unknown[]): Tensor {
  const row = compositeRow(op);
  const { operands, opts } = parse(op, args);
  const refused = row.refuse?.(operands) ?? null;
  if (refused !== null) throw new DTypeError(refused);
  const out = row.forward(operands.map((a) => (a instanceof Tensor ? a.detach() : a)), opts);
  const grad = row.grad;
  const inputs = operands.map((a) => (a instanceof Tensor ? a : null));
  if (grad === null || !isFloating(out.dtype)) return out;
  const y = out.detach();
  const saves = typeof row.saves === "function" ? row.saves(operands) : row.saves;
  return record(out, row.node, inputs, (g, needs) => {
    // createGraph reads the result itself (out, with its gradFn), so a formula over it is recorded.
    const gs = grad(g, operands, isGradEnabled() ? out : y, opts);
    return inputs.map((t, i) => (t && needs[i] && gs[i] ? castRaw(sumToShape(gs[i]!, t.shape), t.dtype) : null));
  }, saves.length === 0 ? false : saves.map((i) => inputs[i]));
}

/** The public function of a composite row: `torch.lerp(start, end, weight)`. */
export function compositeFunction(op: CompositeName): (...args: unknown[]) => Tensor {
  return (...args: unknown[]) => compositeOp(op, args);
}

/** The in-place method `name_` of a composite row: the op on self, written into self (inplace.ts). */
export function compositeInPlace(op: CompositeName): (self: Tensor, ...args: unknown[]) => Tensor {
  return (self: Tensor, ...args: unknown[]) => {
    Tensor.check(self, "self");
    const use = compositeRow(op).inplace;
    if (!use) throw new Error(`op table: ${op} has no in-place form`);
    return applyInPlace(self, (s) => compositeOp(op, [s, ...args]), { self: use });
  };
}
