/**
 * Every public constructor and function of nn, optim, datasets and transforms (and the checkpoint and
 * gradcheck functions) checks its arguments at run time (issue 12, point 6). The table below is
 * enumerated against the exports of `nn`, `nn.utils`, `optim`, `optim.lrScheduler`, `datasets`,
 * `transforms` and `models`: a new export must be added to it (rejecting a PyTorch-style snake_case key, or
 * an extra argument when it takes no options) or be listed as exempt with the reason, so a class
 * without the check cannot slip in unnoticed.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.ts";

const { nn, optim, datasets, transforms } = torch;
const { lrScheduler } = optim;

/** `new C(...args)` without TypeScript's argument checks: the calls below are plain-JS mistakes. */
function make(C: unknown, ...args: unknown[]): unknown {
  return Reflect.construct(C as new (...a: unknown[]) => unknown, args);
}

const w = (): torch.Tensor => torch.empty([3, 4]);

function call(f: unknown, ...args: unknown[]): unknown {
  return (f as (...a: unknown[]) => unknown)(...args);
}

/** A path that does not exist: a call that got past its option check fails there instead. */
const NOWHERE = "/nonexistent/kindling-options-coverage";
const img = (): torch.transforms.DecodedImage => ({ width: 2, height: 2, channels: 1, data: new Uint8Array(4) });

const params = (): torch.Tensor[] => [torch.zeros([2], { requiresGrad: true })];
const sgd = (): torch.optim.SGD => new optim.SGD(params(), { lr: 0.1, momentum: 0.9 });

/** Export -> a wrong call and the ArgumentError message it must raise. */
const CHECKED: Record<string, [() => unknown, string]> = {
  "nn.Linear": [() => make(nn.Linear, 3, 4, { bias_: false }), "nn.Linear(): unknown option 'bias_' (did you mean 'bias'?)"],
  // nn layers: a snake_case key of a real option
  "nn.Conv1d": [() => make(nn.Conv1d, 1, 4, 3, { padding_mode: "zeros" }), "nn.Conv1d(): unknown option 'padding_mode' (did you mean 'paddingMode'?)"],
  "nn.Conv2d": [() => make(nn.Conv2d, 1, 4, 3, { padding_mode: "zeros" }), "nn.Conv2d(): unknown option 'padding_mode' (did you mean 'paddingMode'?)"],
  "nn.MaxPool2d": [() => make(nn.MaxPool2d, 2, { ceil_mode: true }), "nn.MaxPool2d(): unknown option 'ceil_mode' (did you mean 'ceilMode'?)"],
  "nn.AvgPool2d": [() => make(nn.AvgPool2d, 2, { count_include_pad: false }), "nn.AvgPool2d(): unknown option 'count_include_pad' (did you mean 'countIncludePad'?)"],
  "nn.BatchNorm1d": [() => make(nn.BatchNorm1d, 4, { track_running_stats: false }), "nn.BatchNorm1d(): unknown option 'track_running_stats' (did you mean 'trackRunningStats'?)"],
  "nn.BatchNorm2d": [() => make(nn.BatchNorm2d, 4, { track_running_stats: false }), "nn.BatchNorm2d(): unknown option 'track_running_stats' (did you mean 'trackRunningStats'?)"],
  "nn.LayerNorm": [() => make(nn.LayerNorm, 4, { elementwise_affine: false }), "nn.LayerNorm(): unknown option 'elementwise_affine' (did you mean 'elementwiseAffine'?)"],
  "nn.Dropout": [() => make(nn.Dropout, 0.5, { in_place: true }), "nn.Dropout(): unknown option 'in_place' (did you mean 'inplace'?)"],
  "nn.Dropout2d": [() => make(nn.Dropout2d, 0.5, { in_place: true }), "nn.Dropout2d(): unknown option 'in_place' (did you mean 'inplace'?)"],
  "nn.GELU": [() => make(nn.GELU, { approximate_: "tanh" }), "nn.GELU(): unknown option 'approximate_' (did you mean 'approximate'?)"],
  // attention (issue 14)
  "nn.MultiheadAttention": [() => make(nn.MultiheadAttention, 4, 2, { batch_first: true }), "nn.MultiheadAttention(): unknown option 'batch_first' (did you mean 'batchFirst'?)"],
  "nn.NonDynamicallyQuantizableLinear": [() => make(nn.NonDynamicallyQuantizableLinear, 3, 4, { bias_: false }), "nn.Linear(): unknown option 'bias_' (did you mean 'bias'?)"],
  "nn.TransformerEncoderLayer": [() => make(nn.TransformerEncoderLayer, 4, 2, { dim_feedforward: 8 }), "nn.TransformerEncoderLayer(): unknown option 'dim_feedforward' (did you mean 'dimFeedforward'?)"],
  "nn.TransformerDecoderLayer": [() => make(nn.TransformerDecoderLayer, 4, 2, { norm_first: true }), "nn.TransformerDecoderLayer(): unknown option 'norm_first' (did you mean 'normFirst'?)"],
  "nn.TransformerEncoder": [
    () => make(nn.TransformerEncoder, new nn.TransformerEncoderLayer(4, 2), 2, { enable_nested_tensor: false }),
    "nn.TransformerEncoder(): unknown option 'enable_nested_tensor' (did you mean 'enableNestedTensor'?)",
  ],
  "nn.TransformerDecoder": [() => make(nn.TransformerDecoder, new nn.TransformerDecoderLayer(4, 2), 2, { num_layers: 2 }), "nn.TransformerDecoder(): unknown option 'num_layers' (allowed options: 'norm')"],
  "nn.Transformer": [() => make(nn.Transformer, { d_model: 8 }), "nn.Transformer(): unknown option 'd_model' (did you mean 'dModel'?)"],
  // nn layers whose PyTorch arguments are positional: an options object there is a wrong type
  "nn.LeakyReLU": [() => make(nn.LeakyReLU, { negative_slope: 0.2 }), "nn.LeakyReLU(): unknown option 'negative_slope' (did you mean 'negativeSlope'?)"],
  "nn.Softmax": [() => make(nn.Softmax, { dimm: 1 }), "nn.Softmax(): unknown option 'dimm' (did you mean 'dim'?)"],
  "nn.LogSoftmax": [() => make(nn.LogSoftmax, { dimm: 1 }), "nn.LogSoftmax(): unknown option 'dimm' (did you mean 'dim'?)"],
  "nn.Flatten": [() => make(nn.Flatten, { start_dim: 0 }), "nn.Flatten(): argument 1 (startDim) must be an int, got an object"],
  "nn.AdaptiveAvgPool2d": [
    () => make(nn.AdaptiveAvgPool2d, { output_size: 1 }),
    "nn.AdaptiveAvgPool2d(): argument 1 (outputSize) must be an int or a tuple of ints and nulls, got an object",
  ],
  "nn.Parameter": [() => call(nn.Parameter, torch.zeros([2]), { requires_grad: false }), "nn.Parameter(): argument 2 (requiresGrad) must be a boolean, got an object"],
  // losses
  "nn.Loss": [() => make(nn.Loss, { size_average: true }), "nn.Loss(): unknown option 'size_average' (did you mean 'sizeAverage'?)"],
  "nn.WeightedLoss": [() => make(nn.WeightedLoss, { pos_weight: null }), "nn.WeightedLoss(): unknown option 'pos_weight' (allowed options: 'reduction', 'weight', 'sizeAverage', 'reduce')"],
  "nn.L1Loss": [() => make(nn.L1Loss, { reduction_: "sum" }), "nn.L1Loss(): unknown option 'reduction_' (did you mean 'reduction'?)"],
  "nn.MSELoss": [() => make(nn.MSELoss, { reduction_: "sum" }), "nn.MSELoss(): unknown option 'reduction_' (did you mean 'reduction'?)"],
  "nn.SmoothL1Loss": [() => make(nn.SmoothL1Loss, { Beta: 0.5 }), "nn.SmoothL1Loss(): unknown option 'Beta' (did you mean 'beta'?)"],
  "nn.NLLLoss": [() => make(nn.NLLLoss, { ignore_index: 0 }), "nn.NLLLoss(): unknown option 'ignore_index' (did you mean 'ignoreIndex'?)"],
  "nn.CrossEntropyLoss": [
    () => make(nn.CrossEntropyLoss, { label_smoothing: 0.5 }),
    "nn.CrossEntropyLoss(): unknown option 'label_smoothing' (did you mean 'labelSmoothing'?)",
  ],
  "nn.BCELoss": [() => make(nn.BCELoss, { pos_weight: null }), "nn.BCELoss(): unknown option 'pos_weight' (allowed options: 'reduction', 'weight', 'sizeAverage', 'reduce')"],
  "nn.BCEWithLogitsLoss": [() => make(nn.BCEWithLogitsLoss, { pos_weight: null }), "nn.BCEWithLogitsLoss(): unknown option 'pos_weight' (did you mean 'posWeight'?)"],
  // nn/extra (issue 14)
  "nn.ConvTranspose2d": [() => make(nn.ConvTranspose2d, 4, 2, 3, { output_padding: 1 }), "nn.ConvTranspose2d(): unknown option 'output_padding' (did you mean 'outputPadding'?)"],
  "nn.Upsample": [() => make(nn.Upsample, { scale_factor: 2 }), "nn.Upsample(): unknown option 'scale_factor' (did you mean 'scaleFactor'?)"],
  "nn.GroupNorm": [() => make(nn.GroupNorm, 2, 4, { Affine: false }), "nn.GroupNorm(): unknown option 'Affine' (did you mean 'affine'?)"],
  "nn.InstanceNorm2d": [() => make(nn.InstanceNorm2d, 3, { track_running_stats: true }), "nn.InstanceNorm2d(): unknown option 'track_running_stats' (did you mean 'trackRunningStats'?)"],
  "nn.SiLU": [() => make(nn.SiLU, true, true), "nn.SiLU(): takes at most 1 argument but 2 were given"],
  "nn.ELU": [() => make(nn.ELU, "0.5"), 'nn.ELU(): argument 1 (alpha) must be a number, got string "0.5"'],
  "nn.PReLU": [() => make(nn.PReLU, { num_parameters: 3 }), "nn.PReLU(): unknown option 'num_parameters' (did you mean 'numParameters'?)"],
  "nn.Softplus": [() => make(nn.Softplus, { Beta: 2 }), "nn.Softplus(): unknown option 'Beta' (did you mean 'beta'?)"],
  "nn.Mish": [() => make(nn.Mish, { in_place: true }), "nn.Mish(): unknown option 'in_place' (did you mean 'inplace'?)"],
  "nn.Hardtanh": [() => make(nn.Hardtanh, { min_val: -2 }), "nn.Hardtanh(): unknown option 'min_val' (did you mean 'minVal'?)"],
  "nn.LogSigmoid": [() => make(nn.LogSigmoid, { bogus_key: 1 }), "nn.LogSigmoid(): takes no arguments but 1 was given"],
  // activations, padding, pixel shuffle and 1-d pools (issue 15)
  "nn.ReLU6": [() => make(nn.ReLU6, { in_place: true }), "nn.ReLU6(): unknown option 'in_place' (did you mean 'inplace'?)"],
  "nn.Hardswish": [() => make(nn.Hardswish, { in_place: true }), "nn.Hardswish(): unknown option 'in_place' (did you mean 'inplace'?)"],
  "nn.Hardsigmoid": [() => make(nn.Hardsigmoid, { in_place: true }), "nn.Hardsigmoid(): unknown option 'in_place' (did you mean 'inplace'?)"],
  "nn.SELU": [() => make(nn.SELU, { in_place: true }), "nn.SELU(): unknown option 'in_place' (did you mean 'inplace'?)"],
  "nn.CELU": [() => make(nn.CELU, { Alpha: 2 }), "nn.CELU(): unknown option 'Alpha' (did you mean 'alpha'?)"],
  "nn.RReLU": [() => make(nn.RReLU, { Lower: 0.1 }), "nn.RReLU(): unknown option 'Lower' (did you mean 'lower'?)"],
  "nn.Threshold": [() => make(nn.Threshold, { threshold: 0.1, value: 2, in_place: true }), "nn.Threshold(): unknown option 'in_place' (did you mean 'inplace'?)"],
  "nn.Softshrink": [() => make(nn.Softshrink, { lambda: 0.5 }), "nn.Softshrink(): unknown option 'lambda' (did you mean 'lambd'?)"],
  "nn.Hardshrink": [() => make(nn.Hardshrink, { lambda: 0.5 }), "nn.Hardshrink(): unknown option 'lambda' (did you mean 'lambd'?)"],
  "nn.Softsign": [() => make(nn.Softsign, { bogus_key: 1 }), "nn.Softsign(): takes no arguments but 1 was given"],
  "nn.Tanhshrink": [() => make(nn.Tanhshrink, { bogus_key: 1 }), "nn.Tanhshrink(): takes no arguments but 1 was given"],
  "nn.Softmax2d": [() => make(nn.Softmax2d, { bogus_key: 1 }), "nn.Softmax2d(): takes no arguments but 1 was given"],
  "nn.Softmin": [() => make(nn.Softmin, { Dim: 1 }), "nn.Softmin(): unknown option 'Dim' (did you mean 'dim'?)"],
  "nn.GLU": [() => make(nn.GLU, { Dim: 1 }), "nn.GLU(): unknown option 'Dim' (did you mean 'dim'?)"],
  "nn.CosineSimilarity": [() => make(nn.CosineSimilarity, { Eps: 1e-6 }), "nn.CosineSimilarity(): unknown option 'Eps' (did you mean 'eps'?)"],
  "nn.PairwiseDistance": [() => make(nn.PairwiseDistance, { keep_dim: true }), "nn.PairwiseDistance(): unknown option 'keep_dim' (did you mean 'keepdim'?)"],
  "nn.ConstantPad1d": [() => make(nn.ConstantPad1d, { padding: 1, Value: 0 }), "nn.ConstantPad1d(): unknown option 'Value' (did you mean 'value'?)"],
  "nn.ConstantPad2d": [() => make(nn.ConstantPad2d, { padding: 1, Value: 0 }), "nn.ConstantPad2d(): unknown option 'Value' (did you mean 'value'?)"],
  "nn.ConstantPad3d": [() => make(nn.ConstantPad3d, { padding: 1, Value: 0 }), "nn.ConstantPad3d(): unknown option 'Value' (did you mean 'value'?)"],
  "nn.ZeroPad2d": [() => make(nn.ZeroPad2d, { Padding: 1 }), "nn.ZeroPad2d(): unknown option 'Padding' (did you mean 'padding'?)"],
  "nn.ReflectionPad1d": [() => make(nn.ReflectionPad1d, { Padding: 1 }), "nn.ReflectionPad1d(): unknown option 'Padding' (did you mean 'padding'?)"],
  "nn.ReflectionPad2d": [() => make(nn.ReflectionPad2d, { Padding: 1 }), "nn.ReflectionPad2d(): unknown option 'Padding' (did you mean 'padding'?)"],
  "nn.ReflectionPad3d": [() => make(nn.ReflectionPad3d, { Padding: 1 }), "nn.ReflectionPad3d(): unknown option 'Padding' (did you mean 'padding'?)"],
  "nn.ReplicationPad1d": [() => make(nn.ReplicationPad1d, { Padding: 1 }), "nn.ReplicationPad1d(): unknown option 'Padding' (did you mean 'padding'?)"],
  "nn.ReplicationPad2d": [() => make(nn.ReplicationPad2d, { Padding: 1 }), "nn.ReplicationPad2d(): unknown option 'Padding' (did you mean 'padding'?)"],
  "nn.ReplicationPad3d": [() => make(nn.ReplicationPad3d, { Padding: 1 }), "nn.ReplicationPad3d(): unknown option 'Padding' (did you mean 'padding'?)"],
  "nn.PixelShuffle": [() => make(nn.PixelShuffle, { upscale_factor: 2 }), "nn.PixelShuffle(): unknown option 'upscale_factor' (did you mean 'upscaleFactor'?)"],
  "nn.PixelUnshuffle": [() => make(nn.PixelUnshuffle, { downscale_factor: 2 }), "nn.PixelUnshuffle(): unknown option 'downscale_factor' (did you mean 'downscaleFactor'?)"],
  "nn.MaxPool1d": [() => make(nn.MaxPool1d, 2, { ceil_mode: true }), "nn.MaxPool1d(): unknown option 'ceil_mode' (did you mean 'ceilMode'?)"],
  "nn.AvgPool1d": [() => make(nn.AvgPool1d, 2, { count_include_pad: false }), "nn.AvgPool1d(): unknown option 'count_include_pad' (did you mean 'countIncludePad'?)"],
  "nn.AdaptiveAvgPool1d": [() => make(nn.AdaptiveAvgPool1d, { output_size: 1 }), "nn.AdaptiveAvgPool1d(): unknown option 'output_size' (did you mean 'outputSize'?)"],
  "nn.AdaptiveMaxPool1d": [() => make(nn.AdaptiveMaxPool1d, 2, { return_indices: true }), "nn.AdaptiveMaxPool1d(): unknown option 'return_indices' (did you mean 'returnIndices'?)"],
  "nn.AdaptiveMaxPool2d": [() => make(nn.AdaptiveMaxPool2d, 2, { return_indices: true }), "nn.AdaptiveMaxPool2d(): unknown option 'return_indices' (did you mean 'returnIndices'?)"],
  "nn.MaxUnpool1d": [() => make(nn.MaxUnpool1d, 2, { output_size: [4] }), "nn.MaxUnpool1d(): unknown option 'output_size' (allowed options: 'kernelSize', 'stride', 'padding')"],
  "nn.MaxUnpool2d": [() => make(nn.MaxUnpool2d, 2, { output_size: [4, 4] }), "nn.MaxUnpool2d(): unknown option 'output_size' (allowed options: 'kernelSize', 'stride', 'padding')"],
  "nn.ChannelShuffle": [() => make(nn.ChannelShuffle, { group: 2 }), "nn.ChannelShuffle(): unknown option 'group' (did you mean 'groups'?)"],
  "nn.LPPool1d": [() => make(nn.LPPool1d, 2, 3, { ceil_mode: true }), "nn.LPPool1d(): unknown option 'ceil_mode' (did you mean 'ceilMode'?)"],
  "nn.LPPool2d": [() => make(nn.LPPool2d, 2, 3, { ceil_mode: true }), "nn.LPPool2d(): unknown option 'ceil_mode' (did you mean 'ceilMode'?)"],
  "nn.LocalResponseNorm": [() => make(nn.LocalResponseNorm, 2, { Alpha: 1e-3 }), "nn.LocalResponseNorm(): unknown option 'Alpha' (did you mean 'alpha'?)"],
  "nn.Fold": [() => make(nn.Fold, 4, 2, { kernel_size: 2 }), "nn.Fold(): unknown option 'kernel_size' (did you mean 'kernelSize'?)"],
  "nn.Unfold": [() => make(nn.Unfold, 2, { Stride: 2 }), "nn.Unfold(): unknown option 'Stride' (did you mean 'stride'?)"],
  "nn.Unflatten": [() => make(nn.Unflatten, 1, { unflattened_size: [2, 2] }), "nn.Unflatten(): unknown option 'unflattened_size' (did you mean 'unflattenedSize'?)"],
  "nn.KLDivLoss": [() => make(nn.KLDivLoss, { log_target: true }), "nn.KLDivLoss(): unknown option 'log_target' (did you mean 'logTarget'?)"],
  "nn.HuberLoss": [() => make(nn.HuberLoss, { Delta: 2 }), "nn.HuberLoss(): unknown option 'Delta' (did you mean 'delta'?)"],
  "nn.CosineEmbeddingLoss": [() => make(nn.CosineEmbeddingLoss, { Margin: 0.5 }), "nn.CosineEmbeddingLoss(): unknown option 'Margin' (did you mean 'margin'?)"],
  // losses of issue 15
  "nn.MarginRankingLoss": [() => make(nn.MarginRankingLoss, 0.5), "nn.MarginRankingLoss(): expected an options object as argument 1, got number 0.5 (pass { margin: 0.5 })"],
  "nn.HingeEmbeddingLoss": [() => make(nn.HingeEmbeddingLoss, { Margin: 2 }), "nn.HingeEmbeddingLoss(): unknown option 'Margin' (did you mean 'margin'?)"],
  "nn.SoftMarginLoss": [() => make(nn.SoftMarginLoss, { size_average: true }), "nn.SoftMarginLoss(): unknown option 'size_average' (did you mean 'sizeAverage'?)"],
  "nn.MultiLabelSoftMarginLoss": [() => make(nn.MultiLabelSoftMarginLoss, { weights: null }), "nn.MultiLabelSoftMarginLoss(): unknown option 'weights' (did you mean 'weight'?)"],
  "nn.MultiMarginLoss": [() => make(nn.MultiMarginLoss, 2), "nn.MultiMarginLoss(): expected an options object as argument 1, got number 2 (pass { p: 2 })"],
  "nn.MultiLabelMarginLoss": [() => make(nn.MultiLabelMarginLoss, {}, {}), "nn.MultiLabelMarginLoss(): takes at most 1 argument but 2 were given"],
  "nn.PoissonNLLLoss": [() => make(nn.PoissonNLLLoss, { log_input: false }), "nn.PoissonNLLLoss(): unknown option 'log_input' (did you mean 'logInput'?)"],
  "nn.GaussianNLLLoss": [() => make(nn.GaussianNLLLoss, { Full: true }), "nn.GaussianNLLLoss(): unknown option 'Full' (did you mean 'full'?)"],
  "nn.TripletMarginLoss": [() => make(nn.TripletMarginLoss, { margin: 1, Swap: true }), "nn.TripletMarginLoss(): unknown option 'Swap' (did you mean 'swap'?)"],
  "nn.TripletMarginWithDistanceLoss": [
    () => make(nn.TripletMarginWithDistanceLoss, { distance_function: null }),
    "nn.TripletMarginWithDistanceLoss(): unknown option 'distance_function' (did you mean 'distanceFunction'?)",
  ],
  // containers
  "nn.Sequential": [() => make(nn.Sequential, [new nn.ReLU()]), "nn.Sequential(): an array of length 1 is not a Module subclass"],
  "nn.ModuleList": [() => make(nn.ModuleList, new nn.ReLU(), new nn.Tanh()), "nn.ModuleList(): takes at most 1 argument but 2 were given"],
  "nn.ModuleDict": [() => make(nn.ModuleDict, { act: new nn.ReLU() }, { bogus_key: 1 }), "nn.ModuleDict(): takes at most 1 argument but 2 were given"],
  // issue 16
  "nn.ParameterList": [() => make(nn.ParameterList, [torch.zeros([1])], [torch.zeros([1])]), "nn.ParameterList(): takes at most 1 argument but 2 were given"],
  "nn.ParameterDict": [() => make(nn.ParameterDict, { a: torch.zeros([1]) }, { bogus_key: 1 }), "nn.ParameterDict(): takes at most 1 argument but 2 were given"],
  "nn.ConvTranspose1d": [() => make(nn.ConvTranspose1d, 4, 2, 3, { output_padding: 1 }), "nn.ConvTranspose1d(): unknown option 'output_padding' (did you mean 'outputPadding'?)"],
  "nn.Dropout1d": [() => make(nn.Dropout1d, 0.5, { in_place: true }), "nn.Dropout1d(): unknown option 'in_place' (did you mean 'inplace'?)"],
  "nn.Dropout3d": [() => make(nn.Dropout3d, 0.5, { in_place: true }), "nn.Dropout3d(): unknown option 'in_place' (did you mean 'inplace'?)"],
  "nn.AlphaDropout": [() => make(nn.AlphaDropout, 0.5, { in_place: true }), "nn.AlphaDropout(): unknown option 'in_place' (did you mean 'inplace'?)"],
  "nn.FeatureAlphaDropout": [() => make(nn.FeatureAlphaDropout, 0.5, { in_place: true }), "nn.FeatureAlphaDropout(): unknown option 'in_place' (did you mean 'inplace'?)"],
  "nn.UpsamplingNearest2d": [() => make(nn.UpsamplingNearest2d, { scale_factor: 2 }), "nn.UpsamplingNearest2d(): unknown option 'scale_factor' (did you mean 'scaleFactor'?)"],
  "nn.UpsamplingBilinear2d": [() => make(nn.UpsamplingBilinear2d, { scale_factor: 2 }), "nn.UpsamplingBilinear2d(): unknown option 'scale_factor' (did you mean 'scaleFactor'?)"],
  "nn.Bilinear": [() => make(nn.Bilinear, 2, 3, 4, { bias_: false }), "nn.Bilinear(): unknown option 'bias_' (did you mean 'bias'?)"],
  "nn.EmbeddingBag": [() => make(nn.EmbeddingBag, 5, 2, { padding_idx: 0 }), "nn.EmbeddingBag(): unknown option 'padding_idx' (did you mean 'paddingIdx'?)"],
  "nn.Conv3d": [() => make(nn.Conv3d, 1, 4, 3, { padding_mode: "zeros" }), "nn.Conv3d(): unknown option 'padding_mode' (did you mean 'paddingMode'?)"],
  "nn.MaxPool3d": [() => make(nn.MaxPool3d, 2, { ceil_mode: true }), "nn.MaxPool3d(): unknown option 'ceil_mode' (did you mean 'ceilMode'?)"],
  "nn.AvgPool3d": [() => make(nn.AvgPool3d, 2, { count_include_pad: false }), "nn.AvgPool3d(): unknown option 'count_include_pad' (did you mean 'countIncludePad'?)"],
  "nn.AdaptiveAvgPool3d": [() => make(nn.AdaptiveAvgPool3d, { output_size: 1 }), "nn.AdaptiveAvgPool3d(): argument 1 (outputSize) must be an int or a tuple of ints and nulls, got an object"],
  "nn.AdaptiveMaxPool3d": [() => make(nn.AdaptiveMaxPool3d, { output_size: 1 }), "nn.AdaptiveMaxPool3d(): argument 1 (outputSize) must be an int or a tuple of ints and nulls, got an object"],
  "nn.BatchNorm3d": [() => make(nn.BatchNorm3d, 4, { track_running_stats: false }), "nn.BatchNorm3d(): unknown option 'track_running_stats' (did you mean 'trackRunningStats'?)"],
  "nn.InstanceNorm1d": [() => make(nn.InstanceNorm1d, 4, { track_running_stats: false }), "nn.InstanceNorm1d(): unknown option 'track_running_stats' (did you mean 'trackRunningStats'?)"],
  "nn.InstanceNorm3d": [() => make(nn.InstanceNorm3d, 4, { track_running_stats: false }), "nn.InstanceNorm3d(): unknown option 'track_running_stats' (did you mean 'trackRunningStats'?)"],
  "nn.LazyLinear": [() => make(nn.LazyLinear, 4, { bias_: false }), "nn.LazyLinear(): unknown option 'bias_' (did you mean 'bias'?)"],
  "nn.LazyConv1d": [() => make(nn.LazyConv1d, 4, 3, { padding_mode: "zeros" }), "nn.LazyConv1d(): unknown option 'padding_mode' (did you mean 'paddingMode'?)"],
  "nn.LazyConv2d": [() => make(nn.LazyConv2d, 4, 3, { padding_mode: "zeros" }), "nn.LazyConv2d(): unknown option 'padding_mode' (did you mean 'paddingMode'?)"],
  "nn.LazyBatchNorm1d": [() => make(nn.LazyBatchNorm1d, { track_running_stats: false }), "nn.LazyBatchNorm1d(): unknown option 'track_running_stats' (did you mean 'trackRunningStats'?)"],
  "nn.LazyBatchNorm2d": [() => make(nn.LazyBatchNorm2d, { track_running_stats: false }), "nn.LazyBatchNorm2d(): unknown option 'track_running_stats' (did you mean 'trackRunningStats'?)"],
  "nn.LazyConv3d": [() => make(nn.LazyConv3d, 4, 3, { padding_mode: "zeros" }), "nn.LazyConv3d(): unknown option 'padding_mode' (did you mean 'paddingMode'?)"],
  "nn.LazyConvTranspose1d": [() => make(nn.LazyConvTranspose1d, 4, 3, { output_padding: 1 }), "nn.LazyConvTranspose1d(): unknown option 'output_padding' (did you mean 'outputPadding'?)"],
  "nn.LazyConvTranspose2d": [() => make(nn.LazyConvTranspose2d, 4, 3, { output_padding: 1 }), "nn.LazyConvTranspose2d(): unknown option 'output_padding' (did you mean 'outputPadding'?)"],
  "nn.LazyBatchNorm3d": [() => make(nn.LazyBatchNorm3d, { track_running_stats: false }), "nn.LazyBatchNorm3d(): unknown option 'track_running_stats' (did you mean 'trackRunningStats'?)"],
  "nn.LazyInstanceNorm1d": [() => make(nn.LazyInstanceNorm1d, { track_running_stats: false }), "nn.LazyInstanceNorm1d(): unknown option 'track_running_stats' (did you mean 'trackRunningStats'?)"],
  "nn.LazyInstanceNorm2d": [() => make(nn.LazyInstanceNorm2d, { track_running_stats: false }), "nn.LazyInstanceNorm2d(): unknown option 'track_running_stats' (did you mean 'trackRunningStats'?)"],
  "nn.LazyInstanceNorm3d": [() => make(nn.LazyInstanceNorm3d, { track_running_stats: false }), "nn.LazyInstanceNorm3d(): unknown option 'track_running_stats' (did you mean 'trackRunningStats'?)"],
  // no options: an extra argument is refused (ReLU's one is PyTorch's `inplace`)
  "nn.Module": [() => make(nn.Module, true), "nn.Module(): takes no arguments but 1 was given"],
  "nn.ReLU": [() => make(nn.ReLU, true, true), "nn.ReLU(): takes at most 1 argument but 2 were given"],
  "nn.Sigmoid": [() => make(nn.Sigmoid, { bogus_key: 1 }), "nn.Sigmoid(): takes no arguments but 1 was given"],
  "nn.Tanh": [() => make(nn.Tanh, { bogus_key: 1 }), "nn.Tanh(): takes no arguments but 1 was given"],
  // nn.init: fills with options
  "nn.init.uniform_": [() => call(nn.init.uniform_, w(), 0, 1, { gen: null }), "nn.init.uniform_(): unknown option 'gen' (did you mean 'generator'?)"],
  "nn.init.normal_": [() => call(nn.init.normal_, w(), 0, { std: 1 }), "nn.init.normal_(): argument 3 (std) must be a number, got an object"],
  "nn.init.xavierUniform_": [() => call(nn.init.xavierUniform_, w(), 1, { gain: 2 }), "nn.init.xavierUniform_(): unknown option 'gain' (allowed options: 'generator')"],
  "nn.init.xavierNormal_": [() => call(nn.init.xavierNormal_, w(), 1, { gain: 2 }), "nn.init.xavierNormal_(): unknown option 'gain' (allowed options: 'generator')"],
  "nn.init.kaimingUniform_": [() => call(nn.init.kaimingUniform_, w(), { mode: "fan_in", non_linearity: "relu" }), "nn.init.kaimingUniform_(): unknown option 'non_linearity' (did you mean 'nonlinearity'?)"],
  "nn.init.kaimingNormal_": [() => call(nn.init.kaimingNormal_, w(), { negative_slope: 0.1 }), "nn.init.kaimingNormal_(): unknown option 'negative_slope' (allowed options: 'generator', 'a', 'mode', 'nonlinearity')"],
  // nn.utils
  "nn.utils.clipGradNorm_": [
    () => call(nn.utils.clipGradNorm_, params(), 1, 2, { error_if_nonfinite: true }),
    "nn.utils.clipGradNorm_(): unknown option 'error_if_nonfinite' (did you mean 'errorIfNonfinite'?)",
  ],
  "nn.utils.clipGradValue_": [() => call(nn.utils.clipGradValue_, params(), 1, { foreach: true }), "nn.utils.clipGradValue_(): takes at most 2 arguments but 3 were given"],
  // optimizers
  "optim.SGD": [() => make(optim.SGD, params(), { lr: 0.1, weight_decay: 0.5 }), "SGD(): unknown option 'weight_decay' (did you mean 'weightDecay'?)"],
  "optim.Adam": [() => make(optim.Adam, params(), { weight_decay: 0.5 }), "Adam(): unknown option 'weight_decay' (did you mean 'weightDecay'?)"],
  "optim.AdamW": [() => make(optim.AdamW, params(), { weight_decay: 0.5 }), "AdamW(): unknown option 'weight_decay' (did you mean 'weightDecay'?)"],
  "optim.RMSprop": [() => make(optim.RMSprop, params(), { weight_decay: 0.5 }), "RMSprop(): unknown option 'weight_decay' (did you mean 'weightDecay'?)"],
  "optim.Adagrad": [() => make(optim.Adagrad, params(), { lr_decay: 0.5 }), "Adagrad(): unknown option 'lr_decay' (did you mean 'lrDecay'?)"],
  // schedulers
  "optim.lrScheduler.StepLR": [() => make(lrScheduler.StepLR, sgd(), { step_size: 3 }), "StepLR(): unknown option 'step_size' (did you mean 'stepSize'?)"],
  "optim.lrScheduler.MultiStepLR": [
    () => make(lrScheduler.MultiStepLR, sgd(), { milestones: [2], last_epoch: -1 }),
    "MultiStepLR(): unknown option 'last_epoch' (did you mean 'lastEpoch'?)",
  ],
  "optim.lrScheduler.ExponentialLR": [() => make(lrScheduler.ExponentialLR, sgd(), { gamma: 0.9, last_epoch: -1 }), "ExponentialLR(): unknown option 'last_epoch' (did you mean 'lastEpoch'?)"],
  "optim.lrScheduler.CosineAnnealingLR": [() => make(lrScheduler.CosineAnnealingLR, sgd(), { T_max: 10 }), "CosineAnnealingLR(): unknown option 'T_max' (did you mean 'tMax'?)"],
  "optim.lrScheduler.LambdaLR": [() => make(lrScheduler.LambdaLR, sgd(), { lr_lambda: () => 1 }), "LambdaLR(): unknown option 'lr_lambda' (did you mean 'lrLambda'?)"],
  "optim.lrScheduler.OneCycleLR": [
    () => make(lrScheduler.OneCycleLR, sgd(), { maxLr: 1, totalSteps: 10, pct_start: 0.5 }),
    "OneCycleLR(): unknown option 'pct_start' (did you mean 'pctStart'?)",
  ],
  "optim.lrScheduler.ReduceLROnPlateau": [() => make(lrScheduler.ReduceLROnPlateau, sgd(), { min_lr: 0.01 }), "ReduceLROnPlateau(): unknown option 'min_lr' (did you mean 'minLr'?)"],
  // datasets
  "datasets.MNIST": [() => make(datasets.MNIST, { trian: true }), "datasets.MNIST(): unknown option 'trian' (did you mean 'train'?)"],
  "datasets.FashionMNIST": [() => make(datasets.FashionMNIST, { dowload: true }), "datasets.FashionMNIST(): unknown option 'dowload' (did you mean 'download'?)"],
  "datasets.FakeData": [() => make(datasets.FakeData, { image_size: [1, 2, 2] }), "datasets.FakeData(): unknown option 'image_size' (did you mean 'imageSize'?)"],
  "datasets.ImageFolder": [
    () => make(datasets.ImageFolder, NOWHERE, { target_transform: null }),
    "datasets.ImageFolder(): unknown option 'target_transform' (did you mean 'targetTransform'?)",
  ],
  "datasets.ImageArrayDataset": [
    () => make(datasets.ImageArrayDataset, new Uint8Array(4), new Uint8Array(1), { count: 1, height: 2, width: 2, channels: 1 }, { target_transform: null }),
    "datasets.ImageArrayDataset(): unknown option 'target_transform' (did you mean 'targetTransform'?)",
  ],
  "datasets.cachedImageFolder": [
    () => call(datasets.cachedImageFolder, NOWHERE, NOWHERE, { max_file_bytes: 10 }),
    "datasets.cachedImageFolder(): unknown option 'max_file_bytes' (did you mean 'maxFileBytes'?)",
  ],
  "datasets.loadImage": [() => call(datasets.loadImage, NOWHERE, "RGB", { max_bytes: 10 }), "datasets.loadImage(): unknown option 'max_bytes' (did you mean 'maxBytes'?)"],
  // transforms
  "transforms.Compose": [() => make(transforms.Compose, [new transforms.ToTensor()], { bogus_key: 1 }), "transforms.Compose(): takes at most 1 argument but 2 were given"],
  "transforms.Lambda": [() => make(transforms.Lambda, (x: unknown) => x, { bogus_key: 1 }), "transforms.Lambda(): takes at most 1 argument but 2 were given"],
  "transforms.ToTensor": [() => make(transforms.ToTensor, { bogus_key: 1 }), "transforms.ToTensor(): takes no arguments but 1 was given"],
  "transforms.Normalize": [
    () => make(transforms.Normalize, { mean: [0.5], std: [0.5] }),
    "transforms.Normalize(): argument 1 (mean) must be a number or an array of numbers, got an object",
  ],
  "transforms.Grayscale": [
    () => make(transforms.Grayscale, { num_output_channels: 3 }),
    "transforms.Grayscale(): argument 1 (numOutputChannels) must be an int, got an object",
  ],
  "transforms.GaussianNoise": [() => make(transforms.GaussianNoise, 0.1, { clip_: false }), "transforms.GaussianNoise(): unknown option 'clip_' (did you mean 'clip'?)"],
  "transforms.Resize": [() => make(transforms.Resize, 10, { antialias_: 1 }), "transforms.Resize(): unknown option 'antialias_' (allowed options: 'interpolation')"],
  "transforms.CenterCrop": [() => make(transforms.CenterCrop, 10, { bogus_key: 1 }), "transforms.CenterCrop(): takes at most 1 argument but 2 were given"],
  "transforms.RandomCrop": [() => make(transforms.RandomCrop, 10, { pad_if_needed: true }), "transforms.RandomCrop(): unknown option 'pad_if_needed' (did you mean 'padIfNeeded'?)"],
  "transforms.RandomRotation": [() => make(transforms.RandomRotation, 10, { expand: true }), "transforms.RandomRotation(): unknown option 'expand' (allowed options: 'interpolation', 'fill')"],
  "transforms.RandomAffine": [() => make(transforms.RandomAffine, { degrees: 10, shear_: 5 }), "transforms.RandomAffine(): unknown option 'shear_' (did you mean 'shear'?)"],
  "transforms.resizeImage": [() => call(transforms.resizeImage, img(), [1, 1], { interpolation: "nearest" }), "transforms.resizeImage(): argument 3 (interpolation) must be a string, got an object"],
  "transforms.rotate": [() => call(transforms.rotate, img(), 30, { interpolation: "bilinear" }), "transforms.rotate(): argument 3 (interpolation) must be a string, got an object"],
  "transforms.affine": [
    () => call(transforms.affine, img(), 30, [0, 0], 1, [0, 0], { interpolation: "bilinear" }),
    "transforms.affine(): argument 6 (interpolation) must be a string, got an object",
  ],
  // augmentation transforms (issue 13)
  "transforms.RandomHorizontalFlip": [() => make(transforms.RandomHorizontalFlip, { p: 0.5 }), "transforms.RandomHorizontalFlip(): argument 1 (p) must be a number, got an object"],
  "transforms.RandomVerticalFlip": [() => make(transforms.RandomVerticalFlip, 0.5, { p: 0.5 }), "transforms.RandomVerticalFlip(): takes at most 1 argument but 2 were given"],
  "transforms.hflip": [() => call(transforms.hflip, img(), { inplace: true }), "transforms.hflip(): takes at most 1 argument but 2 were given"],
  "transforms.vflip": [() => call(transforms.vflip, img(), { inplace: true }), "transforms.vflip(): takes at most 1 argument but 2 were given"],
  "transforms.Pad": [() => make(transforms.Pad, 2, { padding_mode: "edge" }), "transforms.Pad(): unknown option 'padding_mode' (did you mean 'paddingMode'?)"],
  "transforms.pad": [() => call(transforms.pad, img(), 1, { fill: 0 }), "transforms.pad(): argument 3 (fill) must be a number, got an object"],
  "transforms.RandomResizedCrop": [
    () => make(transforms.RandomResizedCrop, 4, { antialias: true }),
    "transforms.RandomResizedCrop(): unknown option 'antialias' (allowed options: 'scale', 'ratio', 'interpolation')",
  ],
  "transforms.resizedCrop": [
    () => call(transforms.resizedCrop, img(), 0, 0, 1, 1, [1, 1], { interpolation: "nearest" }),
    "transforms.resizedCrop(): argument 7 (interpolation) must be a string, got an object",
  ],
  "transforms.randomResizedCropParams": [
    () => call(transforms.randomResizedCropParams, img(), [0.08, 1], [0.75, 1.25], { seed: 1 }),
    "transforms.randomResizedCropParams(): argument 4 (generator) must be a Generator, got an object",
  ],
  "transforms.adjustBrightness": [() => call(transforms.adjustBrightness, img(), { factor: 1 }), "transforms.adjustBrightness(): argument 2 (brightnessFactor) must be a number, got an object"],
  "transforms.adjustContrast": [() => call(transforms.adjustContrast, img(), { factor: 1 }), "transforms.adjustContrast(): argument 2 (contrastFactor) must be a number, got an object"],
  "transforms.adjustSaturation": [() => call(transforms.adjustSaturation, img(), { factor: 1 }), "transforms.adjustSaturation(): argument 2 (saturationFactor) must be a number, got an object"],
  "transforms.adjustHue": [() => call(transforms.adjustHue, img(), { factor: 0.1 }), "transforms.adjustHue(): argument 2 (hueFactor) must be a number, got an object"],
  "transforms.ColorJitter": [() => make(transforms.ColorJitter, { brightnes: 0.1 }), "transforms.ColorJitter(): unknown option 'brightnes' (did you mean 'brightness'?)"],
  "transforms.RandomErasing": [() => make(transforms.RandomErasing, { in_place: true }), "transforms.RandomErasing(): unknown option 'in_place' (did you mean 'inplace'?)"],
  "transforms.erase": [
    () => call(transforms.erase, torch.zeros([1, 2, 2]), 0, 0, 1, 1, 0, { inplace: true }),
    "transforms.erase(): argument 7 (inplace) must be a boolean, got an object",
  ],
  // checkpoints (async: the error is the promise's rejection)
  "torch.save": [() => call(torch.save, {}, NOWHERE, { meta: {} }), "torch.save(): unknown option 'meta' (did you mean 'metadata'?)"],
  "torch.load": [() => call(torch.load, NOWHERE, { max_bytes: 10 }), "torch.load(): unknown option 'max_bytes' (did you mean 'maxBytes'?)"],
  "torch.loadWithMetadata": [() => call(torch.loadWithMetadata, NOWHERE, { max_bytes: 10 }), "torch.loadWithMetadata(): unknown option 'max_bytes' (did you mean 'maxBytes'?)"],
  "torch.saveTrainingState": [() => call(torch.saveTrainingState, NOWHERE, {}, { meta: {} }), "torch.saveTrainingState(): unknown option 'meta' (did you mean 'metadata'?)"],
  "torch.loadTrainingState": [
    () => call(torch.loadTrainingState, NOWHERE, { max_json_bytes: 10 }),
    "torch.loadTrainingState(): unknown option 'max_json_bytes' (did you mean 'maxJsonBytes'?)",
  ],
  // recurrent layers (issue 14)
  "nn.Embedding": [() => make(nn.Embedding, 10, 3, { padding_idx: 0 }), "nn.Embedding(): unknown option 'padding_idx' (did you mean 'paddingIdx'?)"],
  "nn.RNN": [() => make(nn.RNN, 4, 8, { num_layers: 2 }), "nn.RNN(): unknown option 'num_layers' (did you mean 'numLayers'?)"],
  "nn.LSTM": [() => make(nn.LSTM, 4, 8, { batch_first: true }), "nn.LSTM(): unknown option 'batch_first' (did you mean 'batchFirst'?)"],
  "nn.GRU": [() => make(nn.GRU, 4, 8, { bidirectional_: true }), "nn.GRU(): unknown option 'bidirectional_' (did you mean 'bidirectional'?)"],
  "nn.RNNCell": [() => make(nn.RNNCell, 4, 8, { non_linearity: "relu" }), "nn.RNNCell(): unknown option 'non_linearity' (did you mean 'nonlinearity'?)"],
  "nn.LSTMCell": [() => make(nn.LSTMCell, 4, 8, { Bias: false }), "nn.LSTMCell(): unknown option 'Bias' (did you mean 'bias'?)"],
  "nn.GRUCell": [() => make(nn.GRUCell, 4, 8, { Bias: false }), "nn.GRUCell(): unknown option 'Bias' (did you mean 'bias'?)"],
  "nn.PackedSequence": [() => make(nn.PackedSequence, { data: torch.zeros([2, 1]) }), "data must be a Tensor, got Object"],
  // more optimizers and schedulers (issue 14)
  "optim.Adadelta": [() => make(optim.Adadelta, params(), { weight_decay: 0.5 }), "Adadelta(): unknown option 'weight_decay' (did you mean 'weightDecay'?)"],
  "optim.LBFGS": [() => make(optim.LBFGS, params(), { line_search_fn: "strong_wolfe" }), "LBFGS(): unknown option 'line_search_fn' (did you mean 'lineSearchFn'?)"],
  "optim.NAdam": [() => make(optim.NAdam, params(), { momentum_decay: 0.004 }), "NAdam(): unknown option 'momentum_decay' (did you mean 'momentumDecay'?)"],
  "optim.RAdam": [() => make(optim.RAdam, params(), { weight_decay: 0.5 }), "RAdam(): unknown option 'weight_decay' (did you mean 'weightDecay'?)"],
  "optim.lrScheduler.LinearLR": [() => make(lrScheduler.LinearLR, sgd(), { start_factor: 0.5 }), "LinearLR(): unknown option 'start_factor' (did you mean 'startFactor'?)"],
  "optim.lrScheduler.SequentialLR": [
    () => {
      const o = sgd();
      const schedulers = [new lrScheduler.StepLR(o, { stepSize: 2 }), new lrScheduler.StepLR(o, { stepSize: 2 })];
      return make(lrScheduler.SequentialLR, o, { schedulers, milestones: [2], last_epoch: -1 });
    },
    "SequentialLR(): unknown option 'last_epoch' (did you mean 'lastEpoch'?)",
  ],
  "optim.lrScheduler.CosineAnnealingWarmRestarts": [() => make(lrScheduler.CosineAnnealingWarmRestarts, sgd(), { T_0: 10 }), "CosineAnnealingWarmRestarts(): unknown option 'T_0' (did you mean 't0'?)"],
  "optim.lrScheduler.CyclicLR": [
    () => make(lrScheduler.CyclicLR, sgd(), { baseLr: 0.01, maxLr: 0.1, step_size_up: 5 }),
    "CyclicLR(): unknown option 'step_size_up' (did you mean 'stepSizeUp'?)",
  ],
  // Adamax, ASGD, Rprop and more schedulers (issue 16)
  "optim.Adamax": [() => make(optim.Adamax, params(), { weight_decay: 0.5 }), "Adamax(): unknown option 'weight_decay' (did you mean 'weightDecay'?)"],
  "optim.ASGD": [() => make(optim.ASGD, params(), { weight_decay: 0.5 }), "ASGD(): unknown option 'weight_decay' (did you mean 'weightDecay'?)"],
  "optim.Rprop": [() => make(optim.Rprop, params(), { step_sizes: [1e-6, 50] }), "Rprop(): unknown option 'step_sizes' (did you mean 'stepSizes'?)"],
  "optim.lrScheduler.ConstantLR": [() => make(lrScheduler.ConstantLR, sgd(), { total_iters: 3 }), "ConstantLR(): unknown option 'total_iters' (did you mean 'totalIters'?)"],
  "optim.lrScheduler.MultiplicativeLR": [() => make(lrScheduler.MultiplicativeLR, sgd(), { lr_lambda: () => 1 }), "MultiplicativeLR(): unknown option 'lr_lambda' (did you mean 'lrLambda'?)"],
  "optim.lrScheduler.PolynomialLR": [() => make(lrScheduler.PolynomialLR, sgd(), { total_iters: 3 }), "PolynomialLR(): unknown option 'total_iters' (did you mean 'totalIters'?)"],
  "optim.lrScheduler.ChainedScheduler": [
    () => make(lrScheduler.ChainedScheduler, [new lrScheduler.StepLR(sgd(), { stepSize: 2 })], { verbose: true }),
    "ChainedScheduler(): takes at most 1 argument but 2 were given",
  ],
  // nn.init and nn.utils additions (issue 16)
  "nn.init.orthogonal_": [() => call(nn.init.orthogonal_, w(), 1, { gen: null }), "nn.init.orthogonal_(): unknown option 'gen' (did you mean 'generator'?)"],
  "nn.init.truncNormal_": [() => call(nn.init.truncNormal_, w(), 0, 1, -2, 2, { gen: null }), "nn.init.truncNormal_(): unknown option 'gen' (did you mean 'generator'?)"],
  "nn.init.sparse_": [() => call(nn.init.sparse_, w(), 0.1, 0.01, { gen: null }), "nn.init.sparse_(): unknown option 'gen' (did you mean 'generator'?)"],
  "nn.init.eye_": [() => call(nn.init.eye_, w(), 1), "nn.init.eye_(): takes at most 1 argument but 2 were given"],
  "nn.init.dirac_": [() => call(nn.init.dirac_, torch.empty([2, 2, 3]), 1, { groups: 1 }), "nn.init.dirac_(): takes at most 2 arguments but 3 were given"],
  "nn.init.uniform": [() => call(nn.init.uniform, w(), 0, 1, { gen: null }), "nn.init.uniform_(): unknown option 'gen' (did you mean 'generator'?)"],
  "nn.init.normal": [() => call(nn.init.normal, w(), 0, { std: 1 }), "nn.init.normal_(): argument 3 (std) must be a number, got an object"],
  "nn.init.eye": [() => call(nn.init.eye, w(), 1), "nn.init.eye_(): takes at most 1 argument but 2 were given"],
  "nn.init.dirac": [() => call(nn.init.dirac, torch.empty([2, 2, 3]), 1, { groups: 1 }), "nn.init.dirac_(): takes at most 2 arguments but 3 were given"],
  "nn.init.xavierUniform": [() => call(nn.init.xavierUniform, w(), 1, { gain: 2 }), "nn.init.xavierUniform_(): unknown option 'gain' (allowed options: 'generator')"],
  "nn.init.xavierNormal": [() => call(nn.init.xavierNormal, w(), 1, { gain: 2 }), "nn.init.xavierNormal_(): unknown option 'gain' (allowed options: 'generator')"],
  "nn.init.kaimingUniform": [() => call(nn.init.kaimingUniform, w(), { non_linearity: "relu" }), "nn.init.kaimingUniform_(): unknown option 'non_linearity' (did you mean 'nonlinearity'?)"],
  "nn.init.kaimingNormal": [() => call(nn.init.kaimingNormal, w(), { negative_slope: 0.1 }), "nn.init.kaimingNormal_(): unknown option 'negative_slope' (allowed options: 'generator', 'a', 'mode', 'nonlinearity')"],
  "nn.utils.clipGradNorm": [
    () => call(nn.utils.clipGradNorm, params(), 1, 2, { error_if_nonfinite: true }),
    "nn.utils.clipGradNorm(): unknown option 'error_if_nonfinite' (did you mean 'errorIfNonfinite'?)",
  ],
  "nn.utils.parametersToVector": [() => call(nn.utils.parametersToVector, params(), {}), "nn.utils.parametersToVector(): takes at most 1 argument but 2 were given"],
  "nn.utils.vectorToParameters": [() => call(nn.utils.vectorToParameters, torch.zeros([2]), params(), {}), "nn.utils.vectorToParameters(): takes at most 2 arguments but 3 were given"],
  "nn.utils.weightNorm": [() => call(nn.utils.weightNorm, new nn.Linear(2, 3), { dims: 0 }), "nn.utils.weightNorm(): unknown option 'dims' (did you mean 'dim'?)"],
  "nn.utils.removeWeightNorm": [() => call(nn.utils.removeWeightNorm, new nn.Linear(2, 3), { names: "weight" }), "nn.utils.removeWeightNorm(): unknown option 'names' (did you mean 'name'?)"],
  "nn.utils.spectralNorm": [
    () => call(nn.utils.spectralNorm, new nn.Linear(2, 3), { n_power_iterations: 2 }),
    "nn.utils.spectralNorm(): unknown option 'n_power_iterations' (did you mean 'nPowerIterations'?)",
  ],
  "nn.utils.removeSpectralNorm": [() => call(nn.utils.removeSpectralNorm, new nn.Linear(2, 3), { names: "weight" }), "nn.utils.removeSpectralNorm(): unknown option 'names' (did you mean 'name'?)"],
  "nn.utils.skipInit": [() => call(nn.utils.skipInit, { bias: false }), "Expected a Module; got [object Object]"],
  "nn.utils.fuseConvBnEval": [
    () => call(nn.utils.fuseConvBnEval, new nn.Conv2d(1, 2, 1), new nn.BatchNorm2d(2), false, {}),
    "nn.utils.fuseConvBnEval(): takes at most 3 arguments but 4 were given",
  ],
  "nn.utils.fuseConvBnWeights": [
    () => call(nn.utils.fuseConvBnWeights, w(), null, w(), w(), 1e-5, null, null, false, {}),
    "nn.utils.fuseConvBnWeights(): takes at most 8 arguments but 9 were given",
  ],
  "nn.utils.fuseLinearBnEval": [
    () => call(nn.utils.fuseLinearBnEval, new nn.Linear(2, 2), new nn.BatchNorm1d(2), {}),
    "nn.utils.fuseLinearBnEval(): takes at most 2 arguments but 3 were given",
  ],
  "nn.utils.fuseLinearBnWeights": [
    () => call(nn.utils.fuseLinearBnWeights, w(), null, w(), w(), 1e-5, w(), w(), {}),
    "nn.utils.fuseLinearBnWeights(): takes at most 7 arguments but 8 were given",
  ],
  // models (torchvision.models)
  "models.resnet18": [() => call(torch.models.resnet18, { num_classes: 10 }), "models.resnet18(): unknown option 'num_classes' (did you mean 'numClasses'?)"],
  "models.ResNet": [() => make(torch.models.ResNet, [2, 2, 2, 2], { num_classes: 10 }), "models.ResNet(): unknown option 'num_classes' (did you mean 'numClasses'?)"],
  // torchvision's BasicBlock(inplanes, planes, stride=1, downsample=None): stride is checked by its conv
  "models.BasicBlock": [() => make(torch.models.BasicBlock, 4, 4, { stride: 2 }), "nn.Conv2d(): option 'stride' must be an int or a tuple of ints, got an object"],
  // autograd
  "autograd.gradcheck": [
    () => call(torch.autograd.gradcheck, (x: torch.Tensor) => x.mul(2), [torch.ones([2], { dtype: "float64", requiresGrad: true })], { atoll: 1 }),
    "autograd.gradcheck(): unknown option 'atoll' (did you mean 'atol'?)",
  ],
};

/** Exports that take no options object and no checked arguments, and why. */
const EXEMPT: Record<string, string> = {
  "nn.init.calculateGain": "positional only (nonlinearity, param), as PyTorch's",
  "nn.init.calculateFanInAndFanOut": "one tensor argument",
  "nn.init.constant_": "positional only (tensor, value)",
  "nn.init.constant": "deprecated alias of constant_: positional only (tensor, value)",
  "nn.init.zeros_": "one tensor argument",
  "nn.init.ones_": "one tensor argument",
  "nn.Identity": "accepts and ignores any arguments, as PyTorch's",
  "nn.IndexedModules": "base of Sequential and ModuleList; its constructor is protected",
  "nn.StateDictError": "an error class",
  "nn.isParameter": "a predicate of one value",
  "nn.isUninitializedParameter": "a predicate of one value",
  "optim.Optimizer": "abstract; its groups are checked for every subclass (see test/optim/options.test.ts)",
  "optim.lrScheduler.LRScheduler": "abstract; subclasses check their own options",
  "nn.RNNBase": "abstract base of RNN, LSTM and GRU (protected constructor); each checks its own options",
  "datasets.CachedImageFolder": "built by cachedImageFolder(), which checks the options it passes on",
  "datasets.defaultMnistRoot": "takes no arguments and has no effect besides returning a path",
  "datasets.listImageFolder": "positional only (root, extensions)",
  "datasets.decodeCache": "cache file codec: one buffer (and a name for messages)",
  "datasets.encodeCache": "cache file codec: positional contents only",
  "datasets.DecodedImageFolder": "built by ImageFolder.fromFiles(), which checks its options",
  "datasets.decodeImageAsync": "positional (bytes or Blob, a name for messages); its limits are resolveLimits-checked as decodeImage's",
  "datasets.filesFromDataTransfer": "one DataTransfer argument, checked",
  "datasets.hasBrowserImageDecoder": "takes no arguments",
  "transforms.Transform": "abstract base of the transforms; subclasses check their own arguments",
  "transforms.imageToTensor": "one image argument",
  "transforms.inverseAffineMatrix": "positional numbers only, as torchvision's _get_inverse_affine_matrix",
  "transforms.registerTransform": "positional only (type name, factory)",
  "transforms.transformFromJSON": "one JSON argument, itself checked by the factory it names",
  "transforms.toTransform": "one argument, a Transform or a function, checked",
};

/** Covered, but the check lives in a file being changed elsewhere: runs as a todo until it lands. */
const PENDING: Record<string, [() => unknown, string]> = {
};

/** Every function exported by a namespace (namespaces inside are listed by their own entry). */
function functionsOf(prefix: string, ns: object): string[] {
  return Object.entries(ns)
    .filter(([, v]) => typeof v === "function")
    .map(([k]) => `${prefix}.${k}`);
}

const EXPORTS = [
  ...functionsOf("nn", nn),
  ...functionsOf("nn.utils", nn.utils),
  ...functionsOf("nn.init", nn.init),
  ...functionsOf("optim", optim),
  ...functionsOf("optim.lrScheduler", lrScheduler),
  ...functionsOf("datasets", datasets),
  ...functionsOf("transforms", transforms),
  ...functionsOf("models", torch.models),
  // The checkpoint and gradcheck functions, out of namespaces that are mostly not option-taking.
  "torch.save",
  "torch.load",
  "torch.loadWithMetadata",
  "torch.saveTrainingState",
  "torch.loadTrainingState",
  "autograd.gradcheck",
];

function isArgumentError(message: string): (e: unknown) => true {
  return (e: unknown) => {
    assert.ok(e instanceof torch.ArgumentError, `expected an ArgumentError, got ${String(e)}`);
    assert.equal(e.message, message);
    return true;
  };
}

function rejects(fn: () => unknown, message: string): void {
  assert.throws(fn, isArgumentError(message));
}

/** As `rejects`, for a function that may be async: its error is then the promise's rejection. */
async function rejectsEither(fn: () => unknown, message: string): Promise<void> {
  let result: unknown;
  try {
    result = fn();
  } catch (e) {
    isArgumentError(message)(e);
    return;
  }
  assert.ok(result instanceof Promise, "expected an ArgumentError, but the call returned");
  await assert.rejects(result, isArgumentError(message));
}

describe("every public constructor and function with options checks its arguments", () => {
  it("each export is in the table, exempt with a reason, or pending", () => {
    const listed = new Set([...Object.keys(CHECKED), ...Object.keys(EXEMPT), ...Object.keys(PENDING)]);
    assert.deepEqual(EXPORTS.filter((name) => !listed.has(name)), [], "exports missing from the table: add a row (and the check)");
    assert.deepEqual([...listed].filter((name) => !EXPORTS.includes(name)), [], "table rows for names that are not exported");
  });

  for (const [name, [fn, message]] of Object.entries(CHECKED)) {
    it(`${name} rejects a wrong call with an ArgumentError`, () => rejectsEither(fn, message));
  }

  for (const [name, [fn, message]] of Object.entries(PENDING)) {
    it(`${name} rejects a wrong call with an ArgumentError`, { todo: "check pending in its owner's change" }, () => rejectsEither(fn, message));
  }
});

describe("the examples of issue 12", () => {
  it("new optim.SGD(ps, { lr: 0.1, weight_decay: 0.5 }) names the camelCase option", () => {
    rejects(() => make(optim.SGD, params(), { lr: 0.1, weight_decay: 0.5 }), "SGD(): unknown option 'weight_decay' (did you mean 'weightDecay'?)");
  });

  it("new nn.Conv2d(1, 4, 3, 2) (PyTorch's positional stride) is an error, not stride 1", () => {
    rejects(() => make(nn.Conv2d, 1, 4, 3, 2), "nn.Conv2d(): expected an options object as argument 4, got number 2 (pass { stride: 2 })");
    rejects(() => make(nn.Conv2d, 1, 4, 3, {}, 1), "nn.Conv2d(): takes at most 4 arguments but 5 were given");
  });

  it("PyTorch's positional lr is named", () => {
    rejects(() => make(optim.SGD, params(), 0.1), "SGD(): expected an options object as argument 2, got number 0.1 (pass { lr: 0.1 })");
    rejects(() => make(optim.Adam, params(), 1e-3), "Adam(): expected an options object as argument 2, got number 0.001 (pass { lr: 0.001 })");
  });
});

describe("nn and optim methods with options", () => {
  const model = (): torch.nn.Sequential => new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.BatchNorm2d(2));

  it("Module methods", () => {
    rejects(() => call(model().zeroGrad.bind(model()), { set_to_none: false }), "nn.Module.zeroGrad(): unknown option 'set_to_none' (did you mean 'setToNone'?)");
    rejects(() => call(model().stateDict.bind(model()), { keep_vars: true }), "nn.Module.stateDict(): unknown option 'keep_vars' (did you mean 'keepVars'?)");
    const m = model();
    rejects(() => call(m.loadStateDict.bind(m), m.stateDict(), false), "nn.Module.loadStateDict(): expected an options object as argument 2, got boolean false (pass { strict: false })");
    rejects(() => call(m.namedParameters.bind(m), { remove_duplicate: true }), "nn.Module.namedParameters(): unknown option 'remove_duplicate' (allowed options: 'prefix', 'recurse')");
    rejects(() => call(m.namedBuffers.bind(m), "bn"), 'nn.Module.namedBuffers(): expected an options object as argument 1, got string "bn" (pass { prefix: "bn" })');
    // `{ recurse: false }` is truthy: it must not be read as recurse = true
    rejects(() => call(m.parameters.bind(m), { recurse: false }), "nn.Module.parameters(): argument 1 (recurse) must be a boolean, got an object");
    rejects(() => call(m.buffers.bind(m), { recurse: false }), "nn.Module.buffers(): argument 1 (recurse) must be a boolean, got an object");
    rejects(() => call(m.requiresGrad_.bind(m), { requires_grad: false }), "nn.Module.requiresGrad_(): argument 1 (requiresGrad) must be a boolean, got an object");
  });

  it("Optimizer methods", () => {
    const o = sgd();
    rejects(() => call(o.zeroGrad.bind(o), { set_to_none: false }), "SGD.zeroGrad(): unknown option 'set_to_none' (did you mean 'setToNone'?)");
    rejects(() => o.addParamGroup({ params: params(), weight_decay: 0.1 } as never), "SGD.addParamGroup(): unknown option 'weight_decay' (did you mean 'weightDecay'?)");
  });

  it("F.dropout2d (PyTorch's p, training, inplace, positionally or by keyword)", () => {
    rejects(() => call(nn.F.dropout2d, torch.ones([1, 2, 2, 2]), 0.5, "no"), 'F.dropout2d(): argument 3 (training) must be a boolean, got string "no"');
    rejects(() => call(nn.F.dropout2d, torch.ones([1, 2, 2, 2]), 0.5, { train: false }), "F.dropout2d(): unknown option 'train' (did you mean 'training'?)");
    rejects(() => call(nn.F.dropout2d, torch.ones([1, 2, 2, 2]), 0.5, false, false, false), "F.dropout2d(): takes at most 4 arguments but 5 were given");
  });
});
