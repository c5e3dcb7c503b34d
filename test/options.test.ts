/** The argument checker of src/options.ts: messages, suggestions, types, arity. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ArgumentError } from "../src/errors.ts";
import { checkArg, checkArity, checkOptions, describeValue, suggestOption } from "../src/options.ts";
import * as torch from "../src/index.ts";

function rejects(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ArgumentError, `expected an ArgumentError, got ${String(e)}`);
    assert.equal(e.name, "ArgumentError");
    assert.equal(e.message, message);
    return true;
  });
}

const SPEC = { lr: "number", weightDecay: "number", nesterov: "boolean", betas: "numbers", stride: "ints", bias: "number?" } as const;

describe("checkOptions", () => {
  it("names an unknown key and the camelCase option a snake_case key meant", () => {
    rejects(() => checkOptions("SGD()", { lr: 0.1, weight_decay: 0.5 }, SPEC), "SGD(): unknown option 'weight_decay' (did you mean 'weightDecay'?)");
    rejects(() => checkOptions("f()", { WeightDecay: 1 }, SPEC), "f(): unknown option 'WeightDecay' (did you mean 'weightDecay'?)");
  });

  it("suggests the closest option for a typo or a shortened name, else lists them", () => {
    rejects(() => checkOptions("f()", { strid: 2 }, SPEC), "f(): unknown option 'strid' (did you mean 'stride'?)");
    rejects(() => checkOptions("f()", { nesterv: true }, SPEC), "f(): unknown option 'nesterv' (did you mean 'nesterov'?)");
    rejects(() => checkOptions("f()", { weight: 1 }, SPEC), "f(): unknown option 'weight' (did you mean 'weightDecay'?)");
    rejects(
      () => checkOptions("f()", { device: "cpu" }, SPEC),
      "f(): unknown option 'device' (allowed options: 'lr', 'weightDecay', 'nesterov', 'betas', 'stride', 'bias')",
    );
    rejects(() => checkOptions("f()", { x: 1 }, []), "f(): unknown option 'x' (it takes no options)");
    assert.equal(suggestOption("T_max", ["tMax", "etaMin"]), "tMax");
    assert.equal(suggestOption("momentun", ["momentum", "dampening"]), "momentum");
    assert.equal(suggestOption("ab", ["cd"]), undefined);
  });

  it("treats undefined values (and an undefined options object) as absent", () => {
    checkOptions("f()", { weight_decay: undefined, lr: undefined }, SPEC);
    checkOptions("f()", undefined, SPEC);
    checkOptions("f()", Object.create(null) as object, SPEC);
  });

  it("refuses what is not a plain object, with PyTorch's positional name as a hint", () => {
    rejects(() => checkOptions("nn.Conv2d()", 2, SPEC, { index: 4, positional: "stride" }), "nn.Conv2d(): expected an options object as argument 4, got number 2 (pass { stride: 2 })");
    rejects(() => checkOptions("f()", "tanh", SPEC, { index: 1, positional: "approximate" }), 'f(): expected an options object as argument 1, got string "tanh" (pass { approximate: "tanh" })');
    rejects(() => checkOptions("f()", [30, 80], SPEC, { index: 2, positional: "milestones" }), "f(): expected an options object as argument 2, got an array of length 2 (pass { milestones: [30, 80] })");
    rejects(() => checkOptions("f()", null, SPEC), "f(): expected an options object, got null");
    rejects(() => checkOptions("f()", new Map(), SPEC, { index: 2 }), "f(): expected an options object as argument 2, got an instance of a class");
    rejects(() => checkOptions("f()", torch.ones([2]), SPEC, { index: 1, positional: "weight" }), "f(): expected an options object as argument 1, got a Tensor (pass { weight: ... })");
  });

  it("checks the type of each value", () => {
    rejects(() => checkOptions("f()", { lr: { value: 1 } }, SPEC), "f(): option 'lr' must be a number, got an object");
    rejects(() => checkOptions("f()", { lr: "0.1" }, SPEC), 'f(): option \'lr\' must be a number, got string "0.1"');
    rejects(() => checkOptions("f()", { nesterov: 1 }, SPEC), "f(): option 'nesterov' must be a boolean, got number 1");
    rejects(() => checkOptions("f()", { stride: 1.5 }, SPEC), "f(): option 'stride' must be an int or a tuple of ints, got number 1.5");
    rejects(() => checkOptions("f()", { stride: [1, "2"] }, SPEC), "f(): option 'stride' must be an int or a tuple of ints, got an array of length 2");
    rejects(() => checkOptions("f()", { bias: false }, SPEC), "f(): option 'bias' must be a number or null, got boolean false");
    checkOptions("f()", { lr: 0.1, stride: [1, 2], betas: [0.9, 0.99], bias: null, nesterov: false }, SPEC);
    checkOptions("f()", { lr: "anything" }, ["lr"]); // names only: no types
  });

  it("reports a missing required option", () => {
    rejects(() => checkOptions("StepLR()", { gamma: 0.5 }, ["stepSize", "gamma"], { index: 2, required: ["stepSize"] }), "StepLR(): missing required option 'stepSize'");
    rejects(
      () => checkOptions("StepLR()", undefined, ["stepSize"], { index: 2, positional: "stepSize", required: ["stepSize"] }),
      "StepLR(): expected an options object as argument 2, got undefined (pass { stepSize: ... })",
    );
  });
});

describe("checkArg and checkArity", () => {
  it("checkArg: a wrong type names the argument; '?' types accept null and undefined", () => {
    rejects(() => checkArg("nn.Softmax()", { dim: 1 }, "int?", 1, "dim"), "nn.Softmax(): argument 1 (dim) must be an int or null, got an object");
    rejects(() => checkArg("f()", undefined, "ints", 3, "kernelSize"), "f(): argument 3 (kernelSize) must be an int or a tuple of ints, got undefined");
    checkArg("f()", undefined, "int?", 1, "dim");
    checkArg("f()", null, "int?", 1, "dim");
    checkArg("f()", -1, "int", 1, "dim");
  });

  it("checkArity: counts arguments, not trailing undefined ones", () => {
    rejects(() => checkArity("nn.ReLU()", [true], 0), "nn.ReLU(): takes no arguments but 1 was given");
    rejects(() => checkArity("nn.Conv2d()", [1, 4, 3, 2, 1], 4), "nn.Conv2d(): takes at most 4 arguments but 5 were given");
    rejects(() => checkArity("f()", [1, 2], 1), "f(): takes at most 1 argument but 2 were given");
    checkArity("f()", [1, undefined, undefined], 1);
    checkArity("f()", [], 0);
  });

  it("describeValue names values without relying on class names", () => {
    assert.equal(describeValue(2), "number 2");
    assert.equal(describeValue(true), "boolean true");
    assert.equal(describeValue("a"), 'string "a"');
    assert.equal(describeValue([1, 2, 3]), "an array of length 3");
    assert.equal(describeValue(() => 1), "a function");
    assert.equal(describeValue(torch.zeros([1])), "a Tensor");
    assert.equal(describeValue(undefined), "undefined");
  });
});
