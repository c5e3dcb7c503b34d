import { isGradEnabled } from "../autograd/grad_mode.ts";
import { record } from "../autograd/record.ts";
import { ArgumentError, AutogradError } from "../errors.ts";
import { log } from "../log.ts";
import { checkArg, checkOptions } from "../options.ts";
import { onesLike, zeros } from "../tensor/creation.ts";
import { Tensor } from "../tensor/tensor.ts";
import * as E from "./elementwise.ts";
import { batchOf, checkMatrices, col, diagMat, mT, recordMulti, row, tensorOf } from "./linalg_common.ts";
import { jacobiEigh } from "./linalg_kernels.ts";
import { matmul } from "./matmul.ts";

/**
 * torch.linalg.eigh / eigvalsh: eigenvalues ascending and orthonormal eigenvectors of the symmetric
 * matrix held in one triangle of A (UPLO), by Jacobi rotations on float64 copies. Eigenvectors are
 * unique only up to sign, as LAPACK's; a loss should not depend on the signs. The gradient is
 * PyTorch's: gA = V (diag(gL) + skew(V^H gV) / (2 E)) V^H with E_ij = L_j - L_i.
 */

export type Uplo = "L" | "U";

export interface EighOptions {
  UPLO?: Uplo;
}

function uploOf(where: string, arg: Uplo | EighOptions | undefined): Uplo {
  const opts = typeof arg === "string" ? { UPLO: arg } : (arg ?? {});
  checkOptions(`${where}()`, opts, { UPLO: "string" }, { index: 2, positional: "UPLO" });
  const u = opts.UPLO ?? "L";
  if (u !== "L" && u !== "U") throw new ArgumentError(`Expected UPLO argument to be 'L' or 'U', but got ${String(u)}`);
  return u;
}

/** Values [..., n] and vectors [..., n, n] as float64 buffers, reading the UPLO triangle. */
function decompose(A: Tensor, uplo: Uplo): { values: Float64Array; vectors: Float64Array } {
  const b = batchOf(A);
  const n = b.n;
  const values = new Float64Array(b.batch * n);
  const vectors = new Float64Array(b.batch * n * n);
  const s = new Float64Array(n * n);
  for (let k = 0; k < b.batch; k++) {
    const off = k * n * n;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        // The triangle that is read, mirrored: the other one is never looked at, as in LAPACK's syevd.
        const inLower = i >= j;
        const [r, c] = inLower === (uplo === "L") ? [i, j] : [j, i];
        s[i * n + j] = b.data[off + r * n + c]!;
      }
    }
    const d = jacobiEigh(s, n);
    values.set(d.values, k * n);
    vectors.set(d.vectors, off);
  }
  return { values, vectors };
}

/** PyTorch's linalg_eig_backward for a Hermitian input. */
export function eighGrad(gL: Tensor | null, gV: Tensor | null, L: Tensor, V: Tensor): Tensor {
  let inner: Tensor | null = null;
  if (gV !== null) {
    const VhgV = matmul(mT(V), gV);
    const skew = E.mul(E.sub(VhgV, mT(VhgV)), 0.5);
    // E with ones on its diagonal, where skew is 0 (its value there is set from gL).
    const Emat = E.add(E.sub(row(L), col(L)), diagMat(onesLike(L)));
    inner = E.div(skew, Emat);
  }
  if (gL !== null) inner = inner === null ? diagMat(gL) : E.add(inner, diagMat(gL));
  return matmul(V, matmul(inner!, mT(V)));
}

/** torch.linalg.eigh(A, UPLO = "L"): [eigenvalues ascending, eigenvectors as columns]. */
export function eigh(A: Tensor, UPLO?: Uplo | EighOptions): [Tensor, Tensor] {
  const uplo = uploOf("linalg.eigh", UPLO);
  checkMatrices("linalg.eigh", A, true);
  const n = A.shape[A.ndim - 1]!;
  const batch = A.shape.slice(0, -2);
  const d = decompose(A, uplo);
  const L = tensorOf(d.values, [...batch, n], A.dtype);
  const V = tensorOf(d.vectors, A.shape, A.dtype);
  return recordMulti([L, V], "LinalgEighBackward0", [A], ([gL, gV]) => [eighGrad(gL ?? null, gV ?? null, L, V)], [L, V]) as [Tensor, Tensor];
}

/** torch.linalg.eigvalsh(A, UPLO = "L"): the eigenvalues alone (the vectors are still computed, for the gradient V diag(g) V^H). */
export function eigvalsh(A: Tensor, UPLO?: Uplo | EighOptions): Tensor {
  const uplo = uploOf("linalg.eigvalsh", UPLO);
  checkMatrices("linalg.eigh", A, true);
  const n = A.shape[A.ndim - 1]!;
  const d = decompose(A, uplo);
  const L = tensorOf(d.values, [...A.shape.slice(0, -2), n], A.dtype);
  const V = tensorOf(d.vectors, A.shape, A.dtype);
  return record(L, "LinalgEighBackward0", [A], (g) => {
    // createGraph: V from a recorded eigh, so the gradient's dependence on V is differentiated too.
    if (isGradEnabled()) {
      const [Lg, Vg] = eigh(A, uplo);
      return [eighGrad(g, null, Lg, Vg)];
    }
    return [eighGrad(g, null, L, V)];
  }, [A, L]);
}

let symeigWarned = false;

/** torch.symeig(A, eigenvectors = false, upper = true) (deprecated for linalg.eigh): [values, vectors or an empty tensor]. */
export function symeig(A: Tensor, eigenvectors = false, upper = true): [Tensor, Tensor] {
  Tensor.check(A, "input");
  checkArg("symeig()", eigenvectors, "boolean", 2, "eigenvectors");
  checkArg("symeig()", upper, "boolean", 3, "upper");
  if (!symeigWarned) {
    symeigWarned = true;
    log("warn", "torch.symeig is deprecated in favor of torch.linalg.eigh and will be removed in a future PyTorch release.");
  }
  const [L, V] = eigh(A, upper ? "U" : "L");
  if (eigenvectors) return [L, V];
  // The values alone are not differentiable here (PyTorch points to eigvalsh instead).
  const values = record(L.detach(), "LinalgEighBackward0", [A], () => {
    throw new AutogradError("linalg_eig_backward: torch.symeig(A, eigenvectors=False) is not differentiable. Use torch.linalg.eigvalsh(A) instead.");
  }, false);
  return [values, zeros([0], { dtype: A.dtype })];
}
