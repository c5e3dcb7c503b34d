/** torchvision.utils: makeGrid, saveImage. */
export { makeGrid, type MakeGridOptions } from "./make_grid.ts";
export { saveImage, gridToImage, type SaveImageOptions } from "./save_image.ts";
