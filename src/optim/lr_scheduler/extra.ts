/** LinearLR, SequentialLR, CosineAnnealingWarmRestarts, CyclicLR. */
export {};
