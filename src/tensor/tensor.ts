import type { Node } from "../autograd/node.ts";
import { Size } from "./size.ts";
import { backend } from "../backend/registry.ts";
import { ArgumentError, AutogradError, DTypeError, IndexError, ShapeError } from "../errors.ts";
import { type DType, type Storage, allocStorage, allocUninitialized, isFloating } from "./dtype.ts";
import { CPU, type Device, unavailable } from "./device.ts";
import { releaseStorage } from "./pool.ts";
import { contiguousStrides, fmtShape, numelOf, normDim, sameShape } from "./shape.ts";
import { versionOf } from "./version.ts";

/** How a view relates to the memory it shows (PyTorch's differentiable view metadata). */
interface ViewMeta {
  /** The root of the view chain; null for a view made under noGrad (only `noGrad` matters then). */
  readonly base: Tensor | null;
  /** Made while grad mode was off: PyTorch refuses to record an in-place op on such a view. */
  readonly noGrad: boolean;
  /** For a view made under noGrad: whether its base required grad then. */
  readonly baseRequiresGrad: boolean;
  /** The base's rebase count when this view's gradFn was made. */
  stamp: number;
}

/** Nested JS arrays, as `tolist()` returns them. */
export type NestedArray = number | boolean | NestedArray[];

/**
 * A strided view over a flat typed array, plus autograd bookkeeping. Views (reshape, transpose,
 * slicing...) share `storage` and differ only in shape/strides/offset. Ops live in `src/ops/` and are
 * attached as methods by `src/ops/methods.ts`.
 */
export class Tensor {
  #requiresGrad = false;
  #gradFn: Node | null = null;
  /** Set on the outputs of view ops (see record()); null for tensors that own their memory's layout. */
  #view: ViewMeta | null = null;
  /** How many times an in-place op replaced this tensor's history; its views remake their gradFn after one. */
  #rebases = 0;
  #grad: Tensor | null = null;
  /**
   * Whether #grad is a buffer the autograd engine made that no code outside kindling has been given
   * (neither read through `.grad` nor assigned by the caller), so zeroGrad may recycle it (pool.ts).
   */
  #gradPrivate = false;
  /**
   * The gradient is zeros that no one has looked at yet (zeroGrad without setToNone on a private
   * buffer): its memory went back to the pool, and zeros are made only if someone reads them. The
   * next backward then adopts its gradient as is, where zeros + g would cost a pass over memory.
   */
  #gradZeros: { shape: readonly number[]; dtype: DType } | null = null;

  /** The accumulated gradient (PyTorch's `.grad`), or null. */
  get grad(): Tensor | null {
    this.#materializeZeros();
    this.#gradPrivate = false;
    return this.#grad;
  }

  set grad(g: Tensor | null) {
    if (g !== null) checkAssignedGrad(this, g);
    this.#grad = g;
    this.#gradPrivate = false;
    this.#gradZeros = null;
  }

  #materializeZeros(): void {
    const z = this.#gradZeros;
    if (z === null) return;
    this.#gradZeros = null;
    this.#grad = Tensor.empty(z.shape, z.dtype);
    this.#gradPrivate = true;
  }

  /** Whether ops on this tensor are recorded for backward. A view follows its base after an in-place op on it. */
  get requiresGrad(): boolean {
    if (this.#view !== null) this.#followBase();
    return this.#requiresGrad;
  }

  set requiresGrad(flag: boolean) {
    this.#requiresGrad = flag;
  }

  /** The node that made this tensor (null for a leaf). */
  get gradFn(): Node | null {
    if (this.#view !== null) this.#followBase();
    return this.#gradFn;
  }

  set gradFn(node: Node | null) {
    this.#gradFn = node;
  }

  /**
   * PyTorch's `_version`: how many in-place writes this tensor's memory has seen. Shared by every view
   * of the same storage; a backward that saved the tensor refuses to run once it has moved on.
   */
  get version(): number {
    return versionOf(this.storage);
  }

  /** PyTorch's spelling of `version`. */
  get _version(): number {
    return versionOf(this.storage);
  }

  /**
   * An in-place op on the base (or on another view of it) replaced the base's history: this view's
   * values now come from that new history, so its gradFn is remade from it (PyTorch regenerates a
   * view's grad_fn the same way, as an as_strided of the base).
   */
  #followBase(): void {
    const m = this.#view!;
    const base = m.base;
    if (base === null || m.stamp === base.#rebases) return;
    m.stamp = base.#rebases;
    if (!base.#requiresGrad || Tensor.viewHistory === null) return;
    this.#gradFn = Tensor.viewHistory(this, base);
    this.#requiresGrad = true;
  }

  /**
   * @internal Makes the gradFn of a view from its base's current history (set by ops/inplace.ts, which
   * knows the as_strided gradient; the tensor layer knows no ops).
   */
  static viewHistory: ((view: Tensor, base: Tensor) => Node) | null = null;

  /** @internal record(): `out` shows x's memory, so it is a view of x's base (x itself if x is no view). */
  static markView(out: Tensor, x: Tensor, gradMode: boolean): void {
    const xm = x.#view;
    if (xm !== null && xm.noGrad) {
      out.#view = xm;
      return;
    }
    const root = xm?.base ?? x;
    // A view made under noGrad keeps no reference to its base: it may outlive the base's graph.
    out.#view = gradMode
      ? { base: root, noGrad: false, baseRequiresGrad: false, stamp: root.#rebases }
      : { base: null, noGrad: true, baseRequiresGrad: root.#requiresGrad, stamp: 0 };
  }

  /** @internal How t is a view: its root base (null for a view made under noGrad), or null if t is no view. */
  static viewMeta(t: Tensor): Readonly<ViewMeta> | null {
    return t.#view;
  }

  /**
   * @internal An in-place op replaced t's history with `node` (t is no view: an op on a view rebases
   * the view's base). A retained gradient moves to the new node, and t's views will follow.
   */
  static setHistory(t: Tensor, node: Node): void {
    const old = t.#gradFn;
    if (old !== null && old.retained === t) {
      old.retained = null;
      node.retained = t;
    }
    t.#gradFn = node;
    t.#requiresGrad = true;
    t.#rebases++;
  }

  /**
   * @internal PyTorch's `t.data = src` (`set_data`): t keeps its identity, flags and history but shows
   * src's memory, dtype and layout from now on. Module.to(dtype) casts parameters this way, so whoever
   * holds a parameter (an optimizer, a tied layer) sees the converted one.
   */
  static setData(t: Tensor, src: Tensor): void {
    const w = t as unknown as { storage: Storage; dtype: DType; shape: readonly number[]; strides: readonly number[]; offset: number };
    w.storage = src.storage;
    w.dtype = src.dtype;
    w.shape = src.shape;
    w.strides = src.strides;
    w.offset = src.offset;
  }

  /** @internal kindling's own reads of `.grad` (optimizers, clipping), which hand it to nobody. */
  static peekGrad(t: Tensor): Tensor | null {
    t.#materializeZeros();
    return t.#grad;
  }

  /** @internal The engine's read before it adds a gradient in: null when `.grad` is zeros not yet made. */
  static peekAccumulated(t: Tensor): Tensor | null {
    return t.#gradZeros !== null ? null : t.#grad;
  }

  /** @internal The engine sets a gradient it made and nobody else holds. */
  static setOwnGrad(t: Tensor, g: Tensor): void {
    t.#grad = g;
    t.#gradPrivate = true;
    t.#gradZeros = null;
  }

  /**
   * @internal zeroGrad({ setToNone: false }): when `.grad` is a private buffer (see releaseGrad), it goes
   * to the pool and reads of `.grad` make zeros on demand; false when the caller must zero it in place.
   */
  static zeroGradLazily(t: Tensor): boolean {
    const g = t.#grad;
    if (g === null || !t.#gradPrivate || g.gradFn !== null || g.offset !== 0 || g.storage.length !== g.numel()) return false;
    t.#gradZeros = { shape: g.shape, dtype: g.dtype };
    releaseStorage(g.storage);
    t.#grad = null;
    return true;
  }

  /**
   * @internal zeroGrad({ setToNone: true }): drops `.grad`, and gives its buffer to the pool when nothing
   * outside kindling can still hold it.
   */
  static releaseGrad(t: Tensor): void {
    const g = t.#grad;
    if (g !== null && t.#gradPrivate && g.gradFn === null && g.offset === 0 && g.storage.length === g.numel()) {
      releaseStorage(g.storage);
    }
    t.#grad = null;
    t.#gradPrivate = false;
    t.#gradZeros = null;
  }

  private constructor(
    /** The flat backing array, shared by views. */
    readonly storage: Storage,
    readonly dtype: DType,
    readonly shape: readonly number[],
    readonly strides: readonly number[],
    readonly offset: number,
  ) {}

  /** A tensor over existing storage. The caller guarantees the view stays inside it. */
  static fromStorage(storage: Storage, dtype: DType, shape: readonly number[], strides?: readonly number[], offset = 0): Tensor {
    return new Tensor(storage, dtype, shape, strides ?? contiguousStrides(shape), offset);
  }

  /** A fresh contiguous tensor whose values are unspecified: only for outputs written in full. */
  static uninitialized(shape: readonly number[], dtype: DType): Tensor {
    return new Tensor(allocUninitialized(dtype, numelOf(shape), shape), dtype, shape, contiguousStrides(shape), 0);
  }

  /** A fresh contiguous tensor of zeros. */
  static empty(shape: readonly number[], dtype: DType): Tensor {
    return new Tensor(allocStorage(dtype, numelOf(shape), shape), dtype, shape, contiguousStrides(shape), 0);
  }

  /** Where the data lives: always the cpu (see device.ts; the backend is a separate choice). */
  get device(): Device {
    return CPU;
  }

  get isCuda(): boolean {
    return false;
  }

  /** The tensor itself: it is on the cpu already (PyTorch returns self too). */
  cpu(): this {
    return this;
  }

  /** There is no CUDA device: an error naming the devices that exist. */
  cuda(): never {
    throw unavailable("cuda");
  }

  get ndim(): number {
    return this.shape.length;
  }

  dim(): number {
    return this.shape.length;
  }

  numel(): number {
    return numelOf(this.shape);
  }

  /** The shape as torch.Size: an array that prints as `torch.Size([2, 3])`. */
  size(): Size;
  size(dim: number): number;
  size(dim?: number): number[] | number {
    if (dim === undefined) return Size.fromShape(this.shape);
    return this.shape[normDim(dim, this.ndim)]!;
  }

  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number[] | number {
    if (dim === undefined) return [...this.strides];
    return this.strides[normDim(dim, this.ndim)]!;
  }

  storageOffset(): number {
    return this.offset;
  }

  /** As PyTorch: strides that walk the elements in row-major order, ignoring size-1 dims; any empty tensor is. */
  isContiguous(): boolean {
    let expected = 1;
    let rowMajor = true;
    for (let i = this.ndim - 1; i >= 0; i--) {
      const n = this.shape[i]!;
      if (n === 0) return true;
      if (n !== 1 && this.strides[i] !== expected) rowMajor = false;
      expected *= n;
    }
    return rowMajor;
  }

  /** A contiguous tensor that owns its whole storage, so `storage` can be read as the flat data. */
  isDense(): boolean {
    return this.offset === 0 && this.isContiguous() && this.storage.length === this.numel();
  }

  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  isFloatingPoint(): boolean {
    return isFloating(this.dtype);
  }

  /** Sets requiresGrad on a leaf, as PyTorch's `requires_grad_()`. Returns this. */
  requiresGrad_(flag = true): this {
    if (!this.isLeaf) {
      if (!flag) {
        throw new AutogradError(
          "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().",
        );
      }
      return this;
    }
    if (flag && !isFloating(this.dtype)) {
      throw new DTypeError(`only Tensors of floating point dtype can require gradients (got ${this.dtype})`);
    }
    this.requiresGrad = flag;
    return this;
  }

  /** Asks a non-leaf to keep its gradient in `.grad` after backward. */
  retainGrad(): void {
    if (!this.requiresGrad) throw new AutogradError("can't retain_grad on Tensor that has requires_grad=False");
    if (this.gradFn) this.gradFn.retained = this;
  }

  /** The same data, cut from the graph. Shares storage, as in PyTorch. */
  detach(): Tensor {
    return new Tensor(this.storage, this.dtype, this.shape, this.strides, this.offset);
  }

  /** Detaches in place: this becomes a leaf that does not require grad. */
  detach_(): this {
    if (this.#view !== null) {
      throw new AutogradError("Can't detach views in-place. Use detach() instead.");
    }
    this.#gradFn = null;
    this.#requiresGrad = false;
    return this;
  }

  /** The value of a one-element tensor as a JS number (bool tensors give 1 or 0). */
  item(): number {
    const n = this.numel();
    if (n !== 1) {
      throw new ShapeError(`a Tensor with ${n} elements cannot be converted to Scalar (shape ${fmtShape(this.shape)})`);
    }
    return this.storage[this.offset]!;
  }

  /** Nested JS arrays (numbers, or booleans for bool tensors), as PyTorch's `tolist()`. */
  tolist(): NestedArray {
    const flat = this.toTypedArray();
    const asValue = (v: number): number | boolean => (this.dtype === "bool" ? v !== 0 : v);
    if (this.ndim === 0) return asValue(flat[0]!);
    const build = (d: number, start: number): NestedArray[] => {
      const len = this.shape[d]!;
      const out: NestedArray[] = new Array(len);
      if (d === this.ndim - 1) {
        for (let i = 0; i < len; i++) out[i] = asValue(flat[start + i]!);
      } else {
        const step = numelOf(this.shape.slice(d + 1));
        for (let i = 0; i < len; i++) out[i] = build(d + 1, start + i * step);
      }
      return out;
    };
    return build(0, 0);
  }

  /** A contiguous copy of the elements, row-major, in the dtype's storage type. */
  toTypedArray(): Storage {
    const n = this.numel();
    if (this.isContiguous()) return this.storage.slice(this.offset, this.offset + n) as Storage;
    const out = allocStorage(this.dtype, n, this.shape);
    backend().copy({ data: this.storage, offset: this.offset, strides: this.strides }, this.shape, out);
    return out;
  }

  /** Element access by a full index, for tests and small reads. */
  get(...index: number[]): number {
    if (index.length !== this.ndim) {
      throw new IndexError(`expected ${this.ndim} indices for a tensor of shape ${fmtShape(this.shape)}, got ${index.length}`);
    }
    let pos = this.offset;
    for (let d = 0; d < index.length; d++) {
      const size = this.shape[d]!;
      let i = index[d]!;
      if (!Number.isInteger(i) || i < -size || i >= size) {
        throw new IndexError(`index ${i} is out of bounds for dimension ${d} with size ${size}`);
      }
      if (i < 0) i += size;
      pos += i * this.strides[d]!;
    }
    return this.storage[pos]!;
  }

  /** Checks an argument is a Tensor, naming it otherwise. */
  static check(t: unknown, arg: string): Tensor {
    if (!(t instanceof Tensor)) throw new ArgumentError(`${arg} must be a Tensor, got ${describe(t)}`);
    return t;
  }
}

/** PyTorch's checks on `t.grad = g`: a tensor (not t itself) of t's shape and dtype. */
function checkAssignedGrad(t: Tensor, g: unknown): void {
  if (!(g instanceof Tensor)) {
    throw new ArgumentError(`assigned grad expected to be a Tensor or None but got grad of type ${describe(g)}`);
  }
  if (g === t) throw new AutogradError("can't assign Variable as its own grad");
  if (g.dtype !== t.dtype) throw new DTypeError(`assigned grad has data of a different type (grad ${g.dtype}, tensor ${t.dtype})`);
  if (!sameShape(g.shape, t.shape)) {
    throw new ShapeError(`assigned grad has data of a different size (grad ${fmtShape(g.shape)}, tensor ${fmtShape(t.shape)})`);
  }
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? (v as object).constructor?.name ?? "object" : typeof v;
}
