import { AsyncLocalStorage } from "../platform/node.ts";
import { ArgumentError } from "../errors.ts";
import { checkArg, checkArity, describeValue } from "../options.ts";
import { ModeScope } from "./scope.ts";

/**
 * Whether ops record the graph (grad mode), and inference mode, PyTorch's thread-local switches.
 *
 * JS has one thread but many interleaved async tasks, so "the code running inside" a scope is tracked
 * with Node's AsyncLocalStorage (every supported runtime, Node >= 20, Bun and Deno, has it):
 * `noGrad(async () => { await ...; })` keeps recording off for fn's own continuations until its promise
 * settles, while other tasks running meanwhile keep their own mode. The callback form opens a context;
 * outside any context the process-wide `root` mode applies.
 *
 * The disposable form (`using _ = noGrad();`) and a plain `setGradEnabled(false)` switch the mode of
 * the context they run in until disposed, as Python's `with torch.no_grad():` does in asyncio: an
 * `await` inside such a scope lets other tasks of the same context run with the mode switched too.
 */
interface Mode {
  grad: boolean;
  inference: boolean;
}

const root: Mode = { grad: true, inference: false };
const contexts = new AsyncLocalStorage<Mode>();
/** No store exists until a callback form first runs: until then the lookup is skipped. */
let contextsUsed = false;

function current(): Mode {
  return (contextsUsed ? contexts.getStore() : undefined) ?? root;
}

export function isGradEnabled(): boolean {
  return current().grad;
}

/** Whether an `inferenceMode` scope is active (PyTorch's `torch.is_inference_mode_enabled()`). */
export function isInferenceModeEnabled(): boolean {
  return current().inference;
}

/** An open grad-mode switch: disposing it (or leaving its `using` block) restores the previous mode. */
export class GradModeScope extends ModeScope {
  readonly #mode: Mode;
  readonly #prev: Mode;

  /** @internal */
  constructor(mode: Mode, prev: Mode) {
    super();
    this.#mode = mode;
    this.#prev = prev;
  }

  protected restore(): void {
    this.#mode.grad = this.#prev.grad;
    this.#mode.inference = this.#prev.inference;
  }
}

function enter(grad: boolean, inference: boolean): GradModeScope {
  const m = current();
  const scope = new GradModeScope(m, { ...m });
  m.grad = grad;
  m.inference = inference;
  return scope;
}

/** The callback form: fn and everything it awaits run in a context of their own with this mode. */
function run<T>(grad: boolean, inference: boolean, fn: () => T): T {
  contextsUsed = true;
  return contexts.run({ grad, inference }, fn);
}

function checkFn(where: string, fn: unknown, index: number): void {
  if (fn !== undefined && typeof fn !== "function") {
    throw new ArgumentError(`${where}: argument ${index} must be a function (the code to run in this mode) or absent, got ${describeValue(fn)}`);
  }
}

/**
 * Runs fn without recording a graph (PyTorch's `with torch.no_grad():`): `noGrad(() => ...)`, also for
 * an async fn (off until its promise settles), or `using _ = noGrad();` for the rest of a block.
 */
export function noGrad(): GradModeScope;
export function noGrad<T>(fn: () => T): T;
export function noGrad<T>(fn?: () => T): T | GradModeScope {
  checkArity("noGrad()", arguments, 1);
  checkFn("noGrad()", fn, 1);
  return gradMode(false, fn);
}

/** Recording on, even inside noGrad (PyTorch's `torch.enable_grad()`); same two forms as noGrad. */
export function enableGrad(): GradModeScope;
export function enableGrad<T>(fn: () => T): T;
export function enableGrad<T>(fn?: () => T): T | GradModeScope {
  checkArity("enableGrad()", arguments, 1);
  checkFn("enableGrad()", fn, 1);
  return gradMode(true, fn);
}

/**
 * PyTorch's `torch.set_grad_enabled(mode)`: switches at once (the returned scope, when disposed,
 * switches back), or runs fn in that mode: `setGradEnabled(isTrain, () => model.forward(x))`.
 */
export function setGradEnabled(mode: boolean): GradModeScope;
export function setGradEnabled<T>(mode: boolean, fn: () => T): T;
export function setGradEnabled<T>(mode: boolean, fn?: () => T): T | GradModeScope {
  checkArity("setGradEnabled()", arguments, 2);
  checkArg("setGradEnabled()", mode, "boolean", 1, "mode");
  checkFn("setGradEnabled()", fn, 2);
  return gradMode(mode, fn);
}

/** Grad mode `grad` with inference mode as it is: from now on (a scope), or for fn. */
function gradMode<T>(grad: boolean, fn?: () => T): T | GradModeScope {
  const inference = current().inference;
  return fn === undefined ? enter(grad, inference) : run(grad, inference, fn);
}

/**
 * PyTorch's `torch.inference_mode(mode=True)`: no graph is recorded and `isInferenceModeEnabled()` is
 * true. `inferenceMode(() => ...)`, `using _ = inferenceMode();`, `inferenceMode(false, fn)`.
 * kindling's inference tensors are ordinary tensors (PyTorch also skips version counting for them).
 */
export function inferenceMode(mode?: boolean): GradModeScope;
export function inferenceMode<T>(fn: () => T): T;
export function inferenceMode<T>(mode: boolean, fn: () => T): T;
export function inferenceMode<T>(modeOrFn?: boolean | (() => T), fn?: () => T): T | GradModeScope {
  checkArity("inferenceMode()", arguments, 2);
  if (typeof modeOrFn === "function") {
    checkArity("inferenceMode()", arguments, 1);
    fn = modeOrFn;
    modeOrFn = true;
  }
  checkArg("inferenceMode()", modeOrFn, "boolean?", 1, "mode");
  checkFn("inferenceMode()", fn, 2);
  const on = modeOrFn ?? true;
  // inference_mode(False) leaves grad mode as it is; True turns recording off.
  const grad = on ? false : current().grad;
  return fn === undefined ? enter(grad, on) : run(grad, on, fn);
}

/**
 * @internal kindling's own synchronous no-grad sections (the backward pass, parameter updates): a
 * plain switch of the current mode, which opens no async context.
 */
export function withoutGrad<T>(fn: () => T): T {
  const m = current();
  const prev = m.grad;
  m.grad = false;
  try {
    return fn();
  } finally {
    m.grad = prev;
  }
}

/** @internal A backward pass's mode: recording on for createGraph, off otherwise. */
export function withGradMode<T>(on: boolean, fn: () => T): T {
  const m = current();
  const prev = m.grad;
  m.grad = on;
  try {
    return fn();
  } finally {
    m.grad = prev;
  }
}
