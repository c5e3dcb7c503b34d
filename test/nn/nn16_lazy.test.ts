/**
 * Lazy modules beyond the fixtures in nn16.test.ts (which check reprs and keys before and after the first
 * forward against PyTorch's): the class they become, optimizers made before the first forward, the
 * generator draws, and what is refused before the first forward.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

const { nn } = torch;

describe("lazy modules", () => {
  test("become the ordinary class at the first forward; an optimizer made before trains the same parameters", () => {
    const m = new nn.LazyLinear(2);
    assert.equal(m.getName(), "LazyLinear");
    assert.ok(m.parameters().every((p) => nn.isUninitializedParameter(p)));
    const opt = new torch.optim.SGD(m.parameters(), { lr: 0.5 });
    const x = torch.ones([1, 3]);
    const y = m.forward(x);
    assert.deepEqual([...y.shape], [1, 2]);
    assert.ok(m instanceof nn.Linear, "instanceof Linear");
    assert.equal(m.getName(), "Linear");
    assert.equal((m as torch.nn.Linear).inFeatures, 3);
    const before = Array.from(m.weight.toTypedArray() as Float32Array);
    y.sum().backward();
    opt.step();
    const after = Array.from(m.weight.toTypedArray() as Float32Array);
    after.forEach((v, i) => assert.ok(Math.abs(v - (before[i]! - 0.5)) < 1e-6, `weight ${i} stepped`));
    // Kaiming-uniform bounds of the materialised weight: 1/sqrt(in_features).
    assert.ok(before.every((v) => Math.abs(v) <= 1 / Math.sqrt(3)));
  });

  test("constructing one draws nothing from the default generator; the first forward draws as the ordinary class", () => {
    torch.manualSeed(5);
    const lazy = new nn.LazyConv2d(4, 3);
    lazy.forward(torch.zeros([1, 2, 5, 5]));
    torch.manualSeed(5);
    const plain = new nn.Conv2d(2, 4, 3);
    assert.deepEqual(Array.from(lazy.weight.toTypedArray() as Float32Array), Array.from(plain.weight.toTypedArray() as Float32Array));
    assert.deepEqual(Array.from(lazy.bias!.toTypedArray() as Float32Array), Array.from(plain.bias!.toTypedArray() as Float32Array));
  });

  test("BatchNorm: running statistics and state keys as the ordinary class; loadStateDict waits for a forward", () => {
    const bn = new nn.LazyBatchNorm2d();
    assert.throws(() => bn.loadStateDict(new nn.BatchNorm2d(3).stateDict()), /LazyBatchNorm2d: loadStateDict before the first forward/);
    assert.throws(() => bn.forward(torch.ones([2, 3])), /expected 4D input \(got 2D input\)/);
    bn.forward(torch.randn([2, 3, 2, 2]));
    assert.ok(bn instanceof nn.BatchNorm2d);
    assert.deepEqual([...bn.getBuffer("running_mean")!.shape], [3]);
    bn.loadStateDict(new nn.BatchNorm2d(3).stateDict());
    assert.equal(bn.toString(), "BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)");
  });

  test("errors: the conv input rank, unknown options", () => {
    assert.throws(() => new nn.LazyConv1d(4, 3).forward(torch.ones([1, 2, 3, 4])), /Expected 2D \(unbatched\) or 3D \(batched\) input to conv1d, but got input of size: \[1, 2, 3, 4\]/);
    assert.throws(() => Reflect.construct(nn.LazyLinear, [3, { in_features: 2 }]), /nn.LazyLinear\(\): unknown option 'in_features'/);
  });

  test("LazyConvTranspose1d takes the output size at its first forward", () => {
    const m = new nn.LazyConvTranspose1d(3, 3, { stride: 2 });
    const y = m.forward(torch.randn([1, 2, 4]), [10]);
    assert.deepEqual([...y.shape], [1, 3, 10]);
    assert.ok(m instanceof nn.ConvTranspose1d);
    assert.equal(m.toString(), "ConvTranspose1d(2, 3, kernel_size=(3,), stride=(2,))");
  });

  test("LazyInstanceNorm: affine and running statistics by default; an unbatched input's channels are dim 0", () => {
    const m = new nn.LazyInstanceNorm2d();
    assert.equal(m.toString(), "LazyInstanceNorm2d(0, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)");
    const y = m.forward(torch.randn([3, 4, 4]));
    assert.deepEqual([...y.shape], [3, 4, 4]);
    assert.ok(m instanceof nn.InstanceNorm2d);
    assert.equal(m.toString(), "InstanceNorm2d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)");
    assert.deepEqual([...m.weight!.shape], [3]);
  });
});
