/**
 * Typed errors. Messages follow PyTorch's wording so a PyTorch user recognises them;
 * the class says which family of mistake it is, so callers can catch precisely.
 */
export class KindlingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Shapes that do not fit together: matmul, broadcasting, view, cat, ... */
export class ShapeError extends KindlingError {}

/** A dtype that the operation does not accept. */
export class DTypeError extends KindlingError {}

/** A bad argument value: dim out of range, negative size, unknown option. */
export class ArgumentError extends KindlingError {}

/** Autograd misuse: backward twice through a freed graph, non-scalar backward without a gradient. */
export class AutogradError extends KindlingError {}

/** A file whose bytes are not what its format promises (checkpoint, image, IDX, cache). */
export class FormatError extends KindlingError {}

/** Index out of range: class index in a loss, gather index, item of a wrong position. */
export class IndexError extends KindlingError {}
