/**
 * What linalg_decomp.test.ts's PyTorch fixtures do not pin down: float64 finite-difference gradchecks of
 * every decomposition (through sign-invariant functions of eigen- and singular vectors), the full U and V
 * of svd and complete Q of qr (orthogonal, any basis of the complement), the backward errors of qr's
 * modes, cholesky_ex's info, second derivatives, and option errors.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as torch from "../../src/index.ts";

type Tensor = torch.Tensor;
const f64 = (shape: number[], seed = 0) => {
  torch.manualSeed(seed);
  return torch.randn(shape, { dtype: "float64" }).requiresGrad_(true);
};
const gc = (fn: (...t: Tensor[]) => Tensor, ...inputs: Tensor[]) => assert.ok(torch.autograd.gradcheck(fn, inputs));
const eye = (n: number) => torch.eye(n, n, { dtype: "float64" });
/** X X^T + n I: positive-definite for any X. */
const spd = (x: Tensor) => x.matmul(x.transpose(-2, -1)).add(eye(x.shape[x.ndim - 1]!).mul(x.shape[x.ndim - 1]!));
const sym = (x: Tensor) => x.add(x.transpose(-2, -1));
const maxAbs = (t: Tensor) => t.abs().max().item() as number;
const isOrthogonal = (Q: Tensor) => {
  const n = Q.shape[Q.ndim - 1]!;
  assert.ok(maxAbs(Q.transpose(-2, -1).matmul(Q).sub(eye(n))) < 1e-12, "Q^T Q = I");
};

describe("linalg decompositions: gradchecks (float64)", () => {
  test("cholesky and its solves", () => {
    gc((x) => torch.linalg.cholesky(spd(x)), f64([3, 3]));
    gc((x) => torch.linalg.cholesky(spd(x), { upper: true }), f64([2, 3, 3], 1));
    gc((x) => torch.linalg.choleskyEx(spd(x))[0], f64([3, 3], 2));
    const L = torch.linalg.cholesky(spd(f64([3, 3], 3))).detach().requiresGrad_(true);
    // Only L's triangle is read, so finite differences see the gradient on that triangle alone.
    gc((b, l) => torch.choleskySolve(b, l.tril()), f64([3, 2], 4), L);
    gc((b, l) => torch.choleskySolve(b, l.triu(), true), f64([2, 3, 1], 5), L.detach().transpose(0, 1).contiguous().requiresGrad_(true));
    gc((l) => torch.choleskyInverse(l.tril()), L);
  });

  test("qr, every shape and mode with a gradient", () => {
    for (const shape of [[4, 3], [3, 3], [3, 5], [2, 3, 2]]) {
      gc((x) => { const [Q, R] = torch.linalg.qr(x); return torch.cat([Q.flatten(), R.flatten()]); }, f64(shape, 6));
    }
    gc((x) => torch.linalg.qr(x, { mode: "complete" })[0], f64([2, 4], 7));
    gc((x) => torch.qr(x)[1], f64([4, 2], 8));
  });

  test("eigh and eigvalsh through sign-invariant functions", () => {
    gc((x) => { const [L, V] = torch.linalg.eigh(sym(x)); return torch.cat([L.flatten(), V.mul(V).flatten()]); }, f64([4, 4], 9));
    gc((x) => { const [L, V] = torch.linalg.eigh(sym(x), "U"); return V.matmul(torch.diagEmbed(L.exp())).matmul(V.transpose(-2, -1)); }, f64([2, 3, 3], 10));
    gc((x) => torch.linalg.eigvalsh(sym(x)), f64([3, 3], 11));
  });

  test("svd, svdvals and torch.svd through sign-invariant functions", () => {
    for (const shape of [[4, 3], [3, 3], [2, 4]]) {
      gc((x) => { const [U, S, Vh] = torch.linalg.svd(x, { fullMatrices: false }); return torch.cat([U.mul(U).flatten(), S, Vh.mul(Vh).flatten()]); }, f64(shape, 12));
      gc((x) => { const [U, , Vh] = torch.linalg.svd(x, { fullMatrices: false }); return U.matmul(Vh); }, f64(shape, 13));
    }
    gc((x) => { const [U, S] = torch.linalg.svd(x); return U.narrow(-1, 0, 2).abs().add(S.sum()); }, f64([4, 2], 14));
    gc((x) => torch.linalg.svdvals(x), f64([2, 3, 4], 15));
    gc((x) => { const [U, S, V] = torch.svd(x); return U.matmul(torch.diagEmbed(S)).matmul(V.transpose(0, 1)); }, f64([3, 2], 16));
    gc((x) => torch.svd(x, { computeUv: false })[1], f64([3, 2], 17));
  });

  test("lu, lu_factor and lu_solve, square, tall and wide", () => {
    for (const shape of [[3, 3], [4, 2], [2, 4], [2, 3, 3]]) {
      gc((x) => { const [, L, U] = torch.linalg.lu(x); return torch.cat([L.flatten(), U.flatten()]); }, f64(shape, 50));
      gc((x) => torch.linalg.luFactor(x)[0], f64(shape, 51));
    }
    gc((a, b) => torch.linalg.luSolve(...torch.linalg.luFactor(a.add(eye(3).mul(3))), b, { adjoint: true }), f64([3, 3], 52), f64([3, 2], 53));
    gc((x) => torch.linalg.invEx(x.add(eye(3).mul(3)))[0], f64([3, 3], 54));
    gc((a, tau) => torch.linalg.householderProduct(a, tau), f64([4, 3], 58), f64([2], 59));
    gc((a, b) => torch.linalg.tensorsolve(a.add(eye(4).mul(3)).reshape([2, 2, 4]), b), f64([4, 4], 55), f64([2, 2], 56));
  });

  test("pinv, lstsq, matrix_power, matrix_exp, logdet", () => {
    gc((x) => torch.linalg.pinv(x), f64([4, 3], 18));
    gc((x) => torch.linalg.pinv(x), f64([2, 2, 4], 19));
    gc((x) => torch.pinverse(x), f64([3, 3], 20));
    gc((a, b) => torch.linalg.lstsq(a, b).solution, f64([5, 3], 21), f64([5, 2], 22));
    gc((a, b) => torch.linalg.lstsq(a, b, { driver: "gelsd" }).solution, f64([4, 2], 23), f64([4], 24));
    const W = f64([3, 3], 25).detach().add(eye(3).mul(3)).requiresGrad_(true);
    gc((x) => torch.linalg.matrixPower(x, 5), f64([3, 3], 26));
    gc((x) => torch.linalg.matrixPower(x, -3), W);
    gc((x) => torch.linalg.matrixExp(x), f64([3, 3], 27));
    gc((x) => torch.linalg.matrixExp(x.mul(3)), f64([2, 2, 2], 28));
    gc((x) => torch.logdet(x), W);
  });

  test("triangular solves, multi_dot, vander, cond, cov, corrcoef", () => {
    const A = f64([3, 3], 29).detach().add(eye(3).mul(4)).requiresGrad_(true);
    for (const upper of [true, false]) {
      for (const left of [true, false]) {
        for (const unitriangular of [true, false]) {
          gc((a, b) => torch.linalg.solveTriangular(a, b, { upper, left, unitriangular }), A, f64(left ? [3, 2] : [2, 3], 30));
        }
      }
    }
    gc((b, a) => torch.triangularSolve(b, a, false, true)[0], f64([3, 2], 31), A);
    gc((a, b, c) => torch.linalg.multiDot([a, b, c]), f64([3], 32), f64([3, 4], 33), f64([4, 2], 34));
    gc((x) => torch.linalg.vander(x, { N: 4 }), f64([2, 3], 35));
    gc((x) => torch.linalg.cond(x), f64([3, 3], 36));
    gc((x) => torch.linalg.cond(x, 1), A);
    gc((x, aw) => torch.cov(x, { fweights: torch.tensor([1, 2, 0, 3], { dtype: "int64" }), aweights: aw.abs() }), f64([2, 4], 37), f64([4], 38));
    gc((x) => torch.corrcoef(x).triu(1), f64([3, 5], 39));
  });
});

describe("linalg decompositions: what the fixtures leave open", () => {
  test("full svd and complete qr give orthogonal U, V and Q and reconstruct A", () => {
    torch.manualSeed(40);
    for (const shape of [[5, 2], [2, 5], [3, 3]]) {
      const A = torch.randn(shape, { dtype: "float64" });
      const [U, S, Vh] = torch.linalg.svd(A);
      assert.deepEqual([U.shape, Vh.shape], [[shape[0], shape[0]], [shape[1], shape[1]]]);
      isOrthogonal(U);
      isOrthogonal(Vh.transpose(0, 1));
      const k = S.shape[0]!;
      assert.ok(maxAbs(U.narrow(1, 0, k).mul(S).matmul(Vh.narrow(0, 0, k)).sub(A)) < 1e-12);
      const [Q, R] = torch.linalg.qr(A, { mode: "complete" });
      isOrthogonal(Q);
      assert.ok(maxAbs(Q.matmul(R).sub(A)) < 1e-12);
    }
    // A rank-1 matrix: U is still orthogonal where the zero singular values leave it free.
    const [U] = torch.svd(torch.ones([4, 3], { dtype: "float64" }), false);
    isOrthogonal(U);
  });

  test("eigh reconstructs the triangle it reads; eigenvalues ascend", () => {
    torch.manualSeed(41);
    const A = torch.randn([4, 4], { dtype: "float64" });
    for (const UPLO of ["L", "U"] as const) {
      const [L, V] = torch.linalg.eigh(A, { UPLO });
      const S = UPLO === "L" ? A.tril().add(A.tril(-1).transpose(0, 1)) : A.triu().add(A.triu(1).transpose(0, 1));
      assert.ok(maxAbs(V.matmul(torch.diagEmbed(L)).matmul(V.transpose(0, 1)).sub(S)) < 1e-12);
      const l = L.tolist() as number[];
      assert.ok(l.every((v, i) => i === 0 || v >= l[i - 1]!));
    }
  });

  test("qr's backward refuses mode r and a tall complete Q, as PyTorch", () => {
    const x = f64([3, 2], 42);
    assert.throws(() => torch.linalg.qr(x, { mode: "r" })[1].sum().backward(), /depends on Q, which is not computed when mode='r'/);
    assert.throws(() => torch.linalg.qr(x, { mode: "complete" })[0].sum().backward(), /not differentiable when mode='complete' and nrows > ncols/);
  });

  test("geqrf and ormqr have no derivative, as in PyTorch 1.13; geqrf's reflectors rebuild qr's Q", () => {
    const x = f64([4, 3], 60);
    const [a, tau] = torch.geqrf(x);
    assert.throws(() => a.sum().backward(), /the derivative for 'geqrf' is not implemented\./);
    assert.throws(() => torch.ormqr(x, tau.detach(), f64([4, 2], 61)).sum().backward(), /the derivative for 'ormqr' is not implemented\./);
    const [Q] = torch.linalg.qr(x.detach());
    assert.ok(maxAbs(torch.orgqr(a.detach(), tau.detach()).sub(Q)) < 1e-12);
  });

  test("ldl_factor and ldl_solve have no derivative, as in PyTorch 1.13; their solve matches linalg.solve", () => {
    const A = sym(f64([4, 4], 63));
    const [LD, pivots] = torch.linalg.ldlFactor(A);
    assert.throws(() => LD.sum().backward(), /derivative for aten::linalg_ldl_factor_ex is not implemented/);
    const b = f64([4, 2], 64);
    const X = torch.linalg.ldlSolve(LD.detach(), pivots, b);
    assert.throws(() => X.sum().backward(), /derivative for aten::linalg_ldl_solve is not implemented/);
    assert.ok(maxAbs(X.detach().sub(torch.linalg.solve(A.detach(), b.detach()))) < 1e-10);
  });

  test("symeig's values alone are not differentiable, as in PyTorch 1.13", () => {
    assert.throws(() => torch.symeig(f64([3, 3], 62))[0].sum().backward(), /torch\.symeig\(A, eigenvectors=False\) is not differentiable/);
  });

  test("cholesky_ex reports each failing minor; checkErrors raises", () => {
    const A = torch.tensor([[[4, 2], [2, 3]], [[1, 2], [2, 1]], [[0, 0], [0, 1]]], { dtype: "float64" });
    const [, info] = torch.linalg.choleskyEx(A);
    assert.equal(info.dtype, "int32");
    assert.deepEqual(info.tolist(), [0, 2, 1]);
    assert.throws(() => torch.linalg.choleskyEx(A, { checkErrors: true }), (e: Error) => e instanceof torch.LinAlgError && /\(Batch element 1\)/.test(e.message));
  });

  test("second derivatives through the recorded gradients", () => {
    // gradcheck of the gradient itself (createGraph): the backward formulas are differentiable ops.
    const grad = (loss: (t: Tensor) => Tensor) => (t: Tensor) => torch.enableGrad(() => torch.autograd.grad(loss(t), t, { createGraph: true })[0]!);
    gc(grad((t) => torch.linalg.matrixExp(t).pow(2).sum()), f64([3, 3], 43));
    gc(grad((t) => torch.linalg.cholesky(spd(t)).pow(2).sum()), f64([3, 3], 44));
    gc(grad((t) => torch.linalg.qr(t)[1].pow(2).sum()), f64([3, 2], 45));
    gc(grad((t) => torch.linalg.eigvalsh(sym(t)).pow(3).sum()), f64([3, 3], 46));
    gc(grad((t) => torch.linalg.svdvals(t).pow(3).sum()), f64([3, 2], 47));
    gc(grad((t) => { const [L, V] = torch.linalg.eigh(sym(t)); return V.pow(4).sum().add(L.pow(3).sum()); }), f64([3, 3], 48));
    gc(grad((t) => torch.linalg.pinv(t).pow(2).sum()), f64([3, 2], 49));
    gc(grad((t) => torch.linalg.luFactor(t)[0].pow(2).sum()), f64([3, 3], 57));
  });

  test("tensor methods and unknown options", () => {
    const A = spd(torch.randn([3, 3], { dtype: "float64" }));
    assert.ok(maxAbs(A.cholesky().matmul(A.cholesky().transpose(0, 1)).sub(A)) < 1e-12);
    assert.ok(maxAbs(A.cholesky().choleskyInverse().matmul(A).sub(eye(3))) < 1e-12);
    assert.ok(maxAbs(A.matrixPower(-1).matmul(A).sub(eye(3))) < 1e-12);
    assert.ok(maxAbs(A.logdet().sub(torch.linalg.slogdet(A)[1])) < 1e-12);
    assert.throws(() => torch.linalg.qr(A, { mod: "r" } as never), /unknown option 'mod'/);
    assert.throws(() => torch.linalg.svd(A, { full_matrices: false } as never), /unknown option 'full_matrices' \(did you mean 'fullMatrices'\?\)/);
    assert.throws(() => torch.linalg.solveTriangular(A, A, {} as never), /missing 1 required keyword argument: "upper"/);
    assert.throws(() => torch.cov(A, { correction: 1, weights: A } as never), /unknown option 'weights'/);
  });
});
