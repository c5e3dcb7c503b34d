/**
 * PyTorch's `inplace=True` on the activation layers (and F's underscore forms), against PyTorch 1.13
 * (scripts/fixtures/gen_activation_inplace.py): values, gradients, node names, versions, errors, reprs.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import * as torch from "../../src/index.ts";
import { type TensJson, checkTensor } from "../helpers/fixture.ts";

const { nn } = torch;
const F = nn.functional;

interface Case {
  name: string;
  dtype: "float32" | "float64";
  same: boolean;
  version: number;
  gradFn: string;
  output: TensJson;
  grad: TensJson | null;
  error: string | null;
}
const FX = JSON.parse(readFileSync(new URL("../fixtures/activation_inplace.json", import.meta.url), "utf8")) as {
  values: number[];
  gw: number[];
  cases: Case[];
  reprs: string[];
  errors: Record<string, string>;
  dropout: { same: boolean; version: number; gradFn: string; values: number[] };
};

const LAYERS: Record<string, () => torch.nn.Module> = {
  ReLU: () => new nn.ReLU({ inplace: true }),
  "LeakyReLU(0.1)": () => new nn.LeakyReLU(0.1, { inplace: true }),
  "LeakyReLU(0)": () => new nn.LeakyReLU({ negativeSlope: 0, inplace: true }),
  "LeakyReLU(-0.2)": () => new nn.LeakyReLU(-0.2, true),
  ELU: () => new nn.ELU({ inplace: true }),
  "ELU(0.7)": () => new nn.ELU(0.7, { inplace: true }),
  "ELU(-0.5)": () => new nn.ELU(-0.5, true),
  Hardtanh: () => new nn.Hardtanh({ inplace: true }),
  "Hardtanh(-0.5,0.8)": () => new nn.Hardtanh(-0.5, 0.8, { inplace: true }),
  SiLU: () => new nn.SiLU(true),
  Mish: () => new nn.Mish({ inplace: true }),
};

/** The message before PyTorch's hint (whose API spelling differs). */
const beforeHint = (m: string) => m.split(" Hint:")[0]!;

describe("activation layers with inplace: true, as PyTorch's", () => {
  for (const c of FX.cases) {
    it(`${c.name} ${c.dtype}: writes into its input, records ${c.gradFn}, PyTorch's values and gradient${c.error ? " (or its error)" : ""}`, () => {
      const a = torch.tensor(FX.values, { dtype: c.dtype, requiresGrad: true });
      const x = a.mul(1);
      const y = LAYERS[c.name]!().forward(x);
      assert.equal(y === x, c.same);
      assert.equal(x.version, c.version);
      assert.equal(y.gradFn?.name, c.gradFn);
      checkTensor(y, c.output, `${c.name} output`);
      const backward = () => y.mul(torch.tensor(FX.gw, { dtype: c.dtype })).sum().backward();
      if (c.error !== null) {
        assert.throws(backward, (e: Error) => e.name === "AutogradError" && c.error!.startsWith(e.message.slice(0, 120)) && e.message.length > 100);
        return;
      }
      backward();
      checkTensor(a.grad, c.grad!, `${c.name} grad`);
    });
  }

  it("print as PyTorch's (inplace=True shown, nothing when false except Dropout's)", () => {
    const mods = [
      new nn.ReLU(), new nn.ReLU(true), new nn.LeakyReLU(), new nn.LeakyReLU(0.2, true), new nn.ELU(), new nn.ELU(0.5, true),
      new nn.Hardtanh(), new nn.Hardtanh(-2, 3, true), new nn.SiLU(), new nn.SiLU(true), new nn.Mish(true), new nn.Dropout(0.2, true),
      new nn.Dropout(), new nn.Dropout2d({ inplace: true }),
    ];
    assert.deepEqual(mods.map(String), FX.reprs);
  });

  it("refuses a leaf that requires grad; a saved input or result modified since is caught at backward", () => {
    assert.throws(() => F.relu(torch.tensor([1, -2], { requiresGrad: true }), { inplace: true }), { name: "AutogradError", message: FX.errors.leaf });
    let a = torch.tensor([1, -2], { requiresGrad: true });
    const s = a.sigmoid();
    new nn.ReLU(true).forward(s);
    assert.throws(() => s.sum().backward(), (e: Error) => beforeHint(e.message) === beforeHint(FX.errors.savedModified!));
    a = torch.tensor([1, -2], { requiresGrad: true });
    const y = new nn.ELU({ inplace: true }).forward(a.mul(1));
    y.mul_(2);
    assert.throws(() => y.sum().backward(), (e: Error) => beforeHint(e.message) === beforeHint(FX.errors.resultModified!));
  });

  it("Dropout(inplace) in training: the input itself, zeros and 1/(1-p), the mask's gradient; identity in eval", () => {
    torch.manualSeed(0);
    const a = torch.ones([1000], { requiresGrad: true });
    const x = a.mul(1);
    const drop = new nn.Dropout(0.25, { inplace: true });
    const y = drop.forward(x);
    assert.equal(y, x);
    assert.equal(x.version, FX.dropout.version);
    assert.equal(y.gradFn?.name, FX.dropout.gradFn);
    const vals = [...new Set(y.tolist() as number[])].sort((p, q) => p - q);
    assert.deepEqual(vals, FX.dropout.values);
    const kept = (y.tolist() as number[]).filter((v) => v !== 0).length;
    assert.ok(kept > 700 && kept < 800, `kept ${kept} of 1000`);
    y.sum().backward();
    assert.deepEqual(a.grad!.tolist(), y.tolist());
    drop.eval();
    const z = torch.tensor([1, 2]);
    assert.equal(drop.forward(z), z);
    assert.deepEqual(z.tolist(), [1, 2]);
    // Dropout2d zeroes whole channels of its input, in place.
    const img = torch.ones([2, 6, 3, 3]);
    const out = new nn.Dropout2d(0.5, true).forward(img);
    assert.equal(out, img);
    for (const v of img.sum([2, 3]).flatten().tolist() as number[]) assert.ok(v === 0 || v === 18, String(v));
  });

  it("F forms take inplace positionally or by keyword; the underscore forms write in place; without it, a new tensor", () => {
    const x = torch.tensor([-1, 0.5, 2]);
    const r = F.relu(x);
    assert.notEqual(r, x);
    assert.deepEqual(x.tolist(), [-1, 0.5, 2]);
    assert.equal(F.leakyRelu(x, 0.5, { inplace: true }), x);
    assert.deepEqual(x.tolist(), [-0.5, 0.5, 2]);
    assert.equal(F.hardtanh_(x, 0, 1), x);
    assert.deepEqual(x.tolist(), [0, 0.5, 1]);
    assert.equal(F.elu(x, { alpha: 2, inplace: true }), x);
    assert.equal(F.relu_(x), x);
    assert.equal(F.silu(x, true), x);
    assert.equal(F.mish(x, { inplace: true }), x);
    assert.equal(F.dropout(x, 0.5, { training: true, inplace: true }), x);
    assert.equal(F.dropout(x, { p: 0.5, training: false }), x);
    // Under noGrad nothing is recorded, and the write still happens.
    const w = torch.tensor([-1, 2], { requiresGrad: true });
    torch.noGrad(() => F.leakyRelu_(w, 0.1));
    assert.deepEqual(w.tolist(), [-0.10000000149011612, 2]);
  });

  it("wrong arguments are ArgumentErrors in PyTorch's terms", () => {
    assert.throws(() => new nn.ReLU({ in_place: true } as never), { name: "ArgumentError", message: "nn.ReLU(): unknown option 'in_place' (did you mean 'inplace'?)" });
    assert.throws(() => new nn.ReLU(1 as never), { name: "ArgumentError", message: "nn.ReLU(): argument 1 (inplace) must be a boolean, got number 1" });
    assert.throws(() => new (nn.ReLU as unknown as new (...a: unknown[]) => unknown)(true, true), { name: "ArgumentError", message: "nn.ReLU(): takes at most 1 argument but 2 were given" });
    assert.throws(() => new nn.LeakyReLU(0.2, { negativeSlope: 0.1 } as never), { name: "ArgumentError", message: "nn.LeakyReLU(): got multiple values for argument 'negativeSlope'" });
    assert.throws(() => F.relu(torch.ones([1]), { inplace: 1 } as never), { name: "ArgumentError", message: "F.relu(): option 'inplace' must be a boolean, got number 1" });
  });
});
