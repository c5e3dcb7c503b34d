import { ArgumentError, ShapeError } from "../errors.ts";
import { fmtShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { type ConvTransposeOptions, convTranspose2d } from "./conv_transpose.ts";
import type { IntOrTuple } from "./conv.ts";
import { checkOptions } from "../options.ts";

const OPTIONS = { stride: "ints", padding: "ints", outputPadding: "ints", groups: "int", dilation: "ints" } as const;

/** A 1-d geometry argument as the [1, v] a 2-d kernel over a height-1 plane takes. */
function as2d(v: IntOrTuple | undefined, dflt: number, name: string): number[] {
  const a = v === undefined ? [dflt] : typeof v === "number" ? [v] : [...v];
  if (a.length !== 1) throw new ArgumentError(`conv_transpose1d: expected ${name} to be a single integer value or a list of 1 values, but got [${a.join(", ")}]`);
  return [name === "dilation" || name === "stride" ? 1 : 0, a[0]!];
}

/**
 * `F.conv_transpose1d(input, weight, bias, stride, padding, output_padding, groups, dilation)`: input
 * [N, Cin, L] (or unbatched [Cin, L]), weight [Cin, Cout/groups, k], output
 * [N, Cout, (L-1)*stride - 2*padding + dilation*(k-1) + outputPadding + 1]. Run as the 2-d transposed
 * convolution of a height-1 plane, whose gradients are those of the 1-d one.
 */
export function convTranspose1d(input: Tensor, weight: Tensor, bias: Tensor | null | ConvTransposeOptions = null, opts: ConvTransposeOptions = {}): Tensor {
  // F.convTranspose1d(x, w, { stride }): keywords in bias's place, as PyTorch's bias=None default allows.
  if (bias !== null && !(bias instanceof Tensor)) {
    checkOptions("F.convTranspose1d()", bias, OPTIONS, { index: 3 });
    return convTranspose1d(input, weight, null, bias);
  }
  checkOptions("F.convTranspose1d()", opts, OPTIONS, { index: 4 });
  Tensor.check(input, "input");
  Tensor.check(weight, "weight");
  if (input.ndim !== 2 && input.ndim !== 3) {
    throw new ShapeError(`Expected 2D (unbatched) or 3D (batched) input to conv_transpose1d, but got input of size: ${fmtShape(input.shape)}`);
  }
  if (weight.ndim !== 3) {
    throw new ShapeError(`Expected ${weight.ndim}-dimensional input for ${weight.ndim}-dimensional weight ${fmtShape(weight.shape)}, but got 3-dimensional input of size ${fmtShape(input.ndim === 2 ? [1, ...input.shape] : input.shape)} instead`);
  }
  const x = input.ndim === 2 ? input.unsqueeze(0) : input;
  const groups = opts.groups ?? 1;
  // The checks whose messages print shapes, made here so they print the 1-d ones.
  if (Number.isInteger(groups) && groups > 0 && weight.shape[0]! % groups !== 0) {
    throw new ShapeError(`Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size [${fmtShape(weight.shape)}] instead`);
  }
  if (x.shape[1] !== weight.shape[0]) {
    throw new ShapeError(`Given transposed=1, weight of size ${fmtShape(weight.shape)}, expected input${fmtShape(x.shape)} to have ${weight.shape[0]} channels, but got ${x.shape[1]} channels instead`);
  }
  const outChannels = weight.shape[1]! * groups;
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== outChannels)) {
    throw new ShapeError(`Given transposed=1, weight of size ${fmtShape(weight.shape)}, expected bias to be 1-dimensional with ${outChannels} elements, but got bias of size ${fmtShape(bias.shape)} instead`);
  }
  const y = convTranspose2d(x.unsqueeze(2), weight.unsqueeze(2), bias, {
    stride: as2d(opts.stride, 1, "stride"),
    padding: as2d(opts.padding, 0, "padding"),
    outputPadding: as2d(opts.outputPadding, 0, "output_padding"),
    dilation: as2d(opts.dilation, 1, "dilation"),
    groups: opts.groups,
  }).squeeze(2);
  return input.ndim === 2 ? y.squeeze(0) : y;
}
