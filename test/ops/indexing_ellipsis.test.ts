/**
 * Several Ellipsis items in one index, as PyTorch 1.13 takes them (python_variable_indexing.cpp's
 * applySlicing): each `...` advances the dim by ndim - (dims the other items consume), so
 * x[..., 0, ...] is x[..., 0], and items after a second `...` land past the view's last dim, where
 * PyTorch reads a size of 0. Expected values and messages from /usr/bin/python3 (torch 1.13) on
 * x = torch.arange(120.).reshape(2, 3, 4, 5); i = torch.tensor([1, 0]).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as torch from "../../src/index.ts";

const E: typeof torch.Ellipsis = torch.Ellipsis;
const S = torch.Slice;
const x = () => torch.arange(120).reshape(2, 3, 4, 5).to("float32");
const i = torch.tensor([1, 0]);

/** [expression, PyTorch's shape, its first values] */
const VALUES: [unknown[], string, number[], number[]][] = [
  [[E, 0, E], "..., 0, ...", [2, 3, 4], [0, 5, 10, 15, 20, 25]],
  [[E, E], "..., ...", [2, 3, 4, 5], [0, 1, 2, 3, 4, 5]],
  [[E, null, E], "..., None, ...", [2, 3, 4, 5, 1], [0, 1, 2, 3, 4, 5]],
  [[E, S(1, 3), E], "..., 1:3, ...", [2, 3, 4, 2], [1, 2, 6, 7, 11, 12]],
  [[E, i, E], null as never, [2, 3, 4, 2], [1, 0, 6, 5, 11, 10]],
  [[null, E, null, E], "None, ..., None, ...", [1, 2, 3, 4, 5, 1], [0, 1, 2, 3, 4, 5]],
  [[E, E, 0, 0, 0, 0], "..., ..., 0, 0, 0, 0", [], [0]],
  [[E, 0, 0, 0, E, 0], "..., 0, 0, 0, ..., 0", [], [0]],
];

const ERRORS: [unknown[], string, string][] = [
  [[E, 0, E, 1], "..., 0, ..., 1", "index 1 is out of bounds for dimension 3 with size 0"],
  [[0, E, E, 1], "0, ..., ..., 1", "index 1 is out of bounds for dimension 3 with size 0"],
  [[E, 0, E, 1, 2], "..., 0, ..., 1, 2", "index 2 is out of bounds for dimension 4 with size 0"],
  [[E, 0, 0, E, 0], "..., 0, 0, ..., 0", "index 0 is out of bounds for dimension 4 with size 0"],
  [[E, S(), E, S()], "..., :, ..., :", "Dimension out of range (expected to be in range of [-4, 3], but got 5)"],
  [[i, E, E, i], null as never, "too many indices for tensor of dimension 4 (got 6)"],
];

describe("several Ellipsis items (PyTorch 1.13)", () => {
  for (const [expr, str, shape, first] of VALUES) {
    test(str ?? "..., i, ...", () => {
      for (const form of str === null ? [expr] : [expr, str]) {
        const r = x().index(form as never);
        assert.deepEqual(r.shape, shape, `${typeof form === "string" ? form : "array"}: shape`);
        assert.deepEqual((r.flatten().tolist() as number[]).slice(0, first.length), first, `${typeof form === "string" ? form : "array"}: values`);
      }
    });
  }
  for (const [expr, str, message] of ERRORS) {
    test(`${str ?? "i, ..., ..., i"} is PyTorch's IndexError`, () => {
      for (const form of str === null ? [expr] : [expr, str]) {
        assert.throws(() => x().index(form as never), (e: Error) => e instanceof torch.IndexError && e.message === message);
      }
    });
  }
  test("x[..., 0, ...] is a view, differentiable, and assignable (24 ones, as PyTorch)", () => {
    const base = x().requiresGrad_(true);
    const v = base.index([E, 0, E]);
    v.mul(2).sum().backward();
    assert.equal(base.grad!.sum().item(), 48);
    assert.equal(base.grad!.index([E, 0]).sum().item(), 48);
    const y = torch.zeros([2, 3, 4, 5]);
    y.indexPut_([E, 0, E], 1);
    assert.equal(y.sum().item(), 24);
    assert.equal(y.index("..., 0").sum().item(), 24);
    const z = torch.zeros([2, 3, 4, 5]);
    z.indexPut_("..., 0, ...", torch.ones([4]));
    assert.equal(z.sum().item(), 24);
  });
});
