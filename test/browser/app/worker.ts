/** The test Worker: training and timing off the main thread, where the wasm backend may use threads. */
import * as torch from "../../../src/index.browser.ts";
import { loadWasmBackend } from "../../../src/backend/wasm/index.ts";
import { wasmSimd } from "./backends.ts";
import { SIZES, trainSteps } from "../train_steps.ts";

async function useBackend(name: string, threads: number): Promise<number> {
  await torch.ready();
  torch.setBackend(name);
  torch.setNumThreads(threads);
  if (name.startsWith("wasm")) {
    await (name === "wasm-simd" ? wasmSimd() : loadWasmBackend())?.whenReady();
  }
  return torch.getNumThreads();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export const workerApi = {
  async env() {
    await torch.ready();
    return { isolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true, backend: torch.getBackend(), backends: torch.availableBackends() };
  },
  async train(backend: string, threads: number, steps: number) {
    const running = await useBackend(backend, threads);
    return { losses: trainSteps(torch, steps), threads: running };
  },
  /** Median ms per step of an MLP of `sizes` (batch 32) over `steps` timed steps after 3 warm-ups. */
  async stepMs(backend: string, threads: number, steps: number, sizes: number[] = [...SIZES]) {
    const running = await useBackend(backend, threads);
    torch.manualSeed(0);
    const x = torch.randn([32, sizes[0]!]);
    const y = torch.randint(0, sizes[sizes.length - 1]!, [32]);
    const layers: torch.nn.Module[] = [];
    for (let i = 0; i + 1 < sizes.length; i++) {
      if (i > 0) layers.push(new torch.nn.ReLU());
      layers.push(new torch.nn.Linear(sizes[i]!, sizes[i + 1]!));
    }
    const model = new torch.nn.Sequential(...layers);
    const opt = new torch.optim.SGD(model.parameters(), { lr: 0.03 });
    const loss = new torch.nn.CrossEntropyLoss();
    const times: number[] = [];
    for (let i = 0; i < steps + 3; i++) {
      const t0 = performance.now();
      opt.zeroGrad();
      loss.forward(model.forward(x), y).backward();
      opt.step();
      if (i >= 3) times.push(performance.now() - t0);
    }
    return { ms: median(times), threads: running };
  },
  /** An image fetched and decoded in the Worker (createImageBitmap and OffscreenCanvas exist there too). */
  async decode(url: string) {
    const img = await torch.datasets.decodeImageAsync(await (await fetch(url)).blob(), url);
    return { width: img.width, height: img.height, channels: img.channels, data: Array.from(img.data) };
  },
  /** Median ms of a float32 GEMM [m, k] @ [k, n]. */
  async gemmMs(backend: string, threads: number, m: number, k: number, n: number, reps: number) {
    const running = await useBackend(backend, threads);
    const a = torch.randn([m, k]), b = torch.randn([k, n]);
    const times: number[] = [];
    for (let i = 0; i < reps + 2; i++) {
      const t0 = performance.now();
      torch.matmul(a, b);
      if (i >= 2) times.push(performance.now() - t0);
    }
    return { ms: median(times), threads: running };
  },
};

torch.exposeWorker(workerApi);
