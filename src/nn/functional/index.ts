/**
 * `torch.nn.functional` (also exported as `nn.F`): stateless layers (linear, conv, pooling, normalisation,
 * dropout, pad), activations and losses.
 *
 *     const loss = nn.F.crossEntropy(model.forward(x), y, { labelSmoothing: 0.1 });
 */
export { sigmoid, tanh, flatten, gelu, softmax, logSoftmax, linear, oneHot, type GeluApproximate } from "./activation.ts";
export { mseLoss, l1Loss, smoothL1Loss, binaryCrossEntropy, binaryCrossEntropyWithLogits, type ReductionOptions } from "./loss.ts";
export { crossEntropy, nllLoss, type ClassLossOptions, type CrossEntropyOptions } from "./cross_entropy.ts";
export { marginRankingLoss, hingeEmbeddingLoss, softMarginLoss, multilabelSoftMarginLoss, type MarginOptions } from "./loss_margin.ts";
export { multiMarginLoss, multilabelMarginLoss, type MultiMarginOptions } from "./loss_multiclass.ts";
export {
  tripletMarginLoss, tripletMarginWithDistanceLoss, type DistanceFunction, type TripletMarginOptions, type TripletMarginWithDistanceOptions,
} from "./loss_triplet.ts";
export { poissonNllLoss, gaussianNllLoss, type PoissonNllOptions, type GaussianNllOptions } from "./loss_likelihood.ts";
export type { Reduction } from "./reduction.ts";
export {
  conv1d, conv2d, maxPool2d, avgPool2d, adaptiveAvgPool2d, batchNorm, layerNorm, pad,
  type ConvOptions, type ConvPadding, type IntOrTuple, type MaxPool2dOptions, type AvgPool2dOptions, type PadMode, type PadOptions,
} from "../../ops/cnn_index.ts";
// Elementwise activations declared in the op tables with api "F" (generated).
export * from "../../ops/op_functional.ts";
export * from "./recurrent.ts";
export * from "./attention.ts";
export * from "./extra.ts";
// softplus with beta/threshold (extra.ts) replaces the op table's default-only form, which it calls for the defaults.
export { softplus } from "./extra.ts";
// The activations with PyTorch's `inplace` argument (and the underscore forms) replace the plain ones above.
export {
  relu, relu_, leakyRelu, leakyRelu_, elu, elu_, hardtanh, hardtanh_, silu, mish, dropout, dropout2d,
  type DropoutOptions, type HardtanhOptions, type InplaceOptions,
} from "./activation_inplace.ts";
export {
  relu6, hardswish, hardsigmoid, selu, selu_, celu, celu_, rrelu, rrelu_, threshold, threshold_, softsign, tanhshrink, softshrink, hardshrink,
  glu, softmin, normalize, cosineSimilarity, pairwiseDistance,
  type CeluOptions, type RreluOptions, type ThresholdOptions, type SoftminOptions, type NormalizeOptions, type CosineSimilarityOptions, type PairwiseDistanceOptions,
} from "./activation_more.ts";
export { maxPool1d, avgPool1d, adaptiveAvgPool1d, adaptiveMaxPool1d, adaptiveMaxPool2d, maxUnpool1d, maxUnpool2d, pixelShuffle, pixelUnshuffle, channelShuffle } from "./pooling_more.ts";
export { fold, unfold, type FoldKeywords, type UnfoldKeywords } from "./fold.ts";
export { lpPool1d, lpPool2d, localResponseNorm, type LpPoolOptions, type LocalResponseNormOptions } from "./pooling_lp.ts";
export { gridSample, type GridSampleMode, type GridSampleOptions, type GridSamplePadding } from "../../ops/grid_sample.ts";
export { affineGrid, type AffineGridOptions } from "../../ops/affine_grid.ts";
export { convTranspose1d } from "../../ops/conv_transpose1d.ts";
export { dropout1d, dropout3d, alphaDropout, featureAlphaDropout } from "./dropout_more.ts";
export { upsample, upsampleNearest, upsampleBilinear, type UpsampleSizeOptions } from "./upsample.ts";
export { maxPool1dWithIndices, maxPool2dWithIndices } from "./pooling_indices.ts";
export { bilinear } from "./bilinear.ts";
export { embeddingBag, type EmbeddingBagMode, type EmbeddingBagOptions } from "./embedding_bag.ts";
export { pdist, gumbelSoftmax, type GumbelSoftmaxOptions } from "./pdist_gumbel.ts";
export { conv3d } from "../../ops/conv3d.ts";
export { maxPool3d, avgPool3d, adaptiveAvgPool3d, adaptiveMaxPool3d, type MaxPool3dOptions, type AvgPool3dOptions } from "../../ops/pool3d.ts";
