import { ArgumentError, DTypeError } from "../errors.ts";
import { isFloating, scalarTypeName } from "../tensor/dtype.ts";
import { type PadMode, pad } from "../ops/pad.ts";
import { checkArity, keywordArgs } from "../options.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { pyIntTuple } from "./conv.ts";
import { Module } from "./module.ts";
import { pyFloat } from "./repr.ts";

/**
 * Padding layers over F.pad: ConstantPad1d/2d/3d, ZeroPad2d, ReflectionPad1d/2d/3d and
 * ReplicationPad1d/2d/3d. An int pads every side; a tuple lists (left, right, top, bottom, front, back)
 * as F.pad does and is kept as given (PyTorch does not check its length at construction).
 */

/** The padding tuple of an `n`-d layer: an int repeated 2n times, or the array given. */
function padTuple(where: string, v: unknown, n: number): number[] {
  if (Number.isInteger(v)) return new Array<number>(2 * n).fill(v as number);
  if (Array.isArray(v) && v.every((x) => Number.isInteger(x))) return [...(v as number[])];
  throw new ArgumentError(`${where}: argument 1 (padding) must be an int or a tuple of ints, got ${Array.isArray(v) ? "an array" : typeof v}`);
}

abstract class PadNd extends Module {
  readonly padding: number[];
  protected constructor(padding: number[], readonly mode: PadMode, readonly value: number) {
    super();
    this.padding = padding;
  }

  override forward(x: Tensor): Tensor {
    if (this.mode !== "constant" && !isFloating(x.dtype)) {
      const n = this.padding.length / 2;
      // PyTorch's kernel names: reflection_pad1d and 2d, then reflection_pad3d_cpu and replication_pad{1,2,3}d_cpu.
      const kernel = `${this.mode === "reflect" ? "reflection" : "replication"}_pad${n}d${this.mode === "reflect" && n < 3 ? "" : "_cpu"}`;
      throw new DTypeError(`"${kernel}" not implemented for '${scalarTypeName(x.dtype)}'`);
    }
    return this.mode === "constant" ? pad(x, this.padding, { value: this.value }) : pad(x, this.padding, { mode: this.mode });
  }

  override extraRepr(): string {
    return pyIntTuple(this.padding);
  }
}

/** nn.ConstantPad{1,2,3}d(padding, value). */
abstract class ConstantPadNd extends PadNd {
  protected constructor(where: string, args: IArguments, n: number) {
    checkArity(where, args, 2);
    const a = keywordArgs(where, Array.from(args), ["padding", "value"], { padding: "any", value: "number" }, 1);
    for (const k of ["padding", "value"]) if (a[k] === undefined) throw new ArgumentError(`${where}: missing required argument '${k}'`);
    super(padTuple(where, a.padding, n), "constant", a.value as number);
  }

  override extraRepr(): string {
    const v = this.value;
    return `padding=${pyIntTuple(this.padding)}, value=${Number.isInteger(v) ? String(v) : pyFloat(v)}`;
  }
}

type Padding = number | readonly number[];
interface ConstantPadOptions {
  padding?: Padding;
  value?: number;
}

export class ConstantPad1d extends ConstantPadNd {
  /** @internal */ static override readonly builtinName: string = "ConstantPad1d";
  constructor(padding: Padding | ConstantPadOptions, value?: number | ConstantPadOptions) {
    super("nn.ConstantPad1d()", arguments, 1);
  }
}

export class ConstantPad2d extends ConstantPadNd {
  /** @internal */ static override readonly builtinName: string = "ConstantPad2d";
  constructor(padding: Padding | ConstantPadOptions, value?: number | ConstantPadOptions) {
    super("nn.ConstantPad2d()", arguments, 2);
  }
}

export class ConstantPad3d extends ConstantPadNd {
  /** @internal */ static override readonly builtinName: string = "ConstantPad3d";
  constructor(padding: Padding | ConstantPadOptions, value?: number | ConstantPadOptions) {
    super("nn.ConstantPad3d()", arguments, 3);
  }
}

/** A layer whose one argument is `padding`. */
function paddingArg(where: string, args: IArguments, n: number): number[] {
  checkArity(where, args, 1);
  const a = keywordArgs(where, [args[0]], ["padding"], { padding: "any" }, 1);
  if (a.padding === undefined) throw new ArgumentError(`${where}: missing required argument 'padding'`);
  return padTuple(where, a.padding, n);
}

/** nn.ZeroPad2d(padding): ConstantPad2d with value 0, printed as its padding alone. */
export class ZeroPad2d extends PadNd {
  /** @internal */ static override readonly builtinName: string = "ZeroPad2d";
  constructor(padding: Padding | { padding?: Padding }) {
    super(paddingArg("nn.ZeroPad2d()", arguments, 2), "constant", 0);
  }
}

export class ReflectionPad1d extends PadNd {
  /** @internal */ static override readonly builtinName: string = "ReflectionPad1d";
  constructor(padding: Padding | { padding?: Padding }) {
    super(paddingArg("nn.ReflectionPad1d()", arguments, 1), "reflect", 0);
  }
}

export class ReflectionPad2d extends PadNd {
  /** @internal */ static override readonly builtinName: string = "ReflectionPad2d";
  constructor(padding: Padding | { padding?: Padding }) {
    super(paddingArg("nn.ReflectionPad2d()", arguments, 2), "reflect", 0);
  }
}

export class ReflectionPad3d extends PadNd {
  /** @internal */ static override readonly builtinName: string = "ReflectionPad3d";
  constructor(padding: Padding | { padding?: Padding }) {
    super(paddingArg("nn.ReflectionPad3d()", arguments, 3), "reflect", 0);
  }
}

export class ReplicationPad1d extends PadNd {
  /** @internal */ static override readonly builtinName: string = "ReplicationPad1d";
  constructor(padding: Padding | { padding?: Padding }) {
    super(paddingArg("nn.ReplicationPad1d()", arguments, 1), "replicate", 0);
  }
}

export class ReplicationPad2d extends PadNd {
  /** @internal */ static override readonly builtinName: string = "ReplicationPad2d";
  constructor(padding: Padding | { padding?: Padding }) {
    super(paddingArg("nn.ReplicationPad2d()", arguments, 2), "replicate", 0);
  }
}

export class ReplicationPad3d extends PadNd {
  /** @internal */ static override readonly builtinName: string = "ReplicationPad3d";
  constructor(padding: Padding | { padding?: Padding }) {
    super(paddingArg("nn.ReplicationPad3d()", arguments, 3), "replicate", 0);
  }
}
