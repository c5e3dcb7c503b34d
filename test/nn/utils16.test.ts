/**
 * nn.init (orthogonal_, truncNormal_, eye_, dirac_, sparse_, calculateGain) and nn.utils
 * (parametersToVector, vectorToParameters, weightNorm, spectralNorm, conv/linear-BN fusion,
 * stateless.functionalCall, clipGradNorm) against PyTorch 1.13 (test/fixtures/optim16.json, written by
 * scripts/fixtures/gen_optim16.py). Random inits are checked by their defining properties, and
 * orthogonal_ exactly from PyTorch's own normal draws; modules start from PyTorch's seeded values
 * (spectralNorm from PyTorch's initial u and v). float32 values within 1e-5 normwise relative.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import * as torch from "../../src/index.ts";
import { orthogonalFromNormal } from "../../src/nn/init_more.ts";
import { type TensJson, fromJson, relError } from "../helpers/fixture.ts";

const { nn } = torch;
type Tensor = torch.Tensor;
type Dict = Record<string, TensJson>;
const TOL = 1e-5;

interface WeightNormCase {
  name: string; dim: number | null | "default"; initial: Dict; x: TensJson; y: TensJson;
  params: string[]; state_dict: Dict; grads: Dict; removed: { params: string[]; weight: TensJson };
}
interface SpectralStep { x: TensJson; y: TensJson; u: TensJson; v: TensJson; grad: TensJson; weight: TensJson }
interface SpectralCase {
  name: string; options: { n_power_iterations?: number; eps?: number; dim?: number }; initial: Dict; u0: TensJson; v0: TensJson;
  steps: SpectralStep[]; eval: { x: TensJson; y: TensJson; u: TensJson }; state_dict_keys: string[];
  removed: { params: string[]; weight: TensJson };
}
interface FusionCase { name: string; transpose: boolean; conv: Dict; bn: Dict; eps: number; x: TensJson; y: TensJson; y_unfused: TensJson; weight: TensJson; bias: TensJson }
interface ParamCase { state_dict: Dict; weight: TensJson; y?: TensJson; grad?: TensJson; removed?: Dict }
interface OrthCase {
  shape: number[]; map: "matrix_exp" | "cayley" | "householder" | null; use_trivialization: boolean; initial: Dict;
  base: TensJson | null; original: TensJson; weight: TensJson; state_dict_keys: string[];
  perturbed: TensJson; weight_perturbed: TensJson; x: TensJson; y: TensJson; grad: TensJson;
}
interface PruneCase {
  name: string; kind: "linear" | "conv"; steps: [string, Record<string, unknown>][]; initial: Dict; state_dict: Dict; params: string[];
  x: TensJson; y: TensJson; is_pruned: boolean; removed: { state_dict: Dict; params: string[]; is_pruned: boolean };
}
interface Fixture {
  prune: { cases: PruneCase[]; global: { initial: Dict[]; state_dicts: Dict[] } };
  parametrizations_orthogonal: OrthCase[];
  parametrizations_spectral_norm: (Omit<SpectralCase, "steps" | "removed"> & { steps: Omit<SpectralStep, "weight">[] })[];
  parametrize: {
    initial: Dict; x: TensJson; symmetric: ParamCase; chained: ParamCase;
    assigned: { a: TensJson; state_dict: Dict; weight: TensJson; removed_unparametrized: Dict };
  };
  init: {
    orthogonal: { shape: number[]; gain: number; normal: TensJson; result: TensJson }[];
    eye: { shape: number[]; result: TensJson }[];
    dirac: { shape: number[]; groups: number; result: TensJson }[];
    trunc_normal: { mean: number; std: number; a: number; b: number; expected_mean: number; expected_std: number }[];
    gains: [string, number | null, number][];
  };
  utils: {
    weight_norm: WeightNormCase[]; spectral_norm: SpectralCase[]; fusion: FusionCase[];
    functional_call: { initial: Dict; x: TensJson; w0: TensJson; rm: TensJson; y: TensJson; grad_w0: TensJson; y_plain: TensJson };
  };
}

const FIXTURE = JSON.parse(readFileSync(new URL("../fixtures/optim16.json", import.meta.url), "utf8")) as Fixture;

function close(actual: Tensor | null, expected: TensJson, where: string, tol = TOL): void {
  assert.ok(actual !== null, `${where}: missing`);
  assert.deepEqual([...actual.shape], expected.shape, `${where}: shape`);
  const { err } = relError(actual.toTypedArray() as Float32Array, expected.data as number[]);
  assert.ok(err <= tol, `${where}: rel err ${err}`);
}

const dict = (d: Dict): Record<string, Tensor> => Object.fromEntries(Object.entries(d).map(([k, v]) => [k, fromJson(v)]));
const attr = (m: unknown, name: string): Tensor => (m as Record<string, Tensor>)[name]!;
const names = (m: torch.nn.Module<unknown[], unknown>): string[] => m.namedParameters().map(([n]) => n);

describe("nn.init additions", () => {
  for (const c of FIXTURE.init.orthogonal) {
    it(`orthogonal_ ${JSON.stringify(c.shape)} gain ${c.gain}: PyTorch's result from PyTorch's normal draws`, () => {
      close(orthogonalFromNormal(fromJson(c.normal)).mul(c.gain).reshape(c.shape), c.result, "orthogonal");
    });

    it(`orthogonal_ ${JSON.stringify(c.shape)} gain ${c.gain}: (semi-)orthogonal times gain from kindling's draws`, () => {
      const w = nn.init.orthogonal_(torch.empty(c.shape), c.gain);
      const rows = c.shape[0]!;
      const flat = w.reshape([rows, -1]);
      const cols = flat.shape[1]!;
      // Orthonormal rows when wide, orthonormal columns when tall: W W^T or W^T W = gain^2 I.
      const gram = rows <= cols ? flat.matmul(flat.t()) : flat.t().matmul(flat);
      const n = Math.min(rows, cols);
      const want = torch.eye(n).mul(c.gain * c.gain);
      const diff = gram.sub(want).abs().max().item();
      assert.ok(diff < 1e-5, `max |gram - gain^2 I| = ${diff}`);
    });
  }

  it("orthogonal_ refuses a 1-D tensor, leaves an empty one, and keeps the parameter a leaf", () => {
    assert.throws(() => nn.init.orthogonal_(torch.empty([3])), /Only tensors with 2 or more dimensions are supported/);
    const e = torch.empty([0, 3]);
    assert.equal(nn.init.orthogonal_(e), e);
    const p = nn.Parameter(torch.empty([3, 3]));
    nn.init.orthogonal_(p);
    assert.ok(p.isLeaf && p.requiresGrad);
  });

  for (const c of FIXTURE.init.eye) {
    it(`eye_ ${JSON.stringify(c.shape)}`, () => close(nn.init.eye_(torch.empty(c.shape)), c.result, "eye_", 0));
  }

  for (const c of FIXTURE.init.dirac) {
    it(`dirac_ ${JSON.stringify(c.shape)} groups ${c.groups}`, () => close(nn.init.dirac_(torch.empty(c.shape), c.groups), c.result, "dirac_", 0));
  }

  it("eye_ and dirac_ refuse PyTorch's bad shapes with its messages", () => {
    assert.throws(() => nn.init.eye_(torch.empty([2, 2, 2])), /^ArgumentError: Only tensors with 2 dimensions are supported$/);
    assert.throws(() => nn.init.dirac_(torch.empty([2, 2])), /Only tensors with 3, 4, or 5 dimensions are supported/);
    assert.throws(() => nn.init.dirac_(torch.empty([5, 2, 3]), 2), /dim 0 must be divisible by groups/);
  });

  for (const c of FIXTURE.init.trunc_normal) {
    it(`truncNormal_ mean ${c.mean} std ${c.std} on [${c.a}, ${c.b}]: bounds and the truncated distribution's moments`, () => {
      const n = 40000;
      const t = nn.init.truncNormal_(torch.empty([n], { dtype: "float64" }), c.mean, c.std, c.a, c.b, { generator: new torch.Generator().manualSeed(7) });
      const d = t.toTypedArray() as Float64Array;
      let sum = 0;
      let sq = 0;
      for (const v of d) {
        assert.ok(v >= c.a && v <= c.b, `${v} outside [${c.a}, ${c.b}]`);
        sum += v;
        sq += v * v;
      }
      const mean = sum / n;
      const std = Math.sqrt(sq / n - mean * mean);
      // 5 standard errors of the mean / of the standard deviation.
      assert.ok(Math.abs(mean - c.expected_mean) < (5 * c.expected_std) / Math.sqrt(n), `mean ${mean} vs ${c.expected_mean}`);
      assert.ok(Math.abs(std - c.expected_std) < (5 * c.expected_std) / Math.sqrt(2 * n) * 1.5, `std ${std} vs ${c.expected_std}`);
    });
  }

  it("sparse_: exactly ceil(sparsity * rows) zeros per column, the rest Normal(0, std^2)", () => {
    const rows = 200;
    const t = nn.init.sparse_(torch.empty([rows, 50]), 0.33, 0.5, { generator: new torch.Generator().manualSeed(3) });
    const d = t.toTypedArray() as Float32Array;
    const zeros = Math.ceil(0.33 * rows);
    let sq = 0;
    let count = 0;
    for (let c = 0; c < 50; c++) {
      let z = 0;
      for (let r = 0; r < rows; r++) {
        const v = d[r * 50 + c]!;
        if (v === 0) z++;
        else {
          sq += v * v;
          count++;
        }
      }
      assert.equal(z, zeros, `column ${c}`);
    }
    const std = Math.sqrt(sq / count);
    assert.ok(Math.abs(std - 0.5) < 0.02, `std ${std}`);
    assert.throws(() => nn.init.sparse_(torch.empty([2, 2, 2]), 0.1), /Only tensors with 2 dimensions are supported/);
  });

  it("calculateGain matches PyTorch for every nonlinearity", () => {
    for (const [name, param, gain] of FIXTURE.init.gains) {
      const g = nn.init.calculateGain(name as torch.nn.init.Nonlinearity, param ?? undefined);
      assert.ok(Math.abs(g - gain) <= 1e-15 * gain, `${name} ${String(param)}: ${g} vs ${gain}`);
    }
    assert.throws(() => nn.init.calculateGain("softplus" as torch.nn.init.Nonlinearity), /Unsupported nonlinearity softplus/);
  });
});

describe("nn.utils.parametersToVector / vectorToParameters", () => {
  it("flatten in order, differentiably, and write back in order", () => {
    const a = nn.Parameter(torch.tensor([[1, 2], [3, 4]], { dtype: "float32" }));
    const b = nn.Parameter(torch.tensor([5, 6], { dtype: "float32" }));
    const v = nn.utils.parametersToVector([a, b]);
    assert.deepEqual([...(v.toTypedArray() as Float32Array)], [1, 2, 3, 4, 5, 6]);
    v.mul(torch.tensor([1, 2, 3, 4, 5, 6], { dtype: "float32" })).sum().backward();
    assert.deepEqual([...(a.grad!.toTypedArray() as Float32Array)], [1, 2, 3, 4]);
    nn.utils.vectorToParameters(torch.tensor([6, 5, 4, 3, 2, 1], { dtype: "float32" }), [a, b]);
    assert.deepEqual([...(a.toTypedArray() as Float32Array)], [6, 5, 4, 3]);
    assert.deepEqual([...(b.toTypedArray() as Float32Array)], [2, 1]);
    assert.ok(a.isLeaf && a.requiresGrad);
    assert.throws(() => nn.utils.vectorToParameters([1, 2] as never, [a]), /expected torch.Tensor, but got/);
    assert.throws(() => nn.utils.vectorToParameters(torch.zeros([3]), [a, b]), /the vector has 3 elements, but the parameters need 6/);
  });
});

function linearOrConv(name: string, initial: Dict): torch.nn.Module<[Tensor], Tensor> {
  const w = initial.weight!;
  const bias = "bias" in initial;
  let m: torch.nn.Module<[Tensor], Tensor>;
  if (name.startsWith("conv_transpose")) m = new nn.ConvTranspose2d(w.shape[0]!, w.shape[1]!, w.shape[2]!, { bias }) as unknown as torch.nn.Module<[Tensor], Tensor>;
  else if (name.startsWith("conv")) m = new nn.Conv2d(w.shape[1]!, w.shape[0]!, w.shape[2]!, { bias });
  else m = new nn.Linear(w.shape[1]!, w.shape[0]!, { bias });
  m.loadStateDict(dict(initial));
  return m;
}

describe("nn.utils.weightNorm / removeWeightNorm match PyTorch", () => {
  for (const c of FIXTURE.utils.weight_norm) {
    it(c.name, () => {
      const m = linearOrConv(c.name, c.initial);
      const before = attr(m, "weight");
      if (c.dim === "default") nn.utils.weightNorm(m);
      else nn.utils.weightNorm(m, { dim: c.dim });
      assert.deepEqual(names(m), c.params);
      assert.deepEqual(Object.keys(m.stateDict()), Object.keys(c.state_dict));
      for (const [k, v] of Object.entries(c.state_dict)) close(m.stateDict()[k]!, v, `state ${k}`);
      const y = m.call(fromJson(c.x));
      close(y, c.y, "forward");
      y.mul(y).sum().backward();
      for (const [k, v] of Object.entries(c.grads)) close(attr(m, k).grad, v, `grad ${k}`);
      assert.ok(!m.parameters().includes(before));
      torch.noGrad(() => attr(m, "weight_g").mul_(1.5));
      nn.utils.removeWeightNorm(m);
      assert.deepEqual(names(m), c.removed.params);
      close(attr(m, "weight"), c.removed.weight, "weight after remove");
      assert.ok(nn.isParameter(attr(m, "weight")));
    });
  }

  it("refuses a second weightNorm on a parameter, a missing one, and a remove without one (PyTorch's messages)", () => {
    const m = new nn.Linear(2, 3);
    nn.utils.weightNorm(m);
    assert.throws(() => nn.utils.weightNorm(m), /Cannot register two weight_norm hooks on the same parameter weight/);
    assert.throws(() => nn.utils.weightNorm(new nn.Linear(2, 3), "nope"), /module has no parameter 'nope'/);
    assert.throws(() => nn.utils.removeWeightNorm(new nn.Linear(2, 3)), /weight_norm of 'weight' not found in Linear\(in_features=2, out_features=3, bias=True\)/);
    assert.throws(() => nn.utils.weightNorm(new nn.Linear(2, 3), { dim: 2 }), /Dimension out of range/);
    assert.throws(() => nn.utils.weightNorm(new nn.Linear(2, 3), { Dim: 0 } as never), /unknown option 'Dim'/);
  });

  it("name as a positional argument; bias normalised over its only dim", () => {
    const m = new nn.Linear(2, 3);
    nn.utils.weightNorm(m, "bias", 0);
    assert.deepEqual(names(m), ["weight", "bias_g", "bias_v"]);
    const y = m.call(torch.ones([1, 2]));
    assert.deepEqual(y.shape, [1, 3]);
  });
});

describe("nn.utils.spectralNorm / removeSpectralNorm match PyTorch (from PyTorch's initial u, v)", () => {
  for (const c of FIXTURE.utils.spectral_norm) {
    it(c.name, () => {
      const m = linearOrConv(c.name, c.initial);
      const orig = attr(m, "weight");
      const o = c.options;
      nn.utils.spectralNorm(m, { nPowerIterations: o.n_power_iterations, eps: o.eps, dim: o.dim });
      assert.equal(attr(m, "weight_orig"), orig, "the parameter itself becomes weight_orig");
      assert.deepEqual(Object.keys(m.stateDict()), c.state_dict_keys);
      torch.noGrad(() => {
        attr(m, "weight_u").copy_(fromJson(c.u0));
        attr(m, "weight_v").copy_(fromJson(c.v0));
      });
      c.steps.forEach((s, i) => {
        m.zeroGrad();
        const y = m.call(fromJson(s.x));
        close(y, s.y, `step ${i} forward`);
        y.mul(y).sum().backward();
        close(attr(m, "weight_u"), s.u, `step ${i} u`);
        close(attr(m, "weight_v"), s.v, `step ${i} v`);
        close(attr(m, "weight"), s.weight, `step ${i} weight`);
        close(orig.grad, s.grad, `step ${i} weight_orig grad`, 1e-4);
      });
      m.eval();
      close(m.call(fromJson(c.eval.x)), c.eval.y, "eval forward");
      close(attr(m, "weight_u"), c.eval.u, "eval leaves u");
      nn.utils.removeSpectralNorm(m);
      assert.deepEqual(names(m), c.removed.params);
      close(attr(m, "weight"), c.removed.weight, "weight after remove");
      assert.deepEqual(Object.keys(m.stateDict()), ["bias", "weight"]);
    });
  }

  it("refuses PyTorch's bad arguments with its messages", () => {
    const m = new nn.Linear(2, 3);
    assert.throws(() => nn.utils.spectralNorm(m, { nPowerIterations: 0 }), /Expected n_power_iterations to be positive, but got n_power_iterations=0/);
    nn.utils.spectralNorm(m);
    assert.throws(() => nn.utils.spectralNorm(m), /Cannot register two spectral_norm hooks on the same parameter weight/);
    assert.throws(() => nn.utils.removeSpectralNorm(new nn.Linear(2, 3)), /spectral_norm of 'weight' not found in Linear/);
    assert.throws(() => nn.utils.spectralNorm(new nn.Linear(2, 3), { n_power_iterations: 2 } as never), /unknown option 'n_power_iterations'/);
  });
});

describe("nn.utils.fuseConvBnEval / fuseLinearBnEval match PyTorch", () => {
  for (const c of FIXTURE.utils.fusion) {
    it(c.name, () => {
      const conv = linearOrConv(c.name, c.conv);
      const w = c.conv.weight!;
      const bnChannels = c.bn.running_mean!.shape[0]!;
      const bn = c.name.startsWith("linear") ? new nn.BatchNorm1d(bnChannels, { eps: c.eps }) : new nn.BatchNorm2d(bnChannels, { eps: c.eps });
      bn.loadStateDict(dict(c.bn));
      conv.eval();
      bn.eval();
      const x = fromJson(c.x);
      close(bn.call(conv.call(x)), c.y_unfused, "unfused");
      const fused = c.name.startsWith("linear") ? nn.utils.fuseLinearBnEval(conv, bn) : nn.utils.fuseConvBnEval(conv, bn, c.transpose);
      assert.notEqual(fused, conv);
      close(fused.call(x), c.y, "fused forward");
      close(attr(fused, "weight"), c.weight, "fused weight");
      close(attr(fused, "bias"), c.bias, "fused bias");
      assert.ok(nn.isParameter(attr(fused, "bias")));
      close(attr(conv, "weight"), w, "the original is untouched", 0);
    });
  }

  it("fuseConvBnWeights without conv bias or affine BN, and training modules refused", () => {
    const [w, b] = nn.utils.fuseConvBnWeights(torch.ones([2, 1, 1, 1]), null, torch.tensor([1, 2]), torch.tensor([3, 8]), 1, null, null);
    assert.deepEqual([...(w.toTypedArray() as Float32Array)], [0.5, Math.fround(1 / 3)]);
    assert.deepEqual([...(b.toTypedArray() as Float32Array)].map((v) => Math.fround(v)), [Math.fround(-0.5), Math.fround(-2 / 3)]);
    assert.throws(() => nn.utils.fuseConvBnEval(new nn.Conv2d(1, 2, 1), new nn.BatchNorm2d(2)), /Fusion only for eval!/);
  });
});

describe("nn.utils.stateless.functionalCall matches PyTorch", () => {
  it("swaps a parameter and a buffer by dotted name for the call only; gradients reach the given tensor", () => {
    const c = FIXTURE.utils.functional_call;
    const m = new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4), new nn.Linear(4, 2));
    m.loadStateDict(dict(c.initial));
    m.eval();
    const before = m.namedParameters().map(([n, p]) => [n, p] as const);
    const w0 = fromJson(c.w0, true);
    const x = fromJson(c.x);
    const y = nn.utils.stateless.functionalCall<Tensor>(m, { "0.weight": w0, "1.running_mean": fromJson(c.rm) }, [x]);
    close(y, c.y, "functional call");
    y.mul(y).sum().backward();
    close(w0.grad, c.grad_w0, "grad of the given weight");
    assert.deepEqual(m.namedParameters().map(([n, p]) => [n, p] as const), before);
    close(m.call(x), c.y_plain, "the module afterwards");
    assert.equal(m.namedParameters()[0]![1].grad, null);
    const single = nn.utils.stateless.functionalCall<Tensor>(m, new Map([["0.weight", w0]]), x);
    assert.deepEqual(single.shape, [5, 2]);
  });

  it("restores the module when forward throws, and names a bad entry", () => {
    const m = new nn.Linear(3, 2);
    const w = m.weight;
    assert.throws(() => nn.utils.stateless.functionalCall(m, { weight: torch.ones([5, 5]) }, [torch.ones([1, 3])]));
    assert.equal(m.weight, w);
    assert.deepEqual(m.namedParameters().map(([n]) => n), ["weight", "bias"]);
    assert.throws(() => nn.utils.stateless.functionalCall(m, { weight: 3 } as never, [torch.ones([1, 3])]), /parametersAndBuffers\['weight'\] is not a Tensor/);
  });
});

describe("nn.utils.clipGradNorm (PyTorch 1.13's deprecated name)", () => {
  it("clips as clipGradNorm_ and returns the total norm", () => {
    const p = nn.Parameter(torch.zeros([2]));
    p.grad = torch.tensor([3, 4], { dtype: "float32" });
    const total = nn.utils.clipGradNorm([p], 1);
    assert.equal(total.item(), 5);
    const g = p.grad.toTypedArray() as Float32Array;
    assert.ok(Math.abs(g[0]! - 0.6) < 1e-6 && Math.abs(g[1]! - 0.8) < 1e-6);
  });
});

describe("nn.utils.skipInit", () => {
  it("constructs the module with nn.init's fills skipped (parameters zero, the random stream untouched)", () => {
    torch.manualSeed(5);
    const m = nn.utils.skipInit(nn.Linear, 3, 4, { bias: true });
    const after = torch.rand([3]).toTypedArray();
    torch.manualSeed(5);
    const fresh = torch.rand([3]).toTypedArray();
    assert.deepEqual([...after], [...fresh]);
    assert.deepEqual(m.namedParameters().map(([n, p]) => [n, p.shape]), [["weight", [4, 3]], ["bias", [4]]]);
    for (const p of m.parameters()) assert.ok([...(p.toTypedArray() as Float32Array)].every((v) => v === 0));
    const c = nn.utils.skipInit(nn.Conv2d, 2, 3, 3);
    assert.ok([...(c.weight.toTypedArray() as Float32Array)].every((v) => v === 0));
    // Outside skipInit, initialisation is back.
    assert.ok([...(new nn.Linear(3, 4).weight.toTypedArray() as Float32Array)].some((v) => v !== 0));
  });

  it("refuses what is not a Module class (PyTorch's message), and restores initialisation when the constructor throws", () => {
    assert.throws(() => nn.utils.skipInit(3 as never), /Expected a Module; got 3/);
    assert.throws(() => nn.utils.skipInit(nn.Linear, -1, 2));
    assert.ok([...(nn.init.ones_(torch.empty([2])).toTypedArray() as Float32Array)].every((v) => v === 1));
  });
});

describe("nn.init's deprecated names (PyTorch 1.13's uniform, normal, constant, eye, dirac, xavier*/kaiming* without _)", () => {
  it("fill as their in-place namesakes do, from the same generator", () => {
    const pairs: [string, unknown[]][] = [
      ["uniform", [-2, 3]], ["normal", [1, 0.5]], ["xavierUniform", [1.5]], ["xavierNormal", [0.5]], ["kaimingUniform", [{ a: 1 }]], ["kaimingNormal", [{ mode: "fan_out" }]],
    ];
    const init = nn.init as unknown as Record<string, (t: Tensor, ...a: unknown[]) => Tensor>;
    for (const [name, args] of pairs) {
      const withGen = (g: number): unknown[] => {
        const gen = new torch.Generator().manualSeed(g);
        const last = args[args.length - 1];
        if (typeof last === "object") return [...args.slice(0, -1), { ...(last as object), generator: gen }];
        return [...args, { generator: gen }];
      };
      const a = init[name]!(torch.empty([3, 4]), ...withGen(11));
      const b = init[`${name}_`]!(torch.empty([3, 4]), ...withGen(11));
      assert.deepEqual([...(a.toTypedArray() as Float32Array)], [...(b.toTypedArray() as Float32Array)], name);
    }
    assert.deepEqual([...(nn.init.constant(torch.empty([2]), 3).toTypedArray() as Float32Array)], [3, 3]);
    close(nn.init.eye(torch.empty([3, 5])), FIXTURE.init.eye[0]!.result, "eye", 0);
    close(nn.init.dirac(torch.empty([6, 3, 3, 3]), 2), FIXTURE.init.dirac[1]!.result, "dirac", 0);
  });
});

describe("nn.utils.parametrize matches PyTorch", () => {
  const P = nn.utils.parametrize;
  const p = FIXTURE.parametrize;
  class Symmetric extends nn.Module {
    override forward(x: Tensor): Tensor {
      return x.triu().add(x.triu(1).transpose(-1, -2));
    }
    rightInverse(a: Tensor): Tensor {
      return a.triu();
    }
  }
  class Double extends nn.Module {
    override forward(x: Tensor): Tensor {
      return x.mul(2);
    }
  }
  const make = (): torch.nn.Linear => {
    const m = new nn.Linear(3, 3);
    m.loadStateDict(dict(p.initial));
    return m;
  };
  const closeDict = (m: torch.nn.Module<unknown[], unknown>, want: Dict, where: string): void => {
    const sd = m.stateDict();
    assert.deepEqual(Object.keys(sd), Object.keys(want), `${where}: keys`);
    for (const [k, v] of Object.entries(want)) close(sd[k]!, v, `${where}.${k}`);
  };

  it("registers, chains, differentiates through the original, and removes leaving the parametrized value", () => {
    const m = make();
    const w = m.weight;
    P.registerParametrization(m, "weight", new Symmetric());
    assert.ok(P.isParametrized(m) && P.isParametrized(m, "weight") && !P.isParametrized(m, "bias"));
    closeDict(m, p.symmetric.state_dict, "symmetric");
    close(m.weight, p.symmetric.weight, "symmetric weight");
    const orig = (m as unknown as { parametrizations: torch.nn.ModuleDict }).parametrizations.get("weight") as unknown as { original: Tensor };
    assert.equal(orig.original, w, "the parameter itself becomes the original");
    assert.ok(m.parameters().includes(w));
    const y = m.call(fromJson(p.x));
    close(y, p.symmetric.y!, "forward");
    y.mul(y).sum().backward();
    close(w.grad, p.symmetric.grad!, "grad of the original");
    P.registerParametrization(m, "weight", new Double());
    closeDict(m, p.chained.state_dict, "chained");
    close(m.weight, p.chained.weight, "chained weight");
    close(m.call(fromJson(p.x)), p.chained.y!, "chained forward");
    assert.throws(() => (m.weight = torch.zeros([3, 3])), /parametrization Double does not implement right_inverse\./);
    P.removeParametrizations(m, "weight");
    closeDict(m, p.chained.removed!, "removed");
    assert.equal(m.weight, w);
    assert.ok(!P.isParametrized(m));
    assert.equal((m as unknown as { parametrizations?: unknown }).parametrizations, undefined);
  });

  it("assignment goes through rightInverse; removal can keep the original's value", () => {
    const m = make();
    P.registerParametrization(m, "weight", new Symmetric());
    m.weight = fromJson(p.assigned.a);
    closeDict(m, p.assigned.state_dict, "assigned");
    close(m.weight, p.assigned.weight, "assigned weight");
    P.removeParametrizations(m, "weight", false);
    closeDict(m, p.assigned.removed_unparametrized, "removed, unparametrized");
  });

  it("a rightInverse returning several tensors makes original0, original1, ... (PyTorch's keys)", () => {
    class Split extends nn.Module<[Tensor, Tensor], Tensor> {
      override forward(a: Tensor, b: Tensor): Tensor {
        return a.add(b);
      }
      rightInverse(x: Tensor): Tensor[] {
        return [x.mul(0.25), x.mul(0.75)];
      }
    }
    const m = new nn.Linear(2, 2);
    const w = m.weight.clone();
    P.registerParametrization(m, "weight", new Split() as unknown as torch.nn.Module<unknown[], unknown>);
    assert.deepEqual(Object.keys(m.stateDict()), ["bias", "parametrizations.weight.original0", "parametrizations.weight.original1"]);
    assert.deepEqual(names(m), ["bias", "parametrizations.weight.original0", "parametrizations.weight.original1"]);
    assert.ok(m.weight.sub(w).abs().max().item() < 1e-6);
    assert.throws(() => P.removeParametrizations(m, "weight", false), /Cannot leave unparametrized/);
    P.removeParametrizations(m, "weight");
    assert.deepEqual(names(m), ["bias", "weight"]);
    assert.ok(nn.isParameter(m.weight) && m.weight.sub(w).abs().max().item() < 1e-6);
  });

  it("transferParametrizationsAndParams shares the chain and the original; typeBeforeParametrizations is the class", () => {
    const a = make();
    P.registerParametrization(a, "weight", new Symmetric());
    const b = new nn.Linear(3, 3);
    P.transferParametrizationsAndParams(a, b);
    assert.ok(P.isParametrized(b, "weight"));
    const la = (a as unknown as { parametrizations: torch.nn.ModuleDict }).parametrizations.get("weight") as unknown as { original: Tensor };
    const lb = (b as unknown as { parametrizations: torch.nn.ModuleDict }).parametrizations.get("weight") as unknown as { original: Tensor };
    assert.equal(lb.original, la.original);
    close(b.weight, p.symmetric.weight, "transferred weight");
    assert.equal(P.typeBeforeParametrizations(a), nn.Linear);
  });

  it("cached() computes a parametrized tensor once", () => {
    let calls = 0;
    class Counting extends nn.Module {
      override forward(x: Tensor): Tensor {
        calls++;
        return x;
      }
    }
    const m = make();
    P.registerParametrization(m, "weight", new Counting());
    calls = 0;
    P.cached(() => {
      assert.equal(m.weight, m.weight);
    });
    assert.equal(calls, 1);
    void m.weight;
    void m.weight;
    assert.equal(calls, 3);
  });

  it("refuses PyTorch's bad cases with its messages", () => {
    class Shrink extends nn.Module {
      override forward(x: Tensor): Tensor {
        return x.narrow(0, 0, 1);
      }
    }
    assert.throws(() => P.registerParametrization(make(), "weight", new Shrink()), /Registering a parametrization may not change the shape of the tensor, unless `unsafe` flag is enabled\.\nunparametrized shape: \[3, 3\]\nparametrized shape: \[1, 3\]/);
    assert.throws(() => P.registerParametrization(make(), "nope", new Symmetric()), /Module 'Linear\(in_features=3, out_features=3, bias=True\)' does not have a parameter, a buffer, or a parametrized element with name 'nope'/);
    assert.throws(() => P.removeParametrizations(make(), "weight"), /Module Linear\(in_features=3, out_features=3, bias=True\) does not have a parametrization on weight/);
    const m = make();
    P.registerParametrization(m, "weight", new Symmetric());
    assert.throws(() => P.registerParametrization(m, "weight", new Shrink()), /may not change the shape of the tensor, unless the `unsafe` flag is enabled\.\nmodule\.weight\.shape: \[3, 3\]/);
    assert.throws(() => P.registerParametrization(m, "weight", new Double(), { unsafe_: true } as never), /unknown option 'unsafe_'/);
    assert.doesNotThrow(() => P.registerParametrization(make(), "weight", new Shrink(), { unsafe: true }));
  });
});

describe("nn.utils.parametrizations.spectralNorm matches PyTorch (from PyTorch's u, v after registration)", () => {
  for (const c of FIXTURE.parametrizations_spectral_norm) {
    it(c.name, () => {
      const m = linearOrConv(c.name, c.initial);
      const w = attr(m, "weight");
      const o = c.options;
      nn.utils.parametrizations.spectralNorm(m, { nPowerIterations: o.n_power_iterations, eps: o.eps, dim: o.dim });
      assert.deepEqual(Object.keys(m.stateDict()), c.state_dict_keys);
      const list = (m as unknown as { parametrizations: torch.nn.ModuleDict }).parametrizations.get("weight") as unknown as { original: Tensor; at(i: number): unknown };
      assert.equal(list.original, w);
      const sn = list.at(0) as { _u: Tensor; _v: Tensor };
      torch.noGrad(() => {
        sn._u.copy_(fromJson(c.u0));
        sn._v.copy_(fromJson(c.v0));
      });
      c.steps.forEach((s, i) => {
        m.zeroGrad();
        const y = m.call(fromJson(s.x));
        close(y, s.y, `step ${i} forward`);
        y.mul(y).sum().backward();
        close(sn._u, s.u, `step ${i} u`);
        close(sn._v, s.v, `step ${i} v`);
        close(w.grad, s.grad, `step ${i} original grad`, 1e-4);
      });
      m.eval();
      close(m.call(fromJson(c.eval.x)), c.eval.y, "eval forward");
      close(sn._u, c.eval.u, "eval leaves u");
    });
  }

  it("converges to the top singular value from kindling's own start, and refuses PyTorch's bad arguments", () => {
    const m = new nn.Linear(6, 4);
    nn.utils.parametrizations.spectralNorm(m);
    const top = torch.linalg.svdvals(m.weight).max().item();
    assert.ok(Math.abs(top - 1) < 1e-3, `top singular value ${top}`);
    assert.throws(() => nn.utils.parametrizations.spectralNorm(new nn.Linear(2, 3), { nPowerIterations: 0 }), /Expected n_power_iterations to be positive, but got n_power_iterations=0/);
    assert.throws(() => nn.utils.parametrizations.spectralNorm(new nn.Linear(2, 3), { dim: 2 }), /Dimension out of range \(expected to be in range of \[-2, 1\] but got 2\)/);
    assert.throws(() => nn.utils.parametrizations.spectralNorm(new nn.Linear(2, 3), "nope"), /Module 'Linear\(in_features=2, out_features=3, bias=True\)' has no parameter or buffer with name 'nope'/);
  });
});

describe("nn.utils.parametrizations.orthogonal matches PyTorch", () => {
  for (const c of FIXTURE.parametrizations_orthogonal) {
    it(`${JSON.stringify(c.shape)} ${c.map ?? "default map"}${c.use_trivialization ? "" : ", no trivialization"}`, () => {
      const m = new nn.Linear(c.shape[1]!, c.shape[0]!);
      m.loadStateDict(dict(c.initial));
      nn.utils.parametrizations.orthogonal(m, "weight", c.map, { useTrivialization: c.use_trivialization });
      assert.deepEqual(Object.keys(m.stateDict()), c.state_dict_keys);
      const list = (m as unknown as { parametrizations: torch.nn.ModuleDict }).parametrizations.get("weight") as unknown as { original: Tensor; at(i: number): unknown };
      const orth = list.at(0) as { base: Tensor | null };
      // A square base is the weight made orthogonal (deterministic); a non-square one has a random
      // completion, so PyTorch's is fed in.
      if (c.base !== null && c.shape[0] === c.shape[1]) close(orth.base, c.base, "base");
      close(list.original, c.original, "original after registration");
      if (c.base !== null) torch.noGrad(() => orth.base!.copy_(fromJson(c.base!)));
      close(m.weight, c.weight, "weight after registration");
      torch.noGrad(() => list.original.copy_(fromJson(c.perturbed)));
      close(m.weight, c.weight_perturbed, "weight from the perturbed original");
      const y = m.call(fromJson(c.x));
      close(y, c.y, "forward");
      y.mul(y).sum().backward();
      close(list.original.grad, c.grad, "grad of the original", 1e-4);
    });
  }

  it("refuses PyTorch's bad arguments with its messages", () => {
    assert.throws(() => nn.utils.parametrizations.orthogonal(new nn.Linear(2, 3), "bias"), /Expected a matrix or batch of matrices. Got a tensor of 1 dimensions./);
    assert.throws(() => nn.utils.parametrizations.orthogonal(new nn.Linear(2, 3), "weight", "qr" as never), /orthogonal_map has to be one of "matrix_exp", "cayley", "householder". Got: qr/);
    const m = new nn.Linear(3, 3);
    nn.utils.parametrizations.orthogonal(m, "weight", "cayley", { useTrivialization: false });
    assert.throws(() => nn.utils.parametrizations.orthogonal(new nn.Linear(3, 3), "weight", null, { use_trivialization: false } as never), /unknown option 'use_trivialization' \(did you mean 'useTrivialization'\?\)/);
    assert.throws(() => (m.weight = torch.eye(3)), /It is not possible to assign to the matrix exponential or the Cayley parametrizations when use_trivialization=False/);
  });
});

describe("nn.utils.prune matches PyTorch", () => {
  const P = nn.utils.prune;
  const checker = (): Tensor => torch.arange(20).reshape([4, 5]).remainder(3).ne(0).to("float32");
  const build = (kind: "linear" | "conv", initial: Dict): torch.nn.Module<[Tensor], Tensor> => {
    const m: torch.nn.Module<[Tensor], Tensor> = kind === "linear" ? new nn.Linear(5, 4) : new nn.Conv2d(3, 4, 2);
    m.loadStateDict(dict(initial));
    return m;
  };
  const closeDict = (m: torch.nn.Module<[Tensor], Tensor>, want: Dict, where: string): void => {
    const sd = m.stateDict();
    assert.deepEqual(Object.keys(sd), Object.keys(want), `${where}: keys`);
    for (const [k, v] of Object.entries(want)) close(sd[k]!, v, `${where}.${k}`, 0);
  };

  for (const c of FIXTURE.prune.cases) {
    it(c.name, () => {
      const m = build(c.kind, c.initial);
      const orig = attr(m, c.steps[0]![1].name as string);
      for (const [fn, kw] of c.steps) {
        const name = kw.name as string;
        if (fn === "l1_unstructured") P.l1Unstructured(m, name, kw.amount as number);
        else if (fn === "ln_structured") P.lnStructured(m, name, kw.amount as number, kw.n === "inf" ? Infinity : (kw.n as number), kw.dim as number);
        else if (fn === "custom_from_mask") P.customFromMask(m, name, checker());
        else if (fn === "identity") P.identity(m, name);
        else throw new Error(fn);
      }
      assert.deepEqual(names(m), c.params);
      closeDict(m, c.state_dict, "pruned");
      close(m.call(fromJson(c.x)), c.y, "forward");
      assert.equal(P.isPruned(m), c.is_pruned);
      P.remove(m, c.steps[0]![1].name as string);
      assert.deepEqual(names(m), c.removed.params);
      closeDict(m, c.removed.state_dict, "removed");
      assert.equal(P.isPruned(m), c.removed.is_pruned);
      assert.equal(attr(m, c.steps[0]![1].name as string), orig, "the original parameter comes back");
    });
  }

  it("globalUnstructured ranks all the parameters' entries together", () => {
    const g = FIXTURE.prune.global;
    const a = new nn.Linear(5, 4);
    const b = new nn.Conv2d(3, 4, 2);
    a.loadStateDict(dict(g.initial[0]!));
    b.loadStateDict(dict(g.initial[1]!));
    P.l1Unstructured(a, "weight", 3);
    P.globalUnstructured([[a, "weight"], [b, "weight"], [a, "bias"]], P.L1Unstructured, { amount: 0.4 });
    closeDict(a, g.state_dicts[0]!, "a");
    closeDict(b, g.state_dicts[1]!, "b");
  });

  it("random methods prune the requested number; PyTorch's errors", () => {
    const m = new nn.Linear(5, 4);
    P.randomUnstructured(m, "weight", 0.35);
    const mask = attr(m, "weight_mask").toTypedArray() as Float32Array;
    assert.equal([...mask].filter((v) => v === 0).length, 7);
    P.randomStructured(m, "weight", 2, 0);
    const rows = attr(m, "weight_mask").sum(1).toTypedArray() as Float32Array;
    assert.equal([...rows].filter((v) => v === 0).length, 2);
    assert.throws(() => P.l1Unstructured(new nn.Linear(5, 4), "weight", 1.5), /amount=1.5 should either be a float in the range \[0, 1\] or a non-negative integer/);
    assert.throws(() => P.l1Unstructured(new nn.Linear(5, 4), "weight", 100), /amount=100 should be smaller than the number of parameters to prune=20/);
    assert.throws(() => P.lnStructured(new nn.Linear(5, 4), "bias", 1, 2, 0), /Structured pruning can only be applied to multidimensional tensors. Found tensor of shape \[4\] with 1 dims/);
    assert.throws(() => P.remove(new nn.Linear(5, 4), "weight"), /Parameter 'weight' of module Linear\(in_features=5, out_features=4, bias=True\) has to be pruned before pruning can be removed/);
    const failed = new nn.Linear(5, 4);
    assert.throws(() => P.l1Unstructured(failed, "weight", 100));
    assert.deepEqual(names(failed), ["bias", "weight"], "a failed pruning puts the parameter back (last, as PyTorch re-registers it)");
    assert.deepEqual(Object.keys(failed.stateDict()), ["bias", "weight"]);
  });
});
