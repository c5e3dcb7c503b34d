/** torch.optim.lr_scheduler, as `torch.optim.lrScheduler`. */
export { LRScheduler, type JSONValue, type SchedulerStateDict } from "./scheduler.ts";
export {
  StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LambdaLR,
  type StepLROptions, type MultiStepLROptions, type CosineAnnealingLROptions, type LrLambda,
} from "./basic.ts";
export { OneCycleLR, type OneCycleLROptions, type AnnealStrategy } from "./one_cycle.ts";
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions, type PlateauMode, type ThresholdMode } from "./plateau.ts";
export * from "./extra.ts";
