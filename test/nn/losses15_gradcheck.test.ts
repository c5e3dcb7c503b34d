/**
 * The losses of issue 15: float64 finite-difference gradchecks with respect to every differentiable
 * input (every option that changes the computation), and the corners the fixtures do not reach:
 * graph node names, a soft-margin target that requires grad, the modules' own argument checks and
 * buffers, a custom distance function.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import { KindlingError } from "../../src/errors.ts";

type Tensor = torch.Tensor;
const { nn } = torch;
const F = nn.F;

torch.manualSeed(15);

function leaf(shape: number[], scale = 1, shift = 0): Tensor {
  return torch.randn(shape, { dtype: "float64" }).mul(scale).add(shift).detach().requiresGrad_(true);
}
const signs = (shape: number[]): Tensor => torch.randint(0, 2, shape).mul(2).sub(1).to("float64");
const positive = (shape: number[]): Tensor => torch.rand(shape, { dtype: "float64" }).add(0.2).detach().requiresGrad_(true);

function check(name: string, fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  test(`gradcheck ${name}`, () => {
    assert.equal(torch.autograd.gradcheck(fn, inputs), true);
  });
}

function throwsKindling(fn: () => unknown, message: string | RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof KindlingError, `expected a KindlingError, got ${String(e)}`);
    if (typeof message === "string") assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

describe("float64 gradchecks", () => {
  const t6 = signs([6]);
  check("marginRankingLoss margin 0.3 (input1, input2, target)", (a, b, y) => F.marginRankingLoss(a, b, y, { margin: 0.3, reduction: "none" }), [leaf([6]), leaf([6]), leaf([6])]);
  const t34 = signs([3, 4]);
  check("marginRankingLoss broadcast [3,1] vs [1,4]", (a, b) => F.marginRankingLoss(a, b, t34, { margin: 1 }), [leaf([3, 1]), leaf([1, 4])]);
  check("hingeEmbeddingLoss margin 0.7", (x) => F.hingeEmbeddingLoss(x, t6, { margin: 0.7, reduction: "sum" }), [leaf([6], 1, 0.05)]);
  check("softMarginLoss", (x) => F.softMarginLoss(x, t6), [leaf([6], 2)]);
  check("multilabelSoftMarginLoss (input, target, weight)", (x, y, w) => F.multilabelSoftMarginLoss(x, y, { weight: w, reduction: "none" }), [leaf([3, 4]), leaf([3, 4], 0.3, 0.5), leaf([4])]);
  check("multiMarginLoss p 1 weight", (x) => F.multiMarginLoss(x, torch.tensor([0, 2, 1]), { weight: torch.tensor([0.5, 1, 2], { dtype: "float64" }) }), [leaf([3, 3])]);
  check("multiMarginLoss p 2 margin 0.4", (x) => F.multiMarginLoss(x, torch.tensor([1, 3]), { p: 2, margin: 0.4, reduction: "sum" }), [leaf([2, 4])]);
  check("multiMarginLoss unbatched", (x) => F.multiMarginLoss(x, torch.tensor(2), { reduction: "none" }), [leaf([4])]);
  check("multilabelMarginLoss", (x) => F.multilabelMarginLoss(x, torch.tensor([[3, 0, -1, 1], [1, 2, -1, -1]])), [leaf([2, 4])]);
  check("tripletMarginLoss p 2 (anchor, positive, negative)", (a, p, n) => F.tripletMarginLoss(a, p, n, { margin: 2, reduction: "none" }), [leaf([3, 4]), leaf([3, 4]), leaf([3, 4])]);
  check("tripletMarginLoss p 1.5 swap eps 0.1", (a, p, n) => F.tripletMarginLoss(a, p, n, { p: 1.5, swap: true, eps: 0.1, margin: 3, reduction: "sum" }), [leaf([3, 4]), leaf([3, 4]), leaf([3, 4])]);
  check("tripletMarginLoss unbatched", (a, p, n) => F.tripletMarginLoss(a, p, n, { margin: 4 }), [leaf([4]), leaf([4]), leaf([4])]);
  check("tripletMarginWithDistanceLoss squared distance, swap", (a, p, n) => F.tripletMarginWithDistanceLoss(a, p, n, {
    distanceFunction: (x, y) => x.sub(y).pow(2).sum(-1), swap: true, margin: 20, reduction: "none",
  }), [leaf([3, 2]), leaf([3, 2]), leaf([3, 2])]);
  check("poissonNllLoss logInput (input, target)", (x, y) => F.poissonNllLoss(x, y), [leaf([3, 4]), positive([3, 4])]);
  check("poissonNllLoss rate, full", (x, y) => F.poissonNllLoss(x, y, { logInput: false, full: true, reduction: "sum" }), [positive([3, 4]), leaf([3, 4], 0.5, 3)]);
  check("gaussianNllLoss (input, target, var)", (x, y, v) => F.gaussianNllLoss(x, y, v, { full: true }), [leaf([3, 4]), leaf([3, 4]), positive([3, 4])]);
  check("gaussianNllLoss homoscedastic var [3]", (x, y, v) => F.gaussianNllLoss(x, y, v, { reduction: "none" }), [leaf([3, 4]), leaf([3, 4]), positive([3])]);
});

describe("corners", () => {
  test("graph nodes are PyTorch's where it runs one ATen kernel", () => {
    const x = leaf([2, 3]);
    assert.equal(F.softMarginLoss(x, signs([2, 3])).gradFn?.name, "SoftMarginLossBackward0");
    assert.equal(F.multiMarginLoss(x, torch.tensor([0, 2])).gradFn?.name, "MultiMarginLossBackward0");
    assert.equal(F.multilabelMarginLoss(x, torch.tensor([[0, -1, 0], [2, 1, -1]])).gradFn?.name, "MultilabelMarginLossBackward0");
  });

  test("softMarginLoss refuses a target that requires grad, as PyTorch", () => {
    throwsKindling(() => F.softMarginLoss(leaf([3]), leaf([3])), /not differentiable with respect to argument 'target'/);
    assert.doesNotThrow(() => torch.noGrad(() => F.softMarginLoss(leaf([3]), leaf([3]))));
  });

  test("module argument checks", () => {
    throwsKindling(() => new nn.MultiMarginLoss({ p: 3 }), "only p == 1 and p == 2 supported");
    throwsKindling(() => new nn.MultiMarginLoss({ weight: torch.ones([3, 1]) }), "weight must be one-dimensional");
    throwsKindling(() => new nn.TripletMarginLoss({ reduction: "batchmean" as never }), "batchmean is not a valid value for reduction");
    throwsKindling(() => new nn.GaussianNLLLoss({ eps: "1e-6" as never }), /option 'eps' must be a number/);
    throwsKindling(() => new nn.TripletMarginWithDistanceLoss({ distanceFunction: 2 as never }), /option 'distanceFunction' must be a function or null/);
    throwsKindling(() => Reflect.construct(nn.PoissonNLLLoss, [{}, {}]), "nn.PoissonNLLLoss(): takes at most 1 argument but 2 were given");
    throwsKindling(() => F.poissonNllLoss(torch.ones([2]), torch.ones([2]), { log_input: false } as never), /did you mean 'logInput'/);
  });

  test("class weights are the buffer 'weight', as PyTorch's", () => {
    const w = torch.tensor([1, 2, 3]);
    const m = new nn.MultiMarginLoss({ weight: w, p: 2 });
    assert.deepEqual(Object.keys(m.stateDict()), ["weight"]);
    assert.equal(m.weight, w);
    assert.deepEqual(Object.keys(new nn.MultiLabelSoftMarginLoss().stateDict()), []);
    assert.equal(m.toString(), "MultiMarginLoss()");
  });

  test("a custom distance function gets (anchor, positive), (anchor, negative), then (positive, negative) with swap", () => {
    const calls: string[] = [];
    const [a, p, n] = [torch.zeros([2, 3]), torch.ones([2, 3]), torch.full([2, 3], 2)];
    const name = (t: Tensor): string => String(t.toTypedArray()[0]);
    const dist = (x: Tensor, y: Tensor): Tensor => {
      calls.push(name(x) + name(y));
      return x.sub(y).abs().sum(-1);
    };
    const loss = new nn.TripletMarginWithDistanceLoss({ distanceFunction: dist, swap: true, reduction: "none" }).forward(a, p, n);
    assert.deepEqual(calls, ["01", "02", "12"]);
    // d(a, p) = 3, min(d(a, n) = 6, d(p, n) = 3) = 3: max(0, 3 - 3 + 1) = 1
    assert.deepEqual(Array.from(loss.toTypedArray()), [1, 1]);
  });

  test("the mean over an empty batch is NaN; the sum 0", () => {
    assert.ok(Number.isNaN(F.multiMarginLoss(torch.zeros([0, 3]), torch.zeros([0], { dtype: "int64" })).item()));
    assert.equal(F.multiMarginLoss(torch.zeros([0, 3]), torch.zeros([0], { dtype: "int64" }), { reduction: "sum" }).item(), 0);
    assert.ok(Number.isNaN(F.multilabelMarginLoss(torch.zeros([0, 3]), torch.zeros([0, 3], { dtype: "int64" })).item()));
  });
});

describe("TripletMarginWithDistanceLoss with a module as the distance", () => {
  class L1Distance extends nn.Module<[Tensor, Tensor], Tensor> {
    override forward(a: Tensor, b: Tensor): Tensor {
      return a.sub(b).abs().sum(-1);
    }
  }

  test("the module is the child 'distance_function', as PyTorch's", () => {
    const loss = new nn.TripletMarginWithDistanceLoss({ distanceFunction: new L1Distance(), margin: 0.5 });
    assert.equal(loss.toString(), "TripletMarginWithDistanceLoss(\n  (distance_function): L1Distance()\n)");
    assert.deepEqual([...loss.namedModules()].map(([n]) => n), ["", "distance_function"]);
    const [a, p, n] = [torch.zeros([2, 3]), torch.ones([2, 3]), torch.full([2, 3], 2)];
    // max(0, 3 - 6 + 0.5) = 0; with the margin 4: 1
    assert.equal(loss.forward(a, p, n).item(), 0);
    assert.equal(new nn.TripletMarginWithDistanceLoss({ distanceFunction: new L1Distance(), margin: 4 }).forward(a, p, n).item(), 1);
  });
});
