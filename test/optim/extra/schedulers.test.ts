/**
 * LinearLR, SequentialLR, CosineAnnealingWarmRestarts and CyclicLR against PyTorch 1.13
 * (test/fixtures/optim14.json "schedulers"): every group's lr and momentum (beta1 for Adam) after
 * construction and each of up to 30 steps, getLastLr() after each, and the final state dicts, for each
 * mode, chained with other schedulers (the recursive forms), inside SequentialLR (closed forms at the
 * milestones), and with step(epoch), fractional for warm restarts. Values within 1e-12 relative.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as torch from "../../../src/index.ts";
import { type Options, camelOptions, momenta, relDiff } from "../helpers.ts";
import { FIXTURE, rejects } from "./helpers.ts";

const { optim } = torch;
const { lrScheduler } = optim;
type LRScheduler = torch.optim.lrScheduler.LRScheduler;

interface SchedCase {
  name: string;
  optimizer: "sgd" | "adam";
  schedulers: { type: string; options: Options }[];
  milestones: number[] | null;
  epochs: (number | null)[] | null;
  lrs: number[][];
  momenta: number[][];
  last_lrs: number[][];
  state_dicts: Record<string, unknown>[];
}
const CASES = (FIXTURE as unknown as { schedulers: SchedCase[] }).schedulers;
const TOL = 1e-12;

const SCALE_FNS: Record<string, (x: number) => number> = {
  half_power: (x) => 0.5 ** x,
  inv_sqrt: (x) => 1.0 / Math.sqrt(x + 1.0),
};

function makeOptimizer(kind: "sgd" | "adam"): torch.optim.Optimizer {
  const a = torch.zeros([2], { requiresGrad: true });
  const b = torch.zeros([2], { requiresGrad: true });
  const groups = [{ params: [a], lr: 0.1 }, { params: [b], lr: 0.05 }];
  return kind === "sgd" ? new optim.SGD(groups, { lr: 0.1, momentum: 0.9 }) : new optim.Adam(groups, { lr: 0.1 });
}

function build(c: SchedCase): { opt: torch.optim.Optimizer; scheds: LRScheduler[] } {
  const opt = makeOptimizer(c.optimizer);
  const S = lrScheduler as unknown as Record<string, new (o: torch.optim.Optimizer, opts: Record<string, unknown>) => LRScheduler>;
  let scheds = c.schedulers.map((s) => {
    const o = camelOptions(s.options);
    if (typeof o.scaleFn === "string") o.scaleFn = SCALE_FNS[o.scaleFn];
    return new S[s.type]!(opt, o);
  });
  if (c.milestones !== null) scheds = [new lrScheduler.SequentialLR(opt, { schedulers: scheds, milestones: c.milestones })];
  return { opt, scheds };
}

/** Deep equality with numbers within TOL (relative). */
function closeTo(actual: unknown, expected: unknown, where: string): void {
  if (typeof expected === "number") {
    assert.equal(typeof actual, "number", `${where} is a number`);
    assert.ok(relDiff(actual as number, expected) <= TOL, `${where}: ${String(actual)} vs ${expected}`);
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

describe("issue 14 schedulers match PyTorch", () => {
  for (const c of CASES) {
    it(c.name, () => {
      const { opt, scheds } = build(c);
      const last = scheds[scheds.length - 1]!;
      const check = (i: number): void => {
        closeTo(opt.paramGroups.map((g) => g.lr), c.lrs[i], `step ${i} lr`);
        closeTo(momenta(opt), c.momenta[i], `step ${i} momentum`);
        closeTo(last.getLastLr(), c.last_lrs[i], `step ${i} getLastLr()`);
      };
      check(0);
      for (let i = 1; i < c.lrs.length; i++) {
        opt.step();
        const epoch = c.epochs?.[i - 1] ?? null;
        for (const s of scheds) {
          if (epoch === null) s.step();
          else s.step(epoch);
        }
        check(i);
      }
      scheds.forEach((s, i) => closeTo(s.stateDict(), c.state_dicts[i], `stateDict ${i}`));
    });
  }
});

describe("issue 14 schedulers: state dict round trips", () => {
  for (const c of CASES) {
    it(`${c.name}: saved halfway and loaded into fresh schedulers, the rest of the run is PyTorch's`, () => {
      const half = Math.floor((c.lrs.length - 1) / 2);
      let { opt, scheds } = build(c);
      const runStep = (i: number): void => {
        opt.step();
        const epoch = c.epochs?.[i - 1] ?? null;
        for (const s of scheds) {
          if (epoch === null) s.step();
          else s.step(epoch);
        }
      };
      for (let i = 1; i <= half; i++) runStep(i);
      const saved = scheds.map((s) => JSON.parse(JSON.stringify(s.stateDict())) as torch.optim.lrScheduler.SchedulerStateDict);
      const optState = opt.stateDict();
      ({ opt, scheds } = build(c));
      opt.loadStateDict(optState);
      scheds.forEach((s, i) => s.loadStateDict(saved[i]!));
      for (let i = half + 1; i < c.lrs.length; i++) {
        runStep(i);
        closeTo(opt.paramGroups.map((g) => g.lr), c.lrs[i], `step ${i} lr`);
        closeTo(momenta(opt), c.momenta[i], `step ${i} momentum`);
      }
    });
  }
});

const sgd = (): torch.optim.Optimizer => makeOptimizer("sgd");

describe("LinearLR arguments", () => {
  it("refuses factors outside [0, 1] with PyTorch's messages", () => {
    rejects(() => new lrScheduler.LinearLR(sgd(), { startFactor: 1.5 }), "Starting multiplicative factor expected to be between 0 and 1.");
    rejects(() => new lrScheduler.LinearLR(sgd(), { startFactor: -0.1 }), "Starting multiplicative factor expected to be between 0 and 1.");
    rejects(() => new lrScheduler.LinearLR(sgd(), { endFactor: 2 }), "Ending multiplicative factor expected to be between 0 and 1.");
    rejects(() => new lrScheduler.LinearLR(sgd(), { totalIters: 2.5 }), /LinearLR\(\): option 'totalIters' must be/);
    rejects(() => new lrScheduler.LinearLR(sgd(), { total_iters: 3 } as never), /unknown option 'total_iters' \(did you mean 'totalIters'\?\)/);
  });

  it("a start factor of 0 is a division by zero at the first step, as in PyTorch, not an Infinity lr", () => {
    const s = new lrScheduler.LinearLR(sgd(), { startFactor: 0 });
    assert.deepEqual(s.getLastLr(), [0, 0]);
    rejects(() => s.step(), "LinearLR: float division by zero (start_factor is 0)");
  });
});

describe("SequentialLR arguments", () => {
  it("refuses schedulers of another optimizer and a wrong number of milestones", () => {
    const opt = sgd();
    const a = new lrScheduler.LinearLR(opt);
    const b = new lrScheduler.ExponentialLR(sgd(), { gamma: 0.9 });
    rejects(
      () => new lrScheduler.SequentialLR(opt, { schedulers: [a, b], milestones: [2] }),
      "Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index 1 to be different than the optimizer passed in.",
    );
    const c = new lrScheduler.ExponentialLR(opt, { gamma: 0.9 });
    rejects(
      () => new lrScheduler.SequentialLR(opt, { schedulers: [a, c], milestones: [2, 3] }),
      "Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers 2 and the number of milestones to be equal to 2",
    );
    rejects(() => new lrScheduler.SequentialLR(opt, { schedulers: [a, c] } as never), "SequentialLR(): missing required option 'milestones'");
    rejects(() => new lrScheduler.SequentialLR(opt, { schedulers: [a, c], milestones: [2] }).step(3), "SequentialLR.step() takes no epoch argument");
  });
});

describe("CosineAnnealingWarmRestarts arguments", () => {
  it("refuses a bad period, growth or epoch with PyTorch's messages", () => {
    rejects(() => new lrScheduler.CosineAnnealingWarmRestarts(sgd(), { t0: 0 }), "Expected positive integer T_0, but got 0");
    rejects(() => new lrScheduler.CosineAnnealingWarmRestarts(sgd(), { t0: 2.5 }), "Expected positive integer T_0, but got 2.5");
    rejects(() => new lrScheduler.CosineAnnealingWarmRestarts(sgd(), { t0: 3, tMult: 0 }), "Expected integer T_mult >= 1, but got 0");
    rejects(() => new lrScheduler.CosineAnnealingWarmRestarts(sgd(), { t0: 3, tMult: 1.5 }), "Expected integer T_mult >= 1, but got 1.5");
    rejects(() => new lrScheduler.CosineAnnealingWarmRestarts(sgd(), { T_0: 3 } as never), /unknown option 'T_0'/);
    const s = new lrScheduler.CosineAnnealingWarmRestarts(sgd(), { t0: 3 });
    rejects(() => s.step(-1), "Expected non-negative epoch, but got -1");
  });
});

describe("CyclicLR arguments", () => {
  it("refuses an unknown mode, momentum cycling without momentum, and per-group lists of the wrong length", () => {
    rejects(() => new lrScheduler.CyclicLR(sgd(), { baseLr: 0.01, maxLr: 0.1, mode: "sine" as never }), "mode is invalid and scale_fn is None");
    rejects(() => new lrScheduler.CyclicLR(makeOptimizer("adam"), { baseLr: 0.01, maxLr: 0.1 }), "optimizer must support momentum with `cycle_momentum` option enabled");
    rejects(() => new lrScheduler.CyclicLR(sgd(), { baseLr: [0.01], maxLr: 0.1 }), "expected 2 values for base_lr, got 1");
    rejects(() => new lrScheduler.CyclicLR(sgd(), { baseLr: 0.01 } as never), "CyclicLR(): missing required option 'maxLr'");
    rejects(() => new lrScheduler.CyclicLR(sgd(), { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 0 }), "step_size_up must be positive, got 0");
    rejects(
      () => new lrScheduler.CyclicLR(sgd(), { baseLr: 0.01, maxLr: 0.1, scaleFn: (x) => x, scaleMode: "iteration" as never }),
      `scale_mode must be 'cycle' or 'iterations', got "iteration"`,
    );
  });

  it("a custom scaleFn allows any mode name, as in PyTorch, and is saved as null", () => {
    const s = new lrScheduler.CyclicLR(sgd(), { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 2, mode: "mine" as never, scaleFn: () => 0.5 });
    s.step();
    assert.ok(relDiff(s.getLastLr()[0]!, 0.01 + 0.09 * 0.5 * 0.5) <= TOL, `${s.getLastLr()[0]}`);
    assert.equal(s.stateDict()._scale_fn_custom, null);
  });
});
