/**
 * Every loss configuration against PyTorch (test/fixtures/nn/losses.json from gen_nn.py): reductions,
 * class weights, ignoreIndex, label smoothing, probability targets, [N, C, d...] and unbatched
 * inputs, pos_weight, beta. Both the functional form and the module form are checked: output,
 * gradient of the input and (where PyTorch differentiates it) of the target.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../../src/index.ts";
import { type TensJson, checkTensor, fromJson } from "../helpers/fixture.ts";

const { nn } = torch;
const F = nn.functional;
type Tensor = torch.Tensor;

interface LossCase {
  name: string;
  fn: string;
  dtype: "float32" | "float64";
  kwargs: {
    reduction: torch.nn.Reduction;
    weight?: TensJson;
    posWeight?: TensJson;
    ignoreIndex?: number;
    labelSmoothing?: number;
    beta?: number;
  };
  input: TensJson;
  target: TensJson;
  output: TensJson;
  gradOutput: TensJson;
  inputGrad: TensJson;
  targetGrad: TensJson | null;
}

const fx = JSON.parse(readFileSync(new URL("../fixtures/nn/losses.json", import.meta.url), "utf8")) as { cases: LossCase[] };

type LossFn = (x: Tensor, y: Tensor) => Tensor;

function functional(c: LossCase): LossFn {
  const k = c.kwargs;
  const weight = k.weight ? fromJson(k.weight) : null;
  const posWeight = k.posWeight ? fromJson(k.posWeight) : null;
  const reduction = k.reduction;
  switch (c.fn) {
    case "crossEntropy":
      return (x, y) => F.crossEntropy(x, y, { weight, reduction, ignoreIndex: k.ignoreIndex, labelSmoothing: k.labelSmoothing });
    case "nllLoss":
      return (x, y) => F.nllLoss(x, y, { weight, reduction, ignoreIndex: k.ignoreIndex });
    case "mseLoss":
      return (x, y) => F.mseLoss(x, y, { reduction });
    case "l1Loss":
      return (x, y) => F.l1Loss(x, y, { reduction });
    case "smoothL1Loss":
      return (x, y) => F.smoothL1Loss(x, y, { reduction, beta: k.beta });
    case "binaryCrossEntropy":
      return (x, y) => F.binaryCrossEntropy(x, y, { weight, reduction });
    case "binaryCrossEntropyWithLogits":
      return (x, y) => F.binaryCrossEntropyWithLogits(x, y, { weight, posWeight, reduction });
    default:
      throw new Error(`unknown loss ${c.fn}`);
  }
}

function moduleFor(c: LossCase): torch.nn.Loss {
  const k = c.kwargs;
  const weight = k.weight ? fromJson(k.weight) : null;
  const posWeight = k.posWeight ? fromJson(k.posWeight) : null;
  const reduction = k.reduction;
  switch (c.fn) {
    case "crossEntropy":
      return new nn.CrossEntropyLoss({ weight, reduction, ignoreIndex: k.ignoreIndex, labelSmoothing: k.labelSmoothing });
    case "nllLoss":
      return new nn.NLLLoss({ weight, reduction, ignoreIndex: k.ignoreIndex });
    case "mseLoss":
      return new nn.MSELoss({ reduction });
    case "l1Loss":
      return new nn.L1Loss({ reduction });
    case "smoothL1Loss":
      return new nn.SmoothL1Loss({ reduction, beta: k.beta });
    case "binaryCrossEntropy":
      return new nn.BCELoss({ weight, reduction });
    case "binaryCrossEntropyWithLogits":
      return new nn.BCEWithLogitsLoss({ weight, posWeight, reduction });
    default:
      throw new Error(`unknown loss ${c.fn}`);
  }
}

function check(c: LossCase, fn: LossFn, how: string): void {
  const x = fromJson(c.input, true);
  const y = fromJson(c.target, c.targetGrad !== null);
  const out = fn(x, y);
  checkTensor(out, c.output, `${c.name} (${how}): output`);
  out.backward(fromJson(c.gradOutput));
  checkTensor(x.grad, c.inputGrad, `${c.name} (${how}): input grad`);
  if (c.targetGrad) checkTensor(y.grad, c.targetGrad, `${c.name} (${how}): target grad`);
}

describe("losses match PyTorch", () => {
  for (const c of fx.cases) {
    test(c.name, () => {
      check(c, functional(c), "functional");
      const m = moduleFor(c);
      check(c, (x, y) => m.forward(x, y), "module");
    });
  }
});

test("class weights live in the state dict as PyTorch's buffers", () => {
  const w = torch.tensor([1, 2, 3], { dtype: "float32" });
  assert.deepEqual(Object.keys(new nn.CrossEntropyLoss({ weight: w }).stateDict()), ["weight"]);
  assert.deepEqual(Object.keys(new nn.CrossEntropyLoss().stateDict()), []);
  assert.deepEqual(Object.keys(new nn.BCEWithLogitsLoss({ weight: w, posWeight: w }).stateDict()), ["weight", "pos_weight"]);
  assert.equal(new nn.BCEWithLogitsLoss({ posWeight: w }).posWeight, w);
});
