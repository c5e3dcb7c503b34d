/** More torchvision datasets (FashionMNIST). */
export {};
