/**
 * Adadelta, NAdam and RAdam against PyTorch 1.13 (test/fixtures/optim14.json): the parameters after
 * every one of 10 steps on fixed gradients, and the final state dict (keys, buffers, options).
 * Tolerances: normwise relative error <= 1e-6 for float32, 1e-12 for float64.
 * Also: state dict round trips (save mid-run, load into a fresh optimizer, finish the run), loading
 * PyTorch's state dict, and PyTorch's errors for invalid options.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as torch from "../../../src/index.ts";
import {
  FIXTURE, TOL, compareStateDict, errorOf, freshParams, makeOptimizer, rejects, setGrads, stateDictFromJson,
} from "./helpers.ts";

const { optim } = torch;

describe("issue 14 optimizers match PyTorch over 10 steps", () => {
  for (const c of FIXTURE.optimizers) {
    it(c.name, (t) => {
      const params = freshParams(c.dtype);
      const opt = makeOptimizer(c, params);
      let err = 0;
      for (let i = 0; i < FIXTURE.steps; i++) {
        setGrads(c.dtype, params, i);
        opt.step();
        c.trajectory[i]!.forEach((e, j) => (err = Math.max(err, errorOf(params[j]!, e))));
        assert.ok(err <= TOL[c.dtype], `${c.name} step ${i}: rel err ${err}`);
      }
      err = Math.max(err, compareStateDict(opt.stateDict(), c.state_dict));
      t.diagnostic(`max rel err ${err.toExponential(2)}`);
      assert.ok(err <= TOL[c.dtype], `${c.name}: rel err ${err} > ${TOL[c.dtype]}`);
    });
  }
});

describe("issue 14 optimizers: state dict round trips", () => {
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
      opt.loadStateDict(stateDictFromJson(c.state_dict));
      assert.equal(compareStateDict(opt.stateDict(), c.state_dict), 0);
    });
  }
});

const param = (): torch.Tensor => torch.tensor([1, 2], { dtype: "float64", requiresGrad: true });

describe("Adadelta", () => {
  it("has PyTorch's defaults and repr", () => {
    const opt = new optim.Adadelta([param()]);
    const g = opt.paramGroups[0]!;
    assert.deepEqual([g.lr, g.rho, g.eps, g.weightDecay, g.maximize], [1.0, 0.9, 1e-6, 0, false]);
    assert.match(opt.toString(), /^Adadelta \(\nParameter Group 0\n {4}eps: 0\.000001\n/);
  });

  it("refuses invalid options with PyTorch's messages", () => {
    rejects(() => new optim.Adadelta([param()], { lr: -1 }), "Invalid learning rate: -1");
    rejects(() => new optim.Adadelta([param()], { rho: 1.5 }), "Invalid rho value: 1.5");
    rejects(() => new optim.Adadelta([param()], { rho: -0.1 }), "Invalid rho value: -0.1");
    rejects(() => new optim.Adadelta([param()], { eps: -1e-6 }), "Invalid epsilon value: -0.000001");
    rejects(() => new optim.Adadelta([param()], { weightDecay: -0.1 }), "Invalid weight_decay value: -0.1");
    rejects(() => new optim.Adadelta([param()], { rho: Number.NaN }), "Invalid rho value: NaN");
    rejects(() => new optim.Adadelta([{ params: [param()], rho: 2 }]), "Invalid rho value: 2");
    rejects(() => new optim.Adadelta([param()], { momentum: 0.9 } as never), /^Adadelta\(\): unknown option 'momentum'/);
    rejects(() => new optim.Adadelta([param()], 0.5 as never), /Adadelta\(\)/);
  });

  it("one step by hand: delta = sqrt(eps) / sqrt((1 - rho) g^2 + eps) * g", () => {
    const p = param();
    const opt = new optim.Adadelta([p], { lr: 0.5 });
    p.grad = torch.tensor([0.5, -2], { dtype: "float64" });
    opt.step();
    const want = [0.5, -2].map((g, i) => [1, 2][i]! - 0.5 * (Math.sqrt(1e-6) / Math.sqrt(0.1 * g * g + 1e-6)) * g);
    assert.ok(Math.abs(p.get(0) - want[0]!) < 1e-15 && Math.abs(p.get(1) - want[1]!) < 1e-15, `${p.get(0)}, ${p.get(1)} vs ${want}`);
    assert.equal(opt.stateDict().state[0]!.step, 1);
  });

  it("rho 0 and 1 are allowed (the bounds are inclusive)", () => {
    for (const rho of [0, 1]) {
      const p = param();
      const opt = new optim.Adadelta([p], { rho });
      p.grad = torch.ones([2], { dtype: "float64" });
      opt.step();
      assert.ok(Number.isFinite(p.get(0)));
    }
  });
});

describe("NAdam", () => {
  it("has PyTorch's defaults", () => {
    const g = new optim.NAdam([param()]).paramGroups[0]!;
    assert.deepEqual([g.lr, g.betas, g.eps, g.weightDecay, g.momentumDecay], [2e-3, [0.9, 0.999], 1e-8, 0, 4e-3]);
  });

  it("refuses invalid options with PyTorch's messages (and maximize, which 1.13's NAdam lacks)", () => {
    rejects(() => new optim.NAdam([param()], { lr: -0.1 }), "Invalid learning rate: -0.1");
    rejects(() => new optim.NAdam([param()], { eps: -1 }), "Invalid epsilon value: -1");
    rejects(() => new optim.NAdam([param()], { betas: [1, 0.9] }), "Invalid beta parameter at index 0: 1");
    rejects(() => new optim.NAdam([param()], { betas: [0.9, -0.5] }), "Invalid beta parameter at index 1: -0.5");
    rejects(() => new optim.NAdam([param()], { weightDecay: -1 }), "Invalid weight_decay value: -1");
    rejects(() => new optim.NAdam([param()], { momentumDecay: -0.004 }), "Invalid momentum_decay value: -0.004");
    rejects(() => new optim.NAdam([param()], { maximize: true } as never), /^NAdam\(\): unknown option 'maximize'/);
  });

  it("takes mu_product as PyTorch stores it, a 0-d tensor, and keeps it a float32 scalar", () => {
    const c = FIXTURE.optimizers.find((x) => x.name === "nadam_default")!;
    const sd = stateDictFromJson(c.state_dict);
    const mu = sd.state[0]!.mu_product as number;
    assert.equal(mu, Math.fround(mu), "mu_product is a float32 value");
    sd.state[0]!.mu_product = torch.tensor(mu, { dtype: "float32" });
    sd.state[0]!.step = torch.tensor(10, { dtype: "float32" });
    const opt = makeOptimizer(c, freshParams(c.dtype));
    opt.loadStateDict(sd);
    assert.equal(opt.stateDict().state[0]!.mu_product, mu);
    assert.equal(opt.stateDict().state[0]!.step, 10);
  });
});

describe("RAdam", () => {
  it("has PyTorch's defaults", () => {
    const g = new optim.RAdam([param()]).paramGroups[0]!;
    assert.deepEqual([g.lr, g.betas, g.eps, g.weightDecay], [1e-3, [0.9, 0.999], 1e-8, 0]);
  });

  it("refuses invalid options with PyTorch's messages", () => {
    rejects(() => new optim.RAdam([param()], { lr: -1 }), "Invalid learning rate: -1");
    rejects(() => new optim.RAdam([param()], { betas: [0.9, 1] }), "Invalid beta parameter at index 1: 1");
    rejects(() => new optim.RAdam([param()], { eps: -1e-8 }), "Invalid epsilon value: -1e-8");
    rejects(() => new optim.RAdam([param()], { weightDecay: -2 }), "Invalid weight_decay value: -2");
    rejects(() => new optim.RAdam([param()], { amsgrad: true } as never), /^RAdam\(\): unknown option 'amsgrad'/);
  });

  it("takes a plain momentum step while rho_t <= 5, then the rectified one", () => {
    // beta2 = 0.999: rho_t is 1, 2, ..., so the first 5 steps are p -= lr * mHat = lr * g for a constant g.
    const p = torch.tensor([0], { dtype: "float64", requiresGrad: true });
    const opt = new optim.RAdam([p], { lr: 0.1 });
    const xs: number[] = [];
    for (let i = 0; i < 7; i++) {
      p.grad = torch.tensor([2], { dtype: "float64" });
      opt.step();
      xs.push(p.get(0));
    }
    for (let i = 0; i < 5; i++) assert.ok(Math.abs(xs[i]! + 0.2 * (i + 1)) < 1e-12, `step ${i}: ${xs[i]}`);
    const d6 = xs[5]! - xs[4]!;
    assert.ok(Math.abs(d6 + 0.2) > 1e-3 && d6 < 0, `step 6 is rectified: ${d6}`);
  });
});
