import { NonFiniteError } from "../errors.ts";
import type { Tensor } from "../tensor/tensor.ts";
import type { Node } from "./node.ts";
import { ModeScope, runScoped } from "./scope.ts";

/**
 * Anomaly detection, PyTorch's `torch.autograd.detect_anomaly`: while on, an op whose backward returns
 * NaN gradients, or whose forward turns NaN-free inputs into NaN, throws a NonFiniteError naming it and
 * the line that called it. Off (the default), the engine and `record` pay one boolean test per op.
 * Like grad mode it is one process-wide switch: JS runs one call stack at a time.
 */
let enabled = false;
let checkNan = true;

export interface AnomalyOptions {
  /** Whether to look for NaN at all (PyTorch's check_nan); without it only the forward call sites are kept. */
  checkNan?: boolean;
}

export function isAnomalyEnabled(): boolean {
  return enabled;
}

export function isAnomalyCheckNanEnabled(): boolean {
  return checkNan;
}

/** Turns anomaly detection on or off for everything that follows (PyTorch's set_detect_anomaly). */
export function setDetectAnomaly(mode: boolean, opts: AnomalyOptions = {}): void {
  enabled = mode;
  checkNan = opts.checkNan ?? true;
}

/** The mode in force before a detectAnomaly() scope; disposing the scope puts it back (once). */
export class AnomalyScope extends ModeScope {
  readonly #prev: readonly [boolean, boolean];

  constructor(prev: readonly [boolean, boolean]) {
    super();
    this.#prev = prev;
  }

  protected restore(): void {
    [enabled, checkNan] = this.#prev;
  }
}

/**
 * Anomaly detection for a scope: `detectAnomaly(() => { ... })` (sync or async; the previous mode comes
 * back when fn returns, throws or its promise settles), or `using _ = detectAnomaly()` (or call
 * `.dispose()` on the result).
 */
export function detectAnomaly(opts?: AnomalyOptions): AnomalyScope;
export function detectAnomaly<T>(fn: () => T, opts?: AnomalyOptions): T;
export function detectAnomaly<T>(fnOrOpts?: (() => T) | AnomalyOptions, opts?: AnomalyOptions): T | AnomalyScope {
  const scope = new AnomalyScope([enabled, checkNan]);
  if (typeof fnOrOpts !== "function") {
    setDetectAnomaly(true, fnOrOpts);
    return scope;
  }
  setDetectAnomaly(true, opts);
  return runScoped(scope, fnOrOpts);
}

// ---------------------------------------------------------------------------------------------
// Checks, called only while anomaly detection is on

/** Where each node's forward was called from, kept only in anomaly mode (PyTorch keeps the traceback). */
const forwardSites = new WeakMap<Node, string>();

/** kindling's own source folder; stack frames inside it are not the user's line. */
const OWN_DIR = new URL("../", import.meta.url);

/** The first stack frame outside kindling, e.g. "/app/train.ts:12:5 in train". */
function callerFrame(stack: string | undefined): string | null {
  if (stack === undefined) return null;
  for (const line of stack.split("\n").slice(1)) {
    const frame = line.trim();
    if (frame.includes(OWN_DIR.href) || frame.includes(OWN_DIR.pathname) || frame.includes("(node:") || frame.startsWith("at node:")) continue;
    // "at fn (file:line:col)" reads better as "file:line:col in fn"; anonymous functions say nothing.
    const m = /^at (.*) \((.*)\)$/.exec(frame);
    if (m === null) return frame.replace(/^at /, "");
    return m[1] === "<anonymous>" ? m[2]! : `${m[2]} in ${m[1]}`;
  }
  return null;
}

function hasNaN(t: Tensor): boolean {
  if (t.dtype !== "float32" && t.dtype !== "float64") return false;
  const n = t.numel();
  const data = t.isContiguous() ? t.storage.subarray(t.offset, t.offset + n) : t.toTypedArray();
  for (let i = 0; i < n; i++) if (data[i] !== data[i]) return true;
  return false;
}

function where(node: Node): string {
  const site = forwardSites.get(node);
  return site === undefined ? "" : ` (its forward was called at ${site})`;
}

/** After an op's forward, with grad recording on: remember the call site, and fail on a first NaN. */
export function checkForward(out: Tensor, node: Node, inputs: readonly (Tensor | null)[]): void {
  const site = callerFrame(new Error().stack);
  if (site !== null) forwardSites.set(node, site);
  if (!checkNan || !hasNaN(out)) return;
  for (const t of inputs) if (t !== null && hasNaN(t)) return;
  throw new NonFiniteError(`Function '${node.name}' returned nan values in its forward output from inputs without NaN${where(node)}.`);
}

/** After a node's backward: fail on the first input gradient holding NaN, as PyTorch words it. */
export function checkBackward(node: Node, grads: readonly (Tensor | null | undefined)[]): void {
  if (!checkNan) return;
  for (let i = 0; i < grads.length; i++) {
    const g = grads[i];
    if (g && hasNaN(g)) throw new NonFiniteError(`Function '${node.name}' returned nan values in its ${i}th output${where(node)}.`);
  }
}
