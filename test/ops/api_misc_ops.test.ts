/**
 * Tensor.unfold, torch.asStrided, torch.scatterReduce, vander, isin, logspace, range and the windows against
 * PyTorch 1.13 (test/fixtures/misc15_ops.json, from scripts/fixtures/gen_misc15_ops.py): values, dtypes,
 * gradients of sum(out * w), error messages; views share memory; float64 gradchecks.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import * as torch from "../../src/index.ts";
import { type Case13, type Result, type Value, buildArgs, checkCase } from "./ops13_fixture.ts";

type Tensor = torch.Tensor;
type N = number;
type D = torch.DType;
type R = torch.ScatterReduceMode;
const T = (v: Value) => v as Tensor;
const nums = (v: Value) => v as number[];
const dt = (v: Value) => (v === null ? undefined : (v as D));

/** Mirrors PY in scripts/fixtures/gen_misc15_ops.py. */
const OPS: Record<string, (a: Value[]) => Result> = {
  unfold: (a) => T(a[0]!).unfold(a[1] as N, a[2] as N, a[3] as N),
  asStrided: (a) => torch.asStrided(T(a[0]!), nums(a[1]!), nums(a[2]!), a[3] as N),
  asStridedM: (a) => T(a[0]!).asStrided(nums(a[1]!), nums(a[2]!)),
  scatterReduce: (a) => torch.scatterReduce(T(a[0]!), a[1] as N, T(a[2]!), T(a[3]!), a[4] as R, { includeSelf: a[5] as boolean }),
  scatterReduceM: (a) => T(a[0]!).scatterReduce(a[1] as N, T(a[2]!), T(a[3]!), a[4] as R, { includeSelf: a[5] as boolean }),
  scatterReduce_: (a) => T(a[0]!).mul(1).scatterReduce_(a[1] as N, T(a[2]!), T(a[3]!), a[4] as R, { includeSelf: a[5] as boolean }),
  vander: (a) => torch.vander(T(a[0]!), a[1] as N | null, a[2] as boolean),
  isin: (a) => torch.isin(a[0] as Tensor | N, a[1] as Tensor | N, { invert: a[2] as boolean }),
  logspace: (a) => torch.logspace(a[0] as N, a[1] as N, a[2] as N, a[3] as N, { dtype: dt(a[4]!) }),
  range: (a) => torch.range(a[0] as N, a[1] as N, a[2] as N, { dtype: dt(a[3]!) }),
  hannWindow: (a) => torch.hannWindow(a[0] as N, a[1] as boolean, { dtype: dt(a[2]!) }),
  hammingWindow: (a) => torch.hammingWindow(a[0] as N, { periodic: a[1] as boolean, alpha: a[2] as N, beta: a[3] as N, dtype: dt(a[4]!) }),
  blackmanWindow: (a) => torch.blackmanWindow(a[0] as N, a[1] as boolean, { dtype: dt(a[2]!) }),
  bartlettWindow: (a) => torch.bartlettWindow(a[0] as N, { periodic: a[1] as boolean, dtype: dt(a[2]!) }),
  kaiserWindow: (a) => torch.kaiserWindow(a[0] as N, a[1] as boolean, { beta: a[2] as N, dtype: dt(a[3]!) }),
};

const cases = (JSON.parse(readFileSync(new URL("../fixtures/misc15_ops.json", import.meta.url), "utf8")) as { cases: Case13[] }).cases;
for (const op of [...new Set(cases.map((c) => c.op))]) {
  describe(`misc15 fixtures: ${op}`, () => {
    for (const c of cases.filter((k) => k.op === op)) test(c.name, () => checkCase(c, OPS[op]!));
  });
}

describe("views and gradchecks", () => {
  test("unfold and asStrided are views: they share memory and see writes", () => {
    for (const c of cases.filter((k) => (k.op === "unfold" || k.op.startsWith("asStrided")) && k.error === undefined)) {
      const { args, leaves } = buildArgs(c);
      const out = OPS[c.op]!(args) as Tensor;
      assert.equal(out.storage, leaves[0]!.storage, c.name);
    }
    const x = torch.arange(6, { dtype: "float64" });
    const w = x.unfold(0, 2, 2);
    x.mul_(10);
    assert.deepEqual(w.tolist(), [[0, 10], [20, 30], [40, 50]]);
    assert.equal(w.isContiguous(), true);
    assert.deepEqual(x.unfold(0, 3, 1).stride(), [1, 1]);
  });
  test("float64 gradcheck: unfold, asStrided, scatterReduce (each mode), vander", () => {
    const opts = { dtype: "float64" as const, requiresGrad: true };
    const x = torch.randn([3, 5], opts);
    assert.ok(torch.autograd.gradcheck((t: Tensor) => t.unfold(1, 3, 1), [x]));
    assert.ok(torch.autograd.gradcheck((t: Tensor) => t.t().unfold(0, 2, 2), [x]));
    assert.ok(torch.autograd.gradcheck((t: Tensor) => torch.asStrided(t, [3, 3], [2, 1], 1), [x]));
    const idx = torch.tensor([[0, 1, 0, 2, 0], [2, 2, 0, 1, 1]]);
    const src = torch.randn([2, 5], opts);
    for (const r of ["sum", "prod", "mean", "amax", "amin"] as const) {
      for (const includeSelf of [true, false]) {
        assert.ok(torch.autograd.gradcheck((a: Tensor, s: Tensor) => a.scatterReduce(0, idx, s, r, { includeSelf }), [x, src]), `${r} ${includeSelf}`);
      }
    }
    for (const r of ["sum", "mean"] as const) {
      for (const includeSelf of [true, false]) {
        // The first gradient, recorded (createGraph), gradchecked in turn: the backward is differentiable.
        // gradcheck's numerical passes run without grad on plain copies: make them leaves there.
        const leafOf = (t: Tensor) => (t.requiresGrad ? t : t.detach().requiresGrad_());
        const first = (a: Tensor, s: Tensor) => torch.enableGrad(() => {
          const [a2, s2] = [leafOf(a), leafOf(s)];
          const out = a2.scatterReduce(0, idx, s2, r, { includeSelf }).pow(2).sum();
          const [ga, gs] = torch.autograd.grad(out, [a2, s2], { createGraph: true }) as Tensor[];
          return torch.cat([ga!.reshape([-1]), gs!.reshape([-1])]);
        });
        assert.ok(torch.autograd.gradcheck(first, [x, src]), `second order ${r} ${includeSelf}`);
      }
    }
    const v = torch.tensor([0.5, -1.2, 2.0, 0.0], opts);
    assert.ok(torch.autograd.gradcheck((t: Tensor) => torch.vander(t), [v]));
    assert.ok(torch.autograd.gradcheck((t: Tensor) => torch.vander(t, 3, true), [v]));
  });
  test("graph node names are PyTorch 1.13's", () => {
    // From PyTorch: type(out.grad_fn).__name__ for each op on a [3, 4] float input that requires grad.
    const x = torch.randn([3, 4], { requiresGrad: true });
    const idx = torch.tensor([[0]]);
    assert.equal(x.unfold(1, 2, 1).gradFn?.name, "UnfoldBackward0");
    assert.equal(torch.asStrided(x, [2, 2], [1, 2]).gradFn?.name, "AsStridedBackward0");
    assert.equal(x.scatterReduce(0, idx, torch.ones([1, 1]), "sum").gradFn?.name, "ScatterReduceBackward0");
    assert.equal(x.mul(1).scatterReduce_(0, idx, torch.ones([1, 1]), "sum").gradFn?.name, "ScatterReduceBackward0");
  });
  test("scatterReduce_ bumps the version and records the in-place op", () => {
    const a = torch.zeros([3], { requiresGrad: true });
    const b = a.mul(1);
    const v = b.version;
    b.scatterReduce_(0, torch.tensor([0, 0]), torch.tensor([2, 3], { dtype: "float32" }), "prod");
    assert.equal(b.version, v + 1);
    assert.deepEqual(b.tolist(), [0, 0, 0]);
    assert.throws(() => torch.scatterReduce(torch.zeros([2]), 0, torch.tensor([0]), torch.ones([1]), "sum", { include_self: true } as never), /includeSelf/);
  });
});
