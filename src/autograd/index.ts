export { gradcheck, type GradcheckOptions } from "./gradcheck.ts";
export { type BackwardOptions } from "./engine.ts";
export { backward } from "./backward_api.ts";
export { grad, type GradOptions } from "./grad.ts";
export { Node, type BackwardFn } from "./node.ts";
export {
  detectAnomaly, setDetectAnomaly, isAnomalyEnabled, isAnomalyCheckNanEnabled, AnomalyScope, type AnomalyOptions,
} from "./anomaly.ts";
export { AutogradFunction as Function, FunctionCtx, type FunctionClass, type GradResult } from "./function.ts";
export { RemovableHandle, type TensorHook } from "./hooks.ts";
export {
  noGrad, enableGrad, setGradEnabled, isGradEnabled, inferenceMode, isInferenceModeEnabled, GradModeScope,
} from "./grad_mode.ts";
