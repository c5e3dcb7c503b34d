/** More torchvision datasets (FashionMNIST, FakeData). */
export { FashionMNIST, type FashionMNISTOptions } from "./fashion_mnist.ts";
export { FakeData, type FakeDataOptions } from "./fake_data.ts";
