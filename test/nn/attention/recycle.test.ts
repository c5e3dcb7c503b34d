/**
 * The Transformer layers and attention ops hand their private intermediates (dropout masks, attention
 * probabilities, layer-norm xhat, the layer's activations) back to the storage pool when backward
 * releases the graph (autograd/activations.ts). Training must be bit for bit what it is with that
 * recycling off: a buffer reused too early would change the gradients. Also: tensors the caller holds
 * (the input, the output) are never recycled, and a hooked submodule turns the layer's recycling off.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as torch from "../../../src/index.ts";
import { setActivationRecycling } from "../../../src/autograd/activations.ts";

function train(recycle: boolean, normFirst: boolean, hook: boolean): number[] {
  setActivationRecycling(recycle);
  try {
    torch.manualSeed(7);
    // sizes over the pool's minimum buffer, so that the recycled memory really is reused
    const x = torch.randn([32, 4, 128]);
    const target = torch.randn([32, 4, 128]);
    const mask = torch.nn.Transformer.generateSquareSubsequentMask(32);
    const layer = new torch.nn.TransformerEncoderLayer(128, 4, { dimFeedforward: 256, dropout: 0.2, normFirst });
    const model = new torch.nn.TransformerEncoder(layer, 2);
    if (hook) (model.layers.at(0) as torch.nn.TransformerEncoderLayer).linear1.registerForwardHook(() => undefined);
    const opt = new torch.optim.SGD(model.parameters(), { lr: 0.05 });
    const out: number[] = [];
    for (let i = 0; i < 4; i++) {
      opt.zeroGrad();
      const y = model.forward(x, { mask });
      const loss = torch.nn.F.mseLoss(y, target);
      loss.backward();
      opt.step();
      out.push(loss.item() as number, y.sum().item() as number);
    }
    out.push(x.sum().item() as number);
    for (const p of model.parameters()) out.push(...Array.from(p.detach().flatten().toTypedArray()).slice(0, 64));
    return out;
  } finally {
    setActivationRecycling(true);
  }
}

describe("recycled intermediates", () => {
  for (const normFirst of [false, true]) {
    test(`TransformerEncoder training is bit-identical with recycling on and off${normFirst ? " (normFirst)" : ""}`, () => {
      const on = train(true, normFirst, false);
      const off = train(false, normFirst, false);
      assert.equal(on.length, off.length);
      on.forEach((v, i) => assert.ok(Object.is(v, off[i]), `value ${i}: ${v} vs ${off[i]}`));
    });
  }

  test("a hooked submodule: same training", () => {
    const on = train(true, false, true);
    const off = train(false, false, true);
    on.forEach((v, i) => assert.ok(Object.is(v, off[i]), `value ${i}: ${v} vs ${off[i]}`));
  });
});
