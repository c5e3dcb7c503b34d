/**
 * The wasm backend in headless Chromium against Node (issue 15, acceptance 2): the seed MLP's training
 * step (784-1024-2048-512-10, batch 32, SGD) and a float32 GEMM 256x1024 @ 1024x1024, in a page's Web
 * Worker on 2 threads and on 1, and in Node on 2 threads; medians over 3 alternating rounds.
 *
 *   npm run bench:browser            (needs /usr/bin/chromium or KINDLING_CHROMIUM)
 */
import * as torch from "../src/index.ts";
import { loadWasmBackend } from "../src/backend/wasm/index.ts";
import { startHarness } from "../test/browser/harness.ts";

const SEED_MLP = [784, 1024, 2048, 512, 10];
const STEPS = 10;
const ROUNDS = 3;

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
  const r = { step2: [] as number[], step1: [] as number[], node2: [] as number[], gemm2: [] as number[], gemm1: [] as number[], nodeGemm2: [] as number[] };
  let threadsSeen = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const w2 = await h.page.evaluate(([s, sizes]) => kt.remote.stepMs("wasm", 2, s, sizes), [STEPS, SEED_MLP] as [number, number[]]);
    threadsSeen = w2.threads;
    r.step2.push(w2.ms);
    r.node2.push(await nodeStepMs(2));
    r.step1.push((await h.page.evaluate(([s, sizes]) => kt.remote.stepMs("wasm", 1, s, sizes), [STEPS, SEED_MLP] as [number, number[]])).ms);
    r.gemm2.push((await h.page.evaluate(() => kt.remote.gemmMs("wasm", 2, 256, 1024, 1024, 5))).ms);
    r.nodeGemm2.push(await nodeGemmMs(2));
    r.gemm1.push((await h.page.evaluate(() => kt.remote.gemmMs("wasm", 1, 256, 1024, 1024, 5))).ms);
  }
  const m = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, median(v)])) as Record<keyof typeof r, number>;
  const f = (x: number): string => `${x.toFixed(1)} ms`;
  console.log(`seed MLP ${SEED_MLP.join("-")}, batch 32, SGD; wasm; medians of ${ROUNDS} alternating rounds (${STEPS} steps each)`);
  console.log(`  Chromium Worker, 2 threads (running: ${threadsSeen}): ${f(m.step2)}`);
  console.log(`  Chromium Worker, 1 thread:  ${f(m.step1)}   speed-up 2 vs 1: ${(m.step1 / m.step2).toFixed(2)}x`);
  console.log(`  Node, 2 threads:            ${f(m.node2)}   Chromium/Node: ${(m.step2 / m.node2).toFixed(2)}x`);
  console.log(`GEMM 256x1024 @ 1024x1024 float32, wasm`);
  console.log(`  Chromium Worker, 2 threads: ${f(m.gemm2)}   1 thread: ${f(m.gemm1)}   speed-up: ${(m.gemm1 / m.gemm2).toFixed(2)}x`);
  console.log(`  Node, 2 threads:            ${f(m.nodeGemm2)}   Chromium/Node: ${(m.gemm2 / m.nodeGemm2).toFixed(2)}x`);
  // Issue 15, acceptance 2: Worker step <= 1.2x Node's at 2 threads; GEMM 2 threads >= 1.5x faster than 1.
  const ratio = m.step2 / m.node2, speedup = m.gemm1 / m.gemm2;
  console.log(`acceptance 2: Worker/Node step ${ratio.toFixed(2)}x (<= 1.2x: ${ratio <= 1.2 ? "yes" : "no"}); ` +
    `GEMM 2 vs 1 thread ${speedup.toFixed(2)}x (>= 1.5x: ${speedup >= 1.5 ? "yes" : "no"})`);
} finally {
  await h.close();
}
process.exit(0);
