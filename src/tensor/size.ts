import { INSPECT } from "../platform/inspect.ts";

/**
 * `tensor.size()` as PyTorch's torch.Size: a plain array of ints (index it, spread it, map it) that
 * prints as PyTorch prints one, `torch.Size([2, 3])`, in template strings, String() and console.log.
 */
export class Size extends Array<number> {
  /** map, filter and slice give plain arrays (a list, as a comprehension over a torch.Size gives in Python). */
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  static fromShape(shape: readonly number[]): Size {
    const s = new Size();
    s.push(...shape);
    return s;
  }

  override toString(): string {
    return `torch.Size([${this.join(", ")}])`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}
