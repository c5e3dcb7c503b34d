/** Adadelta, NAdam, RAdam, LBFGS, Adamax, ASGD, Rprop. */
export { Adadelta, type AdadeltaOptions } from "./adadelta.ts";
export { NAdam, type NAdamOptions } from "./nadam.ts";
export { RAdam, type RAdamOptions } from "./radam.ts";
export { LBFGS, type LBFGSOptions, type LineSearchFn } from "./lbfgs.ts";
export { Adamax, type AdamaxOptions } from "./adamax.ts";
export { ASGD, type ASGDOptions } from "./asgd.ts";
export { Rprop, type RpropOptions } from "./rprop.ts";
