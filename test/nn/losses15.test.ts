/**
 * The losses of issue 15 against PyTorch 1.13 (test/fixtures/losses15.json from
 * scripts/fixtures/gen_losses15.py): every F form's output and the gradient of every input that
 * requires one (backward of sum(output * gradOutput)), over reductions, 0-d / unbatched, broadcast,
 * transposed and empty inputs, both float dtypes; PyTorch's errors; and the modules' outputs, reprs
 * and state-dict keys.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import { KindlingError } from "../../src/errors.ts";
import { readFileSync } from "node:fs";
import { type TensJson, fromJson, relError } from "../helpers/fixture.ts";

type Json = number | string | boolean | null | Json[] | { [k: string]: Json };

type Tensor = torch.Tensor;
const { nn } = torch;
const F = nn.F;

interface Case {
  name: string;
  fn: string;
  inputs: TensJson[];
  grad: boolean[];
  transpose: boolean[];
  opts: Record<string, Json>;
  output: TensJson;
  gradOutput: TensJson;
  grads: (TensJson | null)[];
}
interface ErrorCase {
  name: string;
  fn: string;
  inputs: TensJson[];
  opts: Record<string, Json>;
  type: string;
  error: string;
}
interface ModuleCase {
  type: string;
  opts: Record<string, Json>;
  repr: string;
  inputs: TensJson[];
  output: TensJson;
  stateKeys: string[];
  weight: TensJson | null;
}

// The fixture writes NaN and the infinities as strings (JSON has none).
const SPECIAL: Record<string, number> = { nan: NaN, inf: Infinity, "-inf": -Infinity };
const fx = JSON.parse(readFileSync(new URL("../fixtures/losses15.json", import.meta.url), "utf8"), (_k, v: unknown) =>
  typeof v === "string" && v in SPECIAL ? SPECIAL[v] : v,
) as { cases: Case[]; errors: ErrorCase[]; modules: ModuleCase[] };

const cosineDistance = (a: Tensor, b: Tensor): Tensor => {
  const dot = a.mul(b).sum(-1);
  const na = a.mul(a).sum(-1).sqrt().clamp(1e-8);
  const nb = b.mul(b).sum(-1).sqrt().clamp(1e-8);
  return dot.div(na.mul(nb)).neg().add(1);
};

const TOL: Record<string, number> = { float32: 1e-4, float64: 1e-6 };

/**
 * Shape, dtype and values against PyTorch's: NaN and the infinities exactly where PyTorch has them,
 * the finite values within the normwise relative error the other nn fixtures use.
 */
function check(actual: Tensor | null | undefined, expected: TensJson, where: string): void {
  assert.ok(actual, `${where}: expected a tensor, got ${String(actual)}`);
  assert.deepEqual([...actual.shape], expected.shape, `${where}: shape`);
  assert.equal(actual.dtype, expected.dtype, `${where}: dtype`);
  const a = [...actual.toTypedArray()].map(Number);
  const e = expected.data;
  if (expected.dtype !== "float32" && expected.dtype !== "float64") return assert.deepEqual(a, e, `${where}: values`);
  e.forEach((v, i) => {
    if (!Number.isFinite(v)) assert.ok(Object.is(a[i], v), `${where}: [${i}] is ${a[i]}, PyTorch's ${v}`);
  });
  const fin = e.map((v, i) => (Number.isFinite(v) ? i : -1)).filter((i) => i >= 0);
  const { err } = relError(fin.map((i) => a[i]!), fin.map((i) => e[i]!));
  assert.ok(err <= TOL[expected.dtype]!, `${where}: relative error ${err.toExponential(2)} > ${TOL[expected.dtype]}`);
}

type O = Record<string, never>;

/** The kindling call of a fixture: a `weight: true` option means the last input is the weight. */
function callFn(fn: string, ins: Tensor[], opts: Record<string, Json>): Tensor {
  const o: Record<string, unknown> = { ...opts };
  const args = [...ins];
  if (o["weight"] === true) o["weight"] = args.pop();
  if (o["distanceFunction"] === "cosine") o["distanceFunction"] = cosineDistance;
  const k = o as O;
  const [a, b, c] = args as [Tensor, Tensor, Tensor];
  switch (fn) {
    case "marginRankingLoss":
      return F.marginRankingLoss(a, b, c, k);
    case "hingeEmbeddingLoss":
      return F.hingeEmbeddingLoss(a, b, k);
    case "softMarginLoss":
      return F.softMarginLoss(a, b, k);
    case "multilabelSoftMarginLoss":
      return F.multilabelSoftMarginLoss(a, b, k);
    case "multiMarginLoss":
      return F.multiMarginLoss(a, b, k);
    case "multilabelMarginLoss":
      return F.multilabelMarginLoss(a, b, k);
    case "tripletMarginLoss":
      return F.tripletMarginLoss(a, b, c, k);
    case "tripletMarginWithDistanceLoss":
      return F.tripletMarginWithDistanceLoss(a, b, c, k);
    case "poissonNllLoss":
      return F.poissonNllLoss(a, b, k);
    case "gaussianNllLoss":
      return F.gaussianNllLoss(a, b, c, k);
    default:
      throw new Error(`unknown fn ${fn}`);
  }
}

describe("issue 15 losses match PyTorch", () => {
  for (const c of fx.cases) {
    test(c.name, () => {
      const leaves = c.inputs.map((t, i) => fromJson(t, c.grad[i]));
      const views = leaves.map((l, i) => (c.transpose[i] ? l.t() : l));
      const out = callFn(c.fn, views, c.opts);
      check(out, c.output, `${c.name}: output`);
      if (c.grad.some((g) => g)) {
        out.backward(fromJson(c.gradOutput));
        c.grads.forEach((g, i) => {
          if (g !== null) check(leaves[i]!.grad, g, `${c.name}: grad of input ${i}`);
        });
      }
    });
  }
});

/** kindling's wording where it differs from PyTorch's (the message PyTorch gives is in the fixture). */
const OWN_WORDING: Record<string, RegExp> = {
  "softMarginLoss int64 input": /^soft_margin_loss: expected a floating point input, got int64$/,
  "multiMarginLoss int32 target": /^expected scalar type Long but found int32$/,
  "multiMarginLoss float target": /^expected scalar type Long but found float32$/,
  "multilabelMarginLoss float target": /^expected scalar type Long but found float32$/,
  "multiMarginLoss float64 weight for float32 input": /^expected scalar type float32 but found float64$/,
  "multiMarginLoss int64 input": /^multi_margin_loss: expected a floating point input, got int64$/,
  "gaussianNllLoss int64 var": /^gaussian_nll_loss: expected a floating point var, got int64$/,
  "gaussianNllLoss var of incorrect size": /^var is of incorrect size \(\[3\] for an input of \[2, 3\]\)$/,
};

const KIND: Record<string, string> = { ValueError: "ArgumentError", IndexError: "IndexError" };

describe("PyTorch's errors", () => {
  for (const c of fx.errors) {
    const key = `${c.fn} ${c.name}`;
    test(`${key}: ${c.error}`, () => {
      const ins = c.inputs.map((t) => fromJson(t));
      assert.throws(() => callFn(c.fn, ins, c.opts), (e: unknown) => {
        assert.ok(e instanceof KindlingError, `expected a KindlingError, got ${String(e)}`);
        const own = OWN_WORDING[key];
        if (own) assert.match(e.message, own);
        // kindling's broadcast errors add the two shapes after PyTorch's sentence.
        else assert.ok(e.message.startsWith(c.error.replace(/torch\.Size\((\[[^\]]*\])\)/g, "$1").trimEnd()), `${e.message} vs PyTorch's ${c.error}`);
        const kind = KIND[c.type];
        if (kind && !/incorrect size|one-dimensional/.test(c.error)) assert.equal(e.name, kind);
        return true;
      });
    });
  }
});

function buildModule(type: string, opts: Record<string, Json>, weight: Tensor | null): torch.nn.AnyModule {
  const o = { ...opts, ...(opts["weight"] === true ? { weight } : {}) } as O;
  const make: Record<string, () => unknown> = {
    MarginRankingLoss: () => new nn.MarginRankingLoss(o),
    HingeEmbeddingLoss: () => new nn.HingeEmbeddingLoss(o),
    SoftMarginLoss: () => new nn.SoftMarginLoss(o),
    MultiLabelSoftMarginLoss: () => new nn.MultiLabelSoftMarginLoss(o),
    MultiMarginLoss: () => new nn.MultiMarginLoss(o),
    MultiLabelMarginLoss: () => new nn.MultiLabelMarginLoss(o),
    PoissonNLLLoss: () => new nn.PoissonNLLLoss(o),
    GaussianNLLLoss: () => new nn.GaussianNLLLoss(o),
    TripletMarginLoss: () => new nn.TripletMarginLoss(o),
    TripletMarginWithDistanceLoss: () => new nn.TripletMarginWithDistanceLoss(o),
  };
  return make[type]!() as torch.nn.AnyModule;
}

describe("modules", () => {
  for (const m of fx.modules) {
    test(`${m.type}: output, repr, state dict`, () => {
      const mod = buildModule(m.type, m.opts, m.weight ? fromJson(m.weight) : null);
      assert.equal(mod.toString(), m.repr);
      assert.deepEqual(Object.keys(mod.stateDict()), m.stateKeys);
      const out = (mod as unknown as { forward(...a: Tensor[]): Tensor }).forward(...m.inputs.map((t) => fromJson(t)));
      check(out, m.output, `${m.type}: output`);
    });
  }
});
