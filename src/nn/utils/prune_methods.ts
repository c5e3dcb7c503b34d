/**
 * The pruning methods of torch.nn.utils.prune (PyTorch 1.13): each computes a mask for a tensor
 * given the mask it already has; PruningContainer chains them. ./prune.ts wires them to modules.
 */
import { ArgumentError, IndexError } from "../../errors.ts";
import { onesLike, rand, tensor } from "../../tensor/creation.ts";
import { fmtShape } from "../../tensor/shape.ts";
import { Tensor } from "../../tensor/tensor.ts";
import type { AnyModule } from "../module.ts";
// Tensor methods (t.mul, t.norm) come with ../module.ts, which ./prune.ts, the only importer, loads.

export type PruningType = "unstructured" | "structured" | "global";

/** Python's round(): halves to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function checkAmount(amount: unknown): number {
  if (typeof amount !== "number" || Number.isNaN(amount)) throw new ArgumentError(`Invalid type for amount: ${String(amount)}. Must be int or float.`);
  if ((Number.isInteger(amount) && amount < 0) || (!Number.isInteger(amount) && (amount > 1 || amount < 0))) {
    throw new ArgumentError(`amount=${amount} should either be a float in the range [0, 1] or a non-negative integer`);
  }
  return amount;
}

/**
 * How many entries `amount` prunes out of `size`: an integer is a count, anything else a fraction,
 * rounded as Python. (JavaScript cannot tell PyTorch's 1.0, everything, from 1, one entry: 1 is
 * the count; prune everything with the count itself.)
 */
function toPrune(amount: number, size: number): number {
  if (!Number.isInteger(amount)) return roundHalfEven(amount * size);
  if (amount > size) throw new ArgumentError(`amount=${amount} should be smaller than the number of parameters to prune=${size}`);
  return amount;
}

const flat = (t: Tensor): Float64Array => Float64Array.from(t.contiguous().toTypedArray() as ArrayLike<number>);
const like = (t: Tensor, data: Float64Array): Tensor => tensor(data, { dtype: "float64" }).reshape([...t.shape]).to(t.dtype);

/** Indices of the k smallest (largest) values, as torch.topk picks them (stable on ties). */
function topk(values: Float64Array, k: number, largest: boolean): number[] {
  const idx = Array.from(values, (_, i) => i);
  idx.sort((a, b) => (largest ? values[b]! - values[a]! : values[a]! - values[b]!) || a - b);
  return idx.slice(0, k);
}

function checkStructured(t: Tensor, dim: number): number {
  if (t.ndim <= 1) throw new ArgumentError(`Structured pruning can only be applied to multidimensional tensors. Found tensor of shape ${fmtShape(t.shape)} with ${t.ndim} dims`);
  if (dim >= t.ndim) throw new IndexError(`Invalid index ${dim} for tensor of size ${fmtShape(t.shape)}`);
  return dim < 0 ? dim + t.ndim : dim;
}

/** The channel of each flat index of a tensor of `shape` along `dim`. */
function channelOf(shape: readonly number[], dim: number): (i: number) => number {
  const inner = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  return (i) => Math.floor(i / inner) % shape[dim]!;
}

/** A mask that keeps only the given channels along dim, times the default mask. */
function channelMask(t: Tensor, dim: number, keep: Set<number>, defaultMask: Tensor): Tensor {
  const d = flat(defaultMask);
  const ch = channelOf(t.shape, dim);
  return like(t, d.map((v, i) => (keep.has(ch(i)) ? v : 0)));
}

/** PyTorch's BasePruningMethod: computeMask decides; apply (the functions below) wires it to a module. */
export abstract class BasePruningMethod {
  abstract readonly pruningType: PruningType;
  /** Structured methods prune along this dim. */
  dim?: number;
  tensorName: string | null = null;

  abstract computeMask(t: Tensor, defaultMask: Tensor): Tensor;

  /** name_orig * name_mask of `module`. */
  applyMask(module: AnyModule): Tensor {
    if (this.tensorName === null) throw new ArgumentError(`Module ${module.toString()} has to be pruned`);
    const o = module as unknown as Record<string, Tensor>;
    const orig = o[`${this.tensorName}_orig`]!;
    return o[`${this.tensorName}_mask`]!.to(orig.dtype).mul(orig);
  }

  /** t times the mask this method computes for it (importanceScores, if given, decide instead of t). */
  prune(t: Tensor, defaultMask?: Tensor | null, importanceScores?: Tensor | null): Tensor {
    const scores = importanceScores ?? t;
    if (fmtShape(scores.shape) !== fmtShape(t.shape)) throw new ArgumentError("importance_scores should have the same shape as tensor t");
    return t.mul(this.computeMask(scores, defaultMask ?? onesLike(t)));
  }
}

export class Identity extends BasePruningMethod {
  readonly pruningType = "unstructured";
  computeMask(_t: Tensor, defaultMask: Tensor): Tensor {
    return defaultMask;
  }
}

export class RandomUnstructured extends BasePruningMethod {
  readonly pruningType = "unstructured";
  constructor(readonly amount: number) {
    super();
    checkAmount(amount);
  }

  computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    const k = toPrune(this.amount, t.numel());
    const mask = flat(defaultMask);
    if (k !== 0) for (const i of topk(flat(rand([t.numel()], { dtype: "float64" })), k, true)) mask[i] = 0;
    return like(defaultMask, mask);
  }
}

export class L1Unstructured extends BasePruningMethod {
  readonly pruningType = "unstructured";
  constructor(readonly amount: number) {
    super();
    checkAmount(amount);
  }

  computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    const k = toPrune(this.amount, t.numel());
    const mask = flat(defaultMask);
    if (k !== 0) for (const i of topk(flat(t).map(Math.abs), k, false)) mask[i] = 0;
    return like(defaultMask, mask);
  }
}

export class RandomStructured extends BasePruningMethod {
  readonly pruningType = "structured";
  constructor(readonly amount: number, dim = -1) {
    super();
    checkAmount(amount);
    this.dim = dim;
  }

  computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    const dim = checkStructured(t, this.dim!);
    const size = t.shape[dim]!;
    const k = toPrune(this.amount, size);
    if (k === 0) return defaultMask;
    const prob = flat(rand([size], { dtype: "float64" }));
    const threshold = [...prob].sort((a, b) => a - b)[k - 1]!;
    return channelMask(t, dim, new Set([...prob.keys()].filter((c) => prob[c]! > threshold)), defaultMask);
  }
}

export class LnStructured extends BasePruningMethod {
  readonly pruningType = "structured";
  /** The norm's order: a number (Infinity, -Infinity included) or "fro" (2). */
  readonly n: number;
  constructor(readonly amount: number, n: number | "fro", dim = -1) {
    super();
    checkAmount(amount);
    this.n = n === "fro" ? 2 : n;
    this.dim = dim;
  }

  computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    const dim = checkStructured(t, this.dim!);
    const size = t.shape[dim]!;
    const k = toPrune(this.amount, size);
    if (k === 0) return defaultMask;
    const dims = t.shape.map((_, i) => i).filter((i) => i !== dim);
    const norms = flat(t.norm(this.n, dims));
    return channelMask(t, dim, new Set(topk(norms, size - k, true)), defaultMask);
  }
}

export class CustomFromMask extends BasePruningMethod {
  readonly pruningType = "global";
  constructor(readonly mask: Tensor) {
    super();
  }

  computeMask(_t: Tensor, defaultMask: Tensor): Tensor {
    if (fmtShape(defaultMask.shape) !== fmtShape(this.mask.shape)) throw new ArgumentError(`CustomFromMask: the mask has shape ${fmtShape(this.mask.shape)}, the parameter ${fmtShape(defaultMask.shape)}`);
    return defaultMask.mul(this.mask.to(defaultMask.dtype));
  }
}

/** Successive methods on one parameter; the last one prunes what the mask still keeps. */
export class PruningContainer extends BasePruningMethod {
  readonly pruningType = "unstructured";
  readonly methods: BasePruningMethod[] = [];

  constructor(...methods: BasePruningMethod[]) {
    super();
    if (methods.length === 1) this.tensorName = methods[0]!.tensorName;
    for (const m of methods) this.addPruningMethod(m);
  }

  addPruningMethod(method: BasePruningMethod): void {
    if (!(method instanceof BasePruningMethod)) throw new ArgumentError(`${String(method)} is not a BasePruningMethod subclass`);
    if (this.tensorName !== method.tensorName) {
      throw new ArgumentError(`Can only add pruning methods acting on the parameter named '${String(this.tensorName)}' to PruningContainer. Found '${String(method.tensorName)}'`);
    }
    this.methods.push(method);
  }

  computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    const method = this.methods[this.methods.length - 1]!;
    const mask = flat(defaultMask);
    if (method.pruningType === "global") return method.computeMask(t, defaultMask.to(t.dtype));
    // The entries (unstructured) or whole channels (structured) the mask still keeps.
    let keep: number[];
    let sub: Tensor;
    let subMask: Tensor;
    if (method.pruningType === "unstructured") {
      keep = [...mask.keys()].filter((i) => mask[i] === 1);
      const tv = flat(t);
      sub = tensor(Float64Array.from(keep, (i) => tv[i]!), { dtype: "float64" }).to(t.dtype);
      subMask = tensor(Float64Array.from(keep, () => 1), { dtype: "float64" }).to(t.dtype);
      const partial = flat(method.computeMask(sub, subMask));
      keep.forEach((i, j) => (mask[i] = partial[j]!));
      return like(t, mask);
    }
    let dim = method.dim!;
    if (dim < 0) dim += t.ndim;
    if (dim < 0) throw new IndexError(`Index is out of bounds for tensor with dimensions ${t.ndim}`);
    const ch = channelOf(t.shape, dim);
    const alive = new Set<number>();
    mask.forEach((v, i) => v !== 0 && alive.add(ch(i)));
    keep = [...alive].sort((a, b) => a - b);
    const idx = tensor(keep, { dtype: "int64" });
    sub = t.indexSelect(dim, idx);
    subMask = like(defaultMask, mask).indexSelect(dim, idx);
    const partial = flat(method.computeMask(sub, subMask.to(t.dtype)));
    const subShape = [...t.shape];
    subShape[dim] = keep.length;
    const subCh = channelOf(subShape, dim);
    const inner = t.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    partial.forEach((v, j) => {
      const c = subCh(j);
      const outer = Math.floor(j / (inner * keep.length));
      mask[(outer * t.shape[dim]! + keep[c]!) * inner + (j % inner)] = v;
    });
    return like(t, mask);
  }
}

