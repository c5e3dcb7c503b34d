import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { ArgumentError, DTypeError } from "../../src/errors.ts";
import { toGray } from "../../src/io/image/index.ts";
import type { DecodedImage } from "../../src/io/image/types.ts";
import { Generator } from "../../src/tensor/random.ts";
import { Tensor } from "../../src/tensor/tensor.ts";
import "../../src/ops/methods.ts";
import {
  CenterCrop, Compose, GaussianNoise, Grayscale, Lambda, Normalize, RandomAffine, RandomCrop, RandomRotation, Resize, ToTensor,
  Transform, type TransformJSON, affine, inverseAffineMatrix, registerTransform, transformFromJSON,
} from "../../src/transforms/index.ts";

const fx = JSON.parse(readFileSync(new URL("../fixtures/data.json", import.meta.url), "utf8")).transforms;
const image = Tensor.fromStorage(Float64Array.from(fx.image.values as number[]), "float64", fx.image.shape);

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-9): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (Math.abs(actual[i]! - expected[i]!) > tol) assert.fail(`element ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

/** A w x h gray image whose pixel (x, y) is 10y + x. */
function grid(w: number, h: number): DecodedImage {
  return { width: w, height: h, channels: 1, data: Uint8Array.from({ length: w * h }, (_, i) => 10 * Math.floor(i / w) + (i % w)) };
}
const px = (img: DecodedImage, x: number, y: number) => img.data[y * img.width + x];

describe("Resize and affine warps against PyTorch", () => {
  for (const [name, expected] of Object.entries(fx.resize) as [string, number[]][]) {
    it(`resize ${name} equals F.interpolate`, () => {
      const [mode, size] = name.split("_") as ["bilinear" | "nearest", string];
      const [h, w] = size.split("x").map(Number) as [number, number];
      const out = new Resize([h, w], { interpolation: mode }).apply(image) as Tensor;
      assert.deepEqual(out.shape, [2, h, w]);
      close(out.toTypedArray(), expected);
    });
  }
  for (const [name, c] of Object.entries(fx.affine) as [string, { matrix: number[]; values: number[] }][]) {
    it(`affine ${name} equals affine_grid + grid_sample`, () => {
      const [which, mode] = name.split("_") as [string, "nearest" | "bilinear"];
      const args: Record<string, [number, [number, number], number, [number, number]]> = {
        rot30: [30, [0, 0], 1, [0, 0]],
        rot90: [90, [0, 0], 1, [0, 0]],
        mix: [-17, [1, -2], 1.2, [10, 5]],
      };
      const [angle, translate, scale, shear] = args[which]!;
      close(inverseAffineMatrix(angle, translate, scale, shear), c.matrix, 1e-12);
      close((affine(image, angle, translate, scale, shear, mode) as Tensor).toTypedArray(), c.values, 1e-9);
    });
  }
});

describe("ToTensor / Normalize / Grayscale", () => {
  const rgb: DecodedImage = { width: 2, height: 1, channels: 3, data: Uint8Array.from([255, 0, 51, 102, 204, 0]) };
  it("ToTensor: HWC uint8 -> CHW float32 / 255", () => {
    const t = new ToTensor().apply(rgb);
    assert.equal(t.dtype, "float32");
    assert.deepEqual(t.shape, [3, 1, 2]);
    close(t.toTypedArray(), [1, 102 / 255, 0, 204 / 255, 51 / 255, 0], 1e-7);
    assert.throws(() => new ToTensor().apply(t), ArgumentError);
  });
  it("Normalize: per channel, also over a leading batch dim", () => {
    const t = Tensor.fromStorage(Float32Array.from([1, 2, 3, 4]), "float32", [2, 1, 2]);
    const n = new Normalize([1, 2], [2, 0.5]);
    close(n.apply(t).toTypedArray(), [0, 0.5, 2, 4]);
    close(n.apply(t.reshape(1, 2, 1, 2)).toTypedArray(), [0, 0.5, 2, 4]);
    assert.equal(n.batchable, true);
    assert.throws(() => new Normalize([0], [0]), /std evaluated to zero/);
    assert.throws(() => n.apply(Tensor.fromStorage(Int32Array.from([1, 2, 3, 4]), "int32", [2, 1, 2])), DTypeError);
  });
  it("Grayscale: PIL's L for images, torchvision's weights for tensors", () => {
    assert.deepEqual(new Grayscale().apply(rgb), toGray(rgb));
    const three = new Grayscale(3).apply(rgb) as DecodedImage;
    assert.equal(three.channels, 3);
    assert.equal(three.data[0], three.data[2]);
    const t = new Grayscale().apply(new ToTensor().apply(rgb)) as Tensor;
    assert.deepEqual(t.shape, [1, 1, 2]);
    close(t.toTypedArray(), [0.2989 + 0.114 * 0.2, 0.2989 * 0.4 + 0.587 * 0.8], 1e-6);
  });
});

describe("crops", () => {
  it("CenterCrop takes torchvision's offsets (Python rounding) and zero-pads small images", () => {
    const img = grid(7, 6);
    const c = new CenterCrop([3, 4]).apply(img) as DecodedImage;
    // top = round((6-3)/2) = round(1.5) = 2, left = round((7-4)/2) = 2
    assert.equal(px(c, 0, 0), 22);
    const big = new CenterCrop(9).apply(grid(3, 3)) as DecodedImage;
    assert.equal(big.width, 9);
    assert.equal(px(big, 3, 3), 0);
    assert.equal(px(big, 4, 4), 11);
    assert.equal(px(big, 0, 0), 0);
  });
  it("RandomCrop: a window of the padded image, the same for the same generator", () => {
    const img = grid(8, 8);
    const rc = new RandomCrop(6, { padding: 2 });
    const a = rc.apply(img, { generator: new Generator(3) }) as DecodedImage;
    const b = rc.apply(img, { generator: new Generator(3) }) as DecodedImage;
    assert.deepEqual(a, b);
    const g = new Generator(3);
    const top = g.randomInt(12 - 6 + 1) - 2;
    const left = g.randomInt(12 - 6 + 1) - 2;
    for (let y = 0; y < 6; y++) {
      for (let x = 0; x < 6; x++) {
        const sy = y + top;
        const sx = x + left;
        assert.equal(px(a, x, y), sy >= 0 && sy < 8 && sx >= 0 && sx < 8 ? 10 * sy + sx : 0);
      }
    }
    assert.throws(() => new RandomCrop(10).apply(img), /Required crop size \(10, 10\) is larger than input image size \(8, 8\)/);
    assert.equal((new RandomCrop(10, { padIfNeeded: true }).apply(img) as DecodedImage).width, 10);
  });
});

describe("rotations and affine", () => {
  it("RandomRotation with a fixed 90 degrees turns counter-clockwise exactly", () => {
    const img = grid(4, 4);
    const r = new RandomRotation([90, 90]).apply(img) as DecodedImage;
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) assert.equal(px(r, x, y), px(img, 3 - y, x));
  });
  it("RandomAffine translation moves pixels by whole steps, with fill outside, for images and tensors alike", () => {
    const img = grid(6, 5);
    const out = affine(img, 0, [2, 1], 1, [0, 0]) as DecodedImage;
    for (let y = 0; y < 5; y++) for (let x = 0; x < 6; x++) assert.equal(px(out, x, y), x >= 2 && y >= 1 ? px(img, x - 2, y - 1) : 0);
    const asTensor = affine(new ToTensor().apply(img), 0, [2, 1], 1, [0, 0]) as Tensor;
    close(asTensor.toTypedArray(), Array.from(out.data, (v) => v / 255), 1e-7);
  });
  it("draws the same parameters from the same generator", () => {
    const ra = new RandomAffine({ degrees: 20, translate: [0.2, 0.2], scale: [0.8, 1.2], shear: 5 });
    const img = grid(9, 9);
    assert.deepEqual(ra.apply(img, { generator: new Generator(1) }), ra.apply(img, { generator: new Generator(1) }));
    assert.notDeepEqual(ra.apply(img, { generator: new Generator(1) }), ra.apply(img, { generator: new Generator(2) }));
    assert.throws(() => new RandomAffine({ degrees: 0, translate: [2, 0] }), /between 0 and 1/);
  });
});

describe("GaussianNoise", () => {
  it("adds seeded noise and clips to [0, 1]", () => {
    const t = Tensor.fromStorage(new Float32Array(1000).fill(0.5), "float32", [1, 10, 100]);
    const a = new GaussianNoise(0.1).apply(t, { generator: new Generator(4) });
    assert.deepEqual(a.toTypedArray(), new GaussianNoise(0.1).apply(t, { generator: new Generator(4) }).toTypedArray());
    const v = Array.from(a.toTypedArray());
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    assert.ok(Math.abs(mean - 0.5) < 0.02);
    assert.ok(new GaussianNoise(5).apply(t, { generator: new Generator(4) }).toTypedArray().every((x) => x >= 0 && x <= 1));
  });
});

describe("serialisation", () => {
  it("every built-in transform round-trips through JSON to the same output", () => {
    const pipeline = new Compose([
      new Grayscale(3), new Resize(12), new CenterCrop(10), new RandomCrop(8, { padding: [1, 2] }), new RandomRotation(30, { interpolation: "bilinear" }),
      new RandomAffine({ degrees: 10, translate: [0.1, 0.1], scale: [0.9, 1.1], shear: [1, 2, 3, 4] }), new ToTensor(), new Normalize([0.5, 0.4, 0.3], [0.2, 0.2, 0.2]),
      new GaussianNoise(0.05, { clip: false }),
    ]);
    const json = JSON.parse(JSON.stringify(pipeline)) as TransformJSON;
    const rebuilt = transformFromJSON(json);
    const img: DecodedImage = { width: 14, height: 11, channels: 3, data: Uint8Array.from({ length: 14 * 11 * 3 }, (_, i) => (i * 37) % 256) };
    const a = pipeline.apply(img, { generator: new Generator(8) });
    const b = rebuilt.apply(img, { generator: new Generator(8) }) as Tensor;
    assert.deepEqual(a.shape, [3, 8, 8]);
    assert.deepEqual(a.toTypedArray(), b.toTypedArray());
    assert.deepEqual(rebuilt.toJSON(), json);
  });
  it("Lambda explains why it cannot go to workers; unknown types are named", () => {
    assert.throws(() => new Lambda((x: DecodedImage) => x).toJSON(), /Lambda transforms cannot be sent to DataLoader worker threads/);
    assert.throws(() => transformFromJSON({ type: "Nope" }), /unknown transform type "Nope"/);
  });
  it("custom transforms register themselves and say which module to import", () => {
    class Invert extends Transform<Tensor, Tensor> {
      apply(t: Tensor): Tensor {
        return Tensor.fromStorage(Float32Array.from(t.toTypedArray(), (v) => 1 - v), "float32", t.shape);
      }
      toJSON(): TransformJSON {
        return { type: "Invert", module: import.meta.url };
      }
    }
    registerTransform("Invert", () => new Invert());
    const t = new Compose([new ToTensor(), new Invert()]);
    const back = transformFromJSON(JSON.parse(JSON.stringify(t)));
    const out = back.apply({ width: 1, height: 1, channels: 1, data: Uint8Array.from([255]) }) as Tensor;
    assert.deepEqual(Array.from(out.toTypedArray()), [0]);
  });
});
