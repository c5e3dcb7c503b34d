/**
 * torch.nn.utils.parametrizations.orthogonal (PyTorch 1.13): makes a matrix parameter orthogonal
 * (orthonormal columns if tall, rows if wide) by a map from unconstrained matrices: "matrix_exp" (exp
 * of a skew-symmetric matrix), "cayley" ((I + A/2)(I - A/2)^-1) or "householder" (a product of
 * reflectors). With useTrivialization (default) the map is composed with a fixed orthogonal `base`
 * buffer (initially the registered weight made orthogonal), and the original restarts at -I, so the
 * weight keeps its value at registration and optimisation moves around it.
 */
import { noGrad } from "../../autograd/grad_mode.ts";
import { ArgumentError } from "../../errors.ts";
import { geqrf, householderProduct } from "../../ops/linalg_householder.ts";
import { matrixExp } from "../../ops/linalg_matrix_exp.ts";
import { solve } from "../../ops/linalg_solve.ts";
import { cat } from "../../ops/join.ts";
import { eye, randn, tensor, zeros } from "../../tensor/creation.ts";
import { checkArity, checkOptions } from "../../options.ts";
import { fmtShape } from "../../tensor/shape.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { type AnyModule, Module } from "../module.ts";
import { RightInverseNotImplemented, registerParametrization } from "./parametrize.ts";

export type OrthogonalMap = "matrix_exp" | "cayley" | "householder";

const mT = (x: Tensor): Tensor => x.transpose(-2, -1);

/** Machine epsilon of the dtype (torch.finfo(dtype).eps). */
const EPS: Record<string, number> = { float32: 2 ** -23, float64: 2 ** -52 };

/** Q^T Q = I within PyTorch's tolerance (allclose, atol 10 n eps). */
function isOrthogonal(Q: Tensor): boolean {
  const [n, k] = Q.shape.slice(-2) as [number, number];
  const gram = mT(Q).matmul(Q).toTypedArray();
  const atol = 10 * n * (EPS[Q.dtype] ?? 2 ** -23);
  for (let i = 0; i < gram.length; i++) {
    const want = Math.floor(i / k) % k === i % k ? 1 : 0;
    if (!(Math.abs(Number(gram[i]) - want) <= atol + 1e-5 * want)) return false;
  }
  return true;
}

/** The Q of A = QR with diag(R) >= 0 (A tall), by geqrf and householderProduct as PyTorch. */
function makeOrthogonal(A: Tensor): Tensor {
  const [X, tau] = geqrf(A);
  const Q = householderProduct(X, tau);
  return Q.mul(X.diagonal(0, -2, -1).sgn().unsqueeze(-2));
}

/** The parametrization module (PyTorch's _Orthogonal). */
export class OrthogonalParametrization extends Module {
  /** @internal */ static override readonly builtinName: string = "_Orthogonal";
  readonly shape: number[];
  readonly orthogonalMap: OrthogonalMap;
  readonly useTrivialization: boolean;
  declare base: Tensor | null;

  constructor(weight: Tensor, orthogonalMap: OrthogonalMap, opts: { useTrivialization?: boolean } = {}) {
    super();
    this.shape = [...weight.shape];
    this.orthogonalMap = orthogonalMap;
    this.useTrivialization = opts.useTrivialization ?? true;
    if (this.useTrivialization) this.registerBuffer("base", null);
  }

  override forward(x: Tensor): Tensor {
    let X = x;
    let n = X.shape[X.ndim - 2]!;
    let k = X.shape[X.ndim - 1]!;
    const transposed = n < k;
    if (transposed) {
      X = mT(X);
      [n, k] = [k, n];
    }
    let Q: Tensor;
    if (this.orthogonalMap === "householder") {
      const A = X.tril(-1);
      const tau = A.mul(A).sum(-2).add(1).reciprocal().mul(2);
      // The diagonal's signs (1 or -1, truncated as PyTorch's .int()) are not differentiated.
      Q = householderProduct(A, tau).mul(X.detach().diagonal(0, -2, -1).trunc().unsqueeze(-2));
    } else {
      let Y = X.tril();
      if (n !== k) Y = cat([Y, zeros([...Y.shape.slice(0, -2), n, n - k], { dtype: Y.dtype })], -1);
      const A = Y.sub(mT(Y));
      if (this.orthogonalMap === "matrix_exp") Q = matrixExp(A);
      else {
        const I = eye(n, n, { dtype: A.dtype });
        Q = solve(I.sub(A.mul(0.5)), I.add(A.mul(0.5)));
      }
      if (n !== k) Q = Q.narrow(-1, 0, k);
    }
    if (this.base !== null && this.base !== undefined) Q = this.base.matmul(Q);
    return transposed ? mT(Q) : Q;
  }

  /** An orthogonal Q as the map's preimage (see the module comment); with trivialization, Q becomes the base. */
  rightInverse(q: Tensor): Tensor {
    if (fmtShape(q.shape) !== fmtShape(this.shape)) {
      throw new ArgumentError(`Expected a matrix or batch of matrices of shape ${fmtShape(this.shape)}. Got a tensor of shape ${fmtShape(q.shape)}.`);
    }
    return noGrad(() => {
      let Q = q.detach();
      let n = Q.shape[Q.ndim - 2]!;
      let k = Q.shape[Q.ndim - 1]!;
      const transpose = n < k;
      if (transpose) {
        Q = mT(Q);
        [n, k] = [k, n];
      }
      if (!this.useTrivialization) {
        if (this.orthogonalMap !== "householder") {
          throw new RightInverseNotImplemented("It is not possible to assign to the matrix exponential or the Cayley parametrizations when use_trivialization=False.");
        }
        const [A, tau] = geqrf(Q);
        return transpose ? mT(signedDiagonal(A, tau)) : signedDiagonal(A, tau);
      }
      if (n === k) Q = isOrthogonal(Q) ? Q.clone() : makeOrthogonal(Q);
      else Q = makeOrthogonal(cat([Q, randn([...Q.shape.slice(0, -2), n, n - k], { dtype: Q.dtype })], -1));
      this.base = Q;
      // -I (as wide or tall as the weight): householder(zeros) with this diagonal is the identity.
      const negId = zeros([...q.shape], { dtype: q.dtype });
      const d = negId.storage as Float32Array | Float64Array;
      const [r, c] = q.shape.slice(-2) as [number, number];
      for (let b = 0; b < d.length / (r * c); b++) for (let i = 0; i < Math.min(r, c); i++) d[b * r * c + i * c + i] = -1;
      return negId;
    });
  }
}

/** geqrf's packed A with its diagonal replaced by the signs of R's, flipped where tau is 0 (PyTorch's in-place edits). */
function signedDiagonal(A: Tensor, tau: Tensor): Tensor {
  const [m, n] = A.shape.slice(-2) as [number, number];
  const k = Math.min(m, n);
  const a = Float64Array.from(A.contiguous().toTypedArray() as Float64Array);
  const t = tau.toTypedArray();
  for (let b = 0; b < a.length / (m * n); b++) {
    for (let i = 0; i < k; i++) {
      const at = b * m * n + i * n + i;
      const s = Math.sign(a[at]!);
      a[at] = Number(t[b * k + i]) === 0 ? -s : s;
    }
  }
  return tensor(a, { dtype: "float64" }).reshape([...A.shape]).to(A.dtype);
}

/**
 * Registers the orthogonal parametrization on `module[name]` (default "weight"); the map defaults to
 * matrix_exp for square weights and householder otherwise. Returns the module.
 */
export function orthogonal<M extends AnyModule>(module: M, name = "weight", orthogonalMap: OrthogonalMap | null = null, opts: { useTrivialization?: boolean } = {}): M {
  const where = "nn.utils.parametrizations.orthogonal()";
  checkOptions(where, opts, { useTrivialization: "boolean" }, { index: 4 });
  checkArity(where, arguments, 4);
  if (!(module instanceof Module)) throw new ArgumentError(`${where}: expected an nn.Module`);
  if (typeof name !== "string") throw new ArgumentError(`${where}: name must be a string`);
  const weight = (module as unknown as Record<string, unknown>)[name];
  if (!(weight instanceof Tensor)) throw new ArgumentError(`Module '${module.toString()}' has no parameter or buffer with name '${name}'`);
  if (weight.ndim < 2) throw new ArgumentError(`Expected a matrix or batch of matrices. Got a tensor of ${weight.ndim} dimensions.`);
  const map = orthogonalMap ?? (weight.shape[weight.ndim - 2] === weight.shape[weight.ndim - 1] ? "matrix_exp" : "householder");
  if (map !== "matrix_exp" && map !== "cayley" && map !== "householder") {
    throw new ArgumentError(`orthogonal_map has to be one of "matrix_exp", "cayley", "householder". Got: ${String(map)}`);
  }
  return registerParametrization(module, name, new OrthogonalParametrization(weight, map, opts), { unsafe: true });
}
