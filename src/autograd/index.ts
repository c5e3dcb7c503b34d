export { gradcheck, type GradcheckOptions } from "./gradcheck.ts";
export { runBackward as backward, type BackwardOptions } from "./engine.ts";
export { Node, type BackwardFn } from "./node.ts";
export {
  detectAnomaly, setDetectAnomaly, isAnomalyEnabled, isAnomalyCheckNanEnabled, AnomalyScope, type AnomalyOptions,
} from "./anomaly.ts";
