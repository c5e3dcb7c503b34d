/**
 * F.nllLoss / F.crossEntropy with PyTorch 1.13's deprecated sizeAverage and reduce options, against
 * test/fixtures/legacy_reduction.json (scripts/fixtures/gen_legacy_reduction.py): either one set decides the
 * reduction alone and `reduction` is ignored.
 */
import { readFileSync } from "node:fs";
import { test } from "node:test";
import * as torch from "../../src/index.ts";
import { type TensJson, checkTensor, fromJson } from "../helpers/fixture.ts";

const F = torch.nn.functional;
const fx = JSON.parse(readFileSync(new URL("../fixtures/legacy_reduction.json", import.meta.url), "utf8")) as {
  input: TensJson;
  target: TensJson;
  cases: { fn: "nll_loss" | "cross_entropy"; sizeAverage: boolean | null; reduce: boolean | null; reduction: "mean" | "none"; out: TensJson; w: TensJson; grad: TensJson }[];
};

for (const c of fx.cases) {
  test(`${c.fn}(sizeAverage=${c.sizeAverage}, reduce=${c.reduce}, reduction=${c.reduction})`, () => {
    const x = fromJson(fx.input, true);
    const opts = { sizeAverage: c.sizeAverage, reduce: c.reduce, reduction: c.reduction };
    const out = c.fn === "nll_loss" ? F.nllLoss(x, fromJson(fx.target), opts) : F.crossEntropy(x, fromJson(fx.target), opts);
    checkTensor(out, c.out, "loss");
    out.mul(fromJson(c.w)).sum().backward();
    checkTensor(x.grad, c.grad, "grad");
  });
}
