import { record } from "../autograd/record.ts";
import { ArgumentError, IndexError } from "../errors.ts";
import { tensor } from "../tensor/creation.ts";
import { Tensor } from "../tensor/tensor.ts";
import { Ellipsis, IndexSlice, type IndexList } from "./index_expr.ts";
import { select, slice, unsqueeze } from "./views.ts";

/**
 * Basic indexing (PyTorch's applySlicing): ints, slices, None and Ellipsis become views (select,
 * slice, unsqueeze), walked left to right; tensor indices are only noted, with the dim of the view
 * they apply to, for advanced indexing to finish (index_advanced.ts).
 */

/** An advanced index: an int64 tensor or a bool mask, applied at `dim` of the sliced view. */
export interface TensorIndex {
  readonly dim: number;
  readonly tensor: Tensor;
}

export interface Sliced {
  /** x after the basic items: x itself when there were none, else a view of it. */
  readonly result: Tensor;
  readonly tensors: readonly TensorIndex[];
}

type Item =
  | { kind: "int"; v: number }
  | { kind: "slice"; s: IndexSlice }
  | { kind: "none" }
  | { kind: "ellipsis" }
  | { kind: "bool"; v: boolean }
  | { kind: "tensor"; t: Tensor };

const VALID = "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices";

/** A nested JS array as an index tensor: booleans make a mask, ints an int64 tensor. */
function listTensor(list: IndexList): Tensor {
  let bools = true;
  let ints = true;
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === "number") {
      bools = false;
      if (!Number.isSafeInteger(v)) ints = false;
    } else if (typeof v !== "boolean") throw new IndexError(`${VALID} (got ${kindOf(v)} inside a list)`);
  };
  walk(list);
  if (!ints) throw new IndexError("tensors used as indices must be long, byte or bool tensors");
  const empty = !list.some((e) => !Array.isArray(e) || e.length > 0);
  return tensor(list as never, { dtype: bools && !empty ? "bool" : "int64" });
}

function kindOf(v: unknown): string {
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (v === undefined) return "undefined";
  if (typeof v === "object") return (v as object).constructor?.name ?? "object";
  return typeof v;
}

function classify(raw: unknown): Item {
  if (raw === null) return { kind: "none" };
  if (raw === Ellipsis) return { kind: "ellipsis" };
  if (typeof raw === "boolean") return { kind: "bool", v: raw };
  if (typeof raw === "number") {
    if (!Number.isSafeInteger(raw)) throw new IndexError(`${VALID} (got ${kindOf(raw)})`);
    return { kind: "int", v: raw };
  }
  if (raw instanceof IndexSlice) return { kind: "slice", s: raw };
  if (Array.isArray(raw)) return { kind: "tensor", t: listTensor(raw) };
  if (raw instanceof Tensor) {
    // A 0-d integer tensor selects like an int, a 0-d bool like True/False (PyTorch's rule).
    if (raw.ndim === 0 && (raw.dtype === "int64" || raw.dtype === "int32")) return { kind: "int", v: raw.item() };
    if (raw.ndim === 0 && raw.dtype === "bool") return { kind: "bool", v: raw.item() !== 0 };
    return { kind: "tensor", t: raw };
  }
  throw new IndexError(`${VALID} (got ${kindOf(raw)})`);
}

/** The dims of x an item consumes (None, Ellipsis and True/False consume none). */
function consumed(item: Item): number {
  if (item.kind === "int" || item.kind === "slice") return 1;
  if (item.kind === "tensor") return item.t.dtype === "bool" ? item.t.ndim : 1;
  return 0;
}

function applySlice(x: Tensor, dim: number, s: IndexSlice): Tensor {
  if (s.step === 0) throw new ArgumentError("slice step cannot be zero");
  if (s.step !== null && s.step < 0) throw new ArgumentError("step must be greater than zero");
  return slice(x, dim, s.start ?? 0, s.stop ?? undefined, s.step ?? 1);
}

/** Python's `True`/`False` index: a new axis indexed by [0] or by nothing. */
function boolIndex(v: boolean): Tensor {
  return Tensor.fromStorage(new Float64Array(v ? 1 : 0), "int64", [v ? 1 : 0]);
}

/** Applies the basic items of an expression to x and notes its tensor indices. */
export function applySlicing(x: Tensor, raw: readonly unknown[]): Sliced {
  const items = raw.map(classify);
  if (x.ndim === 0 && items.length === 1) {
    // Python's one-item forms on a 0-d tensor, x[0] and x[0:1], have messages of their own.
    if (items[0]!.kind === "int") {
      throw new IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number");
    }
    if (items[0]!.kind === "slice") throw new IndexError("slice() cannot be applied to a 0-dim tensor.");
  }
  const specified = items.reduce((n, i) => n + consumed(i), 0);
  if (specified > x.ndim) throw new IndexError(`too many indices for tensor of dimension ${x.ndim}`);
  let result = x;
  const tensors: TensorIndex[] = [];
  let dim = 0;
  items.forEach((item, position) => {
    switch (item.kind) {
      case "int": {
        // Past the view's last dim (a second ellipsis moved there), PyTorch 1.13 reads a size of 0.
        const size = result.shape[dim] ?? 0;
        if (item.v < -size || item.v >= size) {
          // PyTorch names the item's position in the expression, not the dim of the view.
          throw new IndexError(`index ${item.v} is out of bounds for dimension ${position} with size ${size}`);
        }
        result = select(result, dim, item.v);
        return;
      }
      case "slice":
        result = applySlice(result, dim, item.s);
        dim++;
        return;
      case "none":
        result = unsqueeze(result, dim);
        dim++;
        return;
      case "ellipsis":
        // Every ellipsis advances (PyTorch 1.13 accepts several: x[..., 0, ...] is x[..., 0]).
        dim += x.ndim - specified;
        return;
      case "bool":
        result = unsqueeze(result, dim);
        tensors.push({ dim, tensor: boolIndex(item.v) });
        dim++;
        return;
      case "tensor":
        // A k-dim mask covers k dims (NumPy's rule; PyTorch 1.13 advances one and misplaces what follows).
        tensors.push({ dim, tensor: item.t });
        dim += consumed(item);
        return;
    }
  });
  // Only a second ellipsis can move a tensor index past the view's dims: PyTorch's index() then refuses.
  const got = tensors.reduce((n, t) => Math.max(n, t.dim + (t.tensor.dtype === "bool" ? t.tensor.ndim : 1)), 0);
  if (got > result.ndim) throw new IndexError(`too many indices for tensor of dimension ${result.ndim} (got ${got})`);
  return { result, tensors };
}

/** x[...] and x[()]: a new view of all of x, as PyTorch's alias. */
export function alias(x: Tensor): Tensor {
  const out = Tensor.fromStorage(x.storage, x.dtype, x.shape, x.strides, x.offset);
  return record(out, "AliasBackward0", [x], (g) => [g], false);
}
