import { record } from "../autograd/record.ts";
import { DTypeError, IndexError } from "../errors.ts";
import { checkArity, keywordArgs } from "../options.ts";
import { zeros } from "../tensor/creation.ts";
import { isFloating } from "../tensor/dtype.ts";
import { broadcastShapes } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { maskedFill } from "./indexing.ts";
import { applyInPlace } from "./inplace.ts";
import { cat } from "./join.ts";
import { maskedSelect, take } from "./masked.ts";
import { scalarTypeName } from "./promotion.ts";
import { sumToShape } from "./reduce.ts";
import { denseData } from "./util.ts";
import { expand, reshape } from "./views.ts";

/**
 * masked_scatter and put: source's values written, in order, at the positions a mask or a flat index
 * picks. The inverses of maskedSelect and take, and their gradients are those: source gets the
 * incoming gradient read back at the positions, self the rest.
 */

/** Integer masks read as nonzero = true (PyTorch takes them); a float mask is refused. */
function boolMask(mask: Tensor): Tensor {
  Tensor.check(mask, "mask");
  if (isFloating(mask.dtype)) throw new DTypeError(`masked_scatter_: expected BoolTensor or ByteTensor for mask, got ${scalarTypeName(mask.dtype)}`);
  return mask.dtype === "bool" ? mask : mask.ne(0);
}

/** torch.masked_scatter: input (broadcast with mask) with source's first values where mask is true. */
export function maskedScatter(input: Tensor, mask: Tensor, source: Tensor): Tensor {
  Tensor.check(input, "input");
  Tensor.check(source, "source");
  checkArity("masked_scatter()", arguments, 3);
  const m = boolMask(mask);
  if (source.dtype !== input.dtype) {
    throw new DTypeError(`masked_scatter: expected self and source to have same dtypes but got${scalarTypeName(input.dtype)} and ${scalarTypeName(source.dtype)}`);
  }
  const shape = broadcastShapes(input.shape, m.shape);
  const big = expand(m, shape);
  const flags = denseData(big);
  const values = denseData(source);
  let count = 0;
  for (let i = 0; i < flags.length; i++) if (flags[i]) count++;
  if (count > values.length) throw new IndexError("Number of elements of source < number of ones in mask");
  const data = denseData(expand(input.detach(), shape)).slice();
  for (let i = 0, k = 0; i < flags.length; i++) if (flags[i]) data[i] = values[k++]!;
  const out = Tensor.fromStorage(data, input.dtype, shape);
  return record(out, "MaskedScatterBackward0", [input, source], (g, needs) => {
    let gSource: Tensor | null = null;
    if (needs[1]) {
      const picked = maskedSelect(g, big);
      const rest = zeros([source.numel() - count], { dtype: g.dtype });
      gSource = reshape(cat([picked, rest]), source.shape);
    }
    return [needs[0] ? sumToShape(maskedFill(g, big, 0), input.shape) : null, gSource];
  }, false);
}

/** masked_scatter_: the mask must broadcast to self, which keeps its shape. */
export function maskedScatter_(self: Tensor, mask: Tensor, source: Tensor): Tensor {
  Tensor.check(self, "input");
  const m = expand(boolMask(mask), self.shape);
  return applyInPlace(self, (s) => maskedScatter(s, m, source), { self: "alias" });
}

export interface PutOptions {
  /** Add source into self's values instead of replacing them (repeated indices add up). */
  accumulate?: boolean;
}

/** Checks put_'s operands (PyTorch's order and words); the flat positions, negative ones wrapped. */
function putPositions(self: Tensor, index: Tensor, source: Tensor): Float64Array {
  Tensor.check(index, "index");
  Tensor.check(source, "source");
  if (index.dtype !== "int64") throw new DTypeError(`put_(): Expected a long tensor for index, but got ${scalarTypeName(index.dtype)}`);
  if (source.dtype !== self.dtype) {
    throw new DTypeError(`put_(): self and source expected to have the same dtype, but got self.dtype = ${scalarTypeName(self.dtype)} and source.dtype = ${scalarTypeName(source.dtype)}`);
  }
  if (source.numel() !== index.numel()) {
    throw new IndexError(`put_(): Expected source and index to have the same number of elements, but got source.numel() = ${source.numel()}, index.numel() = ${index.numel()}`);
  }
  const n = self.numel();
  if (n === 0 && index.numel() > 0) throw new IndexError("put_(): Tried to put elements into an empty tensor");
  return Float64Array.from(denseData(index), (v) => {
    if (v < -n || v >= n) throw new IndexError(`out of range: tried to access index ${v} on a tensor of ${n} elements.`);
    return v < 0 ? v + n : v;
  });
}

function accumulateArg(where: string, args: readonly (boolean | PutOptions | undefined)[]): boolean {
  const a = keywordArgs(where, args, ["accumulate"], { accumulate: "boolean" }, 4) as PutOptions;
  return a.accumulate ?? false;
}

/** torch.put: input (read as 1-d) with source written at index; the last write to a repeated index wins. */
export function put(input: Tensor, index: Tensor, source: Tensor, ...args: (boolean | PutOptions | undefined)[]): Tensor {
  Tensor.check(input, "input");
  const accumulate = accumulateArg("put()", args);
  const pos = putPositions(input, index, source);
  const data = denseData(input.detach()).slice();
  const values = denseData(source);
  pos.forEach((p, k) => {
    const v = values[k]!;
    // bool + bool is or, as PyTorch's accumulate on bool tensors
    data[p] = !accumulate ? v : input.dtype === "bool" ? Number(data[p]! !== 0 || v !== 0) : data[p]! + v;
  });
  const out = Tensor.fromStorage(data, input.dtype, input.shape);
  const flat = Tensor.fromStorage(pos, "int64", index.shape);
  return record(out, "PutBackward0", [input, source], (g, needs) => [
    needs[0] ? (accumulate ? g : put(g, flat, zeros(source.shape, { dtype: g.dtype }))) : null,
    needs[1] ? reshape(take(g, flat), source.shape) : null,
  ], false);
}

export function put_(self: Tensor, index: Tensor, source: Tensor, ...args: (boolean | PutOptions | undefined)[]): Tensor {
  Tensor.check(self, "input");
  const accumulate = accumulateArg("put_()", args);
  return applyInPlace(self, (s) => put(s, index, source, { accumulate }), { self: "alias" });
}
