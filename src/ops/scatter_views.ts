import { withoutGrad } from "../autograd/grad_mode.ts";
import { record } from "../autograd/record.ts";
import { ArgumentError, IndexError, ShapeError } from "../errors.ts";
import { checkArg, keywordArgs } from "../options.ts";
import { zerosLike } from "../tensor/creation.ts";
import { fmtShape, normDim, sameShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { type DiagonalOptions, diagonal } from "./shape_extra_diag.ts";
import { clone, select, slice, to } from "./views.ts";

/**
 * diagonal_scatter, select_scatter and slice_scatter: the out-of-place twins of writing into a view
 * (`y = x.clone(); y.diagonal().copy_(src)`), which functional code and functorch use. One pattern for
 * all three: the result is self with the view's region replaced by src (cast to self's dtype); self's
 * gradient is the incoming one with that region zeroed, src's is the region.
 */

function scatterInto(self: Tensor, src: Tensor, node: string, view: (t: Tensor) => Tensor): Tensor {
  const region = view(self.detach());
  if (!sameShape(region.shape, src.shape)) {
    throw new ShapeError(`expected src to have a size equal to the slice of self. src size = ${fmtShape(src.shape)}, slice size = ${fmtShape(region.shape)}`);
  }
  const out = clone(self.detach());
  withoutGrad(() => view(out).copy_(src.detach()));
  return record(out, node, [self, src], (g, needs) => [
    needs[0] ? scatterInto(g, zerosLike(view(g.detach())), node, view) : null,
    needs[1] ? to(clone(view(g)), src.dtype) : null,
  ], false);
}

const DIAGONAL_SPEC = { offset: "int", dim1: "int", dim2: "int" } as const;

/** torch.diagonal_scatter(input, src, offset = 0, dim1 = 0, dim2 = 1): src laid on input's diagonal. */
export function diagonalScatter(input: Tensor, src: Tensor, ...args: (number | DiagonalOptions | undefined)[]): Tensor {
  Tensor.check(input, "input");
  Tensor.check(src, "src");
  const a = keywordArgs("diagonal_scatter()", args, ["offset", "dim1", "dim2"], DIAGONAL_SPEC, 3) as DiagonalOptions;
  return scatterInto(input, src, "DiagonalScatterBackward0", (t) => diagonal(t, a.offset ?? 0, a.dim1 ?? 0, a.dim2 ?? 1));
}

/** torch.select_scatter(input, src, dim, index): src written at `index` along dim (src lacks that dim). */
export function selectScatter(input: Tensor, src: Tensor, dim: number, index: number): Tensor {
  Tensor.check(input, "input");
  Tensor.check(src, "src");
  checkArg("select_scatter()", dim, "int", 3, "dim");
  checkArg("select_scatter()", index, "int", 4, "index");
  if (input.ndim === 0) throw new IndexError("select() cannot be applied to a 0-dim tensor.");
  const d = normDim(dim, input.ndim);
  const size = input.shape[d]!;
  if (index < -size || index >= size) {
    throw new IndexError(`select(): index ${index} out of range for tensor of size ${fmtShape(input.shape)} at dimension ${d}`);
  }
  return scatterInto(input, src, "SelectScatterBackward0", (t) => select(t, d, index));
}

export interface SliceScatterOptions {
  dim?: number;
  /** First index of the slice, Python's rules (negative from the end, clamped); null: 0. */
  start?: number | null;
  /** One past the last index; null: the dim's size. */
  end?: number | null;
  step?: number;
}

const SLICE_SPEC = { dim: "int", start: "int?", end: "int?", step: "int" } as const;

/**
 * torch.slice_scatter(input, src, dim = 0, start = null, end = null, step = 1): src written over
 * `input[start:end:step]` along dim. (PyTorch 1.13 fails on an omitted end; here it is the dim's size.)
 */
export function sliceScatter(input: Tensor, src: Tensor, ...args: (number | null | SliceScatterOptions | undefined)[]): Tensor {
  Tensor.check(input, "input");
  Tensor.check(src, "src");
  const a = keywordArgs("slice_scatter()", args, ["dim", "start", "end", "step"], SLICE_SPEC, 3) as SliceScatterOptions;
  if (input.ndim === 0) throw new IndexError("slice() cannot be applied to a 0-dim tensor.");
  const step = a.step ?? 1;
  if (step <= 0) throw new ArgumentError("slice step must be positive");
  const d = normDim(a.dim ?? 0, input.ndim);
  return scatterInto(input, src, "SliceScatterBackward0", (t) => slice(t, d, a.start ?? 0, a.end ?? undefined, step));
}
