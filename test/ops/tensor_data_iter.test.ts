/**
 * Tensor.data's own version counter and Tensor iteration against PyTorch 1.13
 * (scripts/fixtures/gen_tensor_data_iter.py): each test replays the steps its fixture case recorded.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import * as torch from "../../src/index.ts";
import type { Tensor } from "../../src/index.ts";

interface Tens { shape: number[]; dtype: string; data: number[] }
interface PyError { pyType: string; message: string }
const fx = JSON.parse(readFileSync(new URL("../fixtures/tensor_data_iter.json", import.meta.url), "utf8")) as {
  data: {
    write_after_forward: { grad: Tens; w: Tens; version: number };
    counters: { w: number; d: number; v: number; values: Tens };
    detach_write: { version: number; error: PyError };
    manual_update: { losses: number[]; weight: Tens; bias: Tens; version: number };
  };
  iter: { rows: { rows: Tens[]; grad: Tens }; vector: Tens[]; empty: number; scalar_error: PyError };
};

function same(t: Tensor, want: Tens, what: string): void {
  assert.deepEqual(t.shape, want.shape, `${what}: shape`);
  assert.equal(t.dtype, want.dtype, `${what}: dtype`);
  const got = Array.from(t.reshape(-1).tolist() as number[]);
  got.forEach((g, i) => assert.ok(Math.abs(g - want.data[i]!) <= 1e-6 * Math.max(1, Math.abs(want.data[i]!)), `${what}[${i}]: ${g} vs ${want.data[i]}`));
}

describe("Tensor.data keeps a version counter of its own", () => {
  test("a write through .data after the forward: backward runs on the new values", () => {
    const want = fx.data.write_after_forward;
    const w = torch.tensor([1, 2, 3], { requiresGrad: true });
    const y = w.mul(w).mul(w).sum();
    w.data.add_(1);
    y.backward();
    same(w.grad!, want.grad, "grad");
    same(w, want.w, "w");
    assert.equal(w.version, want.version);
  });

  test(".data's counter is shared by its views, not by the tensor it came from", () => {
    const want = fx.data.counters;
    const w = torch.tensor([1, 2, 3], { requiresGrad: true });
    const d = w.data;
    d.add_(1);
    const v = d.index("0:2");
    v.mul_(2);
    assert.deepEqual([w.version, d.version, v.version], [want.w, want.d, want.v]);
    same(w, want.values, "w");
  });

  test("detach() still shares the counter: the same write through it fails the backward", () => {
    const want = fx.data.detach_write;
    const w = torch.tensor([1, 2, 3], { requiresGrad: true });
    const y = w.mul(w).mul(w).sum();
    w.detach().add_(1);
    assert.equal(w.version, want.version);
    // PyTorch's message, with kindling's camelCase spelling of set_detect_anomaly.
    const first = want.error.message.split(". Hint")[0]!;
    assert.throws(() => y.backward(), (e: Error) => e.message.startsWith(first));
  });

  test("the regression example's p.data.add_(-0.1 * p.grad) update", () => {
    const want = fx.data.manual_update;
    const lin = new torch.nn.Linear(2, 1);
    torch.noGrad(() => {
      lin.weight.copy_(torch.tensor([[0.5, -0.25]]));
      lin.bias!.fill_(0.125);
    });
    const x = torch.tensor([[1, 2], [-1, 0.5], [3, -2]]);
    const target = torch.tensor([[1], [0], [2]]);
    const losses: number[] = [];
    for (let i = 0; i < 2; i++) {
      lin.zeroGrad();
      const loss = torch.nn.functional.smoothL1Loss(lin.forward(x), target);
      losses.push(loss.item());
      loss.backward();
      for (const p of lin.parameters()) p.data.add_(p.grad!.mul(-0.1));
    }
    losses.forEach((l, i) => assert.ok(Math.abs(l - want.losses[i]!) <= 1e-7, `loss ${i}: ${l} vs ${want.losses[i]}`));
    same(lin.weight, want.weight, "weight");
    same(lin.bias!, want.bias, "bias");
    assert.equal(lin.weight.version, want.version);
  });

  test("isSetTo and copy_ see .data as the same memory", () => {
    const x = torch.arange(4, { dtype: "float32" }).reshape(2, 2);
    assert.equal(x.data.isSetTo(x), true);
    assert.equal(x.isSetTo(x.data), true);
    // A source over the destination's memory in another layout is read before it is overwritten.
    x.copy_(x.data.t());
    assert.deepEqual(x.tolist(), [[0, 2], [1, 3]]);
  });
});

describe("iterating over a tensor (Tensor.__iter__)", () => {
  test("yields the slices along dim 0, which carry gradients", () => {
    const want = fx.iter.rows;
    const W = torch.arange(6, { dtype: "float32" }).reshape(2, 3).requiresGrad_();
    const rows = [...W];
    assert.equal(rows.length, want.rows.length);
    rows.forEach((r, k) => same(r, want.rows[k]!, `row ${k}`));
    let total: Tensor | null = null;
    for (const [k, r] of rows.entries()) {
      const term = r.pow(2).sum().mul(k + 1);
      total = total === null ? term : total.add(term);
    }
    total!.backward();
    same(W.grad!, want.grad, "grad");
  });

  test("a 1-d tensor gives 0-d tensors; an empty dim 0 gives nothing", () => {
    const got = [...torch.tensor([1.5, -2.0, 4.0])];
    assert.equal(got.length, fx.iter.vector.length);
    got.forEach((e, k) => same(e, fx.iter.vector[k]!, `element ${k}`));
    let n = 0;
    for (const _ of torch.zeros([0, 3])) n++;
    assert.equal(n, fx.iter.empty);
  });

  test("a 0-d tensor is refused, as PyTorch's TypeError", () => {
    assert.throws(() => [...torch.tensor(1.0)], { name: "ArgumentError", message: fx.iter.scalar_error.message });
  });
});
