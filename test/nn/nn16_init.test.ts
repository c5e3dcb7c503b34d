/**
 * Initialisation of the issue-16 layers with parameters, as PyTorch's reset_parameters: the bounds of the
 * uniform draws (kaiming_uniform_(a=sqrt(5)) gives U(+-1/sqrt(fan_in)) for the weight; the bias uses the same
 * bound), Bilinear's U(+-1/sqrt(in1)) for both, EmbeddingBag's N(0, 1) with the padding row zeroed, and
 * the 3-d norms' ones/zeros. Values near each bound show the range is the whole interval, not a part of it.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

const { nn } = torch;
const values = (t: torch.Tensor): number[] => Array.from(t.toTypedArray() as Float32Array);

/** Every value inside +-bound, and the extremes within 5% of it (a few thousand draws make that certain). */
function spansUniform(t: torch.Tensor, bound: number, what: string): void {
  const v = values(t);
  const max = v.reduce((a, b) => Math.max(a, b), -Infinity);
  const min = v.reduce((a, b) => Math.min(a, b), Infinity);
  assert.ok(max <= bound && min >= -bound, `${what}: [${min}, ${max}] outside +-${bound}`);
  assert.ok(max > 0.95 * bound && min < -0.95 * bound, `${what}: [${min}, ${max}] does not fill +-${bound}`);
}

describe("issue 16 initialisation", () => {
  test("ConvTranspose1d: fan-in out/groups * k", () => {
    torch.manualSeed(1);
    const m = new nn.ConvTranspose1d(64, 40, 5, { groups: 2 });
    const bound = 1 / Math.sqrt((40 / 2) * 5);
    spansUniform(m.weight, bound, "weight");
    torch.manualSeed(1);
    const wide = new nn.ConvTranspose1d(2, 3000, 1);
    spansUniform(wide.bias!, 1 / Math.sqrt(3000), "bias");
  });

  test("Conv3d: fan-in in/groups * kD * kH * kW", () => {
    torch.manualSeed(2);
    const m = new nn.Conv3d(8, 16, [2, 3, 3], { groups: 2 });
    spansUniform(m.weight, 1 / Math.sqrt((8 / 2) * 18), "weight");
  });

  test("Bilinear: weight and bias U(+-1/sqrt(in1_features))", () => {
    torch.manualSeed(3);
    const m = new nn.Bilinear(9, 4, 1000);
    spansUniform(m.weight, 1 / 3, "weight");
    spansUniform(m.bias!, 1 / 3, "bias");
  });

  test("EmbeddingBag: N(0, 1), the padding row zero", () => {
    torch.manualSeed(4);
    const m = new nn.EmbeddingBag(2000, 10, { paddingIdx: 7 });
    assert.deepEqual(values(m.weight.select(0, 7)), new Array(10).fill(0));
    const v = values(m.weight);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length;
    assert.ok(Math.abs(mean) < 0.03 && Math.abs(variance - 1) < 0.05, `mean ${mean} variance ${variance}`);
  });

  test("BatchNorm3d and InstanceNorm3d: ones and zeros, running statistics 0 and 1", () => {
    const bn = new nn.BatchNorm3d(3);
    assert.deepEqual(values(bn.weight!), [1, 1, 1]);
    assert.deepEqual(values(bn.bias!), [0, 0, 0]);
    assert.deepEqual(values(bn.getBuffer("running_var")!), [1, 1, 1]);
    const inorm = new nn.InstanceNorm3d(2, { affine: true, trackRunningStats: true });
    assert.deepEqual(values(inorm.weight!), [1, 1]);
    assert.deepEqual(values(inorm.getBuffer("running_mean")!), [0, 0]);
  });
});
