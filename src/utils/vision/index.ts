/** torchvision.utils: makeGrid, saveImage. */
export {};
