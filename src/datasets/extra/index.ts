/** More torchvision datasets (FashionMNIST). */
export { FashionMNIST, type FashionMNISTOptions } from "./fashion_mnist.ts";
