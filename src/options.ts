/**
 * Runtime checks for options objects and positional arguments. TypeScript already rejects an unknown
 * key or a wrong type at compile time; these catch what plain JavaScript (and a cast through `as`)
 * lets through, so a PyTorch habit such as `{ weight_decay: 0.5 }` or `new nn.Conv2d(1, 4, 3, 2)`
 * is an ArgumentError instead of an option silently ignored.
 *
 *     checkOptions("SGD()", options, SGD_OPTIONS, { index: 2, positional: "lr" });
 *     checkArity("nn.ReLU()", arguments, 0);
 *
 * `where` names the function as the user called it (`nn.Conv2d()`): a class's own name would not
 * survive minification. Options whose value is `undefined` count as absent, as do trailing
 * `undefined` arguments.
 */
import { ArgumentError } from "./errors.ts";

/** What an option or positional argument must hold. An option set to `undefined` is always accepted (absent). */
export type ValueKind =
  | "number"
  | "int"
  | "boolean"
  | "string"
  /** An int or a tuple of ints (`IntOrTuple`). */
  | "ints"
  /** A number or an array of numbers (per-group values). */
  | "numbers"
  /** An array of ints (milestones). */
  | "int[]"
  /** A Tensor (recognised by its dtype and shape, so this file imports nothing above errors.ts). */
  | "tensor"
  /** Any non-null object that is not an array (a Generator): the callee checks further. */
  | "object"
  | "function"
  | "any";

/** A kind, or the kind with a "?" suffix when null (PyTorch's `None`) and undefined are accepted too. */
export type ValueType = ValueKind | `${ValueKind}?`;

/** The allowed option names, optionally with the type each must hold. */
export type OptionSpec = readonly string[] | Readonly<Record<string, ValueType>>;

/** Where an options object sits in the call, for the message when something else is there. */
export interface OptionsPosition {
  /** 1-based argument number, as the user counts them. */
  index: number;
  /** The option PyTorch takes positionally at this place (`stride` for Conv2d's 4th argument). */
  positional?: string;
  /** Options that must be set; with any, the options object itself is required. */
  required?: readonly string[];
}

const isInt = (v: unknown): boolean => Number.isInteger(v);
const isNumber = (v: unknown): boolean => typeof v === "number";

/** Each kind: how a message names it, and the test a value must pass. */
const KINDS: Record<ValueKind, readonly [string, (v: unknown) => boolean]> = {
  number: ["a number", isNumber],
  int: ["an int", isInt],
  boolean: ["a boolean", (v) => typeof v === "boolean"],
  string: ["a string", (v) => typeof v === "string"],
  ints: ["an int or a tuple of ints", (v) => isInt(v) || (Array.isArray(v) && v.every(isInt))],
  numbers: ["a number or an array of numbers", (v) => isNumber(v) || (Array.isArray(v) && v.every(isNumber))],
  "int[]": ["an array of ints", (v) => Array.isArray(v) && v.every(isInt)],
  tensor: ["a Tensor", isTensorLike],
  object: ["an object", (v) => typeof v === "object" && v !== null && !Array.isArray(v)],
  function: ["a function", (v) => typeof v === "function"],
  any: ["a value", () => true],
};

/** A value as a message names it: `number 2`, `string "tanh"`, `an array of length 3`, `a Tensor`. */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  switch (typeof v) {
    case "number":
    case "boolean":
      return `${typeof v} ${String(v)}`;
    case "bigint":
      return `bigint ${v}n`;
    case "string":
      return `string ${JSON.stringify(v)}`;
    case "function":
      return "a function";
    case "symbol":
      return "a symbol";
  }
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (isTensorLike(v)) return "a Tensor";
  return isPlainObject(v) ? "an object" : "an instance of a class";
}

/** A Tensor, recognised by its dtype and shape (so this file imports nothing above errors.ts). */
export function isTensorLike(v: unknown): v is { dtype: string; shape: readonly number[] } {
  return typeof v === "object" && v !== null && "dtype" in v && "shape" in v;
}

/** How a value reads in a `(pass { name: value })` hint. */
function literal(v: unknown): string {
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v) && v.length <= 8 && v.every((x) => typeof x === "number")) return `[${v.join(", ")}]`;
  return "...";
}

/** A plain object (`{...}` or Object.create(null)): what an options object is; arrays and class instances are not. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Levenshtein distance, for suggesting the option a typo meant. */
/** Optimal-string-alignment distance: a swap of two neighbouring letters (`trian`) counts as one typo. */
function editDistance(a: string, b: string): number {
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur.push(d);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

/** PyTorch's snake_case (and any other casing) of an allowed name reduces to the same key: `T_max` ~ `tMax`. */
const folded = (k: string): string => k.replace(/_/g, "").toLowerCase();

/** The allowed name a wrong key most likely meant, if any is close enough. */
export function suggestOption(key: string, allowed: readonly string[]): string | undefined {
  const same = allowed.find((a) => folded(a) === folded(key));
  if (same !== undefined) return same;
  // A shortened name (`train` for `training`), from three letters on.
  const longer = folded(key).length >= 3 ? allowed.find((a) => folded(a).startsWith(folded(key))) : undefined;
  if (longer !== undefined) return longer;
  let best: string | undefined;
  let bestD = Infinity;
  for (const a of allowed) {
    const d = editDistance(folded(key), folded(a));
    if (d < bestD) [best, bestD] = [a, d];
  }
  // Close means a typo, not another word: up to a third of the shorter name's letters.
  const limit = best === undefined ? 0 : Math.max(1, Math.floor(Math.min(folded(key).length, folded(best).length) / 3));
  return bestD <= limit ? best : undefined;
}

function unknownOption(where: string, key: string, allowed: readonly string[]): ArgumentError {
  const guess = suggestOption(key, allowed);
  const hint =
    guess !== undefined
      ? `did you mean '${guess}'?`
      : allowed.length === 0
        ? "it takes no options"
        : `allowed options: ${allowed.map((a) => `'${a}'`).join(", ")}`;
  return new ArgumentError(`${where}: unknown option '${key}' (${hint})`);
}

/** Throws unless `value` is of the given type (null and undefined pass a "?" type). */
function checkType(value: unknown, type: ValueType, what: () => string): void {
  const nullable = type.endsWith("?");
  if (nullable && (value === null || value === undefined)) return;
  const kind = (nullable ? type.slice(0, -1) : type) as ValueKind;
  const [expected, matches] = KINDS[kind];
  if (!matches(value)) {
    throw new ArgumentError(`${what()} must be ${expected}${nullable ? " or null" : ""}, got ${describeValue(value)}`);
  }
}

/**
 * Checks an options object: a plain object (or undefined) whose keys are all in `spec`, each holding a
 * value of its declared type. An unknown key is named with the allowed name it most likely meant.
 */
export function checkOptions(where: string, opts: unknown, spec: OptionSpec, at?: OptionsPosition): void {
  const required = at?.required ?? [];
  if (opts === undefined && required.length === 0) return;
  if (!isPlainObject(opts)) {
    const place = at ? ` as argument ${at.index}` : "";
    const hint = at?.positional !== undefined ? ` (pass { ${at.positional}: ${literal(opts)} })` : "";
    throw new ArgumentError(`${where}: expected an options object${place}, got ${describeValue(opts)}${hint}`);
  }
  const types: Readonly<Record<string, ValueType>> | null = Array.isArray(spec) ? null : (spec as Readonly<Record<string, ValueType>>);
  const allowed: readonly string[] = types === null ? (spec as readonly string[]) : Object.keys(types);
  for (const [key, value] of Object.entries(opts)) {
    if (value === undefined) continue;
    if (!allowed.includes(key)) throw unknownOption(where, key, allowed);
    if (types !== null) checkType(value, types[key]!, () => `${where}: option '${key}'`);
  }
  const missing = required.find((k) => (opts as Record<string, unknown>)[k] === undefined);
  if (missing !== undefined) throw new ArgumentError(`${where}: missing required option '${missing}'`);
}

/** Throws unless a positional argument is of the given type (a "?" type: or null/undefined). */
export function checkArg(where: string, value: unknown, type: ValueType, index: number, name: string): void {
  checkType(value, type, () => `${where}: argument ${index} (${name})`);
}

/**
 * Throws when a call got more than `max` arguments (keyword arguments belong in the options object).
 * Pass the function's `arguments`; trailing undefined ones do not count.
 */
export function checkArity(where: string, args: ArrayLike<unknown>, max: number): void {
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  if (n <= max) return;
  const takes = max === 0 ? "takes no arguments" : `takes at most ${max} argument${max === 1 ? "" : "s"}`;
  throw new ArgumentError(`${where}: ${takes} but ${n} ${n === 1 ? "was" : "were"} given`);
}

/**
 * PyTorch's positional-or-keyword parameters for a function written `f(x, a?, b?, c?, opts?)`: the
 * trailing plain object (at any position) holds keywords, so `vectorNorm(x, 1, { dim: 1 })` and
 * `vectorNorm(x, { ord: 1, dim: 1, keepdim: true })` both work. `names` lists the positional-or-keyword
 * parameters in order; `spec` types every keyword (including keyword-only ones). A name given both ways is
 * an error, as Python's "got multiple values for argument".
 */
export function keywordArgs(
  where: string,
  args: readonly unknown[],
  names: readonly string[],
  spec: Readonly<Record<string, ValueType>>,
  /** The argument number of args[0] as the user counts (2 after a tensor input; 1 for a constructor). */
  first = 2,
): Record<string, unknown> {
  const at = args.findIndex((a) => isPlainObject(a));
  let end = args.length;
  while (end > 0 && args[end - 1] === undefined) end--;
  const positional = at < 0 ? args.slice(0, end) : args.slice(0, at);
  const keywords = at < 0 ? {} : (args[at] as Record<string, unknown>);
  if (at >= 0 && args.slice(at + 1).some((a) => a !== undefined)) {
    throw new ArgumentError(`${where}: positional arguments cannot follow the options object (argument ${at + first})`);
  }
  if (positional.length > names.length) {
    const before = first - 1;
    throw new ArgumentError(`${where}: takes at most ${names.length + before} positional arguments but ${positional.length + before} were given`);
  }
  checkOptions(where, keywords, spec, { index: at + first });
  const out: Record<string, unknown> = {};
  positional.forEach((v, i) => {
    if (v === undefined) return;
    const name = names[i]!;
    if (spec[name] !== undefined) checkArg(where, v, spec[name], i + first, name);
    out[name] = v;
  });
  for (const [k, v] of Object.entries(keywords)) {
    if (v === undefined) continue;
    if (k in out) throw new ArgumentError(`${where}: got multiple values for argument '${k}'`);
    out[k] = v;
  }
  return out;
}
