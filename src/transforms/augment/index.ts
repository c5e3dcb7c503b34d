/** Random augmentations: flips, RandomResizedCrop, ColorJitter, RandomErasing, Pad. */
export {};
