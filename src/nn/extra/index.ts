/** Layers added for sequence and generative models: ConvTranspose2d, Upsample, GroupNorm, InstanceNorm2d, more activations and losses. */
export {};
