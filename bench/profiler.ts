/**
 * Instrumentation for bench/profile.ts: a native backend whose every kernel call (and optional
 * kernel: convolution passes, fused optimizer) is timed and attributed to the layer and pass that
 * made it, with the native pool's per-thread counters (native/addon_profile.cc).
 *
 * Per kernel call it takes three clocks: wall time; the CPU time of the JS thread (the pool's slot 0);
 * and the pool counters: CPU time inside job functions per slot, and how long slot 0 waited for the
 * workers. CPU times are what stays meaningful on a loaded machine: a descheduled thread adds wall
 * time, not CPU time. From them, per row:
 *   serial  = JS-thread CPU outside parallel jobs and outside waits for workers
 *   par     = CPU inside parallel jobs, all slots (the part the threads share)
 *   ideal   = serial + par / threads: the row's time on an idle machine with perfect balance
 * Spinning while waiting for workers is reported as `wait` (its CPU time), not as work.
 */
import type { Backend } from "../src/backend/backend.ts";
import { KERNEL_NAMES } from "../src/backend/kernels.ts";
import { loadNativeBackend } from "../src/backend/native/backend.ts";
import { loadNative } from "../src/backend/native/loader.ts";
import { registerBackend, setBackend } from "../src/backend/registry.ts";
import { type Node, nodesMade } from "../src/autograd/node.ts";
import { observeChain } from "../src/nn/chain.ts";
import type * as torch from "../src/index.ts";

/** The addon's optional profiling exports (absent from builds before them). */
interface ProfileAddon {
  setProfiling(on: boolean): void;
  profileStats(): Float64Array;
  threadCpuTime(): number;
}

const FIELDS = 5;

export interface Sample {
  calls: number;
  wallMs: number;
  /** JS-thread CPU, all of it. */
  mainMs: number;
  /** CPU inside parallel jobs, per pool slot (slot 0 is the JS thread). */
  slotMs: number[];
  /** Slot 0 waiting for workers: wall and CPU. */
  waitMs: number;
  waitCpuMs: number;
}

const emptySample = (slots: number): Sample => ({ calls: 0, wallMs: 0, mainMs: 0, slotMs: new Array<number>(slots).fill(0), waitMs: 0, waitCpuMs: 0 });

export function serialMs(s: Sample): number {
  return Math.max(0, s.mainMs - s.slotMs[0]! - s.waitCpuMs);
}
export const parMs = (s: Sample): number => s.slotMs.reduce((a, b) => a + b, 0);

export class Profiler {
  readonly addon: ProfileAddon;
  readonly slots: number;
  /** rows: "<pass> <layer>" -> kernel label (or "" for the row's own total) -> sample. */
  readonly rows = new Map<string, Map<string, Sample>>();
  private label = "other";
  /** Layer names by the node-sequence range their forward created. */
  private readonly layerNodes: { from: number; to: number; layer: string }[] = [];
  enabled = false;

  constructor(threads: number) {
    const addon = loadNative() as unknown as Partial<ProfileAddon> | null;
    if (!addon || typeof addon.profileStats !== "function" || typeof addon.threadCpuTime !== "function") {
      throw new Error("the native addon has no profiling exports (rebuild it: node-gyp rebuild)");
    }
    this.addon = addon as ProfileAddon;
    this.slots = threads;
    const native = loadNativeBackend();
    if (!native) throw new Error("native backend unavailable");
    const wrapped = this.wrapBackend(native);
    registerBackend("native-profiled", () => wrapped);
    setBackend("native-profiled");
  }

  /** Times fn into rows[row][kernel] (kernel "" = the row's own total). */
  time<T>(row: string, kernel: string, fn: () => T): T {
    if (!this.enabled) return fn();
    const a = this.addon;
    const s0 = a.profileStats();
    const c0 = a.threadCpuTime();
    const w0 = performance.now();
    try {
      return fn();
    } finally {
      const w1 = performance.now();
      const c1 = a.threadCpuTime();
      const s1 = a.profileStats();
      let m = this.rows.get(row);
      if (!m) this.rows.set(row, (m = new Map()));
      let s = m.get(kernel);
      if (!s) m.set(kernel, (s = emptySample(this.slots)));
      s.calls++;
      s.wallMs += w1 - w0;
      s.mainMs += (c1 - c0) / 1e6;
      for (let i = 0; i < this.slots; i++) s.slotMs[i]! += (s1[i * FIELDS]! - s0[i * FIELDS]!) / 1e6;
      s.waitMs += (s1[3]! - s0[3]!) / 1e6;
      s.waitCpuMs += (s1[4]! - s0[4]!) / 1e6;
    }
  }

  /** Runs fn as the layer/pass `label` (kernel calls inside are attributed to it). */
  within<T>(label: string, fn: () => T): T {
    const prev = this.label;
    this.label = label;
    try {
      return this.time(label, "", fn);
    } finally {
      this.label = prev;
    }
  }

  private kernel<F extends (...args: never[]) => unknown>(name: string, describe: (...args: Parameters<F>) => string, f: F): F {
    return ((...args: Parameters<F>) => this.time(this.label, `${name}${describe(...args)}`, () => f(...args))) as F;
  }

  private wrapBackend(b: Backend): Backend {
    const out: Record<string, unknown> = { ...b };
    for (const name of KERNEL_NAMES) {
      const f = b[name] as (...args: never[]) => unknown;
      out[name] = this.kernel(name, (...args: unknown[]) => kernelDetail(name, args), f);
    }
    out["optionalKernel"] = (name: string) => {
      const k = b.optionalKernel?.(name as never) as Record<string, (...args: never[]) => unknown> | ((...args: never[]) => unknown) | undefined;
      if (!k) return k;
      if (typeof k === "function") return this.kernel(name, (...args: unknown[]) => (name === "linearForward" ? ` ${String(args[4])}x${String(args[5])}x${String(args[6])}${args[7] ? " relu" : ""}` : ""), k);
      const w: Record<string, unknown> = {};
      for (const m of Object.keys(k)) {
        w[m] = this.kernel(`${name}.${m}`, (...args: unknown[]) => (name === "convPasses" ? convDetail(args) : ""), k[m]!.bind(k));
      }
      return w;
    };
    return out as unknown as Backend;
  }

  /**
   * Names the model's children (conv1, relu1, ..., fc2) and labels their forwards, through the chain's
   * observer rather than by patching each forward (a patched layer counts as hooked, which would turn
   * off the Linear + ReLU fusion of nn/chain.ts): a fused pair is one row, "fc1+relu1".
   */
  instrumentModel(model: torch.nn.Sequential): void {
    const counts = new Map<string, number>();
    const names = new Map<unknown, string>();
    for (const m of model.children()) {
      const kind = m.constructor.name === "Linear" ? "fc" : m.constructor.name === "Conv2d" ? "conv" : m.constructor.name.toLowerCase();
      const n = (counts.get(kind) ?? 0) + 1;
      counts.set(kind, n);
      names.set(m, `${kind}${n}`);
    }
    observeChain((modules, run) => {
      const layer = modules.map((m) => names.get(m) ?? "other").join("+");
      const from = nodesMade();
      const y = this.within(`fwd ${layer}`, run);
      this.layerNodes.push({ from, to: nodesMade(), layer });
      return y;
    });
  }

  /** Records the nodes `fn` creates (the loss) as `layer`. */
  forward<T>(layer: string, fn: () => T): T {
    const from = nodesMade();
    const y = this.within(`fwd ${layer}`, fn);
    this.layerNodes.push({ from, to: nodesMade(), layer });
    return y;
  }

  /** Wraps every node's backward in the graph of `root` so that its kernels are labelled by layer. */
  instrumentGraph(root: torch.Tensor): void {
    const seen = new Set<Node>();
    const stack: Node[] = root.gradFn ? [root.gradFn as Node] : [];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (seen.has(node)) continue;
      seen.add(node);
      const layer = this.layerNodes.find((r) => node.seq >= r.from && node.seq < r.to)?.layer ?? "other";
      const fn = node.backwardFn;
      if (fn) node.backwardFn = (g, needs) => this.within(`bwd ${layer}`, () => fn(g, needs));
      for (const e of node.next) if (e && !("shape" in e)) stack.push(e as Node);
    }
    this.layerNodes.length = 0;
  }

  start(): void {
    this.addon.setProfiling(true);
    this.rows.clear();
    this.enabled = true;
  }

  stop(): void {
    this.enabled = false;
    this.addon.setProfiling(false);
  }
}

function kernelDetail(name: string, a: unknown[]): string {
  switch (name) {
    case "gemm":
      return ` ${a[0] ? "T" : "N"}${a[1] ? "T" : "N"} ${String(a[2])}x${String(a[3])}x${String(a[4])}`;
    case "unary":
    case "binary":
    case "binaryScalar":
      return ` ${String(a[0])}`;
    case "reduce":
      return ` ${String(a[0])} [${String(a[3])},${String(a[4])},${String(a[5])}]`;
    case "copy":
      return ` [${(a[1] as number[]).join(",")}]`;
    default:
      return "";
  }
}

function convDetail(a: unknown[]): string {
  // The window and dims are the two plain objects among the arguments (their positions vary by pass).
  const objs = a.filter((v) => typeof v === "object" && v !== null && !ArrayBuffer.isView(v));
  const w = objs[0] as { C: number; H: number; W: number; kH: number; kW: number; oH: number; oW: number } | undefined;
  const d = objs[1] as { N: number; O: number } | undefined;
  return w && d ? ` ${d.N}x${w.C}x${w.H}x${w.W}->${d.O}x${w.oH}x${w.oW} k${w.kH}x${w.kW}` : "";
}

/**
 * Runs `step` 2 times to warm up, then `steps` times profiled, and prints the passes' totals (time in and
 * outside kernels) and one table of kernels summed over the passes by ideal CPU time (serial + par /
 * threads), with GFLOP/s for gemm rows. `title` opens the summary line.
 */
export function profileKernelTable(prof: Profiler, title: string, threads: number, steps: number, step: () => unknown): void {
  for (let i = 0; i < 2; i++) step();
  const cpu0 = process.cpuUsage();
  prof.start();
  for (let i = 0; i < steps; i++) step();
  prof.stop();
  const cpu = process.cpuUsage(cpu0);
  const ideal = (smp: Sample): number => (serialMs(smp) + parMs(smp) / threads) / steps;
  const total = prof.rows.get("step")!.get("")!;
  console.log(`${title} ${threads} thread(s), ${steps} steps: wall ${(total.wallMs / steps).toFixed(0)} ms/step, process CPU ` +
    `${((cpu.user + cpu.system) / 1000 / steps).toFixed(0)} ms/step (all threads, GC included), ideal ${ideal(total).toFixed(0)} ms/step`);
  const kernels = new Map<string, Sample>();
  for (const [row, ks] of prof.rows) {
    if (row === "step") continue;
    let inside = 0;
    for (const [k, smp] of ks) {
      if (k === "") continue;
      inside += ideal(smp);
      const acc = kernels.get(k);
      if (!acc) kernels.set(k, { ...smp, slotMs: [...smp.slotMs] });
      else {
        acc.calls += smp.calls;
        acc.wallMs += smp.wallMs;
        acc.mainMs += smp.mainMs;
        acc.waitCpuMs += smp.waitCpuMs;
        smp.slotMs.forEach((v, i) => (acc.slotMs[i]! += v));
      }
    }
    const own = ks.get("");
    if (own) console.log(`  ${row.padEnd(10)} ideal ${ideal(own).toFixed(1).padStart(7)} ms; in kernels ${inside.toFixed(1).padStart(7)} ms; outside ${(ideal(own) - inside).toFixed(1).padStart(6)} ms`);
  }
  console.log("kernel                               calls/step   ideal ms/step   GFLOP/s (gemm)");
  for (const [k, smp] of [...kernels].sort((a, b) => ideal(b[1]) - ideal(a[1]))) {
    const m = /^gemm \S+ (\d+)x(\d+)x(\d+)$/.exec(k);
    const rate = m ? (2 * Number(m[1]) * Number(m[2]) * Number(m[3]) * smp.calls / steps / 1e6 / ideal(smp)).toFixed(1) : "";
    console.log(`${k.padEnd(36)} ${(smp.calls / steps).toFixed(0).padStart(10)} ${ideal(smp).toFixed(2).padStart(15)} ${rate.padStart(16)}`);
  }
}
