/**
 * The dtype utilities against PyTorch 1.13 (test/fixtures/misc15.json, from scripts/fixtures/gen_misc15.py):
 * resultType over tensors / 0-d tensors / numbers, canCast, promoteTypes, finfo / iinfo and their repr,
 * per-dtype queries, what the default dtype reaches, and PyTorch's error messages.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import * as torch from "../../src/index.ts";

type D = torch.DType;
type Spec = ["t0" | "t1" | "n", D | number | boolean];
interface Fixture {
  resultType: [Spec, Spec, D][];
  canCast: [D, D, boolean][];
  promoteTypes: [D, D, D][];
  finfo: Record<string, Record<string, number | string>>;
  iinfo: Record<string, Record<string, number | string>>;
  perDtype: Record<D, { elementSize: number; isSigned: boolean; isFloatingPoint: boolean }>;
  errors: Record<string, string>;
  default64: Record<string, string>;
  reprs: Record<string, string>;
  queries: {
    isNonzero: boolean[]; "isNonzero empty": string; "isNonzero many": string; isSameSize: boolean[]; isSetTo: boolean[];
    newEmptyStrided: [number[], number[], D][]; "newEmptyStrided mismatch": string; isSigned: boolean[]; "isConj isNeg": boolean[];
  };
}
const fx = JSON.parse(readFileSync(new URL("../fixtures/misc15.json", import.meta.url), "utf8")) as Fixture;

const operand = ([kind, v]: Spec): torch.Tensor | number | boolean =>
  kind === "t0" ? torch.ones([], { dtype: v as D }) : kind === "t1" ? torch.ones([2], { dtype: v as D }) : (v as number | boolean);

describe("dtype utilities vs PyTorch", () => {
  test("resultType: every pair of tensors, 0-d tensors and scalars", () => {
    for (const [a, b, want] of fx.resultType) {
      assert.equal(torch.resultType(operand(a), operand(b)), want, `${JSON.stringify(a)} ${JSON.stringify(b)}`);
    }
  });
  test("canCast and promoteTypes over all dtype pairs", () => {
    for (const [a, b, want] of fx.canCast) assert.equal(torch.canCast(a, b), want, `${a} -> ${b}`);
    for (const [a, b, want] of fx.promoteTypes) assert.equal(torch.promoteTypes(a, b), want, `${a}, ${b}`);
  });
  test("finfo and iinfo: fields and repr", () => {
    for (const [d, want] of Object.entries(fx.finfo)) {
      const f = torch.finfo(d as D);
      for (const k of ["bits", "eps", "max", "min", "tiny", "smallestNormal", "resolution"] as const) assert.equal(f[k], want[k], `${d}.${k}`);
      assert.equal(String(f), want.repr);
      assert.equal(f.dtype, d);
    }
    assert.equal(String(torch.finfo()), fx.finfo.float32!.repr);
    assert.equal(torch.iinfo("int32").max, 2147483647);
    assert.equal(torch.iinfo("int32").min, -2147483648);
    // int64's bounds are the nearest doubles (JS numbers), as Number(9223372036854775807) is.
    assert.equal(torch.iinfo("int64").max, Number(fx.iinfo.int64!.max));
    assert.equal(torch.iinfo("int64").min, Number(fx.iinfo.int64!.min));
    for (const [d, want] of Object.entries(fx.iinfo)) {
      assert.equal(torch.iinfo(d as D).bits, want.bits);
      assert.equal(String(torch.iinfo(d as D)), want.repr);
    }
  });
  test("errors", () => {
    const e = fx.errors;
    assert.throws(() => torch.finfo("int32"), { name: "DTypeError", message: e["finfo int32"] });
    assert.throws(() => torch.finfo("bool"), { message: e["finfo bool"] });
    assert.throws(() => torch.iinfo("float32"), { message: e["iinfo float32"] });
    assert.throws(() => torch.iinfo("bool"), { message: e["iinfo bool"] });
    assert.throws(() => torch.setDefaultDtype("int64"), { name: "DTypeError", message: e["setDefaultDtype int64"] });
    assert.throws(() => torch.setDefaultDType("int64"), { message: e["setDefaultDtype int64"] });
    assert.throws(() => torch.rand(2, { dtype: "int64" }), { name: "DTypeError", message: e["rand int64"] });
    assert.throws(() => torch.randn(2, { dtype: "int32" }), { message: e["randn int32"] });
    assert.throws(() => torch.randLike(torch.tensor([true])), { message: e["randLike bool"] });
    assert.throws(() => torch.randnLike(torch.tensor([1])), { message: e["randnLike int64"] });
    assert.throws(() => torch.randperm(3, { dtype: "bool" }), { name: "DTypeError", message: e["randperm bool"] });
    assert.throws(() => torch.isFloatingPoint(3 as unknown as torch.Tensor), /argument 'input' \(position 1\) must be Tensor, not int/);
    assert.throws(() => torch.canCast("float16" as D, "float32"), /dtype/);
  });
  test("per-dtype Tensor queries", () => {
    for (const [d, want] of Object.entries(fx.perDtype)) {
      const t = torch.ones([2], { dtype: d as D });
      assert.equal(t.elementSize(), want.elementSize, d);
      assert.equal(t.isSigned(), want.isSigned, d);
      assert.equal(t.isFloatingPoint(), want.isFloatingPoint, d);
      assert.equal(torch.isFloatingPoint(t), want.isFloatingPoint, d);
      assert.equal(t.isComplex(), false);
      assert.equal(torch.isComplex(t), false);
    }
  });
  test("numel, nelement, ndimension, isTensor (0-d, size-0, non-contiguous)", () => {
    const x = torch.zeros([3, 4]).t();
    assert.equal(torch.numel(x), 12);
    assert.equal(x.nelement(), 12);
    assert.equal(x.ndimension(), 2);
    assert.equal(torch.numel(torch.zeros([])), 1);
    assert.equal(torch.zeros([])!.ndimension(), 0);
    assert.equal(torch.numel(torch.zeros([2, 0])), 0);
    assert.equal(torch.isTensor(x), true);
    assert.equal(torch.isTensor([1, 2]), false);
    assert.equal(torch.isTensor(null), false);
  });
  test("empty tensors print their non-(0,) shape and non-default dtype, as PyTorch", () => {
    const f = (shape: number[], dtype?: D, requiresGrad?: boolean) => String(torch.zeros(shape, { dtype, requiresGrad }));
    const got = {
      "zeros 0": f([0]), "zeros 0x2": f([0, 2]), "int64 0": f([0], "int64"), "bool 0x3": f([0, 3], "bool"),
      "float64 0": f([0], "float64"), "int32 2x0x1": f([2, 0, 1], "int32"), "requires grad 0": f([0], undefined, true),
    };
    assert.deepEqual(got, fx.reprs);
  });
  test("isNonzero, isSameSize, isSetTo, newEmptyStrided, isSigned, isConj, isNeg", () => {
    const q = fx.queries;
    const one = [torch.tensor([0]), torch.tensor([NaN]), torch.tensor(3), torch.tensor([[true]]), torch.tensor(-0, { dtype: "float64" })];
    assert.deepEqual(one.map((t) => t.isNonzero()), q.isNonzero);
    assert.deepEqual(one.map((t) => torch.isNonzero(t)), q.isNonzero);
    assert.throws(() => torch.tensor([]).isNonzero(), { message: q["isNonzero empty"] });
    assert.throws(() => torch.tensor([1, 2]).isNonzero(), { message: q["isNonzero many"] });
    assert.deepEqual([torch.isSameSize(torch.zeros(2), torch.zeros(1, 2)), torch.zeros(2, 3).t().isSameSize(torch.zeros(3, 2))], q.isSameSize);
    const base = torch.zeros(3, 4);
    assert.deepEqual([base.isSetTo(base), base.t().isSetTo(base), base.select(0, 0).isSetTo(base.select(0, 0)),
      base.select(0, 1).isSetTo(base.select(0, 0)), base.isSetTo(base.clone())], q.isSetTo);
    const made = [base.newEmptyStrided([2, 3], [1, 2]), base.newEmptyStrided([2, 0], [5, 1], { dtype: "int32" })];
    assert.deepEqual(made.map((t) => [[...t.shape], [...t.strides], t.dtype]), q.newEmptyStrided);
    assert.deepEqual(made[0]!.tolist(), [[0, 0, 0], [0, 0, 0]]);
    assert.throws(() => base.newEmptyStrided([2, 3], [1]), { message: q["newEmptyStrided mismatch"] });
    assert.deepEqual((["float32", "float64", "int32", "int64", "bool"] as const).map((d) => torch.isSigned(torch.ones([1], { dtype: d }))), q.isSigned);
    assert.deepEqual([torch.isConj(base), base.isNeg()], q["isConj isNeg"]);
  });
  test("retainsGrad and isLeaf", () => {
    const x = torch.ones([2], { requiresGrad: true });
    const y = x.mul(2);
    assert.equal(x.isLeaf, true);
    assert.equal(y.isLeaf, false);
    assert.equal(x.retainsGrad, false);
    assert.equal(y.retainsGrad, false);
    y.retainGrad();
    assert.equal(y.retainsGrad, true);
    y.sum().backward();
    assert.deepEqual(y.grad!.tolist(), [1, 1]);
    assert.equal(torch.zeros([2]).retainsGrad, false);
  });
});

describe("the default dtype (float64) as PyTorch applies it", () => {
  test("factories, tensor(), promotion with float scalars, integer-to-float ops", () => {
    const want = fx.default64;
    const prev = torch.getDefaultDtype();
    torch.setDefaultDtype("float64");
    try {
      const i = torch.tensor([1, 2]);
      const got: Record<string, string> = {
        "tensor float": torch.tensor([1.5]).dtype, "tensor empty": torch.tensor([]).dtype, "tensor int": torch.tensor([1]).dtype,
        "arange float": torch.arange(0, 1, 0.5).dtype, "arange int": torch.arange(3).dtype, linspace: torch.linspace(0, 1, 3).dtype,
        "full float": torch.full([2], 1.5).dtype, zeros: torch.zeros(2).dtype, ones: torch.ones(2).dtype, empty: torch.empty(2).dtype,
        eye: torch.eye(2).dtype, rand: torch.rand(2).dtype, randn: torch.randn(2).dtype,
        "normal size": torch.normal(0, 1, [2]).dtype, "int times float": i.mul(1.5).dtype, "int div int": i.div(2).dtype,
        "int sqrt": i.sqrt().dtype, "int mean dtype": i.mean(null, false, { dtype: torch.getDefaultDtype() }).dtype,
        "int logsumexp": torch.logsumexp(i, 0).dtype, "float32 times float": torch.ones(2, { dtype: "float32" }).mul(1.5).dtype,
        "finfo default": String(torch.finfo()), getDefaultDtype: torch.getDefaultDtype(),
        "repr float64": String(torch.tensor([1.5])), "repr float32": String(torch.tensor([1.5], { dtype: "float32" })),
      };
      assert.deepEqual(got, want);
    } finally {
      torch.setDefaultDtype(prev);
    }
    assert.equal(torch.getDefaultDtype(), "float32");
  });
});
