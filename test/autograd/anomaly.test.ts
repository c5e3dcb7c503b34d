import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

const { autograd } = torch;

function throwsNaN(fn: () => unknown, start: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof torch.NonFiniteError, `expected NonFiniteError, got ${String(err)}`);
    assert.ok(err.message.startsWith(start), err.message);
    // The forward call site is the user's line, here this test file.
    assert.match(err.message, /its forward was called at .*anomaly\.test\.ts:\d+:\d+/);
    assert.ok(!err.message.includes("\n"));
    return true;
  });
}

test("detectAnomaly(fn) names the backward that returned NaN and restores the mode", () => {
  assert.equal(autograd.isAnomalyEnabled(), false);
  // d sqrt(x)/dx at 0 is inf, times the zero gradient from mul(0): NaN, born in SqrtBackward0.
  const x = torch.tensor([0, 4], { requiresGrad: true, dtype: "float64" });
  autograd.detectAnomaly(() => {
    assert.equal(autograd.isAnomalyEnabled(), true);
    const y = x.sqrt().mul(0).sum();
    throwsNaN(() => y.backward(), "Function 'SqrtBackward0' returned nan values in its 0th output");
  });
  assert.equal(autograd.isAnomalyEnabled(), false);
  assert.throws(() => autograd.detectAnomaly(() => { throw new Error("boom"); }), /boom/);
  assert.equal(autograd.isAnomalyEnabled(), false);
  // Off again, the same backward quietly gives NaN, as in PyTorch.
  x.sqrt().mul(0).sum().backward();
  assert.deepEqual(x.grad!.tolist(), [NaN, 0]);
});

test("the forward op that first turns finite inputs into NaN is named", () => {
  const x = torch.tensor([0, 1], { requiresGrad: true });
  autograd.detectAnomaly(() => {
    throwsNaN(() => x.div(x), "Function 'DivBackward0' returned nan values in its forward output from inputs without NaN");
    // An input that already holds NaN is not the first NaN: no error in forward.
    const n = torch.tensor([NaN, 1], { requiresGrad: true });
    assert.ok(Number.isNaN((n.mul(2).tolist() as number[])[0]!));
  });
});

test("using detectAnomaly() scopes the mode, nested scopes restore in order", () => {
  {
    using _outer = autograd.detectAnomaly();
    assert.equal(autograd.isAnomalyEnabled(), true);
    autograd.setDetectAnomaly(false);
    {
      using _inner = autograd.detectAnomaly({ checkNan: false });
      assert.equal(autograd.isAnomalyEnabled(), true);
      assert.equal(autograd.isAnomalyCheckNanEnabled(), false);
      const x = torch.tensor([0], { requiresGrad: true });
      x.div(x).sum().backward(); // checkNan off: no error
    }
    assert.equal(autograd.isAnomalyEnabled(), false);
    assert.equal(autograd.isAnomalyCheckNanEnabled(), true);
  }
  assert.equal(autograd.isAnomalyEnabled(), false);
  const scope = autograd.detectAnomaly();
  assert.equal(typeof scope[Symbol.dispose], "function");
  scope.dispose();
  autograd.setDetectAnomaly(true);
  scope.dispose(); // a second dispose changes nothing
  assert.equal(autograd.isAnomalyEnabled(), true);
  autograd.setDetectAnomaly(false);
});

test("detectAnomaly(async fn) stays on across awaits and restores when the promise settles", async () => {
  const seen = await autograd.detectAnomaly(async () => {
    await new Promise((r) => setTimeout(r, 1));
    return autograd.isAnomalyEnabled();
  });
  assert.equal(seen, true);
  assert.equal(autograd.isAnomalyEnabled(), false);
  await assert.rejects(
    autograd.detectAnomaly(async () => {
      await null;
      throw new Error("late");
    }),
    /late/,
  );
  assert.equal(autograd.isAnomalyEnabled(), false);
});
