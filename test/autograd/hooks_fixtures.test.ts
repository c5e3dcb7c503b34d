// Tensor.registerHook against PyTorch 1.13 (test/fixtures/autograd_api.json, "tensorHooks"): a small MLP
// with hooks on the input (a leaf), a weight, and a hidden activation (a non-leaf, also retained), and a
// leaf used twice whose hook must see the summed gradient once.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import * as torch from "../../src/index.ts";
import { type TensJson, checkTensor, fromJson } from "../helpers/fixture.ts";

const { nn } = torch;
const FIX = JSON.parse(readFileSync(new URL("../fixtures/autograd_api.json", import.meta.url), "utf8")) as {
  mlpState: Record<string, TensJson>;
  tensorHooks: {
    x: TensJson; target: TensJson; loss: number; hGradSeen: TensJson; hRetained: TensJson; xGrad: TensJson;
    grads: Record<string, TensJson>; w: TensJson; wHookCalls: TensJson[]; wGrad: TensJson;
  };
};

export function mlp(): torch.nn.Sequential {
  const m = new nn.Sequential(new nn.Linear(3, 4), new nn.Tanh(), new nn.Linear(4, 2));
  m.loadStateDict(Object.fromEntries(Object.entries(FIX.mlpState).map(([k, v]) => [k, fromJson(v)])));
  return m;
}

test("tensor hooks on an MLP: leaf input, weight, and a retained hidden activation, as PyTorch", () => {
  const f = FIX.tensorHooks;
  const model = mlp();
  const [l0, tanh, l2] = [model.at(0) as torch.nn.Linear, model.at(1) as torch.nn.Tanh, model.at(2) as torch.nn.Linear];
  const x = fromJson(f.x, true);
  let seen: torch.Tensor | null = null;
  x.registerHook((g) => g.mul(2));
  l2.weight.registerHook((g) => g.add(1));
  const h = l0.forward(x);
  h.registerHook((g) => {
    seen = g.clone();
    return g.mul(0.5);
  });
  h.retainGrad();
  const out = l2.forward(tanh.forward(h));
  const loss = nn.functional.mseLoss(out, fromJson(f.target));
  assert.ok(Math.abs(loss.item() - f.loss) < 1e-6);
  loss.backward();
  checkTensor(seen, f.hGradSeen, "gradient the hidden hook saw");
  checkTensor(h.grad, f.hRetained, "retained hidden gradient (after its hook)");
  checkTensor(x.grad, f.xGrad, "x.grad (hook doubled it)");
  for (const [name, p] of model.namedParameters()) checkTensor(p.grad, f.grads[name]!, `${name}.grad`);
});

test("a leaf used twice: its hook runs once, on the summed gradient", () => {
  const f = FIX.tensorHooks;
  const w = fromJson(f.w, true);
  const calls: torch.Tensor[] = [];
  w.registerHook((g) => {
    calls.push(g.clone());
    return g.mul(g);
  });
  w.mul(2).add(w.mul(w)).sum().backward();
  assert.equal(calls.length, f.wHookCalls.length);
  calls.forEach((c, i) => checkTensor(c, f.wHookCalls[i]!, `hook call ${i}`));
  checkTensor(w.grad, f.wGrad, "w.grad");
});

test("hook handles remove; hooks chain in order; a hook on a tensor that needs no grad is refused", () => {
  const x = torch.tensor([1, 2], { requiresGrad: true });
  const order: string[] = [];
  const h1 = x.registerHook((g) => (order.push("a"), g.mul(10)));
  x.registerHook((g) => (order.push("b"), g.add(1)));
  x.mul(3).sum().backward();
  assert.deepEqual(order, ["a", "b"]);
  assert.deepEqual(x.grad!.tolist(), [31, 31]);
  h1.remove();
  h1.remove();
  x.grad = null;
  x.mul(3).sum().backward();
  assert.deepEqual(x.grad!.tolist(), [4, 4]);
  assert.throws(() => torch.ones([2]).registerHook((g) => g), /cannot register a hook on a tensor that doesn't require gradient/);
  assert.throws(() => x.registerHook("g => g" as never), torch.ArgumentError);
  const y = torch.tensor([1, 2], { requiresGrad: true });
  y.registerHook((g) => g.sum());
  assert.throws(() => y.mul(2).sum().backward(), torch.ShapeError);
});

test("a hook on the root of backward and on one output of a multi-output Function", () => {
  const x = torch.tensor([1, 2], { requiresGrad: true });
  x.registerHook((g) => g.mul(3));
  x.backward(torch.tensor([1, 1]));
  assert.deepEqual(x.grad!.tolist(), [3, 3]);
  class Two extends torch.autograd.Function {
    static override forward(_ctx: torch.autograd.FunctionCtx, t: torch.Tensor): [torch.Tensor, torch.Tensor] {
      return [t.mul(2), t.mul(3)];
    }
    static override backward(_ctx: torch.autograd.FunctionCtx, g1: torch.Tensor, g2: torch.Tensor): torch.Tensor {
      return g1.mul(2).add(g2.mul(3));
    }
  }
  const z = torch.tensor([1, 1], { requiresGrad: true });
  const [a, b] = Two.apply(z);
  b.registerHook((g) => g.mul(100));
  a.add(b).sum().backward();
  assert.deepEqual(z.grad!.tolist(), [302, 302]);
});
