// Grad mode as PyTorch programs use it: noGrad(async fn) stays off across awaits (setTimeout inside),
// without leaking to other tasks; the disposable forms (`using _ = torch.noGrad()`); setGradEnabled
// and enableGrad in both forms; inferenceMode.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as torch from "../../src/index.ts";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const w = torch.ones([2], { requiresGrad: true });
const records = () => w.mul(2).requiresGrad;

test("noGrad(async fn): off for fn's code after each await, until it settles; other tasks keep recording", async () => {
  const inside: boolean[] = [];
  const p = torch.noGrad(async () => {
    inside.push(records());
    await sleep(5);
    inside.push(records(), torch.isGradEnabled());
    await new Promise<void>((resolve) => setTimeout(() => (inside.push(records()), resolve()), 1));
    return 42;
  });
  // Meanwhile, outside the scope, recording is on.
  assert.equal(records(), true);
  await sleep(1);
  assert.equal(records(), true);
  assert.equal(await p, 42);
  assert.deepEqual(inside, [false, false, false, false]);
  assert.equal(torch.isGradEnabled(), true);
  // A rejected fn restores the mode too.
  await assert.rejects(torch.noGrad(async () => {
    await sleep(1);
    throw new Error("boom");
  }), /boom/);
  assert.equal(torch.isGradEnabled(), true);
});

test("enableGrad(async fn) inside noGrad records, and nested async scopes keep their own modes", async () => {
  const seen = await torch.noGrad(async () => {
    const a = records();
    const b = await torch.enableGrad(async () => {
      await sleep(1);
      return records();
    });
    await sleep(1);
    return [a, b, records()];
  });
  assert.deepEqual(seen, [false, true, false]);
  // Two overlapping scopes with different modes do not disturb each other.
  const [x, y] = await Promise.all([
    torch.setGradEnabled(false, async () => (await sleep(3), records())),
    torch.setGradEnabled(true, async () => (await sleep(1), records())),
  ]);
  assert.deepEqual([x, y], [false, true]);
});

test("the disposable forms: using _ = noGrad() / enableGrad() / setGradEnabled(false) restore at the block's end", () => {
  {
    using _scope = torch.noGrad();
    assert.equal(records(), false);
    {
      using _inner = torch.enableGrad();
      assert.equal(records(), true);
    }
    assert.equal(records(), false);
  }
  assert.equal(records(), true);
  // set_grad_enabled switches at once, as a plain call; disposing switches back (once).
  const scope = torch.setGradEnabled(false);
  assert.equal(torch.isGradEnabled(), false);
  scope.dispose();
  scope.dispose();
  assert.equal(torch.isGradEnabled(), true);
  assert.equal(torch.setGradEnabled(false, () => records()), false);
  assert.equal(torch.isGradEnabled(), true);
  const sym = (Symbol as { dispose?: symbol }).dispose ?? Symbol.for("Symbol.dispose");
  const s2 = torch.noGrad() as unknown as Record<symbol, () => void>;
  s2[sym]!();
  assert.equal(torch.isGradEnabled(), true);
});

test("inferenceMode: no graph, isInferenceModeEnabled, both forms, and inferenceMode(false)", async () => {
  assert.equal(torch.isInferenceModeEnabled(), false);
  const r = torch.inferenceMode(() => [records(), torch.isInferenceModeEnabled()]);
  assert.deepEqual(r, [false, true]);
  assert.equal(await torch.inferenceMode(async () => (await sleep(1), torch.isInferenceModeEnabled() && !records())), true);
  {
    using _ = torch.inferenceMode();
    assert.equal(torch.isInferenceModeEnabled(), true);
    assert.equal(torch.inferenceMode(false, () => torch.isInferenceModeEnabled()), false);
  }
  assert.equal(torch.isInferenceModeEnabled(), false);
  assert.equal(torch.isGradEnabled(), true);
});

test("grad-mode functions check their arguments before switching anything", () => {
  assert.throws(() => torch.setGradEnabled("no" as never), torch.ArgumentError);
  assert.throws(() => torch.setGradEnabled(false, 3 as never), torch.ArgumentError);
  assert.throws(() => torch.noGrad(3 as never), torch.ArgumentError);
  assert.throws(() => torch.inferenceMode(true, {} as never), torch.ArgumentError);
  assert.equal(torch.isGradEnabled(), true);
  assert.equal(torch.isInferenceModeEnabled(), false);
});
