/** Adadelta, NAdam, RAdam, LBFGS. */
export { Adadelta, type AdadeltaOptions } from "./adadelta.ts";
