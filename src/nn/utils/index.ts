/**
 * torch.nn.utils: gradient clipping, parameters as one vector, weight and spectral normalisation,
 * conv/linear-BatchNorm fusion, skipInit, `stateless.functionalCall`, `parametrize` and
 * `parametrizations`, `prune`, and `rnn` for padded and packed sequences.
 */
export * from "./clip_grad.ts";
export { parametersToVector, vectorToParameters } from "./convert_parameters.ts";
export { weightNorm, removeWeightNorm } from "./weight_norm.ts";
export { spectralNorm, removeSpectralNorm, type SpectralNormOptions } from "./spectral_norm.ts";
export { fuseConvBnEval, fuseConvBnWeights, fuseLinearBnEval, fuseLinearBnWeights } from "./fusion.ts";
export { skipInit } from "./skip_init.ts";
export * as parametrize from "./parametrize.ts";
export * as parametrizations from "./parametrizations.ts";
export * as prune from "./prune.ts";
export * as stateless from "./stateless.ts";
export * as rnn from "../recurrent/rnn_utils.ts";
