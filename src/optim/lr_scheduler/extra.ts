/** LinearLR, SequentialLR, CosineAnnealingWarmRestarts, CyclicLR, ConstantLR, MultiplicativeLR, PolynomialLR, ChainedScheduler. */
export { LinearLR, type LinearLROptions } from "./linear.ts";
export { SequentialLR, type SequentialLROptions } from "./sequential.ts";
export { CosineAnnealingWarmRestarts, type CosineAnnealingWarmRestartsOptions } from "./warm_restarts.ts";
export { CyclicLR, type CyclicLROptions, type CyclicMode, type ScaleMode } from "./cyclic.ts";
export { ConstantLR, type ConstantLROptions } from "./constant.ts";
export { MultiplicativeLR } from "./multiplicative.ts";
export { PolynomialLR, type PolynomialLROptions } from "./polynomial.ts";
export { ChainedScheduler } from "./chained.ts";
