/**
 * The fused dropout kernel (Backend.dropout, ops/dropout.ts) and the float32 softmax rows, on whichever
 * backend the runner selects (an op suite: scripts/run-tests.mjs reruns it per backend).
 * Dropout must give bit for bit what its composition x * ((rand(shape) < 1 - p) * (1 / (1 - p))) gave,
 * and leave the generator where that left it; softmax in float32 must stay within float32 rounding of
 * the float64 result, with -inf (masked) entries, all-masked rows and NaN handled as the double path.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as torch from "../../src/index.ts";

const F = torch.nn.F;

function composed(x: torch.Tensor, p: number): torch.Tensor {
  const keep = torch.lt(torch.rand([...x.shape], { dtype: x.dtype }), 1 - p);
  return torch.mul(x, torch.mul(keep.to(x.dtype), 1 / (1 - p)));
}

function sameBits(a: torch.Tensor, b: torch.Tensor): void {
  assert.deepEqual(a.shape, b.shape);
  const x = a.toTypedArray(), y = b.toTypedArray();
  for (let i = 0; i < x.length; i++) assert.ok(Object.is(x[i], y[i]), `element ${i}: ${x[i]} vs ${y[i]}`);
}

describe("fused dropout", () => {
  for (const dtype of ["float32", "float64"] as const) {
    for (const p of [0.1, 0.5, 0.75]) {
      test(`${dtype} p=${p}: the composition's values and generator stream`, () => {
        const x = torch.randn([37, 29], { dtype });
        torch.manualSeed(11);
        const want = composed(x, p);
        const nextWant = torch.rand([4]).tolist();
        torch.manualSeed(11);
        const got = F.dropout(x, p);
        sameBits(got, want);
        assert.deepEqual(torch.rand([4]).tolist(), nextWant);
        const kept = (got.ne(0).sum().item() as number) / x.numel();
        assert.ok(Math.abs(kept - (1 - p)) < 0.05, `kept ${kept}`);
      });
    }
  }

  test("inputs of several parallel blocks (the native kernel jumps the stream per block), 1 and 2 threads", () => {
    const before = torch.getNumThreads();
    try {
      for (const threads of [1, 2]) {
        torch.setNumThreads(threads);
        for (const dtype of ["float32", "float64"] as const) {
          const x = torch.randn([3 * 65536 + 123], { dtype });
          torch.manualSeed(21);
          const want = composed(x, 0.3);
          const next = torch.rand([2]).tolist();
          torch.manualSeed(21);
          sameBits(F.dropout(x, 0.3), want);
          assert.deepEqual(torch.rand([2]).tolist(), next);
        }
      }
    } finally {
      torch.setNumThreads(before);
    }
  });

  test("non-contiguous input, -inf/NaN kept or zeroed as x * mask, gradient = mask", () => {
    const base = torch.tensor([[1, -2, Infinity], [NaN, 0.5, -0.25]], { requiresGrad: true });
    const x = base.t();
    torch.manualSeed(3);
    const want = composed(x.detach(), 0.4);
    torch.manualSeed(3);
    const y = F.dropout(x, 0.4);
    sameBits(y.detach(), want);
    y.backward(torch.onesLike(y));
    torch.manualSeed(3);
    sameBits(base.grad!, composed(torch.ones([3, 2]), 0.4).t());
  });

  test("empty input and a generator of one's own", () => {
    assert.deepEqual(F.dropout(torch.zeros([0, 3]), 0.5).shape, [0, 3]);
    const g1 = new torch.Generator(9), g2 = new torch.Generator(9);
    const x = torch.ones([100]);
    const a = F.dropout(x, 0.3, { generator: g1 });
    const keep = torch.lt(torch.rand([100], { generator: g2 }), 0.7);
    sameBits(a, torch.mul(x, torch.mul(keep.to("float32"), 1 / 0.7)));
  });
});

describe("float32 softmax rows", () => {
  // x - max is rounded to float32 before exp (as PyTorch's float kernel does): half an ulp of a
  // difference of up to ~60 here is 1.9e-6 relative in exp, plus the polynomial's 2 ulp.
  test("within float32 rounding of float64, masked entries exactly 0", () => {
    torch.manualSeed(0);
    const x64 = torch.mul(torch.randn([64, 131], { dtype: "float64" }), 8);
    const x = x64.to("float32");
    // a causal-style mask: -inf above the diagonal
    const masked = torch.where(torch.triu(torch.ones([64, 131], { dtype: "bool" }), 1), -Infinity, x);
    for (const inp of [x, masked]) {
      const got = torch.softmax(inp, -1).toTypedArray();
      const want = torch.softmax(inp.to("float64"), -1).toTypedArray();
      for (let i = 0; i < got.length; i++) {
        if (want[i] === 0) assert.equal(got[i], 0);
        else assert.ok(Math.abs(got[i]! - want[i]!) <= 2.5e-6 * want[i]! + 1e-30, `${i}: ${got[i]} vs ${want[i]}`);
      }
    }
  });

  test("all -inf row gives NaN as the double path, NaN propagates, +inf", () => {
    const x = torch.tensor([[-Infinity, -Infinity, -Infinity], [1, NaN, 2], [Infinity, 0, 1], [-1e4, 0, 1e4]]);
    const got = torch.softmax(x, 1).toTypedArray();
    const want = torch.softmax(x.to("float64"), 1).to("float32").toTypedArray();
    for (let i = 0; i < got.length; i++) assert.ok(Object.is(got[i], want[i]) || Math.abs(got[i]! - want[i]!) < 1e-7, `${i}: ${got[i]} vs ${want[i]}`);
  });
});
