/**
 * kindling: `import * as torch from "kindling"`, then torch.tensor, torch.nn.Linear, torch.optim.SGD...
 * Names mirror PyTorch in camelCase.
 */
import "./ops/methods.ts";
import "./ops/table_methods.ts";

export { Tensor, type NestedArray } from "./tensor/tensor.ts";
export type { DType, Storage } from "./tensor/dtype.ts";
export { promoteTypes, isFloating as isFloatingDType } from "./tensor/dtype.ts";
export { getDefaultDType, setDefaultDType } from "./tensor/default_dtype.ts";
export {
  tensor, zeros, ones, full, empty, arange, linspace, eye, rand, randn, randint, randperm,
  zerosLike, onesLike, fullLike, randLike, randnLike,
  type TensorOptions, type RandomOptions, type TensorData,
} from "./tensor/creation.ts";
export { Generator, manualSeed, seed, initialSeed, getRngState, setRngState, defaultGenerator } from "./tensor/random.ts";
export { broadcastShapes } from "./tensor/shape.ts";

export * from "./ops/op_functions.ts";
export * from "./ops/aliases.ts";
export { clamp } from "./ops/elementwise.ts";
export { sum, mean, max, min, argmax, argmin, amax, amin, logsumexp, variance as var, std, prod, type ValuesIndices, type VarOptions } from "./ops/reduce.ts";
export { matmul, mm, bmm } from "./ops/matmul.ts";
export { softmax, logSoftmax } from "./ops/softmax.ts";
export { gather, indexSelect, maskedFill, where } from "./ops/indexing.ts";
export { cat, stack } from "./ops/join.ts";
export {
  reshape, view, flatten, transpose, t, permute, squeeze, unsqueeze, expand, narrow, select, slice, contiguous, clone,
} from "./ops/views.ts";

export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from "./autograd/grad_mode.ts";
export * as autograd from "./autograd/index.ts";
export * as nn from "./nn/index.ts";

export { setBackend, getBackend, availableBackends, registerBackend, setNumThreads, getNumThreads } from "./backend/index.ts";
export { ready, setWasmPaths } from "./platform/ready.ts";
export type { Backend } from "./backend/backend.ts";

export * as optim from "./optim/index.ts";
export * as utils from "./utils/index.ts";
export * as datasets from "./datasets/index.ts";
export * as transforms from "./transforms/index.ts";
export { save, load, loadWithMetadata, saveTrainingState, loadTrainingState, type TrainingState, type MapLocation, type LoadOptions } from "./io/checkpoint.ts";

export * from "./errors.ts";
export * from "./api_autograd.ts";
export * from "./ops/indexing_api.ts";
export * from "./ops/api_ops13.ts";
export * from "./ops/api_selection.ts";
export * from "./ops/api_shape_extra.ts";
export * from "./ops/api_misc.ts";
export * from "./ops/api_nn15.ts";
export * from "./ops/api_linalg_decomp.ts";
export { bernoulli, normal, poisson, randintLike, type NormalSizeOptions, type RandintLikeOptions } from "./ops/sampling.ts";
import "./ops/sampling_inplace.ts";
import "./ops/inplace_more.ts";
export type { FillDiagonalOptions } from "./ops/inplace_more.ts";
export * from "./ops/api_scatter_views.ts";
export { strided, isInference, getDevice, type Layout } from "./ops/tensor_queries.ts";
export { asStrided } from "./ops/api_misc_views.ts";
export { adjoint, conj, conjPhysical, resolveConj, resolveNeg, real, imag, isreal, frexp } from "./ops/api_real_views.ts";
export { scatterReduce, type ScatterReduceMode, type ScatterReduceOptions } from "./ops/api_misc_scatter.ts";
export { vander, isin, type VanderOptions, type IsinOptions } from "./ops/api_misc_create.ts";
export {
  logspace, range, hannWindow, hammingWindow, blackmanWindow, bartlettWindow, kaiserWindow,
  type LogspaceOptions, type WindowOptions, type HammingOptions, type KaiserOptions,
} from "./tensor/windows.ts";
export { getImageLimits, setImageLimits } from "./io/image/limits.ts";
export { cuda, backends } from "./accelerators.ts";
export { fromNumpy } from "./tensor/numpy.ts";
export * as models from "./models/index.ts";
