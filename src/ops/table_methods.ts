import { record } from "../autograd/record.ts";
import { AutogradError } from "../errors.ts";
import { checkArity } from "../options.ts";
import { Tensor } from "../tensor/tensor.ts";
import * as fns from "./op_functions.ts";
import { compositeInPlace } from "./composite.ts";
import { type SelfUse, applyInPlace } from "./inplace.ts";
import { BINARY } from "./op_table_binary.ts";
import { COMPOSITE } from "./op_table_composite.ts";
import { UNARY } from "./op_table_unary.ts";
import type { Api } from "./op_spec.ts";

/**
 * Installs a Tensor method for every table op whose api is "torch+method": `x.exp()` runs `torch.exp(x)`.
 * Imported by src/index.ts after ops/methods.ts, so the table is what defines these names. The method
 * declarations are generated beside the functions (op_functions.ts).
 */
const P = Tensor.prototype as unknown as Record<string, unknown>;
const functions = fns as unknown as Record<string, (...args: unknown[]) => Tensor>;

function install(rows: Record<string, { api: Api; custom?: boolean }>, arity: number): void {
  for (const [name, row] of Object.entries(rows)) {
    if (row.api !== "torch+method") continue;
    const fn = functions[name];
    if (typeof fn !== "function") throw new Error(`op table: ${name} has no generated function (run npm run gen:ops)`);
    P[name] = row.custom
      ? function (this: Tensor, ...args: unknown[]) { return fn(this, ...args); }
      : function (this: Tensor, ...args: unknown[]) {
        if (args.length > arity - 1) checkArity(`${name}()`, args, arity - 1);
        return fn(this, ...args);
      };
  }
}

install(UNARY, 1);
// In-place forms (`tan_`) of the unary and binary rows that have them: the op written into self; its
// backward reads self's old value (a copy), only the result, or neither, as the row's `saves` say.
type Saves = readonly string[] | { a: readonly string[]; b: readonly string[] };
for (const [name, row] of Object.entries({ ...UNARY, ...BINARY }) as [string, { inplace?: boolean | string; saves: Saves }][]) {
  if (!row.inplace) continue;
  const fn = functions[name]!;
  const reads: readonly string[] = "a" in row.saves ? [...row.saves.a, ...row.saves.b] : row.saves;
  const self: SelfUse = reads.includes("input") || reads.includes("a") ? "copy" : reads.includes("output") ? "result" : "alias";
  const op = row.inplace === true ? fn : (s: Tensor, ...args: unknown[]): Tensor => {
    const out = fn(s, ...args);
    if (!out.requiresGrad) return out;
    return record(out.detach(), "NotImplemented", [s], () => {
      throw new AutogradError(`the derivative for 'inplace version of ${name}' is not implemented.`);
    }, false);
  };
  P[`${name}_`] = function (this: Tensor, ...args: unknown[]) {
    return applyInPlace(this, (s) => op(s, ...args), { self });
  };
}
install(BINARY, 2);
// Composite ops check their own arguments; their in-place forms (`lerp_`) come from the same row.
for (const [name, row] of Object.entries(COMPOSITE)) {
  if (row.api !== "torch+method") continue;
  const fn = functions[name];
  if (typeof fn !== "function") throw new Error(`op table: ${name} has no generated function (run npm run gen:ops)`);
  P[name] = function (this: Tensor, ...args: unknown[]) { return fn(this, ...args); };
  if (row.inplace) {
    const inPlace = compositeInPlace(name as keyof typeof COMPOSITE);
    P[`${name}_`] = function (this: Tensor, ...args: unknown[]) { return inPlace(this, ...args); };
  }
}
