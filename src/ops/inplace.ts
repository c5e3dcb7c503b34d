import { isGradEnabled } from "../autograd/grad_mode.ts";
import { Node, nodesMade } from "../autograd/node.ts";
import { backend } from "../backend/registry.ts";
import { ArgumentError, AutogradError, DTypeError, ShapeError } from "../errors.ts";
import { isFloating } from "../tensor/dtype.ts";
import { fmtShape, sameShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { bumpVersion, versionCounter } from "../tensor/version.ts";
import { SavedVersions } from "../autograd/saved.ts";
import { scalarTypeName } from "./promotion.ts";
import { record } from "../autograd/record.ts";
import { denseData, fresh, sv } from "./util.ts";
import { clone, expand, to } from "./views.ts";
import { regionGrad, viewGrad, withoutRegion } from "./inplace_views.ts";

/**
 * In-place ops with autograd, as PyTorch records them. The op runs out of place on `self` (with
 * self's history), its result is written into self's memory, and self's history becomes the op's
 * node (PyTorch "rebases" it). On a view, the base's history is rebased instead, through a
 * CopySlices node, and every view of the base then remakes its gradFn from the base's.
 * Writes bump the memory's version counter; a backward that saved the old values refuses to run.
 */

/**
 * How the op's backward uses self's value from before the write:
 * - "alias": never holds it (add_, neg_): the op runs on self's memory as is.
 * - "copy": reads it (mul_ by a tensor, pow_, clamp_, abs_): the op runs on a copy.
 * - "unread": may hold it but reads nothing the write changes (mul_ by a number, maskedFill_).
 * - "result": reads only the result, which PyTorch then saves (relu_, sigmoid_, exp_): changing it
 *   again in place before backward is an error, as in PyTorch.
 */
export type SelfUse = "alias" | "copy" | "unread" | "result";

export interface InPlaceSpec {
  self: SelfUse;
  /** Values of another dtype are cast without PyTorch's can-cast check (copy_, fill_). */
  anyCast?: boolean;
  /** Values may be smaller than self and broadcast to it (copy_, maskedFill_). */
  expands?: boolean;
  /** The node recorded when self is in the graph but the new values do not depend on it. */
  constant?: string;
  /** Every element gets the same value (fill_, zero_): self may overlap itself, as PyTorch allows. */
  uniform?: boolean;
}

export const NO_GRAD_VIEW =
  "A view was created in no_grad mode and is being modified inplace with grad mode enabled. Given that this use case is " +
  "ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view and the inplace either " +
  "both inside the no_grad block (if you don't want the inplace to be tracked) or both outside (if you want the inplace to be tracked).";

export const LEAF_IN_PLACE = "a leaf Variable that requires grad is being used in an in-place operation.";

/** PyTorch's refusal of an in-place write to a leaf that requires grad, or to a view of one (grad mode on). */
export function refuseLeafInPlace(t: Tensor): void {
  const base = Tensor.viewMeta(t)?.base ?? null;
  if (base !== null && base.requiresGrad && base.isLeaf) throw new AutogradError(`a view of ${LEAF_IN_PLACE}`);
  if (t.requiresGrad && t.isLeaf) throw new AutogradError(LEAF_IN_PLACE);
}

/** Runs `fn` out of place on self and writes its result into self, recording it as PyTorch does. */
export function applyInPlace(t: Tensor, fn: (self: Tensor) => Tensor, spec: InPlaceSpec): Tensor {
  if (!spec.uniform) checkNoOverlap(t);
  if (!isGradEnabled()) {
    write(t, conform(fn(t.detach()), t, spec));
    return t;
  }
  const meta = Tensor.viewMeta(t);
  if (meta?.noGrad) {
    const values = conform(fn(t.detach()), t, spec);
    if (meta.baseRequiresGrad || values.requiresGrad) throw new AutogradError(NO_GRAD_VIEW);
    write(t, values);
    return t;
  }
  refuseLeafInPlace(t);
  const base = meta?.base ?? null;

  const before = nodesMade();
  let src = source(t, spec.self === "copy" && t.requiresGrad);
  let values = conform(fn(src), t, spec);
  if (spec.self === "copy" && !t.requiresGrad && values.requiresGrad) {
    // Another operand needs grad and its gradient reads self: run again on a copy.
    src = source(t, true);
    values = conform(fn(src), t, spec);
  }
  if (src.requiresGrad && !values.requiresGrad) {
    // A new tensor object: values may be a tensor the caller holds (copy_ of a plain tensor).
    values = record(values.detach(), spec.constant ?? "InplaceBackward0", [src], (g) => [fresh(g.shape, g.dtype)], false);
  }
  if (!values.requiresGrad) {
    write(t, values);
    return t;
  }
  // A leaf the op passed through (an operand) must not become self's history itself.
  if (values.gradFn === null) values = clone(values);
  write(t, values);
  const node = values.gradFn!;
  if (spec.self === "unread" || spec.self === "result") forgetSelf(node, before, t);
  if (spec.self === "result") node.saved = SavedVersions.withOutput(node.saved, t);
  if (base === null) Tensor.setHistory(t, node);
  else rebaseView(t, base, node);
  return t;
}

/** Self as the op's input: its memory (or a copy of it) with self's history. */
function source(t: Tensor, copy: boolean): Tensor {
  const src = copy ? Tensor.fromStorage(denseData(t).slice(), t.dtype, t.shape) : Tensor.fromStorage(t.storage, t.dtype, t.shape, t.strides, t.offset);
  src.gradFn = t.gradFn;
  src.requiresGrad = t.requiresGrad;
  return src;
}

/** The op's result as self's new values: self's shape (PyTorch does not grow self) and dtype. */
function conform(values: Tensor, t: Tensor, spec: InPlaceSpec): Tensor {
  if (!sameShape(values.shape, t.shape)) {
    if (!spec.expands) throw new ShapeError(`output with shape ${fmtShape(t.shape)} doesn't match the broadcast shape ${fmtShape(values.shape)}`);
    values = expand(values, t.shape);
  }
  if (values.dtype === t.dtype) return values;
  if (!spec.anyCast && !canCast(values.dtype, t.dtype)) {
    throw new DTypeError(`result type ${scalarTypeName(values.dtype)} can't be cast to the desired output type ${scalarTypeName(t.dtype)}`);
  }
  return to(values, t.dtype);
}

/** c10's canCast: no float into an integer, nothing but bool into bool. */
function canCast(from: Tensor["dtype"], to: Tensor["dtype"]): boolean {
  if (isFloating(from) && !isFloating(to)) return false;
  return from === "bool" || to !== "bool";
}

/** PyTorch refuses to write through a view where several elements share one memory location. */
function checkNoOverlap(t: Tensor): void {
  // An empty tensor has no elements to share (its contiguous strides may hold zeros: [4, 0] has [0, 1]).
  if (t.numel() === 0) return;
  for (let d = 0; d < t.ndim; d++) {
    if (t.strides[d] === 0 && t.shape[d]! > 1) {
      throw new ArgumentError(
        "unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.",
      );
    }
  }
}

/** Copies values (self's shape and dtype) into self's memory and bumps its version. */
function write(t: Tensor, values: Tensor): void {
  if (t.isContiguous() && values.strides.every((s, d) => s === 0 || values.shape[d] === 1)) {
    // zero_/fill_ and scalar copies (one value broadcast): one fill, no full-size temporary.
    if (t.numel() > 0) t.storage.fill(values.storage[values.offset]!, t.offset, t.offset + t.numel());
  } else {
    // A source over self's own memory in another layout (a.copy_(a.t()), or through a.data) is copied out first.
    const src = values.storage.buffer === t.storage.buffer ? denseData(values).slice() : denseData(values);
    backend().scatterInto(src, sv(t), t.shape);
  }
  bumpVersion(t.storage);
}

/** Drops self's memory from what the op's new nodes saved (see SelfUse "unread"). */
function forgetSelf(node: Node, before: number, t: Tensor): void {
  const counter = versionCounter(t.storage);
  const stack: Node[] = [node];
  const seen = new Set<Node>();
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.seq < before || seen.has(n)) continue;
    seen.add(n);
    n.saved?.forget(counter);
    for (const e of n.next) if (e instanceof Node) stack.push(e);
  }
}

/**
 * PyTorch's CopySlices: the base's new history is its old one with the view's region replaced by the
 * op's result. Its gradient goes to the old history outside the region and to the op inside it.
 */
function rebaseView(view: Tensor, base: Tensor, node: Node): void {
  const b = geometry(base);
  const v = geometry(view);
  const length = base.storage.length;
  const old = base.gradFn;
  const copySlices = new Node(
    "CopySlices",
    [old, node],
    (g, needs) => [needs[0] ? withoutRegion(g, b, v, length) : null, needs[1] ? regionGrad(g, b, v, length) : null],
    false,
  );
  Tensor.setHistory(base, copySlices);
}

function geometry(t: Tensor) {
  return { shape: [...t.shape], strides: [...t.strides], offset: t.offset };
}

// A view's history after its base was rebased: as_strided of the base (AsStridedBackward0).
Tensor.viewHistory = (view: Tensor, base: Tensor): Node => {
  const b = geometry(base);
  const v = geometry(view);
  const length = base.storage.length;
  return new Node("AsStridedBackward0", [base.gradFn ?? base], (g) => [viewGrad(g, b, v, length)], false);
};
