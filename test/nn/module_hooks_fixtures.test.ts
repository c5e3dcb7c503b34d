// Module hooks and Module.to against PyTorch 1.13 (test/fixtures/autograd_api.json): full backward hooks
// on every layer of an MLP recording gradInput/gradOutput (input without and with requiresGrad, and a
// hook that replaces gradInput), forward pre-hooks and forward hooks replacing arguments and outputs,
// and BatchNorm1d.double() with a non-persistent buffer.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import * as torch from "../../src/index.ts";
import { type TensJson, checkTensor, fromJson } from "../helpers/fixture.ts";

const { nn } = torch;
type Tensor = torch.Tensor;

interface BackwardRun {
  loss: number;
  calls: { module: string; gradInput: (TensJson | null)[]; gradOutput: (TensJson | null)[] }[];
  grads: Record<string, TensJson>;
  xGrad: TensJson | null;
}
const FIX = JSON.parse(readFileSync(new URL("../fixtures/autograd_api.json", import.meta.url), "utf8")) as {
  mlpState: Record<string, TensJson>;
  backwardHooks: { x: TensJson; target: TensJson; inputNoGrad: BackwardRun; inputGrad: BackwardRun; scaled: BackwardRun };
  forwardHooks: { x: TensJson; out: TensJson; lastInput: TensJson };
  moduleTo: {
    initialState: Record<string, TensJson>; sameParameter: boolean; stateDictKeys: string[]; bufferNames: string[];
    dtypes: Record<string, string>; scratchDtype: string; x: TensJson; out: TensJson; runningMean: TensJson;
  };
};

function mlp(): torch.nn.Sequential {
  const m = new nn.Sequential(new nn.Linear(3, 4), new nn.Tanh(), new nn.Linear(4, 2));
  m.loadStateDict(Object.fromEntries(Object.entries(FIX.mlpState).map(([k, v]) => [k, fromJson(v)])));
  return m;
}

function checkList(actual: (Tensor | null)[], expected: (TensJson | null)[], where: string): void {
  assert.equal(actual.length, expected.length, `${where}: length`);
  expected.forEach((e, i) => {
    if (e === null) assert.equal(actual[i], null, `${where}[${i}] should be null`);
    else checkTensor(actual[i], e, `${where}[${i}]`);
  });
}

for (const [name, requiresGrad, scale] of [["inputNoGrad", false, false], ["inputGrad", true, false], ["scaled", true, true]] as const) {
  test(`full backward hooks on an MLP (${name}): gradInput, gradOutput, order and gradients as PyTorch`, () => {
    const f = FIX.backwardHooks;
    const run = f[name];
    const model = mlp();
    const log: { module: string; gradInput: (Tensor | null)[]; gradOutput: (Tensor | null)[] }[] = [];
    for (const [n, mod] of model.namedChildren()) {
      mod.registerFullBackwardHook((_m, gradInput, gradOutput) => {
        log.push({ module: n, gradInput, gradOutput });
        if (scale && n === "2") return gradInput.map((g) => (g === null ? null : g.mul(3)));
      });
    }
    const x = fromJson(f.x, requiresGrad);
    const loss = nn.functional.mseLoss(model.forward(x), fromJson(f.target));
    assert.ok(Math.abs(loss.item() - run.loss) < 1e-6);
    loss.backward();
    assert.deepEqual(log.map((c) => c.module), run.calls.map((c) => c.module));
    log.forEach((c, i) => {
      checkList(c.gradInput, run.calls[i]!.gradInput, `${c.module} gradInput`);
      checkList(c.gradOutput, run.calls[i]!.gradOutput, `${c.module} gradOutput`);
    });
    for (const [k, p] of model.namedParameters()) checkTensor(p.grad, run.grads[k]!, `${k}.grad`);
    if (run.xGrad !== null) checkTensor(x.grad, run.xGrad, "x.grad");
  });
}

test("forward pre-hooks and forward hooks replace arguments and outputs, as PyTorch", () => {
  const f = FIX.forwardHooks;
  const model = mlp();
  const seen: Tensor[] = [];
  model.at(0)!.registerForwardPreHook((_m, args) => [(args[0] as Tensor).mul(2)]);
  (model.at(1) as torch.nn.Tanh).registerForwardHook((_m, _args, output) => output.add(1));
  (model.at(2) as torch.nn.Linear).registerForwardHook((_m, args) => {
    seen.push(args[0]);
  });
  model.registerForwardHook((_m, _a, output) => output.mul(1000)).remove();
  checkTensor(model.forward(fromJson(f.x)), f.out, "output");
  checkTensor(seen[0], f.lastInput, "input the last layer's hook saw");
});

test("hooks fire however forward is reached, stop when removed, and leave no trace on modules without hooks", () => {
  class Doubler extends nn.Module {
    override forward(x: Tensor): Tensor {
      return x.mul(2);
    }
  }
  const m = new Doubler();
  assert.equal(Object.getOwnPropertyDescriptor(m, "forward"), undefined, "no wrapper without hooks");
  const calls: string[] = [];
  const pre = m.registerForwardPreHook(() => {
    calls.push("pre");
  });
  const post = m.registerForwardHook((_m, _a, out) => {
    calls.push("post");
    return out.add(1);
  });
  assert.deepEqual(m.forward(torch.tensor([1])).tolist(), [3]);
  assert.deepEqual(m.call(torch.tensor([1])).tolist(), [3]);
  assert.deepEqual(new nn.Sequential(m).forward(torch.tensor([1])).tolist(), [3]);
  assert.deepEqual(calls, ["pre", "post", "pre", "post", "pre", "post"]);
  pre.remove();
  post.remove();
  assert.equal(Object.getOwnPropertyDescriptor(m, "forward"), undefined, "the wrapper goes with the last hook");
  assert.deepEqual(m.forward(torch.tensor([1])).tolist(), [2]);
  assert.deepEqual(Object.keys(m.stateDict()), []);
  // A single value returned by a pre-hook stands for the one argument, as PyTorch wraps a non-tuple.
  m.registerForwardPreHook(() => torch.tensor([5]));
  assert.deepEqual(m.forward(torch.tensor([1])).tolist(), [10]);
  assert.throws(() => m.registerForwardHook(null as never), torch.ArgumentError);
});

test("full backward hooks: a module whose inputs need no grad must not return gradients; none run under noGrad", () => {
  const lin = new nn.Linear(2, 2);
  lin.registerFullBackwardHook(() => [torch.ones([1, 2])]);
  assert.throws(() => lin.forward(torch.ones([1, 2])).sum().backward(), /should always return None or None for all gradients/);
  const other = new nn.Linear(2, 2);
  let calls = 0;
  other.registerFullBackwardHook(() => {
    calls++;
    return [null, null];
  });
  assert.throws(() => other.forward(torch.ones([1, 2], { requiresGrad: true })).sum().backward(), /invalid number of grad_input, got 2, but expected 1/);
  const out = torch.noGrad(() => other.forward(torch.ones([1, 2], { requiresGrad: true })));
  assert.equal(out.requiresGrad, false);
  assert.equal(calls, 1);
});

test("Module.to(dtype) casts parameters in place and buffers by copy; non-persistent buffers stay out of stateDict", () => {
  const f = FIX.moduleTo;
  const bn = new nn.BatchNorm1d(3);
  bn.registerBuffer("scratch", torch.ones([2]), { persistent: false });
  const init = Object.fromEntries(Object.entries(f.initialState).map(([k, v]) => [k, fromJson(v)]));
  bn.loadStateDict(init);
  const weight = bn.weight!;
  const opt = new torch.optim.SGD(bn.parameters(), { lr: 0.1 });
  assert.equal(bn.double(), bn);
  assert.equal(bn.weight === weight, f.sameParameter);
  assert.equal(weight!.dtype, "float64");
  assert.deepEqual(Object.keys(bn.stateDict()), f.stateDictKeys);
  assert.deepEqual(bn.namedBuffers().map(([k]) => k), f.bufferNames);
  for (const [k, t] of Object.entries(bn.stateDict())) assert.equal(t.dtype, f.dtypes[k], k);
  assert.equal(bn.getBuffer("scratch")!.dtype, f.scratchDtype);
  checkTensor(bn.forward(fromJson(f.x)), f.out, "output in float64");
  checkTensor(bn.getBuffer("running_mean") ?? bn.stateDict()["running_mean"]!, f.runningMean, "running_mean");
  // The optimizer made before .double() holds the same (now float64) parameter.
  bn.forward(fromJson(f.x)).sum().backward();
  opt.step();
  assert.equal(bn.weight!.dtype, "float64");
  assert.equal(bn.to(torch.device("cpu")), bn);
  assert.equal(bn.to("cpu", "float32").weight!.dtype, "float32");
  assert.equal(bn.to({ dtype: "float64" }).weight!.dtype, "float64");
  assert.equal(bn.to(torch.zeros([1])).weight!.dtype, "float32");
  assert.equal(bn.cpu(), bn);
  assert.throws(() => bn.cuda(), /device 'cuda' is not available: kindling runs on 'cpu' only/);
  assert.throws(() => bn.to("cuda"), torch.ArgumentError);
  assert.throws(() => bn.to("int64"), /only accepts floating point dtypes/);
  assert.throws(() => bn.registerBuffer("x", torch.ones([1]), { persistant: false } as never), /did you mean 'persistent'/);
});

test("namedModules, getSubmodule, requiresGrad_, train(false)", () => {
  const s = new nn.Sequential(new nn.Linear(2, 2), new nn.Sequential(new nn.ReLU()));
  assert.deepEqual(s.namedModules().map(([k]) => k), ["", "0", "1", "1.0"]);
  assert.deepEqual(s.namedModules({ prefix: "m" }).map(([k]) => k), ["m", "m.0", "m.1", "m.1.0"]);
  assert.equal(s.getSubmodule("1.0").getName(), "ReLU");
  assert.throws(() => s.getSubmodule("1.foo"), /Sequential has no attribute `foo`/);
  assert.equal(s.requiresGrad_(false), s);
  assert.ok(s.parameters().every((p) => !p.requiresGrad));
  s.train(false);
  assert.ok(s.modules().every((m) => !m.training));
});
