/**
 * Argument checks of the transforms beyond the one row each has in test/options_coverage.test.ts:
 * wrong types, PyTorch's positional arguments, and that correct calls (and JSON round trips, which
 * rebuild a transform through its constructor) still pass.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

const { transforms } = torch;

function make(C: unknown, ...args: unknown[]): unknown {
  return Reflect.construct(C as new (...a: unknown[]) => unknown, args);
}

function call(f: unknown, ...args: unknown[]): unknown {
  return (f as (...a: unknown[]) => unknown)(...args);
}

function rejects(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof torch.ArgumentError, `expected an ArgumentError, got ${String(e)}`);
    assert.equal(e.message, message);
    return true;
  });
}

describe("transforms check their arguments", () => {
  it("Normalize takes mean and std positionally, as torchvision's, and no inplace", () => {
    rejects(() => make(transforms.Normalize, [0.5], { std: [0.5] }), "transforms.Normalize(): argument 2 (std) must be a number or an array of numbers, got an object");
    rejects(() => make(transforms.Normalize, [0.5], [0.5], true), "transforms.Normalize(): takes at most 2 arguments but 3 were given");
    rejects(() => make(transforms.Normalize, "0.5", [0.5]), 'transforms.Normalize(): argument 1 (mean) must be a number or an array of numbers, got string "0.5"');
    const n = new transforms.Normalize([0.5, 0.25], [0.5, 0.5]);
    const out = n.apply(torch.ones([2, 1, 1]));
    assert.deepEqual([...out.toTypedArray()], [1, 1.5]);
  });

  it("PyTorch's positional interpolation / padding / degrees are named", () => {
    rejects(() => make(transforms.Resize, 10, "nearest"), 'transforms.Resize(): expected an options object as argument 2, got string "nearest" (pass { interpolation: "nearest" })');
    rejects(() => make(transforms.RandomCrop, 10, 4), "transforms.RandomCrop(): expected an options object as argument 2, got number 4 (pass { padding: 4 })");
    rejects(() => make(transforms.RandomRotation, 10, "bilinear"), 'transforms.RandomRotation(): expected an options object as argument 2, got string "bilinear" (pass { interpolation: "bilinear" })');
    rejects(() => make(transforms.RandomAffine, 10), "transforms.RandomAffine(): expected an options object as argument 1, got number 10 (pass { degrees: 10 })");
    rejects(() => make(transforms.RandomAffine, {}), "transforms.RandomAffine(): missing required option 'degrees'");
  });

  it("option values of the wrong type", () => {
    rejects(() => make(transforms.Resize, 10, { interpolation: 2 }), "transforms.Resize(): option 'interpolation' must be a string, got number 2");
    rejects(() => make(transforms.RandomCrop, 10, { padIfNeeded: 1 }), "transforms.RandomCrop(): option 'padIfNeeded' must be a boolean, got number 1");
    rejects(() => make(transforms.GaussianNoise, { sigma: 0.1 }), "transforms.GaussianNoise(): argument 1 (std) must be a number, got an object");
    rejects(() => make(transforms.RandomAffine, { degrees: 0, fill: [0] }), "transforms.RandomAffine(): option 'fill' must be a number, got an array of length 1");
  });

  it("correct calls pass, and every transform survives a JSON round trip", () => {
    const t = new transforms.Compose([
      new transforms.Resize(4, { interpolation: "nearest", }),
      new transforms.RandomCrop(4, { padding: [1, 2], padIfNeeded: true, fill: 3 }),
      new transforms.RandomRotation([0, 10], { interpolation: "bilinear", fill: undefined }),
      new transforms.RandomAffine({ degrees: 5, translate: [0.1, 0.1], scale: [0.9, 1.1], shear: 3 }),
      new transforms.CenterCrop([4, 4]),
      new transforms.Grayscale(1),
      new transforms.ToTensor(),
      new transforms.GaussianNoise(0.1, { mean: 0, clip: false }),
      new transforms.Normalize(0.5, 0.5),
    ]);
    const back = transforms.transformFromJSON(t.toJSON());
    assert.deepEqual(back.toJSON(), t.toJSON());
  });
});

describe("the checkpoint and gradcheck functions check their options", () => {
  it("gradcheck names PyTorch's positional eps", () => {
    const x = torch.ones([2], { dtype: "float64", requiresGrad: true });
    rejects(() => call(torch.autograd.gradcheck, (t: torch.Tensor) => t.mul(2), [x], 1e-6), "autograd.gradcheck(): expected an options object as argument 3, got number 0.000001 (pass { eps: 0.000001 })");
    assert.equal(torch.autograd.gradcheck((t) => t.mul(2), [x], { eps: 1e-6, atol: 1e-5, rtol: 1e-3 }), true);
  });

  it("torch.save refuses metadata that is not an object", async () => {
    await assert.rejects(
      call(torch.save, {}, "/nonexistent/kindling-options", { metadata: "pt" }) as Promise<void>,
      (e: unknown) => e instanceof torch.ArgumentError && e.message === 'torch.save(): option \'metadata\' must be an object, got string "pt"',
    );
  });
});
