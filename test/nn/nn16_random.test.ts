/**
 * The issue-16 layers whose output is random, checked by their statistics: AlphaDropout and
 * FeatureAlphaDropout (mean and variance kept, dropped values at one point), Dropout1d/3d (whole channels),
 * reproducibility with a generator, eval identity, and F.gumbelSoftmax (sample frequencies, the
 * straight-through gradient of hard samples). The p = 0 / p = 1 / eval cases are in nn16.test.ts's fixtures.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

const { nn } = torch;

/** Mean and variance of a tensor's values. */
function stats(t: torch.Tensor): { mean: number; variance: number } {
  const v = Array.from(t.toTypedArray() as Float32Array);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return { mean, variance: v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length };
}

describe("dropout variants: the random masks by their statistics", () => {
  const ALPHA = 1.7580993408473766;
  test("AlphaDropout keeps mean 0 and variance 1 of a standard normal; dropped values sit at one point", () => {
    torch.manualSeed(3);
    const x = torch.randn([200000]);
    const p = 0.3;
    const y = new nn.AlphaDropout(p).forward(x);
    const { mean, variance } = stats(y);
    assert.ok(Math.abs(mean) < 0.01, `mean ${mean}`);
    assert.ok(Math.abs(variance - 1) < 0.02, `variance ${variance}`);
    const a = 1 / Math.sqrt((ALPHA * ALPHA * p + 1) * (1 - p));
    const dropped = -ALPHA * a + ALPHA * a * p;
    const yv = y.toTypedArray() as Float32Array;
    const xv = x.toTypedArray() as Float32Array;
    let nDropped = 0;
    for (let i = 0; i < yv.length; i++) {
      if (Math.abs(yv[i]! - dropped) < 1e-6) nDropped++;
      else assert.ok(Math.abs(yv[i]! - (a * xv[i]! + ALPHA * a * p)) < 1e-5, `kept value ${i}`);
    }
    assert.ok(Math.abs(nDropped / yv.length - p) < 0.01, `dropped fraction ${nDropped / yv.length}`);
  });

  test("FeatureAlphaDropout drops whole channels", () => {
    torch.manualSeed(4);
    const x = torch.randn([400, 50, 6]);
    const y = nn.F.featureAlphaDropout(x, 0.5, true);
    const { mean, variance } = stats(y);
    assert.ok(Math.abs(mean) < 0.02 && Math.abs(variance - 1) < 0.04, `mean ${mean} variance ${variance}`);
    // A kept channel is a*x + ALPHA*a*p all along its last dim; about half the channels are kept.
    const p = 0.5;
    const a = 1 / Math.sqrt((ALPHA * ALPHA * p + 1) * (1 - p));
    const shift = y.sub(x.mul(a));
    const kept = shift.sub(ALPHA * a * p).abs().amax(2).lt(1e-5);
    const fracKept = kept.float().mean().item() as number;
    assert.ok(Math.abs(fracKept - 0.5) < 0.02, `kept channels ${fracKept}`);
  });

  test("Dropout1d and Dropout3d zero whole channels and scale the rest", () => {
    torch.manualSeed(5);
    const p = 0.25;
    for (const [m, shape] of [[new nn.Dropout1d(p), [300, 40, 5]], [new nn.Dropout3d(p), [100, 40, 2, 2, 3]]] as const) {
      const x = torch.ones([...shape]);
      const y = m.forward(x);
      const flat = y.reshape([shape[0] * shape[1], -1]);
      const mx = flat.amax(1);
      const mn = flat.amin(1);
      assert.ok(mx.sub(mn).abs().max().item() === 0, "constant over each channel");
      const keptFrac = mx.gt(0).float().mean().item() as number;
      assert.ok(Math.abs(keptFrac - (1 - p)) < 0.02, `kept ${keptFrac}`);
      assert.ok(Math.abs((mx.max().item() as number) - 1 / (1 - p)) < 1e-6, "scaled by 1/(1-p)");
    }
    // Unbatched Dropout1d: [C, L].
    const y = nn.F.dropout1d(torch.ones([1000, 3]), 0.5);
    assert.deepEqual([...y.shape], [1000, 3]);
    assert.ok(y.amax(1).sub(y.amin(1)).abs().max().item() === 0);
  });

  test("the generator option makes masks reproducible; eval is the identity object", () => {
    const g1 = new torch.Generator().manualSeed(7);
    const g2 = new torch.Generator().manualSeed(7);
    const x = torch.randn([50]);
    const a = new nn.AlphaDropout({ p: 0.4, generator: g1 }).forward(x);
    const b = nn.F.alphaDropout(x, { p: 0.4, training: true, generator: g2 });
    assert.deepEqual(Array.from(a.toTypedArray() as Float32Array), Array.from(b.toTypedArray() as Float32Array));
    const x2 = x.reshape([5, 10]);
    assert.equal(new nn.FeatureAlphaDropout(0.4).eval().forward(x2), x2);
    const x5 = x.reshape([1, 5, 10, 1, 1]);
    assert.equal(new nn.Dropout3d(0.4).eval().forward(x5), x5);
  });
});

describe("F.gumbelSoftmax", () => {
  test("soft samples are distributions whose argmax follows softmax(logits)", () => {
    torch.manualSeed(11);
    const logits = torch.tensor([Math.log(0.5), Math.log(0.3), Math.log(0.2)]);
    const n = 20000;
    const y = nn.F.gumbelSoftmax(logits.expand([n, 3]), { tau: 0.5 });
    const rowSums = y.sum(1);
    assert.ok(rowSums.sub(1).abs().max().item() < 1e-5, "each sample sums to 1");
    const counts = [0, 0, 0];
    for (const k of Array.from(y.argmax(1).toTypedArray() as unknown as BigInt64Array, Number)) counts[k]!++;
    [0.5, 0.3, 0.2].forEach((p, k) => assert.ok(Math.abs(counts[k]! / n - p) < 0.015, `class ${k}: ${counts[k]! / n} vs ${p}`));
  });

  test("hard: one-hot values, the soft sample's gradient (straight through)", () => {
    const w = torch.randn([4, 5]);
    torch.manualSeed(12);
    const logits = torch.randn([4, 5], { requiresGrad: true });
    const y = nn.F.gumbelSoftmax(logits, { hard: true, dim: 1 });
    assert.deepEqual([...y.shape], [4, 5]);
    const v = Array.from(y.toTypedArray() as Float32Array);
    assert.ok(v.every((x) => x === 0 || x === 1), "one-hot");
    assert.deepEqual(Array.from(y.sum(1).toTypedArray() as Float32Array), [1, 1, 1, 1]);
    y.mul(w).sum().backward();
    // Replaying the same draws gives the soft sample; its gradient is the one the hard output passes back.
    torch.manualSeed(12);
    const logits2 = torch.randn([4, 5], { requiresGrad: true });
    const soft = nn.F.gumbelSoftmax(logits2, 1, false, 1e-10, 1);
    soft.mul(w).sum().backward();
    const g1 = Array.from(logits.grad!.toTypedArray() as Float32Array);
    const g2 = Array.from(logits2.grad!.toTypedArray() as Float32Array);
    g1.forEach((g, i) => assert.ok(Math.abs(g - g2[i]!) < 1e-6, `grad ${i}: ${g} vs ${g2[i]}`));
    assert.ok(g1.some((g) => g !== 0), "a gradient flows");
    // The hard output is the one-hot of the soft sample's argmax.
    assert.deepEqual(Array.from(y.argmax(1).toTypedArray() as unknown as BigInt64Array), Array.from(soft.argmax(1).toTypedArray() as unknown as BigInt64Array));
  });
});
