/**
 * A Sequential of kindling's own layers gives the activations they pass one another back to the storage
 * pool once the graph that saved them is released (nn/chain.ts, autograd/activations.ts). Pinned here:
 * training is bit-identical with the recycling off, it does recycle (the pool fills), and memory some
 * other code can see is never recycled: the input and output (also through a view), what a user's
 * layer or a hooked layer takes or returns, a graph kept with retainGraph. Runs on every backend.
 */
import { test } from "node:test";
import assert from "node:assert/strict";

import * as torch from "../../src/index.ts";
import type { Tensor } from "../../src/tensor/tensor.ts";
import { setActivationRecycling } from "../../src/autograd/activations.ts";
import { clearStoragePool, pooledBytes } from "../../src/tensor/pool.ts";

const { nn } = torch;
type Maker = () => torch.nn.Sequential;

/** Models whose activations are >= 64 KiB (the pool's floor), covering each kind of layer. */
const ZOO: Record<string, { make: Maker; input: number[]; classes: number }> = {
  cnn: {
    make: () => new nn.Sequential(new nn.Conv2d(1, 8, 3), new nn.ReLU(), new nn.Conv2d(8, 16, 3), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(16 * 12 * 12, 10)),
    input: [16, 1, 28, 28],
    classes: 10,
  },
  norms: {
    make: () =>
      new nn.Sequential(new nn.Conv2d(3, 16, 3, { padding: 1 }), new nn.BatchNorm2d(16), new nn.ReLU({ inplace: true }), new nn.AvgPool2d(2), new nn.Dropout(0.2), new nn.Flatten(), new nn.LayerNorm(16 * 16 * 16), new nn.Linear(16 * 16 * 16, 5)),
    input: [8, 3, 32, 32],
    classes: 5,
  },
  mlp: {
    make: () => new nn.Sequential(new nn.Linear(300, 512), new nn.GELU(), new nn.Linear(512, 512), new nn.Tanh(), new nn.Linear(512, 512), new nn.Sigmoid(), new nn.Identity(), new nn.Linear(512, 7), new nn.LogSoftmax(1)),
    input: [64, 300],
    classes: 7,
  },
};

function train(name: string, steps: number): number[] {
  const { make, input, classes } = ZOO[name]!;
  torch.manualSeed(11);
  const model = make();
  const opt = new torch.optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const x = torch.randn(input);
  const y = torch.randint(0, classes, [input[0]!]);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    const out = model.forward(x);
    const loss = name === "mlp" ? torch.nn.functional.nllLoss(out, y) : torch.nn.functional.crossEntropy(out, y);
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  model.eval();
  losses.push(torch.noGrad(() => model.forward(x)).sum().item());
  return losses;
}

for (const name of Object.keys(ZOO)) {
  test(`${name}: training with activations recycled equals training without, bit for bit`, () => {
    clearStoragePool();
    setActivationRecycling(false);
    let plain: number[];
    try {
      plain = train(name, 4);
    } finally {
      setActivationRecycling(true);
    }
    clearStoragePool();
    const recycled = train(name, 4);
    assert.deepEqual(recycled, plain);
    assert.ok(plain.every(Number.isFinite));
  });
}

const snapshot = (t: Tensor): number[] => Array.from(t.contiguous().storage as Float32Array);

/** Runs more steps of the same model, which would overwrite any memory wrongly recycled. */
function churn(model: torch.nn.Sequential, x: Tensor, n = 3): void {
  for (let i = 0; i < n; i++) {
    model.zeroGrad();
    model.forward(x).sum().backward();
  }
}

test("the activations do go back to the pool, after backward and under noGrad", () => {
  clearStoragePool();
  torch.manualSeed(1);
  const model = ZOO["mlp"]!.make();
  const x = torch.randn([64, 300]);
  torch.noGrad(() => model.forward(x));
  // The four 64x512 activations between the layers (128 KiB each), nothing else there yet.
  assert.ok(pooledBytes() >= 4 * 64 * 512 * 4, `${pooledBytes()} bytes pooled under noGrad`);
  clearStoragePool();
  const out = model.forward(x);
  assert.equal(pooledBytes(), 0, "nothing may be recycled before backward");
  out.sum().backward();
  assert.ok(pooledBytes() >= 4 * 64 * 512 * 4, `${pooledBytes()} bytes pooled after backward`);
});

test("the input and the output keep their values, also when the output is a view of an activation", () => {
  torch.manualSeed(2);
  const model = new nn.Sequential(new nn.Linear(300, 512), new nn.ReLU(), new nn.Flatten(0));
  const x = torch.randn([64, 300]).requiresGrad_(true);
  const out = model.forward(x);
  const [xs, os] = [snapshot(x), snapshot(out)];
  out.sum().backward();
  churn(model, x);
  assert.deepEqual(snapshot(x), xs);
  assert.deepEqual(snapshot(out), os);
});

test("what a user's layer or a hooked layer sees is never recycled", () => {
  torch.manualSeed(3);
  const seen: Tensor[] = [];
  class Keep extends nn.Module {
    override forward(t: Tensor): Tensor {
      seen.push(t);
      return t.mul(1);
    }
  }
  // A subclass of a built-in layer is user code too.
  class MyLinear extends nn.Linear {
    override forward(t: Tensor): Tensor {
      const r = super.forward(t);
      seen.push(r);
      return r;
    }
  }
  const hooked = new nn.ReLU();
  hooked.registerForwardHook((_m, args, output) => {
    seen.push(args[0] as Tensor, output as Tensor);
  });
  const model = new nn.Sequential(new nn.Linear(300, 512), new Keep(), new nn.Tanh(), new MyLinear(512, 512), new nn.Sigmoid(), new nn.Linear(512, 512), hooked, new nn.Linear(512, 4));
  const x = torch.randn([64, 300]);
  model.forward(x).sum().backward();
  const before = seen.map(snapshot);
  seen.length = 4;
  churn(model, x);
  assert.deepEqual(seen.slice(0, 4).map(snapshot), before);
});

test("a graph kept with retainGraph keeps its activations for the second backward", () => {
  torch.manualSeed(4);
  const model = ZOO["cnn"]!.make();
  const x = torch.randn([16, 1, 28, 28]);
  const out = model.forward(x);
  out.sum().backward({ retainGraph: true });
  const first = snapshot((model.at(0) as torch.nn.Conv2d).weight.grad!);
  model.zeroGrad();
  // Other work in between, which would take any memory wrongly given back.
  churn(ZOO["cnn"]!.make(), x, 2);
  out.sum().backward();
  assert.deepEqual(snapshot((model.at(0) as torch.nn.Conv2d).weight.grad!), first);
});
