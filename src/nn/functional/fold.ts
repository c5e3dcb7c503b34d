/** F.unfold / F.fold (im2col / col2im, ops/fold.ts) with PyTorch's parameters, positional or by keyword. */
import { ArgumentError } from "../../errors.ts";
import type { IntOrTuple } from "../../ops/conv.ts";
import { type FoldOptions, fold as foldOp, unfold as unfoldOp } from "../../ops/fold.ts";
import { keywordArgs } from "../../options.ts";
import type { Tensor } from "../../tensor/tensor.ts";

export interface UnfoldKeywords extends FoldOptions {
  kernelSize?: IntOrTuple;
}

export interface FoldKeywords extends UnfoldKeywords {
  outputSize?: IntOrTuple;
}

const SPEC = { outputSize: "ints", kernelSize: "ints", dilation: "ints", padding: "ints", stride: "ints" } as const;

function args(fn: string, values: readonly unknown[], names: readonly string[]): FoldKeywords {
  const a = keywordArgs(`F.${fn}()`, values, names, SPEC) as FoldKeywords;
  for (const n of names.slice(0, names.length - 3)) {
    if (a[n as keyof FoldKeywords] === undefined) throw new ArgumentError(`F.${fn}(): missing required argument '${n}'`);
  }
  return a;
}

type Arg = IntOrTuple | FoldKeywords;

/** F.unfold(input, kernel_size, dilation=1, padding=0, stride=1): sliding blocks as columns. */
export function unfold(x: Tensor, kernelSize: IntOrTuple | UnfoldKeywords, ...rest: Arg[]): Tensor {
  const { kernelSize: k, outputSize: _, ...o } = args("unfold", [kernelSize, ...rest], ["kernelSize", "dilation", "padding", "stride"]);
  return unfoldOp(x, k!, o);
}

/** F.fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1): columns summed back into place. */
export function fold(x: Tensor, outputSize: IntOrTuple | FoldKeywords, ...rest: Arg[]): Tensor {
  const { outputSize: size, kernelSize: k, ...o } = args("fold", [outputSize, ...rest], ["outputSize", "kernelSize", "dilation", "padding", "stride"]);
  return foldOp(x, size!, k!, o);
}
