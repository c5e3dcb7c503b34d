import { record } from "../autograd/record.ts";
import { AutogradError, DTypeError, ShapeError } from "../errors.ts";
import { type DType, isFloating } from "../tensor/dtype.ts";
import { broadcastShapes, fmtShape, sameShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import * as fns from "./op_functions.ts";
import { type SelfUse, applyInPlace } from "./inplace.ts";
import type { InPlace } from "./op_spec.ts";
import { noGrad } from "../autograd/grad_mode.ts";
import { BINARY } from "./op_table_binary.ts";
import { UNARY } from "./op_table_unary.ts";
import { resultType, scalarTypeName } from "./promotion.ts";
import { defaultFloat, fresh } from "./util.ts";

/**
 * The in-place methods (`tan_`, `fmod_`) of the unary and binary table rows marked `inplace`: the op
 * written into self through applyInPlace (version counter, leaf refusal, history). Its backward reads
 * self's old value (run on a copy), only the result, or neither, as the row's `saves` say; the row's
 * `inplace` may also make it untracked or give the error its backward raises (op_spec.ts's InPlace).
 */
const P = Tensor.prototype as unknown as Record<string, unknown>;
const functions = fns as unknown as Record<string, (...args: unknown[]) => Tensor>;

type Saves = readonly string[] | { a: readonly string[]; b: readonly string[] };
interface Row {
  inplace?: InPlace;
  saves: Saves;
  grad: unknown;
  result: string | ((d: DType) => DType);
  refuse?: (a: DType, b: DType, promoted: DType) => string | null;
  kernelRefuse?: boolean;
}

/**
 * PyTorch's order of checks for `self.op_(other)`: the broadcast, self's shape, then the cast of the
 * result to self's dtype, all before the kernel refuses a dtype (gcd_ of int64 by float32 is a cast error).
 */
function checkTarget(self: Tensor, other: unknown, row: Row): void {
  if (!(other instanceof Tensor) && typeof other !== "number") return;
  const promoted = resultType(self, other);
  // Checks PyTorch makes before it broadcasts (heaviside's same-dtype rule) come first.
  const early = row.kernelRefuse ? null : row.refuse?.(self.dtype, other instanceof Tensor ? other.dtype : promoted, promoted);
  if (early) throw new DTypeError(early);
  if (other instanceof Tensor) {
    const shape = broadcastShapes(self.shape, other.shape);
    if (!sameShape(shape, self.shape)) throw new ShapeError(`output with shape ${fmtShape(self.shape)} doesn't match the broadcast shape ${fmtShape(shape)}`);
  }
  const out = row.result === "bool" ? "bool" : row.result === "float" && !isFloating(promoted) ? defaultFloat() : promoted;
  if ((isFloating(out) && !isFloating(self.dtype)) || (self.dtype === "bool" && out !== "bool")) {
    throw new DTypeError(`result type ${scalarTypeName(out)} can't be cast to the desired output type ${scalarTypeName(self.dtype)}`);
  }
}

for (const [name, row] of Object.entries({ ...UNARY, ...BINARY }) as [string, Row][]) {
  if (!row.inplace) continue;
  const fn = functions[name]!;
  const binary = !Array.isArray(row.saves);
  const reads: readonly string[] = "a" in row.saves ? [...row.saves.a, ...row.saves.b] : row.saves;
  const self: SelfUse = reads.includes("input") || reads.includes("a") ? "copy" : reads.includes("output") ? "result" : "alias";
  const mode = row.inplace;
  const op = (s: Tensor, args: unknown[]): Tensor => {
    const out = fn(s, ...args);
    const inputs = [s, ...args.filter((a): a is Tensor => a instanceof Tensor)];
    if (typeof mode === "object") {
      if (!out.requiresGrad) return out;
      // every tensor operand: a self without grad written with an operand that has one is in the graph too
      return record(out.detach(), "NotImplemented", inputs, () => {
        throw new AutogradError(mode.backwardError);
      }, false);
    }
    // A comparison written into a float self: a node of zero gradients for every operand, named as
    // PyTorch's overloads (LtBackward0 for a number, LtBackward1 for a tensor).
    if (row.grad === null && isFloating(s.dtype) && inputs.some((t) => t.requiresGrad)) {
      const node = `${name[0]!.toUpperCase()}${name.slice(1)}Backward${inputs.length - 1}`;
      return record(out.to(s.dtype), node, inputs, () => inputs.map((t) => fresh(t.shape, t.dtype)), false);
    }
    return out;
  };
  P[`${name}_`] = function (this: Tensor, ...args: unknown[]) {
    if (binary) checkTarget(this, args[0], row);
    // Untracked: the write alone (version bump included), as with grad mode off.
    if (mode === "untracked") return noGrad(() => applyInPlace(this, (s) => op(s, args), { self }));
    return applyInPlace(this, (s) => op(s, args), { self });
  };
}
