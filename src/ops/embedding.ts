/**
 * PyTorch's `embedding` op: rows of a [V, D] table picked by integer indices of any shape, giving
 * [...indices.shape, D]. Backward adds each position's gradient row into its table row, except for
 * `paddingIdx` (which gets none) and, with `scaleGradByFreq`, divided by how often that index occurs
 * in the batch (PyTorch's embedding_dense_backward).
 */
import { recordAdjoint } from "../autograd/higher_order.ts";
import { record } from "../autograd/record.ts";
import { backend } from "../backend/registry.ts";
import { DTypeError, IndexError, ShapeError } from "../errors.ts";
import { isFloating } from "../tensor/dtype.ts";
import { fmtShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { scalarTypeName } from "./promotion.ts";
import { indexSelect } from "./indexing.ts";
import { mul } from "./op_functions.ts";
import { denseData, fresh } from "./util.ts";
import { reshape } from "./views.ts";

export function embeddingOp(weight: Tensor, indices: Tensor, paddingIdx: number | null, scaleGradByFreq: boolean): Tensor {
  if (indices.dtype !== "int64" && indices.dtype !== "int32") {
    throw new DTypeError(
      "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; " +
        `but got torch.${scalarTypeName(indices.dtype)}Tensor instead (while checking arguments for embedding)`,
    );
  }
  if (weight.ndim !== 2) throw new ShapeError(`'weight' must be 2-D, got shape ${fmtShape(weight.shape)}`);
  if (!isFloating(weight.dtype)) throw new DTypeError(`embedding: weight must be floating point, got ${weight.dtype}`);
  const [V, D] = weight.shape as [number, number];
  const idx = denseData(indices);
  const m = idx.length;
  for (let i = 0; i < m; i++) {
    const v = idx[i]!;
    if (v < 0 || v >= V) throw new IndexError("index out of range in self");
  }
  const out = fresh([...indices.shape, D], weight.dtype);
  const k = backend();
  k.indexSelect(denseData(weight), idx, out.storage, 1, V, m, D);
  return record(out, "EmbeddingBackward0", [weight], (g) => {
    let gs = denseData(g) as Float32Array | Float64Array;
    if (paddingIdx !== null || scaleGradByFreq) {
      // One factor per position: 0 at the padding index, 1/count with scaleGradByFreq, else 1.
      const counts = new Map<number, number>();
      if (scaleGradByFreq) for (let i = 0; i < m; i++) counts.set(idx[i]!, (counts.get(idx[i]!) ?? 0) + 1);
      const scale = new (gs.constructor as Float64ArrayConstructor)(m);
      for (let i = 0; i < m; i++) scale[i] = idx[i] === paddingIdx ? 0 : scaleGradByFreq ? 1 / counts.get(idx[i]!)! : 1;
      const scaled = new (gs.constructor as Float64ArrayConstructor)(m * D);
      k.binary("mul", { data: gs, offset: 0, strides: [D, 1] }, { data: scale, offset: 0, strides: [1, 0] }, scaled, [m, D]);
      gs = scaled;
    }
    const gw = fresh([V, D], weight.dtype);
    k.indexAdd(gs, idx, gw.storage, 1, V, m, D);
    // createGraph: the scatter's adjoint reads gw's gradient back at the same rows, the padding index's
    // zeroed; PyTorch's embedding_dense_double_backward leaves out scaleGradByFreq's factors.
    return [recordAdjoint("EmbeddingBackwardBackward0", gw, g, (gg) => {
      const rows = indexSelect(gg, 0, reshape(indices, [m]));
      if (paddingIdx === null) return reshape(rows, g.shape);
      const keep = new (gs.constructor as Float64ArrayConstructor)(m).map((_, i) => (idx[i] === paddingIdx ? 0 : 1));
      return reshape(mul(rows, Tensor.fromStorage(keep, g.dtype, [m, 1])), g.shape);
    })];
  }, [indices]);
}
