/**
 * The JSON skeleton of a training state (see checkpoint.ts for the layout): encoding a nested value into
 * JSON plus named tensors, and decoding it back from a file that may be hostile.
 *
 * Decoding accepts exactly what encoding writes. The nesting depth is checked on the text before it is
 * parsed (a 20,000-deep state would otherwise overflow the stack of any recursive walk), every tag is
 * checked for its type, and every failure is reported through `fail` with the JSON path it happened at.
 */
import { ArgumentError } from "../errors.ts";
import { Tensor } from "../tensor/tensor.ts";
import type { RawTensor } from "./safetensors.ts";
import { headerKeys, maxDepth } from "./safetensors_json.ts";

/** A value a training state may hold: tensors, JSON values, and maps/arrays/objects of those. */
export type TrainingValue =
  | Tensor | number | string | boolean | null
  | readonly TrainingValue[]
  | ReadonlyMap<string, TrainingValue>
  | { readonly [key: string]: TrainingValue | undefined };
export type TrainingState = { [key: string]: TrainingValue };

/**
 * The deepest JSON nesting a stored state may have. An optimizer state needs 5 levels; a $map or $object
 * costs 3 per level of the value. Deeper states are refused when saved, so a saved state always loads.
 */
export const MAX_STATE_DEPTH = 100;

type Json = number | string | boolean | null | Json[] | { [key: string]: Json };

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function toRaw(t: Tensor, name: string): RawTensor {
  if (!(t instanceof Tensor)) throw new ArgumentError(`state dict entry "${name}" must be a Tensor`);
  return { dtype: t.dtype, shape: [...t.shape], data: t.isDense() ? t.storage : t.toTypedArray() };
}

/** The skeleton as JSON text; tensors are added to `tensors` under their dotted paths. */
export function encodeState(state: TrainingState, tensors: Map<string, RawTensor>): string {
  return JSON.stringify(encode(state, [], 0, tensors));
}

/** `depth` is the JSON nesting around v; each container v becomes adds to it as the text will show. */
function encode(v: TrainingValue, path: string[], depth: number, tensors: Map<string, RawTensor>): Json {
  const deeper = (levels: number): number => {
    if (depth + levels > MAX_STATE_DEPTH) {
      throw new ArgumentError(`training state: "${path.join(".")}" is nested deeper than ${MAX_STATE_DEPTH} JSON levels (a cycle?); flatten it`);
    }
    return depth + levels;
  };
  if (v instanceof Tensor) {
    deeper(1);
    const name = path.join(".");
    if (name === "" || tensors.has(name)) throw new ArgumentError(`training state: two tensors would be stored under the name "${name}"`);
    tensors.set(name, toRaw(v, name));
    return { $tensor: name };
  }
  if (typeof v === "number") {
    if (Number.isFinite(v) && !Object.is(v, -0)) return v;
    deeper(1);
    return { $number: Object.is(v, -0) ? "-0" : String(v) };
  }
  if (v === null || typeof v === "string" || typeof v === "boolean") return v;
  if (Array.isArray(v)) {
    const d = deeper(1);
    return v.map((x: TrainingValue, i: number) => encode(x, [...path, String(i)], d, tensors));
  }
  if (v instanceof Map) {
    const d = deeper(3);
    return { $map: [...v.entries()].map(([k, x]): Json => [String(k), encode(x, [...path, String(k)], d, tensors)]) };
  }
  if (typeof v === "object" && isPlainObject(v)) {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined) as [string, TrainingValue][];
    const tagged = entries.some(([k]) => k.startsWith("$"));
    const d = deeper(tagged ? 3 : 1);
    const encoded = entries.map(([k, x]): [string, Json] => [k, encode(x, [...path, k], d, tensors)]);
    return tagged ? { $object: encoded } : Object.fromEntries(encoded);
  }
  const what = typeof v === "object" ? (v as object).constructor?.name ?? "object" : typeof v;
  throw new ArgumentError(`training state: "${path.join(".")}" is a ${what}, which is neither a Tensor nor a JSON value`);
}

const NUMBERS = new Map<unknown, number>([["-0", -0], ["Infinity", Infinity], ["-Infinity", -Infinity], ["NaN", NaN]]);

/**
 * Decodes skeleton text written by encodeState. `fail` throws (a FormatError naming the file); it is
 * also called for text that is not JSON, too deep, repeats a key or leaves a tensor unreferenced.
 */
export function decodeState(text: string, tensors: ReadonlyMap<string, RawTensor>, fail: (msg: string) => never): TrainingState {
  // Checked on the text, before parsing: a deep text costs memory to parse and stack to walk.
  if (maxDepth(text, MAX_STATE_DEPTH) > MAX_STATE_DEPTH) fail(`the stored state is nested deeper than ${MAX_STATE_DEPTH} levels`);
  let skeleton: unknown;
  try {
    skeleton = JSON.parse(text);
  } catch (e) {
    fail(`the stored state is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const dup = headerKeys(text).duplicate;
  if (dup !== undefined) fail(`the stored state repeats the key ${JSON.stringify(dup)}`);

  const used = new Set<string>();
  const at = (path: readonly string[]): string => (path.length === 0 ? "the state" : `"${path.join(".")}"`);
  const pairs = (x: unknown, path: readonly string[], tag: string): [string, unknown][] => {
    if (!Array.isArray(x)) fail(`${at(path)}: ${tag} holds ${typeName(x)}, expected a list of [key, value] pairs`);
    const seen = new Set<string>();
    for (const p of x as unknown[]) {
      if (!Array.isArray(p) || p.length !== 2 || typeof p[0] !== "string") fail(`${at(path)}: ${tag} has an entry that is not a [string, value] pair`);
      const k = (p as [string, unknown])[0];
      if (seen.has(k)) fail(`${at(path)}: ${tag} repeats the key ${JSON.stringify(k)}`);
      seen.add(k);
    }
    return x as [string, unknown][];
  };
  // Recursion is safe: the depth was bounded above.
  const decode = (v: unknown, path: readonly string[]): TrainingValue => {
    if (v === null || typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
    if (Array.isArray(v)) return v.map((x, i) => decode(x, [...path, String(i)]));
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    const tag = keys.find((k) => k.startsWith("$"));
    if (tag === undefined) return Object.fromEntries(keys.map((k) => [k, decode(o[k], [...path, k])]));
    if (keys.length !== 1) fail(`${at(path)}: an object mixes the tag ${tag} with other keys`);
    const body = o[tag];
    switch (tag) {
      case "$tensor": {
        if (typeof body !== "string") fail(`${at(path)}: $tensor holds ${typeName(body)}, expected a tensor name`);
        const r = tensors.get(body as string);
        if (r === undefined) fail(`${at(path)}: references a tensor ${JSON.stringify(body)} that the file does not hold`);
        if (used.has(body as string)) fail(`${at(path)}: references the tensor ${JSON.stringify(body)} a second time`);
        used.add(body as string);
        return Tensor.fromStorage(r!.data, r!.dtype, r!.shape);
      }
      case "$number": {
        const n = NUMBERS.get(body);
        if (n === undefined) fail(`${at(path)}: bad $number ${typeof body === "string" ? JSON.stringify(body) : typeName(body)} (expected "NaN", "Infinity", "-Infinity" or "-0")`);
        return n!;
      }
      case "$map":
        return new Map(pairs(body, path, tag).map(([k, x]) => [k, decode(x, [...path, k])]));
      case "$object":
        return Object.fromEntries(pairs(body, path, tag).map(([k, x]) => [k, decode(x, [...path, k])]));
      default:
        return fail(`${at(path)}: unknown tag ${JSON.stringify(tag)}`);
    }
  };
  const state = decode(skeleton, []);
  if (state === null || typeof state !== "object" || Array.isArray(state) || state instanceof Map || state instanceof Tensor) {
    fail("the stored state is not an object");
  }
  for (const name of tensors.keys()) if (!used.has(name)) fail(`tensor "${name}" is not referenced by the stored state`);
  return state as TrainingState;
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}
