/**
 * `seq[i]` on Sequential and ModuleList, PyTorch's `model[0]` / `model[-1]`: reads and replaces by
 * position, negative from the end, and follows append, insert, pop and named members.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

const { nn } = torch;

test("seq[i] and seq[-i] read the member at that position, as PyTorch's indexing", () => {
  const fc1 = new nn.Linear(2, 3);
  const act = new nn.ReLU();
  const fc2 = new nn.Linear(3, 1);
  const s = new nn.Sequential(fc1, act, fc2);
  assert.equal(s[0], fc1);
  assert.equal(s[1], act);
  assert.equal(s[2], fc2);
  assert.equal(s[-1], fc2);
  assert.equal(s[-3], fc1);
  assert.equal(s[3], undefined, "past the end: no member (PyTorch raises IndexError; JS reads undefined)");
  assert.throws(() => s.at(3), /index 3 is out of range/);
  assert.deepEqual(Object.keys(s).filter((k) => /^-?\d+$/.test(k)), [], "accessors are not enumerable");
});

test("assigning seq[i] replaces the member under its key, as `model[-1] = nn.Linear(...)`", () => {
  const s = new nn.Sequential(new nn.Linear(4, 4), new nn.ReLU(), new nn.Linear(4, 2));
  s[-1] = new nn.Linear(4, 7);
  assert.deepEqual([...s.forward(torch.randn([5, 4])).shape], [5, 7]);
  assert.deepEqual(Object.keys(s.stateDict()), ["0.weight", "0.bias", "2.weight", "2.bias"]);
  s[1] = new nn.Tanh();
  assert.equal(s[1]!.constructor.name, "Tanh");
  assert.throws(() => ((s as { [i: number]: unknown })[0] = 3), /is not a Module subclass/);
});

test("positions follow append, insert, pop, named Sequentials and ModuleList", () => {
  const s = new nn.Sequential(new nn.ReLU(), new nn.Tanh());
  const id = new nn.Identity();
  s.insert(0, id);
  assert.equal(s[0], id);
  assert.equal(s[-1]!.constructor.name, "Tanh");
  s.pop();
  assert.equal(s.length, 2);
  assert.equal(s[2], undefined);
  assert.equal(s[-3], undefined);
  assert.equal(s.at(-1).constructor.name, "ReLU");
  s.append(new nn.Sigmoid());
  assert.equal(s.at(2).constructor.name, "Sigmoid");
  const named = new nn.Sequential(new Map<string, torch.nn.Module>([["fc", new nn.Linear(1, 1)], ["act", new nn.ReLU()]]));
  assert.equal(named[1]!.constructor.name, "ReLU");
  assert.deepEqual(Object.keys(named.stateDict()), ["fc.weight", "fc.bias"]);
  const ml = new nn.ModuleList([new nn.ReLU()]);
  ml.append(new nn.Tanh());
  assert.equal(ml[1]!.constructor.name, "Tanh");
  assert.equal(ml[-2]!.constructor.name, "ReLU");
});

test("a deep copy (Transformer's layer clones) indexes its own members", async () => {
  const { deepCopyModule } = await import("../../src/nn/attention/clone.ts");
  const s = new nn.Sequential(new nn.Linear(2, 2), new nn.ReLU());
  const c = deepCopyModule(s);
  assert.notEqual(c[0], s[0]);
  assert.equal(c[0], c.at(0));
  c.append(new nn.Tanh());
  assert.equal(c[2]!.constructor.name, "Tanh");
  assert.equal(c[-1], c[2]);
  assert.equal(s[2], undefined);
});

test("children and parameters registered by name read as attributes, as PyTorch's __getattr__", () => {
  const named = new nn.Sequential(new Map<string, torch.nn.Module>([["fc", new nn.Linear(1, 2)], ["act", new nn.ReLU()]]));
  const attrs = named as unknown as { fc: torch.nn.Linear; act: torch.nn.Module };
  assert.equal(attrs.fc, named[0]);
  assert.equal(attrs.act, named[1]);
  const m = new nn.Module();
  const conv = new nn.Conv2d(1, 1, 1);
  m.addModule("conv", conv);
  const p = nn.Parameter(torch.zeros([2]));
  m.registerParameter("scale", p);
  const a = m as unknown as { conv: torch.nn.Module; scale: torch.Tensor | null };
  assert.equal(a.conv, conv);
  assert.equal(a.scale, p);
  const p2 = nn.Parameter(torch.ones([2]));
  a.scale = p2;
  assert.deepEqual([...m.parameters()].includes(p2), true);
  assert.throws(() => (a.scale = torch.ones([2])), /cannot assign a plain Tensor as parameter 'scale'/);
  assert.deepEqual(Object.keys(m.stateDict()), ["scale", "conv.weight", "conv.bias"]);
  // a name the class already uses (a method) is refused, as PyTorch's KeyError
  assert.throws(() => m.addModule("train", new nn.ReLU()), /attribute 'train' already exists/);
  assert.equal(typeof m.train, "function");
  assert.throws(() => new nn.ModuleDict({ keys: new nn.ReLU() }), /attribute 'keys' already exists/);
});
