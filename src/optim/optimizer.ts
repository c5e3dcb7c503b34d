/**
 * torch.optim.Optimizer: parameter groups, per-parameter state, zeroGrad, and state dicts in PyTorch's
 * layout. Subclasses implement `updateGroup` (the update rule) and `validate` (argument checks).
 *
 * Parameters keep their identity: updates write into the leaf tensors' own memory under noGrad, so
 * modules that hold the tensors see the new values.
 */
import { enableGrad, noGrad } from "../autograd/grad_mode.ts";
import { zeroGradOf } from "../autograd/zero_grad.ts";
import { ArgumentError, ShapeError } from "../errors.ts";
import { type ValueType, checkArity, checkOptions } from "../options.ts";
import { isFloating } from "../tensor/dtype.ts";
import { fmtShape, sameShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { type ParamView, paramView } from "./dense.ts";
import "../ops/methods.ts";

/** A hyper-parameter value a group may hold (and a state dict may carry). */
export type OptionValue = number | boolean | string | null | readonly number[];

/** Options every group has. The optional ones are written by LR schedulers, as in PyTorch. */
export interface GroupOptions {
  lr: number;
  /** PyTorch's `initial_lr`: the lr a scheduler started from. */
  initialLr?: number;
  /** OneCycleLR's per-group peak and floor learning rates and momentum range. */
  maxLr?: number;
  minLr?: number;
  maxMomentum?: number;
  baseMomentum?: number;
  /** SWALR's per-group target learning rate (PyTorch's `swa_lr`). */
  swaLr?: number;
}

/** A parameter group: its tensors and its options (each option overrides the optimizer's default). */
export type ParamGroup<O extends GroupOptions = GroupOptions> = O & { params: Tensor[] };
/** What callers pass for a group: any subset of the options, and one tensor or an ordered iterable. */
export type ParamGroupSpec<O extends GroupOptions = GroupOptions> = Partial<O> & { params: Iterable<Tensor> | Tensor };
/** An optimizer's first argument: tensors (one group) or group specs. */
export type ParamsArg<O extends GroupOptions = GroupOptions> = Iterable<Tensor> | Iterable<ParamGroupSpec<O>>;

/** A list entry is LBFGS's history (`old_dirs`, `ro`, ...), as PyTorch keeps lists in its state. */
export type StateValue = Tensor | number | null | readonly (Tensor | number | null)[];
/** Per-parameter state with PyTorch's key names (`exp_avg`, `momentum_buffer`, `step`, ...). */
export type ParamState = Record<string, StateValue>;

/** A group in a state dict: options with PyTorch's snake_case names, parameters as integer indices. */
export interface SavedParamGroup {
  params: number[];
  [option: string]: OptionValue;
}

/**
 * PyTorch's optimizer state_dict layout. Parameters are numbered 0, 1, 2, ... across all groups in
 * order; `state` is keyed by those numbers and holds only parameters that have state.
 */
export type OptimizerStateDict = {
  state: Record<number, ParamState>;
  param_groups: SavedParamGroup[];
};

export type Closure = () => Tensor | number;

/** The group options LR schedulers write; a group given to an optimizer may carry them too. */
type SchedulerKey = Exclude<keyof GroupOptions, "lr">;
const SCHEDULER_KEYS: Readonly<Record<SchedulerKey, ValueType>> = {
  initialLr: "number", maxLr: "number", minLr: "number", maxMomentum: "number", baseMomentum: "number", swaLr: "number",
};

/** An optimizer's own options with the type each must hold (the scheduler-written ones excepted). */
export type OptionTypes<O extends GroupOptions> = Readonly<Record<Exclude<keyof O, SchedulerKey> & string, ValueType>>;

/**
 * A built-in optimizer's options, checked: at most (params, options), options a plain object with
 * known keys of the right types (PyTorch passes lr positionally, `SGD(ps, 0.1)`, so a number there is
 * named as such). Returns the options that are set, to spread over the defaults: an option given
 * as undefined keeps its default.
 */
export function optimizerOptions<O extends GroupOptions>(where: string, options: Partial<O>, args: IArguments, types: OptionTypes<O>): Partial<O> {
  checkOptions(where, options, types, { index: 2, positional: "lr" });
  checkArity(where, args, 2);
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<O>;
}

/**
 * PyTorch's range checks by option name: the least allowed value (rho is also at most 1; each of the
 * betas is in [0, 1)). Options not named here (SGD's dampening, LBFGS's tolerances) are not checked.
 */
const AT_LEAST: Readonly<Record<string, number>> = {
  lr: 0, eps: 0, momentum: 0, weightDecay: 0, alpha: 0, lrDecay: 0, initialAccumulatorValue: 0, rho: 0, momentumDecay: 0, historySize: 1,
};

/** PyTorch's name of an option in its range errors (`Invalid learning rate: -1`, `Invalid weight_decay value: -1`). */
const rangeName = (k: string): string => (k === "lr" ? "learning rate" : `${k === "eps" ? "epsilon" : toSnake(k)} value`);

/** Counts one more step in a parameter's state (`step`, a number here; PyTorch's 0-d tensor) and returns it. */
export const nextStep = (state: ParamState): number => (state.step = (typeof state.step === "number" ? state.step : 0) + 1);

export const toSnake = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
export const toCamel = (k: string): string => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** A value as the messages here name it: `null`, `an array`, its class (`Tensor`, `Object`) or its type. */
export function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? (v as object).constructor?.name ?? "object" : typeof v;
}

function isOptionValue(v: unknown): v is OptionValue {
  if (v === null || typeof v === "number" || typeof v === "boolean" || typeof v === "string") return true;
  return Array.isArray(v) && v.every((x) => typeof x === "number");
}

const copyOption = (v: OptionValue): OptionValue => (Array.isArray(v) ? [...(v as number[])] : v);

function isIterable(v: unknown): v is Iterable<unknown> {
  return v !== null && v !== undefined && typeof (v as Iterable<unknown>)[Symbol.iterator] === "function";
}

/** A dense copy of a tensor, cut from the graph. */
function snapshot(t: Tensor): Tensor {
  return Tensor.fromStorage(t.toTypedArray(), t.dtype, t.shape);
}

export abstract class Optimizer<O extends GroupOptions = GroupOptions> {
  readonly defaults: Readonly<Partial<O>>;
  paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state, created on a parameter's first update (Adagrad: at construction). */
  state = new Map<Tensor, ParamState>();
  /** While the constructor adds the groups it was given: how errors name the group. */
  private groupWhere: string | null = null;
  readonly #types: OptionTypes<O> | undefined;
  readonly #name: string | undefined;

  /**
   * Built-ins also pass their option types (see optionTypes) and their name as PyTorch prints it
   * (see typeName).
   */
  constructor(params: ParamsArg<O>, defaults: Partial<O>, types?: OptionTypes<O>, name?: string) {
    this.#types = types;
    this.#name = name;
    this.validate(defaults);
    this.defaults = defaults;
    if (params instanceof Tensor || !isIterable(params)) {
      throw new ArgumentError(
        `params argument given to the optimizer should be an iterable of Tensors or dicts, but got ${describe(params)}`,
      );
    }
    const list = [...(params as Iterable<unknown>)];
    if (list.length === 0) throw new ArgumentError("optimizer got an empty parameter list");
    const groups = list[0] instanceof Tensor ? [{ params: list }] : list;
    groups.forEach((g, i) => {
      this.groupWhere = `${this.typeName}(): param group ${i}`;
      this.addParamGroup(g as ParamGroupSpec<O>);
    });
    this.groupWhere = null;
  }

  /** The class name as PyTorch prints it (`SGD`); built-ins spell it out, as minifiers rename classes. */
  protected get typeName(): string {
    return this.#name ?? this.constructor.name;
  }

  /**
   * The options a group may set, with their types; unknown keys in a group are errors. Built-ins list
   * theirs; a subclass that does not is held to the keys of its defaults.
   */
  protected get optionTypes(): Readonly<Record<string, ValueType>> | undefined {
    return this.#types;
  }

  /** The update rule for one group; runs under noGrad. */
  protected abstract updateGroup(group: ParamGroup<O>): void;

  /**
   * Argument checks (PyTorch's messages); called on the defaults and on every group. Built-ins get
   * PyTorch's range checks for their options (see AT_LEAST), in their optionTypes' order.
   */
  protected validate(options: Partial<O>): void {
    for (const k of Object.keys(this.optionTypes ?? {})) {
      const v = (options as Record<string, unknown>)[k];
      if (v === undefined) continue;
      if (k === "betas") {
        if (!Array.isArray(v) || v.length !== 2) throw new ArgumentError(`betas must be a pair of numbers, got ${JSON.stringify(v)}`);
        v.forEach((b: number, i) => {
          if (!(b >= 0 && b < 1)) throw new ArgumentError(`Invalid beta parameter at index ${i}: ${b}`);
        });
      } else if (k in AT_LEAST && !((v as number) >= AT_LEAST[k]! && (k !== "rho" || (v as number) <= 1))) {
        throw new ArgumentError(`Invalid ${rangeName(k)}: ${String(v)}`);
      }
    }
  }

  /**
   * One optimization step over every parameter that has a gradient. With a closure, it is evaluated
   * first with grad mode on (it should zero the grads, compute the loss and call backward) and its
   * result is returned.
   */
  step(closure?: Closure): Tensor | number | undefined {
    const loss = closure ? enableGrad(closure) : undefined;
    noGrad(() => {
      for (const group of this.paramGroups) this.updateGroup(group);
    });
    return loss;
  }

  /**
   * Clears the gradients: zeros by default (PyTorch 1.13's `set_to_none=False`), so a parameter that
   * gets no gradient next time still takes a step on zeros (momentum, weight decay); `setToNone: true`
   * drops them, and step() then skips such a parameter (PyTorch 2's default).
   */
  zeroGrad(opts: { setToNone?: boolean } = {}): void {
    checkOptions(`${this.typeName}.zeroGrad()`, opts, { setToNone: "boolean" }, { index: 1, positional: "setToNone" });
    for (const group of this.paramGroups) zeroGradOf(group.params, opts.setToNone ?? false);
  }

  /** Adds a group (e.g. layers unfrozen while fine-tuning); missing options come from the defaults. */
  addParamGroup(spec: ParamGroupSpec<O>): void {
    if (spec === null || typeof spec !== "object" || spec instanceof Tensor || Array.isArray(spec)) {
      throw new ArgumentError(`param group must be an object with a "params" field, got ${describe(spec)}`);
    }
    checkOptions(this.groupWhere ?? `${this.typeName}.addParamGroup()`, spec, this.groupKeys());
    const raw: unknown = spec.params;
    let params: unknown[];
    if (raw instanceof Tensor) params = [raw];
    else if (raw instanceof Set) {
      throw new ArgumentError(
        "optimizer parameters need to be organized in ordered collections, but the ordering of tensors in sets will change between runs. Please use a list instead.",
      );
    } else if (isIterable(raw)) params = [...raw];
    else throw new ArgumentError(`param group "params" must be a Tensor or an iterable of Tensors, got ${describe(raw)}`);
    for (const p of params) {
      if (!(p instanceof Tensor)) throw new ArgumentError(`optimizer can only optimize Tensors, but one of the params is ${describe(p)}`);
      if (!p.isLeaf) throw new ArgumentError("can't optimize a non-leaf Tensor");
    }
    const group: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this.defaults)) if (v !== undefined) group[k] = copyOption(v as OptionValue);
    for (const [k, v] of Object.entries(spec)) {
      if (k === "params" || v === undefined) continue;
      if (!isOptionValue(v)) throw new ArgumentError(`param group option "${k}" must be a number, boolean, string or number array, got ${describe(v)}`);
      group[k] = copyOption(v);
    }
    if (group.lr === undefined) throw new ArgumentError("parameter group didn't specify a value of required optimization parameter lr");
    this.validate(group as Partial<O>);
    const tensors = params as Tensor[];
    if (new Set(tensors).size !== tensors.length) {
      throw new ArgumentError("optimizer contains a parameter group with duplicate parameters");
    }
    for (const g of this.paramGroups) {
      if (g.params.some((p) => tensors.includes(p))) throw new ArgumentError("some parameters appear in more than one parameter group");
    }
    group.params = tensors;
    this.paramGroups.push(group as unknown as ParamGroup<O>);
  }

  /** What a group may hold: its tensors, the optimizer's options, and what LR schedulers write. */
  private groupKeys(): Readonly<Record<string, ValueType>> {
    const own = this.optionTypes ?? Object.fromEntries(["lr", ...Object.keys(this.defaults)].map((k): [string, ValueType] => [k, "any"]));
    return { params: "any", ...own, ...SCHEDULER_KEYS };
  }

  /** Runs `update` on each parameter of the group that has a gradient, with its flat view and its state. */
  protected eachGrad(group: ParamGroup<O>, update: (v: ParamView, state: ParamState, param: Tensor) => void): void {
    for (const param of group.params) {
      const grad = Tensor.peekGrad(param);
      if (grad !== null) update(paramView(param, grad, this.typeName), this.paramState(param), param);
    }
  }

  /** The state of `p`, created empty on first use. */
  protected paramState(p: Tensor): ParamState {
    let s = this.state.get(p);
    if (s === undefined) {
      s = {};
      this.state.set(p, s);
    }
    return s;
  }

  /**
   * The optimizer's state in PyTorch's layout (see OptimizerStateDict), with option names in
   * snake_case (`weight_decay`, `initial_lr`) so that torch's `load_state_dict` accepts it. Buffers
   * are copies (PyTorch returns references), so the snapshot stays valid while training goes on.
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const param_groups = this.paramGroups.map((g) => {
      const saved: SavedParamGroup = { params: [] };
      for (const [k, v] of Object.entries(g)) {
        if (k !== "params" && v !== undefined) saved[toSnake(k)] = copyOption(v as OptionValue);
      }
      saved.params = g.params.map((p) => {
        if (!index.has(p)) index.set(p, index.size);
        return index.get(p)!;
      });
      return saved;
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i === undefined) continue;
      const out: ParamState = {};
      for (const [k, v] of Object.entries(s)) {
        out[k] = v instanceof Tensor ? snapshot(v) : Array.isArray(v) ? v.map((x: Tensor | number | null) => (x instanceof Tensor ? snapshot(x) : x)) : v;
      }
      state[i] = out;
    }
    return { state, param_groups };
  }

  /**
   * Restores a state dict from stateDict() (or from PyTorch, converted to tensors). Groups must match
   * in number and size; saved options replace the current ones; buffers are copied into fresh dense
   * tensors of each parameter's dtype. Nothing changes if validation fails.
   */
  loadStateDict(sd: OptimizerStateDict): void {
    if (sd === null || typeof sd !== "object" || !Array.isArray(sd.param_groups) || sd.state === null || typeof sd.state !== "object") {
      throw new ArgumentError('optimizer state dict must be an object with "state" and "param_groups"');
    }
    const groups = this.paramGroups;
    if (sd.param_groups.length !== groups.length) {
      throw new ArgumentError(
        `loaded state dict has a different number of parameter groups (${sd.param_groups.length} saved, ${groups.length} in the optimizer)`,
      );
    }
    const idMap = new Map<number, Tensor>();
    const newOptions: Record<string, OptionValue>[] = [];
    sd.param_groups.forEach((saved, gi) => {
      if (saved === null || typeof saved !== "object" || !Array.isArray(saved.params)) {
        throw new ArgumentError(`loaded state dict: param_groups[${gi}] has no "params" list`);
      }
      const mine = groups[gi]!.params;
      if (saved.params.length !== mine.length) {
        throw new ArgumentError(
          `loaded state dict contains a parameter group that doesn't match the size of optimizer's group (group ${gi}: ${saved.params.length} saved, ${mine.length} in the optimizer)`,
        );
      }
      saved.params.forEach((id, j) => {
        if (!Number.isInteger(id) || idMap.has(id)) throw new ArgumentError(`loaded state dict: param_groups[${gi}] has an invalid or repeated parameter index ${String(id)}`);
        idMap.set(id, mine[j]!);
      });
      const opts: Record<string, OptionValue> = {};
      for (const [k, v] of Object.entries(saved)) {
        if (k === "params") continue;
        if (!isOptionValue(v)) throw new ArgumentError(`loaded state dict: param_groups[${gi}].${k} is ${describe(v)}, not an option value`);
        opts[toCamel(k)] = copyOption(v);
      }
      this.validate({ ...groups[gi]!, ...opts } as Partial<O>);
      newOptions.push(opts);
    });
    const state = new Map<Tensor, ParamState>();
    for (const [k, entry] of Object.entries(sd.state)) {
      const p = idMap.get(Number(k));
      if (p === undefined) throw new ArgumentError(`loaded state dict has state for parameter ${k}, which no parameter group lists`);
      if (entry === null || typeof entry !== "object") throw new ArgumentError(`loaded state for parameter ${k} is not an object`);
      state.set(p, loadParamState(p, k, entry));
    }
    groups.forEach((g, i) => Object.assign(g, newOptions[i]));
    this.state = state;
  }

  toString(): string {
    const lines = [`${this.typeName} (`];
    this.paramGroups.forEach((g, i) => {
      lines.push(`Parameter Group ${i}`);
      for (const k of Object.keys(g).sort()) if (k !== "params") lines.push(`    ${k}: ${JSON.stringify((g as unknown as Record<string, unknown>)[k])}`);
    });
    lines.push(")");
    return lines.join("\n");
  }
}

/** State PyTorch keeps as 0-d tensors: `step`, NAdam's `mu_product`, ASGD's `eta` and `mu`. */
const SCALAR_STATE = new Set(["step", "mu_product", "eta", "mu"]);

function loadParamState(p: Tensor, index: string, entry: ParamState): ParamState {
  const out: ParamState = {};
  for (const [key, v] of Object.entries(entry)) {
    if (v instanceof Tensor) {
      if (SCALAR_STATE.has(key)) {
        out[key] = v.item(); // PyTorch keeps these scalars as 0-d tensors; numbers here
        continue;
      }
      if (!sameShape(v.shape, p.shape)) {
        throw new ShapeError(`loaded state for parameter ${index}: "${key}" has shape ${fmtShape(v.shape)}, but the parameter has shape ${fmtShape(p.shape)}`);
      }
      // As PyTorch: floating state follows the parameter's dtype.
      const src = isFloating(p.dtype) && v.dtype !== p.dtype ? v.to(p.dtype) : v;
      out[key] = snapshot(src);
    } else if (v === null || typeof v === "number") {
      out[key] = v;
    } else {
      throw new ArgumentError(`loaded state for parameter ${index}: "${key}" must be a Tensor, a number or null, got ${describe(v)}`);
    }
  }
  return out;
}
