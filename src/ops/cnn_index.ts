/**
 * The functional CNN ops (tensor-level, differentiable), for `torch.nn.functional` and the
 * Conv/Pool/Norm modules to wrap.
 */
export { conv1d, conv2d, type ConvOptions, type ConvPadding, type IntOrTuple } from "./conv.ts";
export { adaptiveAvgPool2d, avgPool2d, maxPool2d, type AvgPool2dOptions, type MaxPool2dOptions } from "./pool.ts";
export { batchNorm, layerNorm } from "./norm.ts";
export { featureDropout } from "./feature_dropout.ts";
export { pad, type PadMode, type PadOptions } from "./pad.ts";
