/**
 * Issue-16 layers against PyTorch 1.13 (test/fixtures/nn16.json from scripts/fixtures/gen_nn16.py): every
 * module and F case (outputs, input and parameter gradients, repr, state keys), PyTorch's error messages,
 * the ParameterList/ParameterDict reprs and keys. Randomness: nn16_random.test.ts; lazy modules: nn16_lazy.test.ts.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import { fixture, runCase, runError } from "./nn16_common.ts";

const { nn } = torch;
const fx = fixture();

describe("issue 16 layers match PyTorch 1.13", () => {
  for (const c of fx.cases) test(c.name, () => runCase(c));
});

describe("issue 16 errors read like PyTorch's", () => {
  for (const c of fx.errors) test(c.name, () => runError(c));
});

const containerRepr = (name: string): { repr: string; keys: string[] } => {
  const c = fx.containers.find((x) => x.name === name);
  assert.ok(c, name);
  return c;
};

describe("ParameterList and ParameterDict", () => {
  test("list repr and keys, before and after append", () => {
    const l = new nn.ParameterList([nn.Parameter(torch.zeros([3, 4])), nn.Parameter(torch.zeros([3], { dtype: "float64" }))]);
    let fx1 = containerRepr("list of two");
    assert.equal(l.toString(), fx1.repr);
    assert.deepEqual(Object.keys(l.stateDict()), fx1.keys);
    const plain = torch.zeros([2]);
    l.append(plain);
    fx1 = containerRepr("list after append");
    assert.equal(l.toString(), fx1.repr);
    assert.deepEqual(Object.keys(l.stateDict()), fx1.keys);
    assert.ok(l.at(2) instanceof nn.Parameter, "a plain tensor is wrapped in a Parameter");
    assert.ok(l.at(2).requiresGrad);
    assert.equal(l.length, 3);
    assert.equal(l.at(-1), l.get(2));
    assert.equal(l[2], l.at(2));
    assert.equal(l[-3], l.at(0));
    const z = torch.zeros([7]);
    l[1] = z;
    assert.equal(l.at(1).shape[0], 7);
    assert.ok(l[1] instanceof nn.Parameter);
    assert.equal(containerRepr("list of one").repr, new nn.ParameterList([nn.Parameter(torch.zeros([2]))]).toString());
    assert.equal(containerRepr("list of a 0-d").repr, new nn.ParameterList([nn.Parameter(torch.zeros([]))]).toString());
    assert.equal(containerRepr("empty list").repr, new nn.ParameterList().toString());
  });

  test("list indexing, set, extend, iteration, parameters()", () => {
    const a = nn.Parameter(torch.ones([2]));
    const l = new nn.ParameterList([a]);
    l.extend([torch.zeros([1]), torch.zeros([3])]);
    assert.deepEqual([...l].map((p) => p.shape[0]), [2, 1, 3]);
    assert.deepEqual(l.namedParameters().map(([k]) => k), ["0", "1", "2"]);
    assert.equal(l.parameters()[0], a);
    const b = nn.Parameter(torch.ones([5]));
    l.set(-2, b);
    assert.equal(l.at(1), b);
    assert.throws(() => l.at(3), /index 3 is out of range/);
    assert.throws(() => l.at(-4), /index -4 is out of range/);
    assert.throws(() => l.append(3 as unknown as torch.Tensor), /expected a Tensor or nn.Parameter, got/);
  });

  test("dict repr and keys: a plain object sorted, a Map in order", () => {
    const d = new nn.ParameterDict({ b: nn.Parameter(torch.zeros([2])), a: nn.Parameter(torch.zeros([1, 2], { dtype: "float64" })) });
    let e = containerRepr("dict sorted");
    assert.equal(d.toString(), e.repr);
    assert.deepEqual(Object.keys(d.stateDict()), e.keys);
    d.set("c", torch.zeros([2]));
    e = containerRepr("dict after set");
    assert.equal(d.toString(), e.repr);
    assert.deepEqual(Object.keys(d.stateDict()), e.keys);
    assert.equal(new nn.ParameterDict().toString(), containerRepr("empty dict").repr);
    const m = new nn.ParameterDict(new Map([["z", torch.zeros([1])], ["y", torch.zeros([1])]]));
    assert.deepEqual(m.keys(), ["z", "y"]);
    assert.deepEqual([...m], ["z", "y"]);
    assert.ok(m.get("z") instanceof nn.Parameter);
    assert.throws(() => m.get("q"), /'ParameterDict' object has no attribute 'q'/);
    assert.equal(m.pop("z").shape[0], 1);
    assert.deepEqual(m.keys(), ["y"]);
    assert.equal(m.length, 1);
    m.update(d);
    assert.deepEqual(m.keys(), ["y", "a", "b", "c"]);
  });

  test("nested in a module: PyTorch's keys and repr; the optimizer trains them", () => {
    class Net extends nn.Module {
      pl = new nn.ParameterList([nn.Parameter(torch.zeros([1])), nn.Parameter(torch.zeros([2]))]);
      pd = new nn.ParameterDict({ w: nn.Parameter(torch.zeros([1])) });
    }
    const net = new Net();
    const e = containerRepr("nested");
    assert.equal(net.toString().replace(/^Net\(/, "Module("), e.repr);
    assert.deepEqual(Object.keys(net.stateDict()), e.keys);
    const opt = new torch.optim.SGD(net.parameters(), { lr: 1 });
    net.pl.at(1).sum().add(net.pd.get("w").mul(3).sum()).backward();
    opt.step();
    assert.deepEqual(Array.from(net.pl.at(1).toTypedArray() as Float32Array), [-1, -1]);
    assert.deepEqual(Array.from(net.pd.get("w").toTypedArray() as Float32Array), [-3]);
    const sd = net.stateDict();
    const fresh = new Net();
    fresh.loadStateDict(sd);
    assert.deepEqual(Array.from(fresh.pd.get("w").toTypedArray() as Float32Array), [-3]);
  });
});
