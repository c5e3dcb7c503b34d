import { existsSync } from "node:fs";
import { loadTrainingState, loadWithMetadata, save, saveTrainingState, type TrainingState } from "../io/checkpoint.ts";
import type * as nn from "../nn/index.ts";
import type { Optimizer, OptimizerStateDict } from "../optim/index.ts";
import { defaultGenerator, type Generator } from "../tensor/random.ts";
import type { Tensor } from "../tensor/tensor.ts";
import type { ResolvedConfig } from "./config.ts";
import type { Scheduler } from "./setup.ts";

/**
 * The two files a run keeps: the best model (a plain state dict PyTorch can load, plus metadata to
 * rebuild the network for `predict`) and the last checkpoint (everything needed to resume exactly).
 */

export interface ModelMeta {
  model: ResolvedConfig["model"];
  task: ResolvedConfig["task"];
  classes: string[];
  inputShape: number[];
}

export async function saveBest(path: string, model: nn.Module, meta: ModelMeta, extra: Record<string, string>): Promise<void> {
  await save(model.stateDict() as Record<string, Tensor>, path, { metadata: { "kindling.model": JSON.stringify(meta), ...extra } });
}

export async function loadBest(path: string): Promise<{ tensors: Record<string, Tensor>; meta: ModelMeta; metadata: Record<string, string> }> {
  const { tensors, metadata } = await loadWithMetadata(path);
  const text = metadata["kindling.model"];
  if (!text) throw new Error(`${path}: not a kindling model checkpoint (no kindling.model metadata)`);
  return { tensors, meta: JSON.parse(text) as ModelMeta, metadata };
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
  await saveTrainingState(path, state);
}

/** Restores a run from its last checkpoint; returns null when there is none. */
export async function loadLast(path: string, parts: { model: nn.Module; optimizer: Optimizer; scheduler: Scheduler | null; dataGen: Generator }): Promise<ResumeState | null> {
  if (!existsSync(path)) return null;
  const s = await loadTrainingState(path);
  parts.model.loadStateDict(s.model as Record<string, Tensor>);
  parts.optimizer.loadStateDict(s.optimizer as unknown as OptimizerStateDict);
  if (parts.scheduler && s.scheduler) parts.scheduler.loadStateDict(s.scheduler as never);
  const rng = s.rng as { default: number[]; data: number[] };
  defaultGenerator.setState(rng.default);
  parts.dataGen.setState(rng.data);
  return { epoch: s.epoch as number, bestMetric: s.bestMetric as number | null };
}
