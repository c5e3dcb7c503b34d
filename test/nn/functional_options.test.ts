// issue 12 point 6 for nn.functional: a PyTorch keyword typed in snake_case is an error, not ignored.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as torch from "../../src/index.ts";

const F = torch.nn.functional;
const call = (f: unknown, ...args: unknown[]): unknown => (f as (...a: unknown[]) => unknown)(...args);

function rejects(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof torch.ArgumentError, `expected an ArgumentError, got ${String(e)}`);
    assert.equal((e as Error).message, message);
    return true;
  });
}

const logits = () => torch.tensor([[2, 0.5, -1], [0, 1, 0]]);
const labels = () => torch.tensor([0, 2], { dtype: "int64" });
const x = () => torch.tensor([0.2, 0.7]);

describe("nn.functional options", () => {
  it("crossEntropy names label_smoothing's camelCase form (it changed nothing before)", () => {
    rejects(() => call(F.crossEntropy, logits(), labels(), { label_smoothing: 0.5 }), "F.crossEntropy(): unknown option 'label_smoothing' (did you mean 'labelSmoothing'?)");
    const plain = F.crossEntropy(logits(), labels()).item();
    const smoothed = F.crossEntropy(logits(), labels(), { labelSmoothing: 0.5 }).item();
    assert.notEqual(plain, smoothed);
  });
  it("every loss with options checks them", () => {
    rejects(() => call(F.nllLoss, logits(), labels(), { ignore_index: 1 }), "F.nllLoss(): unknown option 'ignore_index' (did you mean 'ignoreIndex'?)");
    // mse_loss takes PyTorch's deprecated reduce (test/nn/legacy_reduction.test.ts); huber_loss has none
    rejects(() => call(F.huberLoss, x(), x(), { reduce: false }), "F.huberLoss(): unknown option 'reduce' (allowed options: 'reduction', 'delta')");
    rejects(() => call(F.mseLoss, x(), x(), { reduce_: false }), "F.mseLoss(): unknown option 'reduce_' (did you mean 'reduce'?)");
    assert.throws(() => call(F.l1Loss, x(), x(), "sum"), torch.ArgumentError);
    rejects(() => call(F.smoothL1Loss, x(), x(), { Beta: 1 }), "F.smoothL1Loss(): unknown option 'Beta' (did you mean 'beta'?)");
    rejects(() => call(F.binaryCrossEntropy, x(), x(), { weights: null }), "F.binaryCrossEntropy(): unknown option 'weights' (did you mean 'weight'?)");
    rejects(() => call(F.binaryCrossEntropyWithLogits, x(), x(), { pos_weight: null }), "F.binaryCrossEntropyWithLogits(): unknown option 'pos_weight' (did you mean 'posWeight'?)");
  });
  it("activations check dims and options", () => {
    assert.throws(() => call(F.softmax, logits(), { dim: 1 }), torch.ArgumentError);
    assert.throws(() => call(F.logSoftmax, logits(), 1, { dim: 1 }), torch.ArgumentError);
    rejects(() => call(F.gelu, x(), { approx: "tanh" }), "F.gelu(): unknown option 'approx' (did you mean 'approximate'?)");
    assert.throws(() => call(F.dropout, x(), 0.5, "no"), torch.ArgumentError);
    assert.deepEqual(F.softmax(torch.tensor([0, 0], { dtype: "float32" }), 0).tolist(), [0.5, 0.5]);
  });
});
