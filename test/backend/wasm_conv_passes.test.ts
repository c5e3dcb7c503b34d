/**
 * The wasm backend's convPasses (per-sample tasks over the threads, columns kept in linear memory,
 * small samples side by side in one GEMM, the bias gradient inside the weight pass) against
 * src/ops/conv.ts's per-sample loop on the same backend: identical bits for the output and the input
 * and bias gradients, the weight gradient within float32 rounding, over padded, strided,
 * dilated, grouped, 1x1 and wide (Og > 64, packed rather than read in place) convolutions, at 1 and 2
 * threads; float64 and small windows are declined.
 */
import { test } from "node:test";
import assert from "node:assert/strict";

import * as torch from "../../src/index.ts";
import { backend, getBackend, setBackend } from "../../src/backend/registry.ts";
import type { Backend } from "../../src/backend/backend.ts";
import { loadWasmBackend } from "../../src/backend/wasm/index.ts";
import type { ConvOptions } from "../../src/ops/conv.ts";
import { bytes, window2d } from "../helpers/window.ts";

const wasm = loadWasmBackend();

type Case = [n: number, c: number, o: number, h: number, k: number, opts: ConvOptions];
const CASES: Case[] = [
  [5, 3, 70, 30, 3, { padding: 1, stride: 2 }],
  [4, 32, 64, 26, 3, {}],
  [9, 2, 16, 20, 3, { padding: 1 }],
  [3, 4, 6, 30, 5, { groups: 2, dilation: 2 }],
  [6, 1, 32, 28, 3, {}],
  [2, 8, 8, 40, 1, {}],
  [2, 3, 5, 19, 4, { padding: [2, 0], stride: [1, 3] }],
  [0, 32, 64, 26, 3, {}], // an empty batch: zero weight and bias gradients
];

function run(c: Case, dtype: "float32" | "float64"): Float64Array[] {
  const [N, C, O, H, k, opts] = c;
  torch.manualSeed(3);
  const x = torch.randn([N, C, H, H + 3], { dtype }).requiresGrad_();
  const w = torch.randn([O, C / (opts.groups ?? 1), k, k], { dtype }).requiresGrad_();
  const b = torch.randn([O], { dtype }).requiresGrad_();
  const y = torch.nn.functional.conv2d(x, w, b, opts);
  y.backward(torch.randn(y.shape, { dtype }));
  return [y, x.grad!, w.grad!, b.grad!].map((t) => Float64Array.from(t.contiguous().storage as Float32Array));
}

/** Largest difference relative to the largest magnitude. */
function relErr(got: Float64Array, want: Float64Array): number {
  let d = 0, m = 0;
  want.forEach((w, i) => { d = Math.max(d, Math.abs(got[i]! - w)); m = Math.max(m, Math.abs(w)); });
  return m === 0 ? d : d / m;
}

test("wasm convPasses equal the per-sample loop (weight gradient within rounding)", async (t) => {
  if (!wasm) return t.skip("WebAssembly SIMD not available");
  const before = getBackend();
  setBackend("wasm");
  const view = backend() as Backend & { optionalKernel: NonNullable<Backend["optionalKernel"]> };
  const own = view.optionalKernel;
  const passes = own("convPasses");
  assert.ok(passes, "the wasm backend has convPasses");
  let off = false, taken = 0;
  const counted = {
    forward: (...a: Parameters<typeof passes.forward>) => { const r = passes.forward(...a); taken += r ? 1 : 0; return r; },
    forwardBias: (...a: Parameters<NonNullable<typeof passes.forwardBias>>) => {
      const r = passes.forwardBias!(...a);
      taken += r ? 1 : 0;
      return r;
    },
    backwardInput: (...a: Parameters<typeof passes.backwardInput>) => { const r = passes.backwardInput(...a); taken += r ? 1 : 0; return r; },
    backwardWeight: (...a: Parameters<typeof passes.backwardWeight>) => { const r = passes.backwardWeight(...a); taken += r ? 1 : 0; return r; },
    // The weight pass with the bias gradient (what the CNN's layers with a bias take).
    backwardWeightBias: (...a: Parameters<NonNullable<typeof passes.backwardWeightBias>>) => {
      const r = passes.backwardWeightBias!(...a);
      taken += r ? 1 : 0;
      return r;
    },
  };
  view.optionalKernel = ((name: string) => (name === "convPasses" ? (off ? undefined : counted) : own(name as "convPasses"))) as typeof own;
  // The weight gradient's partial sums are fixed by the batch, not the threads: the same bits at 1 and 2.
  const firstWeightGrad = new Map<Case, Float64Array>();
  try {
    for (const threads of [1, 2]) {
      torch.setNumThreads(threads);
      await (view as { whenReady?: () => Promise<void> }).whenReady?.();
      for (const c of CASES) {
        off = false;
        taken = 0;
        const got = run(c, "float32");
        assert.equal(taken, 3, `all three passes taken for ${JSON.stringify(c)}`);
        off = true;
        const want = run(c, "float32");
        const at = `${JSON.stringify(c)} at ${threads} threads`;
        assert.deepEqual(got[0], want[0], `output ${at}`);
        assert.deepEqual(got[1], want[1], `input grad ${at}`);
        assert.ok(relErr(got[2]!, want[2]!) < 2e-6, `weight grad ${at}: ${relErr(got[2]!, want[2]!)}`);
        assert.deepEqual(got[3], want[3], `bias grad ${at}`);
        if (!firstWeightGrad.has(c)) firstWeightGrad.set(c, got[2]!);
        else assert.deepEqual(got[2], firstWeightGrad.get(c), `weight grad at 2 threads equals 1 thread's: ${JSON.stringify(c)}`);
      }
    }
    off = false;
    taken = 0;
    assert.ok(passes.backwardWeightBias, "the wasm backend has the fused bias gradient");
    run(CASES[0]!, "float64");
    assert.equal(taken, 0, "float64 declined");
    run([2, 1, 2, 6, 3, {}], "float32");
    assert.equal(taken, 0, "a small window declined");
  } finally {
    view.optionalKernel = own;
    torch.setNumThreads(1);
    setBackend(before);
  }
});

test("wasm convPasses: forward onto a bias already in y (beta 1) equals forwardBias, in place and side by side", async (t) => {
  if (!wasm) return t.skip("WebAssembly SIMD not available");
  const passes = wasm.optionalKernel!("convPasses")!;
  wasm.setNumThreads(2);
  await wasm.whenReady();
  // [N, C, O, H]: conv2-like (each product straight into y) and conv1-like (samples side by side).
  for (const [N, C, O, H] of [[6, 32, 64, 26], [9, 1, 32, 28]] as const) {
    const win = window2d(C, H, H, [3, 3], [1, 1], [0, 0], [1, 1]), L = win.oH * win.oW, dims = { N, C, O, G: 1 };
    const x = Float32Array.from({ length: N * C * H * H }, (_, i) => Math.sin(i * 0.7));
    const w = Float32Array.from({ length: O * C * 9 }, (_, i) => Math.cos(i * 0.3));
    const bias = Float32Array.from({ length: O }, (_, i) => i - 20.5);
    const fused = new Float32Array(N * O * L).fill(NaN), onto = Float32Array.from({ length: N * O * L }, (_, i) => bias[Math.floor(i / L) % O]!);
    assert.ok(passes.forwardBias!(x, w, bias, fused, win, dims));
    assert.ok(passes.forward(x, w, onto, win, dims, 1));
    assert.deepEqual(bytes(fused), bytes(onto), `N ${N} C ${C} O ${O}`);
  }
  wasm.setNumThreads(1);
});
