/**
 * Conv2d + ReLU as one op (nn/chain.ts, ops/conv_relu.ts): the wasm conv pass with its `relu` argument
 * rectifies in the pass the bits the relu kernel gives (with and without a bias, in place and side by
 * side, 1 and 2 threads); a Sequential's Conv2d + ReLU pairs give the outputs,
 * gradients and graph of the layers run one by one, on wasm (fused in the pass, or float64 through the
 * relu kernel), native and js; a hooked layer or a padding mode other than zeros is not fused.
 */
import { test } from "node:test";
import assert from "node:assert/strict";

import * as torch from "../../src/index.ts";
import { getBackend, setBackend } from "../../src/backend/registry.ts";
import { loadWasmBackend } from "../../src/backend/wasm/index.ts";
import { loadNativeBackend } from "../../src/backend/native/backend.ts";
import { window2d } from "../helpers/window.ts";

const wasm = loadWasmBackend();
const passes = wasm?.optionalKernel?.("convPasses");
const skip = passes ? false : "WebAssembly SIMD not available";

const relu = (a: Float32Array): Float32Array => a.map((v) => (v > 0 ? v : v === v ? 0 : v));

test("the wasm conv pass with relu equals the pass then relu", { skip }, async () => {
  const p = passes!;
  assert.equal(p.fusesRelu, true);
  for (const threads of [1, 2]) {
    wasm!.setNumThreads(threads);
    await wasm!.whenReady();
    // [N, C, O, H]: conv2-like (each product straight into y) and conv1-like (samples side by side), odd sizes.
    for (const [N, C, O, H] of [[6, 32, 64, 26], [9, 1, 32, 28], [3, 5, 7, 23]] as const) {
      const win = window2d(C, H, H, [3, 3], [1, 1], [1, 1], [1, 1]), L = win.oH * win.oW, dims = { N, C, O, G: 1 };
      const x = Float32Array.from({ length: N * C * H * H }, (_, i) => Math.sin(i * 0.7));
      const w = Float32Array.from({ length: O * C * 9 }, (_, i) => Math.cos(i * 0.3) * 0.2);
      const bias = Float32Array.from({ length: O }, (_, i) => (i % 5) - 2.5);
      for (const withBias of [false, true]) {
        const plain = new Float32Array(N * O * L).fill(NaN), fused = plain.slice();
        const pass = (y: Float32Array, relu: boolean): boolean =>
          withBias ? p.forwardBias!(x, w, bias, y, win, dims, relu) : p.forward(x, w, y, win, dims, 0, relu);
        assert.ok(pass(plain, false));
        assert.ok(pass(fused, true));
        const want = relu(plain);
        assert.ok(want.some((v) => v === 0) && want.some((v) => v > 0), "both signs occur");
        assert.deepEqual(fused, want, `N ${N} C ${C} O ${O} bias ${withBias} threads ${threads}`);
      }
    }
  }
  const win = window2d(2, 30, 30, [3, 3], [1, 1], [0, 0], [1, 1]);
  assert.equal(p.forward(new Float64Array(2 * 2 * 900), new Float64Array(36), new Float64Array(2 * 784), win, { N: 1, C: 2, O: 2, G: 1 }, 0, true), false, "float64 declined");
  wasm!.setNumThreads(1);
});

interface GraphNode { name: string; nextFunctions: [GraphNode | null, number][] }

/** Output, input and parameter gradients, graph names, and the relu argument each conv pass saw. */
function run(layerByLayer: boolean, o: { dtype?: "float32" | "float64"; hook?: boolean; reflect?: boolean } = {}) {
  const dtype = o.dtype ?? "float32";
  torch.manualSeed(7);
  const model = new torch.nn.Sequential(
    new torch.nn.Conv2d(1, 8, 3, { dtype, paddingMode: o.reflect ? "reflect" : "zeros", padding: 1 }), new torch.nn.ReLU(),
    new torch.nn.Conv2d(8, 16, 3, { dtype, bias: false, padding: 1 }), new torch.nn.ReLU(true),
    new torch.nn.MaxPool2d(2), new torch.nn.Flatten(), new torch.nn.Linear(16 * 14 * 14, 5, { dtype }),
  );
  if (o.hook) model.at(1).registerForwardHook(() => undefined);
  const x = torch.randn([4, 1, 28, 28], { dtype }).requiresGrad_();
  const seen: boolean[] = [];
  const p = passes;
  const [fwd, fwdBias] = [p?.forward, p?.forwardBias];
  if (p) {
    p.forward = (...a) => (seen.push(a[6] === true), fwd!(...a));
    p.forwardBias = (...a) => (seen.push(a[6] === true), fwdBias!(...a));
  }
  let y: torch.Tensor;
  try {
    if (layerByLayer) {
      y = x;
      for (let i = 0; i < model.length; i++) y = model.at(i).forward(y) as torch.Tensor;
    } else y = model.forward(x);
  } finally {
    if (p) [p.forward, p.forwardBias] = [fwd!, fwdBias];
  }
  const names: string[] = [];
  for (let n = y.gradFn as unknown as GraphNode | null; n; n = n.nextFunctions.find(([m]) => m && m.name !== "AccumulateGrad" && m.name !== "TBackward0")?.[0] ?? null) {
    names.push(n.name);
  }
  y.mul(torch.randn(y.shape, { dtype })).sum().backward();
  const grads = [x, ...model.parameters()].map((t) => Array.from(t.grad!.toTypedArray()));
  return { y: Array.from(y.toTypedArray()), grads, names, seen };
}

const GRAPH = ["AddmmBackward0", "ViewBackward0", "MaxPool2DWithIndicesBackward0", "ReluBackward0", "ConvolutionBackward0", "ReluBackward0", "ConvolutionBackward0"];

for (const name of ["wasm", "native", "js"]) {
  const avail = name === "wasm" ? !skip : name === "native" ? loadNativeBackend() !== null : true;
  test(`Sequential Conv2d + ReLU as one op on ${name}: the numbers and graph of layer by layer`, { skip: avail ? false : `no ${name} backend` }, async () => {
    const before = getBackend();
    setBackend(name);
    try {
      for (const threads of name === "wasm" ? [1, 2] : [1]) {
        torch.setNumThreads(threads);
        if (name === "wasm") await wasm!.whenReady();
        for (const o of [{}, { dtype: "float64" as const }, { hook: true }, { reflect: true }]) {
          const fused = run(false, o), plain = run(true, o);
          const at = `${JSON.stringify(o)} at ${threads} thread(s)`;
          assert.deepEqual(fused.y, plain.y, `output ${at}`);
          assert.deepEqual(fused.grads, plain.grads, `gradients ${at}`);
          assert.deepEqual(fused.names.slice(0, GRAPH.length), GRAPH, `graph ${at}`);
          assert.deepEqual(fused.names, plain.names);
          if (name === "wasm") {
            // float64: asked, declined by forwardBias, then forward (bias copied first): the relu kernel runs instead.
            const want = o.dtype ? [true, true, true] : o.hook || o.reflect ? [false, true] : [true, true];
            assert.deepEqual(fused.seen, want, `relu asked of the pass ${at}`);
            assert.deepEqual(plain.seen, want.map(() => false));
          }
        }
      }
    } finally {
      torch.setNumThreads(1);
      setBackend(before);
    }
  });
}

test("a fused Conv2d + ReLU names the caller's shapes in its errors", { skip }, () => {
  const before = getBackend();
  setBackend("wasm");
  try {
    const model = new torch.nn.Sequential(new torch.nn.Conv2d(3, 4, 3), new torch.nn.ReLU());
    assert.throws(() => model.forward(torch.randn([2, 2, 8, 8])), /expected input\[2, 2, 8, 8\] to have 3 channels/);
  } finally {
    setBackend(before);
  }
});
