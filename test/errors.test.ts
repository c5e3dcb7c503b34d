import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.ts";

/** Every error the core promises: thrown at the call, typed, and naming the shapes. */

test("matmul shape mismatch names both shapes like PyTorch", () => {
  const a = torch.zeros(32, 784);
  const b = torch.zeros(100, 10);
  assert.throws(() => a.matmul(b), (e: unknown) => {
    assert.ok(e instanceof torch.ShapeError);
    assert.equal((e as Error).message, "mat1 and mat2 shapes cannot be multiplied (32x784 and 100x10)");
    return true;
  });
  assert.throws(() => torch.zeros(2, 3, 4).matmul(torch.zeros(2, 5, 4)), { name: "ShapeError", message: /\[2, 3, 4\] and \[2, 5, 4\]/ });
  assert.throws(() => torch.zeros(2, 3).matmul(torch.zeros(3, 2, { dtype: "float64" })), { name: "DTypeError", message: "expected scalar type Float but found Double" });
});

test("non-broadcastable shapes", () => {
  assert.throws(() => torch.zeros(2, 3).add(torch.zeros(4)), {
    name: "ShapeError",
    message: "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1 (shapes [2, 3] and [4])",
  });
});

test("item() on a many-element tensor", () => {
  assert.throws(() => torch.zeros(2, 2).item(), { name: "ShapeError", message: "a Tensor with 4 elements cannot be converted to Scalar (shape [2, 2])" });
});

test("backward on a non-scalar without a gradient", () => {
  const x = torch.ones([3], { requiresGrad: true });
  assert.throws(() => x.mul(2).backward(), {
    name: "AutogradError",
    message: /^grad can be implicitly created only for scalar outputs \(got an output of shape \[3\]/,
  });
});

test("backward through a freed graph", () => {
  const x = torch.ones([3], { requiresGrad: true });
  const y = x.exp().sum();
  y.backward();
  assert.throws(() => y.backward(), { name: "AutogradError", message: /^Trying to backward through the graph a second time.*ExpBackward.*retainGraph: true/ });
});

test("backward of something that does not require grad", () => {
  assert.throws(() => torch.ones([1]).sum().backward(), { name: "AutogradError", message: "element 0 of tensors does not require grad and does not have a grad_fn" });
});

test("backward with a gradient of the wrong shape", () => {
  const y = torch.ones([3], { requiresGrad: true }).mul(2);
  assert.throws(() => y.backward(torch.ones([2])), { name: "ShapeError", message: /Mismatch in shape: grad_output\[0\] has a shape of \[2\] and output\[0\] has a shape of \[3\]/ });
});

test("dim out of range", () => {
  assert.throws(() => torch.zeros(2, 3).sum(2), { name: "IndexError", message: "Dimension out of range (expected to be in range of [-2, 1], but got 2)" });
  assert.throws(() => torch.zeros(2, 3).softmax(-3), { name: "IndexError" });
});

test("invalid view shapes", () => {
  assert.throws(() => torch.zeros(2, 3).reshape(4, 2), { name: "ShapeError", message: "shape '[4, 2]' is invalid for input of size 6" });
  assert.throws(() => torch.zeros(2, 3).reshape(-1, -1), { name: "ArgumentError", message: "only one dimension can be inferred" });
  assert.throws(() => torch.zeros(2, 3).expand(4, 3), { name: "ShapeError", message: /expanded size of the tensor \(4\) must match the existing size \(2\) at non-singleton dimension 0/ });
});

test("cat/stack with mismatched shapes", () => {
  assert.throws(() => torch.cat([torch.zeros(2, 3), torch.zeros(2, 4)]), { name: "ShapeError", message: /Sizes of tensors must match except in dimension 0\. Expected size 3 but got size 4 for tensor number 1/ });
  assert.throws(() => torch.stack([torch.zeros(2), torch.zeros(3)]), { name: "ShapeError", message: "stack expects each tensor to be equal size, but got [2] at entry 0 and [3] at entry 1" });
});

test("dtype errors", () => {
  assert.throws(() => torch.tensor([1, 2]).requiresGrad_(), { name: "DTypeError", message: "only Tensors of floating point dtype can require gradients (got int64)" });
  assert.throws(() => torch.tensor([1, 2]).mean(), { name: "DTypeError", message: /mean\(\): could not infer output dtype.*Got: int64/ });
  assert.throws(() => torch.zeros(2).maskedFill(torch.zeros(2), 1), { name: "DTypeError", message: /boolean masks/ });
  assert.throws(() => torch.zeros([2], { dtype: "float16" as never }), { name: "DTypeError" });
});

test("index errors", () => {
  const x = torch.zeros(2, 3);
  assert.throws(() => x.gather(1, torch.tensor([[0, 3, 1], [0, 0, 0]])), { name: "IndexError", message: "gather(): index 3 is out of bounds for dimension 1 with size 3" });
  assert.throws(() => x.indexSelect(0, torch.tensor([2])), { name: "IndexError", message: /index 2 is out of bounds for dimension 0 with size 2/ });
  assert.throws(() => x.select(0, 5), { name: "IndexError", message: "index 5 is out of bounds for dimension 0 with size 2" });
  assert.throws(() => x.narrow(1, 2, 2), { name: "IndexError", message: "start (2) + length (2) exceeds dimension size (3)." });
});

test("in-place on a leaf that requires grad", () => {
  const w = torch.ones([2], { requiresGrad: true });
  assert.throws(() => w.add_(1), { name: "AutogradError", message: /a leaf Variable that requires grad is being used in an in-place operation/ });
  torch.noGrad(() => w.add_(1));
  assert.deepEqual(w.tolist(), [2, 2]);
});

test("errors are all KindlingError subclasses", () => {
  for (const E of [torch.ShapeError, torch.DTypeError, torch.ArgumentError, torch.AutogradError, torch.FormatError, torch.IndexError]) {
    assert.ok(new E("x") instanceof torch.KindlingError);
    assert.equal(new E("x").name, E.name);
  }
});
