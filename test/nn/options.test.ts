/** nn arguments from plain JavaScript: PyTorch's positional habits, wrong types, and what stays valid. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

const { nn } = torch;

function make(C: unknown, ...args: unknown[]): unknown {
  return Reflect.construct(C as new (...a: unknown[]) => unknown, args);
}

function rejects(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof torch.ArgumentError, `expected an ArgumentError, got ${String(e)}`);
    assert.equal(e.message, message);
    return true;
  });
}

describe("PyTorch's positional arguments are named, not ignored", () => {
  it("layers", () => {
    rejects(() => make(nn.MaxPool2d, 2, 2), "nn.MaxPool2d(): expected an options object as argument 2, got number 2 (pass { stride: 2 })");
    rejects(() => make(nn.AvgPool2d, 3, 1, 1), "nn.AvgPool2d(): expected an options object as argument 2, got number 1 (pass { stride: 1 })");
    rejects(() => make(nn.BatchNorm2d, 4, 1e-3), "nn.BatchNorm2d(): expected an options object as argument 2, got number 0.001 (pass { eps: 0.001 })");
    rejects(() => make(nn.LayerNorm, 4, 1e-6), "nn.LayerNorm(): expected an options object as argument 2, got number 0.000001 (pass { eps: 0.000001 })");
    rejects(() => make(nn.GELU, "tanh"), 'nn.GELU(): expected an options object as argument 1, got string "tanh" (pass { approximate: "tanh" })');
    rejects(() => make(nn.Dropout, 0.5, "yes"), 'nn.Dropout(): argument 2 (inplace) must be a boolean, got string "yes"');
    rejects(() => make(nn.Conv1d, 1, 4, 3, 2), "nn.Conv1d(): expected an options object as argument 4, got number 2 (pass { stride: 2 })");
  });

  it("losses and utils", () => {
    rejects(() => make(nn.CrossEntropyLoss, torch.ones([3])), "nn.CrossEntropyLoss(): expected an options object as argument 1, got a Tensor (pass { weight: ... })");
    rejects(() => make(nn.MSELoss, "sum"), 'nn.MSELoss(): expected an options object as argument 1, got string "sum"');
    rejects(() => make(nn.CrossEntropyLoss, { labelSmoothing: 0.1 }, 1), "nn.CrossEntropyLoss(): takes at most 1 argument but 2 were given");
    rejects(() => make(nn.BCELoss, {}, {}), "nn.BCELoss(): takes at most 1 argument but 2 were given");
    const p = torch.zeros([2], { requiresGrad: true });
    rejects(
      () => (nn.utils.clipGradNorm_ as (...a: unknown[]) => unknown)([p], 1, 2, true),
      "nn.utils.clipGradNorm_(): expected an options object as argument 4, got boolean true (pass { errorIfNonfinite: true })",
    );
  });
});

describe("wrong value types", () => {
  it("are ArgumentErrors naming the option", () => {
    rejects(() => make(nn.Conv2d, 1, 4, 3, { stride: "2" }), 'nn.Conv2d(): option \'stride\' must be an int or a tuple of ints, got string "2"');
    rejects(() => make(nn.Conv2d, 1, 4, 3, { groups: { n: 1 } }), "nn.Conv2d(): option 'groups' must be an int, got an object");
    rejects(() => make(nn.Conv2d, 1, 4), "nn.Conv2d(): argument 3 (kernelSize) must be an int or a tuple of ints, got undefined");
    rejects(() => make(nn.BatchNorm1d, 4, { affine: "no" }), 'nn.BatchNorm1d(): option \'affine\' must be a boolean, got string "no"');
    rejects(() => make(nn.NLLLoss, { weight: [1, 2] }), "nn.NLLLoss(): option 'weight' must be a Tensor or null, got an array of length 2");
    rejects(() => make(nn.ModuleList, 5), "nn.ModuleList(): argument 1 (modules) must be an iterable of Modules, got number 5");
    rejects(() => make(nn.Sequential, new nn.ReLU(), nn.ReLU), "nn.Sequential(): a function is not a Module subclass");
  });

  it("a truthy options object is not a requiresGrad flag", () => {
    rejects(() => (nn.Parameter as (...a: unknown[]) => unknown)(torch.zeros([2]), { requiresGrad: false }), "nn.Parameter(): argument 2 (requiresGrad) must be a boolean, got an object");
    assert.equal(nn.Parameter(torch.zeros([2]), false).requiresGrad, false);
  });
});

describe("valid calls are unchanged", () => {
  it("undefined options keep their defaults; null where PyTorch takes None", () => {
    const x = torch.ones([1, 1, 5, 5]);
    assert.deepEqual(new nn.Conv2d(1, 4, 3, { stride: undefined }).forward(x).shape, [1, 4, 3, 3]);
    assert.deepEqual(new nn.Conv2d(1, 4, 3, { stride: 2 }).forward(x).shape, [1, 4, 2, 2]);
    assert.deepEqual(new nn.MaxPool2d(2, { stride: null }).forward(x).shape, [1, 1, 2, 2]);
    assert.deepEqual(new nn.AdaptiveAvgPool2d([null, 1]).forward(x).shape, [1, 1, 5, 1]);
    assert.equal(new nn.BatchNorm2d(1, { momentum: null }).momentum, null);
    assert.equal(new nn.Softmax(null as never).forward(torch.zeros([2])).get(0), 0.5);
    assert.equal(new nn.CrossEntropyLoss({ weight: null, reduction: undefined }).reduction, "mean");
    assert.equal(new nn.Identity(1, "anything").forward(x), x);
    assert.deepEqual(new nn.ModuleDict([["act", new nn.ReLU()]]).keys(), ["act"]);
    assert.equal(new nn.ModuleList().length, 0);
  });

  it("user modules and losses", () => {
    class Net extends nn.Module {
      fc = new nn.Conv2d(1, 1, 1);
    }
    assert.equal(new Net().parameters().length, 2);
    class Focal extends nn.Loss {
      constructor(readonly gamma: number) {
        super({ reduction: "sum" });
      }
    }
    assert.equal(new Focal(2).reduction, "sum");
    rejects(() => new Focal(2).zeroGrad({ set_to_none: true } as never), "nn.Module.zeroGrad(): unknown option 'set_to_none' (did you mean 'setToNone'?)");
  });
});
