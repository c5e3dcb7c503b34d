/**
 * torch.optim: `new torch.optim.Adam(model.parameters(), { lr: 1e-3 })`, schedulers under
 * `torch.optim.lrScheduler`, stochastic weight averaging under `torch.optim.swaUtils`. Update rules, defaults, state-dict layout and error messages follow
 * PyTorch 1.13.
 */
export {
  Optimizer,
  type GroupOptions, type ParamGroup, type ParamGroupSpec, type ParamsArg, type OptionValue,
  type ParamState, type StateValue, type OptimizerStateDict, type SavedParamGroup, type Closure,
} from "./optimizer.ts";
export { SGD, type SGDOptions } from "./sgd.ts";
export { Adam, AdamW, type AdamOptions } from "./adam.ts";
export { RMSprop, type RMSpropOptions } from "./rmsprop.ts";
export { Adagrad, type AdagradOptions } from "./adagrad.ts";
export * as lrScheduler from "./lr_scheduler/index.ts";
export * from "./extra/index.ts";
export * as swaUtils from "./swa_utils/index.ts";
