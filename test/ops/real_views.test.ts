/**
 * The complex-number API on real tensors and frexp, against PyTorch 1.13 (scripts/fixtures/gen_real_views.py).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../../src/index.ts";
import type { DType, Tensor } from "../../src/index.ts";

interface T { shape: number[]; dtype: DType; data: (number | string)[] }
const fx = JSON.parse(readFileSync(new URL("../fixtures/real_views.json", import.meta.url), "utf8")) as {
  views: Record<string, { shape: number[]; strides: number[]; node?: string }>;
  errors: Record<string, string>;
  frexp: { x: T; w: T; mantissa: T; exponent: T; grad: T; node: string }[];
  isreal: T;
  identity: Record<string, boolean>;
};
const num = (v: number | string): number => (v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : (v as number));
const mk = (t: T): Tensor => torch.tensor(t.data.map(num), { dtype: t.dtype }).reshape(t.shape);
const same = (a: number, b: number): boolean => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

test("mT, mH, adjoint and H are transposes with PyTorch's shapes, strides, node and errors", () => {
  const x = torch.randn([2, 3, 4]);
  for (const [name, get] of [["mT", (t: Tensor) => t.mT], ["mH", (t: Tensor) => t.mH], ["adjoint", (t: Tensor) => t.adjoint()]] as const) {
    const want = fx.views[name]!;
    assert.deepEqual([...get(x).shape], want.shape, name);
    assert.deepEqual(get(x).stride(), want.strides, name);
    assert.equal(get(x.clone().requiresGrad_()).gradFn?.name, want.node, name);
    assert.deepEqual(torch.adjoint(x).tolist(), get(x).tolist());
  }
  const m = torch.randn([3, 5]);
  assert.deepEqual([...m.H.shape], fx.views.H!.shape);
  assert.deepEqual(m.H.stride(), fx.views.H!.strides);
  assert.deepEqual(m.H.tolist(), m.t().tolist());
  assert.throws(() => torch.randn([3]).mT, { message: fx.errors.mT1d });
  assert.throws(() => torch.randn([3]).mH, { message: fx.errors.mH1d });
  assert.throws(() => torch.randn([3]).adjoint(), { message: fx.errors.adjoint1d });
  assert.throws(() => torch.randn([3]).H, { message: fx.errors.H1d });
  assert.throws(() => torch.randn([2, 2, 2]).H, { message: fx.errors.H3d });
  assert.throws(() => torch.randn([3]).imag, { message: fx.errors.imag });
  assert.throws(() => torch.imag(torch.randn([3])), { message: fx.errors.imag });
});

test("conj, real, resolveConj and resolveNeg are the tensor itself; isreal is all true", () => {
  const x = torch.randn([2, 3]);
  assert.equal(x.conj() === x, fx.identity.conj);
  assert.equal(x.real === x, fx.identity.real);
  assert.equal(torch.resolveConj(x) === x, fx.identity.resolveConj);
  assert.equal(x.resolveNeg() === x, fx.identity.resolveNeg);
  const c = x.conjPhysical();
  assert.notEqual(c, x);
  assert.deepEqual(c.tolist(), x.tolist());
  const r = torch.isreal(torch.tensor([1, NaN, Infinity]));
  assert.equal(r.dtype, "bool");
  assert.deepEqual(r.tolist(), fx.isreal.data.map((v) => Boolean(v)));
});

for (const c of fx.frexp) {
  test(`frexp on ${c.x.dtype}: mantissa, int32 exponent and the mantissa's gradient as PyTorch (subnormals, ±0, inf, NaN)`, () => {
    const x = mk(c.x).requiresGrad_();
    const [m, e] = torch.frexp(x);
    assert.equal(m.dtype, c.x.dtype);
    assert.equal(e.dtype, "int32");
    const mv = [...m.toTypedArray()];
    c.mantissa.data.map(num).forEach((v, i) => assert.ok(same(mv[i]!, v), `mantissa[${i}] of ${c.x.data[i]}: ${mv[i]} vs ${v}`));
    assert.deepEqual([...e.toTypedArray()], c.exponent.data.map(num));
    assert.equal(m.gradFn?.name, c.node);
    m.mul(mk(c.w)).sum().backward();
    const g = [...x.grad!.toTypedArray()];
    c.grad.data.map(num).forEach((v, i) => assert.ok(same(g[i]!, v), `grad[${i}]: ${g[i]} vs ${v}`));
  });
}

test("frexp refuses integer tensors with PyTorch's message", () => {
  assert.throws(() => torch.frexp(torch.tensor([1, 2], { dtype: "int64" })), { message: fx.errors.frexpInt });
});
