/** Module mechanics: registration order, traversal, modes, gradients, apply, containers, Parameter. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

const { nn } = torch;
type Tensor = torch.Tensor;

class Block extends nn.Module {
  scale: Tensor;
  fc: torch.nn.Linear;
  drop = new nn.Dropout(0.5);
  note = "plain properties are ignored";
  plain = torch.zeros([2]);

  constructor() {
    super();
    this.fc = new nn.Linear(3, 2);
    this.scale = new nn.Parameter(torch.ones([2]));
    this.registerBuffer("count", torch.tensor(0));
  }

  override forward(x: Tensor): Tensor {
    return this.drop.forward(this.fc.forward(x)).mul(this.scale);
  }
}

test("parameters are found in assignment order, recursively, each once", () => {
  const b = new Block();
  // Class fields are defined in declaration order (scale before fc), as PyTorch's registration order.
  assert.deepEqual(b.namedParameters().map(([k]) => k), ["scale", "fc.weight", "fc.bias"]);
  assert.deepEqual(b.namedParameters({ recurse: false }).map(([k]) => k), ["scale"]);
  assert.deepEqual(b.namedParameters({ prefix: "m" }).map(([k]) => k), ["m.scale", "m.fc.weight", "m.fc.bias"]);
  assert.equal(b.parameters()[1], b.fc.weight);
  assert.deepEqual(b.namedChildren().map(([k]) => k), ["fc", "drop"]);
  assert.deepEqual(b.namedModules().map(([k]) => k), ["", "fc", "drop"]);
  assert.deepEqual(b.namedBuffers().map(([k]) => k), ["count"]);
  assert.deepEqual(Object.keys(b.stateDict()), ["scale", "count", "fc.weight", "fc.bias"]);
  assert.equal(b.getSubmodule("fc"), b.fc);
  assert.equal(b.getBuffer("count")!.item(), 0);
});

test("a shared module or parameter is listed once by parameters() but under each name in stateDict()", () => {
  const shared = new nn.Linear(2, 2);
  const seq = new nn.Sequential(shared, new nn.ReLU(), shared);
  assert.equal(seq.parameters().length, 2);
  assert.deepEqual(Object.keys(seq.stateDict()), ["0.weight", "0.bias", "2.weight", "2.bias"]);
  assert.deepEqual(seq.namedModules().map(([k]) => k), ["", "0", "1"]);
});

test("Parameter: a leaf requiring grad, sharing storage, recognised by instanceof", () => {
  const t = torch.randn([2, 3]);
  const p = new nn.Parameter(t);
  assert.equal(p.requiresGrad, true);
  assert.equal(p.isLeaf, true);
  assert.equal(p.storage, t.storage);
  assert.ok(p instanceof nn.Parameter);
  assert.ok(!(t instanceof nn.Parameter));
  assert.ok(nn.isParameter(p));
  assert.equal(nn.Parameter(t, false).requiresGrad, false);
  assert.match(String(p), /^Parameter containing:\ntensor\(/);
});

test("train() and eval() propagate to every submodule", () => {
  const m = new nn.Sequential(new Block(), new nn.Sequential(new nn.Dropout()));
  assert.ok(m.modules().every((x) => x.training));
  assert.equal(m.eval(), m);
  assert.ok(m.modules().every((x) => !x.training));
  m.train();
  assert.ok(m.modules().every((x) => x.training));
  m.at(1).train(false);
  assert.deepEqual(m.modules().map((x) => x.training), [true, true, true, true, false, false]);
});

test("zeroGrad zeroes gradients in place by default (PyTorch 1.13), or sets them to null", () => {
  const lin = new nn.Linear(3, 2);
  lin.forward(torch.randn([4, 3])).sum().backward();
  const g = lin.weight.grad!;
  lin.zeroGrad();
  assert.equal(lin.weight.grad, g, "same gradient tensor, zeroed in place");
  assert.ok(Array.from(g.toTypedArray()).every((v) => v === 0));
  lin.zeroGrad({ setToNone: false });
  assert.equal(lin.weight.grad, g);
  lin.zeroGrad({ setToNone: true });
  assert.equal(lin.weight.grad, null);
  assert.equal(lin.bias!.grad, null);
});

test("apply visits children first, then the module; requiresGrad_ freezes every parameter", () => {
  const m = new nn.Sequential(new nn.Linear(2, 2), new nn.Sequential(new nn.Linear(2, 2)));
  const seen: string[] = [];
  m.apply((x) => seen.push(x.getName()));
  assert.deepEqual(seen, ["Linear", "Linear", "Sequential", "Sequential"]);
  m.apply((x) => {
    if (x instanceof nn.Linear) nn.init.zeros_(x.weight);
  });
  assert.ok(m.parameters().filter((_, i) => i % 2 === 0).every((p) => p.toTypedArray().every((v) => v === 0)));
  m.requiresGrad_(false);
  assert.ok(m.parameters().every((p) => !p.requiresGrad));
  assert.equal(m.forward(torch.randn([1, 2])).requiresGrad, false);
  m.requiresGrad_();
  assert.ok(m.parameters().every((p) => p.requiresGrad));
});

test("non-persistent buffers are not in the state dict; buffers read and write as properties", () => {
  const m = new nn.Module();
  m.registerBuffer("running_mean", torch.zeros([3]));
  m.registerBuffer("tmp", torch.ones([1]), false);
  m.registerBuffer("none", null);
  assert.deepEqual(Object.keys(m.stateDict()), ["running_mean"]);
  assert.deepEqual(m.namedBuffers().map(([k]) => k), ["running_mean", "tmp"]);
  const rec = m as unknown as Record<string, Tensor>;
  rec.running_mean = torch.ones([3]);
  assert.deepEqual(m.getBuffer("running_mean")!.tolist(), [1, 1, 1]);
  m.loadStateDict({ running_mean: torch.full([3], 5) });
  assert.deepEqual(rec.running_mean!.tolist(), [5, 5, 5]);
});

test("explicit registration: registerParameter, addModule with any key", () => {
  const m = new nn.Module();
  m.registerParameter("w", nn.Parameter(torch.ones([2])));
  m.addModule("1", new nn.Linear(2, 1));
  m.addModule("a", new nn.ReLU());
  assert.deepEqual(Object.keys(m.stateDict()), ["w", "1.weight", "1.bias"]);
  assert.equal(m.toString(), "Module(\n  (1): Linear(in_features=2, out_features=1, bias=True)\n  (a): ReLU()\n)");
  assert.throws(() => m.registerParameter("x", torch.ones([1])), torch.ArgumentError);
});

test("to(float64) converts parameters and buffers, keeping sharing and requiresGrad", () => {
  const shared = new nn.Linear(2, 2);
  const m = new nn.Sequential(shared, shared);
  m.registerBuffer("steps", torch.tensor(3));
  const before = shared.weight.tolist();
  m.double();
  assert.equal(shared.weight.dtype, "float64");
  assert.ok(nn.isParameter(shared.weight) && shared.weight.requiresGrad);
  assert.deepEqual(shared.weight.tolist(), before);
  assert.equal(m.parameters().length, 2);
  assert.equal(m.getBuffer("steps")!.dtype, "int64", "integer buffers keep their dtype");
  assert.equal(m.forward(torch.randn([1, 2], { dtype: "float64" })).dtype, "float64");
});

test("Sequential: indexing, iteration, append/insert/pop renumbering, named members", () => {
  const a = new nn.ReLU();
  const b = new nn.Tanh();
  const c = new nn.Sigmoid();
  const s = new nn.Sequential(a, b);
  assert.equal(s.length, 2);
  assert.equal(s.at(-1), b);
  assert.deepEqual([...s], [a, b]);
  s.append(c);
  assert.deepEqual(s.namedChildren().map(([k]) => k), ["0", "1", "2"]);
  assert.equal(s.pop(0), a);
  assert.deepEqual(s.namedChildren().map(([k, m]) => [k, m]), [["0", b], ["1", c]]);
  s.insert(1, a);
  assert.deepEqual([...s], [b, a, c]);
  s.set(0, c);
  assert.equal(s.at(0), c);
  const x = torch.tensor([-1, 0, 2], { dtype: "float32" });
  const named = new nn.Sequential(new Map<string, torch.nn.AnyModule>([["act", new nn.ReLU()], ["sq", new nn.Sigmoid()]]));
  assert.deepEqual(named.namedChildren().map(([k]) => k), ["act", "sq"]);
  assert.deepEqual(named.forward(x).tolist(), torch.sigmoid(torch.relu(x)).tolist());
  assert.equal(new nn.Sequential().forward(x), x, "an empty Sequential is the identity");
});

test("ModuleList and ModuleDict register members; ModuleDict keeps insertion order for any key", () => {
  const list = new nn.ModuleList([new nn.Linear(2, 2)]);
  list.append(new nn.Linear(2, 3)).extend([new nn.ReLU()]);
  assert.equal(list.length, 3);
  assert.deepEqual(Object.keys(list.stateDict()), ["0.weight", "0.bias", "1.weight", "1.bias"]);
  const d = new nn.ModuleDict({ b: new nn.ReLU(), a: new nn.Linear(1, 1) });
  d.set("1", new nn.Tanh());
  assert.deepEqual(d.keys(), ["b", "a", "1"]);
  assert.deepEqual([...d], ["b", "a", "1"]);
  assert.ok(d.get("a") instanceof nn.Linear);
  assert.ok(d.has("1") && !d.has("z"));
  assert.ok(d.pop("b") instanceof nn.ReLU);
  assert.deepEqual(d.items().map(([k]) => k), ["a", "1"]);
  assert.equal(d.length, 2);
  assert.deepEqual(Object.keys(d.stateDict()), ["a.weight", "a.bias"]);
});

test("call() is forward(); toString is also what console.log shows", async () => {
  const lin = new nn.Linear(2, 3);
  const x = torch.randn([1, 2]);
  assert.deepEqual(lin.call(x).tolist(), lin.forward(x).tolist());
  const { inspect } = await import("node:util");
  assert.equal(inspect(lin), "Linear(in_features=2, out_features=3, bias=True)");
});

test("Linear init: U(-1/sqrt(in), 1/sqrt(in)), reproducible under manualSeed, optional bias and dtype", () => {
  torch.manualSeed(7);
  const a = new nn.Linear(400, 50);
  torch.manualSeed(7);
  const b = new nn.Linear(400, 50);
  assert.deepEqual(a.weight.tolist(), b.weight.tolist());
  assert.deepEqual(a.bias!.tolist(), b.bias!.tolist());
  const bound = 1 / Math.sqrt(400);
  for (const p of [a.weight, a.bias!]) {
    const v = Array.from(p.toTypedArray());
    assert.ok(v.every((x) => Math.abs(x) <= bound * (1 + 1e-6)));
    assert.ok(Math.max(...v.map(Math.abs)) > 0.9 * bound);
  }
  const nb = new nn.Linear(3, 2, { bias: false, dtype: "float64" });
  assert.equal(nb.bias, null);
  assert.equal(nb.weight.dtype, "float64");
  assert.deepEqual(nb.namedParameters().map(([k]) => k), ["weight"]);
  assert.equal(nb.toString(), "Linear(in_features=3, out_features=2, bias=False)");
});

test("zeroGrad({ setToNone: false }) detaches a gradient that has a graph in place, as PyTorch does", () => {
  const lin = new nn.Linear(2, 1);
  const g = torch.ones([1, 2]).requiresGrad_().mul(3);
  lin.weight.grad = g;
  lin.zeroGrad({ setToNone: false });
  assert.equal(lin.weight.grad, g, "same tensor");
  assert.equal(g.gradFn, null);
  assert.equal(g.requiresGrad, false);
  assert.deepEqual(g.tolist(), [[0, 0]]);
});
