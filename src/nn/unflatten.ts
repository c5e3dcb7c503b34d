import { ArgumentError, ShapeError } from "../errors.ts";
import { unflatten } from "../ops/shape_extra.ts";
import { checkArity, keywordArgs } from "../options.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { pyIntTuple } from "./conv.ts";
import { Module } from "./module.ts";

export interface UnflattenOptions {
  dim?: number;
  unflattenedSize?: readonly number[];
}

/** nn.Unflatten(dim, unflattened_size): splits `dim` into `unflattenedSize` (one entry may be -1), the inverse of Flatten. */
export class Unflatten extends Module {
  /** @internal */ static override readonly builtinName: string = "Unflatten";
  readonly dim: number;
  readonly unflattenedSize: number[];

  constructor(dim: number | UnflattenOptions, unflattenedSize?: readonly number[] | UnflattenOptions) {
    super();
    const where = "nn.Unflatten()";
    checkArity(where, arguments, 2);
    const a = keywordArgs(where, [dim, unflattenedSize], ["dim", "unflattenedSize"], { dim: "int", unflattenedSize: "any" }, 1);
    for (const k of ["dim", "unflattenedSize"]) if (a[k] === undefined) throw new ArgumentError(`${where}: missing required argument '${k}'`);
    const sizes = a.unflattenedSize;
    if (!Array.isArray(sizes)) throw new ArgumentError(`unflattened_size must be a tuple of ints, but found type ${typeof sizes === "number" ? "int" : typeof sizes}`);
    sizes.forEach((s, i) => {
      if (!Number.isInteger(s)) throw new ArgumentError(`unflattened_size must be tuple of ints, but found element of type ${typeof s === "number" ? "float" : typeof s} at pos ${i}`);
    });
    this.dim = a.dim as number;
    this.unflattenedSize = [...(sizes as number[])];
  }

  override forward(x: Tensor): Tensor {
    if (this.unflattenedSize.filter((s) => s === -1).length > 1) throw new ShapeError("unflatten got an unexpected error:\nonly one dimension can be inferred");
    return unflatten(x, this.dim, this.unflattenedSize);
  }

  override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=${pyIntTuple(this.unflattenedSize)}`;
  }
}
