/**
 * In-place view ops and backward's `inputs`, against PyTorch 1.13 (scripts/fixtures/gen_inplace_layout.py).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../../src/index.ts";
import type { Tensor } from "../../src/index.ts";

interface T { shape: number[]; dtype: string; data: (number | string)[] }
interface LayoutCase {
  op: string; args: number[]; x: T; w: T; r: T; shape: number[]; strides: number[]; contiguous: boolean; node: string; bump: number; grad: T;
}
const fx = JSON.parse(readFileSync(new URL("../fixtures/inplace_layout.json", import.meta.url), "utf8")) as {
  layout: LayoutCase[]; errors: Record<string, string>; savedAfter: string; inputs: Record<string, Record<string, unknown>>;
};

const mk = (t: T, requiresGrad = false): Tensor =>
  torch.tensor(t.data.map(Number), { dtype: "float64" }).reshape(t.shape).requiresGrad_(requiresGrad);

function close(actual: Tensor | null, want: unknown, what: string): void {
  assert.ok(actual !== null, `${what}: no gradient`);
  const w = want as T;
  assert.deepEqual([...actual.shape], w.shape, `${what}: shape`);
  const a = [...actual.contiguous().toTypedArray()].map(Number);
  w.data.map(Number).forEach((v, i) => assert.ok(Math.abs(a[i]! - v) <= 1e-12 * (1 + Math.abs(v)), `${what}[${i}]: ${a[i]} vs ${v}`));
}

for (const c of fx.layout) {
  test(`${c.op}(${c.args.join(", ")}) on ${JSON.stringify(c.x.shape)}: layout, node, version and gradient as PyTorch`, () => {
    const x = mk(c.x, true);
    const cc = x.mul(mk(c.w));
    const v0 = cc.version;
    const m = (cc as unknown as Record<string, (...a: number[]) => Tensor>)[c.op]!;
    const ret = m.apply(cc, c.args);
    assert.equal(ret, cc, "returns self");
    assert.deepEqual([...cc.shape], c.shape);
    assert.deepEqual(cc.stride(), c.strides);
    assert.equal(cc.isContiguous(), c.contiguous);
    assert.equal(cc.gradFn?.name, c.node);
    assert.equal(cc.version - v0, c.bump);
    cc.mul(mk(c.r)).sum().backward();
    close(x.grad, c.grad, "x.grad");
  });
}

test("in-place view ops refuse leaves and bad dims with PyTorch's messages, and bump the version saved tensors check", () => {
  const leaf = torch.randn([2, 1], { requiresGrad: true });
  assert.throws(() => leaf.unsqueeze_(0), { message: fx.errors.leaf });
  assert.throws(() => leaf.select(0, 0).t_(), { message: fx.errors.viewOfLeaf });
  assert.throws(() => torch.randn([3, 2, 2]).t_(), { message: fx.errors.t3d });
  assert.throws(() => torch.randn([3]).unsqueeze_(3), { message: fx.errors.dimRange });
  assert.throws(() => torch.randn([3, 2]).transpose_(0, 2), { message: fx.errors.transposeRange });
  const x = torch.randn([2, 3], { requiresGrad: true });
  const c = x.mul(2);
  const d = c.mul(c);
  c.t_();
  assert.throws(() => d.sum().backward(), /modified by an inplace operation/);
  assert.match(fx.savedAfter, /modified by an inplace operation/);
  // Under noGrad only the layout changes.
  const y = torch.arange(6).reshape([2, 3]);
  torch.noGrad(() => y.t_());
  assert.deepEqual([...y.shape], [3, 2]);
  assert.deepEqual(y.tolist(), [[0, 3], [1, 4], [2, 5]]);
});

test("backward({ inputs }) and autograd.backward(tensors, gradTensors) fill only the asked .grad, as PyTorch", () => {
  const I = fx.inputs as Record<string, Record<string, T | boolean | string>>;
  const a = mk(I.a as unknown as T, true);
  const b = mk(I.b as unknown as T, true);
  a.mul(b).sum().backward({ inputs: [a] });
  close(a.grad, I.onlyA!.a, "onlyA a");
  assert.equal(b.grad, null);
  const c = a.mul(b);
  c.mul(c).sum().backward({ inputs: [c, b] });
  close(c.grad, I.nonLeaf!.c, "nonLeaf c");
  close(b.grad, I.nonLeaf!.b, "nonLeaf b");
  close(a.grad, I.nonLeaf!.a, "nonLeaf a (unchanged)");
  a.mul(2).sum().backward({ inputs: b });
  close(b.grad, I.unused!.b, "unused b (unchanged)");
  a.grad = null;
  b.grad = null;
  torch.autograd.backward([a.mul(a).sum(), b.mul(3)], [null, torch.tensor([1, 2, 3], { dtype: "float64" })]);
  close(a.grad, I.multi!.a, "multi a");
  close(b.grad, I.multi!.b, "multi b");
  a.grad = null;
  torch.autograd.backward([a.mul(b).sum(), a.mul(a).mul(b).sum()], { inputs: [a] });
  close(a.grad, I.multiInputs!.a, "multiInputs a");
  a.grad = null;
  const h = a.registerHook((g) => g.mul(100));
  a.mul(1).sum().backward({ inputs: [a] });
  h.remove();
  close(a.grad, I.hook!.a, "hook a");
  a.grad = null;
  a.mul(a).mul(b).sum().backward({ inputs: [a], createGraph: true });
  const g = a.grad!;
  close(g, I.createGraph!.a, "createGraph a");
  assert.equal(g.gradFn !== null, I.createGraph!.hasGradFn);
  a.grad = null;
  g.sum().backward({ inputs: [b] }); // b.grad still holds the multi case's 3 * [1, 2, 3], as in the script
  close(b.grad, I.createGraph!.b2, "second order b");
  const errs = I.errors as unknown as Record<string, string>;
  assert.throws(() => a.mul(b).sum().backward({ inputs: [] }), { message: errs.empty });
  assert.throws(() => a.mul(b).sum().backward({ inputs: [torch.randn([3])] }), { message: errs.noGrad });
  assert.throws(() => torch.autograd.backward([a.sum()], [null, null]), /grad_tensors must have the same length as tensors: got 2 grad_tensors and 1 tensors/);
  assert.throws(() => a.sum().backward({ input: [a] } as never), /input/);
});
