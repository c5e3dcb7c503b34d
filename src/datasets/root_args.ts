/**
 * torchvision's dataset call shapes: `MNIST(root, train=True, transform=..., download=True)` arrives here
 * as `new MNIST("../data", { train: true, transform, download: true })`, and the options-only form
 * `new MNIST({ root, train })` is the same call. This folds the two into one options object.
 */
import { ArgumentError } from "../errors.ts";
import { checkOptions, describeValue, type OptionSpec } from "../options.ts";

/** The options of `new Dataset(rootOrOptions, options)`, root folded in; checked against `spec` (which holds root). */
export function rootAndOptions<O extends { root?: string | null }>(where: string, first: unknown, second: unknown, spec: OptionSpec): O {
  if (typeof first === "string") {
    checkOptions(where, second, spec, { index: 2 });
    const opts = (second ?? {}) as O;
    if (opts.root !== undefined) throw new ArgumentError(`${where}: got multiple values for argument 'root'`);
    return { ...opts, root: first };
  }
  if (first === undefined && second !== undefined) return rootAndOptions(where, second, undefined, spec);
  if (second !== undefined) {
    throw new ArgumentError(`${where}: argument 1 (root) must be a string, got ${describeValue(first)}`);
  }
  checkOptions(where, first, spec, { index: 1 });
  return (first ?? {}) as O;
}
