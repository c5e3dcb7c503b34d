import { appendFileSync, mkdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomicSync } from "../io/atomic.ts";
import type { ResolvedConfig } from "./config.ts";

/**
 * A run's folder `record/<task>/<hash_id>/`: the resolved config, one JSON line of metrics per epoch,
 * a plain-text log, pictures, and the checkpoints. Every whole-file write is atomic.
 */

export interface EpochMetrics {
  epoch: number;
  trainLoss: number;
  validLoss: number;
  /** Classification: fraction of correct predictions. */
  validAccuracy?: number;
  /** Regression: mean absolute error. */
  validMae?: number;
  lr: number;
  seconds: number;
}

export class RunRecord {
  readonly dir: string;

  constructor(readonly config: ResolvedConfig) {
    this.dir = join(config.recordPath, config.hashId);
    mkdirSync(this.dir, { recursive: true });
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  writeConfig(): void {
    const { notes, ...rest } = this.config;
    writeFileAtomicSync(this.path("config.json"), JSON.stringify({ ...rest, notes }, null, 2) + "\n");
  }

  log(line: string): void {
    appendFileSync(this.path("train.log"), `${new Date().toISOString()} ${line}\n`);
  }

  /** Rewrites metrics.jsonl with exactly these epochs (a resumed run drops epochs after its checkpoint). */
  writeMetrics(all: readonly EpochMetrics[]): void {
    writeFileAtomicSync(this.path("metrics.jsonl"), all.map((m) => JSON.stringify(m)).join("\n") + (all.length ? "\n" : ""));
  }

  readMetrics(): EpochMetrics[] {
    const p = this.path("metrics.jsonl");
    if (!existsSync(p)) return [];
    return readFileSync(p, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as EpochMetrics);
  }
}
