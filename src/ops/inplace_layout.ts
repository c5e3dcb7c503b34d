import { isGradEnabled } from "../autograd/grad_mode.ts";
import { Node } from "../autograd/node.ts";
import { ArgumentError, AutogradError, ShapeError } from "../errors.ts";
import { allocStorage } from "../tensor/dtype.ts";
import { contiguousStrides, fmtShape, numelOf } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { bumpVersion, versionCounter, versionOf } from "../tensor/version.ts";
import { checkArg } from "../options.ts";
import { defineMethods, sizesMethod } from "./define_methods.ts";
import { NO_GRAD_VIEW, refuseLeafInPlace } from "./inplace.ts";
import { squeeze, t, transpose, unsqueeze, view } from "./views.ts";

/**
 * The in-place view ops (squeeze_, unsqueeze_, transpose_, t_, swapaxes_, swapdims_): self keeps its
 * identity and memory but takes the view's shape and strides, and its history becomes the view's node
 * under PyTorch's in-place name (UnsqueezeBackward1, ...). Refused on leaves that require grad, as
 * every in-place op is, and a write to self's version as in PyTorch. resize_/resizeAs_ relayout too, but
 * outside autograd, as PyTorch's (refused on anything that requires grad, never recorded, no version bump).
 */

declare module "../tensor/tensor.ts" {
  interface Tensor {
    squeeze_(dim?: number | readonly number[]): Tensor;
    unsqueeze_(dim: number): Tensor;
    transpose_(dim0: number, dim1: number): Tensor;
    t_(): Tensor;
    swapaxes_(axis0: number, axis1: number): Tensor;
    swapdims_(dim0: number, dim1: number): Tensor;
    /**
     * New sizes over the same memory, from the same storage offset, contiguous (unchanged sizes keep their
     * strides); memory too short grows, the old values first. Refused when self requires grad, as PyTorch.
     * Unlike PyTorch, growing gives self new memory: views made before it keep the old.
     */
    resize_(...sizes: (number | readonly number[])[]): Tensor;
    /** resize_ to other's sizes. */
    resizeAs_(other: Tensor): Tensor;
  }
}

function relayout(self: Tensor, make: (x: Tensor) => Tensor, name: string): Tensor {
  if (isGradEnabled()) {
    const meta = Tensor.viewMeta(self);
    if (meta?.noGrad && meta.baseRequiresGrad) throw new AutogradError(NO_GRAD_VIEW);
    refuseLeafInPlace(self);
  }
  // The view is made from a stand-in with self's layout and history: view backwards read their
  // input's shape when they run, and self's shape is about to change.
  const before = Tensor.fromStorage(self.storage, self.dtype, self.shape, self.strides, self.offset);
  if (self.requiresGrad) {
    before.requiresGrad = true;
    before.gradFn = self.gradFn;
  }
  let v = make(before);
  // t_() of a vector, transpose_(d, d): the layout stays, but PyTorch still records the node.
  if (v === before) v = view(before, [...before.shape]);
  const node = v.gradFn;
  Tensor.setData(self, v);
  // The view's node, renamed: the same backward (reshape or transpose of the gradient) from self's old history.
  if (node !== null) self.gradFn = new Node(name, node.next, node.backwardFn, node.savesTensors, node.saved);
  bumpVersion(self.storage);
  return self;
}

/** PyTorch's resize_: a relayout, not a write (the version stays), and outside autograd (never recorded). */
function resize(self: Tensor, sizes: number[]): Tensor {
  checkArg("Tensor.resize_()", sizes, "int[]", 1, "size");
  const bad = sizes.find((d) => d < 0);
  if (bad !== undefined) throw new ArgumentError(`Trying to create tensor with negative dimension ${bad}: ${fmtShape(sizes)}`);
  if (self.requiresGrad) throw new AutogradError("cannot resize variables that require grad");
  if (fmtShape(sizes) === fmtShape(self.shape)) return self;
  let storage = self.storage;
  const needed = self.offset + numelOf(sizes);
  if (needed > storage.length) {
    storage = allocStorage(self.dtype, needed, sizes);
    // One dtype, so one typed-array class: the old values copy over as they are.
    (storage as Float64Array).set(self.storage as Float64Array);
    versionCounter(storage).value = versionOf(self.storage);
  }
  Tensor.setData(self, Tensor.fromStorage(storage, self.dtype, sizes, contiguousStrides(sizes), self.offset));
  return self;
}

defineMethods({
  resize_: sizesMethod(resize),
  resizeAs_(this: Tensor, other: Tensor) {
    Tensor.check(other, "the_template");
    return resize(this, [...other.shape]);
  },
  squeeze_(this: Tensor, dim?: number | readonly number[]) {
    return relayout(this, (x) => squeeze(x, dim), dim === undefined ? "SqueezeBackward2" : "SqueezeBackward3");
  },
  unsqueeze_(this: Tensor, dim: number) {
    checkArg("Tensor.unsqueeze_()", dim, "int", 1, "dim");
    return relayout(this, (x) => unsqueeze(x, dim), "UnsqueezeBackward1");
  },
  transpose_(this: Tensor, dim0: number, dim1: number) {
    checkArg("Tensor.transpose_()", dim0, "int", 1, "dim0");
    checkArg("Tensor.transpose_()", dim1, "int", 2, "dim1");
    return relayout(this, (x) => transpose(x, dim0, dim1), "TransposeBackward1");
  },
  t_(this: Tensor) {
    if (this.ndim > 2) throw new ShapeError(`t_() expects a tensor with <= 2 dimensions, but self is ${this.ndim}D`);
    return relayout(this, t, "TBackward1");
  },
  swapaxes_(this: Tensor, axis0: number, axis1: number) {
    checkArg("Tensor.swapaxes_()", axis0, "int", 1, "axis0");
    checkArg("Tensor.swapaxes_()", axis1, "int", 2, "axis1");
    return relayout(this, (x) => transpose(x, axis0, axis1), "TransposeBackward1");
  },
  swapdims_(this: Tensor, dim0: number, dim1: number) {
    checkArg("Tensor.swapdims_()", dim0, "int", 1, "dim0");
    checkArg("Tensor.swapdims_()", dim1, "int", 2, "dim1");
    return relayout(this, (x) => transpose(x, dim0, dim1), "TransposeBackward1");
  },
});
