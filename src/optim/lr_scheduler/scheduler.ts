/**
 * torch.optim.lr_scheduler's base class (PyTorch 1.13 `_LRScheduler`).
 *
 * Epoch bookkeeping follows PyTorch: the constructor records each group's `initialLr` (when
 * lastEpoch is -1) and performs one step, so after construction lastEpoch is 0 and the groups hold the
 * schedule's first value. Each later step() increments lastEpoch and writes getLr()'s values into the
 * groups. getLr() is the chainable (recursive) form that reads the groups' current lr, so schedulers
 * can be combined; step(epoch) uses the closed form where one exists.
 */
import { ArgumentError } from "../../errors.ts";
import { type ValueType, checkArity, checkOptions } from "../../options.ts";
import { Optimizer, describe, toSnake } from "../optimizer.ts";

export type JSONValue = number | string | boolean | null | JSONValue[] | { [key: string]: JSONValue };
/** A scheduler's state with PyTorch's attribute names (`last_epoch`, `base_lrs`, `_step_count`, ...). */
export type SchedulerStateDict = Record<string, JSONValue>;

export function checkOptimizer(optimizer: unknown): Optimizer {
  if (!(optimizer instanceof Optimizer)) throw new ArgumentError(`${describe(optimizer)} is not an Optimizer`);
  return optimizer;
}

/**
 * Checks a scheduler's constructor arguments, (optimizer, options): options a plain object with the
 * keys of `spec` (and `lastEpoch`, an int) of the right types, the first `required` of them given.
 * The first is PyTorch's second positional argument (`StepLR(opt, 30)` means step_size), named in
 * the message when a bare value comes instead.
 */
export function checkSchedulerArgs(where: string, args: IArguments, spec: Readonly<Record<string, ValueType>>, required = 0): void {
  const keys = Object.keys(spec);
  checkOptions(where, args[1], { ...spec, lastEpoch: "int" }, { index: 2, positional: keys[0], required: keys.slice(0, required) });
  checkArity(where, args, 2);
}

/** `v`, which must be a positive integer (PyTorch's wording, as OneCycleLR's `total_steps`). */
export function positiveInt(v: number | undefined, name: string): number {
  if (!Number.isInteger(v) || v! <= 0) throw new ArgumentError(`Expected positive integer ${name}, but got ${v}`);
  return v!;
}

/** A per-group value: one for all groups, or one each (PyTorch's `base_lr`, `max_momentum`, ...). */
export function perGroup(name: string, v: number | readonly number[], n: number): number[] {
  if (typeof v === "number") return new Array<number>(n).fill(v);
  if (v.length !== n) throw new ArgumentError(`expected ${n} values for ${name}, got ${v.length}`);
  return [...v];
}

export function checkStateDict(sd: unknown): asserts sd is SchedulerStateDict {
  if (sd === null || typeof sd !== "object" || Array.isArray(sd)) throw new ArgumentError("scheduler state dict must be an object");
}

/** "prop" or "prop=key": a field and its state-dict name (PyTorch's, the snake_case of prop unless given). */
const fieldsOf = (fields: string): string[][] => (fields.match(/\S+/g) ?? []).map((f) => {
  const [prop, key = toSnake(prop!)] = f.split("=");
  return [prop!, key];
});

/** The fields named in `fields` (see fieldsOf) as state-dict entries; arrays are copied. */
export function saveFields(obj: object, fields: string): SchedulerStateDict {
  const sd: SchedulerStateDict = {};
  for (const [prop, key] of fieldsOf(fields)) {
    const v = (obj as Record<string, JSONValue>)[prop!]!;
    sd[key!] = Array.isArray(v) ? [...v] : v;
  }
  return sd;
}

/**
 * Restores what saveFields wrote, all checked before any is set: a number or a number array must
 * come as one; a string or boolean entry of another type leaves the field as it is.
 */
export function loadFields(obj: object, sd: SchedulerStateDict, fields: string): void {
  const o = obj as Record<string, unknown>;
  const values = fieldsOf(fields).map(([prop, key]): [string, unknown] => {
    const cur = o[prop!];
    const v = sd[key!];
    return [prop!, Array.isArray(cur) ? numberArray(v, key!) : typeof cur === "number" ? numberField(v, key!) : typeof v === typeof cur ? v : cur];
  });
  for (const [prop, v] of values) o[prop] = v;
}

export function numberArray(v: JSONValue | undefined, key: string): number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === "number")) throw new ArgumentError(`scheduler state dict: "${key}" must be an array of numbers`);
  return [...(v as number[])];
}

export function numberField(v: JSONValue | undefined, key: string): number {
  if (typeof v !== "number") throw new ArgumentError(`scheduler state dict: "${key}" must be a number, got ${JSON.stringify(v)}`);
  return v;
}

export abstract class LRScheduler {
  readonly optimizer: Optimizer;
  baseLrs: number[];
  lastEpoch: number;
  protected stepCount = 0;
  protected lastLr: number[] = [];
  readonly #fields: string;

  /**
   * `fields` names the subclass's hyper-parameters the state dict carries (see saveFields), for the
   * default hyperParams / loadHyperParams.
   */
  constructor(optimizer: Optimizer, lastEpoch = -1, fields = "") {
    this.#fields = fields;
    this.optimizer = checkOptimizer(optimizer);
    const groups = optimizer.paramGroups;
    if (lastEpoch === -1) {
      for (const g of groups) g.initialLr ??= g.lr;
    } else {
      groups.forEach((g, i) => {
        if (g.initialLr === undefined) {
          throw new ArgumentError(`param 'initial_lr' is not specified in param_groups[${i}] when resuming an optimizer`);
        }
      });
    }
    this.baseLrs = groups.map((g) => g.initialLr!);
    this.lastEpoch = lastEpoch;
  }

  /** Subclasses call this last in their constructor (PyTorch's `_initial_step`). */
  protected initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** The chainable form: next lrs from the groups' current lrs. */
  abstract getLr(): number[];

  /** The closed form, used by step(epoch) where a scheduler has one. */
  protected closedFormLr(): number[] | null {
    return null;
  }

  /** Advances one epoch (or jumps to `epoch`, PyTorch's deprecated form) and sets each group's lr. */
  step(epoch?: number): void {
    this.stepCount++;
    let values: number[];
    if (epoch === undefined) {
      this.lastEpoch++;
      values = this.getLr();
    } else {
      this.lastEpoch = epoch;
      values = this.closedFormLr() ?? this.getLr();
    }
    this.setLrs(values);
  }

  /** Writes the groups' lrs and records them as the last ones. */
  protected setLrs(values: number[]): void {
    const groups = this.optimizer.paramGroups;
    groups.forEach((g, i) => {
      if (i < values.length) g.lr = values[i]!; // a group added after the scheduler keeps its lr (PyTorch's zip)
    });
    this.lastLr = this.scaled();
  }

  /** The groups' current lrs times `factor`: what the chainable forms step by. */
  protected scaled(factor = 1): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr * factor);
  }

  /** The lrs the last step() set. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** Hyper-parameters for the state dict, with PyTorch's attribute names. */
  protected hyperParams(): SchedulerStateDict {
    return saveFields(this, this.#fields);
  }

  /** Restores what hyperParams() wrote. */
  protected loadHyperParams(sd: SchedulerStateDict): void {
    loadFields(this, sd, this.#fields);
  }

  stateDict(): SchedulerStateDict {
    return {
      ...this.hyperParams(),
      base_lrs: [...this.baseLrs],
      last_epoch: this.lastEpoch,
      verbose: false,
      _step_count: this.stepCount,
      _get_lr_called_within_step: false,
      _last_lr: [...this.lastLr],
    };
  }

  loadStateDict(sd: SchedulerStateDict): void {
    checkStateDict(sd);
    const baseLrs = numberArray(sd.base_lrs, "base_lrs");
    const lastEpoch = numberField(sd.last_epoch, "last_epoch");
    const stepCount = sd._step_count === undefined ? this.stepCount : numberField(sd._step_count, "_step_count");
    const lastLr = sd._last_lr === undefined ? this.lastLr : numberArray(sd._last_lr, "_last_lr");
    const n = this.optimizer.paramGroups.length;
    if (baseLrs.length !== n) throw new ArgumentError(`scheduler state dict has ${baseLrs.length} base_lrs, but the optimizer has ${n} parameter groups`);
    this.loadHyperParams(sd);
    this.baseLrs = baseLrs;
    this.lastEpoch = lastEpoch;
    this.stepCount = stepCount;
    this.lastLr = lastLr;
  }
}
