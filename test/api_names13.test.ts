/**
 * Issue 13, acceptance 3: every name the issue writes is callable as written, in the torch.X(t, ...)
 * and t.X(...) forms where PyTorch has both, and gives PyTorch's value. Expected numbers are PyTorch
 * 1.13's on the same tiny inputs (/usr/bin/python3, written inline); the detailed checks of each
 * op (dtypes, gradients, errors) live in the op suites and their fixtures.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as torch from "../src/index.ts";

type Tensor = torch.Tensor;
type FunctionCtx = torch.autograd.FunctionCtx;
const T = (v: unknown, dtype: torch.DType = "float32") => torch.tensor(v as never, { dtype });
const L = (t: Tensor) => t.tolist();
const Ls = (ts: Iterable<Tensor>) => [...ts].map(L);

// a = [[1, -2, 3], [4, 5, -6]], v = [3, 1, 2, 5] (float32), as in the PyTorch script.
const a = () => T([[1, -2, 3], [4, 5, -6]]);
const v = () => T([3, 1, 2, 5]);
const ar = (n: number) => torch.arange(n);

describe("issue 13 ops: torch.X(t) and t.X()", () => {
  test("chunk split unbind", () => {
    assert.deepEqual(Ls(torch.chunk(ar(5), 2)), [[0, 1, 2], [3, 4]]);
    assert.deepEqual(Ls(ar(5).chunk(2)), [[0, 1, 2], [3, 4]]);
    assert.deepEqual(Ls(torch.split(ar(5), 2)), [[0, 1], [2, 3], [4]]);
    assert.deepEqual(Ls(ar(5).split([1, 4])), [[0], [1, 2, 3, 4]]);
    assert.deepEqual(Ls(torch.unbind(a())), [[1, -2, 3], [4, 5, -6]]);
    assert.deepEqual(Ls(a().unbind(1)), [[1, 4], [-2, 5], [3, -6]]);
  });
  test("flip roll repeat tile repeatInterleave", () => {
    assert.deepEqual(L(torch.flip(a(), [0])), [[4, 5, -6], [1, -2, 3]]);
    assert.deepEqual(L(a().flip(1)), [[3, -2, 1], [-6, 5, 4]]);
    assert.deepEqual(L(torch.roll(ar(5), 2)), [3, 4, 0, 1, 2]);
    assert.deepEqual(L(a().roll(1, 1)), [[3, 1, -2], [-6, 4, 5]]);
    assert.deepEqual(L(torch.tensor([1, 2]).repeat(2, 2)), [[1, 2, 1, 2], [1, 2, 1, 2]]);
    assert.deepEqual(L(torch.tile(torch.tensor([1, 2]), [2])), [1, 2, 1, 2]);
    assert.deepEqual(L(torch.tensor([1, 2]).tile([2])), [1, 2, 1, 2]);
    assert.deepEqual(L(torch.repeatInterleave(torch.tensor([1, 2]), 2)), [1, 1, 2, 2]);
    assert.deepEqual(L(torch.tensor([1, 2]).repeatInterleave(torch.tensor([1, 3]))), [1, 2, 2, 2]);
  });
  test("tril triu", () => {
    const sq = torch.arange(1, 10).reshape(3, 3).to("float32");
    assert.deepEqual(L(torch.tril(sq)), [[1, 0, 0], [4, 5, 0], [7, 8, 9]]);
    assert.deepEqual(L(sq.triu(1)), [[0, 2, 3], [0, 0, 6], [0, 0, 0]]);
    assert.deepEqual(L(torch.triu(sq, 1)), [[0, 2, 3], [0, 0, 6], [0, 0, 0]]);
  });
  test("topk sort argsort (values and indices, also destructured)", () => {
    const [tv, ti] = torch.topk(v(), 2);
    assert.deepEqual([L(tv!), L(ti!)], [[5, 3], [3, 0]]);
    const small = v().topk(2, { largest: false });
    assert.deepEqual([L(small.values), L(small.indices)], [[1, 2], [1, 2]]);
    const s = torch.sort(v());
    assert.deepEqual([L(s.values), L(s.indices)], [[1, 2, 3, 5], [1, 2, 0, 3]]);
    const d = v().sort({ descending: true });
    assert.deepEqual([L(d.values), L(d.indices)], [[5, 3, 2, 1], [3, 0, 2, 1]]);
    assert.deepEqual(L(torch.argsort(v())), [1, 2, 0, 3]);
    assert.deepEqual(L(v().argsort({ descending: true })), [3, 0, 2, 1]);
  });
  test("cumsum cumprod diff amin amax rsqrt", () => {
    assert.deepEqual(L(torch.cumsum(v(), 0)), [3, 4, 6, 11]);
    assert.deepEqual(L(v().cumprod(0)), [3, 3, 6, 30]);
    assert.deepEqual(L(torch.diff(v())), [-2, 1, 3]);
    assert.deepEqual(L(v().diff(2)), [3, 2]);
    assert.deepEqual(L(torch.amin(a(), 1)), [-2, -6]);
    assert.deepEqual(L(a().amax(0)), [4, 5, 3]);
    assert.deepEqual(L(torch.rsqrt(T([4, 0.25]))), [0.5, 2]);
    assert.deepEqual(L(T([4, 0.25]).rsqrt()), [0.5, 2]);
  });
  test("einsum outer dot bmm baddbmm addmm", () => {
    assert.deepEqual(L(torch.einsum("ij,j->i", a(), T([1, 0, 2]))), [7, -8]);
    assert.deepEqual(L(torch.outer(T([1, 2]), T([3, 4, 5]))), [[3, 4, 5], [6, 8, 10]]);
    assert.deepEqual(L(T([1, 2]).outer(T([3, 4, 5]))), [[3, 4, 5], [6, 8, 10]]);
    assert.equal(torch.dot(T([1, 2]), T([3, 4])).item(), 11);
    assert.equal(T([1, 2]).dot(T([3, 4])).item(), 11);
    const b1 = torch.arange(12).reshape(2, 2, 3).to("float32");
    const b2 = torch.arange(6).reshape(2, 3, 1).to("float32");
    assert.deepEqual(L(torch.bmm(b1, b2)), [[[5], [14]], [[86], [122]]]);
    assert.deepEqual(L(b1.bmm(b2)), [[[5], [14]], [[86], [122]]]);
    assert.deepEqual(L(torch.baddbmm(torch.ones([2, 2, 1]), b1, b2, { beta: 0.5, alpha: 2 })), [[[10.5], [28.5]], [[172.5], [244.5]]]);
    assert.deepEqual(L(torch.ones([2, 2, 1]).baddbmm(b1, b2, { beta: 0.5, alpha: 2 })), [[[10.5], [28.5]], [[172.5], [244.5]]]);
    assert.deepEqual(L(torch.addmm(torch.ones([2, 2]), a(), a().t(), { beta: 2, alpha: 0.5 })), [[9, -10], [-10, 40.5]]);
    assert.deepEqual(L(torch.ones([2, 2]).addmm(a(), a().t(), { beta: 2, alpha: 0.5 })), [[9, -10], [-10, 40.5]]);
  });
  test("lerp (number and tensor weight) and lerp_", () => {
    assert.deepEqual(L(torch.lerp(T([0, 10]), T([10, 20]), 0.25)), [2.5, 12.5]);
    assert.deepEqual(L(T([0, 10]).lerp(T([10, 20]), T([0.5, 1]))), [5, 20]);
    const x = T([0, 10]);
    assert.equal(x.lerp_(T([10, 20]), 0.25), x);
    assert.deepEqual(L(x), [2.5, 12.5]);
  });
  test("isnan isinf isfinite nanToNum (and nanToNum_)", () => {
    const s = () => T([1, NaN, Infinity, -Infinity]);
    assert.deepEqual(L(torch.isnan(s())), [false, true, false, false]);
    assert.deepEqual(L(s().isinf()), [false, false, true, true]);
    assert.deepEqual(L(torch.isfinite(s())), [true, false, false, false]);
    assert.deepEqual(L(s().isnan()), [false, true, false, false]);
    assert.deepEqual(L(torch.nanToNum(s(), { nan: 0, posinf: 9, neginf: -9 })), [1, 0, 9, -9]);
    assert.deepEqual(L(s().to("float64").nanToNum()), [1, 0, 1.7976931348623157e308, -1.7976931348623157e308]);
    const y = s();
    y.nanToNum_({ nan: 0, posinf: 9, neginf: -9 });
    assert.deepEqual(L(y), [1, 0, 9, -9]);
  });
  test("allclose equal all any", () => {
    assert.equal(torch.allclose(v(), v().add(1e-9)), true);
    assert.equal(v().allclose(v().add(1)), false);
    assert.equal(torch.equal(v(), v().clone()), true);
    assert.equal(v().equal(v().add(1)), false);
    assert.equal(torch.all(a().gt(-10)).item(), 1);
    assert.deepEqual(L(a().gt(4).any(1)), [false, true]);
    assert.deepEqual(L(torch.any(a().gt(4), 1)), [false, true]);
    assert.equal(a().gt(0).all().item(), 0);
  });
  test("meshgrid multinomial", () => {
    const g = torch.meshgrid(torch.tensor([1, 2]), torch.tensor([3, 4, 5]), { indexing: "ij" });
    assert.deepEqual(Ls(g), [[[1, 1, 1], [2, 2, 2]], [[3, 4, 5], [3, 4, 5]]]);
    // A single non-zero probability makes the draw certain.
    assert.deepEqual(L(torch.multinomial(T([0, 0, 1]), 2, true)), [2, 2]);
    assert.deepEqual(L(T([0, 1, 0]).multinomial(1)), [1]);
  });
  test("torch.linalg.vectorNorm / matrixNorm, Tensor.norm(p, dim, keepdim), torch.norm", () => {
    const close = (x: number, y: number) => assert.ok(Math.abs(x - y) < 1e-5, `${x} vs ${y}`);
    close(torch.linalg.vectorNorm(a()).item(), 9.539392471313477);
    // PyTorch's vector_norm(a, 1, dim=1); kindling takes dim positionally (linalg.ts refuses { dim }).
    assert.deepEqual(L(torch.linalg.vectorNorm(a(), 1, 1)), [6, 15]);
    close(torch.linalg.matrixNorm(a()).item(), 9.539392471313477);
    assert.equal(torch.linalg.matrixNorm(a(), 1).item(), 9);
    close(a().norm().item(), 9.539392471313477);
    assert.deepEqual(L(a().norm(1, 1, true)), [[6], [15]]);
    close(torch.norm(a(), "fro").item(), 9.539392471313477);
  });
  test("viewAs expandAs", () => {
    assert.deepEqual(ar(6).viewAs(torch.zeros([2, 3])).shape, [2, 3]);
    assert.deepEqual(L(torch.tensor([1, 2]).expandAs(torch.zeros([2, 2]))), [[1, 2], [1, 2]]);
  });
  test("Tensor.data: a detached view sharing memory, assignable", () => {
    const w = T([1, 2]).requiresGrad_(true);
    const d = w.data;
    assert.equal(d.requiresGrad, false);
    d.mul_(3);
    assert.deepEqual(L(w.detach()), [3, 6]);
    w.data = T([7, 8, 9]);
    assert.deepEqual(L(w.detach()), [7, 8, 9]);
    assert.equal(w.requiresGrad, true);
  });
  test("Tensor.type and dtype aliases", () => {
    assert.equal(a().type(), "torch.FloatTensor");
    assert.equal(a().type(torch.double).dtype, "float64");
    assert.equal(a().type("torch.LongTensor").dtype, "int64");
    assert.deepEqual(
      [torch.float, torch.double, torch.long, torch.int, torch.float32, torch.float64, torch.int64, torch.int32, torch.bool],
      ["float32", "float64", "int64", "int32", "float32", "float64", "int64", "int32", "bool"],
    );
    assert.equal(torch.zeros([2], { dtype: torch.long }).dtype, "int64");
  });
});

describe("devices", () => {
  test("torch.device, tensor.device, to(...) forms, cpu()", () => {
    const cpu = torch.device("cpu");
    assert.equal(String(cpu), "cpu");
    assert.equal(cpu.type, "cpu");
    const x = a();
    assert.equal(String(x.device), "cpu");
    assert.equal(x.to("cpu"), x);
    assert.equal(x.to(cpu), x);
    assert.equal(x.cpu(), x);
    assert.equal(x.to("float64").dtype, "float64");
    assert.equal(x.to(torch.double).dtype, "float64");
    assert.equal(x.to(cpu, "int64").dtype, "int64");
    assert.equal(x.to({ device: "cpu", dtype: "float64" }).dtype, "float64");
    assert.equal(x.to(torch.zeros([1], { dtype: "int32" })).dtype, "int32");
    assert.deepEqual(L(x.to("cpu", "int64")), [[1, -2, 3], [4, 5, -6]]);
  });
  test("cuda is a clear error naming the devices that exist; model.to(device) works", () => {
    assert.throws(() => a().cuda(), (e: Error) => /cpu/.test(e.message) && /cuda/i.test(e.message));
    assert.throws(() => a().to("cuda"), (e: Error) => /cpu/.test(e.message));
    const m = new torch.nn.Linear(2, 1);
    assert.equal(m.to(torch.device("cpu")), m);
    assert.equal(m.to("cpu"), m);
    assert.equal(m.cpu(), m);
    assert.throws(() => m.cuda(), (e: Error) => /cpu/.test(e.message));
    assert.throws(() => m.to("cuda"), (e: Error) => /cpu/.test(e.message));
  });
});

describe("grad mode", () => {
  const w = () => T([1, 2]).requiresGrad_(true);
  test("callback forms", () => {
    assert.equal(torch.noGrad(() => w().mul(2)).requiresGrad, false);
    assert.equal(torch.noGrad(() => torch.enableGrad(() => w().mul(2))).requiresGrad, true);
    assert.equal(torch.setGradEnabled(false, () => w().mul(2)).requiresGrad, false);
    assert.equal(torch.inferenceMode(() => w().mul(2)).requiresGrad, false);
    assert.equal(torch.isGradEnabled(), true);
    assert.equal(torch.noGrad(() => torch.isGradEnabled()), false);
  });
  test("async noGrad keeps grad mode off until it settles", async () => {
    const r = await torch.noGrad(async () => {
      await new Promise((res) => setTimeout(res, 1));
      return w().mul(2);
    });
    assert.equal(r.requiresGrad, false);
    assert.equal(torch.isGradEnabled(), true);
  });
  test("using forms", () => {
    {
      using _ = torch.noGrad();
      assert.equal(torch.isGradEnabled(), false);
      assert.equal(w().mul(2).requiresGrad, false);
      {
        using _e = torch.enableGrad();
        assert.equal(w().mul(2).requiresGrad, true);
      }
      assert.equal(torch.isGradEnabled(), false);
    }
    assert.equal(torch.isGradEnabled(), true);
    {
      using _ = torch.setGradEnabled(false);
      assert.equal(torch.isGradEnabled(), false);
    }
    {
      using _ = torch.inferenceMode();
      assert.equal(w().mul(2).requiresGrad, false);
    }
    assert.equal(torch.isGradEnabled(), true);
  });
});

describe("custom autograd.Function", () => {
  test("ctx.saveForBackward / savedTensors / needsInputGrad / markNonDifferentiable; apply; gradcheck", () => {
    let needs: readonly boolean[] = [];
    class Cube extends torch.autograd.Function {
      static override forward(ctx: FunctionCtx, x: Tensor, k: Tensor) {
        ctx.saveForBackward(x, k);
        const idx = x.argsort();
        ctx.markNonDifferentiable(idx);
        return [x.pow(3).mul(k), idx];
      }
      static override backward(ctx: FunctionCtx, g: Tensor) {
        needs = ctx.needsInputGrad;
        const [x, k] = ctx.savedTensors;
        return [g.mul(x!.pow(2)).mul(k!).mul(3), null];
      }
    }
    const x = T([1, 2], "float64").requiresGrad_(true);
    const [y, idx] = Cube.apply(x, T([1, 1], "float64")) as Tensor[];
    assert.equal(idx!.requiresGrad, false);
    y!.sum().backward();
    assert.deepEqual(L(x.grad!), [3, 12]);
    assert.deepEqual(needs, [true, false]);
    assert.equal(torch.autograd.gradcheck((t) => (Cube.apply(t, T([2, 2], "float64")) as Tensor[])[0]!, [x.detach().requiresGrad_(true)]), true);
  });
});

describe("hooks and Module helpers", () => {
  test("forward pre / forward / full backward hooks, Tensor.registerHook, handles remove()", () => {
    const m = new torch.nn.Linear(2, 1);
    torch.noGrad(() => {
      m.weight.copy_(T([[1, 2]]));
      m.bias!.fill_(0);
    });
    const log: string[] = [];
    const h1 = m.registerForwardPreHook((_m, args) => {
      log.push("pre");
      return [args[0].mul(2)];
    });
    const h2 = m.registerForwardHook((_m, _args, out) => {
      log.push("fwd");
      return out.add(1);
    });
    let gradOut: number[] = [];
    const h3 = m.registerFullBackwardHook((_m, _gIn, gOut) => {
      gradOut = gOut[0]!.tolist() as number[];
    });
    const x = T([[1, 1]]).requiresGrad_(true);
    const hx = x.registerHook((g) => g.mul(10));
    const y = m.forward(x);
    assert.deepEqual(L(y), [[7]]); // (2 + 4) + 1
    y.mul(5).sum().backward();
    assert.deepEqual(gradOut, [[5]]);
    assert.deepEqual(L(x.grad!), [[100, 200]]); // 5 * 2 * w, times 10 by the tensor hook
    assert.deepEqual(log, ["pre", "fwd"]);
    for (const h of [h1, h2, h3, hx]) h.remove();
    assert.deepEqual(L(m.forward(T([[1, 1]]))), [[3]]);
    assert.deepEqual(log, ["pre", "fwd"]);
  });
  test("registerBuffer persistent, namedModules, getSubmodule, requiresGrad_, train(false)", () => {
    const net = new torch.nn.Sequential(new torch.nn.Linear(2, 2), new torch.nn.ReLU());
    net.registerBuffer("steps", torch.tensor(3));
    net.registerBuffer("scratch", torch.zeros([1]), { persistent: false });
    assert.ok("steps" in net.stateDict());
    assert.ok(!("scratch" in net.stateDict()));
    assert.deepEqual(net.namedModules().map(([n]) => n), ["", "0", "1"]);
    assert.ok(net.getSubmodule("0") instanceof torch.nn.Linear);
    net.requiresGrad_(false);
    assert.ok(net.parameters().every((p) => !p.requiresGrad));
    net.train(false);
    assert.equal(net.training, false);
    assert.equal(net.getSubmodule("1").training, false);
  });
});

describe("indexing names", () => {
  const x = () => torch.arange(24).reshape(2, 3, 4);
  test("index with Slice, Ellipsis, null; string form; indexPut_", () => {
    const want = [[[[12, 14]], [[16, 18]], [[20, 22]]]];
    assert.deepEqual(L(x().index([torch.Slice(1, 3), torch.Ellipsis, null, torch.Slice(null, null, 2)])), want);
    assert.deepEqual(L(x().index("1:3, ..., None, ::2")), want);
    assert.deepEqual(L(x().index([[0, 1], torch.Slice(), [1, 2]])), [[1, 5, 9], [14, 18, 22]]);
    const y = torch.zeros([2, 3]);
    y.indexPut_([torch.Ellipsis, 0], 5);
    assert.deepEqual(L(y), [[5, 0, 0], [5, 0, 0]]);
    const z = torch.zeros([2, 3]);
    z.indexPut_("..., 0", T([5, 5]));
    assert.deepEqual(L(z), [[5, 0, 0], [5, 0, 0]]);
  });
  test("scatter scatterAdd scatter_ nonzero maskedSelect take", () => {
    assert.deepEqual(L(torch.scatter(torch.zeros([2, 3]), 1, torch.tensor([[2], [0]]), 7)), [[0, 0, 7], [7, 0, 0]]);
    assert.deepEqual(L(torch.zeros([3]).scatter(0, torch.tensor([2, 0]), T([5, 6]))), [6, 0, 5]);
    assert.deepEqual(L(torch.scatterAdd(torch.zeros([3]), 0, torch.tensor([1, 1, 2]), T([1, 2, 3]))), [0, 3, 3]);
    assert.deepEqual(L(torch.zeros([3]).scatterAdd(0, torch.tensor([1, 1, 2]), T([1, 2, 3]))), [0, 3, 3]);
    const s = torch.zeros([3]);
    assert.equal(s.scatter_(0, torch.tensor([2, 0]), T([5, 6])), s);
    assert.deepEqual(L(s), [6, 0, 5]);
    assert.deepEqual(L(torch.nonzero(torch.tensor([[0, 1], [2, 0]]))), [[0, 1], [1, 0]]);
    assert.deepEqual(L(torch.tensor([[0, 1], [2, 0]]).nonzero()), [[0, 1], [1, 0]]);
    assert.deepEqual(L(torch.maskedSelect(a(), a().gt(0))), [1, 3, 4, 5]);
    assert.deepEqual(L(a().maskedSelect(a().gt(0))), [1, 3, 4, 5]);
    assert.deepEqual(L(torch.take(a(), torch.tensor([0, 5]))), [1, -6]);
    assert.deepEqual(L(a().take(torch.tensor([0, 5]))), [1, -6]);
  });
});
