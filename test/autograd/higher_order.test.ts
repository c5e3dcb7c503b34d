// Higher-order autograd against PyTorch 1.13 (test/fixtures/autograd15.json, written by
// scripts/fixtures/gen_autograd15.py): torch.autograd.grad, createGraph on grad() and backward(),
// Hessian-vector products and gradient penalties through common ops and small MLPs, PyTorch's errors,
// float64 finite-difference checks of first-gradient functions, and the refusal of backward functions
// that cannot be differentiated again.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import * as torch from "../../src/index.ts";
import { type TensJson, checkTensor, fromJson } from "../helpers/fixture.ts";

type Tensor = torch.Tensor;
const F = torch.nn.F;
const { grad } = torch.autograd;

interface OpCase { name: string; op: string; inputs: TensJson[]; w: TensJson; v: TensJson[]; grads: TensJson[]; second: (TensJson | null)[] }
interface ModelCase {
  name: string; model: string; params: TensJson[]; x: TensJson; target: TensJson; v: TensJson[]; loss: number;
  grads: TensJson[]; hvp: (TensJson | null)[]; penalty: number; penaltyGrads: TensJson[]; xgrad: TensJson;
}
const FIX = JSON.parse(readFileSync(new URL("../fixtures/autograd15.json", import.meta.url), "utf8")) as {
  ops: OpCase[];
  models: ModelCase[];
  errors: { name: string; error: string }[];
  facts: Record<string, unknown> & { hessDiag: number[]; unused: boolean[]; accumulated: number[]; firstGrad: number[]; accSecond: number[];
    hookGrad: number[]; hookSecond: number[]; captureBeforeHook: number[] };
};

const long = (d: number[]) => torch.tensor(d, { dtype: "int64" });
const Y3 = long([2, 0, 1, 2]);
const Y3I = long([2, -100, 1, 0]);
const EI = long([0, 2, 1, 2, 3, 2]).reshape([2, 3]);

/** Mirrors OPS in gen_autograd15.py. */
const OPS: Record<string, (...xs: Tensor[]) => Tensor> = {
  tanh: (x) => torch.tanh(x!),
  sigmoid: (x) => torch.sigmoid(x!),
  exp: (x) => torch.exp(x!),
  log: (x) => torch.log(x!),
  sqrt: (x) => torch.sqrt(x!),
  sin: (x) => torch.sin(x!),
  relu: (x) => torch.relu(x!),
  pow3: (x) => torch.pow(x!, 3),
  mul: (x, y) => x!.mul(y!),
  div: (x, y) => x!.div(y!),
  sumsq: (x) => x!.mul(x!).sum(1),
  meancube: (x) => x!.mul(x!).mul(x!).mean(),
  softmax: (x) => torch.softmax(x!, -1),
  logSoftmax: (x) => torch.logSoftmax(x!, 0),
  matmul: (a, b) => torch.matmul(a!, b!),
  matmulSq: (a) => torch.matmul(a!, a!),
  linear: (x, w, b) => F.linear(x!, w!, b!),
  linearRelu: (x, w, b) => torch.relu(F.linear(x!, w!, b!)).pow(2),
  mse: (x, t) => F.mseLoss(x!, t!),
  mseSum: (x, t) => F.mseLoss(x!.mul(x!), t!, { reduction: "sum" }),
  crossEntropy: (x) => F.crossEntropy(x!, Y3),
  crossEntropySum: (x) => F.crossEntropy(x!.mul(x!), Y3, { reduction: "sum" }),
  crossEntropyNone: (x) => F.crossEntropy(x!, Y3I, { reduction: "none" }),
  crossEntropyIgnore: (x) => F.crossEntropy(x!, Y3I),
  huber: (x, t) => F.huberLoss(x!.mul(x!), t!),
  crossEntropyWeightSmooth: (x) => F.crossEntropy(x!.mul(x!), Y3, { weight: torch.tensor([0.5, 1, 2], { dtype: "float64" }), labelSmoothing: 0.2 }),
  nllLoss: (x) => F.nllLoss(torch.logSoftmax(x!.mul(x!), 1), Y3),
  bceLogits: (x, t) => F.binaryCrossEntropyWithLogits(x!, torch.sigmoid(t!)),
  layerNorm: (x, w, b) => F.layerNorm(x!, [4], w!, b!),
  batchNorm: (x, w, b) => F.batchNorm(x!, null, null, w!, b!, true),
  logsumexp: (x) => torch.logsumexp(x!, 1),
  maxPoolish: (x) => torch.amax(x!.mul(x!), 1),
  gelu: (x) => F.gelu(x!),
  geluTanh: (x) => F.gelu(x!, { approximate: "tanh" }),
  vectorNorm: (x) => torch.linalg.vectorNorm(x!, 2, 1),
  det: (x) => torch.linalg.det(x!.add(torch.eye(3, 3, { dtype: "float64" }).mul(3))),
  narrowCumsum: (x) => x!.narrow(1, 1, 2).pow(2).cumsum(0),
  conv2d: (x, w, b) => F.conv2d(x!, w!, b!, { stride: 2, padding: 1 }),
  conv2dGroupsDilation: (x, w) => F.conv2d(x!, w!, null, { padding: [1, 2], dilation: 2, groups: 2 }).pow(2),
  conv2dRelu: (x, w, b) => torch.relu(F.conv2d(x!, w!, b!)).pow(2),
  conv1d: (x, w) => torch.tanh(F.conv1d(x!, w!, null, { stride: 2 })),
  maxPool2d: (x) => F.maxPool2d(x!, 2, { stride: 1 }).pow(2),
  avgPool2d: (x) => F.avgPool2d(x!, 3, { stride: 2, padding: 1 }).pow(2),
  adaptiveAvgPool2d: (x) => F.adaptiveAvgPool2d(x!, [2, 3]).pow(2),
  embedding: (w) => F.embedding(EI, w!).pow(3),
  embeddingPaddingFreq: (w) => F.embedding(EI, w!, { paddingIdx: 1, scaleGradByFreq: true }).pow(3),
  solve: (a, b) => torch.linalg.solve(a!.add(torch.eye(3, 3, { dtype: "float64" }).mul(3)), b!.sin()),
  sortTopk: (x) => torch.sort(x!.pow(3), 1).values.narrow(1, 0, 2),
};

const dot = (gs: readonly (Tensor | null)[], vs: readonly Tensor[]): Tensor =>
  gs.map((g, i) => g!.mul(vs[i]!).sum()).reduce((a, b) => a.add(b));

for (const c of FIX.ops) {
  test(`grad of grad, ${c.name}: first gradients and Hessian-vector products as PyTorch's`, () => {
    const xs = c.inputs.map((t) => fromJson(t, true));
    const out = OPS[c.op]!(...xs);
    const gs = grad(out.mul(fromJson(c.w)).sum(), xs, { createGraph: true });
    gs.forEach((g, i) => checkTensor(g, c.grads[i]!, `${c.name} grad ${i}`));
    for (const x of xs) assert.equal(x.grad, null, "grad() leaves .grad alone");
    const second = grad(dot(gs, c.v.map((t) => fromJson(t))), xs, { allowUnused: true });
    second.forEach((s, i) => {
      const e = c.second[i];
      if (e === null) assert.equal(s, null, `${c.name} second ${i}: unused`);
      else checkTensor(s, e!, `${c.name} second ${i}`);
    });
  });
}

type Params = [Tensor, Tensor, Tensor, Tensor];
/** Mirrors MODELS in gen_autograd15.py. */
function mlp(act: (t: Tensor) => Tensor, loss: "mse" | "ce") {
  return ([w1, b1, w2, b2]: Params, x: Tensor, target: Tensor): Tensor => {
    const out = F.linear(act(F.linear(x, w1, b1)), w2, b2);
    return loss === "mse" ? F.mseLoss(out, target) : F.crossEntropy(out, target);
  };
}
const MODELS: Record<string, (p: Params, x: Tensor, t: Tensor) => Tensor> = {
  tanhMse: mlp(torch.tanh, "mse"),
  sigmoidMse: mlp(torch.sigmoid, "mse"),
  reluMse: mlp(torch.relu, "mse"),
  tanhCrossEntropy: mlp(torch.tanh, "ce"),
  reluCrossEntropy: mlp(torch.relu, "ce"),
};

for (const c of FIX.models) {
  test(`MLP ${c.name}: Hessian-vector product and gradient penalty ||dL/dx||^2 backward to the parameters`, () => {
    const params = c.params.map((t) => fromJson(t, true)) as Params;
    const x = fromJson(c.x, true);
    const target = fromJson(c.target);
    const run = MODELS[c.model]!;
    const loss = run(params, x, target);
    assert.ok(Math.abs(loss.item() - c.loss) < 1e-10);
    const gs = grad(loss, params, { createGraph: true });
    gs.forEach((g, i) => checkTensor(g, c.grads[i]!, `${c.name} grad ${i}`));
    const hvp = grad(dot(gs, c.v.map((t) => fromJson(t))), params, { allowUnused: true });
    hvp.forEach((h, i) => checkTensor(h, c.hvp[i]!, `${c.name} hvp ${i}`));
    const [gx] = grad(run(params, x, target), x, { createGraph: true });
    checkTensor(gx, c.xgrad, `${c.name} dL/dx`);
    const penalty = gx!.pow(2).sum();
    assert.ok(Math.abs(penalty.item() - c.penalty) <= 1e-9 * Math.max(1, Math.abs(c.penalty)));
    penalty.backward();
    params.forEach((p, i) => checkTensor(p.grad, c.penaltyGrads[i]!, `${c.name} penalty grad ${i}`));
  });
}

test("the same MLP as nn.Sequential (Linear+ReLU fused chain): double backward matches the functional one", () => {
  const c = FIX.models.find((m) => m.name === "reluMse")!;
  const model = new torch.nn.Sequential(new torch.nn.Linear(3, 5), new torch.nn.ReLU(), new torch.nn.Linear(5, 3)).to("float64" as never);
  const mods = [...model.parameters()];
  torch.noGrad(() => mods.forEach((p, i) => p.copy_(fromJson(c.params[i]!))));
  const x = fromJson(c.x, true);
  const [gx] = grad(F.mseLoss(model.forward(x), fromJson(c.target)), x, { createGraph: true });
  checkTensor(gx, c.xgrad, "sequential dL/dx");
  gx!.pow(2).sum().backward();
  mods.forEach((p, i) => checkTensor(p.grad, c.penaltyGrads[i]!, `sequential penalty grad ${i}`));
  // and a plain training step after it still works (no graph kept)
  model.zeroGrad();
  F.mseLoss(model.forward(x.detach()), fromJson(c.target)).backward();
  for (const p of mods) assert.equal(p.grad!.gradFn, null);
});

test("autograd.grad: PyTorch's errors", () => {
  const msg = Object.fromEntries(FIX.errors.map((e) => [e.name, e.error]));
  const x = torch.randn([3], { dtype: "float64", requiresGrad: true });
  const z = torch.randn([3], { dtype: "float64", requiresGrad: true });
  const nog = torch.randn([3], { dtype: "float64" });
  assert.throws(() => grad(x.mul(2).sum(), [x, z]), { message: msg.unused });
  assert.throws(() => grad(x.mul(2), x), { message: msg.nonScalar });
  assert.throws(() => grad(x.mul(2).sum(), [nog]), { message: msg.inputNoGrad });
  assert.throws(() => grad(nog.sum(), [x]), { message: msg.outputNoGrad });
  const y = x.mul(x).sum();
  grad(y, x);
  assert.throws(() => grad(y, x), (e: Error) => e.message.startsWith(msg.secondCall!.slice(0, 50)));
  assert.throws(() => grad(x.mul(2), x, { gradOutputs: torch.ones([2], { dtype: "float64" }) }), /Mismatch in shape: grad_output\[0\] has a shape of .*2.* and output\[0\] has a shape of .*3/);
  assert.throws(() => grad(x.sum(), x, { isGradsBatched: true }), /isGradsBatched/);
  assert.throws(() => grad(x.sum(), x, { create_graph: true } as never), /createGraph/);
  assert.throws(() => grad(x.sum(), []), /non-empty inputs/);
  assert.throws(() => x.sum().backward(undefined, { createGraf: true } as never), /createGraf/);
});

test("autograd.grad semantics: .grad untouched, retainGraph follows createGraph, unused -> null, gradOutputs, non-leaf inputs", () => {
  const f = FIX.facts;
  const x = torch.tensor([1, 2, 3], { dtype: "float64", requiresGrad: true });
  const z = torch.tensor([0.5], { dtype: "float64", requiresGrad: true });
  const y = x.pow(3).sum();
  const [g] = grad(y, x, { createGraph: true });
  assert.equal(x.grad, null);
  assert.equal(g!.gradFn!.name, f.gradFn);
  const [h] = grad(g!.sum(), x, { retainGraph: true });
  assert.deepEqual([...h!.toTypedArray()], f.hessDiag);
  // createGraph retained y's graph, so it can be differentiated again
  assert.deepEqual(grad(y, [x, z], { allowUnused: true }).map((t) => t === null), f.unused);
  // gradOutputs and several outputs sum their contributions; a non-leaf input gets its own gradient
  const m = x.mul(2);
  const [gm, gx] = grad([m.pow(2).sum(), m.sum()], [m, x]);
  assert.deepEqual([...gm!.toTypedArray()], [5, 9, 13]);
  assert.deepEqual([...gx!.toTypedArray()], [10, 18, 26]);
  const [gv] = grad(x.mul(3), x, { gradOutputs: torch.tensor([1, 0, 2], { dtype: "float64" }) });
  assert.deepEqual([...gv!.toTypedArray()], [3, 0, 6]);
  // a duplicated input gets the same gradient twice
  const [d1, d2] = grad(x.sum(), [x, x]);
  assert.deepEqual([...d1!.toTypedArray()], [...d2!.toTypedArray()]);
  // 1.13 captures a non-leaf's gradient before its hooks run
  const x4 = torch.tensor([1, 2], { dtype: "float64", requiresGrad: true });
  const m4 = x4.mul(2);
  m4.registerHook((gr) => gr.mul(10));
  assert.deepEqual([...grad(m4.pow(2).sum(), m4)[0]!.toTypedArray()], f.captureBeforeHook);
});

test("backward({ createGraph }) accumulates .grad with a graph, and hooks and retainGrad keep working", () => {
  const f = FIX.facts;
  const x2 = torch.tensor([1, -2, 0.5], { dtype: "float64", requiresGrad: true });
  x2.pow(3).sum().backward(undefined, { createGraph: true });
  assert.deepEqual([...x2.grad!.toTypedArray()], f.firstGrad);
  x2.pow(2).sum().backward({ createGraph: true });
  assert.deepEqual([...x2.grad!.toTypedArray()], f.accumulated);
  assert.equal(x2.grad!.gradFn!.name, f.accGradFn);
  assert.deepEqual([...grad(x2.grad!.sum(), x2)[0]!.toTypedArray()], f.accSecond);

  const x3 = torch.tensor([1, 2], { dtype: "float64", requiresGrad: true });
  const mid = x3.mul(x3);
  mid.retainGrad();
  mid.registerHook((gr) => gr.mul(3));
  torch.autograd.backward(mid.pow(2).sum(), undefined, { createGraph: true });
  assert.deepEqual([...x3.grad!.toTypedArray()], f.hookGrad);
  // kindling fills a retained .grad after the tensor's hooks, as PyTorch 2 does (1.13: before them)
  assert.deepEqual([...mid.grad!.toTypedArray()], [6, 24]);
  assert.deepEqual([...grad(x3.grad!.sum(), x3)[0]!.toTypedArray()], f.hookSecond);
});

test("without createGraph nothing is recorded: gradients have no gradFn and the graph is freed", () => {
  const x = torch.randn([4, 3], { requiresGrad: true });
  const w = torch.randn([2, 3], { requiresGrad: true });
  const loss = torch.tanh(F.linear(x, w)).pow(2).sum();
  const [gx, gw] = grad(loss, [x, w]);
  assert.equal(gx!.gradFn, null);
  assert.equal(gw!.requiresGrad, false);
  assert.throws(() => grad(loss, [x]), /backward through the graph a second time/);
  const l2 = torch.sigmoid(x.matmul(w.t())).sum();
  l2.backward();
  assert.equal(x.grad!.gradFn, null);
  assert.equal(x.grad!.requiresGrad, false);
});

test("gradgradcheck-style: float64 finite differences of first-gradient functions", () => {
  const fns: [string, (x: Tensor) => Tensor][] = [
    ["tanh", (x) => torch.tanh(x).sum()],
    ["sigmoid*x", (x) => torch.sigmoid(x).mul(x).sum()],
    ["softmax", (x) => torch.softmax(x, 1).pow(2).sum()],
    ["logSoftmax", (x) => torch.logSoftmax(x, 0).mul(torch.arange(12, { dtype: "float64" }).reshape([3, 4])).sum()],
    ["matmul", (x) => x.matmul(x.t()).pow(2).sum()],
    ["crossEntropy", (x) => F.crossEntropy(x, long([0, 3, 1]))],
    ["mse", (x) => F.mseLoss(x.exp(), torch.ones([3, 4], { dtype: "float64" }))],
    ["relu", (x) => torch.relu(x).pow(3).sum()],
  ];
  for (const [name, f] of fns) {
    const x = torch.randn([3, 4], { dtype: "float64", requiresGrad: true });
    const firstGrad = (t: Tensor) => torch.enableGrad(() => grad(f(t), t, { createGraph: true })[0]!);
    assert.ok(torch.autograd.gradcheck(firstGrad, [x]), name);
  }
});

test("backward functions that cannot be differentiated again refuse, naming the node", () => {
  const x = torch.randn([2, 3], { dtype: "float64", requiresGrad: true });
  const [g] = grad(torch.digamma(x.abs().add(1)).sum(), x, { createGraph: true });
  assert.ok(g!.requiresGrad);
  assert.throws(() => grad(g!.sum(), x), /the derivative for 'DigammaBackward0' is not implemented/);
  const img = torch.randn([1, 1, 4, 4], { dtype: "float64", requiresGrad: true });
  const k = torch.randn([1, 1, 3, 3], { dtype: "float64", requiresGrad: true });
  const [gk] = grad(F.convTranspose2d(img, k).pow(2).sum(), k, { createGraph: true });
  assert.throws(() => gk!.sum().backward(), /the derivative for 'ConvolutionBackward0' is not implemented/);
  // the refused gradient's values are still the first-order ones
  const [gk0] = grad(F.convTranspose2d(img, k).pow(2).sum(), k);
  checkClose(gk!, gk0!, 1e-12);
});

test("a CNN (Conv2d+ReLU fused chain, Linear) under createGraph: the gradient penalty matches the functional composition", () => {
  const model = new torch.nn.Sequential(new torch.nn.Conv2d(2, 3, 3, { padding: 1 }), new torch.nn.ReLU(), new torch.nn.Flatten(), new torch.nn.Linear(48, 2));
  model.to("float64" as never);
  const ps = [...model.parameters()];
  const x = torch.randn([2, 2, 4, 4], { dtype: "float64", requiresGrad: true });
  const penalty = (f: (t: Tensor) => Tensor) => {
    const [gx] = grad(f(x).pow(2).sum(), x, { createGraph: true });
    return grad(gx!.pow(2).sum(), ps);
  };
  const a = penalty((t) => model.forward(t));
  const b = penalty((t) => F.linear(torch.relu(F.conv2d(t, ps[0]!, ps[1]!, { padding: 1 })).flatten(1), ps[2]!, ps[3]!));
  a.forEach((g, i) => checkClose(g!, b[i]!, 1e-9));
});

function checkClose(a: Tensor, b: Tensor, tol: number): void {
  const x = a.toTypedArray();
  const y = b.toTypedArray();
  for (let i = 0; i < x.length; i++) assert.ok(Math.abs(x[i]! - y[i]!) <= tol, `element ${i}: ${x[i]} vs ${y[i]}`);
}

/** Functions of x [3, 4] whose first gradient must either be right to float64 finite differences, or refuse. */
const eye3 = () => torch.eye(3, 3, { dtype: "float64" }).mul(3);
const TWICE: [string, (x: Tensor) => Tensor][] = [
  ["exp", (x) => x.exp()], ["log", (x) => x.abs().add(0.5).log()], ["sqrt", (x) => x.abs().add(0.5).sqrt()],
  ["tanh", (x) => x.tanh()], ["sigmoid", (x) => x.sigmoid()], ["sin", (x) => x.sin()], ["atan", (x) => x.atan()],
  ["erf", (x) => torch.erf(x)], ["lgamma", (x) => torch.lgamma(x.abs().add(0.5))], ["reciprocal", (x) => x.abs().add(0.5).reciprocal()],
  ["elu", (x) => F.elu(x)], ["selu", (x) => F.selu(x)], ["celu", (x) => F.celu(x, { alpha: 0.5 })], ["mish", (x) => F.mish(x)],
  ["hardswish", (x) => F.hardswish(x.mul(4))], ["logsigmoid", (x) => F.logsigmoid(x)], ["gelu", (x) => F.gelu(x)], ["gelu tanh", (x) => F.gelu(x, { approximate: "tanh" })], ["softplus", (x) => F.softplus(x)], ["silu", (x) => F.silu(x)], ["softsign", (x) => F.softsign(x)],
  ["abs*x", (x) => x.abs().mul(x)], ["relu^2", (x) => torch.relu(x).pow(2)], ["clamp^2", (x) => x.clamp(-0.5, 0.5).pow(2)],
  ["std", (x) => x.std(1)], ["var", (x) => x.var(0)], ["prod", (x) => x.prod(1)], ["vectorNorm", (x) => torch.linalg.vectorNorm(x, 2, 1)],
  ["normalize", (x) => F.normalize(x)], ["cosineSimilarity", (x) => F.cosineSimilarity(x, x.flip([0]), 1)],
  ["cumsum^2", (x) => x.cumsum(1).pow(2)], ["amax^2", (x) => x.amax(0).pow(2)], ["maximum^2", (x) => torch.maximum(x, x.flip([0])).pow(2)],
  ["atan2", (x) => torch.atan2(x, x.flip([0]).add(3))], ["hypot", (x) => torch.hypot(x, x.flip([1]))], ["logaddexp", (x) => torch.logaddexp(x, x.pow(2))],
  ["pow(t, t)", (x) => torch.pow(x.abs().add(0.5), x)], ["where", (x) => torch.where(x.gt(0), x.pow(2), x.pow(3))],
  ["gather", (x) => x.pow(2).gather(1, long([0, 2, 1]).reshape([3, 1]))], ["indexSelect", (x) => x.indexSelect(0, long([0, 2])).pow(3)],
  ["cat", (x) => torch.cat([x, x.pow(2)]).pow(2)], ["softmin", (x) => F.softmin(x, 1)], ["layerNorm^3", (x) => F.layerNorm(x, [4]).pow(3)],
  ["maxPool2d", (x) => F.maxPool2d(x.reshape([1, 1, 3, 4]), 2, { stride: 1 }).pow(2)],
  ["avgPool2d", (x) => F.avgPool2d(x.reshape([1, 1, 3, 4]), 2, { padding: 1 }).pow(2)],
  ["lerp", (x) => torch.lerp(x, x.pow(2), x.sigmoid())], ["addcmul", (x) => torch.addcmul(x, x, x.exp(), { value: 0.5 })],
  ["addcdiv", (x) => torch.addcdiv(x, x.sin(), x.pow(2).add(1))], ["logit", (x) => torch.logit(x.sigmoid())],
  ["floatPower", (x) => torch.floatPower(x.abs().add(0.5), x)],
  ["solve", (x) => torch.linalg.solve(x.narrow(1, 0, 3).add(eye3()), x.sin())], ["einsum", (x) => torch.einsum("ij,kj->ik", x, x.exp())],
  ["cdist", (x) => torch.cdist(x, x.flip([0]).add(0.1))], ["sort", (x) => torch.sort(x.pow(3), 1).values],
  ["quantile", (x) => torch.quantile(x.pow(3), 0.3, 1)], ["klDiv", (x) => F.klDiv(torch.logSoftmax(x, 1), torch.softmax(x.pow(2), 1), { reduction: "batchmean" })],
  ["bilinear interpolate", (x) => F.interpolate(x.pow(2).reshape([1, 1, 3, 4]), { size: [5, 3], mode: "bilinear" })],
  ["tripletMarginLoss", (x) => F.tripletMarginLoss(x, x.pow(2), x.sin())], ["gaussianNllLoss", (x) => F.gaussianNllLoss(x, x.sin(), x.pow(2).add(0.5))],
  ["inv", (x) => torch.linalg.inv(x.narrow(1, 0, 3).add(eye3()))], ["det", (x) => torch.linalg.det(x.narrow(1, 0, 3).add(eye3()))],
];
const REFUSED: [string, string, (x: Tensor) => Tensor][] = [
  ["digamma", "DigammaBackward0", (x) => torch.digamma(x.abs().add(0.5))], ["cumprod", "CumprodBackward0", (x) => x.cumprod(1)],
];

test("second derivatives of common functions: right to float64 finite differences, or PyTorch-style refusal naming the node", () => {
  for (const [name, f] of TWICE) {
    const x = torch.randn([3, 4], { dtype: "float64", requiresGrad: true });
    const w = torch.randn(torch.noGrad(() => f(x)).shape, { dtype: "float64" });
    const first = (t: Tensor) => torch.enableGrad(() => grad(f(t).mul(w).sum(), t, { createGraph: true })[0]!);
    assert.ok(torch.autograd.gradcheck(first, [x], { atol: 1e-4 }), name);
  }
  for (const [name, node, f] of REFUSED) {
    const x = torch.randn([3, 4], { dtype: "float64", requiresGrad: true });
    const w = torch.randn(torch.noGrad(() => f(x)).shape, { dtype: "float64" });
    const [g] = grad(f(x).mul(w).sum(), x, { createGraph: true });
    assert.throws(() => grad(g!.pow(2).sum(), x), new RegExp(`the derivative for '${node}' is not implemented`), name);
  }
});

test("memory stays flat in ordinary training: no graph is kept on gradients without createGraph", () => {
  const model = new torch.nn.Sequential(new torch.nn.Linear(8, 16), new torch.nn.ReLU(), new torch.nn.Linear(16, 4));
  const opt = new torch.optim.SGD(model.parameters(), { lr: 0.01 });
  const x = torch.randn([32, 8]);
  const y = torch.tensor(Array.from({ length: 32 }, (_, i) => i % 4), { dtype: "int64" });
  const grads0: unknown[] = [];
  for (let step = 0; step < 5; step++) {
    opt.zeroGrad();
    const loss = F.crossEntropy(model.forward(x), y);
    loss.backward();
    assert.equal(loss.gradFn!.nextFunctions.length, 1);
    for (const p of model.parameters()) {
      assert.equal(p.grad!.gradFn, null);
      assert.equal(p.grad!.requiresGrad, false);
    }
    if (step === 0) grads0.push(...[...model.parameters()].map((p) => p.grad));
    opt.step();
  }
  // a gradient-penalty step keeps a graph on .grad only until zeroGrad drops it
  const xg = x.clone().requiresGrad_(true);
  const [gx] = grad(F.crossEntropy(model.forward(xg), y), xg, { createGraph: true });
  gx!.pow(2).sum().backward();
  for (const p of model.parameters()) assert.equal(p.grad!.requiresGrad, false, "the penalty's .grad itself needs no graph (backward without createGraph)");
  opt.zeroGrad();
  for (const p of model.parameters()) {
    assert.equal(p.grad!.gradFn, null);
    assert.ok([...p.grad!.toTypedArray()].every((v) => v === 0), "zeroGrad's default: zeros");
  }
  opt.zeroGrad({ setToNone: true });
  for (const p of model.parameters()) assert.equal(p.grad, null);
});

test("third and fourth derivatives: createGraph nests", () => {
  const x = torch.tensor([1, 2], { dtype: "float64", requiresGrad: true });
  let g = x.pow(4).sum();
  const seen: number[][] = [];
  for (let k = 0; k < 4; k++) {
    const [d] = grad(g, x, { createGraph: k < 3 });
    seen.push([...d!.toTypedArray()]);
    g = d!.sum();
  }
  assert.deepEqual(seen, [[4, 32], [12, 48], [24, 48], [24, 24]]);
  const y = torch.tensor([0.3], { dtype: "float64", requiresGrad: true });
  const [t1] = grad(torch.tanh(y).sum(), y, { createGraph: true });
  const [t2] = grad(t1!.sum(), y, { createGraph: true });
  const [t3] = grad(t2!.sum(), y);
  const th = Math.tanh(0.3);
  assert.ok(Math.abs(t3!.item() + 2 * (1 - th * th) * (1 - 3 * th * th)) < 1e-14);
});
