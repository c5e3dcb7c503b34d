import { ArgumentError, DTypeError, IndexError, ShapeError } from "../errors.ts";
import { checkArg, checkOptions } from "../options.ts";
import { normDim } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { scatterReduceAs } from "./api_misc_scatter.ts";
import { applyInPlace } from "./inplace.ts";
import { scalarTypeName } from "./promotion.ts";
import { castRaw, denseData } from "./util.ts";
import { expand, reshape } from "./views.ts";

/**
 * torch.index_reduce: source's slices along dim reduced (prod, mean, amax, amin) into input's slices
 * at index, input's own values taking part unless includeSelf is false. It is scatterReduce with the
 * index spread over source's other dims, so values and gradients are scatterReduce's (PyTorch's).
 */

export type IndexReduceMode = "prod" | "mean" | "amax" | "amin";
export interface IndexReduceOptions {
  includeSelf?: boolean;
}

const MODES: readonly string[] = ["prod", "mean", "amax", "amin"];

export function indexReduce(input: Tensor, dim: number, index: Tensor, source: Tensor, reduce: IndexReduceMode, opts: IndexReduceOptions = {}): Tensor {
  Tensor.check(input, "input");
  checkArg("index_reduce()", dim, "int", 2, "dim");
  Tensor.check(index, "index");
  Tensor.check(source, "source");
  checkArg("index_reduce()", reduce, "string", 5, "reduce");
  checkOptions("index_reduce()", opts, { includeSelf: "boolean" }, { index: 6 });
  if (!MODES.includes(reduce)) throw new ArgumentError(`index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got ${reduce}.`);
  // A 0-d input or source reads as one element along one dim, as PyTorch's.
  const self = input.ndim === 0 ? reshape(input, [1]) : input;
  const src = source.ndim === 0 ? reshape(source, [1]) : source;
  const d = normDim(dim, self.ndim);
  if (index.ndim > 1) {
    throw new IndexError(`index_reduce_(): Index is supposed to be a vector, but got dim: ${index.ndim} with type: ${scalarTypeName(index.dtype)} and size: [${index.shape.join(", ")}]`);
  }
  if (index.dtype !== "int64" && index.dtype !== "int32") {
    throw new DTypeError(`index_reduce_(): Expected dtype int32/int64 for index but got: ${scalarTypeName(index.dtype)}`);
  }
  if (src.dtype !== self.dtype) {
    throw new DTypeError(`index_reduce_(): self (${scalarTypeName(self.dtype)}) and source (${scalarTypeName(src.dtype)}) must have the same scalar type`);
  }
  if (self.dtype === "bool") throw new DTypeError(`"index_func_" not implemented for 'Bool'`);
  const n = index.numel();
  if (src.ndim !== self.ndim || (src.shape[d] ?? 1) !== n) {
    throw new ShapeError(`index_reduce_(): Number of indices (${n}) should be equal to source.size(dim): (${src.shape[d] ?? 1}), for dim: ${d}`);
  }
  src.shape.forEach((s, k) => {
    if (k !== d && s !== self.shape[k]) {
      throw new ShapeError(`index_reduce_(): source's size ${s} at dimension ${k} does not match self's size ${self.shape[k]}`);
    }
  });
  const size = self.shape[d]!;
  if (denseData(index).some((v) => v < 0 || v >= size)) throw new IndexError("index out of range in self");
  const line = src.shape.map((_, k) => (k === d ? n : 1));
  const spread = expand(reshape(castRaw(index, "int64"), line), src.shape);
  const out = scatterReduceAs("IndexReduceBackward0", self, d, spread, src, reduce, { includeSelf: opts.includeSelf ?? true });
  return input.ndim === 0 ? reshape(out, []) : out;
}

export function indexReduce_(self: Tensor, dim: number, index: Tensor, source: Tensor, reduce: IndexReduceMode, opts: IndexReduceOptions = {}): Tensor {
  Tensor.check(self, "input");
  // prod's and amax's gradients read self's old values.
  return applyInPlace(self, (s) => indexReduce(s, dim, index, source, reduce, opts), { self: "copy" });
}
