import { ArgumentError, DTypeError } from "../errors.ts";
import { log } from "../log.ts";
import { checkArg, checkOptions } from "../options.ts";
import { castChecked, integerRange } from "./cast.ts";
import { type TensorOptions } from "./creation.ts";
import { getDefaultDType } from "./default_dtype.ts";
import { type DType, allocStorage, checkDType, isFloating } from "./dtype.ts";
import { TENSOR_OPTIONS, finish } from "./ranges.ts";
import { Tensor } from "./tensor.ts";

/**
 * The remaining range and window factories: torch.logspace, torch.range (deprecated, end inclusive) and
 * the signal windows hann / hamming / blackman / bartlett / kaiser. Values are computed in double and
 * stored once in the dtype.
 */

/** A 1-d tensor of `n` values f(i) in `dtype`. */
function build(n: number, dtype: DType, f: (i: number) => number, fn: string): Tensor {
  const out = allocStorage(dtype, n, [n]);
  const ints = integerRange(dtype) !== null;
  for (let i = 0; i < n; i++) out[i] = ints ? castChecked(dtype, Math.trunc(f(i)), fn) : f(i);
  return Tensor.fromStorage(out, dtype, [n]);
}

export interface LogspaceOptions extends TensorOptions {
  base?: number;
}

/** base ** v for v in linspace(start, end, steps), filled from both ends as PyTorch's kernel. */
export function logspace(start: number, end: number, steps: number, base: number | LogspaceOptions = 10, opts: LogspaceOptions = {}): Tensor {
  if (base !== null && typeof base === "object") [opts, base] = [base, base.base ?? 10];
  checkOptions("logspace()", opts, { ...TENSOR_OPTIONS, base: "number" }, { index: 5, positional: "dtype" });
  checkArg("logspace()", start, "number", 1, "start");
  checkArg("logspace()", end, "number", 2, "end");
  checkArg("logspace()", base, "number", 4, "base");
  if (!Number.isSafeInteger(steps) || steps < 0) throw new ArgumentError("number of steps must be non-negative");
  const dtype = opts.dtype !== undefined ? checkDType(opts.dtype) : getDefaultDType();
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  const half = Math.floor(steps / 2);
  const b = base;
  const t = build(steps, dtype, (i) => b ** (i < half || steps === 1 ? start + step * i : end - step * (steps - 1 - i)), "logspace()");
  return finish(t, opts);
}

let rangeWarned = false;

/** start, start + step, ... up to and including end; the default dtype even for integer arguments. */
export function range(start: number, end: number, step: number | TensorOptions = 1, opts: TensorOptions = {}): Tensor {
  if (step !== null && typeof step === "object") [opts, step] = [step, 1];
  checkOptions("range()", opts, TENSOR_OPTIONS, { index: 4, positional: "dtype" });
  for (const [v, i, name] of [[start, 1, "start"], [end, 2, "end"], [step, 3, "step"]] as const) checkArg("range()", v, "number", i, name);
  if (!rangeWarned) {
    rangeWarned = true;
    log("warn", "torch.range is deprecated and will be removed in a future release because its behavior is inconsistent with Python's range builtin. Instead, use torch.arange, which produces values in [start, end).");
  }
  if (step === 0) throw new ArgumentError("step must be nonzero");
  if ((step > 0 && end < start) || (step < 0 && end > start)) {
    throw new ArgumentError("upper bound and lower bound inconsistent with step sign");
  }
  const dtype = opts.dtype !== undefined ? checkDType(opts.dtype) : getDefaultDType();
  const s = step;
  const n = Math.floor((end - start) / s) + 1;
  return finish(build(n, dtype, (i) => start + i * s, "range()"), opts);
}

export interface WindowOptions extends TensorOptions {
  periodic?: boolean;
}
export interface HammingOptions extends WindowOptions {
  alpha?: number;
  beta?: number;
}
export interface KaiserOptions extends WindowOptions {
  beta?: number;
}

const CPP_NAME: Record<DType, string> = { float32: "float", float64: "double", int32: "int", int64: "long int", bool: "bool" };

/** The shared checks and periodic handling: f(i, m) over m points (one more than asked when periodic). */
function windowOf(fn: string, length: number, periodic: boolean | undefined, opts: WindowOptions, extra: Record<string, "number">, f: (i: number, m: number) => number): Tensor {
  checkOptions(`${fn}()`, opts, { ...TENSOR_OPTIONS, periodic: "boolean", ...extra }, { index: periodic === undefined ? 2 : 3 });
  if (periodic !== undefined) {
    checkArg(`${fn}()`, periodic, "boolean", 2, "periodic");
    opts = { ...opts, periodic };
  }
  const dtype = opts.dtype !== undefined ? checkDType(opts.dtype) : getDefaultDType();
  if (!isFloating(dtype)) {
    throw new DTypeError(
      `${fn} expects floating point dtypes, got: TensorOptions(dtype=${CPP_NAME[dtype]}, device=cpu, layout=Strided (default), ` +
        "requires_grad=false (default), pinned_memory=false, memory_format=(nullopt))",
    );
  }
  if (!Number.isSafeInteger(length) || length < 0) throw new ArgumentError(`${fn} requires non-negative window_length, got window_length=${length}`);
  if (length <= 1) return finish(build(length, dtype, () => 1, fn), opts);
  const m = (opts.periodic ?? true) ? length + 1 : length;
  return finish(build(length, dtype, (i) => f(i, m), fn), opts);
}

const cosTerm = (i: number, m: number, k: number): number => Math.cos((2 * Math.PI * k * i) / (m - 1));

export function hannWindow(windowLength: number, periodic?: boolean | WindowOptions, opts: WindowOptions = {}): Tensor {
  if (periodic !== null && typeof periodic === "object") [opts, periodic] = [periodic, undefined];
  return windowOf("hann_window", windowLength, periodic as boolean | undefined, opts, {}, (i, m) => 0.5 - 0.5 * cosTerm(i, m, 1));
}

export function hammingWindow(windowLength: number, periodic?: boolean | HammingOptions, opts: HammingOptions = {}): Tensor {
  if (periodic !== null && typeof periodic === "object") [opts, periodic] = [periodic, undefined];
  const o = opts;
  return windowOf("hamming_window", windowLength, periodic as boolean | undefined, o, { alpha: "number", beta: "number" },
    (i, m) => (o.alpha ?? 0.54) - (o.beta ?? 0.46) * cosTerm(i, m, 1));
}

export function blackmanWindow(windowLength: number, periodic?: boolean | WindowOptions, opts: WindowOptions = {}): Tensor {
  if (periodic !== null && typeof periodic === "object") [opts, periodic] = [periodic, undefined];
  return windowOf("blackman_window", windowLength, periodic as boolean | undefined, opts, {}, (i, m) => 0.42 - 0.5 * cosTerm(i, m, 1) + 0.08 * cosTerm(i, m, 2));
}

export function bartlettWindow(windowLength: number, periodic?: boolean | WindowOptions, opts: WindowOptions = {}): Tensor {
  if (periodic !== null && typeof periodic === "object") [opts, periodic] = [periodic, undefined];
  return windowOf("bartlett_window", windowLength, periodic as boolean | undefined, opts, {}, (i, m) => 1 - Math.abs((2 * i) / (m - 1) - 1));
}

/** The modified Bessel function I0 by its power series (terms ((x/2)^k / k!)^2, all positive). */
function besselI0(x: number): number {
  const q = (x * x) / 4;
  let term = 1;
  let sum = 1;
  for (let k = 1; term > sum * 1e-17; k++) {
    term *= q / (k * k);
    sum += term;
  }
  return sum;
}

export function kaiserWindow(windowLength: number, periodic?: boolean | KaiserOptions, opts: KaiserOptions = {}): Tensor {
  if (periodic !== null && typeof periodic === "object") [opts, periodic] = [periodic, undefined];
  const o = opts;
  return windowOf("kaiser_window", windowLength, periodic as boolean | undefined, o, { beta: "number" }, (i, m) => {
    const beta = o.beta ?? 12;
    const denom = besselI0(beta);
    const a = (m - 1) / 2;
    const r = (i - a) / a;
    return besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / denom;
  });
}
