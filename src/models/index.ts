/** torchvision.models: `torch.models.resnet18()`. */
export { BasicBlock, ResNet, resnet18, type ResNetOptions, type ResNet18Options } from "./resnet.ts";
