/**
 * Module names that survive minification: each class torch.nn exports declares its PyTorch name
 * (static `builtinName`), which getName() and reprs use, since a minifier renames the class itself;
 * a subclass that declares none (a user's) is named by its own constructor, as PyTorch's `_get_name()`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

const { nn } = torch;

test("every module class in torch.nn declares its exported name", () => {
  const missing: string[] = [];
  let count = 0;
  for (const [name, v] of Object.entries(nn)) {
    if (typeof v !== "function" || !(v === nn.Module || v.prototype instanceof nn.Module)) continue;
    count++;
    const own = Object.getOwnPropertyDescriptor(v, "builtinName")?.value as unknown;
    if (own !== name) missing.push(`${name}: ${String(own)}`);
  }
  assert.deepEqual(missing, [], "add `/** @internal */ static override readonly builtinName: string = \"Name\";` to these classes");
  assert.ok(count >= 60, `${count} module classes`);
});

test("getName() prefers the declared name to the constructor's, and a subclass without one keeps its own", () => {
  // As a minifier leaves it: the class binding renamed.
  const Renamed = class Xr extends nn.Linear {
    static override readonly builtinName: string = "Linear";
  };
  assert.equal(new Renamed(2, 3).getName(), "Linear");
  assert.equal(new Renamed(2, 3).toString(), "Linear(in_features=2, out_features=3, bias=True)");
  class MyLinear extends nn.Linear {}
  assert.equal(new MyLinear(2, 3).getName(), "MyLinear");
  class Net extends nn.Module {}
  assert.equal(new Net().getName(), "Net");
  assert.equal(new nn.Module().getName(), "Module");
  assert.equal(new nn.Sequential(new MyLinear(1, 1)).toString(), "Sequential(\n  (0): MyLinear(in_features=1, out_features=1, bias=True)\n)");
});
