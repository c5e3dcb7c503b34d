/** torchvision.transforms, for DecodedImage (HWC uint8) and tensor images. */
export {
  Transform, registerTransform, transformFromJSON,
  type Image, type DecodedImage, type TransformContext, type TransformJSON, type TransformLike,
} from "./types.ts";
export { Compose, Lambda, toTransform } from "./compose.ts";
export { ToTensor, Normalize, Grayscale, GaussianNoise, imageToTensor } from "./tensor_ops.ts";
export { Resize, CenterCrop, RandomCrop, resizeImage, type RandomCropOptions } from "./geometry.ts";
export { RandomRotation, RandomAffine, affine, rotate, inverseAffineMatrix, type RandomAffineOptions, type WarpOptions } from "./affine.ts";
export type { Interpolation } from "./planes.ts";
export * from "./augment/index.ts";
