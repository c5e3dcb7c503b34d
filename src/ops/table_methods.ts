import { checkArity } from "../options.ts";
import { Tensor } from "../tensor/tensor.ts";
import * as fns from "./op_functions.ts";
import { compositeInPlace } from "./composite.ts";
import "./table_inplace.ts";
import { BINARY } from "./op_table_binary.ts";
import { COMPOSITE } from "./op_table_composite.ts";
import { UNARY } from "./op_table_unary.ts";
import type { Api, CompositeRow } from "./op_spec.ts";

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
install(BINARY, 2);
// Composite ops check their own arguments; their in-place forms (`lerp_`) come from the same row.
for (const [name, row] of Object.entries(COMPOSITE) as [string, CompositeRow][]) {
  if (row.api !== "torch+method") continue;
  const fn = functions[name];
  if (typeof fn !== "function") throw new Error(`op table: ${name} has no generated function (run npm run gen:ops)`);
  P[name] = function (this: Tensor, ...args: unknown[]) { return fn(this, ...args); };
  if (row.inplace) {
    const inPlace = compositeInPlace(name as keyof typeof COMPOSITE);
    P[`${name}_`] = function (this: Tensor, ...args: unknown[]) { return inPlace(this, ...args); };
  }
}
