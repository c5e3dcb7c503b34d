import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as torch from "../../src/index.ts";
import { ArgumentError } from "../../src/errors.ts";
import { FIXTURE, type AnyScheduler, makeScheduler, momenta, schedulerOptimizer } from "./helpers.ts";

const { optim } = torch;
const { lrScheduler } = optim;

function expectError(fn: () => unknown, message: string | RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ArgumentError, `expected ArgumentError, got ${String(e)}`);
    if (typeof message === "string") assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

function stepAll(scheds: AnyScheduler[], metric: number): void {
  for (const s of scheds) {
    if (s instanceof lrScheduler.ReduceLROnPlateau) s.step(metric);
    else s.step();
  }
}

describe("scheduler stateDict round trip", () => {
  // Every fixture case: run 4 steps, save optimizer + scheduler state (through JSON, as a checkpoint
  // would), rebuild both from scratch, load, and continue: the lrs must equal an uninterrupted run.
  for (const c of FIXTURE.schedulers) {
    it(c.name, () => {
      const metric = (i: number): number => (c.metrics ? c.metrics[i]! : 0);
      const optA = schedulerOptimizer(c.optimizer);
      const a = c.schedulers.map((s) => makeScheduler(optA, s.type, s.options));
      const optB = schedulerOptimizer(c.optimizer);
      const b = c.schedulers.map((s) => makeScheduler(optB, s.type, s.options));
      for (let i = 0; i < 4; i++) {
        stepAll(a, metric(i));
        stepAll(b, metric(i));
      }
      const optState = optB.stateDict();
      const schedState = JSON.parse(JSON.stringify(b.map((s) => s.stateDict()))) as ReturnType<AnyScheduler["stateDict"]>[];
      const optC = schedulerOptimizer(c.optimizer);
      const cs = c.schedulers.map((s) => makeScheduler(optC, s.type, s.options));
      stepAll(cs, 123); // disturb, so that loading has something to overwrite
      optC.loadStateDict(optState);
      cs.forEach((s, i) => s.loadStateDict(schedState[i]!));
      for (let i = 4; i < 10; i++) {
        stepAll(a, metric(i));
        stepAll(cs, metric(i));
        assert.deepEqual(optC.paramGroups.map((g) => g.lr), optA.paramGroups.map((g) => g.lr), `step ${i}`);
        assert.deepEqual(momenta(optC), momenta(optA));
      }
      assert.deepEqual(cs.at(-1)!.getLastLr(), a.at(-1)!.getLastLr());
    });
  }

  it("uses PyTorch's attribute names", () => {
    const opt = schedulerOptimizer("sgd");
    const s = new lrScheduler.StepLR(opt, { stepSize: 3, gamma: 0.5 });
    assert.deepEqual(s.stateDict(), {
      step_size: 3, gamma: 0.5, base_lrs: [0.1, 0.05], last_epoch: 0, verbose: false, _step_count: 1,
      _get_lr_called_within_step: false, _last_lr: [0.1, 0.05],
    });
    const m = new lrScheduler.MultiStepLR(schedulerOptimizer("sgd"), { milestones: [5, 2, 5] });
    assert.deepEqual(m.stateDict().milestones, { 2: 1, 5: 2 });
    const p = new lrScheduler.ReduceLROnPlateau(schedulerOptimizer("sgd"));
    assert.equal(p.stateDict().best, Infinity);
    expectError(() => s.loadStateDict({ ...s.stateDict(), base_lrs: [0.1] }), "scheduler state dict has 1 base_lrs, but the optimizer has 2 parameter groups");
    expectError(() => s.loadStateDict({ ...s.stateDict(), gamma: "x" }), /"gamma" must be a number/);
  });
});

describe("epoch bookkeeping", () => {
  it("performs the initial step in the constructor and records initialLr", () => {
    const opt = schedulerOptimizer("sgd");
    const s = new lrScheduler.ExponentialLR(opt, { gamma: 0.5 });
    assert.equal(s.lastEpoch, 0);
    assert.deepEqual(opt.paramGroups.map((g) => g.initialLr), [0.1, 0.05]);
    assert.deepEqual(s.getLastLr(), [0.1, 0.05]);
    s.step();
    assert.equal(s.lastEpoch, 1);
    assert.deepEqual(s.getLastLr(), [0.05, 0.025]);
    assert.equal(opt.stateDict().param_groups[0]!.initial_lr, 0.1);
  });

  it("resuming with lastEpoch needs initialLr in every group", () => {
    expectError(() => new lrScheduler.StepLR(schedulerOptimizer("sgd"), { stepSize: 2, lastEpoch: 5 }), "param 'initial_lr' is not specified in param_groups[0] when resuming an optimizer");
    const opt = schedulerOptimizer("sgd");
    for (const g of opt.paramGroups) g.initialLr = 1;
    const s = new lrScheduler.StepLR(opt, { stepSize: 2, gamma: 0.5, lastEpoch: 5 });
    assert.equal(s.lastEpoch, 6);
    assert.deepEqual(s.baseLrs, [1, 1]);
  });

  it("step(epoch) uses the closed form", () => {
    const opt = schedulerOptimizer("sgd");
    const s = new lrScheduler.StepLR(opt, { stepSize: 3, gamma: 0.5 });
    s.step(7);
    assert.deepEqual(s.getLastLr(), [0.1 * 0.25, 0.05 * 0.25]);
    const m = new lrScheduler.MultiStepLR(schedulerOptimizer("sgd"), { milestones: [2, 4, 4], gamma: 0.1 });
    m.step(4);
    assert.deepEqual(m.getLastLr(), [0.1 * 0.1 ** 3, 0.05 * 0.1 ** 3]);
    const cos = new lrScheduler.CosineAnnealingLR(schedulerOptimizer("sgd"), { tMax: 4 });
    cos.step(2);
    assert.ok(Math.abs(cos.getLastLr()[0]! - 0.05) < 1e-15);
  });
});

describe("argument validation", () => {
  it("rejects what PyTorch rejects", () => {
    const sgd = (): torch.optim.Optimizer => schedulerOptimizer("sgd");
    expectError(() => new lrScheduler.StepLR({} as never, { stepSize: 1 }), "Object is not an Optimizer");
    expectError(() => new lrScheduler.LambdaLR(sgd(), { lrLambda: [(e: number) => e] }), "Expected 2 lr_lambdas, but got 1");
    expectError(() => new lrScheduler.OneCycleLR(sgd(), { maxLr: 1 }), "You must define either total_steps OR (epochs AND steps_per_epoch)");
    expectError(() => new lrScheduler.OneCycleLR(sgd(), { maxLr: 1, totalSteps: 0 }), "Expected positive integer total_steps, but got 0");
    expectError(() => new lrScheduler.OneCycleLR(sgd(), { maxLr: 1, epochs: 2, stepsPerEpoch: -1 }), "Expected positive integer steps_per_epoch, but got -1");
    expectError(() => new lrScheduler.OneCycleLR(sgd(), { maxLr: 1, totalSteps: 5, pctStart: 1.5 }), "Expected float between 0 and 1 pct_start, but got 1.5");
    expectError(() => new lrScheduler.OneCycleLR(sgd(), { maxLr: 1, totalSteps: 5, annealStrategy: "exp" as never }), "anneal_strategy must by one of 'cos' or 'linear', instead got exp");
    expectError(() => new lrScheduler.OneCycleLR(sgd(), { maxLr: [1, 2, 3], totalSteps: 5 }), "expected 2 values for max_lr, got 3");
    const adagrad = new optim.Adagrad([torch.zeros([1], { requiresGrad: true })]);
    expectError(() => new lrScheduler.OneCycleLR(adagrad, { maxLr: 1, totalSteps: 5 }), "optimizer must support momentum with `cycle_momentum` option enabled");
    expectError(() => new lrScheduler.ReduceLROnPlateau(sgd(), { factor: 1 }), "Factor should be < 1.0.");
    expectError(() => new lrScheduler.ReduceLROnPlateau(sgd(), { mode: "up" as never }), "mode up is unknown!");
    expectError(() => new lrScheduler.ReduceLROnPlateau(sgd(), { thresholdMode: "x" as never }), "threshold mode x is unknown!");
    expectError(() => new lrScheduler.ReduceLROnPlateau(sgd(), { minLr: [0] }), "expected 2 min_lrs, got 1");
  });

  it("OneCycleLR refuses to step past totalSteps", () => {
    const s = new lrScheduler.OneCycleLR(schedulerOptimizer("sgd"), { maxLr: 1, totalSteps: 3 });
    for (let i = 0; i < 3; i++) s.step();
    expectError(() => s.step(), "Tried to step 5 times. The specified number of total steps is 3");
  });
});

describe("ReduceLROnPlateau", () => {
  it("accepts a one-element tensor metric", () => {
    const opt = schedulerOptimizer("sgd");
    const s = new lrScheduler.ReduceLROnPlateau(opt, { patience: 0, factor: 0.5 });
    s.step(torch.tensor(1.0));
    s.step(torch.tensor([2.0]));
    assert.deepEqual(s.getLastLr(), [0.05, 0.025]);
    assert.equal(s.best, 1);
  });
});
