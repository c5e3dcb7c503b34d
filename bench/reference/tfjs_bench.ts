/**
 * TensorFlow.js side of `npm run bench`: the seed MLP step (784-1024-2048-512-10, ReLU, batch 32,
 * float32, tf.train.sgd(0.03), tf.losses.softmaxCrossEntropy) on tfjs's pure-JS "cpu" backend and its
 * "wasm" backend (XNNPACK, SIMD). Both run one thread in Node: the wasm backend's threaded build
 * needs browser workers, and the cpu backend is plain JS.
 *
 *   npx tsx bench/reference/tfjs_bench.ts                 cpu and wasm
 *   npx tsx bench/reference/tfjs_bench.ts --backends wasm --budget 5000
 *   npx tsx bench/reference/tfjs_bench.ts --json          one JSON line for bench/run.ts
 *
 * Offline: the .wasm files ship inside @tensorflow/tfjs-backend-wasm (dist/); setWasmPaths points
 * the loader at that folder, so nothing is fetched.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { type PartReport, type StepCell, argList, argValue, emit, errorText, timeSteps } from "../common.ts";

import type { Scalar, Tensor, Tensor2D, Variable } from "@tensorflow/tfjs";

type Tf = typeof import("@tensorflow/tfjs");

const SIZES = [784, 1024, 2048, 512, 10];
const BATCH = 32;

/** tfjs itself, and why its wasm backend cannot load (null when it can). */
async function loadTf(): Promise<{ tf: Tf; wasmError: string | null }> {
  const tf = await import("@tensorflow/tfjs");
  // PROD: no debug checks and no "install tfjs-node" banner.
  tf.env().set("PROD", true);
  try {
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    const pkg = createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm/package.json");
    wasm.setWasmPaths(join(dirname(pkg), "dist") + "/");
    return { tf, wasmError: null };
  } catch (e) {
    return { tf, wasmError: `tfjs-backend-wasm failed to load: ${errorText(e)}` };
  }
}

/** The MLP and its data on the current tfjs backend: a step (returns the loss) and a disposer. */
function mlpStep(tf: Tf): { step: () => number; dispose: () => void } {
  const vars: Variable[] = [];
  const layers: { w: Variable; b: Variable }[] = [];
  for (let i = 0; i + 1 < SIZES.length; i++) {
    // PyTorch's Linear init: U(-1/sqrt(in), 1/sqrt(in)) for weight and bias.
    const bound = 1 / Math.sqrt(SIZES[i]!);
    const init = (shape: number[], seed: number): Variable => {
      const t = tf.randomUniform(shape, -bound, bound, "float32", seed);
      const v = tf.variable(t);
      t.dispose();
      return v;
    };
    const w = init([SIZES[i]!, SIZES[i + 1]!], 1 + i);
    const b = init([SIZES[i + 1]!], 11 + i);
    layers.push({ w, b });
    vars.push(w, b);
  }
  const x = tf.randomNormal([BATCH, SIZES[0]!], 0, 1, "float32", 21);
  const labels = tf.randomUniform([BATCH], 0, SIZES[SIZES.length - 1]!, "int32", 22);
  const onehot = tf.oneHot(labels, SIZES[SIZES.length - 1]!);
  const opt = tf.train.sgd(0.03);
  const step = (): number => {
    const cost = opt.minimize(() => {
      let h: Tensor2D = x as Tensor2D;
      layers.forEach(({ w, b }, i) => {
        h = tf.add(tf.matMul(h, w as Tensor2D), b);
        if (i + 1 < layers.length) h = tf.relu(h);
      });
      return tf.losses.softmaxCrossEntropy(onehot, h) as Scalar;
    }, true, vars);
    const loss = cost ? cost.dataSync()[0]! : NaN;
    cost?.dispose();
    return loss;
  };
  const data: Tensor[] = [x, labels, onehot];
  const dispose = (): void => {
    opt.dispose();
    for (const t of [...vars, ...data]) t.dispose();
  };
  return { step, dispose };
}

async function main(): Promise<void> {
  const backends = argList("--backends", ["cpu", "wasm"]);
  const budgetMs = Number(argValue("--budget") ?? 2000);
  const report: PartReport<StepCell> = { engine: "tfjs", info: [], cells: [], unavailable: [] };
  let loaded: { tf: Tf; wasmError: string | null } | null = null;
  try {
    loaded = await loadTf();
    report.info.push(`TensorFlow.js ${loaded.tf.version.tfjs}`);
  } catch (e) {
    for (const b of backends) report.unavailable.push({ what: b, reason: `tfjs failed to load: ${errorText(e)}` });
  }
  if (loaded) {
    const { tf, wasmError } = loaded;
    for (const name of backends) {
      try {
        if (name === "wasm" && wasmError) throw new Error(wasmError);
        if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') returned false`);
        await tf.ready();
        const simd = name === "wasm" ? `, simd ${String(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"))}, ` +
          `multithread ${String(await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT"))}` : "";
        report.info.push(`${name}: ${tf.getBackend()}${simd}`);
        const before = tf.memory().numTensors;
        const { step, dispose } = mlpStep(tf);
        const slow = name === "cpu";
        const r = await timeSteps(step, slow
          ? { warmup: 1, warmupMs: 0, minSteps: 3, maxSteps: 3, budgetMs: 0 }
          : { warmup: 5, warmupMs: 500, minSteps: 5, maxSteps: 60, budgetMs });
        report.cells.push({ backend: name, threads: 1, medianMs: r.medianMs, bestMs: r.bestMs, n: r.n, loss: r.last });
        dispose();
        const leaked = tf.memory().numTensors - before;
        if (leaked > 0) report.info.push(`${name}: ${leaked} tensors leaked over the run (leaks slow tfjs down)`);
      } catch (e) {
        report.unavailable.push({ what: name, reason: errorText(e) });
      }
    }
  }

  if (process.argv.includes("--json")) {
    emit(report);
    return;
  }
  for (const line of report.info) console.log(line);
  for (const u of report.unavailable) console.log(`${u.what}: n/a (${u.reason})`);
  for (const c of report.cells) {
    console.log(`${c.backend.padEnd(6)} median ${c.medianMs.toFixed(1)} ms/step, best ${c.bestMs.toFixed(1)}, ` +
      `${(1000 / c.medianMs).toFixed(2)} steps/s, ${c.n} steps, last loss ${c.loss.toFixed(4)}`);
  }
}

await main();
process.exit(0);
