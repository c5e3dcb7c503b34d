/** Error types and messages of nn: bad class indices, shape mismatches, strict loading, bad options. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

const { nn } = torch;
const F = nn.F;

function throwsLike(fn: () => unknown, type: new (...a: never[]) => Error, message: string | RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof type, `expected ${type.name}, got ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    if (typeof message === "string") assert.equal((e as Error).message, message);
    else assert.match((e as Error).message, message);
    return true;
  });
}

const logits = () => torch.randn([3, 12], { requiresGrad: true });

test("class index out of range is an IndexError naming the index and the class count", () => {
  throwsLike(() => F.crossEntropy(logits(), torch.tensor([0, 12, 1])), torch.IndexError, "Target 12 is out of bounds for 12 classes");
  throwsLike(() => new nn.CrossEntropyLoss().forward(logits(), torch.tensor([0, -1, 1])), torch.IndexError, "Target -1 is out of bounds for 12 classes");
  throwsLike(() => F.nllLoss(logits(), torch.tensor([0, 1, 30])), torch.IndexError, "Target 30 is out of bounds for 12 classes");
  // ignoreIndex is not out of range
  assert.doesNotThrow(() => F.crossEntropy(logits(), torch.tensor([0, -100, 1])));
});

test("loss shape mismatches are ShapeErrors naming both shapes", () => {
  throwsLike(
    () => F.crossEntropy(logits(), torch.tensor([0, 1])),
    torch.ShapeError,
    "Expected input batch_size (3) to match target batch_size (2) (input shape [3, 12], target shape [2]).",
  );
  throwsLike(
    () => F.crossEntropy(torch.randn([2, 3, 4]), torch.tensor([[0, 1, 2, 1], [0, 1, 2, 2]]).reshape([2, 4, 1])),
    torch.ShapeError,
    "Expected target size [2, 4], got [2, 4, 1]",
  );
  throwsLike(
    () => new nn.MSELoss().forward(torch.randn([4, 1]), torch.randn([4])),
    torch.ShapeError,
    "mse_loss: Using a target size ([4]) that is different to the input size ([4, 1]). Please ensure they have the same size.",
  );
  throwsLike(() => F.l1Loss(torch.randn([2, 3]), torch.randn([3, 2])), torch.ShapeError, /target size \(\[3, 2\]\).*input size \(\[2, 3\]\)/);
  throwsLike(() => F.smoothL1Loss(torch.randn([2]), torch.randn([3])), torch.ShapeError, /target size \(\[3\]\).*input size \(\[2\]\)/);
  throwsLike(
    () => F.binaryCrossEntropy(torch.rand([2, 3]), torch.rand([3])),
    torch.ShapeError,
    "binary_cross_entropy: Using a target size ([3]) that is different to the input size ([2, 3]) is deprecated. Please ensure they have the same size.",
  );
  throwsLike(
    () => new nn.BCEWithLogitsLoss().forward(torch.randn([2, 3]), torch.rand([3])),
    torch.ShapeError,
    "Target size ([3]) must be the same as input size ([2, 3])",
  );
  throwsLike(
    () => F.crossEntropy(logits(), torch.tensor([0, 1, 2]), { weight: torch.ones([5]) }),
    torch.ShapeError,
    "weight tensor should be defined either for all 12 classes or no classes but got weight tensor of shape: [5]",
  );
});

test("bad loss arguments", () => {
  throwsLike(() => F.crossEntropy(logits(), torch.zeros([3])), torch.DTypeError, /expected scalar type Long but found float32/);
  throwsLike(() => F.mseLoss(torch.randn([2]), torch.randn([2]), { reduction: "avg" as "mean" }), torch.ArgumentError, "avg is not a valid value for reduction");
  throwsLike(() => new nn.L1Loss({ reduction: "elementwise" as "none" }), torch.ArgumentError, "elementwise is not a valid value for reduction");
  throwsLike(() => F.crossEntropy(logits(), torch.tensor([0, 1, 2]), { labelSmoothing: 1.5 }), torch.ArgumentError, "label_smoothing must be between 0.0 and 1.0. Got: 1.5");
  throwsLike(() => F.smoothL1Loss(torch.randn([2]), torch.randn([2]), { beta: -1 }), torch.ArgumentError, "smooth_l1_loss does not support negative values for beta.");
  throwsLike(() => F.binaryCrossEntropy(torch.tensor([0.5, 1.5]), torch.tensor([0, 1], { dtype: "float32" })), torch.ArgumentError, "all elements of input should be between 0 and 1");
  throwsLike(
    () => F.crossEntropy(torch.randn([2, 3]), torch.rand([2, 3]), { ignoreIndex: 1 }),
    torch.ArgumentError,
    "ignore_index is not supported for floating point target",
  );
});

test("Dropout p out of range is an ArgumentError, as PyTorch's ValueError", () => {
  throwsLike(() => new nn.Dropout(1.5), torch.ArgumentError, "dropout probability has to be between 0 and 1, but got 1.5");
  throwsLike(() => new nn.Dropout(-0.1), torch.ArgumentError, "dropout probability has to be between 0 and 1, but got -0.1");
  throwsLike(() => F.dropout(torch.randn([3]), 2), torch.ArgumentError, "dropout probability has to be between 0 and 1, but got 2.0");
  throwsLike(() => new nn.Dropout(Number.NaN), torch.ArgumentError, "dropout probability has to be between 0 and 1, but got nan");
});

test("strict loadStateDict lists missing keys, unexpected keys and size mismatches in one error", () => {
  const model = new nn.Sequential(new nn.Linear(4, 4));
  const before = model.at(0).parameters()[0]!.tolist();
  throwsLike(
    () => model.loadStateDict({ "0.weight": torch.zeros([3, 4]), x: torch.zeros([1]) }),
    nn.StateDictError,
    'Error(s) in loading state_dict for Sequential:\n\tMissing key(s) in state_dict: "0.bias". \n\tUnexpected key(s) in state_dict: "x". \n\t' +
      "size mismatch for 0.weight: copying a param with shape [3, 4] from checkpoint, the shape in current model is [4, 4].",
  );
  assert.deepEqual(model.at(0).parameters()[0]!.tolist(), before, "a failed load changes nothing");
  throwsLike(
    () => new nn.Linear(3, 4).loadStateDict({ weight: torch.zeros([4, 3]), extra: torch.zeros([1]), more: torch.zeros([1]) }),
    nn.StateDictError,
    'Error(s) in loading state_dict for Linear:\n\tMissing key(s) in state_dict: "bias". \n\tUnexpected key(s) in state_dict: "extra", "more". ',
  );
});

test("non-strict loadStateDict reports keys, loads the rest, and still refuses size mismatches", () => {
  const lin = new nn.Linear(2, 2);
  const w = torch.tensor([[1, 2], [3, 4]], { dtype: "float32" });
  const res = lin.loadStateDict(new Map([["weight", w], ["junk", torch.zeros([1])]]), { strict: false });
  assert.deepEqual(res, { missingKeys: ["bias"], unexpectedKeys: ["junk"] });
  assert.deepEqual(lin.weight.tolist(), [[1, 2], [3, 4]]);
  assert.equal(lin.weight.requiresGrad, true, "still a trainable parameter");
  throwsLike(
    () => lin.loadStateDict({ weight: torch.zeros([2, 3]) }, { strict: false }),
    nn.StateDictError,
    "Error(s) in loading state_dict for Linear:\n\tsize mismatch for weight: copying a param with shape [2, 3] from checkpoint, the shape in current model is [2, 2].",
  );
  throwsLike(
    () => lin.loadStateDict({ weight: [[1]] as unknown as torch.Tensor, bias: torch.zeros([2]) }),
    nn.StateDictError,
    /While copying the parameter named "weight", expected torch.Tensor or Tensor-like object from checkpoint but received Array/,
  );
});

test("module misuse", () => {
  throwsLike(() => new nn.Module().forward(torch.zeros([1])), torch.KindlingError, 'Module [Module] is missing the required "forward" function');
  throwsLike(() => new nn.Module().addModule("a.b", new nn.ReLU()), torch.ArgumentError, 'module name can\'t contain ".", got: a.b');
  throwsLike(() => new nn.Sequential(new nn.ReLU()).at(3), torch.IndexError, "index 3 is out of range");
  throwsLike(() => new nn.Linear(3, 2).forward(torch.randn([4, 5])), torch.ShapeError, "mat1 and mat2 shapes cannot be multiplied (4x5 and 3x2)");
  throwsLike(() => new nn.Linear(2, 2).to("int64"), torch.ArgumentError, /only accepts floating point dtypes/);
  throwsLike(() => new nn.GELU({ approximate: "fast" as "tanh" }).forward(torch.randn([2])), torch.ArgumentError, /approximate argument must be either none or tanh/);
});
