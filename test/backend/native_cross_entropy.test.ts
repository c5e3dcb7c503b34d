/**
 * The native backend's fused cross entropy (optional kernel "crossEntropy", native/addon_loss.cc,
 * src/ops/cross_entropy_fused.ts) against the composed loss it replaces: the same F.crossEntropy
 * calls on the native backend with and without the kernel give the same losses and gradients
 * (float32 and float64, every reduction, ignored rows, unbatched input, int32 targets, strided
 * logits, an empty batch), PyTorch's graph names, its errors, and a float64 gradcheck. PyTorch's own
 * numbers for these cases are in test/nn/losses.test.ts (fixtures), which runs this path on native.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import type { Backend } from "../../src/backend/backend.ts";
import type { CrossEntropyKernel } from "../../src/backend/cross_entropy.ts";
import { loadNativeBackend } from "../../src/backend/native/backend.ts";
import { getBackend, registerBackend, setBackend } from "../../src/backend/registry.ts";
import { IndexError } from "../../src/errors.ts";

const F = torch.nn.functional;
const native = loadNativeBackend();
const kernel = native?.optionalKernel?.("crossEntropy");
const skip = kernel ? false : "native addon without crossEntropy";
let calls = 0;

if (native && kernel) {
  const counted: CrossEntropyKernel = {
    forward: (...a) => (calls++, kernel.forward(...a)),
    backward: (...a) => (calls++, kernel.backward(...a)),
  };
  const variant = (fused: boolean): Backend => ({
    ...native,
    optionalKernel: ((name: string) => (name === "crossEntropy" ? (fused ? counted : undefined) : native.optionalKernel!(name as never))) as Backend["optionalKernel"],
  });
  registerBackend("native-fused-ce", () => variant(true));
  registerBackend("native-composed-ce", () => variant(false));
}

const previous = getBackend();
after(() => setBackend(previous));

interface Case {
  name: string;
  dtype: "float32" | "float64";
  shape: number[];
  target: number[] | number;
  targetDtype?: "int32" | "int64";
  reduction: "none" | "sum" | "mean";
  ignoreIndex?: number;
  strided?: boolean;
}

/** Loss and logits gradient as plain arrays, on the named backend. */
function run(c: Case, backendName: string): { loss: number[]; grad: number[]; names: string[] } {
  setBackend(backendName);
  torch.manualSeed(3);
  let x = torch.randn(c.strided ? [...c.shape].reverse() : c.shape, { dtype: c.dtype }).mul(3).requiresGrad_();
  const leaf = x;
  if (c.strided) x = x.t();
  const y = torch.tensor(c.target, { dtype: c.targetDtype ?? "int64" });
  const loss = F.crossEntropy(x, y, { reduction: c.reduction, ignoreIndex: c.ignoreIndex });
  const names = [loss.gradFn!.name, ...loss.gradFn!.nextFunctions.map(([n]) => n?.name ?? "null")];
  const g = c.reduction === "none" ? torch.randn(loss.shape, { dtype: c.dtype }) : torch.tensor(1.5, { dtype: c.dtype });
  loss.backward(g);
  return { loss: Array.from(loss.toTypedArray(), Number), grad: Array.from(leaf.grad!.toTypedArray(), Number), names };
}

const cases: Case[] = [];
for (const dtype of ["float32", "float64"] as const) {
  for (const reduction of ["mean", "sum", "none"] as const) {
    cases.push({ name: `${dtype} ${reduction}`, dtype, shape: [6, 5], target: [0, 4, 2, 2, 1, 3], reduction });
    cases.push({ name: `${dtype} ${reduction} ignored rows`, dtype, shape: [6, 5], target: [0, 7, 2, 7, 4, 3], reduction, ignoreIndex: 7 });
    cases.push({ name: `${dtype} ${reduction} every row ignored`, dtype, shape: [3, 4], target: [-100, -100, -100], reduction });
    cases.push({ name: `${dtype} ${reduction} unbatched`, dtype, shape: [5], target: 3, reduction });
    cases.push({ name: `${dtype} ${reduction} empty batch`, dtype, shape: [0, 5], target: [], reduction });
  }
}
cases.push({ name: "float32 mean int32 targets", dtype: "float32", shape: [4, 3], target: [2, 0, 1, 1], targetDtype: "int32", reduction: "mean" });
cases.push({ name: "float32 mean strided logits", dtype: "float32", shape: [4, 7], target: [6, 0, 3, 5], reduction: "mean", strided: true });
cases.push({ name: "float32 sum many classes", dtype: "float32", shape: [3, 1000], target: [999, 0, 500], reduction: "sum" });

const same = (a: number[], b: number[], what: string): void => {
  assert.equal(a.length, b.length, what);
  a.forEach((v, i) => assert.ok(Object.is(v, b[i]) || Math.abs(v - b[i]!) <= 1e-15 * Math.max(1, Math.abs(v)), `${what}[${i}]: ${v} vs ${b[i]}`));
};

describe("fused cross entropy = the composed loss", { skip }, () => {
  for (const c of cases) {
    test(c.name, () => {
      calls = 0;
      const fused = run(c, "native-fused-ce");
      assert.equal(calls, 2, "one forward and one backward kernel call");
      const ref = run(c, "native-composed-ce");
      same(fused.loss, ref.loss, "loss");
      same(fused.grad, ref.grad, "grad");
      assert.deepEqual(fused.names, ref.names);
    });
  }
  test("every row ignored: mean is NaN, its gradient 0; sum and none are 0", () => {
    setBackend("native-fused-ce");
    const x = torch.randn([2, 3]).requiresGrad_();
    const mean = F.crossEntropy(x, torch.tensor([-100, -100]));
    assert.ok(Number.isNaN(mean.item()));
    mean.backward();
    assert.deepEqual(Array.from(x.grad!.toTypedArray()), [0, 0, 0, 0, 0, 0]);
    assert.equal(F.crossEntropy(x, torch.tensor([-100, -100]), { reduction: "sum" }).item(), 0);
  });
});

describe("fused cross entropy: graph and errors", { skip }, () => {
  test("PyTorch's nodes: NllLossBackward0 over LogSoftmaxBackward0 over the logits' node", () => {
    setBackend("native-fused-ce");
    const lin = new torch.nn.Linear(4, 3);
    const loss = F.crossEntropy(lin.forward(torch.randn([2, 4])), torch.tensor([0, 2]));
    assert.equal(loss.gradFn!.name, "NllLossBackward0");
    const ls = loss.gradFn!.nextFunctions[0]![0]!;
    assert.equal(ls.name, "LogSoftmaxBackward0");
    assert.equal(ls.nextFunctions[0]![0]!.name, "AddmmBackward0");
  });
  test("a target out of range is an IndexError naming it, also past ignored rows", () => {
    setBackend("native-fused-ce");
    const x = torch.randn([3, 4]);
    assert.throws(() => F.crossEntropy(x, torch.tensor([0, -100, 4])), (e: unknown) => e instanceof IndexError && /Target 4 is out of bounds for 4 classes/.test(e.message));
    assert.throws(() => F.crossEntropy(x, torch.tensor([-1, 0, 0]), { ignoreIndex: 2 }), /Target -1 is out of bounds/);
    assert.throws(() => F.crossEntropy(x, torch.tensor([0, 1])), /match target batch_size/);
    assert.throws(() => F.crossEntropy(x, torch.tensor([0.5, 1, 1])), /expected scalar type Long/);
  });
  test("in-place writes to the logits after the forward are caught at backward", () => {
    setBackend("native-fused-ce");
    const x = torch.randn([2, 3]).requiresGrad_();
    const z = x.mul(1);
    const loss = F.crossEntropy(z, torch.tensor([1, 2]));
    torch.noGrad(() => z.add_(1));
    assert.throws(() => loss.backward(), /modified by an inplace operation/);
  });
  test("float64 gradcheck", () => {
    setBackend("native-fused-ce");
    const x = torch.randn([4, 5], { dtype: "float64" }).requiresGrad_();
    for (const reduction of ["mean", "sum", "none"] as const) {
      const y = torch.tensor([1, -100, 4, 0]);
      assert.ok(torch.autograd.gradcheck((a) => F.crossEntropy(a, y, { reduction }).mul(1), [x]));
    }
  });
});
