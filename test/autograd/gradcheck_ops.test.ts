/**
 * Finite-difference gradient checks (torch.autograd.gradcheck, float64) for every differentiable op.
 * Inputs are small random tensors; they are kept positive where the op needs it and away from kinks
 * (0 for abs/relu, the clamp bounds, ties for max/min/maximum/minimum), so central differences are
 * valid. Non-contiguous operands are exercised by transposing/permuting inside the checked function.
 */
import { test } from "node:test";
import * as torch from "../../src/index.ts";

type Tensor = ReturnType<typeof torch.tensor>;
type Kind = "randn" | "pos" | "away" | "clamp" | "distinct";

/** A float64 leaf requiring grad, drawn from torch.randn and mapped to the wanted kind. */
function leaf(shape: number[], kind: Kind = "randn"): Tensor {
  const r = torch.randn(shape, { dtype: "float64" }).toTypedArray() as Float64Array;
  const n = r.length;
  let data: Float64Array;
  switch (kind) {
    case "randn":
      data = Float64Array.from(r);
      break;
    case "pos": // in [0.5, ~3]
      data = Float64Array.from(r, (v) => 0.5 + Math.min(Math.abs(v), 2.5));
      break;
    case "away": // |x| >= 0.2
      data = Float64Array.from(r, (v) => (v >= 0 ? v + 0.2 : v - 0.2));
      break;
    case "clamp": // nothing within 0.05 of +-0.5
      data = Float64Array.from(r, (v) => {
        for (const p of [-0.5, 0.5]) if (Math.abs(v - p) < 0.05) v += v >= p ? 0.1 : -0.1;
        return v;
      });
      break;
    case "distinct": {
      // a shuffled grid with spacing 0.25 plus a small jitter: no two values closer than ~0.15
      const order = Array.from(r, (v, i) => [v, i] as const).sort((x, y) => x[0] - y[0]);
      data = new Float64Array(n);
      order.forEach(([, i], rank) => {
        data[i] = (rank - n / 2) * 0.25 + 0.05 * Math.tanh(r[i]!);
      });
      break;
    }
  }
  return torch.tensor(data, { dtype: "float64" }).reshape(shape).detach().requiresGrad_(true);
}

function index(data: number[], shape: number[]): Tensor {
  return torch.tensor(Float64Array.from(data), { dtype: "int64" }).reshape(shape);
}

function mask(data: number[], shape: number[]): Tensor {
  return torch.tensor(Uint8Array.from(data), { dtype: "bool" }).reshape(shape);
}

const cases: [string, () => [(...xs: Tensor[]) => Tensor, Tensor[]]][] = [];
function check(name: string, make: () => [(...xs: Tensor[]) => Tensor, Tensor[]]): void {
  cases.push([name, make]);
}

// ---------------------------------------------------------------------------------------------
// elementwise binary, with broadcasting, scalar operands and non-contiguous operands
const binaryOps: [string, (a: Tensor | number, b: Tensor | number) => Tensor][] = [
  ["add", (a, b) => torch.add(a, b)],
  ["sub", (a, b) => torch.sub(a, b)],
  ["mul", (a, b) => torch.mul(a, b)],
  ["div", (a, b) => torch.div(a, b)],
];
for (const [op, f] of binaryOps) {
  const rhs: Kind = op === "div" ? "away" : "randn";
  check(`${op} same shape`, () => [(a, b) => f(a!, b!), [leaf([3, 4]), leaf([3, 4], rhs)]]);
  check(`${op} broadcast [3,1]x[1,4]`, () => [(a, b) => f(a!, b!), [leaf([3, 1]), leaf([1, 4], rhs)]]);
  check(`${op} broadcast [2,3,4]x[4]`, () => [(a, b) => f(a!, b!), [leaf([2, 3, 4]), leaf([4], rhs)]]);
  check(`${op} scalar rhs`, () => [(a) => f(a!, 2.5), [leaf([3, 4])]]);
  check(`${op} scalar lhs`, () => [(b) => f(-1.5, b!), [leaf([3, 4], rhs)]]);
  check(`${op} transposed`, () => [(a, b) => f(a!.t(), b!), [leaf([4, 3]), leaf([3, 4], rhs)]]);
  check(`${op} permuted 3-D`, () => [(a, b) => f(a!.permute([1, 2, 0]), b!), [leaf([4, 2, 3]), leaf([3, 1], rhs)]]);
}
check("pow tensor^2.5", () => [(a) => torch.pow(a!, 2.5), [leaf([3, 4], "pos")]]);
check("pow tensor^3 (negative base)", () => [(a) => torch.pow(a!, 3), [leaf([3, 4], "away")]]);
check("pow tensor^-1.5", () => [(a) => torch.pow(a!, -1.5), [leaf([3, 4], "pos")]]);
check("pow tensor^tensor", () => [(a, b) => torch.pow(a!, b!), [leaf([3, 4], "pos"), leaf([3, 4])]]);
check("pow broadcast", () => [(a, b) => torch.pow(a!, b!), [leaf([3, 1], "pos"), leaf([1, 4])]]);
check("pow transposed", () => [(a, b) => torch.pow(a!.t(), b!), [leaf([4, 3], "pos"), leaf([4])]]);
check("maximum", () => [(a, b) => torch.maximum(a!, b!), [leaf([12], "distinct"), leaf([12], "distinct")]]);
check("maximum broadcast transposed", () => [
  (a, b) => torch.maximum(a!.t(), b!),
  [leaf([4, 3], "distinct"), leaf([1, 4], "distinct")],
]);
check("minimum", () => [(a, b) => torch.minimum(a!, b!), [leaf([12], "distinct"), leaf([12], "distinct")]]);
check("minimum broadcast", () => [(a, b) => torch.minimum(a!, b!), [leaf([3, 1], "distinct"), leaf([1, 4], "distinct")]]);
check("where broadcast", () => {
  const c = mask([1, 0, 1], [3, 1]);
  return [(a, b) => torch.where(c, a!, b!), [leaf([1, 4]), leaf([3, 4])]];
});
check("where transposed", () => {
  const c = mask([0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0], [3, 4]);
  return [(a, b) => torch.where(c, a!.t(), b!), [leaf([4, 3]), leaf([3, 4])]];
});
check("maskedFill broadcast", () => {
  const m = mask([1, 0, 0, 1], [1, 4]);
  return [(a) => torch.maskedFill(a!, m, -3), [leaf([3, 4])]];
});
check("maskedFill transposed", () => {
  const m = mask([0, 1, 1, 0, 1, 0, 0, 0, 1, 1, 0, 1], [3, 4]);
  return [(a) => torch.maskedFill(a!.t(), m, 0.5), [leaf([4, 3])]];
});

// ---------------------------------------------------------------------------------------------
// elementwise unary
const unary: [string, (x: Tensor) => Tensor, Kind][] = [
  ["neg", (x) => torch.neg(x), "randn"],
  ["exp", (x) => torch.exp(x), "randn"],
  ["log", (x) => torch.log(x), "pos"],
  ["sqrt", (x) => torch.sqrt(x), "pos"],
  ["abs", (x) => torch.abs(x), "away"],
  ["tanh", (x) => torch.tanh(x), "randn"],
  ["sigmoid", (x) => torch.sigmoid(x), "randn"],
  ["relu", (x) => torch.relu(x), "away"],
  ["clamp min max", (x) => torch.clamp(x, -0.5, 0.5), "clamp"],
  ["clamp min only", (x) => torch.clamp(x, -0.5, null), "clamp"],
  ["clamp max only", (x) => torch.clamp(x, null, 0.5), "clamp"],
];
for (const [name, f, kind] of unary) {
  check(name, () => [(x) => f(x!), [leaf([3, 4], kind)]]);
  check(`${name} permuted`, () => [(x) => f(x!.permute([2, 0, 1])), [leaf([2, 3, 4], kind)]]);
}

// ---------------------------------------------------------------------------------------------
// reductions
const sumOps: [string, (x: Tensor, dim?: number | number[], keepdim?: boolean) => Tensor][] = [
  ["sum", (x, dim, keepdim) => (dim === undefined ? torch.sum(x) : torch.sum(x, dim, keepdim ?? false))],
  ["mean", (x, dim, keepdim) => (dim === undefined ? torch.mean(x) : torch.mean(x, dim, keepdim ?? false))],
];
for (const [op, f] of sumOps) {
  check(`${op} all`, () => [(x) => f(x!), [leaf([2, 3, 4])]]);
  check(`${op} dim 1`, () => [(x) => f(x!, 1), [leaf([2, 3, 4])]]);
  check(`${op} dim -1 keepdim`, () => [(x) => f(x!, -1, true), [leaf([2, 3, 4])]]);
  check(`${op} dims [0,2]`, () => [(x) => f(x!, [0, 2]), [leaf([2, 3, 4])]]);
  check(`${op} permuted dim 0`, () => [(x) => f(x!.permute([2, 0, 1]), 0, true), [leaf([2, 3, 4])]]);
}
const maxOps: [string, (x: Tensor) => Tensor, (x: Tensor, dim: number, keepdim: boolean) => Tensor][] = [
  ["max", (x) => torch.max(x), (x, d, k) => torch.max(x, d, k).values],
  ["min", (x) => torch.min(x), (x, d, k) => torch.min(x, d, k).values],
];
for (const [op, all, alongDim] of maxOps) {
  check(`${op} all`, () => [(x) => all(x!), [leaf([3, 4], "distinct")]]);
  check(`${op} dim 1`, () => [(x) => alongDim(x!, 1, false), [leaf([3, 4], "distinct")]]);
  check(`${op} dim 0 keepdim`, () => [(x) => alongDim(x!, 0, true), [leaf([3, 4], "distinct")]]);
  check(`${op} transposed dim -1`, () => [(x) => alongDim(x!.t(), -1, false), [leaf([4, 3], "distinct")]]);
}
check("logsumexp dim 1", () => [(x) => torch.logsumexp(x!, 1), [leaf([3, 4])]]);
check("logsumexp dim 0 keepdim", () => [(x) => torch.logsumexp(x!, 0, true), [leaf([3, 4])]]);
check("logsumexp dims [0,2]", () => [(x) => torch.logsumexp(x!, [0, 2]), [leaf([2, 3, 4])]]);
check("logsumexp transposed", () => [(x) => torch.logsumexp(x!.t(), -1), [leaf([4, 3])]]);
type VarOpts = { unbiased?: boolean; keepdim?: boolean };
const varOps: [string, (x: Tensor, dim?: number | number[] | null, opts?: VarOpts) => Tensor][] = [
  ["var", (x, dim, opts) => torch.var(x, dim ?? null, opts ?? {})],
  ["std", (x, dim, opts) => torch.std(x, dim ?? null, opts ?? {})],
];
for (const [op, f] of varOps) {
  check(`${op} all`, () => [(x) => f(x!), [leaf([3, 4])]]);
  check(`${op} all biased`, () => [(x) => f(x!, null, { unbiased: false }), [leaf([3, 4])]]);
  check(`${op} dim 1`, () => [(x) => f(x!, 1), [leaf([3, 4])]]);
  check(`${op} dim 0 keepdim biased`, () => [(x) => f(x!, 0, { unbiased: false, keepdim: true }), [leaf([3, 4])]]);
  check(`${op} dims [0,2]`, () => [(x) => f(x!, [0, 2]), [leaf([2, 3, 4])]]);
  check(`${op} transposed dim 1`, () => [(x) => f(x!.t(), 1), [leaf([4, 3])]]);
}

// ---------------------------------------------------------------------------------------------
// matmul
const mm = (a: Tensor | undefined, b: Tensor | undefined): Tensor => torch.matmul(a!, b!);
check("matmul 1-D.1-D", () => [mm, [leaf([4]), leaf([4])]]);
check("matmul 2-D.1-D", () => [mm, [leaf([3, 4]), leaf([4])]]);
check("matmul 1-D.2-D", () => [mm, [leaf([4]), leaf([4, 3])]]);
check("matmul 2-D.2-D", () => [mm, [leaf([3, 4]), leaf([4, 5])]]);
check("matmul batched 3-D.3-D", () => [mm, [leaf([2, 3, 4]), leaf([2, 4, 5])]]);
check("matmul broadcast batch [2,1,3,4]x[3,4,5]", () => [mm, [leaf([2, 1, 3, 4]), leaf([3, 4, 5])]]);
check("matmul 2-D.3-D", () => [mm, [leaf([3, 4]), leaf([2, 4, 5])]]);
check("matmul transposed operands", () => [(a, b) => mm(a!.t(), b!.t()), [leaf([4, 3]), leaf([5, 4])]]);
check("matmul permuted 3-D", () => [
  (a, b) => mm(a!.permute([1, 0, 2]), b!.transpose(1, 2)),
  [leaf([3, 2, 4]), leaf([2, 5, 4])],
]);

// ---------------------------------------------------------------------------------------------
// softmax family
const softmaxOps: [string, (x: Tensor, dim: number) => Tensor][] = [
  ["softmax", (x, dim) => torch.softmax(x, dim)],
  ["logSoftmax", (x, dim) => torch.logSoftmax(x, dim)],
];
for (const [op, f] of softmaxOps) {
  check(`${op} dim 0`, () => [(x) => f(x!, 0), [leaf([3, 4])]]);
  check(`${op} dim 1`, () => [(x) => f(x!, 1), [leaf([3, 4])]]);
  check(`${op} dim -1 3-D`, () => [(x) => f(x!, -1), [leaf([2, 3, 4])]]);
  check(`${op} transposed`, () => [(x) => f(x!.t(), 1), [leaf([4, 3])]]);
}

// ---------------------------------------------------------------------------------------------
// indexing, joining
check("gather dim 0", () => {
  const i = index([0, 2, 1, 2, 2, 2, 0, 0], [2, 4]);
  return [(x) => torch.gather(x!, 0, i), [leaf([3, 4])]];
});
check("gather dim 1", () => {
  const i = index([3, 0, 3, 1, 1, 2, 0, 3, 2], [3, 3]);
  return [(x) => torch.gather(x!, 1, i), [leaf([3, 4])]];
});
check("gather transposed", () => {
  const i = index([2, 0, 1, 1, 0, 0, 2, 1, 1, 2, 2, 0], [3, 4]);
  return [(x) => torch.gather(x!.t(), 0, i), [leaf([4, 3])]];
});
check("indexSelect dim 0", () => {
  const i = index([2, 0, 2], [3]);
  return [(x) => torch.indexSelect(x!, 0, i), [leaf([4, 3])]];
});
check("indexSelect dim 1", () => {
  const i = index([1, 1, 0, 3, 2], [5]);
  return [(x) => torch.indexSelect(x!, 1, i), [leaf([3, 4])]];
});
check("indexSelect permuted", () => {
  const i = index([1, 2, 1], [3]);
  return [(x) => torch.indexSelect(x!.permute([2, 0, 1]), -1, i), [leaf([2, 3, 4])]];
});
check("cat dim 0", () => [(a, b) => torch.cat([a!, b!], 0), [leaf([2, 3]), leaf([4, 3])]]);
check("cat dim 1, three", () => [(a, b, c) => torch.cat([a!, b!, c!], 1), [leaf([2, 3]), leaf([2, 1]), leaf([2, 2])]]);
check("cat transposed dim -1", () => [(a, b) => torch.cat([a!, b!.transpose(1, 2)], -1), [leaf([2, 3, 2]), leaf([2, 4, 3])]]);
check("stack dim 0", () => [(a, b, c) => torch.stack([a!, b!, c!], 0), [leaf([2, 3]), leaf([2, 3]), leaf([2, 3])]]);
check("stack dim 1", () => [(a, b) => torch.stack([a!, b!], 1), [leaf([2, 3]), leaf([2, 3])]]);
check("stack transposed dim -1", () => [(a, b) => torch.stack([a!.t(), b!], -1), [leaf([3, 2]), leaf([2, 3])]]);

// ---------------------------------------------------------------------------------------------
// views
check("reshape", () => [(x) => x!.reshape([6, 4]), [leaf([2, 3, 4])]]);
check("reshape of transposed", () => [(x) => x!.t().reshape([2, 6]), [leaf([4, 3])]]);
check("transpose", () => [(x) => x!.transpose(0, 2), [leaf([2, 3, 4])]]);
check("permute", () => [(x) => x!.permute([2, 0, 1]), [leaf([2, 3, 4])]]);
check("squeeze all", () => [(x) => x!.squeeze(), [leaf([3, 1, 4])]]);
check("squeeze dim", () => [(x) => x!.squeeze(1), [leaf([3, 1, 4])]]);
check("unsqueeze", () => [(x) => x!.unsqueeze(1), [leaf([3, 4])]]);
check("unsqueeze of transposed", () => [(x) => x!.t().unsqueeze(-1), [leaf([4, 3])]]);
check("expand", () => [(x) => x!.expand([3, 4]), [leaf([3, 1])]]);
check("expand new dims", () => [(x) => x!.expand([2, 3, 4]), [leaf([4])]]);
check("narrow", () => [(x) => x!.narrow(1, 2, 3), [leaf([4, 5])]]);
check("narrow of transposed", () => [(x) => x!.t().narrow(1, 1, 3), [leaf([5, 4])]]);
check("select", () => [(x) => x!.select(1, 3), [leaf([3, 4])]]);
check("select negative index", () => [(x) => x!.select(1, -1), [leaf([2, 3, 4])]]);
check("contiguous of transposed", () => [(x) => x!.t().contiguous(), [leaf([4, 3])]]);
check("contiguous of permuted", () => [(x) => x!.permute([2, 0, 1]).contiguous(), [leaf([2, 3, 4])]]);

// ---------------------------------------------------------------------------------------------
torch.manualSeed(0);
for (const [name, make] of cases) {
  // inputs are drawn in registration order, each case after the previous one, so runs are repeatable
  const [fn, inputs] = make();
  test(`gradcheck ${name}`, () => {
    torch.autograd.gradcheck(fn, inputs);
  });
}
