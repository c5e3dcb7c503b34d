import type * as nn from "../nn/index.ts";
import type { Optimizer } from "../optim/index.ts";
import type { Generator } from "../tensor/random.ts";
import { saveBest, saveLast, type ModelMeta } from "./checkpoint.ts";
import type { ResolvedConfig } from "./config.ts";
import type { Progress } from "./progress.ts";
import type { EpochMetrics, RunRecord } from "./records.ts";
import type { Scheduler } from "./setup.ts";

/**
 * What every task does once an epoch's metrics are known, in this order: the metrics file, the best
 * model when `improved`, the last checkpoint (which records the best so far), the log line and the
 * progress line. Returns the best metric after this epoch.
 */
export async function closeEpoch(
  run: { config: ResolvedConfig; record: RunRecord; progress: Progress; lastPath: string; meta: ModelMeta },
  parts: { model: nn.Module; optimizer: Optimizer; scheduler: Scheduler | null; dataGen: Generator },
  metrics: EpochMetrics[],
  entry: EpochMetrics,
  metric: number,
  improved: boolean,
  best: number | null,
): Promise<number | null> {
  const { config, record, progress } = run;
  metrics.push(entry);
  record.writeMetrics(metrics);
  if (improved) {
    best = metric;
    await saveBest(config.savePath, parts.model, run.meta, { "kindling.epoch": String(entry.epoch), "kindling.hash_id": config.hashId });
  }
  await saveLast(run.lastPath, { ...parts, state: { epoch: entry.epoch, bestMetric: best } });
  record.log(`epoch ${entry.epoch}: ${JSON.stringify(entry)}`);
  progress.endEpoch(entry);
  return best;
}
