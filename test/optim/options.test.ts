/** Optimizer and scheduler arguments: param groups, undefined options, positional habits from PyTorch. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

const { optim } = torch;
const { lrScheduler } = optim;

function make(C: unknown, ...args: unknown[]): unknown {
  return Reflect.construct(C as new (...a: unknown[]) => unknown, args);
}

function rejects(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof torch.ArgumentError, `expected an ArgumentError, got ${String(e)}`);
    assert.equal(e.message, message);
    return true;
  });
}

const param = (): torch.Tensor => torch.tensor([1, 2], { dtype: "float64", requiresGrad: true });

describe("optimizer options", () => {
  it("an option given as undefined keeps its default", () => {
    const p = param();
    const opt = new optim.SGD([p], { lr: 0.1, momentum: undefined });
    for (let i = 0; i < 2; i++) {
      p.grad = torch.ones([2], { dtype: "float64" });
      opt.step();
    }
    const [a, b] = [p.get(0), p.get(1)];
    assert.ok(Math.abs(a - 0.8) < 1e-12 && Math.abs(b - 1.8) < 1e-12, `got ${a}, ${b}`);
    assert.equal(new optim.AdamW([param()], { weightDecay: undefined }).paramGroups[0]!.weightDecay, 0.01);
  });

  it("unknown keys and wrong types in a param group are errors", () => {
    rejects(
      () => new optim.SGD([{ params: [param()] }, { params: [param()], weight_decay: 0.1 } as never], { lr: 0.1 }),
      "SGD(): param group 1: unknown option 'weight_decay' (did you mean 'weightDecay'?)",
    );
    rejects(() => new optim.Adam([{ params: [param()], lr: "0.1" as never }]), 'Adam(): param group 0: option \'lr\' must be a number, got string "0.1"');
    const opt = new optim.RMSprop([param()]);
    rejects(() => opt.addParamGroup({ params: [param()], momentum: 0.9, centred: true } as never), "RMSprop.addParamGroup(): unknown option 'centred' (did you mean 'centered'?)");
    assert.equal(opt.paramGroups.length, 1);
  });

  it("a group may carry what LR schedulers write (initialLr for resuming)", () => {
    const opt = new optim.SGD([{ params: [param()], lr: 0.1, initialLr: 0.5 }]);
    const sched = new lrScheduler.StepLR(opt, { stepSize: 1, gamma: 0.5, lastEpoch: 3 });
    assert.deepEqual(sched.baseLrs, [0.5]);
  });

  it("a subclass without an option table is held to the keys of its defaults", () => {
    class Sign extends optim.Optimizer<{ lr: number; scale: number }> {
      constructor(params: torch.Tensor[], options: { lr?: number; scale?: number } = {}) {
        super(params, { lr: 0.1, scale: 1, ...options });
      }

      protected updateGroup(): void {}
    }
    assert.equal(new Sign([param()], { scale: 2 }).paramGroups[0]!.scale, 2);
    rejects(
      () => new Sign([{ params: [param()], scal: 2 } as never]),
      "Sign(): param group 0: unknown option 'scal' (did you mean 'scale'?)",
    );
  });

  it("a state dict from PyTorch may carry options kindling does not have", () => {
    const opt = new optim.SGD([param()], { lr: 0.1 });
    const sd = opt.stateDict();
    sd.param_groups[0]!.foreach = null;
    sd.param_groups[0]!.differentiable = false;
    opt.loadStateDict(sd);
    assert.equal(opt.paramGroups[0]!.lr, 0.1);
  });

  it("extra arguments and a positional lr are errors", () => {
    rejects(() => make(optim.SGD, [param()], { lr: 0.1 }, 0.9), "SGD(): takes at most 2 arguments but 3 were given");
    rejects(() => make(optim.RMSprop, [param()], 0.01), "RMSprop(): expected an options object as argument 2, got number 0.01 (pass { lr: 0.01 })");
    rejects(() => make(optim.AdamW, [param()], 0.01), "AdamW(): expected an options object as argument 2, got number 0.01 (pass { lr: 0.01 })");
  });

  it("built-in optimizers keep their names when a minifier renames the classes", () => {
    const saved = Object.getOwnPropertyDescriptor(optim.AdamW, "name")!;
    Object.defineProperty(optim.AdamW, "name", { value: "e" });
    try {
      assert.match(new optim.AdamW([param()]).toString(), /^AdamW \(/);
      const p = torch.zeros([2], { dtype: "int64" });
      p.grad = torch.zeros([2], { dtype: "int64" });
      assert.throws(() => new optim.AdamW([p]).step(), /^DTypeError: AdamW: can only optimize floating point Tensors, got int64$/);
    } finally {
      Object.defineProperty(optim.AdamW, "name", saved);
    }
  });
});

describe("scheduler options", () => {
  const sgd = (): torch.optim.SGD => new optim.SGD([param()], { lr: 1, momentum: 0.9 });

  it("PyTorch's positional second argument is named", () => {
    rejects(() => make(lrScheduler.StepLR, sgd(), 30), "StepLR(): expected an options object as argument 2, got number 30 (pass { stepSize: 30 })");
    rejects(() => make(lrScheduler.MultiStepLR, sgd(), [30, 80]), "MultiStepLR(): expected an options object as argument 2, got an array of length 2 (pass { milestones: [30, 80] })");
    rejects(() => make(lrScheduler.ExponentialLR, sgd(), 0.9), "ExponentialLR(): expected an options object as argument 2, got number 0.9 (pass { gamma: 0.9 })");
    rejects(() => make(lrScheduler.ReduceLROnPlateau, sgd(), "max"), 'ReduceLROnPlateau(): expected an options object as argument 2, got string "max" (pass { mode: "max" })');
    rejects(() => make(lrScheduler.OneCycleLR, sgd(), 0.1, 100), "OneCycleLR(): expected an options object as argument 2, got number 0.1 (pass { maxLr: 0.1 })");
  });

  it("a missing required option is an error, not NaN learning rates", () => {
    rejects(() => make(lrScheduler.ExponentialLR, sgd(), {}), "ExponentialLR(): missing required option 'gamma'");
    rejects(() => make(lrScheduler.MultiStepLR, sgd(), { gamma: 0.5 }), "MultiStepLR(): missing required option 'milestones'");
    rejects(() => make(lrScheduler.StepLR, sgd()), "StepLR(): expected an options object as argument 2, got undefined (pass { stepSize: ... })");
  });

  it("wrong value types and extra arguments", () => {
    rejects(() => make(lrScheduler.MultiStepLR, sgd(), { milestones: 30 }), "MultiStepLR(): option 'milestones' must be an array of ints, got number 30");
    rejects(() => make(lrScheduler.StepLR, sgd(), { stepSize: 2 }, 0.5), "StepLR(): takes at most 2 arguments but 3 were given");
  });
});
