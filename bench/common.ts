/**
 * Shared by the `npm run bench` parts (gemm.ts, mlp_step.ts, cnn_step.ts, reference/tfjs_bench.ts):
 * timing loops, the JSON line each part prints for bench/run.ts, and the result shapes. The PyTorch
 * side (reference/torch_bench.py) writes the same JSON shapes.
 */
import type * as torch from "../src/index.ts";

/** Milliseconds per call: median and best of `n` samples. */
export interface Timing {
  medianMs: number;
  bestMs: number;
  n: number;
}

export interface GemmShape {
  transA: boolean;
  transB: boolean;
  M: number;
  N: number;
  K: number;
}

/**
 * The MLP's GEMMs (784-1024-2048-512-10 at batch 32, plus 256 and 1024 for scale). kindling's Linear
 * computes x @ W^T with W stored [out, in], so its forward is NT; the backward of Linear(784, 1024)
 * at batch 32 gives dW = X^T dY (TN 784x1024x32) and dX = dY W (NN or NT 32x784x1024).
 */
export const GEMM_SHAPES: readonly GemmShape[] = [
  { transA: false, transB: false, M: 32, N: 1024, K: 784 },
  { transA: false, transB: false, M: 32, N: 2048, K: 1024 },
  { transA: false, transB: false, M: 256, N: 1024, K: 1024 },
  { transA: false, transB: false, M: 1024, N: 1024, K: 1024 },
  { transA: false, transB: true, M: 32, N: 1024, K: 784 },
  { transA: true, transB: false, M: 784, N: 1024, K: 32 },
  { transA: false, transB: true, M: 32, N: 784, K: 1024 },
  { transA: false, transB: false, M: 32, N: 784, K: 1024 },
];

export function shapeKey(s: GemmShape): string {
  return `${s.transA ? "T" : "N"}${s.transB ? "T" : "N"} ${s.M}x${s.N}x${s.K}`;
}

export function gflops(s: GemmShape, ms: number): number {
  return (2 * s.M * s.N * s.K) / (ms * 1e6);
}

export interface GemmCell extends Timing {
  shape: string;
  backend: string;
  threads: number;
}

export interface StepCell extends Timing {
  backend: string;
  threads: number;
  /** The loss of the last timed step (a NaN here means the step is broken, not just slow). */
  loss: number;
}

/** What one part prints as its last line, prefixed by RESULT_TAG. */
export interface PartReport<C> {
  engine: string;
  /** Free-form lines for the header (versions, kernels, threads). */
  info: string[];
  cells: C[];
  /** Backends or thread counts that could not run, with why. */
  unavailable: { what: string; reason: string }[];
}

export const RESULT_TAG = "@@RESULT ";

export function emit<C>(report: PartReport<C>): void {
  process.stdout.write(`${RESULT_TAG}${JSON.stringify(report)}\n`);
}

export function stats(samplesMs: readonly number[]): Timing {
  const s = [...samplesMs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { medianMs: median, bestMs: s[0] ?? NaN, n: s.length };
}

/**
 * Times a short call: warm-up, calibration of the calls per sample (so one sample lasts ~targetMs),
 * then `samples` samples of the mean time per call.
 */
export function timeRepeated(fn: () => void, samples: number, targetMs = 25): Timing {
  fn();
  let calls = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < targetMs) {
    fn();
    calls++;
  }
  const perSample = Math.max(1, Math.round((calls * targetMs) / (performance.now() - t0)));
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    for (let c = 0; c < perSample; c++) fn();
    out.push((performance.now() - start) / perSample);
  }
  return stats(out);
}

export interface StepLoopOptions {
  /** Untimed steps: at least `warmup`, and more until `warmupMs` have passed (JIT tiering, heap growth). */
  warmup: number;
  warmupMs: number;
  minSteps: number;
  maxSteps: number;
  /** Stop after this much timed work once minSteps are done. */
  budgetMs: number;
}

/** Times whole steps (each one a sample) after the warm-up; returns the timing and the last step's value. */
export async function timeSteps(step: () => number | Promise<number>, o: StepLoopOptions): Promise<Timing & { last: number }> {
  let last = NaN;
  const w0 = performance.now();
  for (let i = 0; i < o.warmup || (performance.now() - w0 < o.warmupMs && i < 4 * o.maxSteps); i++) last = await step();
  const out: number[] = [];
  const t0 = performance.now();
  while (out.length < o.maxSteps && (out.length < o.minSteps || performance.now() - t0 < o.budgetMs)) {
    const start = performance.now();
    last = await step();
    out.push(performance.now() - start);
  }
  return { ...stats(out), last };
}

interface Threaded {
  whenReady?: () => Promise<void>;
}

/**
 * Switches kindling to `name` with `threads` threads (starting and awaiting a worker pool where the
 * backend has one). Returns the backend's description, or throws with why it cannot run.
 */
export async function useKindlingBackend(name: string, threads: number): Promise<string> {
  // Imported here, so that bench/run.ts can use this module without loading kindling itself.
  const torch = await import("../src/index.ts");
  const { backend } = await import("../src/backend/index.ts");
  torch.setBackend(name);
  torch.setNumThreads(threads);
  const b = backend();
  await (b as Threaded).whenReady?.();
  const got = b.getNumThreads?.() ?? 1;
  if (got !== threads) throw new Error(`${name} runs ${got} thread(s), not ${threads}`);
  return b.describe?.() ?? `${threads} thread${threads > 1 ? "s" : ""}`;
}

/**
 * Runs `cell` for each backend and thread count (js only at 1 thread, it has no threads), noting in
 * the report what each backend is and why one that cannot run was skipped; frees the backends after.
 */
export async function forEachBackend<C>(
  backends: readonly string[], threads: readonly number[], report: PartReport<C>,
  cell: (name: string, threads: number) => void | Promise<void>,
): Promise<void> {
  for (const name of backends) {
    for (const t of threads) {
      if (name === "js" && t > 1) continue;
      let desc: string;
      try {
        desc = await useKindlingBackend(name, t);
      } catch (e) {
        report.unavailable.push({ what: `${name} ${t} thr`, reason: errorText(e) });
        continue;
      }
      report.info.push(`${name}: ${desc}`);
      await cell(name, t);
    }
  }
  await releaseBackends();
}

/**
 * Ends a part: with --json, one result line for bench/run.ts (returns false); otherwise prints the
 * title, what each backend was and why any was skipped, and returns true for the caller's table.
 */
export function presentReport<C>(report: PartReport<C>, title?: string): boolean {
  if (process.argv.includes("--json")) {
    emit(report);
    return false;
  }
  const indent = title ? "  " : "";
  if (title) console.log(title);
  for (const line of report.info) console.log(`${indent}${line}`);
  for (const u of report.unavailable) console.log(`${indent}${u.what}: n/a (${u.reason})`);
  return true;
}

/** One training step (zeroGrad, forward, loss, backward, optimizer step), returning the loss. */
export function trainingStep(
  model: torch.nn.Sequential, opt: torch.optim.Optimizer, criterion: torch.nn.CrossEntropyLoss, x: torch.Tensor, y: torch.Tensor,
): () => number {
  return () => {
    opt.zeroGrad();
    const loss = criterion.forward(model.forward(x), y);
    loss.backward();
    opt.step();
    return loss.item();
  };
}

/** Frees what a backend holds (the wasm worker pool) so the process can exit promptly. */
export async function releaseBackends(): Promise<void> {
  const torch = await import("../src/index.ts");
  const { backend } = await import("../src/backend/index.ts");
  for (const name of torch.availableBackends()) {
    try {
      torch.setBackend(name);
      const b = backend() as { dispose?: () => Promise<void> };
      await b.dispose?.();
    } catch {
      // Nothing to release.
    }
  }
}

export function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

export function argList(name: string, fallback: string[]): string[] {
  const v = argValue(name);
  return v === undefined ? fallback : v.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
}

export function threadList(fallback: number[] = [1, 2]): number[] {
  return argList("--threads", fallback.map(String)).map(Number).filter((n) => Number.isInteger(n) && n >= 1);
}

export function errorText(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0]!.slice(0, 160);
}
