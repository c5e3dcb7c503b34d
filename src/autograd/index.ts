export { gradcheck, type GradcheckOptions } from "./gradcheck.ts";
export { runBackward as backward, type BackwardOptions } from "./engine.ts";
export { Node, type BackwardFn } from "./node.ts";
