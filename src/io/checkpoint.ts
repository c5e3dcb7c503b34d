/**
 * Checkpoints as safetensors files (torch.save / torch.load for kindling).
 *
 * - `save(stateDict, path)` / `load(path)`: a flat name -> Tensor dict, e.g. a module's stateDict().
 *   Any tensor is accepted (views are written contiguous); int64 is written as I64. The file is written
 *   atomically and is readable by `safetensors.torch.load_file` in Python.
 *
 * - Bytes in, bytes out (PyTorch's `f` may be a path or a file-like; see checkpoint_bytes.ts):
 *   `const bytes = await save(stateDict)` (no target: a Uint8Array of the same file), or
 *   `await save(stateDict, writable)`; `load(bytes | arrayBuffer | blob | file | response)`. The same
 *   holds for the training-state pair: `saveTrainingState(null, state)` returns the bytes. File paths
 *   are Node-only: the browser build takes and gives bytes.
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
import type { ZodType } from "zod";
// zod/mini for the one schema built here: it tree-shakes, so the browser bundle does not carry all of zod.
import { custom } from "zod/mini";
import { ArgumentError, FormatError } from "../errors.ts";
import { checkOptions } from "../options.ts";
import { CPU, Device, type DeviceLike } from "../tensor/device.ts";
import { Tensor } from "../tensor/tensor.ts";
import { type TrainingState, decodeState, encodeState, toRaw } from "./checkpoint_state.ts";
import { type CheckpointSource, type CheckpointTarget, checkTarget, readCheckpoint, writeCheckpoint } from "./checkpoint_bytes.ts";
import { type LoadFileOptions, type RawTensor, decodeSafetensors, encodeSafetensors } from "./safetensors.ts";

export { MAX_STATE_DEPTH, type TrainingState, type TrainingValue } from "./checkpoint_state.ts";
export type { LoadFileOptions } from "./safetensors.ts";
export type { BlobLike, CheckpointSource, CheckpointTarget, ResponseLike, WritableLike } from "./checkpoint_bytes.ts";

export type TensorDict = Readonly<Record<string, Tensor>> | ReadonlyMap<string, Tensor>;

export interface SaveOptions {
  /** String key/values for the header's `__metadata__` (default {format: "pt"}, as PyTorch tools write). */
  metadata?: Record<string, string>;
}

export const TRAINING_STATE_KEY = "kindling.state";

const SAVE_OPTIONS = { metadata: "object" } as const;
const LOAD_OPTIONS = { maxBytes: "number" } as const;
const TORCH_LOAD_OPTIONS = { maxBytes: "number", mapLocation: "any" } as const;

/**
 * torch.load's map_location: where the loaded tensors go. A device ("cpu", torch.device("cpu")), a dict
 * from the location a tensor was saved on to the one it loads on ({"cuda:0": "cpu"}), or a function
 * (tensor, location) => tensor. A kindling checkpoint's tensors were all saved on "cpu", the one device
 * kindling has; mapping them onto another (e.g. "cuda") fails as it does in PyTorch without that device.
 */
export type MapLocation = DeviceLike | Readonly<Record<string, DeviceLike>> | ((tensor: Tensor, location: string) => Tensor);

export interface LoadOptions extends LoadFileOptions {
  mapLocation?: MapLocation;
}

const SAVED_LOCATION = "cpu";

/**
 * Where a tensor saved on "cpu" goes for one map_location device: PyTorch's default_restore_location on the
 * location string (str(device)), which takes "cpu" exactly and sends "cuda..." to a GPU.
 */
function restoreLocation(loc: DeviceLike, where: string): Device {
  if (typeof loc !== "string" && !(loc instanceof Device)) {
    throw new ArgumentError(`${where}: a map location must be a device string or a Device, got ${loc === null ? "null" : typeof loc}`);
  }
  const tag = String(loc);
  if (tag === "cpu") return CPU;
  if (tag.startsWith("cuda")) {
    throw new ArgumentError(
      `${where}: Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is False. If you are running on a ` +
        "CPU-only machine, please use torch.load with map_location=torch.device('cpu') to map your storages to the CPU.",
    );
  }
  throw new ArgumentError(`${where}: don't know how to restore data location of torch.storage.UntypedStorage (tagged with ${tag})`);
}

function applyMapLocation(tensors: Record<string, Tensor>, ml: MapLocation): Record<string, Tensor> {
  const where = "torch.load()";
  if (typeof ml === "function") {
    return Object.fromEntries(
      Object.entries(tensors).map(([k, t]) => {
        const out = ml(t, SAVED_LOCATION);
        if (!(out instanceof Tensor)) throw new ArgumentError(`${where}: mapLocation function must return a Tensor, got ${typeof out} for '${k}'`);
        return [k, out];
      }),
    );
  }
  let target: DeviceLike | undefined;
  if (typeof ml === "string" || ml instanceof Device) target = ml;
  else if (ml !== null && typeof ml === "object" && !Array.isArray(ml)) target = (ml as Record<string, DeviceLike>)[SAVED_LOCATION];
  else throw new ArgumentError(`${where}: option 'mapLocation' must be a device, a dict of locations or a function, got ${ml === null ? "null" : typeof ml}`);
  if (target === undefined) return tensors;
  const d = restoreLocation(target, where);
  return Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, t.to(d)]));
}

/** A zod schema for a Tensor, for `loadTrainingState`'s schema (z.instanceof needs a public constructor). */
export const tensorSchema = /* @__PURE__ */ custom<Tensor>((v) => v instanceof Tensor, { message: "expected a Tensor" });

/** The largest training-state JSON read by default; parsing costs up to ~20x its size in memory. */
export const DEFAULT_MAX_STATE_JSON_BYTES = 16 * 2 ** 20;

function fromRaw(r: RawTensor): Tensor {
  return Tensor.fromStorage(r.data, r.dtype, r.shape);
}

/**
 * Saves a name -> Tensor dict as safetensors: to a file path (atomically: the old file survives a failed
 * save; Node only), to a writable, or, with no target (undefined or null), returns the bytes.
 */
export async function save(stateDict: TensorDict, f?: null, opts?: SaveOptions): Promise<Uint8Array>;
export async function save(stateDict: TensorDict, f: CheckpointTarget, opts?: SaveOptions): Promise<void>;
export async function save(stateDict: TensorDict, f?: CheckpointTarget | null, opts: SaveOptions = {}): Promise<Uint8Array | void> {
  checkOptions("torch.save()", opts, SAVE_OPTIONS, { index: 3 });
  if (f !== undefined && f !== null) checkTarget(f, "torch.save()");
  if (stateDict === null || typeof stateDict !== "object") throw new ArgumentError("save() expects a Record or Map of name -> Tensor");
  const entries = stateDict instanceof Map ? [...stateDict.entries()] : Object.entries(stateDict);
  const raw = new Map<string, RawTensor>();
  for (const [name, t] of entries) raw.set(name, toRaw(t, name));
  const bytes = encodeSafetensors(raw, { format: "pt", ...opts.metadata });
  if (f === undefined || f === null) return bytes;
  await writeCheckpoint(f, bytes);
}

/**
 * Loads safetensors (from save() or from PyTorch) into name -> Tensor, from a file path (Node), bytes, a
 * Blob/File or a fetch Response. A bad file is a FormatError naming it; a path that is missing (code
 * "ENOENT", see isMissingFile), not a regular file, or a source over `maxBytes` is a FileError naming it.
 * `mapLocation` is torch.load's map_location (see MapLocation).
 */
export async function load(f: CheckpointSource, opts: LoadOptions = {}): Promise<Record<string, Tensor>> {
  checkOptions("torch.load()", opts, TORCH_LOAD_OPTIONS, { index: 2 });
  const { mapLocation, ...fileOpts } = opts;
  const { tensors } = await loadWithMetadata(f, fileOpts);
  return mapLocation === undefined ? tensors : applyMapLocation(tensors, mapLocation);
}

export async function loadWithMetadata(f: CheckpointSource, opts: LoadFileOptions = {}): Promise<{ tensors: Record<string, Tensor>; metadata: Record<string, string> }> {
  checkOptions("torch.loadWithMetadata()", opts, LOAD_OPTIONS, { index: 2 });
  const { bytes, name } = await readCheckpoint(f, "torch.load()", opts.maxBytes);
  const { tensors, metadata } = decodeSafetensors(bytes, name);
  return { tensors: Object.fromEntries([...tensors].map(([k, r]) => [k, fromRaw(r)])), metadata };
}

// ---------------------------------------------------------------------------------------------
// Training state: tensors + JSON

/**
 * Saves tensors and JSON values together in one safetensors file (see the module comment for the
 * layout). Typical content: model and optimizer state dicts, scheduler state, epoch, RNG state.
 * The target is a path (Node), a writable, or null for the bytes.
 */
export async function saveTrainingState(f: null, state: TrainingState, opts?: SaveOptions): Promise<Uint8Array>;
export async function saveTrainingState(f: CheckpointTarget, state: TrainingState, opts?: SaveOptions): Promise<void>;
export async function saveTrainingState(f: CheckpointTarget | null, state: TrainingState, opts: SaveOptions = {}): Promise<Uint8Array | void> {
  checkOptions("torch.saveTrainingState()", opts, SAVE_OPTIONS, { index: 3 });
  if (f !== null) checkTarget(f, "torch.saveTrainingState()");
  if (state === null || typeof state !== "object" || Array.isArray(state)) throw new ArgumentError("saveTrainingState() expects an object");
  const tensors = new Map<string, RawTensor>();
  const skeleton = encodeState(state, tensors);
  if (opts.metadata && TRAINING_STATE_KEY in opts.metadata) throw new ArgumentError(`metadata key "${TRAINING_STATE_KEY}" is reserved`);
  const bytes = encodeSafetensors(tensors, { format: "pt", ...opts.metadata, [TRAINING_STATE_KEY]: skeleton });
  if (f === null) return bytes;
  await writeCheckpoint(f, bytes);
}

export interface LoadTrainingStateOptions<T = TrainingState> extends LoadFileOptions {
  /**
   * A zod schema the decoded state must satisfy, e.g.
   * `z.object({ epoch: z.number().int().nonnegative(), model: z.record(z.string(), tensorSchema) })`;
   * a mismatch is a FormatError naming the file and the field. Without one the state is only checked
   * to be what saveTrainingState writes.
   */
  schema?: ZodType<T>;
  /** Refuse a stored state whose JSON is longer than this (default DEFAULT_MAX_STATE_JSON_BYTES). */
  maxJsonBytes?: number;
}

/**
 * Loads what saveTrainingState wrote: the same nesting, with tensors and special numbers restored. Any
 * fault in the file (bytes, JSON, depth, tags, a schema mismatch) is a FormatError naming the file.
 */
export async function loadTrainingState(f: CheckpointSource, opts?: LoadTrainingStateOptions<TrainingState> & { schema?: undefined }): Promise<TrainingState>;
export async function loadTrainingState<T>(f: CheckpointSource, opts: LoadTrainingStateOptions<T> & { schema: ZodType<T> }): Promise<T>;
export async function loadTrainingState<T>(f: CheckpointSource, opts: LoadTrainingStateOptions<T> = {}): Promise<T | TrainingState> {
  checkOptions("torch.loadTrainingState()", opts, { ...LOAD_OPTIONS, schema: "object", maxJsonBytes: "number" }, { index: 2 });
  const { bytes, name } = await readCheckpoint(f, "torch.loadTrainingState()", opts.maxBytes);
  const { tensors, metadata } = decodeSafetensors(bytes, name);
  const fail = (msg: string): never => {
    throw new FormatError(`${name}: invalid training-state checkpoint: ${msg}`);
  };
  const text = metadata[TRAINING_STATE_KEY];
  if (text === undefined) fail(`no "${TRAINING_STATE_KEY}" metadata (a plain state dict? use load())`);
  const maxJson = opts.maxJsonBytes ?? DEFAULT_MAX_STATE_JSON_BYTES;
  const jsonBytes = new TextEncoder().encode(text!).byteLength;
  if (jsonBytes > maxJson) fail(`the stored state's JSON is ${jsonBytes} bytes, over the limit of ${maxJson} (raise maxJsonBytes if it is genuine)`);
  const state = decodeState(text!, tensors, fail);
  if (opts.schema === undefined) return state;
  const checked = opts.schema.safeParse(state);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const where = issue && issue.path.length > 0 ? `field "${issue.path.map(String).join(".")}"` : "the state";
    fail(`${where}: ${issue?.message ?? "does not match the expected schema"}`);
  }
  return checked.data as T;
}
