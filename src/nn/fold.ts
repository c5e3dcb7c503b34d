import { ArgumentError } from "../errors.ts";
import type { IntOrTuple } from "../ops/conv.ts";
import { fold, unfold } from "../ops/fold.ts";
import { checkArity, keywordArgs } from "../options.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { pyIntTuple } from "./conv.ts";
import type { FoldKeywords, UnfoldKeywords } from "./functional/fold.ts";
import { Module } from "./module.ts";

/** nn.Unfold / nn.Fold over ops/fold.ts; sizes kept as given, and printed so. */

const keep = (v: IntOrTuple): IntOrTuple => (typeof v === "number" ? v : [...v]);
const SPEC = { outputSize: "ints", kernelSize: "ints", dilation: "ints", padding: "ints", stride: "ints" } as const;

abstract class FoldBase extends Module {
  readonly kernelSize: IntOrTuple;
  readonly dilation: IntOrTuple;
  readonly padding: IntOrTuple;
  readonly stride: IntOrTuple;

  protected constructor(where: string, args: IArguments, names: readonly string[]) {
    super();
    checkArity(where, args, names.length);
    const a = keywordArgs(where, Array.from(args), names, SPEC, 1) as FoldKeywords;
    for (const n of names.slice(0, names.length - 3)) {
      if (a[n as keyof FoldKeywords] === undefined) throw new ArgumentError(`${where}: missing required argument '${n}'`);
    }
    this.kernelSize = keep(a.kernelSize!);
    this.dilation = keep(a.dilation ?? 1);
    this.padding = keep(a.padding ?? 0);
    this.stride = keep(a.stride ?? 1);
    this.init(a);
  }

  protected init(_a: FoldKeywords): void {}

  protected settings(): string {
    const t = pyIntTuple;
    return `kernel_size=${t(this.kernelSize)}, dilation=${t(this.dilation)}, padding=${t(this.padding)}, stride=${t(this.stride)}`;
  }
}

/** nn.Unfold(kernel_size, dilation=1, padding=0, stride=1): [N, C, H, W] -> [N, C * kH * kW, L]. */
export class Unfold extends FoldBase {
  /** @internal */ static override readonly builtinName: string = "Unfold";
  constructor(kernelSize: IntOrTuple | UnfoldKeywords, ...rest: (IntOrTuple | UnfoldKeywords)[]) {
    super("nn.Unfold()", arguments, ["kernelSize", "dilation", "padding", "stride"]);
  }

  override forward(x: Tensor): Tensor {
    return unfold(x, this.kernelSize, { dilation: this.dilation, padding: this.padding, stride: this.stride });
  }

  override extraRepr(): string {
    return this.settings();
  }
}

/** nn.Fold(output_size, kernel_size, dilation=1, padding=0, stride=1): [N, C * kH * kW, L] -> [N, C, H, W]. */
export class Fold extends FoldBase {
  /** @internal */ static override readonly builtinName: string = "Fold";
  // Set by init() during super(): `declare` keeps a class field from resetting it afterwards.
  declare readonly outputSize: IntOrTuple;
  constructor(outputSize: IntOrTuple | FoldKeywords, ...rest: (IntOrTuple | FoldKeywords)[]) {
    super("nn.Fold()", arguments, ["outputSize", "kernelSize", "dilation", "padding", "stride"]);
  }

  protected override init(a: FoldKeywords): void {
    (this as { outputSize: IntOrTuple }).outputSize = keep(a.outputSize!);
  }

  override forward(x: Tensor): Tensor {
    return fold(x, this.outputSize, this.kernelSize, { dilation: this.dilation, padding: this.padding, stride: this.stride });
  }

  override extraRepr(): string {
    return `output_size=${pyIntTuple(this.outputSize)}, ${this.settings()}`;
  }
}
