/**
 * The browser build in headless Chromium (issue 15): it loads in a cross-origin-isolated page with no
 * shims, trains bit for bit as Node does on js and on wasm (plain SIMD on both sides), runs the wasm
 * backend's threads in a Worker but never on the page's main thread, and moves checkpoints both ways
 * between Node and the page as bytes. Node-only features fail with an ArgumentError saying so.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import * as torch from "../../src/index.ts";
import { MNIST, defaultMnistRoot } from "../../src/datasets/mnist.ts";
import "./app/backends.ts";
import { type Harness, browserUnavailable, startHarness } from "./harness.ts";
import { probe, trainSteps, trainedModel, buildMlp } from "./train_steps.ts";

type Kt = {
  torch: typeof torch;
  trainSteps: typeof trainSteps;
  trainOn(backend: string, steps: number): number[];
  errorOf(fn: () => unknown): Promise<string>;
  probe: typeof probe;
  remote: {
    env(): Promise<{ isolated: boolean; backend: string; backends: string[] }>;
    train(backend: string, threads: number, steps: number): Promise<{ losses: number[]; threads: number }>;
  };
};
declare const kt: Kt;

const skip = browserUnavailable();
const STEPS = 20;

function nodeLosses(backend: string): number[] {
  const prev = torch.getBackend();
  torch.setBackend(backend);
  try {
    return trainSteps(torch, STEPS);
  } finally {
    torch.setBackend(prev);
  }
}

describe("kindling in headless Chromium", { skip: skip ?? false }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h?.close();
  });

  test("the page is cross-origin isolated; ready() makes wasm the default; the main thread stays on one thread", async () => {
    const r = await h.page.evaluate(async () => {
      const before = kt.torch.getBackend();
      await kt.torch.ready();
      kt.torch.setNumThreads(4);
      kt.torch.matmul(kt.torch.ones([512, 512]), kt.torch.ones([512, 512]));
      return {
        isolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated,
        before, after: kt.torch.getBackend(), backends: kt.torch.availableBackends(), threads: kt.torch.getNumThreads(),
      };
    });
    assert.deepEqual(r, { isolated: true, before: "js", after: "wasm", backends: ["js", "wasm", "wasm-simd"], threads: 1 }, h.logs.join("\n"));
  });

  test("Node-only features are ArgumentErrors that say so, with their class names intact", async () => {
    const errs = await h.page.evaluate(async () => [
      await kt.errorOf(() => kt.torch.save({ w: kt.torch.ones([1]) }, "model.safetensors")),
      await kt.errorOf(() => kt.torch.load("model.safetensors")),
      await kt.errorOf(() => new kt.torch.datasets.MNIST()),
      await kt.errorOf(() => kt.torch.tensor([1, 2]).view([3])),
    ]);
    assert.match(errs[0]!, /^ArgumentError: torch\.save\(\): save to a file path is Node-only; in the browser call it without a path/);
    assert.match(errs[1]!, /^ArgumentError: torch\.load\(\): load from a file path is Node-only/);
    assert.match(errs[2]!, /^ArgumentError: .*Node-only/);
    assert.match(errs[3]!, /^ShapeError: /);
  });

  test("the minified page prints PyTorch's class names in module reprs and messages", async () => {
    const r = await h.page.evaluate(() => {
      const { nn } = kt.torch;
      const net = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.LSTM(3, 4, { numLayers: 2 }));
      let message = "";
      try {
        net.loadStateDict({});
      } catch (e) {
        message = (e as Error).message.split("\n")[0]!;
      }
      return { repr: net.toString(), message, name: new nn.TransformerEncoderLayer(8, 2).getName() };
    });
    assert.equal(r.repr, "Sequential(\n  (0): Linear(in_features=2, out_features=3, bias=True)\n  (1): ReLU()\n  (2): LSTM(3, 4, num_layers=2)\n)");
    assert.match(r.message, /^Error\(s\) in loading state_dict for Sequential:/);
    assert.equal(r.name, "TransformerEncoderLayer");
  });

  test(`${STEPS} training steps give Node's losses bit for bit, on js and on wasm, in the page and in a Worker on 2 threads`, async () => {
    const want = { js: nodeLosses("js"), wasm: nodeLosses("wasm-simd") };
    const page = await h.page.evaluate(async (steps) => {
      await kt.torch.ready();
      return { js: kt.trainOn("js", steps), wasm: kt.trainOn("wasm-simd", steps) };
    }, STEPS);
    assert.deepEqual(page.js, want.js, "js in the page");
    assert.deepEqual(page.wasm, want.wasm, "wasm in the page");
    const inWorker = await h.page.evaluate((steps) => kt.remote.train("wasm-simd", 2, steps), STEPS);
    assert.equal(inWorker.threads, 2, "a Worker runs the wasm GEMM on 2 threads");
    assert.deepEqual(inWorker.losses, want.wasm, "wasm in a Worker, 2 threads");
    assert.ok(want.wasm[STEPS - 1]! < want.wasm[0]!, "the loss goes down");
  });

  test("a checkpoint saved in Node loads in the page and back, as bytes, outputs bit for bit", async () => {
    torch.setBackend("js");
    const model = trainedModel(torch, 3);
    const nodeOut = [...model.forward(probe(torch)).toTypedArray()];
    h.files.set("mlp.safetensors", await torch.save(model.stateDict()));
    const r = await h.page.evaluate(async () => {
      const { torch: t } = kt;
      t.setBackend("js");
      const sizes = [784, 256, 64, 10];
      const layers = [];
      for (let i = 0; i + 1 < sizes.length; i++) {
        if (i > 0) layers.push(new t.nn.ReLU());
        layers.push(new t.nn.Linear(sizes[i]!, sizes[i + 1]!));
      }
      const net = new t.nn.Sequential(...layers);
      net.loadStateDict(await t.load(await fetch("/files/mlp.safetensors")));
      const out = [...net.forward(kt.probe(t)).toTypedArray()];
      const back = await t.save(net.stateDict());
      return { out, back: [...back] };
    });
    assert.deepEqual(r.out, nodeOut);
    const again = buildMlp(torch);
    again.loadStateDict(await torch.load(new Uint8Array(r.back)));
    assert.deepEqual([...again.forward(probe(torch)).toTypedArray()], nodeOut, "the page's checkpoint back in Node");
  });

  test("MNIST from a folder URL in the page: gzipped IDX through DecompressionStream, the same data as Node's", async () => {
    for (const name of ["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]) {
      h.files.set(`${name}.gz`, gzipSync(readFileSync(join(defaultMnistRoot(), name))));
    }
    const node = new MNIST({ train: false });
    const r = await h.page.evaluate(async () => {
      const ds = await kt.torch.datasets.MNIST.fromUrl("/files", { train: false });
      const [x, y] = ds.getItem(123) as [ReturnType<typeof kt.torch.zeros>, number];
      return { n: ds.length, targets: [...ds.targets.subarray(0, 50)], y, sum: x.sum().item() };
    });
    const [x, y] = node.getItem(123) as [torch.Tensor, number];
    assert.deepEqual(r, { n: 10000, targets: [...node.targets.subarray(0, 50)], y, sum: x.sum().item() });
  });

  test("without cross-origin isolation: wasm still runs (ordinary memory), on one thread even in a Worker", async () => {
    const p = await h.open("/?noisolate");
    const r = await p.evaluate(async () => {
      await kt.torch.ready();
      const env = await kt.remote.env();
      const w = await kt.remote.train("wasm", 2, 2);
      return { isolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated, backend: kt.torch.getBackend(), workerIsolated: env.isolated, workerThreads: w.threads };
    });
    await p.close();
    assert.deepEqual(r, { isolated: false, backend: "wasm", workerIsolated: false, workerThreads: 1 });
  });
});
