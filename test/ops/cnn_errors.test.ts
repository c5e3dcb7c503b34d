/** The CNN ops' argument and shape errors: typed, thrown at the call, worded like PyTorch 1.13's. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import * as F from "../../src/ops/cnn_index.ts";

const z = (...s: number[]) => torch.zeros(s);
const throwsLike = (fn: () => unknown, name: string, message: string | RegExp) => assert.throws(fn, { name, message });

test("conv2d: channel mismatch names weight and input shapes", () => {
  throwsLike(
    () => F.conv2d(z(8, 1, 28, 28), z(32, 3, 3, 3)),
    "ShapeError",
    "Given groups=1, weight of size [32, 3, 3, 3], expected input[8, 1, 28, 28] to have 3 channels, but got 1 channels instead",
  );
  throwsLike(
    () => F.conv2d(z(2, 5, 6, 6), z(4, 2, 3, 3), null, { groups: 2 }),
    "ShapeError",
    "Given groups=2, weight of size [4, 2, 3, 3], expected input[2, 5, 6, 6] to have 4 channels, but got 5 channels instead",
  );
  throwsLike(
    () => F.conv1d(z(2, 2, 10), z(4, 3, 3)),
    "ShapeError",
    "Given groups=1, weight of size [4, 3, 3], expected input[2, 2, 10] to have 3 channels, but got 2 channels instead",
  );
  // An unbatched input is reported with its implied batch of one, as PyTorch does.
  throwsLike(() => F.conv2d(z(1, 5, 5), z(2, 3, 3, 3)), "ShapeError", /expected input\[1, 1, 5, 5\] to have 3 channels/);
});

test("conv2d: kernel larger than the padded input", () => {
  const msg = "Calculated padded input size per channel: (2 x 2). Kernel size: (3 x 3). Kernel size can't be greater than actual input size";
  throwsLike(() => F.conv2d(z(1, 3, 2, 2), z(32, 3, 3, 3)), "ShapeError", msg);
  // The dilated kernel is what must fit: 2*(2-1)+1 = 3 > 2.
  throwsLike(() => F.conv2d(z(1, 3, 2, 2), z(4, 3, 2, 2), null, { dilation: 2 }), "ShapeError", msg);
  // Padding makes room.
  assert.deepEqual(F.conv2d(z(1, 3, 2, 2), z(4, 3, 3, 3), null, { padding: 1 }).shape, [1, 4, 2, 2]);
  throwsLike(
    () => F.conv1d(z(2, 3, 2), z(4, 3, 3)),
    "ShapeError",
    "Calculated padded input size per channel: (2). Kernel size: (3). Kernel size can't be greater than actual input size",
  );
});

test("conv2d: bad stride, padding, dilation, groups", () => {
  for (const stride of [0, -1, [1, 0]]) {
    throwsLike(() => F.conv2d(z(1, 3, 5, 5), z(2, 3, 3, 3), null, { stride }), "ArgumentError", "non-positive stride is not supported");
  }
  throwsLike(() => F.conv2d(z(1, 3, 5, 5), z(2, 3, 3, 3), null, { stride: 1.5 }), "ArgumentError", /stride must be an integer or a tuple of 2 integers/);
  throwsLike(() => F.conv2d(z(1, 3, 5, 5), z(2, 3, 3, 3), null, { stride: [1, 2, 3] }), "ArgumentError", /stride must be/);
  throwsLike(() => F.conv2d(z(1, 3, 5, 5), z(2, 3, 3, 3), null, { padding: -1 }), "ArgumentError", "negative padding is not supported");
  throwsLike(() => F.conv2d(z(1, 3, 5, 5), z(2, 3, 3, 3), null, { dilation: 0 }), "ArgumentError", "dilation should be greater than zero, but got [0, 0]");
  throwsLike(() => F.conv2d(z(1, 3, 5, 5), z(2, 3, 3, 3), null, { groups: 0 }), "ArgumentError", "non-positive groups is not supported");
  throwsLike(
    () => F.conv2d(z(1, 4, 5, 5), z(3, 2, 3, 3), null, { groups: 2 }),
    "ShapeError",
    "Given groups=2, expected weight to be divisible by 2 at dimension 0, but got weight of size [3, 2, 3, 3] instead",
  );
  throwsLike(() => F.conv2d(z(1, 3, 5, 5), z(2, 3, 3, 3), null, { stride: 2, padding: "same" }), "ArgumentError", "padding='same' is not supported for strided convolutions");
  throwsLike(() => F.conv2d(z(1, 3, 5, 5), z(2, 3, 3, 3), null, { padding: "full" as "same" }), "ArgumentError", "Invalid padding string: 'full'");
});

test("conv2d: bias, ranks and dtypes", () => {
  throwsLike(
    () => F.conv2d(z(1, 3, 5, 5), z(32, 3, 3, 3), z(31)),
    "ShapeError",
    "Given weight of size [32, 3, 3, 3], expected bias to be 1-dimensional with 32 elements, but got bias of size [31] instead",
  );
  throwsLike(() => F.conv2d(z(3, 5), z(2, 3, 3, 3)), "ShapeError", "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [3, 5]");
  throwsLike(() => F.conv2d(z(1, 3, 5, 5), z(3, 3)), "ShapeError", "weight should have at least three dimensions");
  throwsLike(() => F.conv2d(z(1, 3, 5, 5), z(2, 3, 3)), "ShapeError", /Expected 3-dimensional input for 3-dimensional weight \[2, 3, 3\]/);
  throwsLike(() => F.conv2d(torch.zeros([1, 3, 5, 5], { dtype: "float64" }), z(2, 3, 3, 3)), "DTypeError", /expected scalar type float64 but found float32/);
  throwsLike(() => F.conv2d(torch.zeros([1, 3, 5, 5], { dtype: "int64" }), z(2, 3, 3, 3)), "DTypeError", /floating point/);
  throwsLike(() => F.conv2d([1, 2] as never, z(2, 3, 3, 3)), "ArgumentError", "input must be a Tensor, got an array");
});

test("pools: PyTorch's checks", () => {
  const x = z(1, 1, 5, 5);
  throwsLike(() => F.maxPool2d(x, 3, { padding: 2 }), "ArgumentError", "pad should be at most half of kernel size, but got pad=2 and kernel_size=3");
  throwsLike(() => F.avgPool2d(x, 3, { padding: 2 }), "ArgumentError", "pad should be at most half of kernel size, but got pad=2 and kernel_size=3");
  throwsLike(() => F.maxPool2d(z(1, 1, 2, 2), 3), "ShapeError", "Given input size: (1x2x2). Calculated output size: (1x0x0). Output size is too small");
  throwsLike(() => F.avgPool2d(z(1, 1, 2, 2), 3), "ShapeError", "Given input size: (1x2x2). Calculated output size: (1x0x0). Output size is too small");
  throwsLike(() => F.maxPool2d(x, 3, { stride: 0 }), "ArgumentError", "stride should not be zero");
  throwsLike(() => F.maxPool2d(x, 3, { stride: -1 }), "ArgumentError", "stride should be greater than zero, but got dH: -1 dW: -1");
  throwsLike(() => F.maxPool2d(x, 0, { stride: 1 }), "ArgumentError", "kernel size should be greater than zero, but got kH: 0 kW: 0");
  throwsLike(() => F.maxPool2d(x, 3, { padding: -1 }), "ArgumentError", "pad must be non-negative, but got pad: -1");
  throwsLike(() => F.maxPool2d(x, 3, { dilation: 0 }), "ArgumentError", "dilation should be greater than zero, but got dilationH: 0 dilationW: 0");
  throwsLike(() => F.maxPool2d(x, [3, 2, 1]), "ArgumentError", "max_pool2d: kernel_size must either be a single int, or a tuple of two ints");
  throwsLike(() => F.maxPool2d(z(5, 5), 3), "ShapeError", /Expected 3D or 4D \(batch mode\) tensor/);
  throwsLike(() => F.maxPool2d(z(1, 0, 5, 5), 3), "ShapeError", /tensor with optional 0 dim batch size for input, but got:\[1, 0, 5, 5\]/);
  throwsLike(() => F.maxPool2d(torch.zeros([1, 1, 4, 4], { dtype: "int64" }), 2), "DTypeError", `"max_pool2d" not implemented for 'int64'`);
  throwsLike(() => F.avgPool2d(x, 3, { divisorOverride: 0 }), "ArgumentError", "divisor must be not zero");
  throwsLike(() => F.adaptiveAvgPool2d(z(5, 5), 3), "ShapeError", "adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got [5, 5]");
  throwsLike(() => F.adaptiveAvgPool2d(z(1, 1, 0, 5), 3), "ShapeError", /dimension 2 being empty/);
  throwsLike(() => F.adaptiveAvgPool2d(x, -1), "ArgumentError", /greater than or equal to 0 but received \{-1, -1\}/);
  // An empty batch is fine.
  assert.deepEqual(F.maxPool2d(z(0, 2, 4, 4), 2).shape, [0, 2, 2, 2]);
});

test("batchNorm and layerNorm: shapes and modes", () => {
  throwsLike(() => F.batchNorm(z(1, 3), z(3), z(3), null, null, true), "ArgumentError", "Expected more than 1 value per channel when training, got input size [1, 3]");
  throwsLike(() => F.batchNorm(z(2, 3), z(4), z(4), null, null, true), "ShapeError", "running_mean should contain 3 elements not 4");
  throwsLike(() => F.batchNorm(z(2, 3), z(3), z(3), z(4), null, true), "ShapeError", "weight should contain 3 elements not 4");
  throwsLike(() => F.batchNorm(z(2, 3, 4), null, null, null, null, false), "ArgumentError", "running_mean must be defined in evaluation mode");
  throwsLike(() => F.batchNorm(z(4), null, null, null, null, true), "ShapeError", /expected a 2D or higher input/);
  throwsLike(
    () => F.layerNorm(z(2, 3, 4), [5]),
    "ShapeError",
    "Given normalized_shape=[5], expected input with shape [*, 5], but got input of size[2, 3, 4]",
  );
  throwsLike(
    () => F.layerNorm(z(2, 3, 4), [4], z(3)),
    "ShapeError",
    "Expected weight to be of same shape as normalized_shape, but got weight of shape [3] and normalized_shape = [4]",
  );
});

test("pad and featureDropout arguments", () => {
  throwsLike(() => F.pad(z(2, 3), [1, 1, 1]), "ArgumentError", "Padding length must be divisible by 2");
  throwsLike(() => F.pad(z(2, 3), [1, 1, 1, 1, 1, 1]), "ArgumentError", "Padding length too large");
  throwsLike(() => F.pad(z(2, 3), [-2, -2]), "ShapeError", /The input size 3, plus negative padding -2 and -2 resulted in a negative output size/);
  throwsLike(
    () => F.pad(z(1, 2, 3), [3, 3], { mode: "reflect" }),
    "ArgumentError",
    "Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (3, 3) at dimension 2 of input [1, 2, 3]",
  );
  throwsLike(() => F.pad(z(1, 3, 4), [5, 2], { mode: "circular" }), "ArgumentError", "Padding value causes wrapping around more than once.");
  throwsLike(() => F.pad(z(1, 2, 3), [1, 1, 1, 1, 1, 1], { mode: "reflect" }), "ShapeError", "Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now");
  throwsLike(() => F.pad(z(2, 3), [1, 1], { mode: "foo" as "reflect" }), "ArgumentError", "Unrecognised padding mode foo");
  throwsLike(() => F.featureDropout(z(2, 3, 4, 4), 1.5), "ArgumentError", "dropout probability has to be between 0 and 1, but got 1.5");
  throwsLike(() => F.featureDropout(z(2), 0.5), "ShapeError", "Feature dropout requires at least 2 dimensions in the input");
});
