/** torchvision.datasets: MNIST, ImageFolder, and a cached (preprocessed) image folder. */
export { MNIST, defaultMnistRoot, type MNISTOptions } from "./mnist.ts";
export {
  ImageFolder, IMG_EXTENSIONS, DEFAULT_MAX_IMAGE_FILE_BYTES, listImageFolder, loadImage,
  type ImageFolderOptions, type ImageFolderListing, type ImageMode, type SkippedEntry,
} from "./image_folder.ts";
export {
  DecodedImageFolder, type FileLike, type ImageFiles, type ImageFolderFromFilesOptions, type PathedFile,
} from "./image_folder_browser.ts";
export { filesFromDataTransfer, type DataTransferLike } from "./drop_files.ts";
export { decodeImageAsync, hasBrowserImageDecoder } from "../io/image/decode_async.ts";
export { ImageArrayDataset, type ImageArrayShape, type ImageTransformOptions } from "./image_array.ts";
export { CachedImageFolder, cachedImageFolder, type CachedImageFolderOptions } from "./cache.ts";
export { CACHE_VERSION, decodeCache, encodeCache, type CacheHeader } from "./cache_format.ts";
export * from "./extra/index.ts";
