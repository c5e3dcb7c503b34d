/**
 * Checkpoints as safetensors files (torch.save / torch.load for kindling).
 *
 * - `save(stateDict, path)` / `load(path)`: a flat name -> Tensor dict, e.g. a module's stateDict().
 *   Any tensor is accepted (views are written contiguous); int64 is written as I64. The file is written
 *   atomically and is readable by `safetensors.torch.load_file` in Python.
 *
 * - `saveTrainingState(path, state)` / `loadTrainingState(path)`: a whole training state, a nested
 *   object mixing tensors and JSON values, e.g.
 *
 *       await saveTrainingState("ckpt.safetensors", {
 *         model: model.stateDict(), optim: optimizer.stateDict(), sched: scheduler.stateDict(),
 *         epoch: 7, rng: getRngState(),
 *       });
 *       const s = await loadTrainingState("ckpt.safetensors");
 *       optimizer.loadStateDict(s.optim as OptimizerStateDict);
 *
 *   Each tensor is stored as a safetensors tensor named by its dotted path (`model.fc1.weight`,
 *   `optim.state.3.exp_avg`); everything else goes, as JSON, into the header's `__metadata__` under
 *   the key "kindling.state", with each tensor replaced by {"$tensor": "<name>"}. Other encodings:
 *   non-finite numbers and -0 as {"$number": "Infinity" | "-Infinity" | "NaN" | "-0"}, a Map as
 *   {"$map": [[key, value], ...]}, and an object with a key starting with "$" as
 *   {"$object": [[key, value], ...]}. A Python reader: json.loads(metadata["kindling.state"]) and
 *   substitute the tensors.
 */
import { ArgumentError, FormatError } from "../errors.ts";
import { Tensor } from "../tensor/tensor.ts";
import { type RawTensor, loadSafetensorsFile, saveSafetensorsFile } from "./safetensors.ts";

export type TensorDict = Readonly<Record<string, Tensor>> | ReadonlyMap<string, Tensor>;

export interface SaveOptions {
  /** String key/values for the header's `__metadata__` (default {format: "pt"}, as PyTorch tools write). */
  metadata?: Record<string, string>;
}

/** A value a training state may hold: tensors, JSON values, and maps/arrays/objects of those. */
export type TrainingValue =
  | Tensor | number | string | boolean | null
  | readonly TrainingValue[]
  | ReadonlyMap<string, TrainingValue>
  | { readonly [key: string]: TrainingValue | undefined };
export type TrainingState = { [key: string]: TrainingValue };

export const TRAINING_STATE_KEY = "kindling.state";

function toRaw(t: Tensor, name: string): RawTensor {
  if (!(t instanceof Tensor)) throw new ArgumentError(`state dict entry "${name}" must be a Tensor`);
  return { dtype: t.dtype, shape: [...t.shape], data: t.isDense() ? t.storage : t.toTypedArray() };
}

function fromRaw(r: RawTensor): Tensor {
  return Tensor.fromStorage(r.data, r.dtype, r.shape);
}

/** Saves a name -> Tensor dict as a safetensors file (atomically: the old file survives a failed save). */
export async function save(stateDict: TensorDict, path: string, opts: SaveOptions = {}): Promise<void> {
  if (stateDict === null || typeof stateDict !== "object") throw new ArgumentError("save() expects a Record or Map of name -> Tensor");
  const entries = stateDict instanceof Map ? [...stateDict.entries()] : Object.entries(stateDict);
  const raw = new Map<string, RawTensor>();
  for (const [name, t] of entries) raw.set(name, toRaw(t, name));
  await saveSafetensorsFile(path, raw, { format: "pt", ...opts.metadata });
}

/** Loads a safetensors file (from save() or from PyTorch) into name -> Tensor; a bad file is a FormatError naming it. */
export async function load(path: string): Promise<Record<string, Tensor>> {
  return (await loadWithMetadata(path)).tensors;
}

export async function loadWithMetadata(path: string): Promise<{ tensors: Record<string, Tensor>; metadata: Record<string, string> }> {
  const { tensors, metadata } = await loadSafetensorsFile(path);
  return { tensors: Object.fromEntries([...tensors].map(([k, r]) => [k, fromRaw(r)])), metadata };
}

// ---------------------------------------------------------------------------------------------
// Training state: tensors + JSON

type Json = number | string | boolean | null | Json[] | { [key: string]: Json };

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function encode(v: TrainingValue, path: string[], tensors: Map<string, RawTensor>): Json {
  if (v instanceof Tensor) {
    const name = path.join(".");
    if (name === "" || tensors.has(name)) throw new ArgumentError(`training state: two tensors would be stored under the name "${name}"`);
    tensors.set(name, toRaw(v, name));
    return { $tensor: name };
  }
  if (typeof v === "number") {
    if (Number.isFinite(v) && !Object.is(v, -0)) return v;
    return { $number: Object.is(v, -0) ? "-0" : String(v) };
  }
  if (v === null || typeof v === "string" || typeof v === "boolean") return v;
  if (Array.isArray(v)) return v.map((x: TrainingValue, i: number) => encode(x, [...path, String(i)], tensors));
  if (v instanceof Map) {
    return { $map: [...v.entries()].map(([k, x]): Json => [String(k), encode(x, [...path, String(k)], tensors)]) };
  }
  if (typeof v === "object" && isPlainObject(v)) {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined) as [string, TrainingValue][];
    const encoded = entries.map(([k, x]): [string, Json] => [k, encode(x, [...path, k], tensors)]);
    if (entries.some(([k]) => k.startsWith("$"))) return { $object: encoded };
    return Object.fromEntries(encoded);
  }
  const what = typeof v === "object" ? (v as object).constructor?.name ?? "object" : typeof v;
  throw new ArgumentError(`training state: "${path.join(".")}" is a ${what}, which is neither a Tensor nor a JSON value`);
}

/**
 * Saves tensors and JSON values together in one safetensors file (see the module comment for the
 * layout). Typical content: model and optimizer state dicts, scheduler state, epoch, RNG state.
 */
export async function saveTrainingState(path: string, state: TrainingState, opts: SaveOptions = {}): Promise<void> {
  if (state === null || typeof state !== "object" || Array.isArray(state)) throw new ArgumentError("saveTrainingState() expects an object");
  const tensors = new Map<string, RawTensor>();
  const skeleton = encode(state, [], tensors);
  if (opts.metadata && TRAINING_STATE_KEY in opts.metadata) throw new ArgumentError(`metadata key "${TRAINING_STATE_KEY}" is reserved`);
  await saveSafetensorsFile(path, tensors, { format: "pt", ...opts.metadata, [TRAINING_STATE_KEY]: JSON.stringify(skeleton) });
}

/** Loads what saveTrainingState wrote: the same nesting, with tensors and special numbers restored. */
export async function loadTrainingState(path: string): Promise<TrainingState> {
  const { tensors, metadata } = await loadSafetensorsFile(path);
  const fail = (msg: string): never => {
    throw new FormatError(`${path}: invalid training-state checkpoint: ${msg}`);
  };
  const text = metadata[TRAINING_STATE_KEY];
  if (text === undefined) fail(`no "${TRAINING_STATE_KEY}" metadata (a plain state dict? use load())`);
  let skeleton: unknown;
  try {
    skeleton = JSON.parse(text!);
  } catch (e) {
    fail(`"${TRAINING_STATE_KEY}" is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const used = new Set<string>();
  const decode = (v: unknown): TrainingValue => {
    if (v === null || typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
    if (Array.isArray(v)) return v.map(decode);
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    const pairs = (x: unknown): [string, unknown][] => {
      if (!Array.isArray(x) || !x.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === "string")) fail("malformed $map/$object entry list");
      return x as [string, unknown][];
    };
    if (keys.length === 1 && keys[0]!.startsWith("$")) {
      const tag = keys[0]!;
      const body = o[tag];
      if (tag === "$tensor") {
        const r = typeof body === "string" ? tensors.get(body) : undefined;
        if (r === undefined) fail(`references a tensor ${JSON.stringify(body)} that the file does not hold`);
        used.add(body as string);
        return fromRaw(r!);
      }
      if (tag === "$number") {
        const n = body === "-0" ? -0 : body === "Infinity" ? Infinity : body === "-Infinity" ? -Infinity : body === "NaN" ? NaN : undefined;
        if (n === undefined) fail(`bad $number ${JSON.stringify(body)}`);
        return n!;
      }
      if (tag === "$map") return new Map(pairs(body).map(([k, x]) => [k, decode(x)]));
      if (tag === "$object") return Object.fromEntries(pairs(body).map(([k, x]) => [k, decode(x)]));
      fail(`unknown tag ${tag}`);
    }
    return Object.fromEntries(keys.map((k) => [k, decode(o[k])]));
  };
  const state = decode(skeleton);
  if (state === null || typeof state !== "object" || Array.isArray(state) || state instanceof Map || state instanceof Tensor) {
    fail("the stored state is not an object");
  }
  for (const name of tensors.keys()) if (!used.has(name)) fail(`tensor "${name}" is not referenced by the stored state`);
  return state as TrainingState;
}
