/** torch.optim.swa_utils, as `torch.optim.swaUtils`: stochastic weight averaging. */
export { AveragedModel, type AveragedModelOptions, type AvgFn } from "./averaged_model.ts";
export { SWALR, type SWALROptions, type SWAAnnealStrategy } from "./swalr.ts";
export { updateBn } from "./update_bn.ts";
