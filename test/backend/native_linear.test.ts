/**
 * The native linear forward with its epilogue (optional kernel "linearForward", native/addon_linear.cc,
 * kd::gemm_bias_act) and the Linear + ReLU fusion of nn/chain.ts that uses it: the kernel gives the
 * bits of the bias copied into the output, gemm(beta = 1) and relu (K deeper than one K block, rows
 * split across threads, ragged column edges, no bias, float64); a Sequential's Linear + ReLU pairs
 * give the same outputs, gradients and graph (ReluBackward0 over AddmmBackward0) as the layers run one
 * by one, and a hooked layer is not fused.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import type { Backend } from "../../src/backend/backend.ts";
import type { LinearForward } from "../../src/backend/linear_forward.ts";
import { loadNativeBackend } from "../../src/backend/native/backend.ts";
import { loadNative } from "../../src/backend/native/loader.ts";
import { getBackend, registerBackend, setBackend } from "../../src/backend/registry.ts";

const addon = loadNative();
const native = loadNativeBackend();
const kernel = native?.optionalKernel?.("linearForward");
const skip = kernel && addon ? false : "native addon without linearForward";
const reluCalls: number[] = [];

if (native && kernel) {
  const counted: LinearForward = (...a) => (reluCalls.push(a[7] ? 1 : 0), kernel(...a));
  const variant = (fused: boolean): Backend => ({
    ...native,
    optionalKernel: ((name: string) => (name === "linearForward" ? (fused ? counted : undefined) : native.optionalKernel!(name as never))) as Backend["optionalKernel"],
  });
  registerBackend("native-linear-fused", () => variant(true));
  registerBackend("native-linear-composed", () => variant(false));
}

const previous = getBackend();
const threads = torch.getNumThreads();
after(() => {
  setBackend(previous);
  torch.setNumThreads(threads);
});

function rand(Arr: Float32ArrayConstructor | Float64ArrayConstructor, n: number, seed: number): Float32Array | Float64Array {
  let s = seed;
  return new Arr(n).map(() => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1);
}

describe("linearForward = copy(bias) + gemm(beta 1) + relu, bit for bit", { skip }, () => {
  const shapes: [number, number, number][] = [[32, 1024, 784], [32, 10, 512], [200, 130, 600], [5, 49, 3], [1, 7, 0], [0, 5, 4]];
  for (const f64 of [false, true]) {
    for (const [rows, outF, inF] of shapes) {
      for (const nt of [1, 2]) {
        test(`${f64 ? "float64" : "float32"} ${rows}x${outF}x${inF}, ${nt} thread(s)`, () => {
          torch.setNumThreads(nt);
          const Arr = f64 ? Float64Array : Float32Array;
          const x = rand(Arr, rows * inF, 1), w = rand(Arr, outF * inF, 2), b = rand(Arr, outF, 3);
          for (const bias of [b, null]) {
            for (const relu of [false, true]) {
              const got = new Arr(rows * outF).fill(NaN);
              assert.equal(kernel!(x, w, bias, got, rows, outF, inF, relu), true);
              const want = new Arr(rows * outF);
              if (bias) for (let r = 0; r < rows; r++) want.set(bias, r * outF);
              addon!.gemm(false, true, rows, outF, inF, 1, x, 0, inF, w, 0, inF, bias ? 1 : 0, want, 0, outF);
              if (relu) for (let i = 0; i < want.length; i++) want[i] = want[i]! > 0 ? want[i]! : 0;
              assert.deepEqual(got, want, `bias ${bias !== null}, relu ${relu}`);
            }
          }
        });
      }
    }
  }
  test("declines mixed types and an output over an input", () => {
    const x = new Float32Array(6), w = new Float32Array(6);
    assert.equal(kernel!(x, w, null, new Float64Array(4), 2, 2, 3, false), false);
    assert.equal(kernel!(x, w, null, x.subarray(0, 4), 2, 2, 3, false), false);
    assert.throws(() => kernel!(x, w, null, new Float32Array(3), 2, 2, 3, false), RangeError);
  });
});

/** Output, loss gradient of every parameter and the input, and the output's graph names. */
function run(backendName: string, opts: { hook?: boolean; inplace?: boolean; dtype?: "float32" | "float64"; input?: number[] } = {}) {
  setBackend(backendName);
  torch.manualSeed(5);
  const dtype = opts.dtype ?? "float32";
  const model = new torch.nn.Sequential(
    new torch.nn.Linear(7, 300, { dtype }), new torch.nn.ReLU(opts.inplace ?? false),
    new torch.nn.Linear(300, 20, { dtype, bias: false }), new torch.nn.ReLU(),
    new torch.nn.Linear(20, 3, { dtype }),
  );
  if (opts.hook) (model.at(1) as torch.nn.Module).registerForwardHook(() => undefined);
  const x = torch.randn(opts.input ?? [9, 7], { dtype }).requiresGrad_();
  const y = model.forward(x);
  const names: string[] = [];
  interface GraphNode { name: string; nextFunctions: [GraphNode | null, number][] }
  let node = y.gradFn as unknown as GraphNode | null;
  while (node) {
    names.push(node.name);
    node = node.nextFunctions.find(([n]) => n && n.name !== "AccumulateGrad" && n.name !== "TBackward0")?.[0] ?? null;
  }
  y.mul(torch.randn(y.shape, { dtype })).sum().backward();
  const grads = [x, ...model.parameters()].map((p) => Array.from(p.grad!.toTypedArray()));
  return { y: Array.from(y.toTypedArray()), grads, names };
}

describe("Sequential: Linear + ReLU run as one op", { skip }, () => {
  const cases = [{}, { inplace: true }, { dtype: "float64" as const }, { input: [7] }, { input: [2, 3, 7] }];
  for (const c of cases) {
    test(`same numbers and graph as layer by layer ${JSON.stringify(c)}`, () => {
      reluCalls.length = 0;
      const fused = run("native-linear-fused", c);
      assert.deepEqual(reluCalls, [1, 1, 0], "fc1+relu1 and fc2+relu2 fused, fc3 alone");
      const composed = run("native-linear-composed", c);
      assert.deepEqual(fused.y, composed.y);
      assert.deepEqual(fused.grads, composed.grads);
      assert.deepEqual(fused.names, ["AddmmBackward0", "ReluBackward0", "MmBackward0", "ReluBackward0", "AddmmBackward0"]);
      assert.deepEqual(fused.names, composed.names);
    });
  }
  test("a hooked layer is not fused, and gives the same numbers", () => {
    reluCalls.length = 0;
    const hooked = run("native-linear-fused", { hook: true });
    assert.deepEqual(reluCalls, [0, 1, 0]);
    assert.deepEqual(hooked.y, run("native-linear-fused").y);
  });
  test("in-place writes to the fused output are caught at backward; noGrad works", () => {
    setBackend("native-linear-fused");
    const model = new torch.nn.Sequential(new torch.nn.Linear(4, 5), new torch.nn.ReLU());
    const y = model.forward(torch.randn([3, 4]));
    torch.noGrad(() => y.mul_(2));
    assert.throws(() => y.sum().backward(), /modified by an inplace operation/);
    const z = torch.noGrad(() => model.forward(torch.randn([3, 4])));
    assert.equal(z.requiresGrad, false);
    assert.ok(Array.from(z.toTypedArray()).every((v) => v >= 0));
  });
});
