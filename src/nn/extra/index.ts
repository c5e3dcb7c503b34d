/** Layers added for sequence and generative models: ConvTranspose2d, Upsample, GroupNorm, InstanceNorm2d, more activations and losses. */
export { ConvTranspose2d, type ConvTranspose2dOptions } from "./conv_transpose.ts";
export { Upsample } from "./upsample.ts";
export { GroupNorm, InstanceNorm2d, type GroupNormOptions, type InstanceNormOptions } from "./normalization.ts";
export { SiLU, ELU, PReLU, Softplus, Mish, Hardtanh, LogSigmoid, type PReLUOptions } from "./activation.ts";
export { KLDivLoss, HuberLoss, CosineEmbeddingLoss } from "./loss.ts";
