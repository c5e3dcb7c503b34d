import { ArgumentError, DTypeError, ShapeError } from "../errors.ts";
import { checkArg, checkOptions } from "../options.ts";
import { log } from "../log.ts";
import { zeros } from "../tensor/creation.ts";
import { broadcastShapes, fmtShape, normDim } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import * as E from "./elementwise.ts";
import { indexSelect } from "./indexing.ts";
import { cat, stack } from "./join.ts";
import { promoteTypes } from "../tensor/dtype.ts";
import { meshgrid } from "./shape_ops.ts";
import { scalarTypeName } from "./promotion.ts";
import { int64Tensor } from "./util.ts";
import { expand, reshape } from "./views.ts";

/**
 * Ops that combine elements or blocks: cartesian_prod, combinations, block_diag, kron, cross. All are
 * compositions of indexSelect, cat, expand and mul, so their gradients come from those.
 */

type Many = (Tensor | readonly Tensor[])[];
const listOf = (args: Many): Tensor[] => (args.length === 1 && Array.isArray(args[0]) ? [...args[0]] : (args as Tensor[]));

function check1d(t: Tensor): void {
  if (t.ndim !== 1) throw new ShapeError(`Expect a 1D vector, but got shape ${fmtShape(t.shape)}`);
}

/** torch.cartesian_prod: the rows of every combination of the 1-d inputs' elements (one input: itself). */
export function cartesianProd(...tensors: Many): Tensor {
  const ts = listOf(tensors);
  if (ts.length === 0) throw new ArgumentError("meshgrid expects a non-empty TensorList");
  ts.forEach((t, i) => check1d(Tensor.check(t, `tensors[${i}]`)));
  if (ts.length === 1) return ts[0]!;
  return stack(meshgrid(ts, { indexing: "ij" }).map((g) => reshape(g, [-1])), 1);
}

export interface CombinationsOptions { r?: number; withReplacement?: boolean }

/** torch.combinations: the r-element combinations of a 1-d tensor, in lexicographic order of positions. */
export function combinations(x: Tensor, r: number | CombinationsOptions = 2, withReplacement = false): Tensor {
  Tensor.check(x, "input");
  if (typeof r === "object") {
    checkOptions("combinations()", r, { r: "int", withReplacement: "boolean" }, { index: 2, positional: "r" });
    return combinations(x, r.r ?? 2, r.withReplacement ?? false);
  }
  checkArg("combinations()", r, "int", 2, "r");
  checkArg("combinations()", withReplacement, "boolean", 3, "with_replacement");
  check1d(x);
  if (r < 0) throw new ArgumentError(`Expect a non-negative number, but got ${r}`);
  if (r === 0) return zeros([0], { dtype: x.dtype });
  const n = x.shape[0]!;
  const cols: number[][] = Array.from({ length: r }, () => []);
  const pick: number[] = [];
  const walk = (from: number): void => {
    if (pick.length === r) {
      pick.forEach((p, i) => cols[i]!.push(p));
      return;
    }
    for (let i = from; i < n; i++) {
      pick.push(i);
      walk(withReplacement ? i : i + 1);
      pick.pop();
    }
  };
  walk(0);
  const m = cols[0]!.length;
  return stack(cols.map((c) => indexSelect(x, 0, int64Tensor(Float64Array.from(c), [m]))), 1);
}

/** torch.block_diag: the inputs (0-d, 1-d as a row, 2-d) down the diagonal of a zero matrix. */
export function blockDiag(...tensors: Many): Tensor {
  const ts = listOf(tensors).map((t, i) => {
    Tensor.check(t, `tensors[${i}]`);
    if (t.ndim > 2) throw new ShapeError(`torch.block_diag: Input tensors must have 2 or fewer dimensions. Input ${i} has ${t.ndim} dimensions`);
    return t.ndim === 2 ? t : reshape(t, [1, t.numel()]);
  });
  if (ts.length === 0) return zeros([1, 0]);
  const dtype = ts.map((t) => t.dtype).reduce(promoteTypes);
  const width = ts.reduce((s, t) => s + t.shape[1]!, 0);
  let left = 0;
  const rows = ts.map((t) => {
    const [h, w] = t.shape as [number, number];
    const parts = [zeros([h, left], { dtype }), t, zeros([h, width - left - w], { dtype })];
    left += w;
    return cat(parts, 1);
  });
  return cat(rows, 0);
}

/** torch.kron: every element of a times the whole of b, laid out blockwise. */
export function kron(a: Tensor, b: Tensor): Tensor {
  Tensor.check(a, "input");
  Tensor.check(b, "other");
  const n = Math.max(a.ndim, b.ndim);
  const pa = [...Array<number>(n - a.ndim).fill(1), ...a.shape];
  const pb = [...Array<number>(n - b.ndim).fill(1), ...b.shape];
  const prod = E.mul(reshape(a, pa.flatMap((s) => [s, 1])), reshape(b, pb.flatMap((s) => [1, s])));
  return reshape(prod, pa.map((s, i) => s * pb[i]!));
}

let warned = false;

/**
 * torch.cross: the cross product along dim (size 3). Without dim, PyTorch 1.13 takes the first dim of
 * size 3 and warns that this default is deprecated.
 */
export function cross(a: Tensor, b: Tensor, dim?: number | null): Tensor {
  Tensor.check(a, "input");
  Tensor.check(b, "other");
  checkArg("cross()", dim, "int?", 3, "dim");
  let d = dim;
  if (d === undefined || d === null) {
    if (!warned) {
      warned = true;
      log("warn", "Using torch.cross without specifying the dim arg is deprecated. Please either pass the dim explicitly or simply use torch.linalg.cross. The default value of dim will change to agree with that of linalg.cross in a future release.");
    }
    d = a.shape.indexOf(3);
    if (d < 0) throw new ShapeError("no dimension of size 3 in input");
  }
  return linalgCross(a, b, d);
}

/** torch.linalg.cross: the cross product along dim (default -1), the inputs broadcast. */
export function linalgCross(a: Tensor, b: Tensor, dim = -1): Tensor {
  Tensor.check(a, "input");
  Tensor.check(b, "other");
  if (a.ndim !== b.ndim) throw new ShapeError("linalg.cross: inputs must have the same number of dimensions.");
  const d = normDim(dim, a.ndim);
  if (a.shape[d] !== 3 || b.shape[d] !== 3) {
    throw new ShapeError(`linalg.cross: inputs dimension ${d} must have length 3. Got ${a.shape[d]} and ${b.shape[d]}`);
  }
  const shape = broadcastShapes(a.shape, b.shape);
  if (a.dtype !== b.dtype) throw new DTypeError(`expected scalar type ${scalarTypeName(a.dtype)} but found ${scalarTypeName(b.dtype)}`);
  if (a.dtype === "bool") throw new DTypeError(`"cross" not implemented for 'Bool'`);
  const [x, y] = [expand(a, shape), expand(b, shape)];
  const turn = (t: Tensor, order: number[]) => indexSelect(t, d, int64Tensor(Float64Array.from(order), [3]));
  return E.sub(E.mul(turn(x, [1, 2, 0]), turn(y, [2, 0, 1])), E.mul(turn(x, [2, 0, 1]), turn(y, [1, 2, 0])));
}
