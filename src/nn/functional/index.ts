/**
 * `torch.nn.functional` (also exported as `nn.F`): stateless layers, activations and losses.
 *
 *     const loss = nn.F.crossEntropy(model.forward(x), y, { labelSmoothing: 0.1 });
 */
export { relu, sigmoid, tanh, flatten, leakyRelu, gelu, softmax, logSoftmax, dropout, linear, oneHot, type GeluApproximate, type DropoutOptions } from "./activation.ts";
export { mseLoss, l1Loss, smoothL1Loss, binaryCrossEntropy, binaryCrossEntropyWithLogits, type ReductionOptions } from "./loss.ts";
export { crossEntropy, nllLoss, type ClassLossOptions, type CrossEntropyOptions } from "./cross_entropy.ts";
export type { Reduction } from "./reduction.ts";
