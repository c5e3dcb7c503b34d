/**
 * Adamax, ASGD, Rprop and the schedulers ConstantLR, MultiplicativeLR, PolynomialLR, ChainedScheduler
 * against PyTorch 1.13 (test/fixtures/optim16.json, written by scripts/fixtures/gen_optim16.py):
 * parameters after each of 10 steps on fixed gradients and the final state dict (PyTorch's keys and
 * layout); lrs and getLastLr() after each scheduler step and the final scheduler state dicts; state
 * dict round trips; PyTorch's errors. Optimizers within 1e-6 (float32) / 1e-12 (float64) normwise
 * relative, schedulers within 1e-12.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import * as torch from "../../src/index.ts";
import { type TensJson, fromJson } from "../helpers/fixture.ts";
import { type Options, camelOptions, relDiff } from "./helpers.ts";
import {
  type DType, type OptimizerCase, type StateDictJson, TOL, compareStateDict, errorOf, rejects, stateDictFromJson,
} from "./extra/helpers.ts";

const { optim } = torch;
const { lrScheduler } = optim;
type Tensor = torch.Tensor;
type LRScheduler = torch.optim.lrScheduler.LRScheduler;

interface SchedCase {
  name: string;
  optimizer: "sgd" | "adam";
  schedulers: { type: string; options: Options }[];
  wrap: string | null;
  epochs: (number | null)[] | null;
  lrs: number[][];
  last_lrs: number[][];
  state_dicts: Record<string, unknown>[];
}

interface SwaCase {
  name: string;
  options: { avg_fn?: string; use_buffers?: boolean };
  initial: Record<string, TensJson>;
  snapshots: { model: Record<string, TensJson>; averaged: Record<string, TensJson> }[];
  x: TensJson;
  y: TensJson;
}

interface Fixture {
  swa: {
    averaged: SwaCase[];
    update_bn: { initial: Record<string, TensJson>; loader: TensJson[]; tuples: boolean[]; state_dict: Record<string, TensJson>; training: boolean; momentum: number };
  };
  steps: number;
  inputs: Record<DType, { params: TensJson[]; grads: (TensJson | null)[][] }>;
  optimizers: (Omit<OptimizerCase, "optimizer"> & { optimizer: "Adamax" | "ASGD" | "Rprop" })[];
  schedulers: SchedCase[];
}

const FIXTURE = JSON.parse(readFileSync(new URL("../fixtures/optim16.json", import.meta.url), "utf8")) as Fixture;
const OPTIMIZERS = { Adamax: optim.Adamax, ASGD: optim.ASGD, Rprop: optim.Rprop };

const freshParams = (dtype: DType): Tensor[] => FIXTURE.inputs[dtype].params.map((p) => fromJson(p, true));

function setGrads(dtype: DType, params: Tensor[], i: number): void {
  FIXTURE.inputs[dtype].grads[i]!.forEach((g, j) => (params[j]!.grad = g === null ? null : fromJson(g)));
}

function makeOptimizer(c: Fixture["optimizers"][number], params: Tensor[]): torch.optim.Optimizer {
  const Cls = OPTIMIZERS[c.optimizer] as unknown as new (p: unknown, o: Record<string, unknown>) => torch.optim.Optimizer;
  const spec = c.groups === null ? params : c.groups.map((g) => ({ ...camelOptions(g), params: g.params.map((i) => params[i]!) }));
  return new Cls(spec, camelOptions(c.options));
}

describe("Adamax, ASGD, Rprop match PyTorch over 10 steps", () => {
  for (const c of FIXTURE.optimizers) {
    it(c.name, () => {
      const params = freshParams(c.dtype);
      const opt = makeOptimizer(c, params);
      let err = 0;
      for (let i = 0; i < FIXTURE.steps; i++) {
        setGrads(c.dtype, params, i);
        opt.step();
        c.trajectory[i]!.forEach((e, j) => (err = Math.max(err, errorOf(params[j]!, e))));
        assert.ok(err <= TOL[c.dtype], `${c.name} step ${i}: rel err ${err}`);
      }
      // ASGD's eta and mu are float32 scalars in PyTorch whatever the dtype: compared to 1e-6.
      err = Math.max(err, compareStateDict(opt.stateDict(), c.state_dict as StateDictJson, 1e-6));
      assert.ok(err <= TOL[c.dtype], `${c.name}: rel err ${err} > ${TOL[c.dtype]}`);
    });
  }
});

describe("Adamax, ASGD, Rprop: state dict round trips", () => {
  for (const c of FIXTURE.optimizers) {
    it(`${c.name}: saved after 5 steps, loaded into a fresh optimizer, the run ends as PyTorch's`, () => {
      const params = freshParams(c.dtype);
      let opt = makeOptimizer(c, params);
      for (let i = 0; i < FIXTURE.steps; i++) {
        if (i === 5) {
          const sd = opt.stateDict();
          opt = makeOptimizer(c, params);
          opt.loadStateDict(sd);
        }
        setGrads(c.dtype, params, i);
        opt.step();
      }
      let err = 0;
      c.trajectory[FIXTURE.steps - 1]!.forEach((e, j) => (err = Math.max(err, errorOf(params[j]!, e))));
      assert.ok(err <= TOL[c.dtype], `rel err ${err}`);
    });

    it(`${c.name}: PyTorch's state dict loads and reads back the same`, () => {
      const opt = makeOptimizer(c, freshParams(c.dtype));
      opt.loadStateDict(stateDictFromJson(c.state_dict as StateDictJson));
      assert.equal(compareStateDict(opt.stateDict(), c.state_dict as StateDictJson), 0);
    });
  }

  it("ASGD's eta and mu load from PyTorch's 0-d tensors", () => {
    const p = torch.tensor([1, 2], { dtype: "float32", requiresGrad: true });
    const opt = new optim.ASGD([p]);
    const sd = {
      state: { 0: { step: torch.tensor(3), eta: torch.tensor(0.5), mu: torch.tensor(0.25), ax: torch.tensor([0.5, 1], { dtype: "float32" }) } },
      param_groups: opt.stateDict().param_groups,
    };
    opt.loadStateDict(sd);
    const s = opt.stateDict().state[0]!;
    assert.deepEqual([s.step, s.eta, s.mu], [3, 0.5, 0.25]);
    p.grad = torch.tensor([1, 1], { dtype: "float32" });
    opt.step();
    // p = p * (1 - 1e-4 * 0.5) - 0.5 * g; ax += 0.25 * (p - ax)
    const want = [1 * (1 - 5e-5) - 0.5, 2 * (1 - 5e-5) - 0.5];
    const got = [...(p.toTypedArray() as Float32Array)];
    got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-6, `${v} vs ${want[i]}`));
    const ax = opt.stateDict().state[0]!.ax as Tensor;
    [...(ax.toTypedArray() as Float32Array)].forEach((v, i) => assert.ok(Math.abs(v - ([0.5, 1][i]! + 0.25 * (want[i]! - [0.5, 1][i]!))) < 1e-6));
  });
});

const param = (): Tensor => torch.tensor([1, 2], { dtype: "float64", requiresGrad: true });

describe("Adamax, ASGD, Rprop: defaults and errors", () => {
  it("have PyTorch's defaults", () => {
    const a = new optim.Adamax([param()]).paramGroups[0]!;
    assert.deepEqual([a.lr, a.betas, a.eps, a.weightDecay, a.maximize], [2e-3, [0.9, 0.999], 1e-8, 0, false]);
    const s = new optim.ASGD([param()]).paramGroups[0]!;
    assert.deepEqual([s.lr, s.lambd, s.alpha, s.t0, s.weightDecay, s.maximize], [1e-2, 1e-4, 0.75, 1e6, 0, false]);
    const r = new optim.Rprop([param()]).paramGroups[0]!;
    assert.deepEqual([r.lr, r.etas, r.stepSizes, r.maximize], [1e-2, [0.5, 1.2], [1e-6, 50], false]);
  });

  it("refuse invalid options with PyTorch's messages", () => {
    rejects(() => new optim.Adamax([param()], { lr: -1 }), "Invalid learning rate: -1");
    rejects(() => new optim.Adamax([param()], { eps: -1 }), "Invalid epsilon value: -1");
    rejects(() => new optim.Adamax([param()], { betas: [1, 0.9] }), "Invalid beta parameter at index 0: 1");
    rejects(() => new optim.Adamax([param()], { betas: [0.9, -0.1] }), "Invalid beta parameter at index 1: -0.1");
    rejects(() => new optim.Adamax([param()], { weightDecay: -0.5 }), "Invalid weight_decay value: -0.5");
    rejects(() => new optim.ASGD([param()], { lr: -0.1 }), "Invalid learning rate: -0.1");
    rejects(() => new optim.ASGD([param()], { weightDecay: -1 }), "Invalid weight_decay value: -1");
    rejects(() => new optim.Rprop([param()], { lr: -0.1 }), "Invalid learning rate: -0.1");
    rejects(() => new optim.Rprop([param()], { etas: [1.5, 1.2] }), "Invalid eta values: 1.5, 1.2");
    rejects(() => new optim.Rprop([param()], { etas: [0.5, 0.9] }), "Invalid eta values: 0.5, 0.9");
    rejects(() => new optim.Rprop([{ params: [param()], etas: [0, 2] }]), "Invalid eta values: 0, 2");
    rejects(() => new optim.Rprop([param()], { step_sizes: [1, 2] } as never), "Rprop(): unknown option 'step_sizes' (did you mean 'stepSizes'?)");
    rejects(() => new optim.ASGD([param()], { foreach: true } as never), /ASGD\(\): unknown option 'foreach'/);
  });

  it("ASGD, as PyTorch, accepts a negative alpha and lambd (only lr and weight_decay are checked)", () => {
    assert.doesNotThrow(() => new optim.ASGD([param()], { alpha: -1, lambd: -0.1 }));
  });

  it("skip a parameter without a gradient (no state is made for it)", () => {
    for (const Cls of [optim.Adamax, optim.ASGD, optim.Rprop]) {
      const [a, b] = [param(), param()];
      const opt = new (Cls as unknown as new (p: Tensor[]) => torch.optim.Optimizer)([a, b]);
      a.grad = torch.tensor([1, -1], { dtype: "float64" });
      opt.step();
      assert.deepEqual(Object.keys(opt.stateDict().state), ["0"]);
      assert.deepEqual([...(b.toTypedArray() as Float64Array)], [1, 2]);
    }
  });
});

// ---------------------------------------------------------------------------------------------

const LAMBDAS: Record<string, (e: number) => number> = {
  times_095: () => 0.95,
  alternate: (e) => (e % 2 ? 0.5 : 1.5),
  decay_sqrt: (e) => 1.0 / (1.0 + e) ** 0.5,
};
const SCHED_TOL = 1e-12;

function makeSchedOptimizer(kind: "sgd" | "adam"): torch.optim.Optimizer {
  const a = torch.zeros([2], { requiresGrad: true });
  const b = torch.zeros([2], { requiresGrad: true });
  const groups = [{ params: [a], lr: 0.1 }, { params: [b], lr: 0.05 }];
  return kind === "sgd" ? new optim.SGD(groups, { lr: 0.1, momentum: 0.9 }) : new optim.Adam(groups, { lr: 0.1 });
}

function build(c: SchedCase): { opt: torch.optim.Optimizer; scheds: LRScheduler[] } {
  const opt = makeSchedOptimizer(c.optimizer);
  const S = lrScheduler as unknown as Record<string, new (o: torch.optim.Optimizer, opts: Record<string, unknown>) => LRScheduler>;
  let scheds = c.schedulers.map((s) => {
    const o = camelOptions(s.options);
    if (typeof o.lrLambda === "string") o.lrLambda = LAMBDAS[o.lrLambda];
    if (Array.isArray(o.lrLambda)) o.lrLambda = (o.lrLambda as string[]).map((n) => LAMBDAS[n]);
    const Cls = S[s.type] ?? (optim.swaUtils as unknown as typeof S)[s.type]!;
    return new Cls(opt, o);
  });
  if (c.wrap === "chained") scheds = [new lrScheduler.ChainedScheduler(scheds)];
  else if (c.wrap !== null) scheds = [new lrScheduler.SequentialLR(opt, { schedulers: scheds, milestones: [Number(c.wrap.split(":")[1])] })];
  return { opt, scheds };
}

/** Deep equality with numbers within SCHED_TOL (relative). */
function closeTo(actual: unknown, expected: unknown, where: string): void {
  if (typeof expected === "number") {
    assert.equal(typeof actual, "number", `${where} is a number`);
    assert.ok(relDiff(actual as number, expected) <= SCHED_TOL, `${where}: ${String(actual)} vs ${expected}`);
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${where} is a list`);
    assert.equal(actual.length, expected.length, `${where} length`);
    expected.forEach((e, i) => closeTo(actual[i], e, `${where}[${i}]`));
  } else if (expected !== null && typeof expected === "object") {
    assert.ok(actual !== null && typeof actual === "object", `${where} is an object`);
    assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${where} keys`);
    for (const [k, v] of Object.entries(expected)) closeTo((actual as Record<string, unknown>)[k], v, `${where}.${k}`);
  } else {
    assert.equal(actual, expected, where);
  }
}

function runStep(c: SchedCase, opt: torch.optim.Optimizer, scheds: LRScheduler[], i: number): void {
  opt.step();
  const epoch = c.epochs?.[i - 1] ?? null;
  for (const s of scheds) {
    if (epoch === null) s.step();
    else s.step(epoch);
  }
}

describe("ConstantLR, MultiplicativeLR, PolynomialLR, ChainedScheduler, SWALR match PyTorch", () => {
  for (const c of FIXTURE.schedulers) {
    it(c.name, () => {
      const { opt, scheds } = build(c);
      const last = scheds[scheds.length - 1]!;
      const check = (i: number): void => {
        closeTo(opt.paramGroups.map((g) => g.lr), c.lrs[i], `step ${i} lr`);
        closeTo(last.getLastLr(), c.last_lrs[i], `step ${i} getLastLr()`);
      };
      check(0);
      for (let i = 1; i < c.lrs.length; i++) {
        runStep(c, opt, scheds, i);
        check(i);
      }
      scheds.forEach((s, i) => closeTo(s.stateDict(), c.state_dicts[i], `stateDict ${i}`));
    });

    it(`${c.name}: saved halfway and loaded into fresh schedulers, the rest of the run is PyTorch's`, () => {
      const half = Math.floor((c.lrs.length - 1) / 2);
      let { opt, scheds } = build(c);
      for (let i = 1; i <= half; i++) runStep(c, opt, scheds, i);
      const saved = scheds.map((s) => JSON.parse(JSON.stringify(s.stateDict())) as torch.optim.lrScheduler.SchedulerStateDict);
      const optState = opt.stateDict();
      ({ opt, scheds } = build(c));
      opt.loadStateDict(optState);
      scheds.forEach((s, i) => s.loadStateDict(saved[i]!));
      for (let i = half + 1; i < c.lrs.length; i++) {
        runStep(c, opt, scheds, i);
        closeTo(opt.paramGroups.map((g) => g.lr), c.lrs[i], `step ${i} lr`);
        closeTo(scheds[scheds.length - 1]!.getLastLr(), c.last_lrs[i], `step ${i} getLastLr()`);
      }
    });
  }
});

describe("ConstantLR, MultiplicativeLR, PolynomialLR, ChainedScheduler arguments", () => {
  const sgd = (): torch.optim.Optimizer => makeSchedOptimizer("sgd");

  it("refuse bad arguments with PyTorch's messages", () => {
    rejects(() => new lrScheduler.ConstantLR(sgd(), { factor: 1.5 }), "Constant multiplicative factor expected to be between 0 and 1.");
    rejects(() => new lrScheduler.ConstantLR(sgd(), { factor: -0.5 }), "Constant multiplicative factor expected to be between 0 and 1.");
    rejects(() => new lrScheduler.ConstantLR(sgd(), { total_iters: 3 } as never), /unknown option 'total_iters' \(did you mean 'totalIters'\?\)/);
    rejects(() => new lrScheduler.PolynomialLR(sgd(), { totalIters: 2.5 }), /PolynomialLR\(\): option 'totalIters' must be/);
    rejects(() => new lrScheduler.MultiplicativeLR(sgd(), { lrLambda: [() => 1] }), "Expected 2 lr_lambdas, but got 1");
    rejects(() => new lrScheduler.MultiplicativeLR(sgd(), {} as never), /MultiplicativeLR\(\).*lrLambda/);
    const o1 = sgd();
    const o2 = sgd();
    rejects(
      () => new lrScheduler.ChainedScheduler([new lrScheduler.ExponentialLR(o1, { gamma: 0.9 }), new lrScheduler.ExponentialLR(o2, { gamma: 0.9 })]),
      "ChainedScheduler expects all schedulers to belong to the same optimizer, but got schedulers at index 0 and 1 to be different",
    );
    rejects(() => new lrScheduler.ChainedScheduler([]), "ChainedScheduler(): schedulers must be a non-empty list of LR schedulers");
    const ch = new lrScheduler.ChainedScheduler([new lrScheduler.ExponentialLR(o1, { gamma: 0.9 })]);
    rejects(() => ch.step(3), "ChainedScheduler.step() takes no epoch argument");
  });

  it("a zero factor (ConstantLR) or zero totalIters (PolynomialLR) is Python's division by zero, not an Infinity lr", () => {
    const c = new lrScheduler.ConstantLR(sgd(), { factor: 0, totalIters: 2 });
    c.step();
    rejects(() => c.step(), /ConstantLR: float division by zero/);
    const p = new lrScheduler.PolynomialLR(sgd(), { totalIters: 0 });
    assert.deepEqual(p.getLastLr(), [0.1, 0.05]);
    p.step(); // epoch 1 > total_iters 0: the lr stays
    rejects(() => p.step(0), /PolynomialLR: float division by zero/);
  });
});

// ---------------------------------------------------------------------------------------------

const { swaUtils } = optim;
const dictOf = (d: Record<string, TensJson>): Record<string, Tensor> => Object.fromEntries(Object.entries(d).map(([k, v]) => [k, fromJson(v)]));

function swaModel(initial: Record<string, TensJson>): torch.nn.Sequential {
  const m = new torch.nn.Sequential(new torch.nn.Linear(3, 4), new torch.nn.BatchNorm1d(4), new torch.nn.Linear(4, 2));
  m.loadStateDict(dictOf(initial));
  return m;
}

function closeState(actual: Record<string, Tensor>, expected: Record<string, TensJson>, where: string): void {
  assert.deepEqual(Object.keys(actual), Object.keys(expected), `${where}: keys`);
  for (const [k, v] of Object.entries(expected)) {
    assert.equal(actual[k]!.dtype, v.dtype, `${where}.${k} dtype`);
    assert.ok(errorOf(actual[k]!, v) <= 1e-6, `${where}.${k}: rel err ${errorOf(actual[k]!, v)}`);
  }
}

describe("swaUtils.AveragedModel matches PyTorch", () => {
  const AVG_FNS: Record<string, torch.optim.swaUtils.AvgFn> = { ema: (a, x) => a.mul(0.75).add(x.mul(0.25)) };
  for (const c of FIXTURE.swa.averaged) {
    it(c.name, () => {
      const model = swaModel(c.initial);
      const avg = new swaUtils.AveragedModel(model, {
        ...(c.options.avg_fn ? { avgFn: AVG_FNS[c.options.avg_fn] } : {}),
        ...(c.options.use_buffers ? { useBuffers: true } : {}),
      });
      assert.notEqual(avg.module, model);
      c.snapshots.forEach((s, i) => {
        model.loadStateDict(dictOf(s.model));
        avg.updateParameters(model);
        closeState(avg.stateDict(), s.averaged, `update ${i}`);
      });
      avg.eval();
      const y = avg.call(fromJson(c.x)) as Tensor;
      assert.ok(errorOf(y, c.y) <= 1e-6);
    });
  }

  it("refuses bad arguments", () => {
    const m = new torch.nn.Linear(2, 2);
    rejects(() => new swaUtils.AveragedModel(m, { avg_fn: null } as never), /AveragedModel\(\): unknown option 'avg_fn' \(did you mean 'avgFn'\?\)/);
    rejects(() => new swaUtils.AveragedModel({} as never), "AveragedModel(): model must be an nn.Module");
  });
});

describe("swaUtils.updateBn matches PyTorch", () => {
  it("recomputes the running statistics in one cumulative pass, then restores momentum and the mode", () => {
    const u = FIXTURE.swa.update_bn;
    const model = swaModel(u.initial);
    model.eval();
    const loader = u.loader.map((b, i) => (u.tuples[i] ? [fromJson(b), torch.zeros([b.shape[0]!])] : fromJson(b)));
    swaUtils.updateBn(loader, model);
    closeState(model.stateDict(), u.state_dict, "after updateBn");
    assert.equal(model.training, u.training);
    assert.equal((model.getSubmodule("1") as unknown as { momentum: number }).momentum, u.momentum);
    const plain = new torch.nn.Linear(2, 2);
    assert.doesNotThrow(() => swaUtils.updateBn([torch.ones([1, 2])], plain));
    rejects(() => swaUtils.updateBn(3 as never, model), "swaUtils.updateBn(): loader must be iterable (for...of)");
  });
});

describe("swaUtils.SWALR arguments", () => {
  const sgd = (): torch.optim.Optimizer => makeSchedOptimizer("sgd");
  it("refuses PyTorch's bad arguments with its messages", () => {
    rejects(() => new swaUtils.SWALR(sgd(), { swaLr: [0.1] }), "swa_lr must have the same length as optimizer.param_groups: swa_lr has 1, optimizer.param_groups has 2");
    rejects(() => new swaUtils.SWALR(sgd(), { swaLr: 0.1, annealStrategy: "exp" as never }), "anneal_strategy must by one of 'cos' or 'linear', instead got exp");
    rejects(() => new swaUtils.SWALR(sgd(), { swaLr: 0.1, annealEpochs: -1 }), "anneal_epochs must be equal or greater than 0, got -1");
    rejects(() => new swaUtils.SWALR(sgd(), { swaLr: 0.1, annealEpochs: 1.5 }), "anneal_epochs must be equal or greater than 0, got 1.5");
    rejects(() => new swaUtils.SWALR(sgd(), { swa_lr: 0.1 } as never), /SWALR\(\): unknown option 'swa_lr' \(did you mean 'swaLr'\?\)/);
  });

  it("writes swa_lr into the groups, which the optimizer's state dict carries", () => {
    const o = sgd();
    new swaUtils.SWALR(o, { swaLr: [0.5, 0.25] });
    assert.deepEqual(o.stateDict().param_groups.map((g) => g.swa_lr), [0.5, 0.25]);
  });
});
