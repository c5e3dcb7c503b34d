/**
 * Bad inputs and arguments to the issue-15 layers raise kindling's typed errors with PyTorch 1.13's
 * message (test/fixtures/nn15_errors.json), and kindling's own argument checks refuse what plain
 * JavaScript lets through (unknown or snake_case keys, wrong types, missing required arguments).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import { ArgumentError, IndexError, KindlingError } from "../../src/errors.ts";
import { type Call, type Tens, build, loadJson, run, tensor } from "./nn15_common.ts";

interface Case extends Call {
  inputs: Tens[];
  error: string;
  type: string;
  requiresGrad?: boolean;
}

const fx = loadJson<{ cases: Case[] }>("nn15_errors.json");

function throwsKindling(fn: () => unknown, message: string | RegExp, type: new (...a: never[]) => Error = KindlingError): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof type, `expected a ${type.name}, got ${String(e)}`);
    if (typeof message === "string") assert.equal((e as Error).message, message);
    else assert.match((e as Error).message, message);
    return true;
  });
}

describe("PyTorch's errors", () => {
  for (const c of fx.cases) {
    test(c.name, () => {
      const ins = c.inputs.map((t) => tensor(t, c.requiresGrad === true));
      const thunk = () => (c.fn === undefined && ins.length === 0 ? build(c) : run(c, ins));
      // kindling's broadcast errors name the two shapes after PyTorch's message.
      const expected = c.error.startsWith("The size of tensor a") ? new RegExp(`^${c.error.replace(/[()]/g, "\\$&")} \\(shapes `) : c.error;
      throwsKindling(thunk, expected, c.type === "IndexError" ? IndexError : KindlingError);
    });
  }
});

describe("kindling's argument checks", () => {
  const { nn } = torch;
  const F = nn.F;
  const x = torch.ones([2, 4]);
  const make = (C: unknown, ...a: unknown[]) => () => Reflect.construct(C as new (...b: unknown[]) => unknown, a);
  const call = (f: unknown, ...a: unknown[]) => () => (f as (...b: unknown[]) => unknown)(...a);
  const cases: [string, () => unknown, string][] = [
    ["F.celu snake key", call(F.celu, x, { alpha: 1, in_place: true }), "F.celu(): unknown option 'in_place' (did you mean 'inplace'?)"],
    ["F.relu6 string", call(F.relu6, x, "yes"), 'F.relu6(): argument 2 (inplace) must be a boolean, got string "yes"'],
    ["F.celu_ snake key", call(F.celu_, x, { Alpha: 2 }), "F.celu_(): unknown option 'Alpha' (did you mean 'alpha'?)"],
    ["F.selu_ extra argument", call(F.selu_, x, true), "F.selu_(): takes at most 1 positional arguments but 2 were given"],
    ["F.threshold_ missing value", call(F.threshold_, x, 0.5), "F.threshold_(): missing required argument 'value'"],
    ["F.threshold missing value", call(F.threshold, x, 0.5), "F.threshold(): missing required argument 'value'"],
    ["F.threshold both ways", call(F.threshold, x, 0.5, 1, { threshold: 0.2 }), "F.threshold(): got multiple values for argument 'threshold'"],
    ["F.softshrink too many", call(F.softshrink, x, 0.5, 1), "F.softshrink(): takes at most 2 positional arguments but 3 were given"],
    ["F.normalize snake", call(F.normalize, x, { p: 2, Dim: 1 }), "F.normalize(): unknown option 'Dim' (did you mean 'dim'?)"],
    ["F.pairwiseDistance keep_dim", call(F.pairwiseDistance, x, x, { keep_dim: true }), "F.pairwiseDistance(): unknown option 'keep_dim' (did you mean 'keepdim'?)"],
    ["F.maxPool1d snake", call(F.maxPool1d, torch.ones([1, 2, 4]), 2, { return_indices: true }), "F.maxPool1d(): unknown option 'return_indices' (did you mean 'returnIndices'?)"],
    ["F.maxPool1d no kernel", call(F.maxPool1d, torch.ones([1, 2, 4]), { stride: 2 }), "F.maxPool1d(): missing required argument 'kernelSize'"],
    ["F.adaptiveMaxPool2d size", call(F.adaptiveMaxPool2d, torch.ones([1, 2, 4]), "2"), "F.adaptiveMaxPool2d(): argument 2 (outputSize) must be an int or a tuple of ints and nulls, got string"],
    ["F.pixelShuffle float factor", call(F.pixelShuffle, torch.ones([4, 2, 2]), 1.5), "F.pixelShuffle(): argument 2 (upscaleFactor) must be an int, got number 1.5"],
    ["nn.ReLU6 two args", make(nn.ReLU6, true, true), "nn.ReLU6(): takes at most 1 argument but 2 were given"],
    ["nn.CELU snake", make(nn.CELU, { alpha: 1, in_place: true }), "nn.CELU(): unknown option 'in_place' (did you mean 'inplace'?)"],
    ["nn.Threshold missing", make(nn.Threshold, 0.1), "nn.Threshold(): argument 2 (value) must be a number, got undefined"],
    ["nn.Softshrink string", make(nn.Softshrink, "0.5"), 'nn.Softshrink(): argument 1 (lambd) must be a number, got string "0.5"'],
    ["nn.Softsign arg", make(nn.Softsign, 1), "nn.Softsign(): takes no arguments but 1 was given"],
    ["nn.GLU float dim", make(nn.GLU, 0.5), "nn.GLU(): argument 1 (dim) must be an int, got number 0.5"],
    ["nn.PairwiseDistance snake", make(nn.PairwiseDistance, { keep_dim: true }), "nn.PairwiseDistance(): unknown option 'keep_dim' (did you mean 'keepdim'?)"],
    ["nn.ConstantPad2d missing value", make(nn.ConstantPad2d, 1), "nn.ConstantPad2d(): missing required argument 'value'"],
    ["nn.ConstantPad2d padding string", make(nn.ConstantPad2d, "1", 0), "nn.ConstantPad2d(): argument 1 (padding) must be an int or a tuple of ints, got string"],
    ["nn.ReflectionPad1d two args", make(nn.ReflectionPad1d, 1, 2), "nn.ReflectionPad1d(): takes at most 1 argument but 2 were given"],
    ["nn.PixelShuffle missing", make(nn.PixelShuffle), "nn.PixelShuffle(): missing required argument 'upscaleFactor'"],
    ["nn.MaxPool1d snake", make(nn.MaxPool1d, 2, { ceil_mode: true }), "nn.MaxPool1d(): unknown option 'ceil_mode' (did you mean 'ceilMode'?)"],
    ["nn.AvgPool1d count_include_pad", make(nn.AvgPool1d, 2, { count_include_pad: false }), "nn.AvgPool1d(): unknown option 'count_include_pad' (did you mean 'countIncludePad'?)"],
    ["nn.AdaptiveMaxPool2d size", make(nn.AdaptiveMaxPool2d, { output_size: 1 }), "nn.AdaptiveMaxPool2d(): unknown option 'output_size' (did you mean 'outputSize'?)"],
  ];
  for (const [name, fn, message] of cases) test(name, () => throwsKindling(fn, message, ArgumentError));
});
