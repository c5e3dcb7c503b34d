/**
 * Parity with PyTorch 1.13 (test/fixtures/optim.json from scripts/fixtures/gen_optim.py):
 * - optimizers: parameters and state_dict after 5 steps on fixed gradients;
 * - schedulers: each group's lr (and cycled momentum) after construction and 10 steps;
 * - clipGradNorm_: total norm and clipped gradients.
 * Tolerances: normwise relative error <= 1e-6 for float32 tensors, 1e-12 for float64; lrs 1e-12.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as torch from "../../src/index.ts";
import { clipGradNorm_ } from "../../src/nn/utils/clip_grad.ts";
import { fromJson } from "../helpers/fixture.ts";
import {
  FIXTURE, freshParams, makeOptimizer, makeScheduler, maxRelError, momenta, relDiff, schedulerOptimizer, setGrads,
} from "./helpers.ts";

const TOL = { float32: 1e-6, float64: 1e-12 };

describe("optimizers match PyTorch after 5 steps", () => {
  let worst = 0;
  for (const c of FIXTURE.optimizers) {
    it(c.name, (t) => {
      const params = freshParams(c);
      const opt = makeOptimizer(c, params);
      for (let i = 0; i < FIXTURE.steps; i++) {
        setGrads(c, params, i);
        opt.step();
      }
      let err = 0;
      c.expected.params.forEach((e, i) => (err = Math.max(err, maxRelError(params[i]!, e))));
      const sd = opt.stateDict();
      // State: same entries, same keys, buffers within tolerance, counters equal.
      assert.deepEqual(Object.keys(sd.state).sort(), Object.keys(c.expected.state_dict.state).sort());
      for (const [idx, entry] of Object.entries(c.expected.state_dict.state)) {
        const mine = sd.state[Number(idx)]!;
        assert.deepEqual(Object.keys(mine).sort(), Object.keys(entry).sort(), `state ${idx} keys`);
        for (const [k, v] of Object.entries(entry)) {
          const m = mine[k];
          if (v === null || typeof v === "number") assert.equal(m, v, `state ${idx}.${k}`);
          else {
            assert.ok(m instanceof torch.Tensor, `state ${idx}.${k} is a tensor`);
            assert.equal(m.dtype, v.dtype);
            assert.deepEqual([...m.shape], v.shape);
            err = Math.max(err, maxRelError(m, v));
          }
        }
      }
      // Groups: PyTorch's option names and values (minus its foreach/differentiable/capturable/fused flags).
      c.expected.state_dict.param_groups.forEach((g, i) => assert.deepEqual({ ...sd.param_groups[i] }, g, `param_groups[${i}]`));
      t.diagnostic(`max rel err ${err.toExponential(2)}`);
      worst = Math.max(worst, err);
      assert.ok(err <= TOL[c.dtype], `${c.name}: rel err ${err} > ${TOL[c.dtype]}`);
    });
  }
  it("reports the worst case", (t) => t.diagnostic(`worst rel err over ${FIXTURE.optimizers.length} cases: ${worst.toExponential(2)}`));
});

describe("LR schedulers match PyTorch over 10 steps", () => {
  for (const c of FIXTURE.schedulers) {
    it(c.name, (t) => {
      const opt = schedulerOptimizer(c.optimizer);
      const scheds = c.schedulers.map((s) => makeScheduler(opt, s.type, s.options));
      const lrs = [opt.paramGroups.map((g) => g.lr)];
      const moms = [momenta(opt)];
      for (let i = 0; i < c.lrs.length - 1; i++) {
        opt.step();
        for (const s of scheds) {
          if (s instanceof torch.optim.lrScheduler.ReduceLROnPlateau) s.step(c.metrics![i]!);
          else s.step();
        }
        lrs.push(opt.paramGroups.map((g) => g.lr));
        moms.push(momenta(opt));
      }
      let worst = 0;
      c.lrs.forEach((row, i) => row.forEach((v, j) => {
        worst = Math.max(worst, relDiff(lrs[i]![j]!, v), relDiff(moms[i]![j]!, c.momenta[i]![j]!));
        assert.ok(relDiff(lrs[i]![j]!, v) <= 1e-12, `step ${i} group ${j}: lr ${lrs[i]![j]} vs ${v}`);
      }));
      t.diagnostic(`max rel diff ${worst.toExponential(2)}`);
      c.momenta.forEach((row, i) => row.forEach((v, j) => assert.ok(relDiff(moms[i]![j]!, v) <= 1e-12, `step ${i} group ${j}: momentum ${moms[i]![j]} vs ${v}`)));
      assert.deepEqual(scheds.at(-1)!.getLastLr(), lrs.at(-1));
    });
  }
});

describe("clipGradNorm_ matches PyTorch", () => {
  for (const c of FIXTURE.clip.cases) {
    it(c.name, (t) => {
      const params = FIXTURE.clip.grads.map((g) => {
        const p = torch.zerosLike(fromJson(g)).requiresGrad_(true);
        p.grad = fromJson(g);
        return p;
      });
      const total = clipGradNorm_(params, c.max_norm, c.norm_type === "inf" ? Infinity : c.norm_type);
      assert.equal(total.dtype, "float32");
      assert.ok(relDiff(total.item(), c.total_norm) <= 1e-6, `total ${total.item()} vs ${c.total_norm}`);
      const errs = c.grads.map((g, i) => maxRelError(params[i]!.grad!, g));
      t.diagnostic(`total norm rel diff ${relDiff(total.item(), c.total_norm).toExponential(2)}, grads ${Math.max(...errs).toExponential(2)}`);
      errs.forEach((e, i) => assert.ok(e <= 1e-6, `grad ${i}: ${e}`));
    });
  }
});

