/**
 * `torch.nn`: modules, parameters, layers, losses, `nn.functional` (alias `nn.F`), `nn.init` and `nn.utils`.
 *
 *     const model = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
 *     const loss = new nn.CrossEntropyLoss().forward(model.forward(x), y);
 *
 * Nothing here acts when imported (the Tensor methods the layers call come in through nn/module.ts),
 * so a bundle leaves torch.nn out of a page that never uses it.
 */
export { Module, type AnyModule } from "./module.ts";
export { type StateDict, type StateDictLike, type LoadResult, StateDictError } from "./state_dict.ts";
export { Parameter, isParameter, type ParameterConstructor } from "./parameter.ts";
export { Linear, type LinearOptions } from "./linear.ts";
export { ReLU, Sigmoid, Tanh, LeakyReLU, GELU, Softmax, LogSoftmax, Flatten, Identity } from "./activation.ts";
export { Dropout, Dropout2d } from "./dropout.ts";
export { Conv1d, Conv2d, type ConvModuleOptions, type PaddingMode } from "./conv.ts";
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, type MaxPool2dModuleOptions, type MaxPoolOutput, type AvgPool2dModuleOptions, type AdaptiveSize } from "./pooling.ts";
export { BatchNorm1d, BatchNorm2d, LayerNorm, type BatchNormOptions, type LayerNormOptions } from "./normalization.ts";
export { Sequential, ModuleList, ModuleDict, IndexedModules } from "./container.ts";
export { Loss, WeightedLoss, L1Loss, MSELoss, SmoothL1Loss, NLLLoss, CrossEntropyLoss, BCELoss, BCEWithLogitsLoss } from "./loss.ts";
export {
  MarginRankingLoss, HingeEmbeddingLoss, SoftMarginLoss, MultiLabelSoftMarginLoss, MultiMarginLoss, MultiLabelMarginLoss,
  PoissonNLLLoss, GaussianNLLLoss, TripletMarginLoss, TripletMarginWithDistanceLoss,
} from "./loss_more.ts";
export type { Reduction } from "./functional/reduction.ts";
export * as functional from "./functional/index.ts";
export * as F from "./functional/index.ts";
export * as init from "./init.ts";
export * as utils from "./utils/index.ts";
export * from "./recurrent/index.ts";
export * from "./attention/index.ts";
export * from "./extra/index.ts";
export {
  ReLU6, Hardswish, Hardsigmoid, SELU, CELU, RReLU, Threshold, Softshrink, Hardshrink, Softsign, Tanhshrink, Softmax2d, Softmin, GLU,
  CosineSimilarity, PairwiseDistance,
} from "./activation_more.ts";
export {
  ConstantPad1d, ConstantPad2d, ConstantPad3d, ZeroPad2d, ReflectionPad1d, ReflectionPad2d, ReflectionPad3d,
  ReplicationPad1d, ReplicationPad2d, ReplicationPad3d,
} from "./padding.ts";
export { PixelShuffle, PixelUnshuffle, ChannelShuffle } from "./pixel_shuffle.ts";
export { LPPool1d, LPPool2d, LocalResponseNorm } from "./pooling_lp.ts";
export { Unflatten, type UnflattenOptions } from "./unflatten.ts";
export { Fold, Unfold } from "./fold.ts";
export { MaxPool1d, AvgPool1d, AdaptiveAvgPool1d, AdaptiveMaxPool1d, AdaptiveMaxPool2d, MaxUnpool1d, MaxUnpool2d, type MaxPool1dModuleOptions, type AvgPool1dModuleOptions } from "./pooling_more.ts";
export { ParameterList, ParameterDict } from "./parameter_containers.ts";
export { ConvTranspose1d, type ConvTranspose1dOptions } from "./conv_transpose1d.ts";
export { Dropout1d, Dropout3d, AlphaDropout, FeatureAlphaDropout } from "./dropout_more.ts";
export { UpsamplingNearest2d, UpsamplingBilinear2d, type UpsamplingOptions } from "./upsampling.ts";
export { Bilinear, type BilinearOptions } from "./bilinear.ts";
export { EmbeddingBag, type EmbeddingBagModuleOptions } from "./embedding_bag.ts";
export { Conv3d } from "./conv3d.ts";
export { MaxPool3d, AvgPool3d, AdaptiveAvgPool3d, AdaptiveMaxPool3d, type MaxPool3dModuleOptions, type AvgPool3dModuleOptions } from "./pooling3d.ts";
export { BatchNorm3d, InstanceNorm1d, InstanceNorm3d } from "./normalization3d.ts";
export { LazyLinear, LazyConv1d, LazyConv2d, LazyBatchNorm1d, LazyBatchNorm2d, isUninitializedParameter } from "./lazy.ts";
export {
  LazyConv3d, LazyConvTranspose1d, LazyConvTranspose2d, LazyBatchNorm3d, LazyInstanceNorm1d, LazyInstanceNorm2d, LazyInstanceNorm3d,
} from "./lazy_more.ts";
