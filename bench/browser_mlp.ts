/**
 * The wasm backend in headless Chromium against Node (issue 15, acceptance 2): the seed MLP's training
 * step (784-1024-2048-512-10, batch 32, SGD) and a float32 GEMM 256x1024 @ 1024x1024, in a page's Web
 * Worker on 2 threads and on 1, and in Node on 2 threads; medians over 3 alternating rounds.
 *
 *   npm run bench:browser                    (needs /usr/bin/chromium or KINDLING_CHROMIUM)
 *   npm run bench:browser -- --rounds 9      more alternating rounds
 *   npm run bench:browser -- --wait-idle 60  before each round, wait up to 60 s for a half second in
 *                                            which the machine's CPUs were at least 85% idle
 *
 * On a machine shared with other jobs a 2-thread figure mostly measures whether the second core was
 * free. So each measurement also records how long this process tree's threads (Node, Chromium and its
 * workers) sat runnable waiting for a CPU (Linux schedstat), as a share of its wall time; the GEMM
 * lines add the median over the rounds in which that share stayed under 5% for both thread counts
 * (the machine gave us the cores we asked for), with how many rounds those were.
 */
import { readFileSync, readdirSync } from "node:fs";
import { loadavg } from "node:os";
import * as torch from "../src/index.ts";
import { loadWasmBackend } from "../src/backend/wasm/index.ts";
import { startHarness } from "../test/browser/harness.ts";

const SEED_MLP = [784, 1024, 2048, 512, 10];
const STEPS = 10;
const roundsArg = process.argv.indexOf("--rounds");
const ROUNDS = roundsArg >= 0 ? Number(process.argv[roundsArg + 1]) : 3;
const idleArg = process.argv.indexOf("--wait-idle");
const WAIT_IDLE_S = idleArg >= 0 ? Number(process.argv[idleArg + 1]) : 0;

/** Share of the machine's CPU time that was idle over the next `ms` (Linux /proc/stat; 1 elsewhere). */
async function idleShare(ms: number): Promise<number> {
  const read = (): number[] => readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  let a: number[];
  try {
    a = read();
  } catch {
    return 1;
  }
  await new Promise((r) => setTimeout(r, ms));
  const d = read().map((x, i) => x - a[i]!);
  return d[3]! / Math.max(1, d.reduce((x, y) => x + y, 0));
}

/** Waits up to WAIT_IDLE_S seconds for the machine to be idle; returns whether it was. */
async function waitIdle(): Promise<boolean> {
  const end = Date.now() + WAIT_IDLE_S * 1000;
  while (Date.now() < end) if (await idleShare(500) >= 0.85) return true;
  return false;
}

/** Above this share of wall time spent waiting for a CPU, a measurement is contended. */
const CLEAN_WAIT = 0.05;

/** Pids of this process and its descendants (the browser and its renderer, GPU and utility processes). */
function processTree(): number[] {
  const children = new Map<number, number[]>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      // Field 4 (ppid) follows the parenthesised command name, which may itself hold spaces.
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      // exited meanwhile
    }
  }
  const out: number[] = [], todo = [process.pid];
  while (todo.length > 0) {
    const p = todo.pop()!;
    out.push(p);
    todo.push(...(children.get(p) ?? []));
  }
  return out;
}

/** Per thread of the process tree: [ms on a CPU, ms runnable but waiting for one] (Linux schedstat). */
function schedstat(): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  for (const pid of processTree()) {
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const t of tasks) {
      try {
        const [on, wait] = readFileSync(`/proc/${pid}/task/${t}/schedstat`, "utf8").split(" ").map(Number);
        out.set(`${pid}/${t}`, [on! / 1e6, wait! / 1e6]);
      } catch {
        // exited meanwhile
      }
    }
  }
  return out;
}

/**
 * Runs `f`, returning its result with the time its busy threads (those on a CPU for a tenth of the wall
 * time or more: the computing ones, not the browser's idle helpers) waited for a CPU, as a share of wall.
 */
async function contended<T>(f: () => Promise<T>): Promise<{ r: T; wait: number }> {
  const s0 = schedstat(), t0 = performance.now();
  const r = await f();
  const wall = performance.now() - t0;
  let wait = 0;
  for (const [k, [on, w]] of schedstat()) {
    const [on0, w0] = s0.get(k) ?? [0, 0];
    if (on - on0 >= 0.1 * wall) wait += w - w0;
  }
  return { r, wait: wait / wall };
}

type Remote = {
  stepMs(backend: string, threads: number, steps: number, sizes: number[]): Promise<{ ms: number; threads: number }>;
  gemmMs(backend: string, threads: number, m: number, k: number, n: number, reps: number): Promise<{ ms: number; threads: number }>;
};
declare const kt: { remote: Remote };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function nodeStepMs(threads: number): Promise<number> {
  torch.setBackend("wasm");
  torch.setNumThreads(threads);
  await loadWasmBackend()!.whenReady();
  torch.manualSeed(0);
  const x = torch.randn([32, 784]);
  const y = torch.randint(0, 10, [32]);
  const layers: torch.nn.Module[] = [];
  for (let i = 0; i + 1 < SEED_MLP.length; i++) {
    if (i > 0) layers.push(new torch.nn.ReLU());
    layers.push(new torch.nn.Linear(SEED_MLP[i]!, SEED_MLP[i + 1]!));
  }
  const model = new torch.nn.Sequential(...layers);
  const opt = new torch.optim.SGD(model.parameters(), { lr: 0.03 });
  const loss = new torch.nn.CrossEntropyLoss();
  const times: number[] = [];
  for (let i = 0; i < STEPS + 3; i++) {
    const t0 = performance.now();
    opt.zeroGrad();
    loss.forward(model.forward(x), y).backward();
    opt.step();
    if (i >= 3) times.push(performance.now() - t0);
  }
  return median(times);
}

async function nodeGemmMs(threads: number): Promise<number> {
  torch.setBackend("wasm");
  torch.setNumThreads(threads);
  await loadWasmBackend()!.whenReady();
  const a = torch.randn([256, 1024]), b = torch.randn([1024, 1024]);
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    torch.matmul(a, b);
    if (i >= 2) times.push(performance.now() - t0);
  }
  return median(times);
}

const h = await startHarness();
try {
  type Key = "step2" | "step1" | "node2" | "gemm2" | "gemm1" | "nodeGemm2" | "nodeGemm1";
  const r = new Map<Key, { ms: number; wait: number }[]>();
  const record = async (k: Key, f: () => Promise<number>): Promise<void> => {
    const { r: ms, wait } = await contended(f);
    r.set(k, [...(r.get(k) ?? []), { ms, wait }]);
  };
  let threadsSeen = 0;
  const load0 = loadavg();
  let idleRounds = 0;
  for (let round = 0; round < ROUNDS; round++) {
    if (WAIT_IDLE_S > 0 && await waitIdle()) idleRounds++;
    await record("step2", async () => {
      const w2 = await h.page.evaluate(([s, sizes]) => kt.remote.stepMs("wasm", 2, s, sizes), [STEPS, SEED_MLP] as [number, number[]]);
      threadsSeen = w2.threads;
      return w2.ms;
    });
    await record("node2", () => nodeStepMs(2));
    await record("step1", async () => (await h.page.evaluate(([s, sizes]) => kt.remote.stepMs("wasm", 1, s, sizes), [STEPS, SEED_MLP] as [number, number[]])).ms);
    await record("gemm2", async () => (await h.page.evaluate(() => kt.remote.gemmMs("wasm", 2, 256, 1024, 1024, 5))).ms);
    await record("nodeGemm2", () => nodeGemmMs(2));
    await record("gemm1", async () => (await h.page.evaluate(() => kt.remote.gemmMs("wasm", 1, 256, 1024, 1024, 5))).ms);
    await record("nodeGemm1", () => nodeGemmMs(1));
  }
  const all = (k: Key): { ms: number; wait: number }[] => r.get(k)!;
  const m = (k: Key): number => median(all(k).map((x) => x.ms));
  const waits = (k: Key): string => `${Math.round(100 * median(all(k).map((x) => x.wait)))}%`;
  /** Median ms of a and of b over the rounds where neither was contended, and how many rounds that was. */
  const clean = (a: Key, b: Key): { a: number; b: number; n: number } => {
    const ok = all(a).map((x, i) => x.wait < CLEAN_WAIT && all(b)[i]!.wait < CLEAN_WAIT);
    const pick = (k: Key): number[] => all(k).filter((_, i) => ok[i]).map((x) => x.ms);
    const n = ok.filter(Boolean).length;
    return { a: n ? median(pick(a)) : NaN, b: n ? median(pick(b)) : NaN, n };
  };
  const f = (x: number): string => `${x.toFixed(1)} ms`;
  const la = (l: number[]): string => l.map((v) => v.toFixed(1)).join(" ");
  console.log(`load average ${la(load0)} before, ${la(loadavg())} after; "wait" = median share of wall time the busy threads (Node, Chromium) waited for a CPU` +
    (WAIT_IDLE_S > 0 ? `; ${idleRounds} of ${ROUNDS} rounds started on an idle machine (--wait-idle ${WAIT_IDLE_S})` : ""));
  console.log(`seed MLP ${SEED_MLP.join("-")}, batch 32, SGD; wasm; medians of ${ROUNDS} alternating rounds (${STEPS} steps each)`);
  console.log(`  Chromium Worker, 2 threads (running: ${threadsSeen}): ${f(m("step2"))} (wait ${waits("step2")})`);
  console.log(`  Chromium Worker, 1 thread:  ${f(m("step1"))} (wait ${waits("step1")})   speed-up 2 vs 1: ${(m("step1") / m("step2")).toFixed(2)}x`);
  console.log(`  Node, 2 threads:            ${f(m("node2"))} (wait ${waits("node2")})   Chromium/Node: ${(m("step2") / m("node2")).toFixed(2)}x`);
  console.log(`GEMM 256x1024 @ 1024x1024 float32, wasm`);
  for (const [name, two, one] of [["Chromium Worker", "gemm2", "gemm1"], ["Node", "nodeGemm2", "nodeGemm1"]] as [string, Key, Key][]) {
    const c = clean(two, one);
    console.log(`  ${`${name},`.padEnd(17)} 2 threads: ${f(m(two))} (wait ${waits(two)})   1 thread: ${f(m(one))} (wait ${waits(one)})   ` +
      `speed-up: ${(m(one) / m(two)).toFixed(2)}x; uncontended rounds: ${c.n ? `${(c.b / c.a).toFixed(2)}x (${f(c.a)} vs ${f(c.b)}, ${c.n} of ${ROUNDS})` : `none of ${ROUNDS}`}`);
  }
  console.log(`  Chromium/Node at 2 threads: ${(m("gemm2") / m("nodeGemm2")).toFixed(2)}x`);
  // Issue 15, acceptance 2: Worker step <= 1.2x Node's at 2 threads; GEMM 2 threads >= 1.5x faster than 1.
  const ratio = m("step2") / m("node2"), speedup = m("gemm1") / m("gemm2");
  console.log(`acceptance 2: Worker/Node step ${ratio.toFixed(2)}x (<= 1.2x: ${ratio <= 1.2 ? "yes" : "no"}); ` +
    `GEMM 2 vs 1 thread ${speedup.toFixed(2)}x (>= 1.5x: ${speedup >= 1.5 ? "yes" : "no"})`);
} finally {
  await h.close();
}
process.exit(0);
