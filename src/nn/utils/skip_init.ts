/**
 * torch.nn.utils.skip_init (PyTorch 1.13): constructs a module without initialising its parameters,
 * for when they are about to be loaded or set anyway. PyTorch builds the module on the meta device
 * and allocates it empty; here nn.init's fills are switched off while the constructor runs (see
 * ../init_skip.ts), so parameters are left as allocated: zeros, where PyTorch's are uninitialised
 * memory. Values a constructor sets without nn.init (BatchNorm's ones) are set as usual.
 */
import { ArgumentError } from "../../errors.ts";
import { withInitSkipped } from "../init_skip.ts";
import { type AnyModule, Module } from "../module.ts";

export function skipInit<A extends unknown[], M extends AnyModule>(moduleCls: new (...args: A) => M, ...args: A): M {
  if (typeof moduleCls !== "function" || !(moduleCls.prototype instanceof Module || (moduleCls as unknown) === Module)) {
    throw new ArgumentError(`Expected a Module; got ${String(moduleCls)}`);
  }
  return withInitSkipped(() => new moduleCls(...args));
}
