import { AutogradError } from "../errors.ts";
import { type DType, tensorTypeName } from "../tensor/dtype.ts";
import { fmtShape } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { type VersionCounter, versionCounter } from "../tensor/version.ts";

/**
 * What an op's backward closure reads, declared by the op when it records (record()'s `saves`):
 * `false`: nothing (add, views); `true`: its tensor inputs; a list: exactly those tensors, which may
 * include the output (sigmoid, exp, softmax save their result).
 */
export type Saves = boolean | readonly (Tensor | null | undefined)[];

/** One saved tensor: the version of its memory at save time (PyTorch's SavedVariable). */
interface Slot {
  readonly counter: VersionCounter;
  expected: number;
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** The saved input, whose current gradFn the error names; null for the node's own output. */
  readonly input: Tensor | null;
}


/** The version snapshot of the tensors a node saved; checked before its backward runs. */
export class SavedVersions {
  private constructor(private slots: readonly Slot[]) {}

  static take(saved: readonly (Tensor | null | undefined)[], out: Tensor, inputs: readonly (Tensor | null)[]): SavedVersions | null {
    const slots: Slot[] = [];
    for (const t of saved) {
      if (!t) continue;
      const counter = versionCounter(t.storage);
      // The output is saved either as itself or as a detached alias of its memory.
      const isOutput = t === out || (t.storage === out.storage && !inputs.includes(t));
      slots.push({ counter, expected: counter.value, dtype: t.dtype, shape: t.shape, input: isOutput ? null : t });
    }
    return slots.length > 0 ? new SavedVersions(slots) : null;
  }

  /** Throws PyTorch's error when a saved tensor was modified in place since it was saved. */
  check(nodeName: string): void {
    for (const s of this.slots) {
      if (s.counter.value === s.expected) continue;
      const which = s.input === null ? `, which is output 0 of ${nodeName},` : s.input.gradFn ? `, which is output 0 of ${s.input.gradFn.name},` : "";
      throw new AutogradError(
        `one of the variables needed for gradient computation has been modified by an inplace operation: ` +
          `[${tensorTypeName(s.dtype)} ${fmtShape(s.shape)}]${which} is at version ${s.counter.value}; expected version ${s.expected} instead. ` +
          "Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.setDetectAnomaly(true).",
      );
    }
  }

  /** Whether a saved tensor has a history a second derivative would follow: the output, or an input that requires grad. */
  holdsDifferentiable(): boolean {
    return this.slots.some((s) => s.input === null || s.input.requiresGrad);
  }

  /**
   * Drops the slots of memory with this counter: an in-place op's backward that holds its own input
   * (self) without reading it, as `mul_(2)` holds self only for its shape.
   */
  forget(counter: VersionCounter): void {
    this.slots = this.slots.filter((s) => s.counter !== counter);
  }

  /**
   * Saves t as the node's output at its current version, as PyTorch's `relu_`/`sigmoid_` save their
   * result: an in-place change of it before backward is then an error.
   */
  static withOutput(saved: SavedVersions | null, t: Tensor): SavedVersions {
    const counter = versionCounter(t.storage);
    const slot: Slot = { counter, expected: counter.value, dtype: t.dtype, shape: t.shape, input: null };
    return new SavedVersions([...(saved?.slots ?? []), slot]);
  }
}
