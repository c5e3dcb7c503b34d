/**
 * Typed errors. Messages follow PyTorch's wording so a PyTorch user recognises them;
 * the class says which family of mistake it is, so callers can catch precisely.
 *
 * Each class sets its name explicitly (through `family`): `new.target.name` would be mangled by a
 * minifier, and callers (the CLI, the browser build) tell error families apart by name.
 */
export class KindlingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KindlingError";
  }
}

/**
 * The base of one error family: a KindlingError whose `name` is the family's. Calls to it are marked
 * pure, so a bundle drops the families its page never uses.
 */
function family(name: string) {
  return class extends KindlingError {
    constructor(message: string) {
      super(message);
      this.name = name;
    }
  };
}

/** Shapes that do not fit together: matmul, broadcasting, view, cat, ... */
export class ShapeError extends /* @__PURE__ */ family("ShapeError") {}

/** A dtype that the operation does not accept. */
export class DTypeError extends /* @__PURE__ */ family("DTypeError") {}

/** A bad argument value: dim out of range, negative size, unknown option. */
export class ArgumentError extends /* @__PURE__ */ family("ArgumentError") {}

/** Autograd misuse: backward twice through a freed graph, non-scalar backward without a gradient. */
export class AutogradError extends /* @__PURE__ */ family("AutogradError") {}

/** A file whose bytes are not what its format promises (checkpoint, image, IDX, cache). */
export class FormatError extends /* @__PURE__ */ family("FormatError") {}

/** Index out of range: class index in a loss, gather index, item of a wrong position. */
export class IndexError extends /* @__PURE__ */ family("IndexError") {}

/**
 * A path that cannot be used as asked: missing, a directory or FIFO where a file is needed, too large,
 * not readable or writable, or a disk that is full. The message names the path and what to do.
 */
export class FileError extends /* @__PURE__ */ family("FileError") {
  constructor(
    message: string,
    /** The fs error code behind it ("ENOENT" for a missing file, ...), so callers can tell "not there yet" apart. */
    readonly code?: string,
  ) {
    super(message);
  }
}

/** A matrix the linear-algebra op cannot handle: singular for inv or solve (PyTorch's torch.linalg.LinAlgError). */
export class LinAlgError extends /* @__PURE__ */ family("LinAlgError") {}

/** A loss, parameter or gradient that became NaN or infinite where finite numbers are required. */
export class NonFiniteError extends /* @__PURE__ */ family("NonFiniteError") {}

/** A wait that ran past its limit (a DataLoader `timeout`, a worker that never answers). */
export class TimeoutError extends /* @__PURE__ */ family("TimeoutError") {}
