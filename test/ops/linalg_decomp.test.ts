/**
 * The decompositions and the linalg functions built on them against PyTorch 1.13
 * (test/fixtures/linalg_decomp.json, from scripts/fixtures/gen_linalg_decomp.py): values, dtypes, gradients
 * of sum(out * w), error messages. Eigen- and singular vectors are compared with each column's sign set by
 * its first entry, as the generator does (the sign is arbitrary in LAPACK and here).
 */
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import * as torch from "../../src/index.ts";
import { type Case13, type Result, type Value, checkCase } from "./ops13_fixture.ts";

type Tensor = torch.Tensor;
type N = number;
const T = (v: Value) => v as Tensor;
const B = (v: Value) => v as boolean;
const opt = <V>(v: Value) => (v === null ? undefined : (v as V));

/** +1 or -1 per column: the sign of the column's first entry (no gradient). */
const firstRowSign = (U: Tensor): Tensor => torch.where(U.narrow(-2, 0, 1).ge(0), 1, -1).to(U.dtype).detach();

function normSvd([U, S, V]: Tensor[], vIsVh: boolean): Tensor[] {
  const k = S!.shape[S!.ndim - 1]!;
  const Uk = U!.narrow(-1, 0, k);
  const s = firstRowSign(Uk);
  if (vIsVh) return [Uk.mul(s), S!, V!.narrow(-2, 0, k).mul(s.transpose(-2, -1))];
  return [Uk.mul(s), S!, V!.narrow(-1, 0, k).mul(s)];
}

/** Mirrors PY in scripts/fixtures/gen_linalg_decomp.py. */
const OPS: Record<string, (a: Value[]) => Result> = {
  cholesky: (a) => torch.linalg.cholesky(T(a[0]!), { upper: B(a[1]!) }),
  choleskyEx: (a) => torch.linalg.choleskyEx(T(a[0]!), { upper: B(a[1]!) }),
  choleskyT: (a) => torch.cholesky(T(a[0]!), B(a[1]!)),
  choleskyM: (a) => T(a[0]!).cholesky(B(a[1]!)),
  choleskySolve: (a) => torch.choleskySolve(T(a[0]!), T(a[1]!), B(a[2]!)),
  choleskyInverse: (a) => torch.choleskyInverse(T(a[0]!), B(a[1]!)),
  qr: (a) => torch.linalg.qr(T(a[0]!), { mode: a[1] as torch.linalg.QrMode }),
  qrT: (a) => torch.qr(T(a[0]!), B(a[1]!)),
  eigh: (a) => {
    const [L, V] = torch.linalg.eigh(T(a[0]!), { UPLO: a[1] as torch.linalg.Uplo });
    return [L, V.mul(firstRowSign(V))];
  },
  eigvalsh: (a) => torch.linalg.eigvalsh(T(a[0]!), a[1] as torch.linalg.Uplo),
  svd: (a) => normSvd(torch.linalg.svd(T(a[0]!), { fullMatrices: B(a[1]!) }), true),
  svdvals: (a) => torch.linalg.svdvals(T(a[0]!)),
  svdT: (a) => {
    const out = torch.svd(T(a[0]!), B(a[1]!), B(a[2]!));
    return B(a[2]!) ? normSvd(out, false) : out;
  },
  pinv: (a) => torch.linalg.pinv(T(a[0]!), { atol: a[1] as N | null, rtol: a[2] as N | null, hermitian: B(a[3]!) }),
  pinverse: (a) => T(a[0]!).pinverse(a[1] as N),
  matrixRank: (a) => torch.linalg.matrixRank(T(a[0]!), { atol: a[1] as N | null, rtol: a[2] as N | null, hermitian: a[3] === true }),
  lstsq: (a) => {
    const r = torch.linalg.lstsq(T(a[0]!), T(a[1]!), { driver: opt<torch.linalg.LstsqDriver>(a[2]!) });
    return [r.solution, r.residuals, r.rank, r.singularValues];
  },
  matrixPower: (a) => torch.linalg.matrixPower(T(a[0]!), a[1] as N),
  matrixPowerM: (a) => T(a[0]!).matrixPower(a[1] as N),
  matrixExp: (a) => torch.linalg.matrixExp(T(a[0]!)),
  logdet: (a) => torch.logdet(T(a[0]!)),
  solveTriangular: (a) => torch.linalg.solveTriangular(T(a[0]!), T(a[1]!), { upper: B(a[2]!), left: B(a[3]!), unitriangular: B(a[4]!) }),
  triangularSolve: (a) => torch.triangularSolve(T(a[0]!), T(a[1]!), B(a[2]!), B(a[3]!), B(a[4]!)),
  multiDot: (a) => torch.linalg.multiDot(a as Tensor[]),
  vander: (a) => torch.linalg.vander(T(a[0]!), { N: a[1] as N | null }),
  cond: (a) => torch.linalg.cond(T(a[0]!), a[1] as torch.MatrixOrd | null),
  cov: (a) => torch.cov(T(a[0]!), { correction: a[1] as N, fweights: a[2] as Tensor | null, aweights: a[3] as Tensor | null }),
  corrcoef: (a) => T(a[0]!).corrcoef(),
  invEx: (a) => torch.linalg.invEx(T(a[0]!), { checkErrors: B(a[1]!) }),
  solveEx: (a) => torch.linalg.solveEx(T(a[0]!), T(a[1]!), { left: B(a[2]!), checkErrors: B(a[3]!) }),
  tensorinv: (a) => torch.linalg.tensorinv(T(a[0]!), a[1] as N),
  tensorsolve: (a) => torch.linalg.tensorsolve(T(a[0]!), T(a[1]!), a[2] as N[] | null),
  vecdot: (a) => torch.linalg.vecdot(T(a[0]!), T(a[1]!), { dim: a[2] as N }),
  linalgMatmul: (a) => torch.linalg.matmul(T(a[0]!), T(a[1]!)),
  luFactor: (a) => torch.linalg.luFactor(T(a[0]!)),
  luFactorEx: (a) => torch.linalg.luFactorEx(T(a[0]!), { checkErrors: B(a[1]!) }),
  lu: (a) => torch.linalg.lu(T(a[0]!)),
  luT: (a) => T(a[0]!).lu(true, B(a[1]!)),
  luUnpack: (a) => torch.luUnpack(...torch.linalg.luFactor(T(a[0]!)), B(a[1]!), B(a[2]!)),
  luSolve: (a) => torch.linalg.luSolve(...torch.linalg.luFactor(T(a[0]!)), T(a[1]!), { left: B(a[2]!), adjoint: B(a[3]!) }),
  luSolveT: (a) => T(a[0]!).luSolve(...torch.linalg.luFactor(T(a[1]!))),
  geqrf: (a) => torch.geqrf(T(a[0]!)),
  ldlFactor: (a) => torch.linalg.ldlFactor(T(a[0]!), { hermitian: B(a[1]!) }),
  ldlFactorEx: (a) => torch.linalg.ldlFactorEx(T(a[0]!)),
  ldlSolve: (a) => torch.linalg.ldlSolve(...torch.linalg.ldlFactor(T(a[0]!)), T(a[1]!)),
  symeig: (a) => {
    const [L, V] = T(a[0]!).symeig(B(a[1]!), B(a[2]!));
    return B(a[1]!) ? [L, V.mul(firstRowSign(V))] : [L, V];
  },
  householderProduct: (a) => torch.linalg.householderProduct(T(a[0]!), T(a[1]!)),
  orgqr: (a) => T(a[0]!).orgqr(T(a[1]!)),
  ormqr: (a) => torch.ormqr(T(a[0]!), T(a[1]!), T(a[2]!), B(a[3]!), B(a[4]!)),
  linalgDiagonal: (a) => torch.linalg.diagonal(T(a[0]!), { offset: a[1] as N, dim1: a[2] as N, dim2: a[3] as N }),
};

const cases = (JSON.parse(readFileSync(new URL("../fixtures/linalg_decomp.json", import.meta.url), "utf8")) as { cases: Case13[] }).cases;

describe("linalg decompositions against PyTorch 1.13", () => {
  for (const c of cases) {
    test(c.name, () => {
      const run = OPS[c.op];
      if (run === undefined) throw new Error(`no kindling op for fixture op ${c.op}`);
      checkCase(c, run);
    });
  }
});
