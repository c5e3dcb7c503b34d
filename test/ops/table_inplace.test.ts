/**
 * The in-place forms of the table ops (src/ops/table_inplace.ts) keep PyTorch's autograd rules: a leaf
 * that requires grad is refused, writes bump the version counter, a backward that saved the old value
 * (sin's input) or the result (tan_'s) refuses to run after another write, and the gradients and node
 * names are PyTorch's. Expected values printed by PyTorch 1.13 for the same inputs.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as torch from "../../src/index.ts";

const leaf = () => torch.tensor([0.5, 0.25, -0.75], { requiresGrad: true });
const close = (t: torch.Tensor | null, want: number[]) => {
  const got = Array.from(t!.toTypedArray(), Number);
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-4, `${got} vs ${want}`));
};
const MODIFIED = /^one of the variables needed for gradient computation has been modified by an inplace operation/;

describe("table in-place methods", () => {
  test("a leaf that requires grad is refused", () => {
    assert.throws(() => leaf().tan_(), { name: "AutogradError", message: "a leaf Variable that requires grad is being used in an in-place operation." });
  });
  test("the write bumps the version; sin's saved input then refuses backward", () => {
    const y = leaf().mul(1);
    const z = y.sin();
    y.tan_();
    assert.equal(y.version, 1);
    assert.throws(() => z.sum().backward(), { message: MODIFIED });
  });
  test("tan_ saves its result: a second write makes the first backward fail", () => {
    const y = leaf().mul(1);
    y.tan_();
    y.tan_();
    assert.throws(() => y.sum().backward(), { message: MODIFIED });
  });
  test("exp's saved result is its own tensor, so tan_ of the input leaves it valid", () => {
    const x = leaf();
    const y = x.mul(1);
    const w = y.exp();
    y.tan_();
    w.sum().backward();
    close(x.grad, [1.6487, 1.284, 0.4724]);
  });
  test("logical_not_ and logical_and_ are untracked: a leaf is written, history and gradients pass through", () => {
    const x = torch.tensor([0.5, 0, -0.75], { requiresGrad: true });
    x.logicalNot_();
    close(x, [0, 1, 0]);
    assert.equal(x.requiresGrad, true);
    const y = x.mul(2).logicalNot_();
    close(y, [1, 0, 1]);
    assert.equal(y.gradFn?.name, "MulBackward0");
    const o = torch.tensor([1, 0, 1], { requiresGrad: true, dtype: "float32" });
    const z = x.mul(2).logicalAnd_(o);
    close(z, [0, 0, 0]);
    z.sum().backward();
    y.sum().backward();
    close(x.grad, [4, 4, 4]);
    assert.equal(o.grad, null);
  });
  test("floatPower_ needs a float64 self; ldexp_ is refused where autograd would record it", () => {
    const x = torch.tensor([0.5, 2, 3]);
    assert.throws(() => x.clone().floatPower_(2), {
      name: "DTypeError", message: "the base given to float_power_ has dtype Float but the operation's result requires dtype Double",
    });
    assert.throws(() => torch.tensor([1, 2]).floatPower_(2), { message: /has dtype Long but/ });
    const y = torch.tensor([0.5, 2, 3], { dtype: "float64", requiresGrad: true });
    const z = y.mul(1).floatPower_(torch.tensor([1, 2, 0.5], { dtype: "float64" }));
    close(z, [0.5, 4, 1.7321]);
    assert.equal(z.gradFn?.name, "PowBackward1");
    z.sum().backward();
    close(y.grad, [1, 4, 0.2887]);
    close(x.clone().ldexp_(torch.tensor([1, 2, 3])), [1, 8, 24]);
    assert.throws(() => torch.tensor([1, 2]).ldexp_(torch.tensor([1, 2])), { message: "result type Float can't be cast to the desired output type Long" });
    assert.throws(() => leaf().mul(1).ldexp_(torch.tensor([1, 2, 3])), {
      name: "AutogradError", message: "mul(): functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.",
    });
  });
  test("fmod_, hypot_ and lt_: PyTorch's gradients and node names", () => {
    const x = leaf();
    const y = x.mul(1).fmod_(0.3);
    assert.equal(y.gradFn?.name, "FmodBackward0");
    y.sum().backward();
    close(x.grad, [1, 1, 1]);
    const x2 = leaf();
    const o = torch.tensor([0.2, 0.3, 0.4], { requiresGrad: true });
    const h = x2.mul(1).hypot_(o);
    assert.equal(h.gradFn?.name, "HypotBackward0");
    h.sum().backward();
    close(x2.grad, [0.9285, 0.6402, -0.8824]);
    close(o.grad, [0.3714, 0.7682, 0.4706]);
    const x3 = leaf();
    const l = x3.mul(1).lt_(0);
    assert.equal(l.gradFn?.name, "LtBackward0");
    close(l, [0, 0, 1]);
    l.sum().backward();
    close(x3.grad, [0, 0, 0]);
  });
});
