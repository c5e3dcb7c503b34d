import type { Window2d } from "../backend/backend.ts";
import type { ConvDims } from "../backend/conv_passes.ts";
import { backend, optionalKernel } from "../backend/registry.ts";
import { record } from "../autograd/record.ts";
import { ArgumentError, DTypeError, ShapeError } from "../errors.ts";
import { allocStorage, isFloating } from "../tensor/dtype.ts";
import { fmtShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { type IntOrTuple, conv2d, tupleArg } from "./conv.ts";
import { add } from "./elementwise.ts";
import { denseData, fresh } from "./util.ts";
import { narrow, reshape, squeeze, unsqueeze } from "./views.ts";

/**
 * Transposed 2-D convolution: the adjoint of conv2d with respect to its input. Its forward is conv2d's
 * input-gradient pass (weight^T @ input, then col2im), its input gradient is a plain conv2d of the
 * incoming gradient, and its weight gradient is conv2d's weight-gradient pass with the roles of input
 * and gradient swapped. So it needs no kernels beyond conv's: the backend's "convPasses" when it has
 * them, else per-sample GEMM + im2col/col2im. Weight layout [in, out/groups, kH, kW], as PyTorch's.
 */

type F = Float32Array | Float64Array;

export interface ConvTransposeOptions {
  stride?: IntOrTuple;
  padding?: IntOrTuple;
  /** Extra rows/columns added on one side of the output (< stride or < dilation), picking among the output sizes a stride allows. */
  outputPadding?: IntOrTuple;
  groups?: number;
  dilation?: IntOrTuple;
}

interface Geometry {
  stride: number[];
  padding: number[];
  outputPadding: number[];
  dilation: number[];
  groups: number;
  /** Output spatial size. */
  out: number[];
}

/** PyTorch's checks (aten's check_shape_forward and slow_conv_transpose2d_shape_check), on the caller's shapes. */
function checkConvTranspose(input: Tensor, weight: Tensor, bias: Tensor | null, opts: ConvTransposeOptions): Geometry {
  Tensor.check(input, "input");
  Tensor.check(weight, "weight");
  if (bias !== null) Tensor.check(bias, "bias");
  if (input.ndim !== 3 && input.ndim !== 4) {
    throw new ShapeError(`Expected 3D (unbatched) or 4D (batched) input to conv_transpose2d, but got input of size: ${fmtShape(input.shape)}`);
  }
  if (weight.ndim < 3) throw new ShapeError("weight should have at least three dimensions");
  const x = input.ndim === 3 ? [1, ...input.shape] : [...input.shape];
  if (weight.ndim !== 4) {
    throw new ShapeError(`Expected ${weight.ndim}-dimensional input for ${weight.ndim}-dimensional weight ${fmtShape(weight.shape)}, but got 4-dimensional input of size ${fmtShape(x)} instead`);
  }
  if (!isFloating(input.dtype)) throw new DTypeError(`conv_transpose2d: expected a floating point input, got ${input.dtype}`);
  for (const [t, what] of [[weight, "weight"], [bias, "bias"]] as const) {
    if (t && t.dtype !== input.dtype) throw new DTypeError(`expected scalar type ${input.dtype} but found ${t.dtype} (${what})`);
  }
  const groups = opts.groups ?? 1;
  if (!Number.isInteger(groups) || groups <= 0) throw new ArgumentError("non-positive groups is not supported");
  const [stride, padding, outputPadding, dilation] = (["stride", "padding", "output_padding", "dilation"] as const).map((name, i) => {
    const v = tupleArg([opts.stride ?? 1, opts.padding ?? 0, opts.outputPadding ?? 0, opts.dilation ?? 1][i]!, 2, name);
    if (i < 3 && v.some((x) => x < (i === 0 ? 1 : 0))) throw new ArgumentError(`${i === 0 ? "non-positive" : "negative"} ${name} is not supported`);
    return v;
  }) as [number[], number[], number[], number[]];
  if (dilation.some((d) => d <= 0)) throw new ArgumentError(`dilation should be greater than zero, but got dilation_height: ${dilation[0]} dilation_width: ${dilation[1]}`);
  if (weight.shape[0]! % groups !== 0) {
    // PyTorch prints the weight size in double brackets here.
    throw new ShapeError(`Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size [${fmtShape(weight.shape)}] instead`);
  }
  if (x[1] !== weight.shape[0]) {
    throw new ShapeError(`Given transposed=1, weight of size ${fmtShape(weight.shape)}, expected input${fmtShape(x)} to have ${weight.shape[0]} channels, but got ${x[1]} channels instead`);
  }
  const O = weight.shape[1]! * groups;
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== O)) {
    throw new ShapeError(`Given transposed=1, weight of size ${fmtShape(weight.shape)}, expected bias to be 1-dimensional with ${O} elements, but got bias of size ${fmtShape(bias.shape)} instead`);
  }
  const ok = (i: number) => outputPadding[i]! < stride[i]! || outputPadding[i]! < dilation[i]!;
  if (!ok(0) || !ok(1)) {
    throw new ArgumentError(
      `output padding must be smaller than either stride or dilation, but got output_padding_height: ${outputPadding[0]} output_padding_width: ${outputPadding[1]} ` +
        `stride_height: ${stride[0]} stride_width: ${stride[1]} dilation_height: ${dilation[0]} dilation_width: ${dilation[1]}`,
    );
  }
  const inSize = x.slice(2);
  const out = inSize.map((s, i) => (s - 1) * stride[i]! - 2 * padding[i]! + dilation[i]! * (weight.shape[2 + i]! - 1) + outputPadding[i]! + 1);
  if (out.some((o) => o < 1)) {
    throw new ShapeError(`Given input size per channel: (${inSize.join(" x ")}). Calculated output size per channel: (${out.join(" x ")}). Output size is too small`);
  }
  return { stride, padding, outputPadding, dilation, groups, out };
}

/** Checked, batched operands, without the bias. */
function convTranspose2dCore(x: Tensor, weight: Tensor, geo: Geometry): Tensor {
  const [N, Cin, H, W] = x.shape as [number, number, number, number];
  const [, Cg, kH, kW] = weight.shape as [number, number, number, number];
  const { groups: G, stride, padding, dilation } = geo;
  const [oH, oW] = geo.out as [number, number];
  const O = Cg * G;
  // The window of the conv2d whose input-gradient this is: its input is our output, its output our input.
  const win: Window2d = { C: Cg, H: oH, W: oW, kH, kW, sH: stride[0]!, sW: stride[1]!, pH: padding[0]!, pW: padding[1]!, dH: dilation[0]!, dW: dilation[1]!, oH: H, oW: W };
  const dims: ConvDims = { N, C: O, O: Cin, G };
  const Ig = Cin / G;
  const K = Cg * kH * kW;
  const L = H * W;
  const k = backend();
  const passes = optionalKernel("convPasses");
  const X = denseData(x) as F;
  const Wt = denseData(weight) as F;

  /** Without the backend's conv passes: f(group g's weight offset, sample n's group-g input and output offsets, im2col scratch) per sample and group. */
  const eachGroup = (f: (w: number, xAt: number, yAt: number, cols: F) => void): void => {
    const cols = allocStorage(x.dtype, K * L) as F;
    for (let n = 0; n < N; n++) for (let g = 0; g < G; g++) f(g * Ig * K, (n * Cin + g * Ig) * L, (n * O + g * Cg) * oH * oW, cols);
  };
  const out = fresh([N, O, oH, oW], x.dtype);
  const Y = out.storage as F;
  if (!passes?.backwardInput(X, Wt, Y, win, dims)) {
    eachGroup((w, xAt, yAt, cols) => {
      k.gemm(true, false, K, L, Ig, 1, Wt, w, K, X, xAt, L, 0, cols, 0, L);
      k.col2im(cols, 0, win, Y, yAt);
    });
  }

  return record(out, "ConvolutionBackward0", [x, weight], (grad, needs) => {
    let gx: Tensor | null = null;
    if (needs[0]) {
      gx = conv2d(grad, weight, null, { stride, padding, dilation, groups: G });
      // An output padding past the stride (allowed when below the dilation) adds rows no input reached.
      if (gx.shape[2] !== H) gx = narrow(gx, 2, 0, H);
      if (gx.shape[3] !== W) gx = narrow(gx, 3, 0, W);
    }
    let gw: Tensor | null = null;
    if (needs[1]) {
      gw = fresh(weight.shape, weight.dtype);
      const GW = gw.storage as F;
      const Gd = denseData(grad) as F;
      if (!passes?.backwardWeight(X, Gd, GW, win, dims)) {
        eachGroup((w, xAt, yAt, cols) => {
          k.im2col(Gd, yAt, win, cols, 0);
          k.gemm(false, true, Ig, K, L, 1, X, xAt, L, cols, 0, L, 1, GW, w, K);
        });
      }
    }
    return [gx, gw];
  });
}

/**
 * `F.conv_transpose2d(input, weight, bias, stride, padding, output_padding, groups, dilation)`: input
 * [N, Cin, H, W] (or unbatched [Cin, H, W]), weight [Cin, Cout/groups, kH, kW], output
 * [N, Cout, (H-1)*stride - 2*padding + dilation*(kH-1) + outputPadding + 1, ...].
 */
export function convTranspose2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, opts: ConvTransposeOptions = {}): Tensor {
  const geo = checkConvTranspose(input, weight, bias, opts);
  const x = input.ndim === 3 ? unsqueeze(input, 0) : input;
  let y = convTranspose2dCore(x, weight, geo);
  if (bias !== null) y = add(y, reshape(bias, [1, bias.shape[0]!, 1, 1]));
  return input.ndim === 3 ? squeeze(y, 0) : y;
}
