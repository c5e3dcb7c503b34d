import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as torch from "../../src/index.ts";
import { ArgumentError, ShapeError } from "../../src/errors.ts";
import { FIXTURE, freshParams, makeOptimizer, setGrads } from "./helpers.ts";

type Tensor = torch.Tensor;
const { optim } = torch;

function expectError(fn: () => unknown, cls: new (...a: never[]) => Error, message: string | RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${String(e)}`);
    if (typeof message === "string") assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

const leaf = (data: number[], dtype: "float32" | "float64" = "float32"): Tensor => torch.tensor(data, { dtype, requiresGrad: true });
const copyOf = (t: Tensor): Tensor => t.detach().clone().requiresGrad_(true);

describe("stateDict / loadStateDict", () => {
  // One representative case per optimizer, with every kind of state buffer.
  const names = ["sgd_weight_decay", "sgd_groups", "adam_amsgrad", "adamw_default", "rmsprop_all", "adagrad_all", "adam_amsgrad_f64"];
  for (const name of names) {
    it(`${name}: resuming from a state dict gives the same weights as training straight through`, () => {
      const c = FIXTURE.optimizers.find((x) => x.name === name)!;
      const straight = freshParams(c);
      const o1 = makeOptimizer(c, straight);
      for (let i = 0; i < 5; i++) {
        setGrads(c, straight, i);
        o1.step();
      }
      const first = freshParams(c);
      const o2 = makeOptimizer(c, first);
      for (let i = 0; i < 3; i++) {
        setGrads(c, first, i);
        o2.step();
      }
      const sd = o2.stateDict();
      const resumed = first.map(copyOf);
      // Training on after the snapshot must not change it: its buffers are copies.
      setGrads(c, first, 3);
      o2.step();
      const o3 = makeOptimizer(c, resumed);
      o3.loadStateDict(sd);
      for (let i = 3; i < 5; i++) {
        setGrads(c, resumed, i);
        o3.step();
      }
      resumed.forEach((p, j) => assert.deepEqual(p.toTypedArray(), straight[j]!.toTypedArray()));
      assert.deepEqual(o3.stateDict(), o1.stateDict());
    });
  }

  it("uses PyTorch's layout: snake_case options, integer indices across groups, state keyed by index", () => {
    const a = leaf([1, 2]);
    const b = leaf([3]);
    const c = leaf([4, 5, 6]);
    const opt = new optim.Adam([{ params: [a] }, { params: [b, c], lr: 0.5, weightDecay: 0.1 }]);
    for (const p of [a, c]) p.grad = torch.onesLike(p);
    opt.step();
    const sd = opt.stateDict();
    assert.deepEqual(sd.param_groups.map((g) => g.params), [[0], [1, 2]]);
    assert.deepEqual(sd.param_groups[1], { lr: 0.5, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0.1, amsgrad: false, maximize: false, params: [1, 2] });
    assert.deepEqual(Object.keys(sd.state), ["0", "2"]); // b had no gradient: no state
    assert.deepEqual(Object.keys(sd.state[2]!).sort(), ["exp_avg", "exp_avg_sq", "step"]);
    assert.equal(sd.state[2]!.step, 1);
  });

  it("casts floating state to the parameter dtype and accepts PyTorch's tensor `step`", () => {
    const p = leaf([1, 2, 3], "float32");
    const opt = new optim.Adam([p]);
    opt.loadStateDict({
      state: { 0: { step: torch.tensor(4, { dtype: "float32" }), exp_avg: torch.tensor([0.1, 0.2, 0.3], { dtype: "float64" }), exp_avg_sq: torch.tensor([1, 1, 1], { dtype: "float64" }) } },
      param_groups: [{ lr: 0.01, betas: [0.5, 0.9], eps: 1e-8, weight_decay: 0, amsgrad: false, maximize: false, initial_lr: 0.01, params: [0] }],
    });
    const s = opt.state.get(p)!;
    assert.equal(s.step, 4);
    assert.equal((s.exp_avg as Tensor).dtype, "float32");
    assert.ok((s.exp_avg as Tensor).isDense());
    assert.deepEqual(opt.paramGroups[0]!.betas, [0.5, 0.9]);
    assert.equal(opt.paramGroups[0]!.initialLr, 0.01);
    assert.equal(opt.paramGroups[0]!.params[0], p);
  });

  it("rejects mismatched state dicts with clear errors and changes nothing", () => {
    const a = leaf([1, 2]);
    const b = leaf([3]);
    const opt = new optim.SGD([a, b], { lr: 0.1, momentum: 0.9 });
    a.grad = torch.onesLike(a);
    b.grad = torch.onesLike(b);
    opt.step();
    const good = opt.stateDict();
    const other = new optim.SGD([{ params: [leaf([1, 2])] }, { params: [leaf([3])] }], { lr: 0.1 });
    expectError(() => other.loadStateDict(good), ArgumentError, "loaded state dict has a different number of parameter groups (1 saved, 2 in the optimizer)");
    const small = new optim.SGD([leaf([1, 2])], { lr: 0.1 });
    expectError(() => small.loadStateDict(good), ArgumentError, /doesn't match the size of optimizer's group \(group 0: 2 saved, 1 in the optimizer\)/);
    const swapped = new optim.SGD([leaf([3]), leaf([1, 2])], { lr: 0.7, momentum: 0.9 });
    expectError(() => swapped.loadStateDict(good), ShapeError, 'loaded state for parameter 0: "momentum_buffer" has shape [2], but the parameter has shape [1]');
    assert.equal(swapped.paramGroups[0]!.lr, 0.7); // untouched after the failed load
    expectError(() => opt.loadStateDict({ state: { 5: {} }, param_groups: good.param_groups }), ArgumentError, /state for parameter 5, which no parameter group lists/);
    expectError(() => opt.loadStateDict({ state: {}, param_groups: [{ ...good.param_groups[0]!, lr: -1 }] }), ArgumentError, "Invalid learning rate: -1");
    expectError(() => opt.loadStateDict(null as never), ArgumentError, /must be an object with "state" and "param_groups"/);
  });
});

describe("updates", () => {
  it("write into the parameters' own memory and keep state buffers allocated once", () => {
    const w = torch.randn([8, 4]).requiresGrad_(true);
    const storage = w.storage;
    const opt = new optim.Adam([w], { lr: 0.1, amsgrad: true });
    let buffers: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      w.grad = torch.randn([8, 4]);
      opt.step();
      const s = opt.state.get(w)!;
      const now = ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"].map((k) => (s[k] as Tensor).storage);
      if (i > 0) now.forEach((b, j) => assert.equal(b, buffers[j]));
      buffers = now;
    }
    assert.equal(w.storage, storage);
    assert.equal(w.isLeaf, true);
    assert.equal(w.requiresGrad, true);
  });

  it("handle a non-contiguous parameter exactly like a contiguous one", () => {
    const base = torch.randn([3, 4], { dtype: "float32" });
    const contiguous = base.detach().clone().requiresGrad_(true);
    const strided = base.t().contiguous().t().detach().requiresGrad_(true); // same values, transposed strides
    assert.equal(strided.isContiguous(), false);
    const g = torch.randn([3, 4]);
    for (const p of [contiguous, strided]) {
      const opt = new optim.RMSprop([p], { momentum: 0.9, centered: true });
      for (let i = 0; i < 3; i++) {
        p.grad = g.mul(i + 1);
        opt.step();
      }
    }
    assert.deepEqual(strided.tolist(), contiguous.tolist());
  });

  it("use each group's own options", () => {
    const a = leaf([1, 1]);
    const b = leaf([1, 1]);
    const opt = new optim.SGD([{ params: [a] }, { params: b, lr: 0.5 }], { lr: 0.1 });
    a.grad = torch.ones([2]);
    b.grad = torch.ones([2]);
    opt.step();
    assert.deepEqual(a.tolist(), [Math.fround(0.9), Math.fround(0.9)]);
    assert.deepEqual(b.tolist(), [0.5, 0.5]);
    const c = leaf([2]);
    opt.addParamGroup({ params: [c], momentum: 0.9 });
    assert.equal(opt.paramGroups[2]!.lr, 0.1);
    assert.equal(opt.paramGroups[2]!.momentum, 0.9);
    opt.paramGroups[1]!.lr = 0.25; // schedulers change lrs this way
    b.grad = torch.ones([2]);
    opt.step();
    assert.deepEqual(b.tolist(), [0.25, 0.25]);
  });

  it("skip parameters without a gradient and minimize a function through autograd", () => {
    const x = leaf([0, 0], "float64");
    const frozen = leaf([5]);
    const opt = new optim.Adam([x, frozen], { lr: 0.1 });
    const target = torch.tensor([3, -2], { dtype: "float64" });
    for (let i = 0; i < 300; i++) {
      opt.zeroGrad();
      x.sub(target).square().sum().backward();
      opt.step();
    }
    assert.ok(Math.abs(x.get(0) - 3) < 1e-3 && Math.abs(x.get(1) + 2) < 1e-3, `x = ${x.tolist()}`);
    assert.deepEqual(frozen.tolist(), [5]);
    assert.equal(opt.state.has(frozen), false);
  });

  it("step(closure) evaluates the closure with grad enabled and returns its loss", () => {
    const x = leaf([2]);
    const opt = new optim.SGD([x], { lr: 0.25 });
    const loss = torch.noGrad(() =>
      opt.step(() => {
        assert.equal(torch.isGradEnabled(), true);
        opt.zeroGrad();
        const l = x.square().sum();
        l.backward();
        return l;
      }),
    );
    assert.equal((loss as Tensor).item(), 4);
    assert.deepEqual(x.tolist(), [1]);
  });

  it("reject a gradient whose shape differs from the parameter's (when it is assigned, as PyTorch)", () => {
    const x = leaf([1, 2]);
    expectError(() => (x.grad = torch.ones([3])), ShapeError, "assigned grad has data of a different size (grad [3], tensor [2])");
  });
});

describe("zeroGrad", () => {
  it("zeroes grads in place by default (PyTorch 1.13) and sets them to null with setToNone: true", () => {
    const x = leaf([1, 2]);
    const opt = new optim.SGD([x], { lr: 0.1 });
    x.mul(3).sum().backward();
    const g = x.grad!;
    opt.zeroGrad();
    assert.equal(x.grad, g);
    assert.deepEqual(g.tolist(), [0, 0]);
    opt.step(); // zero grad: a real (no-op) step, unlike null
    x.mul(2).sum().backward();
    assert.deepEqual(x.grad!.tolist(), [2, 2]);
    opt.zeroGrad({ setToNone: true });
    assert.equal(x.grad, null);
  });
});

describe("argument validation (PyTorch's messages)", () => {
  const p = (): Tensor[] => [leaf([1])];
  const cases: [string, () => unknown, new (...a: never[]) => Error, string | RegExp][] = [
    ["negative lr", () => new optim.SGD(p(), { lr: -0.1 }), ArgumentError, "Invalid learning rate: -0.1"],
    ["nesterov without momentum", () => new optim.SGD(p(), { lr: 0.1, nesterov: true }), ArgumentError, "Nesterov momentum requires a momentum and zero dampening"],
    ["nesterov with dampening", () => new optim.SGD(p(), { lr: 0.1, nesterov: true, momentum: 0.9, dampening: 0.1 }), ArgumentError, "Nesterov momentum requires a momentum and zero dampening"],
    ["negative momentum", () => new optim.SGD(p(), { lr: 0.1, momentum: -1 }), ArgumentError, "Invalid momentum value: -1"],
    ["negative weight decay", () => new optim.AdamW(p(), { weightDecay: -0.5 }), ArgumentError, "Invalid weight_decay value: -0.5"],
    ["SGD without lr", () => new optim.SGD(p()), ArgumentError, "parameter group didn't specify a value of required optimization parameter lr"],
    ["beta1 out of range", () => new optim.Adam(p(), { betas: [1, 0.999] }), ArgumentError, "Invalid beta parameter at index 0: 1"],
    ["beta2 out of range", () => new optim.Adam(p(), { betas: [0.9, -0.1] }), ArgumentError, "Invalid beta parameter at index 1: -0.1"],
    ["negative eps", () => new optim.Adam(p(), { eps: -1e-8 }), ArgumentError, "Invalid epsilon value: -1e-8"],
    ["negative alpha", () => new optim.RMSprop(p(), { alpha: -0.5 }), ArgumentError, "Invalid alpha value: -0.5"],
    ["negative lr decay", () => new optim.Adagrad(p(), { lrDecay: -1 }), ArgumentError, "Invalid lr_decay value: -1"],
    ["negative initial accumulator", () => new optim.Adagrad(p(), { initialAccumulatorValue: -1 }), ArgumentError, "Invalid initial_accumulator_value value: -1"],
    ["invalid group override", () => new optim.SGD([{ params: p(), lr: -2 }], { lr: 0.1 }), ArgumentError, "Invalid learning rate: -2"],
    ["empty parameter list", () => new optim.Adam([]), ArgumentError, "optimizer got an empty parameter list"],
    ["a bare tensor", () => new optim.Adam(leaf([1]) as never), ArgumentError, "params argument given to the optimizer should be an iterable of Tensors or dicts, but got Tensor"],
    ["a non-tensor", () => new optim.Adam([leaf([1]), 3] as never), ArgumentError, "optimizer can only optimize Tensors, but one of the params is number"],
    ["a non-leaf", () => new optim.Adam([leaf([1]).mul(2)]), ArgumentError, "can't optimize a non-leaf Tensor"],
    ["a set", () => new optim.Adam([{ params: new Set([leaf([1])]) }]), ArgumentError, /ordered collections/],
    ["a duplicate", () => { const x = leaf([1]); return new optim.Adam([x, x]); }, ArgumentError, "optimizer contains a parameter group with duplicate parameters"],
    ["a shared parameter", () => { const x = leaf([1]); return new optim.Adam([{ params: [x] }, { params: [x] }]); }, ArgumentError, "some parameters appear in more than one parameter group"],
  ];
  for (const [name, fn, cls, msg] of cases) it(name, () => expectError(fn, cls, msg));
});

describe("Adagrad", () => {
  it("creates its state at construction, as PyTorch", () => {
    const x = leaf([1, 2]);
    const opt = new optim.Adagrad([x], { initialAccumulatorValue: 0.5 });
    const sd = opt.stateDict();
    assert.equal(sd.state[0]!.step, 0);
    assert.deepEqual((sd.state[0]!.sum as Tensor).tolist(), [0.5, 0.5]);
    const y = leaf([3]);
    opt.addParamGroup({ params: [y] });
    assert.ok(opt.state.has(y));
  });
});

describe("toString", () => {
  it("lists groups and options like PyTorch's repr", () => {
    const s = String(new optim.SGD([leaf([1])], { lr: 0.1 }));
    assert.match(s, /^SGD \(\nParameter Group 0\n {4}dampening: 0\n/);
  });
});
