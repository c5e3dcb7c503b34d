import cliProgress from "cli-progress";
import Table from "cli-table3";
import type { EpochMetrics } from "./records.ts";

/**
 * How a run reports itself: a live bar per epoch on a terminal, one plain line per epoch when piped
 * (CI logs stay readable), JSON lines for machines, or nothing but the final line with --quiet.
 */
export type ProgressMode = "tty" | "plain" | "json" | "quiet";

export function pickMode(opts: { quiet?: boolean; json?: boolean }): ProgressMode {
  if (opts.json) return "json";
  if (opts.quiet) return "quiet";
  return process.stdout.isTTY ? "tty" : "plain";
}

const fmtLoss = (v: number) => (v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential(3) : v.toFixed(4));

const fmtSecs = (s: number) => (s < 10 ? s.toFixed(2) : s.toFixed(1));

const fmtMetric = (m: EpochMetrics) =>
  `train loss ${fmtLoss(m.trainLoss)}  valid loss ${fmtLoss(m.validLoss)}  ` +
  (m.validAccuracy !== undefined ? `valid acc ${(100 * m.validAccuracy).toFixed(2)}%  ` : "") +
  (m.validMae !== undefined ? `valid mae ${m.validMae.toExponential(3)}  ` : "") +
  (m.validBpc !== undefined ? `valid bpc ${m.validBpc.toFixed(4)}  ` : "") +
  `lr ${m.lr.toPrecision(3)}  ${fmtSecs(m.seconds)}s`;

export class Progress {
  private bar: cliProgress.SingleBar | null = null;
  private started = 0;
  private seen = 0;

  constructor(readonly mode: ProgressMode, readonly totalEpochs: number) {}

  /** A line for humans (suppressed by --quiet and --json). */
  info(line: string): void {
    if (this.mode === "tty" || this.mode === "plain") console.log(line);
    else if (this.mode === "json") console.log(JSON.stringify({ event: "info", message: line }));
  }

  startEpoch(epoch: number, batches: number): void {
    this.started = performance.now();
    this.seen = 0;
    if (this.mode !== "tty") return;
    this.bar = new cliProgress.SingleBar(
      {
        format: `epoch ${epoch}/${this.totalEpochs} [{bar}] {value}/{total} | loss {loss} | {rate} samples/s | ETA {eta_formatted}`,
        hideCursor: true,
        clearOnComplete: true,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(batches, 0, { loss: "-", rate: "-" });
  }

  batch(done: number, samples: number, runningLoss: number): void {
    this.seen += samples;
    if (!this.bar) return;
    const secs = (performance.now() - this.started) / 1000;
    this.bar.update(done, { loss: runningLoss.toFixed(4), rate: secs > 0 ? Math.round(this.seen / secs) : "-" });
  }

  endEpoch(m: EpochMetrics): void {
    this.bar?.stop();
    this.bar = null;
    if (this.mode === "json") console.log(JSON.stringify({ event: "epoch", ...m }));
    else if (this.mode !== "quiet") console.log(`epoch ${m.epoch}/${this.totalEpochs}  ${fmtMetric(m)}`);
  }

  /** Stops a live bar left running by an epoch that failed, so the error line prints on a clean line. */
  abort(): void {
    this.bar?.stop();
    this.bar = null;
  }

  summary(all: readonly EpochMetrics[]): void {
    if (this.mode !== "tty" || all.length === 0) return;
    const first = all[0]!;
    const head = first.validAccuracy !== undefined ? "valid acc" : first.validBpc !== undefined ? "valid bpc" : "valid mae";
    const metric = (m: EpochMetrics) =>
      m.validAccuracy !== undefined ? `${(100 * m.validAccuracy).toFixed(2)}%` : m.validBpc !== undefined ? m.validBpc.toFixed(4) : (m.validMae ?? NaN).toExponential(3);
    const table = new Table({ head: ["epoch", "train loss", "valid loss", head, "lr", "s"] });
    for (const m of all) {
      table.push([m.epoch, fmtLoss(m.trainLoss), fmtLoss(m.validLoss), metric(m), m.lr.toPrecision(3), fmtSecs(m.seconds)]);
    }
    console.log(table.toString());
  }

  /** The one line every mode prints: the result. */
  final(line: string, data: Record<string, unknown>): void {
    if (this.mode === "json") console.log(JSON.stringify({ event: "result", ...data }));
    else console.log(line);
  }
}
