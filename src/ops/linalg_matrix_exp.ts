import { record } from "../autograd/record.ts";
import { DTypeError, ShapeError } from "../errors.ts";
import { isFloating } from "../tensor/dtype.ts";
import { Tensor } from "../tensor/tensor.ts";
import { zeros } from "../tensor/creation.ts";
import { batchOf, mT, tensorOf } from "./linalg_common.ts";
import { scalarTypeName } from "./promotion.ts";
import { cat } from "./join.ts";
import { narrow } from "./views.ts";

/**
 * torch.linalg.matrix_exp by scaling and squaring with a Taylor series on float64 copies. Its
 * gradient is PyTorch's: the upper-right block of exp([[A^H, g], [0, A^H]]), itself a matrix_exp,
 * so the gradient is differentiable again.
 */

/** C = A B for n x n row-major matrices. */
function mul(a: Float64Array, b: Float64Array, n: number): Float64Array<ArrayBuffer> {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k]!;
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) c[i * n + j] = c[i * n + j]! + aik * b[k * n + j]!;
    }
  }
  return c;
}

function expm(a: Float64Array, n: number): Float64Array<ArrayBuffer> {
  let norm = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(a[i * n + j]!);
    norm = Math.max(norm, s);
  }
  // Scale to a 1-norm of at most 1/2, where 30 Taylor terms are far below float64's precision.
  const squarings = norm > 0.5 ? Math.ceil(Math.log2(norm / 0.5)) : 0;
  const x = Float64Array.from(a, (v) => v / 2 ** squarings);
  let result = new Float64Array(n * n);
  for (let i = 0; i < n; i++) result[i * n + i] = 1;
  let term = Float64Array.from(result);
  for (let k = 1; k <= 30; k++) {
    term = mul(term, x, n).map((v) => v / k);
    let big = 0;
    for (let i = 0; i < n * n; i++) {
      result[i] = result[i]! + term[i]!;
      big = Math.max(big, Math.abs(term[i]!));
    }
    if (big === 0 || !Number.isFinite(big)) break;
  }
  for (let s = 0; s < squarings; s++) result = mul(result, result, n);
  return result;
}

/** torch.linalg.matrixExp(A): e^A of each square matrix. */
export function matrixExp(A: Tensor): Tensor {
  Tensor.check(A, "input");
  if (A.ndim < 2) throw new ShapeError("linalg.matrix_exp: The input tensor A must have at least 2 dimensions.");
  const [r, c] = A.shape.slice(-2) as [number, number];
  if (r !== c) throw new ShapeError(`linalg.matrix_exp: A must be batches of square matrices, but they are ${r} by ${c} matrices`);
  if (!isFloating(A.dtype)) throw new DTypeError(`matrix_exp: Expected a floating point or complex tensor as input. Got ${scalarTypeName(A.dtype)}`);
  const b = batchOf(A);
  const n = r;
  const out = new Float64Array(b.batch * n * n);
  for (let i = 0; i < b.batch; i++) out.set(expm(b.data.subarray(i * n * n, (i + 1) * n * n), n), i * n * n);
  const X = tensorOf(out, A.shape, A.dtype);
  return record(X, "LinalgMatrixExpBackward0", [A], (g) => {
    const Ah = mT(A);
    const top = cat([Ah, g], -1);
    const bottom = cat([zeros(Ah.shape, { dtype: A.dtype }), Ah], -1);
    const big = matrixExp(cat([top, bottom], -2));
    return [narrow(narrow(big, -2, 0, n), -1, n, n)];
  }, [A]);
}
