/**
 * F.maxPool1dWithIndices and F.maxPool2dWithIndices: PyTorch's max pools that always return
 * [values, indices] (the indices into each flattened input plane, as MaxUnpool takes them).
 */
import type { IntOrTuple } from "../../ops/conv.ts";
import { type MaxPool2dOptions, maxPool2d } from "../../ops/pool.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { type MaxPool1dKeywords, maxPool1d } from "./pooling_more.ts";
import { checkOptions } from "../../options.ts";

type Max1dArg = IntOrTuple | null | boolean | MaxPool1dKeywords;

/** F.max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False). */
export function maxPool1dWithIndices(x: Tensor, kernelSize: IntOrTuple | MaxPool1dKeywords, ...rest: Max1dArg[]): [Tensor, Tensor] {
  const at = rest.findIndex((a) => typeof a === "object" && a !== null && !Array.isArray(a));
  const args = [...rest];
  if (at >= 0) args[at] = { ...(args[at] as MaxPool1dKeywords), returnIndices: true };
  else if (typeof kernelSize === "object" && !Array.isArray(kernelSize)) return maxPool1d(x, { ...(kernelSize as MaxPool1dKeywords), returnIndices: true }, ...args) as [Tensor, Tensor];
  else args.push({ returnIndices: true });
  return maxPool1d(x, kernelSize, ...args) as [Tensor, Tensor];
}

/** F.max_pool2d_with_indices(input, kernel_size, { stride, padding, dilation, ceilMode }). */
export function maxPool2dWithIndices(x: Tensor, kernelSize: IntOrTuple, opts: MaxPool2dOptions = {}): [Tensor, Tensor] {
  checkOptions("F.maxPool2dWithIndices()", opts, { stride: "ints?", padding: "ints", dilation: "ints", ceilMode: "boolean" }, { index: 3, positional: "stride" });
  return maxPool2d(x, kernelSize, { ...opts, returnIndices: true });
}
