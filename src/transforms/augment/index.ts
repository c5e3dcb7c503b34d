/** Random augmentations: flips, RandomResizedCrop, ColorJitter, RandomErasing, Pad. */
export { RandomHorizontalFlip, RandomVerticalFlip, hflip, vflip } from "./flip.ts";
export { Pad, pad, type PadOptions, type PaddingMode } from "./pad.ts";
export { RandomResizedCrop, resizedCrop, randomResizedCropParams, type RandomResizedCropOptions } from "./resized_crop.ts";
export { adjustBrightness, adjustContrast, adjustSaturation, adjustHue } from "./color.ts";
export { ColorJitter, type ColorJitterOptions, type ColorJitterParams } from "./color_jitter.ts";
export { RandomErasing, erase, type ErasingValue, type RandomErasingOptions } from "./erasing.ts";
