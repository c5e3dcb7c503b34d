/**
 * Module printing and naming against PyTorch (test/fixtures/nn/repr.json from gen_nn.py): the repr
 * string, state-dict keys (with shapes and dtypes), parameter, buffer and module names of a model that
 * uses every layer type (nested Sequential, ModuleList, ModuleDict, losses with buffers), of the seed
 * MLP, and of a custom Module subclass with buffers.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../../src/index.ts";

const { nn } = torch;

interface ModelEntry {
  repr: string;
  stateDict: [string, number[], string][];
  parameters: string[];
  buffers: string[];
  modules: string[];
}

const fx = JSON.parse(readFileSync(new URL("../fixtures/nn/repr.json", import.meta.url), "utf8")) as { models: Record<string, ModelEntry> };

/** The Python class Net in gen_nn.py. */
class Net extends nn.Module {
  fc1 = new nn.Linear(4, 8);
  act = new nn.ReLU();
  blocks = new nn.ModuleList([new nn.Linear(8, 8), new nn.Linear(8, 8, { bias: false })]);
  head = new nn.Sequential(new Map<string, torch.nn.AnyModule>([["fc", new nn.Linear(8, 3)], ["out", new nn.LogSoftmax(1)]]));

  constructor() {
    super();
    this.registerBuffer("running_mean", torch.zeros([8]));
    this.registerBuffer("num_batches_tracked", torch.tensor(0));
    this.registerBuffer("scratch", torch.zeros([2]), false);
  }

  override forward(x: torch.Tensor): torch.Tensor {
    let h = this.act.forward(this.fc1.forward(x));
    for (const b of this.blocks) h = b.forward(h) as torch.Tensor;
    return this.head.forward(h);
  }
}

function everything(): torch.nn.Module {
  return new nn.Sequential(
    new nn.Flatten(),
    new nn.Linear(784, 1024),
    new nn.ReLU(),
    new nn.Dropout(0.5),
    new nn.Linear(1024, 64, { bias: false }),
    new nn.Sequential(new nn.Sigmoid(), new nn.Tanh(), new nn.LeakyReLU(), new nn.LeakyReLU(0.2)),
    new nn.ModuleList([new nn.GELU(), new nn.GELU({ approximate: "tanh" }), new nn.Linear(64, 64), new nn.Identity()]),
    new nn.ModuleDict(
      new Map<string, torch.nn.AnyModule>([
        ["softmax", new nn.Softmax(1)],
        ["log_softmax", new nn.LogSoftmax(1)],
        ["proj", new nn.Linear(64, 12)],
        ["0", new nn.Dropout(0.1)],
      ]),
    ),
    new nn.Flatten(0, 1),
    new nn.Softmax(),
    new nn.Dropout(1e-5),
    new nn.CrossEntropyLoss({ weight: torch.ones([12]), labelSmoothing: 0.1 }),
    new nn.NLLLoss(),
    new nn.MSELoss(),
    new nn.L1Loss(),
    new nn.SmoothL1Loss({ beta: 0.5 }),
    new nn.BCELoss(),
    new nn.BCEWithLogitsLoss({ posWeight: torch.ones([12]) }),
  );
}

function seedMlp(): torch.nn.Module {
  return new nn.Sequential(
    new nn.Linear(784, 1024), new nn.ReLU(), new nn.Linear(1024, 2048), new nn.ReLU(),
    new nn.Linear(2048, 512), new nn.ReLU(), new nn.Linear(512, 12),
  );
}

function compare(model: torch.nn.Module, want: ModelEntry): void {
  assert.equal(model.toString(), want.repr);
  const sd = model.stateDict();
  assert.deepEqual(
    Object.entries(sd).map(([k, t]) => [k, [...t.shape], t.dtype]),
    want.stateDict,
  );
  assert.deepEqual(model.namedParameters().map(([k]) => k), want.parameters);
  assert.deepEqual(model.namedBuffers().map(([k]) => k), want.buffers);
  assert.deepEqual(model.namedModules().map(([k]) => k), want.modules);
}

test("a model with every layer type prints and names its state like PyTorch", () => compare(everything(), fx.models.everything!));
test("the seed MLP prints and names its state like PyTorch", () => compare(seedMlp(), fx.models.seedMlp!));
test("a custom Module subclass with buffers prints and names its state like PyTorch", () => compare(new Net(), fx.models.net!));

test("a state dict round-trips between two models and shares storage with the source", () => {
  torch.manualSeed(1);
  const a = new Net();
  const b = new Net();
  const sd = a.stateDict();
  assert.equal(sd["fc1.weight"]!.storage, a.fc1.weight.storage, "state dict values are detached views");
  assert.equal(sd["fc1.weight"]!.requiresGrad, false);
  b.loadStateDict(sd);
  for (const [k, t] of Object.entries(b.stateDict())) assert.deepEqual(t.tolist(), sd[k]!.tolist(), k);
  const x = torch.randn([2, 4]);
  assert.deepEqual(b.forward(x).tolist(), a.forward(x).tolist());
});
