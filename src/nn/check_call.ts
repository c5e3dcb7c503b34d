import { type OptionSpec, checkArity, checkOptions } from "../options.ts";

/**
 * The usual pair of checks (options.ts) for a call whose last parameter (number `index`) is its
 * options object: checkOptions on `args[index - 1]`, then checkArity(index). Options first:
 * `nn.GroupNorm(2, 4, 1e-5, true)` is told to pass `{ eps: 1e-05 }`, the mistake behind the extra argument.
 */
export function checkCall(where: string, args: ArrayLike<unknown>, index: number, spec: OptionSpec, positional?: string): void {
  checkOptions(where, args[index - 1], spec, { index, positional });
  checkArity(where, args, index);
}
