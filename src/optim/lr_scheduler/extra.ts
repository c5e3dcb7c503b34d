/** LinearLR, SequentialLR, CosineAnnealingWarmRestarts, CyclicLR. */
export { LinearLR, type LinearLROptions } from "./linear.ts";
export { SequentialLR, type SequentialLROptions } from "./sequential.ts";
export { CosineAnnealingWarmRestarts, type CosineAnnealingWarmRestartsOptions } from "./warm_restarts.ts";
export { CyclicLR, type CyclicLROptions, type CyclicMode, type ScaleMode } from "./cyclic.ts";
