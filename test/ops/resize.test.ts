import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import * as torch from "../../src/index.ts";
import type { Tensor } from "../../src/index.ts";

interface Case {
  call: string;
  is_self: boolean;
  shape: number[];
  stride: number[];
  offset: number;
  dtype: string;
  version: number;
  values: number[];
  known: number;
  self_shape_after: number[];
}
// scripts/fixtures/gen_resize.py (PyTorch 1.13).
const fx = JSON.parse(readFileSync(new URL("../fixtures/resize.json", import.meta.url), "utf8")) as {
  cases: Record<string, Case>;
  errors: Record<string, { call: string; message: string }>;
};

const ar = (n: number) => torch.arange(n, { dtype: "float32" });
/** Each case's setup and call, as gen_resize.py writes them in Python. */
const CASES: Record<string, [() => Tensor, (x: Tensor) => Tensor]> = {
  shrink: [() => ar(6), (x) => x.resize_(2, 2)],
  list_sizes: [() => ar(6), (x) => x.resize_([3, 2])],
  size_object: [() => torch.zeros(2, 3), (x) => x.resize_(torch.zeros(3, 2).size())],
  same_sizes_keep_strides: [() => ar(12).view(3, 4).t(), (x) => x.resize_(4, 3)],
  transposed_relayout: [() => ar(12).view(3, 4).t(), (x) => x.resize_(2, 3)],
  offset_kept_and_grown: [() => ar(12).index("2:"), (x) => x.resize_(3, 4)],
  grow_int64: [() => torch.arange(4), (x) => x.resize_(6)],
  to_empty: [() => ar(4), (x) => x.resize_(0)],
  to_scalar: [() => ar(4), (x) => x.resize_([])],
  resize_as: [() => ar(6), (x) => x.resizeAs_(torch.zeros(2, 2))],
  after_write: [() => ar(6).add_(1), (x) => x.resize_(5)],
  data_of_parameter: [() => torch.nn.Parameter(ar(6)), (x) => x.data.resize_(2, 2)],
};

describe("Tensor.resize_ / resizeAs_ against PyTorch 1.13", () => {
  it("covers every fixture case", () => assert.deepEqual(Object.keys(CASES).sort(), Object.keys(fx.cases).sort()));
  for (const [name, c] of Object.entries(fx.cases)) {
    it(`${name}: ${c.call}`, () => {
      const [setup, call] = CASES[name]!;
      const x = setup();
      const r = call(x);
      if (c.is_self) assert.equal(r, x, "returns self");
      assert.deepEqual([r.shape, r.stride(), r.storageOffset(), r.dtype], [c.shape, c.stride, c.offset, c.dtype]);
      assert.deepEqual(x.shape, c.self_shape_after);
      assert.equal(x.version, c.version, "a resize is no write");
      // Only the elements that existed before: PyTorch leaves grown memory uninitialised.
      assert.deepEqual((r.reshape(-1).tolist() as number[]).slice(0, c.known), c.values);
    });
  }
  it("a grown tensor takes writes in its new elements, and its old storage keeps its version", () => {
    const x = ar(3).add_(1);
    x.resize_(2, 3);
    x.index("1").fill_(7);
    assert.deepEqual(x.tolist(), [[1, 2, 3], [7, 7, 7]]);
    assert.equal(x.version, 2);
  });
});

describe("resize_ refusals", () => {
  const ERRORS: Record<string, () => unknown> = {
    leaf_requires_grad: () => torch.zeros([4], { requiresGrad: true }).resize_(2),
    leaf_requires_grad_no_grad: () => torch.noGrad(() => torch.zeros([4], { requiresGrad: true }).resize_(2)),
    non_leaf: () => torch.zeros([4], { requiresGrad: true }).mul(2).resize_(2),
  };
  for (const [name, e] of Object.entries(fx.errors)) {
    it(`${name}: ${e.call}`, () => assert.throws(ERRORS[name]!, (err: Error) => err instanceof torch.AutogradError && err.message === e.message));
  }
  it("names a negative size and a bad argument", () => {
    assert.throws(() => ar(2).resize_(2, -3), (e: Error) => e instanceof torch.ArgumentError && e.message === "Trying to create tensor with negative dimension -3: [2, -3]");
    assert.throws(() => ar(2).resize_(1.5), (e: Error) => e instanceof torch.ArgumentError && /size/.test(e.message));
    assert.throws(() => ar(2).resizeAs_([2] as unknown as Tensor), (e: Error) => e instanceof torch.ArgumentError && /the_template must be a Tensor/.test(e.message));
  });
});
