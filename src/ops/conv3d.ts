import { ArgumentError, DTypeError, ShapeError } from "../errors.ts";
import { isFloating } from "../tensor/dtype.ts";
import { fmtShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { type ConvOptions, conv2d, tupleArg } from "./conv.ts";
import { pad } from "./pad.ts";
import { checkOptions } from "../options.ts";

/**
 * `F.conv3d(input, weight, bias, stride, padding, dilation, groups)`: input [N, Cin, D, H, W] (or unbatched
 * [Cin, D, H, W]), weight [Cout, Cin/groups, kD, kH, kW]. There is no 3-d kernel: the input is padded, and
 * for each depth tap kd the strided depth slices it meets are stacked into the batch and convolved in 2-d
 * with weight[:, :, kd]; the kD results add up. Gradients come from those ops.
 */
export function conv3d(input: Tensor, weight: Tensor, bias: Tensor | null | ConvOptions = null, opts: ConvOptions = {}): Tensor {
  if (bias !== null && !(bias instanceof Tensor)) return conv3d(input, weight, null, bias);
  checkOptions("F.conv3d()", opts, { stride: "ints", padding: "any", dilation: "ints", groups: "int" }, { index: 4 });
  Tensor.check(input, "input");
  Tensor.check(weight, "weight");
  if (input.ndim !== 4 && input.ndim !== 5) {
    throw new ShapeError(`Expected 4D (unbatched) or 5D (batched) input to conv3d, but got input of size: ${fmtShape(input.shape)}`);
  }
  const x = input.ndim === 4 ? input.unsqueeze(0) : input;
  if (weight.ndim !== 5) {
    throw new ShapeError(`Expected ${weight.ndim}-dimensional input for ${weight.ndim}-dimensional weight ${fmtShape(weight.shape)}, but got 5-dimensional input of size ${fmtShape(x.shape)} instead`);
  }
  if (!isFloating(input.dtype)) throw new DTypeError(`conv3d: expected a floating point input, got ${input.dtype}`);
  const groups = opts.groups ?? 1;
  if (!Number.isInteger(groups) || groups <= 0) throw new ArgumentError("non-positive groups is not supported");
  const [O, Cg, kD, kH, kW] = weight.shape as [number, number, number, number, number];
  if (O % groups !== 0) {
    throw new ShapeError(`Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size [${fmtShape(weight.shape)}] instead`);
  }
  if (x.shape[1] !== Cg * groups) {
    throw new ShapeError(`Given groups=${groups}, weight of size ${fmtShape(weight.shape)}, expected input${fmtShape(x.shape)} to have ${Cg * groups} channels, but got ${x.shape[1]} channels instead`);
  }
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== O)) {
    throw new ShapeError(`Given weight of size ${fmtShape(weight.shape)}, expected bias to be 1-dimensional with ${O} elements, but got bias of size ${fmtShape(bias.shape)} instead`);
  }
  const stride = tupleArg(opts.stride ?? 1, 3, "stride");
  const dilation = tupleArg(opts.dilation ?? 1, 3, "dilation");
  if (stride.some((s) => s <= 0)) throw new ArgumentError("non-positive stride is not supported");
  if (dilation.some((d) => d <= 0)) throw new ArgumentError("dilation should be greater than zero");
  const k = [kD, kH, kW];
  const padding = opts.padding ?? 0;
  let lo: number[];
  let hi: number[];
  if (padding === "valid") lo = hi = [0, 0, 0];
  else if (padding === "same") {
    if (stride.some((s) => s !== 1)) throw new ArgumentError("padding='same' is not supported for strided convolutions");
    // PyTorch puts the odd extra element on the far side.
    lo = k.map((kk, d) => Math.floor((dilation[d]! * (kk - 1)) / 2));
    hi = k.map((kk, d) => dilation[d]! * (kk - 1) - lo[d]!);
  } else {
    lo = hi = tupleArg(padding, 3, "padding");
    if (lo.some((p) => p < 0)) throw new ArgumentError("negative padding is not supported");
  }
  const padded = lo.some((p) => p > 0) || hi.some((p) => p > 0) ? pad(x, [lo[2]!, hi[2]!, lo[1]!, hi[1]!, lo[0]!, hi[0]!]) : x;
  const [N, C, Dp, Hp, Wp] = padded.shape as [number, number, number, number, number];
  const out = [0, 1, 2].map((d) => Math.floor((padded.shape[d + 2]! - dilation[d]! * (k[d]! - 1) - 1) / stride[d]!) + 1);
  if (out.some((o) => o <= 0)) {
    throw new ShapeError(
      `Calculated padded input size per channel: (${[Dp, Hp, Wp].join(" x ")}). Kernel size: (${k.map((kk, d) => dilation[d]! * (kk - 1) + 1).join(" x ")}). Kernel size can't be greater than actual input size`,
    );
  }
  const Do = out[0]!;
  let y: Tensor | null = null;
  for (let kd = 0; kd < kD; kd++) {
    const start = kd * dilation[0]!;
    const planes = padded.slice(2, start, start + (Do - 1) * stride[0]! + 1, stride[0]!);
    const batch = planes.permute([0, 2, 1, 3, 4]).reshape([N * Do, C, Hp, Wp]);
    const part = conv2d(batch, weight.select(2, kd), null, { stride: stride.slice(1), dilation: dilation.slice(1), groups });
    y = y === null ? part : y.add(part);
  }
  let res = y!.reshape([N, Do, O, out[1]!, out[2]!]).permute([0, 2, 1, 3, 4]);
  if (bias !== null) res = res.add(bias.reshape([1, O, 1, 1, 1]));
  res = res.contiguous();
  return input.ndim === 4 ? res.squeeze(0) : res;
}
