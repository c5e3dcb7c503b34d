import { appendFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { FormatError } from "../errors.ts";
import { removeStaleTemps, writeFileAtomicSync } from "../io/atomic.ts";
import { describeFsError, readTextFileChecked } from "../io/file.ts";
import type { ResolvedConfig } from "./config.ts";
import { ensureFolder } from "./paths.ts";

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
  /** Text (charlm): validation bits per character (validLoss / ln 2). */
  validBpc?: number;
  lr: number;
  seconds: number;
}

export class RunRecord {
  readonly dir: string;

  constructor(readonly config: ResolvedConfig) {
    this.dir = join(config.recordPath, config.hashId);
    ensureFolder(this.dir, "recordPath");
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  /**
   * Deletes the temp files of atomic writes that a killed run left in this run's folder, its image
   * cache and the folder of savePath; returns their names for the log.
   */
  removeStaleTemps(): string[] {
    const dirs = [this.dir, join(this.config.recordPath, "cache"), dirname(this.config.savePath)];
    return [...new Set(dirs)].flatMap((d) => removeStaleTemps(d).map((name) => join(d, name)));
  }

  private write(name: string, what: () => void): void {
    try {
      what();
    } catch (e) {
      if ((e as NodeJS.ErrnoException | null)?.code) throw describeFsError(this.path(name), e, "record file");
      throw e;
    }
  }

  writeConfig(): void {
    const { notes, ...rest } = this.config;
    this.write("config.json", () => writeFileAtomicSync(this.path("config.json"), JSON.stringify({ ...rest, notes }, null, 2) + "\n"));
  }

  log(line: string): void {
    this.write("train.log", () => appendFileSync(this.path("train.log"), `${new Date().toISOString()} ${line}\n`));
  }

  /** Rewrites metrics.jsonl with exactly these epochs (a resumed run drops epochs after its checkpoint). */
  writeMetrics(all: readonly EpochMetrics[]): void {
    this.write("metrics.jsonl", () => writeFileAtomicSync(this.path("metrics.jsonl"), all.map((m) => JSON.stringify(m)).join("\n") + (all.length ? "\n" : "")));
  }

  readMetrics(): EpochMetrics[] {
    const p = this.path("metrics.jsonl");
    if (!existsSync(p)) return [];
    return readTextFileChecked(p, { what: "metrics file" }).split("\n").filter(Boolean).map((l, i) => {
      try {
        return JSON.parse(l) as EpochMetrics;
      } catch {
        throw new FormatError(`${p}: line ${i + 1} is not valid JSON (a damaged record; delete the run folder to start over)`);
      }
    });
  }
}
