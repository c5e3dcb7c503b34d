import { existsSync } from "node:fs";
import { z } from "zod";
import { FileError, FormatError, NonFiniteError } from "../errors.ts";
import { loadTrainingState, loadWithMetadata, save, saveTrainingState, type TrainingState } from "../io/checkpoint.ts";
import { describeFsError } from "../io/file.ts";
import type * as nn from "../nn/index.ts";
import type { Optimizer, OptimizerStateDict } from "../optim/index.ts";
import { defaultGenerator, type Generator } from "../tensor/random.ts";
import { Tensor } from "../tensor/tensor.ts";
import { configSchema, type ResolvedConfig } from "./config.ts";
import { describeNonFinite, firstNonFinite } from "./guard.ts";
import type { Scheduler } from "./setup.ts";

/**
 * The two files a run keeps: the best model (a plain state dict PyTorch can load, plus metadata to
 * rebuild the network for `predict`) and the last checkpoint (everything needed to resume exactly).
 * Both are checked on load: a file of the wrong kind, damaged metadata, non-finite weights or a state
 * that does not belong to this config is refused with one line naming the file.
 */

export interface ModelMeta {
  model: ResolvedConfig["model"];
  task: ResolvedConfig["task"];
  classes: string[];
  inputShape: number[];
}

const metaSchema = z.object({
  model: configSchema.shape.model,
  task: configSchema.shape.task,
  classes: z.array(z.string()),
  inputShape: z.array(z.number().int().positive()).min(1).max(3),
});

/** Writes go through here so that a full disk or a read-only folder is one line naming the file. */
async function writing(path: string, what: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (e) {
    if ((e as NodeJS.ErrnoException | null)?.code) throw describeFsError(path, e, what);
    throw e;
  }
}

export async function saveBest(path: string, model: nn.Module, meta: ModelMeta, extra: Record<string, string>): Promise<void> {
  await writing(path, "checkpoint", () => save(model.stateDict() as Record<string, Tensor>, path, { metadata: { "kindling.model": JSON.stringify(meta), ...extra } }));
}

function checkFinite(path: string, tensors: Record<string, Tensor>, allowNonfinite: boolean, fix: string): void {
  if (allowNonfinite) return;
  const bad = firstNonFinite(Object.entries(tensors));
  if (bad) throw new NonFiniteError(`${path}: weight ${describeNonFinite(bad)}; ${fix}`);
}

export async function loadBest(path: string, opts: { allowNonfinite?: boolean } = {}): Promise<{ tensors: Record<string, Tensor>; meta: ModelMeta; metadata: Record<string, string> }> {
  const { tensors, metadata } = await loadWithMetadata(path);
  const text = metadata["kindling.model"];
  if (text === undefined) {
    const kind = metadata["kindling.state"] !== undefined ? "a training state (last.safetensors)" : "a plain state dict";
    throw new FormatError(`${path}: this is ${kind}, not a kindling model checkpoint (no kindling.model metadata); use the best.safetensors (savePath) a kindling train run saved`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new FormatError(`${path}: its kindling.model metadata is not valid JSON (a damaged checkpoint; retrain or use another file)`);
  }
  const r = metaSchema.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new FormatError(`${path}: its kindling.model metadata is invalid at ${i.path.join(".") || "(root)"}: ${i.message} (a damaged checkpoint; retrain or use another file)`);
  }
  checkFinite(path, tensors, opts.allowNonfinite ?? false, "this model comes from a diverged run (retrain with a smaller learning rate, or pass --allow-nonfinite to use it anyway)");
  return { tensors, meta: r.data as ModelMeta, metadata };
}

export interface ResumeState {
  epoch: number;
  bestMetric: number | null;
}

export async function saveLast(path: string, parts: { model: nn.Module; optimizer: Optimizer; scheduler: Scheduler | null; dataGen: Generator; state: ResumeState }): Promise<void> {
  const state: TrainingState = {
    model: parts.model.stateDict() as Record<string, Tensor>,
    optimizer: parts.optimizer.stateDict() as unknown as TrainingState,
    scheduler: parts.scheduler ? (parts.scheduler.stateDict() as TrainingState) : null,
    rng: { default: defaultGenerator.getState(), data: parts.dataGen.getState() },
    epoch: parts.state.epoch,
    bestMetric: parts.state.bestMetric,
  };
  await writing(path, "checkpoint", () => saveTrainingState(path, state));
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Map) && !(v instanceof Tensor);

const isRngState = (v: unknown): v is number[] =>
  Array.isArray(v) && v.length === 5 && v.every((w, i) => typeof w === "number" && (i === 4 ? Number.isFinite(w) : Number.isInteger(w) && w >= 0 && w <= 0xffffffff));

/** What a resumed run needs from last.safetensors, checked against the config before anything is restored. */
function validate(s: TrainingState, config: ResolvedConfig, path: string): { epoch: number; bestMetric: number | null; rng: { default: number[]; data: number[] } } {
  const refuse = (what: string): never => {
    throw new FormatError(`${path}: cannot resume: ${what} (a damaged checkpoint or one from another run; delete it to start over)`);
  };
  const { epoch, bestMetric, rng, model, optimizer, scheduler } = s as Record<string, unknown>;
  if (typeof epoch !== "number" || !Number.isInteger(epoch) || epoch < 0 || epoch > config.epochs) {
    refuse(`epoch is ${JSON.stringify(epoch) ?? String(epoch)}, expected a whole number from 0 to ${config.epochs} (the config's epochs)`);
  }
  if (bestMetric !== null && (typeof bestMetric !== "number" || !Number.isFinite(bestMetric))) {
    refuse(`bestMetric is ${JSON.stringify(bestMetric) ?? String(bestMetric)}, expected a finite number or null`);
  }
  if (!isObject(rng) || !isRngState(rng.default) || !isRngState(rng.data)) {
    refuse(`rng is missing or malformed, expected {default, data} generator states of 4 uint32 words and a seed`);
  }
  if (!isObject(model) || !Object.values(model).every((t) => t instanceof Tensor)) refuse("model is missing or is not a state dict of tensors");
  if (!isObject(optimizer)) refuse("optimizer state is missing");
  if (config.scheduler && !isObject(scheduler)) refuse(`the config has a "${config.scheduler.name}" scheduler but the checkpoint holds no scheduler state`);
  if (!config.scheduler && scheduler !== null && scheduler !== undefined) refuse("the checkpoint holds a scheduler state but the config has no scheduler");
  const r = rng as { default: number[]; data: number[] };
  return { epoch: epoch as number, bestMetric: bestMetric as number | null, rng: r };
}

/** Restores a run from its last checkpoint; returns null when there is none. */
export async function loadLast(
  path: string,
  config: ResolvedConfig,
  parts: { model: nn.Module; optimizer: Optimizer; scheduler: Scheduler | null; dataGen: Generator },
  opts: { allowNonfinite?: boolean } = {},
): Promise<ResumeState | null> {
  if (!existsSync(path)) return null;
  const s = await loadTrainingState(path);
  const v = validate(s, config, path);
  const model = s.model as Record<string, Tensor>;
  checkFinite(path, model, opts.allowNonfinite ?? false, "it was saved by a run that went on with --allow-nonfinite (pass --allow-nonfinite to continue it, or delete it to start over)");
  try {
    parts.model.loadStateDict(model);
    parts.optimizer.loadStateDict(s.optimizer as unknown as OptimizerStateDict);
    if (parts.scheduler && s.scheduler) parts.scheduler.loadStateDict(s.scheduler as never);
  } catch (e) {
    if (e instanceof FileError) throw e;
    const msg = e instanceof Error ? e.message.replace(/\s*\n\s*/g, "; ") : String(e);
    throw new FormatError(`${path}: cannot resume: ${msg} (a checkpoint from another config? delete it to start over)`);
  }
  defaultGenerator.setState(v.rng.default);
  parts.dataGen.setState(v.rng.data);
  return { epoch: v.epoch, bestMetric: v.bestMetric };
}
