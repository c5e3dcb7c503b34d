/**
 * PyTorch 1.13's deprecated nn.init names without the trailing underscore (`nn.init.uniform`, ...):
 * each warns, then calls its in-place namesake with the same arguments (so argument errors are the
 * namesake's). Kept for code ported from old PyTorch.
 */
import { log } from "../log.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { constant_, kaimingNormal_, kaimingUniform_, normal_, uniform_, xavierNormal_, xavierUniform_ } from "./init.ts";
import { dirac_, eye_ } from "./init_more.ts";

/** The namesake is looked up at call time: these modules import each other. */
function deprecate<A extends unknown[]>(get: () => (...args: A) => Tensor, oldName: string): (...args: A) => Tensor {
  return (...args: A): Tensor => {
    log("warn", `nn.init.${oldName} is now deprecated in favor of nn.init.${oldName}_.`);
    return get()(...args);
  };
}

export const uniform = deprecate(() => uniform_, "uniform");
export const normal = deprecate(() => normal_, "normal");
export const constant = deprecate(() => constant_, "constant");
export const eye = deprecate(() => eye_, "eye");
export const dirac = deprecate(() => dirac_, "dirac");
export const xavierUniform = deprecate(() => xavierUniform_, "xavierUniform");
export const xavierNormal = deprecate(() => xavierNormal_, "xavierNormal");
export const kaimingUniform = deprecate(() => kaimingUniform_, "kaimingUniform");
export const kaimingNormal = deprecate(() => kaimingNormal_, "kaimingNormal");
