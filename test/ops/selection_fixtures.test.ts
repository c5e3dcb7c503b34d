/**
 * The selection ops against PyTorch 1.13 (test/fixtures/selection.json, scripts/fixtures/gen_selection.py):
 * values, indices, dtypes, gradients of sum(out * w) and error messages of kthvalue, median, nanmedian,
 * mode, aminmax, cummax, cummin, logcumsumexp, quantile, nanquantile, unique, uniqueConsecutive,
 * searchsorted, bucketize, bincount and histc; plus float64 gradchecks.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import * as torch from "../../src/index.ts";
import { type Case13, type Result, type Value, checkCase } from "./ops13_fixture.ts";

type Tensor = torch.Tensor;
type N = number;
type Interp = torch.QuantileInterpolation;
const T = (v: Value) => v as Tensor;
const orNull = (v: Value) => (v === null ? null : T(v));
const cases = (JSON.parse(readFileSync(new URL("../fixtures/selection.json", import.meta.url), "utf8")) as { cases: Case13[] }).cases;

/** Mirrors PY in scripts/fixtures/gen_selection.py; alternates torch.X and t.X forms. */
const OPS: Record<string, (a: Value[]) => Result> = {
  kthvalue: (a) => T(a[0]!).kthvalue(a[1] as N, a[2] as N, a[3] as boolean),
  median: (a) => (a.length === 1 ? T(a[0]!).median() : torch.median(T(a[0]!), { dim: a[1] as N, keepdim: a[2] as boolean })),
  nanmedian: (a) => (a.length === 1 ? torch.nanmedian(T(a[0]!)) : T(a[0]!).nanmedian(a[1] as N, a[2] as boolean)),
  mode: (a) => torch.mode(T(a[0]!), a[1] as N, a[2] as boolean),
  aminmax: (a) => [...torch.aminmax(T(a[0]!), { dim: a[1] as N | null, keepdim: a[2] as boolean })],
  cummax: (a) => T(a[0]!).cummax(a[1] as N),
  cummin: (a) => torch.cummin(T(a[0]!), a[1] as N),
  logcumsumexp: (a) => torch.logcumsumexp(T(a[0]!), a[1] as N),
  quantile: (a) => torch.quantile(T(a[0]!), a[1] as N | Tensor, a[2] as N | null, a[3] as boolean, { interpolation: a[4] as Interp }),
  nanquantile: (a) => T(a[0]!).nanquantile(a[1] as N | Tensor, { dim: a[2] as N | null, keepdim: a[3] as boolean, interpolation: a[4] as Interp }),
  unique: (a) => torch.unique(T(a[0]!), { sorted: a[1] as boolean, returnInverse: a[2] as boolean, returnCounts: a[3] as boolean, dim: a[4] as N | null }),
  uniqueConsecutive: (a) => T(a[0]!).uniqueConsecutive({ returnInverse: a[1] as boolean, returnCounts: a[2] as boolean, dim: a[3] as N | null }),
  searchsorted: (a) => torch.searchsorted(T(a[0]!), a[1] as Tensor | N, { outInt32: a[2] as boolean, right: a[3] as boolean, side: a[4] as "left" | null, sorter: orNull(a[5]!) }),
  bucketize: (a) => torch.bucketize(a[0] as Tensor | N, T(a[1]!), { outInt32: a[2] as boolean, right: a[3] as boolean }),
  bincount: (a) => T(a[0]!).bincount({ weights: orNull(a[1]!), minlength: a[2] as N }),
  histc: (a) => torch.histc(T(a[0]!), a[1] as N, a[2] as N, a[3] as N),
};

const groups = [...new Set(cases.map((c) => c.op))];
for (const op of groups) {
  describe(`selection fixtures: ${op}`, () => {
    for (const c of cases.filter((k) => k.op === op)) test(c.name, () => checkCase(c, OPS[op]!));
  });
}

describe("selection gradchecks (float64, finite differences)", () => {
  const gc = (f: (t: Tensor) => Tensor, x: Tensor) => assert.ok(torch.autograd.gradcheck(f, [x]), "gradcheck");
  const x = () => torch.randn([3, 5], { dtype: "float64" }).requiresGrad_(true);
  test("kthvalue, median, nanmedian, mode, cummax, cummin", () => {
    gc((t) => t.kthvalue(2, 1).values, x());
    gc((t) => t.median(0).values, x());
    gc((t) => t.median(), x());
    gc((t) => torch.nanmedian(t, 1).values, x());
    gc((t) => t.mode(1).values, x());
    gc((t) => t.cummax(1).values, x());
    gc((t) => torch.cummin(t, 0).values, x());
  });
  test("logcumsumexp, quantile, nanquantile", () => {
    gc((t) => t.logcumsumexp(1), x());
    gc((t) => t.logcumsumexp(0).mul(t), x());
    gc((t) => torch.quantile(t, 0.37, 1), x());
    gc((t) => torch.quantile(t, torch.tensor([0.1, 0.5, 0.75], { dtype: "float64" }), null, false, { interpolation: "midpoint" }), x());
    gc((t) => t.nanquantile(0.5, 0), x());
  });
});

describe("selection API shapes", () => {
  test("results destructure like PyTorch's named tuples", () => {
    const [v, i] = torch.tensor([3, 1, 2]).kthvalue(2);
    assert.deepEqual([v!.item(), i!.item()], [2, 2]);
    const { min, max } = torch.tensor([3, 1, 2]).aminmax();
    assert.deepEqual([min.item(), max.item()], [1, 3]);
    const [u, inv, cnt] = torch.unique(torch.tensor([2, 1, 2]), { returnInverse: true, returnCounts: true }) as Tensor[];
    assert.deepEqual([u!.tolist(), inv!.tolist(), cnt!.tolist()], [[1, 2], [1, 0, 1], [1, 2]]);
  });
  test("unknown option keys are refused with the camelCase hint", () => {
    assert.throws(() => torch.unique(torch.tensor([1]), { return_counts: true } as never), /returnCounts/);
    assert.throws(() => torch.searchsorted(torch.tensor([1]), torch.tensor([1]), { out_int32: true } as never), /outInt32/);
  });
});

describe("selection autograd node names are PyTorch 1.13's", () => {
  test("grad_fn names", () => {
    const x = torch.randn([3, 4]).requiresGrad_(true);
    const names = [
      x.sort().values, x.topk(2).values, x.msort(), x.kthvalue(2).values, x.median(1).values, x.median(),
      x.nanmedian(), x.nanmedian(0).values, x.mode(1).values, x.cummax(1).values, x.cummin(1).values, x.logcumsumexp(1),
      torch.tensor(2, { requiresGrad: true }).sort().values,
    ].map((t) => t.gradFn?.name);
    assert.deepEqual(names, [
      "SortBackward0", "TopkBackward0", "SortBackward0", "KthvalueBackward0", "MedianBackward1", "MedianBackward0",
      "NanmedianBackward0", "NanmedianBackward1", "ModeBackward0", "CummaxBackward0", "CumminBackward0", "LogcumsumexpBackward0",
      "SortBackward0",
    ]);
  });
});
