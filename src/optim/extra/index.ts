/** Adadelta, NAdam, RAdam, LBFGS. */
export { Adadelta, type AdadeltaOptions } from "./adadelta.ts";
export { NAdam, type NAdamOptions } from "./nadam.ts";
export { RAdam, type RAdamOptions } from "./radam.ts";
export { LBFGS, type LBFGSOptions, type LineSearchFn } from "./lbfgs.ts";
